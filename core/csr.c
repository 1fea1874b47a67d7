/* Control and status registers of an M/S/U hart: existence, access rules and WARL behaviour.
 *
 * Sources: RISC-V Privileged Architecture 1.12 chapter 2 (CSR address conventions: bits 11:10
 * read-only, bits 9:8 lowest privilege) and chapter 3 (each machine-level CSR); Unprivileged
 * ISA chapter 9 (Zicsr: which csrr* forms read and write) and chapter 10 (counters); chapter
 * 4.1 for the supervisor CSRs (sstatus, sie and sip are restricted views of mstatus, mie and
 * mip) and 3.1.8 for medeleg/mideleg. Writes that change how addresses translate (satp,
 * the mstatus MPRV/MPP/SUM/MXR fields, PMP) flush the TLBs through core/mmu.c.
 *
 * Which CSRs exist, on which XLEN and extension, what an access needs and which rule reads
 * and writes each is the CSR table (core/csrs.def); csr_read, csr_write and csr_exec's gates
 * are switches generated from it, and the rule functions below are what its rows name.
 */
#include "core/hart_internal.h"
#include "core/pmp.h"

/* Writable mstatus bits of an M/S/U hart (TW, TVM, TSR exist because S and U do). */
#define MSTATUS_WRITABLE                                                                           \
    (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TW | MSTATUS_SIE |          \
     MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TSR)
#define MIE_WRITABLE (MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SSIP | MIP_STIP | MIP_SEIP)
/* The supervisor view of mstatus (Privileged 4.1.1); FS is writable only with an FPU. */
#define SSTATUS_VISIBLE                                                                            \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |            \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS32_SD | MSTATUS64_SD)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
/* Interrupts S-mode may own, and exceptions that can be delegated (medeleg[11], ecall from
 * M, cannot; 10 and 14 are reserved). */
#define S_INTERRUPTS     (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MEDELEG_WRITABLE                                                                           \
    ((1u << EXC_INSN_MISALIGNED) | (1u << EXC_INSN_ACCESS) | (1u << EXC_ILLEGAL_INSN) |            \
     (1u << EXC_BREAKPOINT) | (1u << EXC_LOAD_MISALIGNED) | (1u << EXC_LOAD_ACCESS) |              \
     (1u << EXC_STORE_MISALIGNED) | (1u << EXC_STORE_ACCESS) | (1u << EXC_ECALL_U) |               \
     (1u << EXC_ECALL_S) | (1u << EXC_INSN_PAGE) | (1u << EXC_LOAD_PAGE) | (1u << EXC_STORE_PAGE))

/* fcsr layout (Unprivileged ISA figure 11.2). */
#define FCSR_FFLAGS_MASK 0x1fu
#define FCSR_FRM_SHIFT   5
#define FCSR_FRM_MASK    0x7u

static uint64_t mstatus_read(const struct hart *h)
{
    uint64_t s = h->mstatus;
    bool dirty = ((s & MSTATUS_FS) == MSTATUS_FS) || ((s & MSTATUS_XS) == MSTATUS_XS);
    if (dirty)
        s |= h->xlen == 32 ? MSTATUS32_SD : MSTATUS64_SD;
    if (h->xlen == 64)
        s |= (uint64_t)MISA_MXL_64 << 34; /* SXL: S-mode XLEN is fixed at 64 */
    return s & xlen_mask(h->xlen);
}

