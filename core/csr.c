/* Control and status registers of an M/S/U hart: existence, access rules and WARL behaviour.
 *
 * Sources: RISC-V Privileged Architecture 1.12 chapter 2 (CSR address conventions: bits 11:10
 * read-only, bits 9:8 lowest privilege) and chapter 3 (each machine-level CSR); Unprivileged
 * ISA chapter 9 (Zicsr: which csrr* forms read and write) and chapter 10 (counters); chapter
 * 4.1 for the supervisor CSRs (sstatus, sie and sip are restricted views of mstatus, mie and
 * mip) and 3.1.8 for medeleg/mideleg. Writes that change how addresses translate (satp,
 * the mstatus MPRV/MPP/SUM/MXR fields, PMP) flush the TLBs through core/mmu.c.
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

/* Value of counter CSR `csr` (cycle/time/instret family, either privilege). */
static bool counter_read(const struct hart *h, unsigned csr, uint64_t *val)
{
    unsigned base = csr & ~0x80u; /* the low half's number */
    bool high = (csr & 0x80u) != 0;
    if (high && h->xlen != 32)
        return false;
    uint64_t v;
    switch (base) {
    case CSR_CYCLE:
    case CSR_MCYCLE: v = hart_mcycle(h); break;
    case CSR_INSTRET:
    case CSR_MINSTRET: v = hart_minstret(h); break;
    case CSR_TIME: v = hart_mtime(h); break;
    default:
        if ((base >= CSR_HPMCOUNTER3 && base <= CSR_HPMCOUNTER31) ||
            (base >= CSR_MHPMCOUNTER3 && base <= CSR_MHPMCOUNTER31)) {
            v = 0;
            break;
        }
        return false;
    }
    *val = high ? v >> 32 : v & xlen_mask(h->xlen);
    return true;
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

/* The supervisor CSRs and the M-mode CSRs that only exist because S does. */
static bool csr_read_s(struct hart *h, unsigned csr, uint64_t *v)
{
    switch (csr) {
    case CSR_SSTATUS: {
        uint64_t m = SSTATUS_VISIBLE;
        if (h->xlen == 32)
            m &= ~(MSTATUS_UXL | MSTATUS64_SD);
        *v = mstatus_read(h) & m;
        return true;
    }
    case CSR_SIE: *v = h->mie & h->mideleg & S_INTERRUPTS; return true;
    case CSR_SIP: *v = h->mip & h->mideleg & S_INTERRUPTS; return true;
    case CSR_STVEC: *v = h->stvec; return true;
    case CSR_SCOUNTEREN: *v = h->scounteren; return true;
    case CSR_SENVCFG: *v = h->senvcfg; return true;
    case CSR_SSCRATCH: *v = h->sscratch; return true;
    case CSR_SEPC: *v = h->sepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3); return true;
    case CSR_SCAUSE: *v = h->scause; return true;
    case CSR_STVAL: *v = h->stval; return true;
    case CSR_SATP: *v = h->satp; return true;
    default: return false;
    }
}

static bool csr_write_s(struct hart *h, unsigned csr, uint64_t v)
{
    switch (csr) {
    case CSR_SSTATUS: {
        uint64_t m = SSTATUS_WRITABLE;
        if (h->ext & (ISA_EXT('F') | ISA_EXT('D')))
            m |= MSTATUS_FS;
        h->mstatus = (h->mstatus & ~m) | (v & m);
        return true;
    }
    case CSR_SIE: {
        uint64_t m = h->mideleg & S_INTERRUPTS;
        h->mie = (h->mie & ~m) | (v & m);
        return true;
    }
    case CSR_SIP: {
        /* Only SSIP is writable from S (STIP and SEIP belong to M or the devices). */
        uint64_t m = h->mideleg & MIP_SSIP;
        h->mip = (h->mip & ~m) | (v & m);
        return true;
    }
    case CSR_STVEC:
        if ((v & 3) <= MTVEC_MODE_VECTORED)
            h->stvec = v;
        return true;
    case CSR_SCOUNTEREN: h->scounteren = v & 0xffffffffull; return true;
    case CSR_SENVCFG: h->senvcfg = v & 1; return true; /* FIOM only */
    case CSR_SSCRATCH: h->sscratch = v; return true;
    case CSR_SEPC: h->sepc = v & ~1ull; return true;
    case CSR_SCAUSE: h->scause = v; return true;
    case CSR_STVAL: h->stval = v; return true;
    case CSR_SATP: satp_write(h, v); return true;
    case CSR_MEDELEG: h->medeleg = v & MEDELEG_WRITABLE; return true;
    case CSR_MIDELEG: h->mideleg = v & S_INTERRUPTS; return true;
    case CSR_MIP: {
        /* M writes SSIP and STIP; its SEIP write is kept apart from the PLIC's line. */
        h->seip_sw = (v & MIP_SEIP) != 0;
        uint64_t keep = h->mip & ~(MIP_SSIP | MIP_STIP | MIP_SEIP);
        h->mip = keep | (v & (MIP_SSIP | MIP_STIP)) | ((h->seip_sw || h->seip_hw) ? MIP_SEIP : 0);
        return true;
    }
    default: return false;
    }
}

