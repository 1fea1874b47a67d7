/* The hart: the run loop over decoded blocks, trap and interrupt entry, and the slow memory
 * paths (misaligned accesses, devices, LR/SC reservations, stores into cached code).
 *
 * Sources: RISC-V Privileged Architecture 1.12 section 3.1.6.1 (mstatus privilege stack),
 * 3.1.7 (mtvec), 3.1.9 (mip/mie and interrupt priority), 3.3 (mret, wfi), 3.6 (reset);
 * Unprivileged ISA chapter 8 (A: LR/SC reservation sets and AMOs), 2.6 (misaligned loads and
 * stores), 3 (Zifencei) and the semihosting chapter of the RISC-V semihosting specification
 * (the slli/ebreak/srai sequence).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/disasm.h"
#include "core/hart_internal.h"

/* The semihosting sequence around ebreak (uncompressed, RISC-V semihosting spec 1.0). */
#define SEMIHOST_PRE  0x01f01013u /* slli x0, x0, 0x1f */
#define SEMIHOST_POST 0x40705013u /* srai x0, x0, 7 */

struct hart *hart_new(const struct hart_config *cfg, const struct hart_bus *bus, struct cluster *cl)
{
    if (cl->nharts == CLUSTER_MAX_HARTS)
        return NULL;
    struct hart *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->xlen = cfg->xlen;
    /* S and U are always implemented, as on QEMU's virt: OpenSBI delegates only to harts
     * whose misa has S. */
    h->ext = cfg->ext | ISA_EXT('I') | ISA_EXT('S') | ISA_EXT('U');
    h->ialign_mask = (h->ext & ISA_EXT('C')) ? 1 : 3;
    h->mhartid = cfg->hartid;
    h->misaligned = cfg->misaligned;
    h->time_divider = cfg->time_divider ? cfg->time_divider : 1;
    h->timing = cfg->timing ? cfg->timing : core_timing_default();
    h->taken_extra = h->timing->taken_extra;
    h->dyn = core_timing_dynamic(h->timing) ? h->timing : NULL;
    for (unsigned c = 0; c < COST_CLASSES; c++)
        h->interlocks |= h->timing->latency[c] > 1;
    h->bus = bus;
    h->cl = cl;
    h->cc = cl->cc;
    cl->harts[cl->nharts++] = h;
    h->chain_tag = ++cl->last_tag;
    hart_reset(h, 0);
    return h;
}

void hart_free(struct hart *h)
{
    if (!h)
        return;
    struct cluster *cl = h->cl;
    for (unsigned k = 0; k < cl->nharts; k++) {
        if (cl->harts[k] == h) {
            for (unsigned j = k + 1; j < cl->nharts; j++)
                cl->harts[j - 1] = cl->harts[j];
            cl->nharts--;
            break;
        }
    }
    free(h);
}

void hart_reset(struct hart *h, uint64_t pc)
{
    memset(h->x, 0, sizeof h->x);
    h->pc = pc;
    h->priv = PRIV_M;
    h->wfi = false;
    uint64_t mxl = h->xlen == 32 ? MISA_MXL_32 : MISA_MXL_64;
    h->misa = (mxl << (h->xlen - 2)) | h->ext;
    /* Reset state: MIE and MPRV clear, MPP = M (3.6); UXL fixed at 64 on RV64. */
    h->mstatus = (uint64_t)PRIV_M << MSTATUS_MPP_SHIFT;
    if (h->xlen == 64)
        h->mstatus |= (uint64_t)MISA_MXL_64 << 32;
    h->mtvec = h->mscratch = h->mepc = h->mcause = h->mtval = 0;
    /* mip's external, timer and software bits are wires from the devices: a reset of the
     * hart does not change what the devices drive. */
    h->mip &= MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP;
    h->seip_sw = false;
    if (!h->seip_hw)
        h->mip &= ~MIP_SEIP;
    h->stvec = h->sscratch = h->sepc = h->scause = h->stval = h->satp = 0;
    h->scounteren = h->senvcfg = 0;
    h->mie = h->medeleg = h->mideleg = h->mcounteren = h->mcountinhibit = 0;
    h->menvcfg = 0;
    h->cycle_base = h->cycles;
    h->instret_base = h->retired;
    memset(h->pmpcfg, 0, sizeof h->pmpcfg);
    memset(h->pmpaddr, 0, sizeof h->pmpaddr);
    h->tselect = h->tdata1 = h->tdata2 = h->tdata3 = 0;
    h->reservation = RESERVATION_NONE;
    h->sc_failed = false;
    /* mstatus.FS resets to Off (above): firmware enables the FPU before using it. */
    memset(h->f, 0, sizeof h->f);
    h->fflags = h->frm = 0;
    h->retire_limit = UINT64_MAX;
    h->trap_streak = 0;
    h->trap_streak_retired = UINT64_MAX;
    hart_tlb_flush(h);
}

void hart_boot(struct hart *h, uint64_t entry, uint64_t a0, uint64_t a1)
{
    hart_reset(h, entry);
    h->x[10] = a0 & xlen_mask(h->xlen);
    h->x[11] = a1 & xlen_mask(h->xlen);
}

/* ---- the hart seen from outside (hart.h) ---- */

void hart_set_retire_limit(struct hart *h, uint64_t limit)
{
    h->retire_limit = limit;
    hart_attention(h);
}

bool hart_waiting(const struct hart *h)
{
    return h->wfi;
}

void hart_idle_until(struct hart *h, uint64_t cycle)
{
    if (h->cycles < cycle)
        h->cycles = cycle;
}

unsigned hart_xlen(const struct hart *h)
{
    return h->xlen;
}

uint32_t hart_ext(const struct hart *h)
{
    return h->ext;
}

uint64_t hart_id(const struct hart *h)
{
    return h->mhartid;
}

uint64_t hart_reg(const struct hart *h, unsigned n)
{
    return n > 0 && n < 32 ? h->x[n] & xlen_mask(h->xlen) : 0;
}

void hart_set_reg(struct hart *h, unsigned n, uint64_t val)
{
    if (n > 0 && n < 32)
        h->x[n] = val & xlen_mask(h->xlen);
}

uint64_t hart_freg(const struct hart *h, unsigned n)
{
    return n < 32 ? h->f[n] : 0;
}

void hart_set_freg(struct hart *h, unsigned n, uint64_t val)
{
    if (n < 32)
        h->f[n] = val;
}

uint64_t hart_pc(const struct hart *h)
{
    return h->pc;
}

void hart_set_pc(struct hart *h, uint64_t pc)
{
    h->pc = pc & xlen_mask(h->xlen);
    h->wfi = false; /* moved by the debugger: it no longer waits */
    hart_attention(h);
}

enum priv hart_priv(const struct hart *h)
{
    return h->priv;
}

void hart_set_priv(struct hart *h, enum priv p)
{
    h->priv = p;
    hart_attention(h);
    hart_tlb_flush(h);
}

uint64_t hart_cycles(const struct hart *h)
{
    return h->cycles;
}

const uint64_t *hart_cycle_counter(const struct hart *h)
{
    return &h->cycles;
}

uint64_t hart_retired(const struct hart *h)
{
    return h->retired;
}

uint64_t hart_traps(const struct hart *h)
{
    return h->traps;
}

void hart_set_time_offset(struct hart *h, uint64_t offset)
{
    h->time_offset = offset;
}

bool hart_listen_trap(struct hart *h, hart_trap_fn fn, void *ctx)
{
    return listeners_add(&h->on_trap, (listener_fn)fn, ctx);
}

void hart_unlisten_trap(struct hart *h, hart_trap_fn fn, void *ctx)
{
    listeners_remove(&h->on_trap, (listener_fn)fn, ctx);
}

bool hart_listen_trap_return(struct hart *h, hart_return_fn fn, void *ctx)
{
    return listeners_add(&h->on_trap_return, (listener_fn)fn, ctx);
}

void hart_unlisten_trap_return(struct hart *h, hart_return_fn fn, void *ctx)
{
    listeners_remove(&h->on_trap_return, (listener_fn)fn, ctx);
}

bool hart_listen_step(struct hart *h, hart_step_fn fn, void *ctx)
{
    bool ok = listeners_add(&h->on_step, (listener_fn)fn, ctx);
    hart_update_stepping(h);
    hart_attention(h);
    return ok;
}

void hart_unlisten_step(struct hart *h, hart_step_fn fn, void *ctx)
{
    listeners_remove(&h->on_step, (listener_fn)fn, ctx);
    hart_update_stepping(h);
}

bool hart_listen_atomic(struct hart *h, hart_atomic_fn fn, void *ctx)
{
    return listeners_add(&h->on_atomic, (listener_fn)fn, ctx);
}

void hart_unlisten_atomic(struct hart *h, hart_atomic_fn fn, void *ctx)
{
    listeners_remove(&h->on_atomic, (listener_fn)fn, ctx);
}

void hart_atomic_event(struct hart *h, const struct hart_atomic_event *ev)
{
    LISTENERS_CALL(&h->on_atomic, hart_atomic_fn, h, ev);
}

uint64_t hart_reservation(const struct hart *h)
{
    return h->reservation == RESERVATION_NONE ? UINT64_MAX : h->reservation << RESERVATION_SHIFT;
}

bool hart_lrsc_retrying(const struct hart *h)
{
    return h->sc_failed && h->reservation != RESERVATION_NONE;
}