static void mstatus_write(struct hart *h, uint64_t v)
{
    uint64_t writable = MSTATUS_WRITABLE;
    /* FS exists only with an FPU; without one it is read-only Off (Privileged 3.1.6.6). */
    if (h->ext & (ISA_EXT('F') | ISA_EXT('D')))
        writable |= MSTATUS_FS;
    uint64_t mpp = (v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    /* MPP is WARL over the implemented modes: an unsupported value leaves it unchanged. */
    if (mpp != PRIV_M && mpp != PRIV_S && mpp != PRIV_U)
        v = (v & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP);
    h->mstatus = (h->mstatus & ~writable) | (v & writable);
}

static void counter_inhibit_write(struct hart *h, uint64_t v)
{
    v &= COUNTER_CY | COUNTER_IR;
    uint64_t old = h->mcountinhibit;
    if ((v & COUNTER_CY) && !(old & COUNTER_CY))
        h->cycle_frozen = hart_mcycle(h);
    if (!(v & COUNTER_CY) && (old & COUNTER_CY))
        h->cycle_base = h->cycles - h->cycle_frozen;
    if ((v & COUNTER_IR) && !(old & COUNTER_IR))
        h->instret_frozen = hart_minstret(h);
    if (!(v & COUNTER_IR) && (old & COUNTER_IR))
        h->instret_base = h->retired - h->instret_frozen;
    h->mcountinhibit = v;
}

static void mcycle_set(struct hart *h, uint64_t v)
{
    if (h->mcountinhibit & COUNTER_CY)
        h->cycle_frozen = v;
    else
        h->cycle_base = h->cycles - v;
}

static void minstret_set(struct hart *h, uint64_t v)
{
    if (h->mcountinhibit & COUNTER_IR)
        h->instret_frozen = v;
    else
        h->instret_base = h->retired - v;
}

static bool pmp_locked(const struct hart *h, unsigned k)
{
    return h->pmpcfg[k] & PMP_L;
}

static void pmpcfg_write_byte(struct hart *h, unsigned k, uint8_t v)
{
    if (k >= PMP_ENTRIES || pmp_locked(h, k))
        return;
    mmu_flush(h); /* cached pages were checked against the old rules */
    /* R=0 with W=1 is reserved: keep such a write from granting W. */
    if ((v & (PMP_R | PMP_W)) == PMP_W)
        v &= (uint8_t)~PMP_W;
    h->pmpcfg[k] = v & (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L);
}

static void pmpaddr_write(struct hart *h, unsigned k, uint64_t v)
{
    if (k >= PMP_ENTRIES || pmp_locked(h, k))
        return;
    /* A locked TOR entry also locks the address below it. */
    if (k + 1 < PMP_ENTRIES && pmp_locked(h, k + 1) && (h->pmpcfg[k + 1] & PMP_A) == PMP_TOR)
        return;
    mmu_flush(h);
    h->pmpaddr[k] = v & (h->xlen == 32 ? 0xffffffffull : 0x003fffffffffffffull);
}

/* RV32's upper halves of the counters (the lower halves are hart_mcycle, hart_minstret,
 * hart_mtime themselves). */
static uint64_t mcycleh_read(const struct hart *h)
{
    return hart_mcycle(h) >> 32;
}

static uint64_t minstreth_read(const struct hart *h)
{
    return hart_minstret(h) >> 32;
}

static uint64_t timeh_read(const struct hart *h)
{
    return hart_mtime(h) >> 32;
}

/* On RV32 a write of one half keeps the other half as it was before the writing
 * instruction: the write replaces that instruction's increment (Zicsr 9.1). */
static void mcycle_write(struct hart *h, uint64_t v)
{
    mcycle_set(h, h->xlen == 32 ? (h->pre_mcycle & ~0xffffffffull) | v : v);
}

static void mcycleh_write(struct hart *h, uint64_t v)
{
    mcycle_set(h, (h->pre_mcycle & 0xffffffffull) | (v << 32));
}

static void minstret_write(struct hart *h, uint64_t v)
{
    minstret_set(h, h->xlen == 32 ? (h->pre_minstret & ~0xffffffffull) | v : v);
}

static void minstreth_write(struct hart *h, uint64_t v)
{
    minstret_set(h, (h->pre_minstret & 0xffffffffull) | (v << 32));
}

/* pmpcfg n holds the configuration bytes of entries 4n .. 4n + XLEN/8 - 1 (3.7.1). */
static uint64_t pmpcfg_read(const struct hart *h, unsigned n)
{
    uint64_t v = 0;
    for (unsigned b = 0; b < h->xlen / 8; b++)
        v |= (uint64_t)h->pmpcfg[n * 4 + b] << (8 * b);
    return v;
}

static void pmpcfg_write(struct hart *h, unsigned n, uint64_t v)
{
    for (unsigned b = 0; b < h->xlen / 8; b++)
        pmpcfg_write_byte(h, n * 4 + b, (uint8_t)(v >> (8 * b)));
}

static uint64_t pmpaddr_read(const struct hart *h, unsigned n)
{
    return h->pmpaddr[n];
}

/* satp is WARL: a write selecting an unsupported MODE has no effect at all (4.1.11). */
static void satp_write(struct hart *h, uint64_t v)
{
    if (h->xlen == 64) {
        uint64_t mode = v >> SATP64_MODE_SHIFT;
        if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
            return;
    }
    h->satp = v;
}

/* fcsr and its two views (Unprivileged ISA 11.2). Writing any of them makes the FP state
 * Dirty. */
static uint64_t fflags_read(const struct hart *h)
{
    return h->fflags;
}

static uint64_t frm_read(const struct hart *h)
{
    return h->frm;
}

static uint64_t fcsr_read(const struct hart *h)
{
    return (h->frm << FCSR_FRM_SHIFT) | h->fflags;
}

static void fflags_write(struct hart *h, uint64_t v)
{
    h->fflags = v & FCSR_FFLAGS_MASK;
    h->mstatus |= MSTATUS_FS;
}

static void frm_write(struct hart *h, uint64_t v)
{
    h->frm = v & FCSR_FRM_MASK;
    h->mstatus |= MSTATUS_FS;
}

static void fcsr_write(struct hart *h, uint64_t v)
{
    h->fflags = v & FCSR_FFLAGS_MASK;
    h->frm = (v >> FCSR_FRM_SHIFT) & FCSR_FRM_MASK;
    h->mstatus |= MSTATUS_FS;
}

/* mstatus through the CSR: on RV32 the instruction writes the low half only. */
static void mstatus_csr_write(struct hart *h, uint64_t v)
{
    if (h->xlen == 32)
        v |= h->mstatus & ~0xffffffffull;
    mstatus_write(h, v);
}

/* The supervisor views of mstatus, mie and mip (4.1.1, 4.1.3). */
static uint64_t sstatus_read(const struct hart *h)
{
    uint64_t m = SSTATUS_VISIBLE;
    if (h->xlen == 32)
        m &= ~(MSTATUS_UXL | MSTATUS64_SD);
    return mstatus_read(h) & m;
}

static void sstatus_write(struct hart *h, uint64_t v)
{
    uint64_t m = SSTATUS_WRITABLE;
    if (h->ext & (ISA_EXT('F') | ISA_EXT('D')))
        m |= MSTATUS_FS;
    h->mstatus = (h->mstatus & ~m) | (v & m);
}

static uint64_t sie_read(const struct hart *h)
{
    return h->mie & h->mideleg & S_INTERRUPTS;
}

static void sie_write(struct hart *h, uint64_t v)
{
    uint64_t m = h->mideleg & S_INTERRUPTS;
    h->mie = (h->mie & ~m) | (v & m);
}

static uint64_t sip_read(const struct hart *h)
{
    return h->mip & h->mideleg & S_INTERRUPTS;
}

/* Only SSIP is writable from S (STIP and SEIP belong to M or the devices). */
static void sip_write(struct hart *h, uint64_t v)
{
    uint64_t m = h->mideleg & MIP_SSIP;
    h->mip = (h->mip & ~m) | (v & m);
}

/* M writes SSIP and STIP; its SEIP write is kept apart from the PLIC's line. */
static void mip_write(struct hart *h, uint64_t v)
{
    h->seip_sw = (v & MIP_SEIP) != 0;
    uint64_t keep = h->mip & ~(MIP_SSIP | MIP_STIP | MIP_SEIP);
    h->mip = keep | (v & (MIP_SSIP | MIP_STIP)) | ((h->seip_sw || h->seip_hw) ? MIP_SEIP : 0);
}

/* MODE values 2 and 3 of mtvec/stvec are reserved: such a write is ignored (3.1.7). */
static void mtvec_write(struct hart *h, uint64_t v)
{
    if ((v & 3) <= MTVEC_MODE_VECTORED)
        h->mtvec = v;
}

static void stvec_write(struct hart *h, uint64_t v)
{
    if ((v & 3) <= MTVEC_MODE_VECTORED)
        h->stvec = v;
}

/* An exception pc reads without the bits IALIGN clears (3.1.14). */
static uint64_t mepc_read(const struct hart *h)
{
    return h->mepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3);
}

