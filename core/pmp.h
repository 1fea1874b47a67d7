/* Physical memory protection: the access check of Privileged Architecture 1.12 section 3.7
 * (pmpcfg/pmpaddr, address matching OFF/TOR/NA4/NAPOT, priority by entry number, the L bit
 * binding M-mode). The CSRs themselves (storage, WARL and lock rules) are in csr.c.
 *
 * Usage:
 *     bool whole;
 *     if (!pmp_check(h, pa, 4, MMU_READ, PRIV_S, &whole)) ... access fault ...
 */
#ifndef HARTLAB_CORE_PMP_H
#define HARTLAB_CORE_PMP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mmu.h"

/* PMP entries this hart implements. */
#define PMP_ENTRIES 16

/* pmpcfg.A values. */
#define PMP_A_OFF   0x00
#define PMP_A_TOR   0x08
#define PMP_A_NA4   0x10
#define PMP_A_NAPOT 0x18

struct hart;

/* May privilege `priv` perform `acc` on [pa, pa+size)? `*whole_page` (may be NULL) tells
 * whether every byte of the 4 KiB page holding `pa` gets the same answer, so the page may be
 * cached in a fast-path TLB. */
bool pmp_check(const struct hart *h, uint64_t pa, unsigned size, enum mmu_access acc, unsigned priv,
               bool *whole_page);

#endif
