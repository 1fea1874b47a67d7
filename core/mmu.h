/* Address translation of one hart: Sv32, Sv39 and Sv48 page-table walks, the translation
 * context the per-hart TLBs were filled in, and sfence.vma.
 *
 * Implements RISC-V Privileged Architecture 1.12 section 4.1.11 (satp), 4.2.1 (sfence.vma),
 * 4.3 (Sv32), 4.4 (Sv39), 4.5 (Sv48) and 3.1.6.3 (MPRV, MXR, SUM). Page-table entries get
 * their A and D bits set by the hardware walk (the Svadu behaviour; a PTE is updated
 * only if the PMP lets S-mode write it), so software never sees a page fault only because
 * A or D was clear.
 *
 * How it meets the fast paths (docs/design.md, decision 3): the data TLBs (h->tlb_read,
 * h->tlb_write) and the instruction TLB here map a virtual page to a host or physical page
 * for the translation context they were filled in (privilege for fetches and for data,
 * satp, SUM, MXR, PMP). Rather than tagging entries, every TLB is flushed whenever that
 * context changes (mmu_context_check after traps, xRET and CSR writes), and by sfence.vma.
 * An entry is created only for a 4 KiB page that one PMP entry covers whole, with the
 * permission of the access that filled it (and, for writes, with D already set), so a hit
 * needs no further check. Without paging a virtual page is its physical page and the
 * entries are the same as before.
 *
 * Usage:
 *     uint64_t pa; bool whole;
 *     unsigned cause = mmu_translate(h, va, 4, MMU_READ, &pa, &whole);
 *     if (cause) return exec_trap(h, i, cause, va);
 */
#ifndef HARTLAB_CORE_MMU_H
#define HARTLAB_CORE_MMU_H

#include <stdbool.h>
#include <stdint.h>

struct hart;
struct insn;

enum mmu_access { MMU_READ = 0, MMU_WRITE = 1, MMU_EXEC = 2 };

/* satp fields (Privileged 4.1.11). */
#define SATP32_MODE       (1ull << 31)
#define SATP32_ASID_SHIFT 22
#define SATP32_PPN        0x003fffffull
#define SATP64_MODE_SHIFT 60
#define SATP64_ASID_SHIFT 44
#define SATP64_ASID       (0xffffull << 44)
#define SATP64_PPN        0x00000fffffffffffull
#define SATP_MODE_BARE    0
#define SATP_MODE_SV39    8
#define SATP_MODE_SV48    9

/* Page-table entry bits (Privileged 4.3.1). */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

#define ITLB_BITS 6
#define ITLB_SIZE (1u << ITLB_BITS)

/* Instruction TLB entry: virtual page -> physical page, for block lookup. */
#define ITLB_INVALID UINT64_MAX

struct itlb_entry {
    uint64_t vpage; /* virtual page number, or ITLB_INVALID */
    uint64_t ppage;
};

struct mmu_state {
    /* The translation context the TLBs hold entries for. */
    uint64_t satp, status; /* satp, and mstatus SUM | MXR */
    uint8_t priv, data_priv;
    bool superpage; /* some TLB entry comes from a superpage */
    struct itlb_entry itlb[ITLB_SIZE];
};

/* Privilege that loads and stores are checked at (mstatus.MPRV). */
unsigned mmu_data_priv(const struct hart *h);

/* Translate `va` for an access of `size` bytes. Returns 0 and the physical address, or the
 * exception cause (page fault or access fault for this kind of access). `*whole_page` is set
 * when the whole 4 KiB page may enter a fast-path TLB for this kind of access. Updates A/D. */
unsigned mmu_translate(struct hart *h, uint64_t va, unsigned size, enum mmu_access acc,
                       uint64_t *pa, bool *whole_page);

/* Translate a fetch from `pc` through the instruction TLB (filling it); on failure raise
 * the fault (tval = pc) and return false. */
bool mmu_fetch_slow(struct hart *h, uint64_t pc, uint64_t *ppc);

/* Drop every TLB entry (data and instruction). */
void mmu_flush(struct hart *h);
/* Flush the TLBs if the translation context changed since they were filled. */
void mmu_context_check(struct hart *h);

/* True if the hart translates with satp at privilege `p` (satp mode not Bare, p below M). */
bool mmu_paging(const struct hart *h, unsigned p);

/* sfence.vma rs1, rs2 (Privileged 4.2.1). */
int hart_exec_sfence_vma(struct hart *h, const struct insn *i);

#endif