static uint64_t sepc_read(const struct hart *h)
{
    return h->sepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3);
}

/* menvcfg: FIOM only; on RV32 the CSR is the low half, menvcfgh the high one. */
static void menvcfg_write(struct hart *h, uint64_t v)
{
    h->menvcfg = (h->menvcfg & ~xlen_mask(h->xlen)) | (v & 1);
}

static uint64_t menvcfgh_read(const struct hart *h)
{
    return h->menvcfg >> 32;
}

/* Whether CSR row (xlen, ext) exists on this hart. */
#define CSR_PRESENT(row_xlen, row_ext)                                                             \
    (((row_xlen) == 0 || (row_xlen) == h->xlen) &&                                                 \
     ((row_ext) == 0 || (h->ext & ISA_EXT((row_ext) ? (row_ext) : 'A'))))

/* The read and write columns of core/csrs.def, as statements in csr_read / csr_write. */
#define R_ZERO               v = 0
#define R_CONST(c)           v = (c)
#define R_FIELD(member)      v = h->member
#define R_FN(fn)             v = fn(h)
#define R_INDEX(fn, first)   v = fn(h, csr - (first))
#define W_NONE               return false
#define W_IGNORE             (void)v
#define W_FIELD(member)      h->member = v
#define W_MASK(member, mask) h->member = v & (mask)
#define W_FN(fn)             fn(h, v)
#define W_INDEX(fn, first)   fn(h, csr - (first), v)

