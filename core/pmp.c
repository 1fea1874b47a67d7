/* Physical memory protection check (Privileged Architecture 1.12 section 3.7.1): the
 * lowest-numbered entry that matches any byte of an access decides it; an access that such
 * an entry matches only in part fails; M-mode is checked only against locked entries; an
 * S/U access that no entry matches fails, since this hart implements PMP entries. The
 * grain is 4 bytes (G = 0), so NA4 is available.
 */
#include "core/pmp.h"

#include "core/hart_internal.h"

/* Byte range [*lo, *hi) that entry k matches; false if it is OFF or empty. */
static bool pmp_range(const struct hart *h, unsigned k, uint64_t *lo, uint64_t *hi)
{
    uint8_t cfg = h->pmpcfg[k];
    uint64_t addr = h->pmpaddr[k];
    switch (cfg & PMP_A) {
    case PMP_A_TOR:
        *lo = k == 0 ? 0 : h->pmpaddr[k - 1] << 2;
        *hi = addr << 2;
        return *lo < *hi;
    case PMP_A_NA4:
        *lo = addr << 2;
        *hi = *lo + 4;
        return true;
    case PMP_A_NAPOT: {
        /* The trailing ones of pmpaddr give the size: 2^(ones + 3) bytes. */
        unsigned ones = (unsigned)__builtin_ctzll(~addr);
        if (ones >= 56) {
            *lo = 0;
            *hi = UINT64_MAX;
            return true;
        }
        uint64_t size = 1ull << (ones + 3);
        *lo = (addr << 2) & ~(size - 1);
        *hi = *lo + size;
        return true;
    }
    default: return false;
    }
}

bool pmp_check(const struct hart *h, uint64_t pa, unsigned size, enum mmu_access acc, unsigned priv,
               bool *whole_page)
{
    static const uint8_t perm[] = { [MMU_READ] = PMP_R, [MMU_WRITE] = PMP_W, [MMU_EXEC] = PMP_X };
    uint64_t plo = pa & ~(PAGE_SIZE - 1), phi = plo + PAGE_SIZE;
    uint64_t end = pa + size;
    bool uniform = true;
    for (unsigned k = 0; k < PMP_ENTRIES; k++) {
        uint64_t lo, hi;
        if (!pmp_range(h, k, &lo, &hi))
            continue;
        bool touches_page = lo < phi && hi > plo;
        if (!(lo < end && hi > pa)) {
            if (touches_page)
                uniform = false; /* decides other bytes of this page */
            continue;
        }
        if (whole_page)
            *whole_page = uniform && lo <= plo && hi >= phi;
        if (!(lo <= pa && hi >= end))
            return false; /* matches only part of the access */
        uint8_t cfg = h->pmpcfg[k];
        if (priv == PRIV_M && !(cfg & PMP_L))
            return true;
        return (cfg & perm[acc]) != 0;
    }
    if (whole_page)
        *whole_page = uniform;
    return priv == PRIV_M;
}
