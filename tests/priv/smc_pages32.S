# Self-modifying code across pages, RV32 (Sv32): the body is smc_pages.S.
#include "smc_pages.S"
