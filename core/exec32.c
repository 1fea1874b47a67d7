/* RV32 instruction bodies and dispatch table: exec_template.h compiled for XLEN = 32. */
#define XLEN 32
#include "core/exec_template.h"
