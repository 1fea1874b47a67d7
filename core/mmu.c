/* Address translation: the page-table walk of Privileged Architecture 1.12 section 4.3.2
 * for Sv32, Sv39 and Sv48, PMP checks on the walk's own accesses and on the result, the
 * hardware update of A/D, the instruction TLB, and sfence.vma (4.2.1). See mmu.h for how
 * the TLBs stay valid.
 */
#include "core/mmu.h"

#include "core/hart_internal.h"
#include "core/pmp.h"

unsigned mmu_data_priv(const struct hart *h)
{
    if (h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        return (unsigned)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    return h->priv;
}

/* satp.MODE as a number of levels (0 = Bare). */
static unsigned satp_levels(const struct hart *h)
{
    if (h->xlen == 32)
        return (h->satp & SATP32_MODE) ? 2 : 0;
    switch (h->satp >> SATP64_MODE_SHIFT) {
    case SATP_MODE_SV39: return 3;
    case SATP_MODE_SV48: return 4;
    default: return 0;
    }
}

bool mmu_paging(const struct hart *h, unsigned p)
{
    return p != PRIV_M && satp_levels(h) != 0;
}

static unsigned fault_cause(enum mmu_access acc, bool page)
{
    static const uint8_t pf[] = { EXC_LOAD_PAGE, EXC_STORE_PAGE, EXC_INSN_PAGE };
    static const uint8_t af[] = { EXC_LOAD_ACCESS, EXC_STORE_ACCESS, EXC_INSN_ACCESS };
    return page ? pf[acc] : af[acc];
}

/* Read or write one PTE in physical memory (an implicit access, checked by PMP as S-mode). */
static bool pte_access(struct hart *h, uint64_t pa, unsigned size, bool write, uint64_t *val)
{
    if (!pmp_check(h, pa, size, write ? MMU_WRITE : MMU_READ, PRIV_S, NULL))
        return false;
    uint8_t *page = h->bus->page_ptr(h->bus->ctx, pa & ~(PAGE_SIZE - 1), write);
    if (page) {
        uint8_t *p = page + (pa & (PAGE_SIZE - 1));
        if (write) {
            host_write(p, size, *val);
            /* A page table may share a page with code or a reservation. */
            cluster_notice_store(h->cl, pa, size);
        } else {
            *val = host_read(p, size);
        }
        return true;
    }
    enum bus_status st = write ? h->bus->store(h->bus->ctx, h, pa, size, *val)
                               : h->bus->load(h->bus->ctx, h, pa, size, val);
    return st != BUS_FAULT;
}

unsigned mmu_translate(struct hart *h, uint64_t va, unsigned size, enum mmu_access acc,
                       uint64_t *pa, bool *whole_page)
{
    unsigned priv = acc == MMU_EXEC ? h->priv : mmu_data_priv(h);
    unsigned levels = priv == PRIV_M ? 0 : satp_levels(h);
    if (levels == 0) {
        *pa = va;
        return pmp_check(h, va, size, acc, priv, whole_page) ? 0 : fault_cause(acc, false);
    }
    bool sv32 = h->xlen == 32;
    unsigned vpn_bits = sv32 ? 10 : 9, pte_size = sv32 ? 4 : 8;
    unsigned va_bits = PAGE_SHIFT + levels * vpn_bits;
    /* RV64: the bits above the translated ones must all equal the top one (4.4.1). */
    if (!sv32 && (uint64_t)sext(va, va_bits) != va)
        return fault_cause(acc, true);
    uint64_t ppn_mask = sv32 ? SATP32_PPN : SATP64_PPN;
    uint64_t table = (h->satp & ppn_mask) << PAGE_SHIFT;
    uint64_t status = h->mstatus;
    for (int level = (int)levels - 1; level >= 0; level--) {
        uint64_t vpn = (va >> (PAGE_SHIFT + level * vpn_bits)) & ((1u << vpn_bits) - 1);
        uint64_t pte_addr = table + vpn * pte_size, pte;
        if (!pte_access(h, pte_addr, pte_size, false, &pte))
            return fault_cause(acc, false);
        /* Bits 63:54 are reserved (no Svpbmt/Svnapot here): nonzero is a page fault. */
        if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) || (!sv32 && (pte >> 54)))
            return fault_cause(acc, true);
        uint64_t ppn = (pte >> 10) & (sv32 ? 0x3fffffull : 0xfffffffffffull);
        if (!(pte & (PTE_R | PTE_X))) {
            table = ppn << PAGE_SHIFT; /* pointer to the next level */
            continue;
        }
        /* A leaf: permissions for this privilege (3.1.6.3, 4.3.1). */
        bool ok;
        if (acc == MMU_EXEC)
            ok = (pte & PTE_X) && ((priv == PRIV_U) == !!(pte & PTE_U));
        else {
            bool user_ok =
                priv == PRIV_U ? !!(pte & PTE_U) : !(pte & PTE_U) || (status & MSTATUS_SUM);
            bool rw = acc == MMU_READ ? (pte & PTE_R) || ((status & MSTATUS_MXR) && (pte & PTE_X))
                                      : !!(pte & PTE_W);
            ok = user_ok && rw;
        }
        if (!ok)
            return fault_cause(acc, true);
        /* A superpage's low PPN fields must be zero (misaligned superpage). */
        uint64_t low_mask = (1ull << (level * vpn_bits)) - 1;
        if (ppn & low_mask)
            return fault_cause(acc, true);
        uint64_t want = PTE_A | (acc == MMU_WRITE ? PTE_D : 0);
        if ((pte & want) != want) {
            pte |= want;
            if (!pte_access(h, pte_addr, pte_size, true, &pte))
                return fault_cause(acc, false);
        }
        uint64_t page = ppn | ((va >> PAGE_SHIFT) & low_mask);
        *pa = (page << PAGE_SHIFT) | (va & (PAGE_SIZE - 1));
        if (level > 0)
            h->mmu.superpage = true;
        bool whole = false;
        if (!pmp_check(h, *pa, size, acc, priv, &whole))
            return fault_cause(acc, false);
        /* A read entry would also serve later reads, which need no D; a write entry is only
         * made once D is set, which it now is. */
        if (whole_page)
            *whole_page = whole;
        return 0;
    }
    return fault_cause(acc, true);
}

