/* RV64 instruction bodies and dispatch table: exec_template.h compiled for XLEN = 64. */
#define XLEN 64
#include "core/exec_template.h"
