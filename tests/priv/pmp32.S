# PMP tests for RV32: the body is pmp.S (one source for both XLENs; see there).
#include "pmp.S"