uint64_t hart_sc_failures(const struct hart *h)
{
    return h->sc_failures;
}

void hart_set_fine_steps(struct hart *h, bool on)
{
    h->fine_steps = on;
    hart_update_stepping(h);
    hart_attention(h);
}

bool hart_listen_block(struct hart *h, hart_block_fn fn, void *ctx)
{
    hart_attention(h); /* no link or superblock goes on past a block from now on */
    return listeners_add(&h->on_block, (listener_fn)fn, ctx);
}

void hart_unlisten_block(struct hart *h, hart_block_fn fn, void *ctx)
{
    listeners_remove(&h->on_block, (listener_fn)fn, ctx);
}

void hart_set_semihost(struct hart *h, hart_semihost_fn fn, void *ctx)
{
    h->semihost = fn;
    h->semihost_ctx = ctx;
}

void hart_set_trace(struct hart *h, FILE *f)
{
    h->trace_file = f;
    hart_update_stepping(h);
    hart_attention(h);
}

FILE *hart_trace(const struct hart *h)
{
    return h->trace_file;
}

struct hart_debug *hart_debug(const struct hart *h)
{
    return h->debug;
}

/* Checkpoints: the architectural state only (not the caches, the host plumbing, the
 * observers or the run loop's bookkeeping, which restoring keeps from the hart as it is and
 * then drops the caches the saved state may not match). Snapshots are taken often while
 * history is recorded, so the block is kept small: the fields, one list. */
/* clang-format off */
#define CKPT_SCALARS(X)                                                                     \
    X(uint64_t, pc) X(uint64_t, cycles) X(uint64_t, retired) X(enum priv, priv) X(bool, wfi)   \
    X(uint64_t, traps) X(uint64_t, mstatus) X(uint64_t, misa) X(uint64_t, mtvec)               \
    X(uint64_t, mscratch) X(uint64_t, mepc) X(uint64_t, mcause) X(uint64_t, mtval)             \
    X(uint64_t, mie) X(uint64_t, mip) X(uint64_t, medeleg) X(uint64_t, mideleg)                \
    X(uint64_t, mcounteren) X(uint64_t, mcountinhibit) X(uint64_t, menvcfg)                    \
    X(uint64_t, cycle_base) X(uint64_t, cycle_frozen) X(uint64_t, instret_base)                \
    X(uint64_t, instret_frozen) X(uint64_t, tselect) X(uint64_t, tdata1) X(uint64_t, tdata2)   \
    X(uint64_t, tdata3) X(uint64_t, stvec) X(uint64_t, sscratch) X(uint64_t, sepc)             \
    X(uint64_t, scause) X(uint64_t, stval) X(uint64_t, satp) X(uint64_t, scounteren)           \
    X(uint64_t, senvcfg) X(bool, seip_sw) X(bool, seip_hw) X(uint64_t, time_offset)            \
    X(struct bp_state, bp) X(uint64_t, reservation) X(bool, sc_failed)                         \
    X(uint64_t, sc_failures) X(uint32_t, fflags) X(uint32_t, frm) X(uint64_t, trap_streak)     \
    X(uint64_t, trap_streak_retired) X(struct hart_trap_record, trap_streak_first)             \
    X(uint64_t, pre_mcycle) X(uint64_t, pre_minstret)
#define CKPT_ARRAYS(X) X(uint64_t, x, 33) X(uint64_t, f, 32) X(uint8_t, pmpcfg, 64) X(uint64_t, pmpaddr, 64)
/* clang-format on */

struct hart_ckpt {
#define CKPT_FIELD(type, name)    type name;
#define CKPT_ARRAY(type, name, n) type name[n];
    CKPT_SCALARS(CKPT_FIELD)
    CKPT_ARRAYS(CKPT_ARRAY)
#undef CKPT_FIELD
#undef CKPT_ARRAY
};

size_t hart_state_size(void)
{
    return sizeof(struct hart_ckpt);
}

void hart_state_save(const struct hart *h, void *buf)
{
    struct hart_ckpt *s = buf;
#define CKPT_FIELD(type, name)    s->name = h->name;
#define CKPT_ARRAY(type, name, n) memcpy(s->name, h->name, sizeof s->name);
    CKPT_SCALARS(CKPT_FIELD)
    CKPT_ARRAYS(CKPT_ARRAY)
#undef CKPT_FIELD
#undef CKPT_ARRAY
}

void hart_state_restore(struct hart *h, const void *buf)
{
    const struct hart_ckpt *s = buf;
#define CKPT_FIELD(type, name)    h->name = s->name;
#define CKPT_ARRAY(type, name, n) memcpy(h->name, s->name, sizeof s->name);
    CKPT_SCALARS(CKPT_FIELD)
    CKPT_ARRAYS(CKPT_ARRAY)
#undef CKPT_FIELD
#undef CKPT_ARRAY
    hart_attention(h);
    hart_tlb_flush(h); /* translations, the instruction TLB and this hart's links */
    mmu_context_check(h);
}

void hart_tlb_flush(struct hart *h)
{
    mmu_flush(h);
}

void hart_tlb_forget_writes(struct hart *h)
{
    for (unsigned k = 0; k < TLB_SIZE; k++)
        h->tlb_write[k].tag = TLB_INVALID;
}

void hart_tlb_flush_write_page(struct hart *h, uint64_t ppage)
{
    /* Under paging any virtual page may map to `ppage`: compare the physical pages. */
    for (unsigned k = 0; k < TLB_SIZE; k++) {
        struct tlb_entry *e = &h->tlb_write[k];
        if (e->tag != TLB_INVALID && e->ppage == ppage)
            e->tag = TLB_INVALID;
    }
}

uint64_t hart_mcycle(const struct hart *h)
{
    return (h->mcountinhibit & COUNTER_CY) ? h->cycle_frozen : h->cycles - h->cycle_base;
}

uint64_t hart_minstret(const struct hart *h)
{
    return (h->mcountinhibit & COUNTER_IR) ? h->instret_frozen : h->retired - h->instret_base;
}

uint64_t hart_mtime(const struct hart *h)
{
    return h->cycles / h->time_divider + h->time_offset;
}

void hart_set_mip(struct hart *h, enum irq_num irq, bool level)
{
    if (irq == IRQ_S_EXT) {
        /* The PLIC's line; the bit software writes is kept apart (csr.c). */
        h->seip_hw = level;
        level = level || h->seip_sw;
    }
    if (level)
        h->mip |= 1ull << irq;
    else
        h->mip &= ~(1ull << irq);
    hart_attention(h); /* the run loop looks at interrupts at the next block boundary */
}

bool hart_irq_wakeup(const struct hart *h)
{
    return (h->mip & h->mie) != 0;
}

/* Count traps taken in a row with nothing retired between them (hart_trap_loop). */
static void note_trap_streak(struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (h->trap_streak_retired != h->retired || h->trap_streak == 0) {
        h->trap_streak = 0;
        h->trap_streak_first =
            (struct hart_trap_record){ cause, epc & xlen_mask(h->xlen), tval & xlen_mask(h->xlen) };
    }
    h->trap_streak++;
    h->trap_streak_retired = h->retired;
}

/* Trap entry into S-mode, for a trap medeleg/mideleg delegates (Privileged 3.1.8, 4.1.1). */
static void trap_enter_s(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc, bool irq)
{
    uint64_t s = h->mstatus & ~(MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SIE);
    if (h->mstatus & MSTATUS_SIE)
        s |= MSTATUS_SPIE;
    if (h->priv == PRIV_S)
        s |= MSTATUS_SPP;
    h->mstatus = s;
    h->priv = PRIV_S;
    h->sepc = epc & xlen_mask(h->xlen);
    h->stval = tval & xlen_mask(h->xlen);
    uint64_t intbit = h->xlen == 32 ? MCAUSE32_INTERRUPT : MCAUSE64_INTERRUPT;
    h->scause = irq ? (intbit | cause) : cause;
    note_trap_streak(h, h->scause, epc, tval);
    uint64_t base = h->stvec & ~3ull;
    h->pc = (irq && (h->stvec & 3) == MTVEC_MODE_VECTORED) ? base + 4 * cause : base;
    h->pc &= xlen_mask(h->xlen);
    h->wfi = false;
    h->traps++;
    hart_attention(h);
    mmu_context_check(h);
    if (unlikely(h->on_trap.n))
        LISTENERS_CALL(&h->on_trap, hart_trap_fn, h, h->scause, epc, tval);
}

/* Common trap entry (Privileged 3.1.6.1, 3.1.7): to M-mode unless the trap is delegated
 * and happens below M. */
static void trap_enter(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc, bool irq)
{
    if (h->priv <= PRIV_S && (((irq ? h->mideleg : h->medeleg) >> cause) & 1)) {
        trap_enter_s(h, cause, tval, epc, irq);
        return;
    }
    uint64_t mstatus = h->mstatus;
    mstatus &= ~(MSTATUS_MPIE | MSTATUS_MPP);
    if (mstatus & MSTATUS_MIE)
        mstatus |= MSTATUS_MPIE;
    mstatus &= ~MSTATUS_MIE;
    mstatus |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
    h->mstatus = mstatus;
    h->priv = PRIV_M;
    h->mepc = epc & xlen_mask(h->xlen);
    h->mtval = tval & xlen_mask(h->xlen);
    uint64_t intbit = h->xlen == 32 ? MCAUSE32_INTERRUPT : MCAUSE64_INTERRUPT;
    h->mcause = irq ? (intbit | cause) : cause;
    note_trap_streak(h, h->mcause, epc, tval);
    uint64_t base = h->mtvec & ~3ull;
    if (irq && (h->mtvec & 3) == MTVEC_MODE_VECTORED)
        h->pc = base + 4 * cause;
    else
        h->pc = base;
    h->pc &= xlen_mask(h->xlen);
    h->wfi = false;
    h->traps++;
    hart_attention(h);
    mmu_context_check(h);
    if (unlikely(h->on_trap.n))
        LISTENERS_CALL(&h->on_trap, hart_trap_fn, h, h->mcause, epc, tval);
}