bool csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    uint64_t v;
    switch (csr) {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write)                                   \
    case number:                                                                                   \
        if (!CSR_PRESENT(xlen, ext))                                                               \
            return false;                                                                          \
        read;                                                                                      \
        break;
#define CSR_NAME(id, name, number)
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
    default: return false;
    }
    *val = v & xlen_mask(h->xlen);
    return true;
}

bool csr_write(struct hart *h, unsigned csr, uint64_t v)
{
    v &= xlen_mask(h->xlen);
    switch (csr) {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write)                                   \
    case number:                                                                                   \
        if (!CSR_PRESENT(xlen, ext))                                                               \
            return false;                                                                          \
        write;                                                                                     \
        return true;
#define CSR_NAME(id, name, number)
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
    default: return false;
    }
}

/* The gate column of core/csrs.def: what an instruction's access needs beyond the number's
 * own privilege and read-only bits. */
enum csr_gate { ANY, FS, COUNTEREN, TVM };

static enum csr_gate csr_gate(unsigned csr)
{
    switch (csr) {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write)                                   \
    case number:                                                                                   \
        return gate;
#define CSR_NAME(id, name, number)
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
    default: return ANY;
    }
}

static bool csr_gate_open(const struct hart *h, unsigned csr)
{
    switch (csr_gate(csr)) {
    case ANY: return true;
    /* With mstatus.FS Off, the FP CSRs are inaccessible like the FP instructions
     * (Privileged 3.1.6.6). */
    case FS: return (h->mstatus & MSTATUS_FS) != 0;
    /* Unprivileged counters are gated for S by mcounteren, and for U by mcounteren and
     * scounteren together (Privileged 3.1.11, 4.1.3). */
    case COUNTEREN: {
        if (h->priv == PRIV_M)
            return true;
        uint64_t en = h->mcounteren;
        if (h->priv == PRIV_U)
            en &= h->scounteren;
        return (en >> (csr & 31)) & 1;
    }
    /* mstatus.TVM traps S-mode satp accesses to M (3.1.6.5). */
    case TVM: return !(h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM));
    }
    return true;
}

int csr_exec(struct hart *h, const struct insn *i, unsigned op)
{
    unsigned csr = (unsigned)i->imm;
    bool imm_form = op == INSN_csrrwi || op == INSN_csrrsi || op == INSN_csrrci;
    uint64_t src = imm_form ? i->rs1 : h->x[i->rs1];
    /* csrrw/csrrwi always write; the set/clear forms write only with a nonzero source
     * register number or immediate (Unprivileged 9.1). */
    bool writes = op == INSN_csrrw || op == INSN_csrrwi || i->rs1 != 0;

    if (CSR_MIN_PRIV(csr) > (unsigned)h->priv || (writes && CSR_READ_ONLY(csr)) ||
        !csr_gate_open(h, csr))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);

    /* Counters read as they were before this instruction. */
    h->cycles -= i->cost;
    h->retired -= 1;
    uint64_t old;
    bool exists = csr_read(h, csr, &old);
    h->pre_mcycle = hart_mcycle(h);
    h->pre_minstret = hart_minstret(h);
    h->cycles += i->cost;
    h->retired += 1;
    if (!exists)
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);

    if (writes) {
        uint64_t base = old;
        /* A read-modify-write of mip sees only the software-written SEIP (3.1.9). */
        if (csr == CSR_MIP)
            base = (old & ~MIP_SEIP) | (h->seip_sw ? MIP_SEIP : 0);
        uint64_t v = op == INSN_csrrw || op == INSN_csrrwi   ? src
                     : op == INSN_csrrs || op == INSN_csrrsi ? base | src
                                                             : base & ~src;
        if (!csr_write(h, csr, v))
            return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
        mmu_context_check(h);
        hart_attention(h); /* an interrupt may be enabled or pending now */
    }
    h->x[i->rd] = old;
    h->pc = i->pc + i->len;
    return 1;
}

bool hart_csr_peek(struct hart *h, unsigned csr, uint64_t *val)
{
    return csr_read(h, csr, val);
}

bool hart_csr_poke(struct hart *h, unsigned csr, uint64_t val)
{
    h->pre_mcycle = hart_mcycle(h);
    h->pre_minstret = hart_minstret(h);
    bool ok = csr_write(h, csr, val);
    mmu_context_check(h);
    return ok;
}