bool csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    if (csr_read_s(h, csr, val)) {
        *val &= xlen_mask(h->xlen);
        return true;
    }
    uint64_t v;
    switch (csr) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!(h->ext & ISA_EXT('F')))
            return false;
        v = csr == CSR_FFLAGS ? h->fflags
            : csr == CSR_FRM  ? h->frm
                              : (h->frm << FCSR_FRM_SHIFT) | h->fflags;
        break;
    case CSR_MVENDORID: v = 0; break;
    case CSR_MARCHID: v = 0; break;
    case CSR_MIMPID: v = 0; break;
    case CSR_MHARTID: v = h->mhartid; break;
    case CSR_MCONFIGPTR: v = 0; break;
    case CSR_MSTATUS: v = mstatus_read(h); break;
    case CSR_MSTATUSH:
        if (h->xlen != 32)
            return false;
        v = 0;
        break;
    case CSR_MISA: v = h->misa; break;
    case CSR_MEDELEG: v = h->medeleg; break;
    case CSR_MIDELEG: v = h->mideleg; break;
    case CSR_MIE: v = h->mie; break;
    case CSR_MIP: v = h->mip; break;
    case CSR_MTVEC: v = h->mtvec; break;
    case CSR_MCOUNTEREN: v = h->mcounteren; break;
    case CSR_MENVCFG: v = h->menvcfg & xlen_mask(h->xlen); break;
    case CSR_MENVCFGH:
        if (h->xlen != 32)
            return false;
        v = h->menvcfg >> 32;
        break;
    case CSR_MCOUNTINHIBIT: v = h->mcountinhibit; break;
    case CSR_MSCRATCH: v = h->mscratch; break;
    case CSR_MEPC: v = h->mepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3); break;
    case CSR_MCAUSE: v = h->mcause; break;
    case CSR_MTVAL: v = h->mtval; break;
    case CSR_TSELECT: v = 0; break;
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3: v = 0; break; /* type 0: no trigger at this index */
    case CSR_TINFO: v = 1; break;  /* only type 0 ("none") is supported */
    default:
        if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
            unsigned n = csr - CSR_PMPCFG0;
            if (h->xlen == 64 && (n & 1))
                return false;
            unsigned bytes = h->xlen / 8;
            v = 0;
            for (unsigned b = 0; b < bytes; b++)
                v |= (uint64_t)h->pmpcfg[n * 4 + b] << (8 * b);
            break;
        }
        if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
            v = h->pmpaddr[csr - CSR_PMPADDR0];
            break;
        }
        if (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) {
            v = 0;
            break;
        }
        return counter_read(h, csr, val);
    }
    *val = v & xlen_mask(h->xlen);
    return true;
}