uint64_t hart_takeable_irqs(const struct hart *h)
{
    uint64_t m = h->mie & ~h->mideleg, s = h->mie & h->mideleg;
    switch (h->priv) {
    case PRIV_M: return (h->mstatus & MSTATUS_MIE) ? m : 0;
    case PRIV_S: return m | ((h->mstatus & MSTATUS_SIE) ? s : 0);
    default: return m | s;
    }
}

bool hart_irq_takeable_pending(const struct hart *h)
{
    return (h->mip & hart_takeable_irqs(h)) != 0;
}

bool hart_trap_loop(const struct hart *h, struct hart_trap_record *first,
                    struct hart_trap_record *last)
{
    if (h->trap_streak < 2 || h->trap_streak_retired != h->retired)
        return false;
    bool in_s = h->priv == PRIV_S;
    uint64_t epc = in_s ? h->sepc : h->mepc;
    if (h->pc != epc)
        return false;
    if (first)
        *first = h->trap_streak_first;
    if (last)
        *last = (struct hart_trap_record){ in_s ? h->scause : h->mcause, epc,
                                           in_s ? h->stval : h->mtval };
    return true;
}

int hart_raise(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
    trap_enter(h, cause, tval, epc, false);
    return 1;
}

/* Interrupt priority, highest first (Privileged 3.1.9). */
static const uint8_t irq_priority[] = { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER,
                                        IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER };

/* Take the highest-priority pending and enabled interrupt (Privileged 3.1.9): one for M
 * (not delegated) is enabled below M always and in M with mstatus.MIE; one delegated to S
 * is enabled in U always and in S with mstatus.SIE, never in M. Interrupts for M come
 * before those for S; within each, the fixed order of irq_priority. */
static bool take_interrupt(struct hart *h)
{
    uint64_t pending = h->mip & h->mie;
    if (!pending)
        return false;
    uint64_t m_pending = pending & ~h->mideleg;
    uint64_t s_pending = pending & h->mideleg;
    if (h->priv == PRIV_M && !(h->mstatus & MSTATUS_MIE))
        m_pending = 0;
    if (h->priv == PRIV_M || (h->priv == PRIV_S && !(h->mstatus & MSTATUS_SIE)))
        s_pending = 0;
    pending = m_pending ? m_pending : s_pending;
    if (!pending)
        return false;
    if (unlikely(h->debug != NULL) && h->debug->mask_irq)
        return false; /* the debugger steps with interrupts held off */
    for (unsigned k = 0; k < sizeof irq_priority; k++) {
        if (pending & (1ull << irq_priority[k])) {
            trap_enter(h, irq_priority[k], 0, h->pc, true);
            return true;
        }
    }
    return false;
}

/* The page a block is fetched from: its translation, when the instruction TLB (or a walk
 * that may fill it) vouches for the whole page. */
struct fetch_page {
    uint64_t vpage, ppage;
    bool whole;
};

/* Instruction fetch: one 16-bit parcel at virtual `va`, from RAM/ROM only. Returns 0 or the
 * exception cause; `*pa` is where the parcel was found. */
static unsigned fetch16(struct hart *h, const struct fetch_page *fp, uint64_t va, uint16_t *out,
                        uint64_t *pa)
{
    if (fp && fp->whole && va >> PAGE_SHIFT == fp->vpage) {
        *pa = (fp->ppage << PAGE_SHIFT) | (va & (PAGE_SIZE - 1));
    } else {
        unsigned cause = mmu_translate(h, va, 2, MMU_EXEC, pa, NULL);
        if (cause)
            return cause;
    }
    uint8_t *page = h->bus->page_ptr(h->bus->ctx, *pa & ~(PAGE_SIZE - 1), false);
    if (!page)
        return EXC_INSN_ACCESS;
    memcpy(out, page + (*pa & (PAGE_SIZE - 1)), 2);
    return 0;
}

/* Translate the fetch address of a block through the instruction TLB. False with the trap
 * taken if the fetch faults. */
static inline bool fetch_translate(struct hart *h, uint64_t pc, uint64_t *ppc)
{
    const struct itlb_entry *e = &h->mmu.itlb[(pc >> PAGE_SHIFT) & (ITLB_SIZE - 1)];
    if (likely(e->vpage == pc >> PAGE_SHIFT)) {
        *ppc = (e->ppage << PAGE_SHIFT) | (pc & (PAGE_SIZE - 1));
        return true;
    }
    return mmu_fetch_slow(h, pc, ppc);
}

/* ---- Timing effects of run-time values (core/cost.h; called when h->dyn is set) ---- */

/* A jump or taken branch to a 32-bit instruction that starts 2 bytes into a word: the core
 * fetches twice before it can issue it. (A target that cannot be fetched traps next.) */
static unsigned fetch_split_cycles(struct hart *h, uint64_t target)
{
    if (!h->dyn->fetch_split || (target & 3) != 2)
        return 0;
    /* Remembered per target (a store into code may leave a stale answer: a cycle off). */
    unsigned k = (unsigned)(target >> 2) & (BP_SPLIT_CACHE - 1);
    if (h->bp.split[k].pc != target + 1) {
        uint16_t parcel;
        uint64_t pa;
        if (fetch16(h, NULL, target, &parcel, &pa))
            return 0; /* the fetch will fault: nothing to remember */
        h->bp.split[k].pc = target + 1;
        h->bp.split[k].split = insn_length(parcel) == 4;
    }
    return h->bp.split[k].split ? h->dyn->fetch_split : 0;
}

static unsigned bht_index(const struct hart *h, uint64_t pc)
{
    return (unsigned)((pc >> 1) % h->dyn->bp.bht);
}

static unsigned btb_index(const struct hart *h, uint64_t pc)
{
    return (unsigned)((pc >> 1) % h->dyn->bp.btb);
}

/* The BTB's target for `pc`, or 0 when it has none. */
static uint64_t btb_lookup(const struct hart *h, uint64_t pc)
{
    unsigned k = btb_index(h, pc);
    return h->bp.btb[k].pc == pc + 1 ? h->bp.btb[k].target : 0; /* pc + 1: never 0 */
}

static void btb_set(struct hart *h, uint64_t pc, uint64_t target)
{
    unsigned k = btb_index(h, pc);
    h->bp.btb[k].pc = pc + 1;
    h->bp.btb[k].target = target;
}

int64_t hart_timing_branch(struct hart *h, const struct insn *i, bool taken, uint64_t target)
{
    const struct core_timing *t = h->dyn;
    if (!t->bp.bht)
        return taken ? h->taken_extra + fetch_split_cycles(h, target) : 0;
    /* Predicted taken when the counter says so and the BTB knows where to. */
    uint8_t *ctr = &h->bp.bht[bht_index(h, i->pc)];
    uint64_t predicted = *ctr >= 2 ? btb_lookup(h, i->pc) : 0;
    bool right = taken ? predicted == target : predicted == 0;
    if (taken && *ctr < 3)
        (*ctr)++;
    else if (!taken && *ctr > 0)
        (*ctr)--;
    if (taken)
        btb_set(h, i->pc, target);
    return right ? 0 : t->bp.mispredict;
}

/* The return-address hints of the Unprivileged ISA 2.5: x1 and x5 are link registers. */
static bool is_link(unsigned r)
{
    return r == 1 || r == 5;
}

void hart_timing_jump(struct hart *h, const struct insn *i, uint64_t target)
{
    const struct core_timing *t = h->dyn;
    unsigned extra = fetch_split_cycles(h, target);
    if (t->bp.bht) {
        bool jalr = i->sem == INSN_jalr;
        bool call = is_link(i->rd);
        bool ret = jalr && is_link(i->rs1) && (!call || i->rs1 != i->rd);
        uint64_t predicted;
        if (ret && h->bp.ras_n) {
            h->bp.ras_top = (uint8_t)((h->bp.ras_top + t->bp.ras - 1) % t->bp.ras);
            predicted = h->bp.ras[h->bp.ras_top];
            h->bp.ras_n--;
        } else {
            predicted = btb_lookup(h, i->pc);
        }
        if (call && t->bp.ras) {
            h->bp.ras[h->bp.ras_top] = (i->pc + i->len) & xlen_mask(h->xlen);
            h->bp.ras_top = (uint8_t)((h->bp.ras_top + 1) % t->bp.ras);
            if (h->bp.ras_n < t->bp.ras)
                h->bp.ras_n++;
        }
        if (!ret)
            btb_set(h, i->pc, target);
        if (predicted != target)
            extra += t->bp.mispredict;
    }
    h->cycles += extra;
}

