# Self-modifying code across pages, RV64 (Sv39): the body is smc_pages.S.
#include "smc_pages.S"