bool mmu_fetch_slow(struct hart *h, uint64_t pc, uint64_t *ppc)
{
    bool whole = false;
    unsigned cause = mmu_translate(h, pc, 2, MMU_EXEC, ppc, &whole);
    if (cause) {
        hart_raise(h, cause, pc, pc);
        return false;
    }
    if (whole) {
        struct itlb_entry *e = &h->mmu.itlb[(pc >> PAGE_SHIFT) & (ITLB_SIZE - 1)];
        e->vpage = pc >> PAGE_SHIFT;
        e->ppage = *ppc >> PAGE_SHIFT;
    }
    return true;
}

void mmu_flush(struct hart *h)
{
    for (unsigned k = 0; k < TLB_SIZE; k++) {
        h->tlb_read[k].tag = TLB_INVALID;
        h->tlb_write[k].tag = TLB_INVALID;
    }
    for (unsigned k = 0; k < ITLB_SIZE; k++)
        h->mmu.itlb[k].vpage = ITLB_INVALID;
    h->mmu.superpage = false;
    hart_new_links(h);
}

void mmu_context_check(struct hart *h)
{
    struct mmu_state *m = &h->mmu;
    uint64_t status = h->mstatus & (MSTATUS_SUM | MSTATUS_MXR);
    unsigned dpriv = mmu_data_priv(h);
    if (m->satp == h->satp && m->status == status && m->priv == h->priv && m->data_priv == dpriv)
        return;
    m->satp = h->satp;
    m->status = status;
    m->priv = (uint8_t)h->priv;
    m->data_priv = (uint8_t)dpriv;
    mmu_flush(h);
}

/* Drop the entries of one virtual page from every TLB. */
static void flush_vpage(struct hart *h, uint64_t vpage)
{
    struct tlb_entry *r = &h->tlb_read[vpage & (TLB_SIZE - 1)];
    struct tlb_entry *w = &h->tlb_write[vpage & (TLB_SIZE - 1)];
    struct itlb_entry *x = &h->mmu.itlb[vpage & (ITLB_SIZE - 1)];
    if (r->tag == vpage << PAGE_SHIFT)
        r->tag = TLB_INVALID;
    if (w->tag == vpage << PAGE_SHIFT)
        w->tag = TLB_INVALID;
    if (x->vpage == vpage)
        x->vpage = ITLB_INVALID;
    hart_new_links(h);
}

int hart_exec_sfence_vma(struct hart *h, const struct insn *i)
{
    /* Illegal in U-mode, and in S-mode when mstatus.TVM traps it to M (3.1.6.5). */
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    /* Entries are not tagged with an ASID (the TLBs hold only the current context), so an
     * ASID-specific fence flushes as a global one does. Cached blocks are keyed by physical
     * address and found through the instruction TLB, so flushing it is enough for them. A
     * superpage mapping is cached as 4 KiB entries: a fence by address then flushes all. */
    if (i->rs1 == 0 || h->mmu.superpage)
        mmu_flush(h);
    else
        flush_vpage(h, (h->x[i->rs1] & xlen_mask(h->xlen)) >> PAGE_SHIFT);
    h->pc = i->pc + i->len;
    return 1;
}