void hart_timing_div(struct hart *h, uint64_t a, uint64_t b, bool is_signed, unsigned xlen)
{
    const struct core_timing *t = h->dyn;
    h->cycles += (uint64_t)((int64_t)core_timing_div_cycles(t, a, b, is_signed, xlen) -
                            (int64_t)t->cycles[COST_DIV]);
}

static bool is_cond_branch(const struct insn *ins)
{
    return (ins->flags & COND_BRANCH) && ins->id != INSN_COUNT;
}

/* A jal (or c.j, c.jal) whose target is aligned (the others trap when they run). */
static bool is_direct_jal(const struct insn *ins)
{
    return (ins->flags & FIXED_JUMP) && ins->id != INSN_COUNT && !(ins->flags & NO_FUSE);
}

static uint64_t jal_target(const struct hart *h, const struct insn *ins)
{
    return (ins->pc + (uint64_t)ins->imm) & xlen_mask(h->xlen);
}

static void fill_insn(struct hart *h, struct insn *ins, uint32_t raw, uint64_t pc)
{
    const insn_fn *dispatch = h->xlen == 32 ? rv32_dispatch : rv64_dispatch;
    if (insn_decode(raw, h->xlen, h->ext, ins)) {
        ins->fn = dispatch[ins->id];
        ins->cost = h->timing->cycles[insn_table[ins->id].cost_class];
    } else {
        ins->fn = h->xlen == 32 ? rv32_exec_illegal : rv64_exec_illegal;
        ins->id = INSN_COUNT;
        ins->cost = h->timing->cycles[COST_SYSTEM];
        ins->flags = END;
    }
    ins->pc = pc;
    ins->link = NULL;
    ins->link_tag = 0;
    /* A fixed jump target that is not IALIGN-aligned (Unprivileged ISA 2.5): a body that
     * checks it. The others skip the check. */
    insn_fn check = h->xlen == 32 ? rv32_check_fn(ins->sem) : rv64_check_fn(ins->sem);
    if (check && ins->id != INSN_COUNT && ((pc + (uint64_t)ins->imm) & h->ialign_mask)) {
        ins->fn = check;
        ins->flags |= NO_FUSE;
    }
    /* A core timing with run-time effects: the bodies that apply them (they check a fixed
     * target too). Fused pairs call the plain bodies: build_block does not fuse them. */
    if (unlikely(h->dyn != NULL) && ins->id != INSN_COUNT) {
        insn_fn timed = h->xlen == 32 ? rv32_timed_fn(ins->sem) : rv64_timed_fn(ins->sem);
        if (timed)
            ins->fn = timed;
    }
}

/* Whether an instruction format reads x registers through rs1 and rs2 (fields a format
 * does not use are 0, and x0 is never waited for). */
static bool reads_x_rs1(enum insn_fmt f)
{
    switch (f) {
    case FMT_R4:
    case FMT_F_RRR_RM:
    case FMT_F_RRR:
    case FMT_F_RR_RM:
    case FMT_F_XF_RM:
    case FMT_F_XFF:
    case FMT_F_XF: return false;
    default: return true;
    }
}

static bool reads_x_rs2(enum insn_fmt f)
{
    switch (f) {
    case FMT_FSTORE:
    case FMT_CS_FW:
    case FMT_CS_FD:
    case FMT_CSS_FSWSP:
    case FMT_CSS_FSDSP: return false;
    default: return reads_x_rs1(f);
    }
}

/* Interlocks within a block (core/cost.h, latency): an in-order scoreboard over the
 * block's straight line. Each instruction issues when the x registers it reads are ready
 * (and, for a multiplication or division, when the previous one is done); the wait is
 * added to its cycles. The registers are taken as ready when the block starts, and again
 * where a superblock goes on past a branch or jal into its next block: so an
 * instruction's cycles depend only on the block it is in, not on whether the superblock
 * it was decoded with went on into that block or stopped before it (hart_run's checks, a
 * stepping view: the same run either way, docs/design.md, decision 11). `next`,
 * if not NULL, is the instruction after the block's last when that one does not jump (a
 * CSR read ends its block): its wait is charged to the last one. */
static void add_interlocks(const struct hart *h, struct insn *ins, unsigned n, struct insn *next)
{
    const struct core_timing *t = h->timing;
    uint64_t ready[33] = { 0 }, unit = 0, now = 0;
    for (unsigned k = 0; k <= n; k++) {
        struct insn *i = k < n ? &ins[k] : next;
        if (!i)
            break;
        if (k > 0 && k < n && (ins[k - 1].flags & END)) {
            memset(ready, 0, sizeof ready); /* the next block of the superblock */
            unit = now = 0;
        }
        if (i->id == INSN_COUNT) {
            now += i->cost;
            continue;
        }
        const struct insn_desc *d = &insn_table[i->id];
        uint64_t issue = now;
        if (reads_x_rs1(d->fmt) && ready[i->rs1] > issue)
            issue = ready[i->rs1];
        if (reads_x_rs2(d->fmt) && ready[i->rs2] > issue)
            issue = ready[i->rs2];
        bool muldiv = d->ext == EXT_M; /* the integer multiplier/divider */
        if (muldiv && unit > issue)
            issue = unit;
        unsigned lat = t->latency[d->cost_class];
        if (d->cost_class == COST_LOAD && t->load_sub &&
            (i->sem == INSN_lb || i->sem == INSN_lbu || i->sem == INSN_lh || i->sem == INSN_lhu ||
             i->sem == INSN_lwu))
            lat = t->load_sub;
        if (k == n) {
            ins[n - 1].cost = (uint8_t)(ins[n - 1].cost + (issue - now));
            break;
        }
        unsigned base = i->cost;
        i->cost = (uint8_t)(base + (issue - now));
        if (lat > 1 && !insn_fmt_fp_rd(d->fmt) && i->rd != REG_SINK)
            ready[i->rd] = issue + lat;
        if (muldiv && lat > 1)
            unit = issue + lat - 1;
        now = issue + base;
    }
}

/* The instruction that follows `last`, the end of a block that goes on there (no jump),
 * decoded into `next`, or NULL (core/cost.h: interlocks). */
static struct insn *peek_next(struct hart *h, const struct insn *last, const struct fetch_page *fp,
                              uint64_t page, uint64_t at, struct insn *next)
{
    if (last->id == INSN_COUNT || h->timing->latency[insn_table[last->id].cost_class] < 2 ||
        at >> PAGE_SHIFT != page)
        return NULL;
    uint16_t lo, hi = 0;
    uint64_t pa;
    if (fetch16(h, fp, at, &lo, &pa))
        return NULL;
    if (insn_length(lo) == 4 &&
        (((at + 2) >> PAGE_SHIFT) != page || fetch16(h, fp, at + 2, &hi, &pa)))
        return NULL;
    if (!insn_decode(lo | (uint32_t)hi << 16, h->xlen, h->ext, next))
        return NULL;
    return next;
}

/* Fetch and decode at virtual `pc` into `b`, which is keyed by the physical address: one
 * block of up to `max` instructions, and, while the superblock stays within `cap`
 * instructions and the page, the blocks that follow it through not-taken conditional
 * branches and jal targets (see SUPERBLOCK_MAX_INSNS). Returns false (with the trap taken) if not
 * even the first instruction can be fetched. `*cacheable` is cleared for a block whose bytes are
 * not physically contiguous (an instruction across two pages that paging maps apart). */