bool csr_write(struct hart *h, unsigned csr, uint64_t v)
{
    v &= xlen_mask(h->xlen);
    if (csr_write_s(h, csr, v))
        return true;
    switch (csr) {
    case CSR_FFLAGS:
    case CSR_FRM:
    case CSR_FCSR:
        if (!(h->ext & ISA_EXT('F')))
            return false;
        if (csr == CSR_FFLAGS)
            h->fflags = v & FCSR_FFLAGS_MASK;
        else if (csr == CSR_FRM)
            h->frm = v & FCSR_FRM_MASK;
        else {
            h->fflags = v & FCSR_FFLAGS_MASK;
            h->frm = (v >> FCSR_FRM_SHIFT) & FCSR_FRM_MASK;
        }
        h->mstatus |= MSTATUS_FS; /* FP state written: Dirty */
        return true;
    case CSR_MSTATUS:
        if (h->xlen == 32)
            v |= h->mstatus & ~0xffffffffull;
        mstatus_write(h, v);
        return true;
    case CSR_MSTATUSH: return h->xlen == 32;
    case CSR_MISA: return true; /* WARL: extensions cannot be switched off here */
    case CSR_MIE: h->mie = v & MIE_WRITABLE; return true;
    case CSR_MTVEC:
        /* MODE values 2 and 3 are reserved: such a write is ignored. */
        if ((v & 3) <= MTVEC_MODE_VECTORED)
            h->mtvec = v;
        return true;
    case CSR_MCOUNTEREN: h->mcounteren = v & 0xffffffffull; return true;
    case CSR_MENVCFG:
        h->menvcfg = (h->menvcfg & ~xlen_mask(h->xlen)) | (v & 1); /* FIOM only */
        return true;
    case CSR_MENVCFGH: return h->xlen == 32;
    case CSR_MCOUNTINHIBIT: counter_inhibit_write(h, v); return true;
    case CSR_MSCRATCH: h->mscratch = v; return true;
    case CSR_MEPC: h->mepc = v & ~1ull; return true;
    case CSR_MCAUSE: h->mcause = v; return true;
    case CSR_MTVAL: h->mtval = v; return true;
    /* On RV32 a write of one half keeps the other half as it was before the writing
     * instruction: the write replaces that instruction's increment (Zicsr 9.1). */
    case CSR_MCYCLE:
        mcycle_set(h, h->xlen == 32 ? (h->pre_mcycle & ~0xffffffffull) | v : v);
        return true;
    case CSR_MCYCLEH:
        if (h->xlen != 32)
            return false;
        mcycle_set(h, (h->pre_mcycle & 0xffffffffull) | (v << 32));
        return true;
    case CSR_MINSTRET:
        minstret_set(h, h->xlen == 32 ? (h->pre_minstret & ~0xffffffffull) | v : v);
        return true;
    case CSR_MINSTRETH:
        if (h->xlen != 32)
            return false;
        minstret_set(h, (h->pre_minstret & 0xffffffffull) | (v << 32));
        return true;
    case CSR_TSELECT:
    case CSR_TDATA1:
    case CSR_TDATA2:
    case CSR_TDATA3:
    case CSR_TINFO: return true;
    default: break;
    }
    if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
        unsigned n = csr - CSR_PMPCFG0;
        if (h->xlen == 64 && (n & 1))
            return false;
        for (unsigned b = 0; b < h->xlen / 8; b++)
            pmpcfg_write_byte(h, n * 4 + b, (uint8_t)(v >> (8 * b)));
        return true;
    }
    if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
        pmpaddr_write(h, csr - CSR_PMPADDR0, v);
        return true;
    }
    if ((csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31) ||
        (csr >= CSR_MHPMCOUNTER3 && csr <= CSR_MHPMCOUNTER31))
        return true;
    if (csr >= CSR_MHPMCOUNTER3H && csr <= CSR_MHPMCOUNTER31H)
        return h->xlen == 32;
    return false; /* absent (read-only numbers never get here) */
}

/* Unprivileged counters are gated for S by mcounteren, and for U by mcounteren and
 * scounteren together (Privileged 3.1.11, 4.1.3). */
static bool counter_allowed(const struct hart *h, unsigned csr)
{
    bool user_counter = (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31) ||
                        (csr >= CSR_CYCLEH && csr <= CSR_HPMCOUNTER31H);
    if (!user_counter || h->priv == PRIV_M)
        return true;
    uint64_t en = h->mcounteren;
    if (h->priv == PRIV_U)
        en &= h->scounteren;
    return (en >> (csr & 31)) & 1;
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
        !counter_allowed(h, csr))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    /* mstatus.TVM traps S-mode satp accesses to M (3.1.6.5). */
    if (csr == CSR_SATP && h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    /* With mstatus.FS Off, the FP CSRs are inaccessible like the FP instructions
     * (Privileged 3.1.6.6). */
    if (csr >= CSR_FFLAGS && csr <= CSR_FCSR && !(h->mstatus & MSTATUS_FS))
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
