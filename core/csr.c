/* Control and status registers of an M/U hart: existence, access rules and WARL behaviour.
 *
 * Sources: RISC-V Privileged Architecture 1.12 chapter 2 (CSR address conventions: bits 11:10
 * read-only, bits 9:8 lowest privilege) and chapter 3 (each machine-level CSR); Unprivileged
 * ISA chapter 9 (Zicsr: which csrr* forms read and write) and chapter 10 (counters). With no
 * S-mode implemented, supervisor CSRs do not exist, medeleg/mideleg read as zero, and the
 * S-mode fields of mstatus are read-only zero.
 */
#include "core/hart_internal.h"

#define PMP_ENTRIES 16

static uint64_t xmask(const struct hart *h)
{
    return h->xlen == 32 ? 0xffffffffull : ~0ull;
}

/* Writable mstatus bits of an M/U hart (TW exists because U-mode does). */
#define MSTATUS_WRITABLE (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TW)
#define MIE_WRITABLE     (MIP_MSIP | MIP_MTIP | MIP_MEIP)

static uint64_t mstatus_read(const struct hart *h)
{
    uint64_t s = h->mstatus;
    bool dirty = ((s & MSTATUS_FS) == MSTATUS_FS) || ((s & MSTATUS_XS) == MSTATUS_XS);
    if (dirty)
        s |= h->xlen == 32 ? MSTATUS32_SD : MSTATUS64_SD;
    return s & xmask(h);
}

static void mstatus_write(struct hart *h, uint64_t v)
{
    uint64_t mpp = (v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    /* MPP is WARL over the implemented modes: an unsupported value leaves it unchanged. */
    if (mpp != PRIV_M && mpp != PRIV_U)
        v = (v & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP);
    h->mstatus = (h->mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
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
    *val = high ? v >> 32 : v & xmask(h);
    return true;
}

bool csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    uint64_t v;
    switch (csr) {
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
    case CSR_MENVCFG: v = h->menvcfg & xmask(h); break;
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
    *val = v & xmask(h);
    return true;
}

bool csr_write(struct hart *h, unsigned csr, uint64_t v)
{
    v &= xmask(h);
    switch (csr) {
    case CSR_MSTATUS:
        if (h->xlen == 32)
            v |= h->mstatus & ~0xffffffffull;
        mstatus_write(h, v);
        return true;
    case CSR_MSTATUSH: return h->xlen == 32;
    case CSR_MISA: return true; /* WARL: extensions cannot be switched off here */
    case CSR_MEDELEG:           /* no S-mode: nothing to delegate to */
    case CSR_MIDELEG: return true;
    case CSR_MIE: h->mie = v & MIE_WRITABLE; return true;
    case CSR_MIP: return true; /* MSIP/MTIP/MEIP are driven by the CLINT and PLIC */
    case CSR_MTVEC:
        /* MODE values 2 and 3 are reserved: such a write is ignored. */
        if ((v & 3) <= MTVEC_MODE_VECTORED)
            h->mtvec = v;
        return true;
    case CSR_MCOUNTEREN: h->mcounteren = v & 0xffffffffull; return true;
    case CSR_MENVCFG:
        h->menvcfg = (h->menvcfg & ~xmask(h)) | (v & 1); /* FIOM only */
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

/* Unprivileged counters are gated for U-mode by mcounteren (Privileged 3.1.11). */
static bool counter_allowed(const struct hart *h, unsigned csr)
{
    bool user_counter = (csr >= CSR_CYCLE && csr <= CSR_HPMCOUNTER31) ||
                        (csr >= CSR_CYCLEH && csr <= CSR_HPMCOUNTER31H);
    if (!user_counter || h->priv == PRIV_M)
        return true;
    return (h->mcounteren >> (csr & 31)) & 1;
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
        uint64_t v = op == INSN_csrrw || op == INSN_csrrwi   ? src
                     : op == INSN_csrrs || op == INSN_csrrsi ? old | src
                                                             : old & ~src;
        if (!csr_write(h, csr, v))
            return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
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
    return csr_write(h, csr, val);
}