static bool build_block(struct hart *h, uint64_t pc, struct block *b, unsigned max, unsigned cap,
                        bool *cacheable)
{
    uint64_t page = pc >> PAGE_SHIFT;
    uint64_t at = pc, low = pc, high = pc; /* next, lowest, past the highest instruction */
    unsigned n = 0, seg = 0;               /* instructions in the superblock, in its last block */
    unsigned first_n = 0;                  /* in its first block, once that has ended */
    uint64_t ppc;
    if (!fetch_translate(h, pc, &ppc))
        return false;
    const struct itlb_entry *te = &h->mmu.itlb[page & (ITLB_SIZE - 1)];
    struct fetch_page fp = { page, ppc >> PAGE_SHIFT, te->vpage == page };
    *cacheable = true;
    b->xpage = 0;
    while (seg < max) {
        if (n > 0 && (at >> PAGE_SHIFT) != page)
            break;
        if (n > 0 && unlikely(h->debug != NULL) && debug_break_at(h->debug, at))
            break; /* end before a breakpoint so that hart_run can stop there */
        uint16_t lo, hi = 0;
        uint64_t pa;
        unsigned cause = fetch16(h, &fp, at, &lo, &pa);
        if (cause) {
            if (n == 0)
                return hart_raise(h, cause, at, pc), false;
            break;
        }
        uint32_t raw = lo;
        if (insn_length(lo) == 4) {
            uint64_t va2 = (at + 2) & xlen_mask(h->xlen);
            cause = fetch16(h, &fp, va2, &hi, &pa);
            if (cause) {
                if (n == 0)
                    return hart_raise(h, cause, va2, pc), false;
                break;
            }
            if (pa != ppc + (va2 - pc)) {
                if (n > 0)
                    break; /* that instruction starts a block of its own */
                *cacheable = false;
            }
            if (va2 >> PAGE_SHIFT != page)
                b->xpage = (pa >> PAGE_SHIFT) + 1; /* it crosses into the next page */
            raw |= (uint32_t)hi << 16;
        }
        struct insn *ins = &b->insns[n];
        fill_insn(h, ins, raw, at);
        /* An illegal instruction gets a block of its own, so it traps when reached. */
        if (ins->id == INSN_COUNT && n > 0)
            break;
        n++;
        seg++;
        low = at < low ? at : low;
        at += ins->len;
        high = at > high ? at : high;
        if (ins->flags & END) {
            /* The next block follows a conditional branch, or is a jal's target: in the
             * same page, the superblock goes on there. */
            uint64_t next;
            if (is_cond_branch(ins))
                next = at;
            else if (is_direct_jal(ins))
                next = jal_target(h, ins);
            else
                break;
            if (!*cacheable || n + max > cap || next >> PAGE_SHIFT != page)
                break;
            at = next;
            seg = 0;
            if (!first_n)
                first_n = n;
        }
    }
    b->pc = ppc;
    b->lo = ppc - (pc - low);
    b->end = ppc + (high - pc);
    b->n = n;
    b->first_n = first_n ? first_n : n;
    b->valid = true;
    b->heat = 0;
    b->first_fn = NULL;
    b->jit = NULL;
    /* Fetch wait states of the memory the block is in (one page: one region). */
    unsigned wait = h->bus->fetch_wait ? h->bus->fetch_wait(h->bus->ctx, ppc) : 0;
    for (unsigned k = 0; wait && k < n; k++)
        b->insns[k].cost = (uint8_t)(b->insns[k].cost + wait);
    if (h->interlocks) {
        struct insn next;
        add_interlocks(h, b->insns, n, peek_next(h, &b->insns[n - 1], &fp, page, at, &next));
    }
    uint32_t cost = 0;
    for (unsigned k = n; k-- > 0;) {
        cost += b->insns[k].cost;
        b->insns[k].after_n = (uint16_t)(n - k - 1);
        b->insns[k].after_cost = cost - b->insns[k].cost;
    }
    b->cost = cost;
    /* Pairs of instructions that one body runs together (exec_template.h, fused pairs). */
    insn_fn (*fuse)(unsigned, unsigned) = h->xlen == 32 ? rv32_fuse_fn : rv64_fuse_fn;
    for (unsigned k = 0; k + 1 < n; k++) {
        insn_fn f = fuse(b->insns[k].sem, b->insns[k + 1].sem);
        if (f && b->insns[k].id != INSN_COUNT &&
            !((b->insns[k].flags | b->insns[k + 1].flags) & NO_FUSE) &&
            !(h->dyn && (b->insns[k + 1].flags & END))) {
            b->insns[k].fn = f;
            k++;
        }
    }
    /* After the last instruction, unless it always leaves by itself: the entry that goes
     * on to the next block (the jal's target after a jal). */
    const struct insn *last = &b->insns[n - 1];
    if (!(last->flags & END) || is_cond_branch(last) || is_direct_jal(last)) {
        uint64_t next = is_direct_jal(last) ? jal_target(h, last) : at;
        b->insns[n] = (struct insn){ .fn = exec_fallthrough, .pc = next, .id = INSN_COUNT };
    }
    return true;
}

int exec_fallthrough(struct hart *h, const struct insn *i)
{
    h->pc = i->pc;
    EXEC_GO(h, exec_chain(h, i));
}

/* A cached block whose last instruction crosses into the next virtual page is found by
 * its first page's translation alone: it still holds if the next page still translates
 * to the physical page it was decoded from (a remap with sfence.vma, another satp or
 * privilege level may have changed it; every such change drops links, so each of them
 * comes through get_block). */
static bool second_page_holds(struct hart *h, const struct block *b)
{
    uint64_t va = ((b->insns[0].pc & ~(uint64_t)(PAGE_SIZE - 1)) + PAGE_SIZE) & xlen_mask(h->xlen);
    uint64_t pa;
    return mmu_translate(h, va, 2, MMU_EXEC, &pa, NULL) == 0 && (pa >> PAGE_SHIFT) + 1 == b->xpage;
}

static struct block *get_block(struct hart *h)
{
    uint64_t pc = h->pc, ppc;
    if (!fetch_translate(h, pc, &ppc))
        return NULL;
    struct block *b = code_cache_lookup_at(h->cc, ppc, pc);
    if (likely(b != NULL)) {
        if (likely(!b->xpage) || second_page_holds(h, b))
            return b;
        code_cache_drop(h->cc, b); /* and decode it again, from what is mapped now */
    }
    b = code_cache_alloc(h->cc, SUPERBLOCK_MAX_INSNS + 1);
    bool cacheable;
    if (!build_block(h, pc, b, BLOCK_MAX_INSNS, SUPERBLOCK_MAX_INSNS, &cacheable))
        return NULL;
    code_cache_trim(h->cc, b, b->n + 1);
    /* An uncacheable block runs once from the arena; the next flush reclaims it. */
    if (cacheable)
        code_cache_insert(h->cc, b);
    return b;
}

static inline void run_block(struct hart *h, const struct block *b)
{
    h->cycles += b->cost;
    h->retired += b->n;
    uint64_t budget = h->cycles + CHAIN_MAX_CYCLES;
    h->chain_until = budget < h->fast_until ? budget : h->fast_until;
    b->insns[0].fn(h, b->insns);
}

static void trace_step(struct hart *h, const struct insn *ins, uint64_t traps_before)
{
    FILE *f = h->trace_file;
    char text[96];
    disasm_insn(ins, h->xlen, text, sizeof text);
    int w = h->xlen / 4;
    if (ins->len == 2)
        fprintf(f, "%0*llx: %04x     %-32s", w, (unsigned long long)ins->pc, ins->raw, text);
    else
        fprintf(f, "%0*llx: %08x %-32s", w, (unsigned long long)ins->pc, ins->raw, text);
    if (h->traps != traps_before)
        fprintf(f, " trap cause %llu tval %0*llx", (unsigned long long)h->mcause, w,
                (unsigned long long)h->mtval);
    else if (ins->id != INSN_COUNT && ins->rd != REG_SINK && disasm_writes_rd(ins))
        fprintf(f, " %s=%0*llx", disasm_reg_name(ins->rd), w, (unsigned long long)h->x[ins->rd]);
    fputc('\n', f);
}

void hart_request_stop(struct hart *h)
{
    h->stop = HART_STOP_EXIT;
    hart_attention(h);
}

/* Run the one instruction at h->pc as a block of its own, then tell the trace and the
 * listeners. No interrupt is taken here. `model`, if not NULL, is the entry of the block
 * hart_run found for this instruction: it costs what it costs there (its interlock stalls
 * depend on its neighbours in that block), so that a stepping view counts the cycles the
 * run without it counts. Returns true when the instruction went on to the next one as part
 * of a block would (no trap, no jump or branch, nothing that ends a block), false when a
 * block would have ended after it. */
static bool step_one(struct hart *h, const struct insn *model)
{
    union {
        struct block b;
        uint8_t space[sizeof(struct block) + 2 * sizeof(struct insn)];
    } one;
    uint64_t traps = h->traps;
    bool cacheable;
    if (!build_block(h, h->pc, &one.b, 1, 1, &cacheable)) {
        h->cycles += h->timing->cycles[COST_SYSTEM]; /* the fetch fault's trap, as in hart_run */
        return false;
    }
    struct insn *ins = &one.b.insns[0];
    if (model && model->pc == ins->pc && model->raw == ins->raw && model->id == ins->id)
        one.b.cost = ins->cost = model->cost;
    uint64_t retired = h->retired;
    h->exit = NULL;
    run_block(h, &one.b);
    /* A body that goes on into the next instruction reaches the fall-through entry, which
     * finds no link (chain_until is 0) and leaves through it. */
    bool went_on = h->exit == &one.b.insns[1] && h->traps == traps;
    h->exit = NULL; /* `one` is about to go: nothing may link to or from it */
    if (unlikely(h->on_block.n))
        LISTENERS_CALL(&h->on_block, hart_block_fn, h, one.b.insns,
                       (unsigned)(h->retired - retired));
    if (h->trace_file)
        trace_step(h, &one.b.insns[0], traps);
    if (h->on_step.n)
        LISTENERS_CALL(&h->on_step, hart_step_fn, h, &one.b.insns[0]);
    return went_on;
}

enum hart_stop hart_step(struct hart *h)
{
    h->stop = HART_RUNNING;
    hart_attention(h); /* one instruction: no branch goes on, no link is followed */
    if (h->wfi) {
        if (!hart_irq_wakeup(h))
            return h->stop = HART_STOP_WFI;
        h->wfi = false;
    }
    if (take_interrupt(h))
        return h->stop = HART_STOP_STEP;
    step_one(h, NULL);
    if (h->stop == HART_RUNNING)
        h->stop = HART_STOP_STEP;
    return h->stop;
}

/* Run the first block of `b` (the superblock hart_run found at h->pc) one instruction at a
 * time, for the trace and the step listeners, and stop where running `b` would have come
 * back to hart_run's checks: after its first block's last instruction, or earlier where
 * an instruction ends the block (a trap, a jump or branch, a CSR write that asks for the
 * checks, a stop). So interrupts, limits and the machine's events come at the same
 * instructions whether anything watches or not (docs/design.md, decision 11). */
static void step_block(struct hart *h, const struct block *b)
{
    for (unsigned k = 0; k < b->first_n; k++)
        if (!step_one(h, &b->insns[k]) || h->stop != HART_RUNNING || h->wfi)
            break;
}

/* The cycle count up to which hart_run may skip its per-block checks: `until`, unless one
 * of them could do something (an interrupt pending and enabled, wfi, the debugger, single
 * steps, the instruction trace, block listeners, --max-insns); then 0. Anything that changes one of
 * these while a block runs calls hart_attention(), which sets it to 0. */
static inline uint64_t fast_deadline(const struct hart *h, uint64_t until)
{
    if (h->debug || h->single_step || h->on_block.n || h->wfi || (h->mip & h->mie) ||
        h->retire_limit != UINT64_MAX)
        return 0;
    return until;
}

/* Link exit `x` (left under chain tag `tag`) to block `b`, which hart_run found after it,
 * so that the exit goes on into `b` by itself next time (exec_chain). Only when nothing
 * changed in between and the instruction TLB holds `b`'s page, so that following the link
 * is exactly what the lookup does; every change to the hart's translations or to the code
 * cache changes the hart's chain tag, which drops all links. */
static void link_exit(struct hart *h, struct insn *x, uint64_t tag, struct block *b)
{
    uint64_t pc = h->pc;
    if (tag != h->chain_tag || !b->cached ||
        h->mmu.itlb[(pc >> PAGE_SHIFT) & (ITLB_SIZE - 1)].vpage != pc >> PAGE_SHIFT)
        return;
    x->link = b;
    x->link_tag = tag;
    *hart_jump_cache(h, pc) = (struct jump_cache_entry){ tag, b };
}

enum hart_stop hart_run(struct hart *h, uint64_t until_cycles)
{
    h->stop = HART_RUNNING;
    hart_attention(h);
    h->exit = NULL;
    while (h->stop == HART_RUNNING) {
        /* The exit the last block left by, when its link did not hold. */
        struct insn *x = h->exit;
        h->exit = NULL;
        if (likely(h->cycles < h->fast_until)) {
            /* The fast path: the next block, linked to that exit; then blocks follow each
             * other through their links (exec_chain) until one needs this loop again. */
            uint64_t tag = h->chain_tag;
            struct block *b = x && h->exit_tag == tag && x->link_tag == tag ? x->link : NULL;
            if (!b || b->insns[0].pc != h->pc) {
                b = get_block(h);
                if (unlikely(!b)) {
                    h->cycles +=
                        h->timing->cycles[COST_SYSTEM]; /* a fetch fault's trap, as below */
                    continue;
                }
                if (x)
                    link_exit(h, x, h->exit_tag, b);
            }
            run_block(h, b);
            continue;
        }
        if (h->cycles >= until_cycles)
            return h->stop = HART_STOP_BUDGET;
        if (h->retired + h->traps >= h->retire_limit)
            return h->stop = HART_STOP_BUDGET;
        h->fast_until = fast_deadline(h, until_cycles);
        if (unlikely(h->debug != NULL) && debug_stop_before(h))
            break;
        if (unlikely(h->fine_steps)) {
            /* The machine interleaves harts one instruction at a time: every instruction
             * is a block boundary. */
            if (hart_step(h) == HART_STOP_STEP)
                h->stop = HART_RUNNING;
            continue;
        }
        if (unlikely(h->wfi)) {
            if (!hart_irq_wakeup(h))
                return h->stop = HART_STOP_WFI;
            h->wfi = false;
        }
        if (unlikely(h->mip & h->mie) && take_interrupt(h))
            continue;
        struct block *b = get_block(h);
        if (unlikely(!b)) {
            /* A fetch fault took a trap: it costs time like any trap, so that a firmware
             * whose trap vector cannot be fetched still reaches --max-cycles. */
            h->cycles += h->timing->cycles[COST_SYSTEM];
            continue;
        }
        /* Keep --max-insns exact: finish the last few instructions one at a time. (Only
         * the first block of a superblock runs here: fast_until is 0 with a limit.) */
        if (unlikely(h->retired + h->traps + b->first_n > h->retire_limit)) {
            hart_step(h);
            if (h->stop == HART_STOP_STEP)
                h->stop = HART_RUNNING;
            continue;
        }
        if (unlikely(h->single_step)) {
            /* The trace, step listeners or a read watchpoint: the same block, watched
             * one instruction at a time. */
            step_block(h, b);
            continue;
        }
        uint64_t retired = h->retired;
        run_block(h, b);
        if (unlikely(h->on_block.n))
            LISTENERS_CALL(&h->on_block, hart_block_fn, h, b->insns,
                           (unsigned)(h->retired - retired));
    }
    return h->stop;
}

/* ---- memory slow paths ---- */

/* One aligned access through the bus at virtual `addr`, physical `pa` (mmu_translate),
 * filling the translation cache when the page is plain memory and `whole` says the whole
 * page may be cached. Returns a bus status. */
static enum bus_status load_aligned(struct hart *h, uint64_t addr, uint64_t pa, bool whole,
                                    unsigned size, uint64_t *val)
{
    uint64_t vpage = addr >> PAGE_SHIFT, ppage = pa >> PAGE_SHIFT;
    uint8_t *page = h->bus->page_ptr(h->bus->ctx, ppage << PAGE_SHIFT, false);
    if (unlikely(h->debug != NULL) && h->debug->nwatches) {
        /* Watched pages stay out of the translation cache: every access comes here. */
        enum bus_status st = BUS_OK;
        if (!page)
            st = h->bus->load(h->bus->ctx, h, pa, size, val);
        else
            *val = host_read(page + (pa & (PAGE_SIZE - 1)), size);
        if (page && whole && !debug_watch_page(h->debug, vpage, false))
            tlb_fill(&h->tlb_read[vpage & (TLB_SIZE - 1)], vpage, page, ppage);
        if (st != BUS_FAULT)
            debug_check_access(h, addr, size, false);
        return st;
    }
    if (page) {
        if (whole)
            tlb_fill(&h->tlb_read[vpage & (TLB_SIZE - 1)], vpage, page, ppage);
        *val = host_read(page + (pa & (PAGE_SIZE - 1)), size);
        return BUS_OK;
    }
    return h->bus->load(h->bus->ctx, h, pa, size, val);
}

/* A store the fast path could not do. Besides the access itself it keeps reservations and
 * cached code coherent; `*code_hit` tells whether cached code was dropped. */
static enum bus_status store_aligned(struct hart *h, uint64_t addr, uint64_t pa, bool whole,
                                     unsigned size, uint64_t val, bool *code_hit)
{
    uint64_t ppage = pa >> PAGE_SHIFT, vpage = addr >> PAGE_SHIFT;
    bool code = code_cache_is_code_page(h->cc, ppage);
    uint8_t *page = h->bus->page_ptr(h->bus->ctx, ppage << PAGE_SHIFT, true);
    enum bus_status st;
    if (page && !code) {
        host_write(page + (pa & (PAGE_SIZE - 1)), size, val);
        st = BUS_OK;
    } else {
        st = h->bus->store(h->bus->ctx, h, pa, size, val);
    }
    if (st == BUS_FAULT)
        return st;
    if (code) {
        *code_hit |= code_cache_invalidate(h->cc, pa, size);
        code = code_cache_is_code_page(h->cc, ppage);
    }
    bool reserved = cluster_page_reserved(h->cl, ppage);
    if (reserved) {
        uint64_t granule = pa >> RESERVATION_SHIFT;
        cluster_break_reservations(h->cl, granule, granule, h);
        reserved = cluster_page_reserved(h->cl, ppage);
    }
    if (unlikely(h->debug != NULL) && h->debug->nwatches) {
        /* A write watchpoint: end the block after this instruction, as for a store into
         * cached code, and keep the page out of the translation cache. */
        *code_hit |= debug_check_access(h, addr, size, true);
        if (debug_watch_page(h->debug, vpage, true))
            return st;
    }
    if (page && whole && !code && !reserved)
        tlb_fill(&h->tlb_write[vpage & (TLB_SIZE - 1)], vpage, page, ppage);
    return st;
}

/* A device sees the cycle at which the instruction accessing it completes (devices/clock.h:
 * "a device read sees the exact time of the access"). The hart has already counted the
 * whole block when its first instruction runs, so during the access it steps back by what
 * follows the instruction in its block: the same time with superblocks, one block at a time
 * (--max-insns), single steps (--trace, a debugger) or a replay, so that device timing does
 * not depend on how the hart runs.
 *
 * Then the access costs its region's wait states (hart_bus.access_wait: slow memory, a
 * device behind a slower bus), added after it; a page with wait states stays out of the
 * translation cache so that every access to it comes here (the translation tier's too).
 * `charge` is false for the second and later bytes of a misaligned access done byte by
 * byte: one access, charged once. */
static enum bus_status load_at(struct hart *h, const struct insn *i, uint64_t addr, uint64_t pa,
                               bool whole, unsigned size, uint64_t *val, bool charge)
{
    h->cycles -= i->after_cost;
    unsigned wait = h->bus->access_wait ? h->bus->access_wait(h->bus->ctx, pa, false) : 0;
    enum bus_status st = load_aligned(h, addr, pa, whole && !wait, size, val);
    h->cycles += i->after_cost;
    if (wait && charge && st != BUS_FAULT)
        h->cycles += wait;
    return st;
}

static enum bus_status store_at(struct hart *h, const struct insn *i, uint64_t addr, uint64_t pa,
                                bool whole, unsigned size, uint64_t val, bool *code_hit,
                                bool charge)
{
    h->cycles -= i->after_cost;
    unsigned wait = h->bus->access_wait ? h->bus->access_wait(h->bus->ctx, pa, true) : 0;
    enum bus_status st = store_aligned(h, addr, pa, whole && !wait, size, val, code_hit);
    h->cycles += i->after_cost;
    if (wait && charge && st != BUS_FAULT)
        h->cycles += wait;
    return st;
}

int hart_load_slow(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                   uint64_t *val)
{
    if (addr & (size - 1)) {
        if (h->misaligned == MISALIGNED_TRAP)
            return exec_trap(h, i, EXC_LOAD_MISALIGNED, addr);
        /* Emulated: byte by byte, so a page or device boundary in the middle works. A core
         * that splits an access crossing a word takes longer (core/cost.h). */
        if ((addr & 3) + size > 4)
            h->cycles += h->timing->split_access;
        uint64_t v = 0;
        for (unsigned k = 0; k < size; k++) {
            uint64_t a = (addr + k) & xlen_mask(h->xlen), b, pa;
            bool whole;
            unsigned cause = mmu_translate(h, a, 1, MMU_READ, &pa, &whole);
            if (cause)
                return exec_trap(h, i, cause, a);
            if (load_at(h, i, a, pa, whole, 1, &b, k == 0) == BUS_FAULT)
                return exec_trap(h, i, EXC_LOAD_ACCESS, a);
            v |= b << (8 * k);
        }
        *val = v;
        return 0;
    }
    uint64_t pa;
    bool whole;
    unsigned cause = mmu_translate(h, addr, size, MMU_READ, &pa, &whole);
    if (cause)
        return exec_trap(h, i, cause, addr);
    if (load_at(h, i, addr, pa, whole, size, val, true) == BUS_FAULT)
        return exec_trap(h, i, EXC_LOAD_ACCESS, addr);
    return 0;
}

int hart_store_slow(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                    uint64_t val)
{
    bool code_hit = false;
    enum bus_status st = BUS_OK;
    if (addr & (size - 1)) {
        if (h->misaligned == MISALIGNED_TRAP)
            return exec_trap(h, i, EXC_STORE_MISALIGNED, addr);
        if ((addr & 3) + size > 4)
            h->cycles += h->timing->split_access; /* as for loads */
        /* Emulated only within memory: translate and check every byte first, so that a
         * fault leaves nothing half written. A misaligned device access is an access
         * fault. */
        uint64_t pas[8];
        bool wholes[8];
        for (unsigned k = 0; k < size; k++) {
            uint64_t a = (addr + k) & xlen_mask(h->xlen);
            unsigned cause = mmu_translate(h, a, 1, MMU_WRITE, &pas[k], &wholes[k]);
            if (cause)
                return exec_trap(h, i, cause, a);
            if (!h->bus->page_ptr(h->bus->ctx, pas[k] & ~(PAGE_SIZE - 1), false))
                return exec_trap(h, i, EXC_STORE_ACCESS, a);
        }
        for (unsigned k = 0; k < size && st != BUS_FAULT; k++) {
            uint64_t a = (addr + k) & xlen_mask(h->xlen);
            enum bus_status s1 =
                store_at(h, i, a, pas[k], wholes[k], 1, (val >> (8 * k)) & 0xff, &code_hit, k == 0);
            if (s1 == BUS_FAULT)
                return exec_trap(h, i, EXC_STORE_ACCESS, a);
            if (s1 == BUS_STOP)
                st = BUS_STOP;
        }
    } else {
        uint64_t pa;
        bool whole;
        unsigned cause = mmu_translate(h, addr, size, MMU_WRITE, &pa, &whole);
        if (cause)
            return exec_trap(h, i, cause, addr);
        st = store_at(h, i, addr, pa, whole, size, val, &code_hit, true);
        if (st == BUS_FAULT)
            return exec_trap(h, i, EXC_STORE_ACCESS, addr);
    }
    if (st == BUS_STOP) {
        h->stop = HART_STOP_EXIT;
        return exec_leave_after(h, i);
    }
    if (code_hit)
        return exec_leave_after(h, i);
    return 0;
}

/* ---- A extension ---- */

static int write_rd(struct hart *h, const struct insn *i, uint64_t v)
{
    h->x[i->rd] = v & xlen_mask(h->xlen);
    return 0;
}

int hart_lr(struct hart *h, const struct insn *i, uint64_t addr, unsigned size)
{
    if (addr & (size - 1))
        return exec_trap(h, i, EXC_LOAD_MISALIGNED, addr);
    uint64_t v, pa;
    bool whole;
    unsigned cause = mmu_translate(h, addr, size, MMU_READ, &pa, &whole);
    if (cause)
        return exec_trap(h, i, cause, addr);
    if (load_at(h, i, addr, pa, whole, size, &v, true) == BUS_FAULT)
        return exec_trap(h, i, EXC_LOAD_ACCESS, addr);
    h->reservation = pa >> RESERVATION_SHIFT;
    /* Stores to the reserved page must take the slow path from now on, in every hart. */
    cluster_flush_write_page(h->cl, pa >> PAGE_SHIFT);
    if (unlikely(h->on_atomic.n)) {
        struct hart_atomic_event ev = { .kind = HART_LR, .paddr = pa, .ins = i };
        hart_atomic_event(h, &ev);
    }
    return write_rd(h, i, size == 4 ? (uint64_t)(int64_t)(int32_t)v : v);
}

int hart_sc(struct hart *h, const struct insn *i, uint64_t addr, unsigned size)
{
    if (addr & (size - 1))
        return exec_trap(h, i, EXC_STORE_MISALIGNED, addr);
    uint64_t pa;
    bool whole;
    unsigned cause = mmu_translate(h, addr, size, MMU_WRITE, &pa, &whole);
    if (cause)
        return exec_trap(h, i, cause, addr);
    bool ok = h->reservation == pa >> RESERVATION_SHIFT;
    /* Every SC clears the reservation, successful or not (Unprivileged 8.2). */
    h->reservation = RESERVATION_NONE;
    h->sc_failed = !ok;
    if (unlikely(h->on_atomic.n)) {
        struct hart_atomic_event ev = { .kind = ok ? HART_SC_OK : HART_SC_FAIL,
                                        .paddr = pa,
                                        .ins = i };
        hart_atomic_event(h, &ev);
    }
    if (!ok) {
        h->sc_failures++;
        return write_rd(h, i, 1);
    }
    uint64_t value = h->x[i->rs2];
    bool code_hit = false;
    enum bus_status st = store_at(h, i, addr, pa, whole, size, value, &code_hit, true);
    if (st == BUS_FAULT)
        return exec_trap(h, i, EXC_STORE_ACCESS, addr);
    write_rd(h, i, 0);
    if (st == BUS_STOP || code_hit) {
        if (st == BUS_STOP)
            h->stop = HART_STOP_EXIT;
        return exec_leave_after(h, i);
    }
    return 0;
}

int hart_amo(struct hart *h, const struct insn *i, uint64_t addr, unsigned size, unsigned op)
{
    /* AMOs report store/AMO exceptions for both halves of the access. */
    if (addr & (size - 1))
        return exec_trap(h, i, EXC_STORE_MISALIGNED, addr);
    uint64_t old, pa;
    bool whole;
    unsigned cause = mmu_translate(h, addr, size, MMU_WRITE, &pa, &whole);
    if (cause)
        return exec_trap(h, i, cause, addr);
    if (load_at(h, i, addr, pa, false, size, &old, true) == BUS_FAULT)
        return exec_trap(h, i, EXC_STORE_ACCESS, addr);
    uint64_t src = h->x[i->rs2];
    int64_t a, b;
    uint64_t ua, ub;
    if (size == 4) {
        a = (int32_t)old, b = (int32_t)src;
        ua = (uint32_t)old, ub = (uint32_t)src;
    } else {
        a = (int64_t)old, b = (int64_t)src;
        ua = old, ub = src;
    }
    uint64_t r;
    switch (op) {
    case INSN_amoswap_w:
    case INSN_amoswap_d: r = src; break;
    case INSN_amoadd_w:
    case INSN_amoadd_d: r = old + src; break;
    case INSN_amoxor_w:
    case INSN_amoxor_d: r = old ^ src; break;
    case INSN_amoand_w:
    case INSN_amoand_d: r = old & src; break;
    case INSN_amoor_w:
    case INSN_amoor_d: r = old | src; break;
    case INSN_amomin_w:
    case INSN_amomin_d: r = (uint64_t)(a < b ? a : b); break;
    case INSN_amomax_w:
    case INSN_amomax_d: r = (uint64_t)(a > b ? a : b); break;
    case INSN_amominu_w:
    case INSN_amominu_d: r = ua < ub ? ua : ub; break;
    default: r = ua > ub ? ua : ub; break;
    }
    bool code_hit = false;
    enum bus_status st = store_at(h, i, addr, pa, whole, size, r, &code_hit, true);
    if (st == BUS_FAULT)
        return exec_trap(h, i, EXC_STORE_ACCESS, addr);
    if (unlikely(h->on_atomic.n)) {
        uint64_t mask = size == 4 ? 0xffffffffull : ~0ull;
        struct hart_atomic_event ev = {
            .kind = HART_AMO, .paddr = pa, .ins = i, .old = old & mask, .val = r & mask
        };
        hart_atomic_event(h, &ev);
    }
    write_rd(h, i, (uint64_t)a);
    if (st == BUS_STOP || code_hit) {
        if (st == BUS_STOP)
            h->stop = HART_STOP_EXIT;
        return exec_leave_after(h, i);
    }
    return 0;
}

/* ---- system instructions ---- */

/* An xRET drops the hart's reservation. The Privileged Architecture (3.3.2, "Trap-Return
 * Instructions") allows it and does not require it; hartlab does it so that a reservation
 * never outlives a trap handler that switched contexts: an SC of the interrupted LR/SC
 * sequence fails and the sequence starts again (docs/usage.md "Several harts"). */
static void xret_drop_reservation(struct hart *h)
{
    if (h->reservation == RESERVATION_NONE)
        return;
    uint64_t granule = h->reservation;
    h->reservation = RESERVATION_NONE;
    if (unlikely(h->on_atomic.n)) {
        struct hart_atomic_event ev = { .kind = HART_RESV_LOST,
                                        .paddr = granule << RESERVATION_SHIFT,
                                        .by_xret = true };
        hart_atomic_event(h, &ev);
    }
}

int hart_exec_mret(struct hart *h, const struct insn *i)
{
    if (h->priv < PRIV_M)
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    xret_drop_reservation(h);
    uint64_t s = h->mstatus;
    enum priv mpp = (enum priv)((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT);
    s &= ~(MSTATUS_MIE | MSTATUS_MPP);
    if (s & MSTATUS_MPIE)
        s |= MSTATUS_MIE;
    s |= MSTATUS_MPIE;
    /* MPP becomes the least-privileged mode; leaving M clears MPRV (Privileged 3.1.6.1). */
    s |= (uint64_t)PRIV_U << MSTATUS_MPP_SHIFT;
    if (mpp != PRIV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = mpp;
    hart_attention(h); /* interrupts may be enabled now */
    mmu_context_check(h);
    uint64_t from = i->pc;
    h->pc = h->mepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3);
    if (unlikely(h->on_trap_return.n))
        LISTENERS_CALL(&h->on_trap_return, hart_return_fn, h, from);
    return 1;
}

int hart_exec_sret(struct hart *h, const struct insn *i)
{
    /* Illegal in U-mode, and in S-mode while mstatus.TSR traps it to M (3.1.6.5). */
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TSR)))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    xret_drop_reservation(h);
    uint64_t s = h->mstatus;
    enum priv spp = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    s &= ~(MSTATUS_SIE | MSTATUS_SPP);
    if (s & MSTATUS_SPIE)
        s |= MSTATUS_SIE;
    s |= MSTATUS_SPIE;
    /* Returning below M clears MPRV (Privileged 3.1.6.1, 1.12). */
    s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->priv = spp;
    hart_attention(h);
    mmu_context_check(h);
    uint64_t from = i->pc;
    h->pc = h->sepc & ~(uint64_t)(h->ialign_mask == 1 ? 1 : 3) & xlen_mask(h->xlen);
    if (unlikely(h->on_trap_return.n))
        LISTENERS_CALL(&h->on_trap_return, hart_return_fn, h, from);
    return 1;
}

int hart_exec_wfi(struct hart *h, const struct insn *i)
{
    /* With S-mode implemented, wfi is illegal in U-mode, and in S-mode when mstatus.TW is
     * set (Privileged 3.1.6.5; the "bounded time limit" is zero here, as in QEMU). */
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
        return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
    h->pc = i->pc + i->len;
    if (!hart_irq_wakeup(h))
        h->wfi = true;
    hart_attention(h);
    return 1;
}

static bool read_insn32(struct hart *h, uint64_t addr, uint32_t *out)
{
    uint16_t lo, hi;
    uint64_t pa;
    if (fetch16(h, NULL, addr, &lo, &pa) || fetch16(h, NULL, addr + 2, &hi, &pa))
        return false;
    *out = lo | (uint32_t)hi << 16;
    return true;
}

int hart_exec_ebreak(struct hart *h, const struct insn *i)
{
    uint32_t pre, post;
    if (i->len == 4 && h->priv != PRIV_U && h->semihost &&
        ((i->pc - 4) >> PAGE_SHIFT) == ((i->pc + 4) >> PAGE_SHIFT) &&
        read_insn32(h, i->pc - 4, &pre) && read_insn32(h, i->pc + 4, &post) &&
        pre == SEMIHOST_PRE && post == SEMIHOST_POST) {
        h->pc = i->pc + 4;
        if (h->semihost(h->semihost_ctx, h))
            return 1;
    }
    return exec_trap(h, i, EXC_BREAKPOINT, i->pc);
}

int hart_exec_fence_i(struct hart *h, const struct insn *i)
{
    /* Stores already invalidate cached code page by page; fence.i drops everything so that
     * code written through any path (devices, the debugger) is seen. */
    code_cache_flush(h->cc);
    h->pc = i->pc + i->len;
    return 1;
}

/* ---- progress ---- */

/* The bodies hart_at_self_loop follows (the cases of its switch and branch_taken's). */
static bool loop_sem(unsigned sem)
{
    switch (sem) {
    case INSN_jal:
    case INSN_wfi:
    case INSN_fence:
    case INSN_addi:
    case INSN_beq:
    case INSN_bne:
    case INSN_blt:
    case INSN_bge:
    case INSN_bltu:
    case INSN_bgeu: return true;
    default: return false;
    }
}

/* Whether the `known` bits of `raw` match a row of the instruction table whose body
 * hart_at_self_loop follows (the rows are gathered once). The run loop asks it after every
 * round, so decode_at fetches the upper half and decodes only such encodings: a full decode
 * searches the whole table. */
static bool maybe_loop_insn(uint32_t raw, uint32_t known)
{
    static struct {
        uint32_t match, mask;
    } rows[INSN_COUNT];
    static unsigned nrows;
    static bool ready;
    if (!ready) {
        for (unsigned k = 0; k < INSN_COUNT; k++) {
            if (loop_sem(insn_table[k].sem)) {
                rows[nrows].match = insn_table[k].match;
                rows[nrows].mask = insn_table[k].mask;
                nrows++;
            }
        }
        ready = true;
    }
    for (unsigned k = 0; k < nrows; k++)
        if ((raw & rows[k].mask & known) == (rows[k].match & known))
            return true;
    return false;
}

/* The instruction at addr, decoded; false if it cannot be fetched, is illegal or is none
 * hart_at_self_loop follows. */
static bool decode_at(struct hart *h, uint64_t addr, struct insn *ins)
{
    uint16_t lo, hi = 0;
    uint64_t pa;
    if (fetch16(h, NULL, addr, &lo, &pa) || !maybe_loop_insn(lo, 0xffff))
        return false;
    if (insn_length(lo) == 4 && fetch16(h, NULL, (addr + 2) & xlen_mask(h->xlen), &hi, &pa))
        return false;
    uint32_t raw = lo | (uint32_t)hi << 16;
    return maybe_loop_insn(raw, ~0u) && insn_decode(raw, h->xlen, h->ext, ins);
}

/* Whether a conditional branch is taken with the registers as they are. */
static bool branch_taken(const struct hart *h, const struct insn *ins, bool *taken)
{
    uint64_t a = h->x[ins->rs1 == REG_SINK ? 0 : ins->rs1];
    uint64_t b = h->x[ins->rs2 == REG_SINK ? 0 : ins->rs2];
    if (h->xlen == 32) {
        a = (uint64_t)(int64_t)(int32_t)a;
        b = (uint64_t)(int64_t)(int32_t)b;
    }
    switch (ins->sem) {
    case INSN_beq: *taken = a == b; return true;
    case INSN_bne: *taken = a != b; return true;
    case INSN_blt: *taken = (int64_t)a < (int64_t)b; return true;
    case INSN_bge: *taken = (int64_t)a >= (int64_t)b; return true;
    case INSN_bltu: *taken = a < b; return true;
    case INSN_bgeu: *taken = a >= b; return true;
    default: return false;
    }
}

unsigned hart_at_self_loop(struct hart *h)
{
    enum { LONGEST = 8 };
    uint64_t mask = xlen_mask(h->xlen), pc = h->pc;
    for (unsigned n = 0; n < LONGEST; n++) {
        struct insn ins;
        if (!decode_at(h, pc, &ins))
            return 0;
        uint64_t next = pc + ins.len;
        bool taken;
        switch (ins.sem) {
        case INSN_jal:
            /* A link register written in a longer loop may feed one of its branches;
             * a one-instruction jal to itself writes the same value every time. */
            if (ins.rd != REG_SINK && !(n == 0 && ins.imm == 0))
                return 0;
            next = pc + (uint64_t)ins.imm;
            break;
        case INSN_wfi:
            /* It does not wait (an interrupt is pending in mie, but disabled) or the run
             * loop would not ask; where wfi is illegal it traps instead. */
            if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
                return 0;
            break;
        case INSN_fence: break;
        case INSN_addi:
            if (ins.rd != REG_SINK) /* only a nop (addi x0, c.nop) changes nothing */
                return 0;
            break;
        default:
            if (!branch_taken(h, &ins, &taken))
                return 0;
            if (taken)
                next = pc + (uint64_t)ins.imm;
            break;
        }
        pc = next & mask;
        if (pc == (h->pc & mask))
            return n + 1;
    }
    return 0;
}
