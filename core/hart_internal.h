/* Internals shared by the hart (hart.c, csr.c), the code cache and the instruction bodies
 * (exec_template.h): decoded blocks, the memory fast paths and the trap helpers.
 *
 * Counting: when a block starts, its whole cost and instruction count are added to the
 * hart's counters up front (one add each per block instead of per instruction). A body that
 * leaves the block early gives back what did not run: `exec_trap` for an instruction that
 * traps (it does not retire, its own cycles still count) and `exec_leave_after` for one that
 * completes but must end the block (a store into cached code, a device asking to stop).
 */
#ifndef HARTLAB_CORE_HART_INTERNAL_H
#define HARTLAB_CORE_HART_INTERNAL_H

#include <string.h>

#include "core/cluster.h"
#include "core/cost.h"
#include "core/decode.h"
#include "core/hart.h"
#include "core/hostmem.h"
#include "core/listeners.h"
#include "core/mmu.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define likely(x)     __builtin_expect(!!(x), 1)
#define unlikely(x)   __builtin_expect(!!(x), 0)
/* A block runs as a chain of tail calls from one instruction's body to the next
 * (exec_template.h). MUSTTAIL asks the compiler to guarantee each is a jump, at every
 * optimisation level and under the sanitizers, where it can (clang 13 and later, GCC 15 and
 * later: a call whose caller and callee have the same signature). Without it (GCC 12, Debian
 * 12's) an optimising build still makes them jumps, and an -O0 build nests one frame per
 * call, which CHAIN_MAX_CYCLES bounds. */
#if defined(__has_attribute)
#if __has_attribute(musttail)
#define MUSTTAIL              __attribute__((musttail))
#define HART_TAILS_GUARANTEED 1
#endif
#endif
#ifndef MUSTTAIL
#define MUSTTAIL
#define HART_TAILS_GUARANTEED 0
#endif
/* Go on with entry `next` of a block by a tail call, or end the block (the body returns 1)
 * when it is NULL: how a body goes on with what a helper chose (exec_chain, the jump and
 * branch helpers), as helpers with their own signatures cannot make the tail call. */
#define EXEC_GO(h, next)                                                                           \
    do {                                                                                           \
        const struct insn *next_ = (next);                                                         \
        if (next_)                                                                                 \
            MUSTTAIL return next_->fn((h), next_);                                                 \
        return 1;                                                                                  \
    } while (0)

/* One entry of the per-hart translation cache: virtual page -> host page. The fast path
 * (core/hart_internal.h) compares the tag with the access address, its page offset masked
 * down to the bits that must be zero for alignment: one compare checks both. */
struct tlb_entry {
    uint64_t tag;     /* virtual address of the page, or TLB_INVALID */
    uintptr_t addend; /* host address minus virtual address, for any address in the page */
    uint64_t ppage;   /* physical page number it translates to (core/mmu.h) */
    uint64_t unused;  /* (32-byte entries index with a shift) */
};
#define TLB_BITS    8
#define TLB_SIZE    (1u << TLB_BITS)
/* A tag no masked address equals (bit 11 of the page offset is never kept). */
#define TLB_INVALID 0x800u

#define HART_JUMP_CACHE_SIZE 1024

/* The largest branch predictor a core timing may describe (core/cost.h). */
#define BP_MAX_BHT     1024
#define BP_MAX_BTB     64
#define BP_MAX_RAS     16
#define BP_SPLIT_CACHE 64

struct hart {
    /* Hot state first. x[32] is a write sink: the decoder turns rd=x0 into 32 so that
     * instruction bodies can write unconditionally. */
    uint64_t x[33];
    uint64_t pc;
    uint64_t cycles;  /* virtual clock: cost of everything executed, never inhibited */
    uint64_t retired; /* instructions retired, never inhibited */
    /* hart_run's fast path runs linked blocks with one check per block, `cycles <
     * fast_until`; whatever could need the full per-block checks (an interrupt line, a CSR
     * write, a trap, wfi, a debugger, --max-insns) sets it to 0 (hart_attention in
     * core/hart_internal.h). */
    uint64_t fast_until;
    uint64_t chain_tag;   /* block links made under this tag are valid (core/codecache.c) */
    uint64_t chain_until; /* blocks follow each other by links while cycles are below */
    struct insn *exit;    /* the exit that found no link, for hart_run to link it */
    uint64_t exit_tag;    /* chain_tag when `exit` was left */
    uint64_t load_tmp;    /* a slow-path load's value (keeps the bodies' locals in registers) */
    int64_t taken_extra;  /* cycles a taken conditional branch adds (timing->taken_extra) */
    /* The timing, when it has effects the bodies apply at run time (core/cost.h,
     * core_timing_dynamic), whose instructions get the timed bodies; NULL otherwise. */
    const struct core_timing *dyn;
    struct tlb_entry tlb_read[TLB_SIZE];
    struct tlb_entry tlb_write[TLB_SIZE];
    const struct hart_bus *bus;
    struct code_cache *cc;            /* the cluster's, for the block lookup */
    const struct core_timing *timing; /* cycles of each cost class (core/cost.h) */
    struct cluster *cl;
    enum priv priv;
    unsigned xlen;
    enum hart_stop stop;
    bool wfi;              /* stalled in wfi */
    uint64_t retire_limit; /* hart_run stops when `retired` reaches this (--max-insns) */
    uint64_t traps;        /* traps taken, for traces and tests */
    /* Traps taken in a row with no instruction retired between them (a trap loop), the
     * `retired` count they happened at, and the first of them (hart_trap_loop). */
    uint64_t trap_streak, trap_streak_retired;
    struct hart_trap_record trap_streak_first;

    /* Machine CSRs. */
    uint64_t mstatus, misa, mtvec, mscratch, mepc, mcause, mtval;
    uint64_t mie, mip, medeleg, mideleg, mcounteren, mcountinhibit, menvcfg;
    uint64_t mhartid;
    /* mcycle = cycles - cycle_base unless inhibited (then cycle_frozen); same for instret. */
    uint64_t cycle_base, cycle_frozen, instret_base, instret_frozen;
    uint64_t pre_mcycle, pre_minstret; /* counters before the CSR instruction running now */
    uint8_t pmpcfg[64];
    uint64_t pmpaddr[64];
    uint64_t tselect, tdata1, tdata2, tdata3;

    /* Supervisor CSRs (Privileged 4.1); sstatus, sie and sip are views of the M ones. */
    uint64_t stvec, sscratch, sepc, scause, stval, satp, scounteren, senvcfg;
    /* mip.SEIP is the OR of the bit software writes and the PLIC's S-context line (3.1.9). */
    bool seip_sw, seip_hw;
    struct mmu_state mmu; /* translation context, instruction TLB (core/mmu.h) */
    uint32_t time_divider;
    uint64_t time_offset; /* mtime = cycles / time_divider + time_offset */

    /* LR/SC reservation: physical address of the reserved granule, or RESERVATION_NONE. */
    uint64_t reservation;
    bool sc_failed;       /* the last SC failed (hart_lrsc_retrying) */
    uint64_t sc_failures; /* SCs that failed */

    /* F/D state (Unprivileged ISA 11.1-11.2): f[] holds 64-bit values, singles NaN-boxed;
     * fflags and frm are the two fields of fcsr. Meaningful only with misa F or D. */
    uint64_t f[32];
    uint32_t fflags, frm;

    enum misaligned_policy misaligned;
    bool interlocks;     /* the timing has result latencies (build_block adds the stalls) */
    uint32_t ext;        /* misa extension bits */
    uint8_t ialign_mask; /* 1 with C (16-bit IALIGN), 3 without */
    /* Run blocks one instruction at a time (the OR of the reasons below and step listeners,
     * hart_update_stepping); only fine_steps also makes every instruction a block boundary. */
    bool single_step;
    bool debug_step;  /* the debugger has a read watchpoint (core/debug.c) */
    bool fine_steps;  /* the machine interleaves harts instruction by instruction */
    FILE *trace_file; /* the instruction trace, or NULL */

    struct hart_debug *debug; /* breakpoints/watchpoints (core/debug.h); NULL: no debugger */
    hart_semihost_fn semihost;
    void *semihost_ctx;

    /* Blocks by virtual pc for indirect jumps, valid under chain_tag (core/hart.c). */
    struct jump_cache_entry {
        uint64_t tag;
        struct block *block;
    } jump_cache[HART_JUMP_CACHE_SIZE];

    /* Observers (hart_listen_*): trap entry, trap return, every instruction. */
    struct listeners on_trap, on_trap_return, on_step, on_atomic, on_block;

    /* The branch predictor's state, when the timing has one (core/hart.c, timing hooks). Part of
     * a checkpoint: a restored hart predicts as it did. */
    struct bp_state {
        uint8_t bht[BP_MAX_BHT]; /* 2-bit counters: 0-1 predict not taken, 2-3 taken */
        struct {
            uint64_t pc, target;
        } btb[BP_MAX_BTB];
        uint64_t ras[BP_MAX_RAS];
        uint8_t ras_top, ras_n;
        /* Jump targets at 2 mod 4 seen lately (pc + 1, 0: none) and whether a 32-bit
         * instruction starts there: the split fetch without a fetch each time. */
        struct {
            uint64_t pc;
            bool split;
        } split[BP_SPLIT_CACHE];
    } bp;
};

/* What the harts share (core/cluster.h). */
struct cluster {
    struct hart *harts[CLUSTER_MAX_HARTS];
    unsigned nharts;
    struct code_cache *cc;
    uint64_t last_tag; /* the last chain tag handed to a hart (tags are never reused) */
};

/* Every hart gets a new chain tag: links made so far are stale. */
void cluster_new_links(struct cluster *cl);
/* Drop cached write translations of physical page `ppage` in every hart. */
void cluster_flush_write_page(struct cluster *cl, uint64_t ppage);
/* True if some hart holds a reservation in physical page `ppage`. */
bool cluster_page_reserved(const struct cluster *cl, uint64_t ppage);
/* Break every reservation on the granules first..last (RESERVATION_SHIFT units), by a
 * store of hart `by` (NULL: from outside the harts). */
void cluster_break_reservations(struct cluster *cl, uint64_t first, uint64_t last,
                                const struct hart *by);
/* Tell the hart's atomic listeners (hart.c). */
void hart_atomic_event(struct hart *h, const struct hart_atomic_event *ev);

/* single_step from its reasons: the debugger, the trace, step listeners, fine steps. */
static inline void hart_update_stepping(struct hart *h)
{
    h->single_step = h->debug_step || h->trace_file || h->on_step.n || h->fine_steps;
}

#define RESERVATION_NONE  UINT64_MAX
#define RESERVATION_SHIFT 3 /* 8-byte reservation granule */

/* Longest block (instructions) between two points where the run loop checks for
 * interrupts, limits and the debugger. Where blocks end is part of the timing model (an
 * interrupt is taken at the first such point after it is raised), so these points never
 * move: a superblock only strings blocks together, see below. */
#define BLOCK_MAX_INSNS      64
/* A superblock: blocks that follow each other through not-taken conditional branches and
 * jal (to a target in the same page), decoded as one and run as one chain, at most this
 * many instructions. At each branch or jal inside it the block boundary is still there: it
 * goes on only when the loop's checks could not have done anything at that point
 * (core/exec_template.h, PFX(branch) and PFX(jal)). */
#define SUPERBLOCK_MAX_INSNS 256

struct block {
    uint64_t pc;  /* physical address of the first instruction (insns[0].pc is virtual) */
    uint64_t end; /* physical address after the last byte */
    uint64_t lo;  /* lowest physical address (below pc when a jal in it goes back) */
    /* Physical page + 1 of the second half of an instruction that crosses into the next
     * virtual page (0: none). The block is only right while that page is still mapped
     * there, which the lookup checks (core/hart.c, get_block). */
    uint64_t xpage;
    struct block *hash_next;
    uint32_t n;       /* instructions, without the closing fall-through entry */
    uint32_t first_n; /* instructions up to the end of the superblock's first block */
    uint32_t cost;    /* sum of the instructions' costs */
    bool valid;
    bool cached; /* in the hash table (an uncacheable block runs once and is never linked) */
    /* The translation tier (core/jit.h): entries until translation, the first entry's own
     * body while insns[0].fn counts them, and the translated code's entry for other
     * translated blocks (NULL: not translated). */
    uint32_t heat;
    insn_fn first_fn;
    void *jit;
    /* n entries, then a fall-through entry unless the last one always leaves the block
     * (a jump, a system instruction; a conditional branch is followed by one). */
    struct insn insns[];
};

struct code_page {
    uint64_t key;    /* physical page number + 1; 0 = empty slot */
    uint64_t chunks; /* which 64-byte chunks of the page hold cached code */
};

/* The code cache (codecache.c): blocks by physical address, and the set of physical pages
 * holding cached code. Shared by the harts of a machine. */
struct code_cache {
    struct block **buckets;
    unsigned nbuckets;
    uint8_t *arena;
    size_t arena_size, arena_used;
    struct code_page *pages; /* open-addressing set of pages holding code */
    unsigned npages_cap, npages_used;
    uint64_t flushes;   /* how many times the whole cache was dropped (for tests) */
    struct cluster *cl; /* whose harts run this code (links, write translations) */
    struct jit *jit;    /* the translation tier (core/jit.h), NULL when off */
};

struct code_cache *code_cache_new(struct cluster *cl);
void code_cache_free(struct code_cache *cc);
struct block *code_cache_lookup(struct code_cache *cc, uint64_t pc);
/* The block at physical `ppc` decoded for virtual address `vpc`. */
struct block *code_cache_lookup_at(struct code_cache *cc, uint64_t ppc, uint64_t vpc);
/* Room for a block of `n` entries; flushes the whole cache when the arena is full (only
 * ever called between blocks). */
struct block *code_cache_alloc(struct code_cache *cc, unsigned n);
/* Give back the unused end of the block just allocated, which turned out to hold `n`. */
void code_cache_trim(struct code_cache *cc, struct block *b, unsigned n);
/* This hart's links are stale (its translation or fetch permissions changed). */
static inline void hart_new_links(struct hart *h)
{
    if (h->cl)
        h->chain_tag = ++h->cl->last_tag;
}
/* Make a decoded block findable and mark its pages as holding code. */
void code_cache_insert(struct code_cache *cc, struct block *b);
bool code_cache_is_code_page(const struct code_cache *cc, uint64_t ppage);
/* A store touched [paddr, paddr+len): if that holds cached code, drop every block of the
 * pages concerned. True if any block was dropped. */
bool code_cache_invalidate(struct code_cache *cc, uint64_t paddr, uint64_t len);
void code_cache_flush(struct code_cache *cc);
/* Take `b` out of the cache (it no longer matches what its address fetches). */
void code_cache_drop(struct code_cache *cc, struct block *b);

/* Dispatch tables, one per XLEN, indexed by table row (exec32.c, exec64.c). */
extern const insn_fn rv32_dispatch[INSN_COUNT];
extern const insn_fn rv64_dispatch[INSN_COUNT];
/* Bodies for entries that are not table rows. */
int rv32_exec_illegal(struct hart *h, const struct insn *i);
int rv64_exec_illegal(struct hart *h, const struct insn *i);
int exec_fallthrough(struct hart *h, const struct insn *i);
/* The body of a jal or conditional branch row (by `sem`) that checks its target's
 * alignment, NULL for other rows. */
insn_fn rv32_check_fn(unsigned sem);
insn_fn rv64_check_fn(unsigned sem);
insn_fn rv32_timed_fn(unsigned sem);
insn_fn rv64_timed_fn(unsigned sem);
/* The body running the pair of rows with semantic bodies `first` and `second` as one
 * (exec_template.h), NULL for pairs that are not fused. */
insn_fn rv32_fuse_fn(unsigned first, unsigned second);
insn_fn rv64_fuse_fn(unsigned first, unsigned second);

/* Raise a synchronous exception at `epc` (the trap contract, core/hart.h). Returns nonzero
 * so bodies can `return`. */
int hart_raise(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc);

/* An instruction traps: un-count it and what follows it in its block, raise the trap. */
static inline int exec_trap(struct hart *h, const struct insn *i, uint64_t cause, uint64_t tval)
{
    h->retired -= i->after_n + 1u;
    h->cycles -= i->after_cost;
    return hart_raise(h, cause, tval, i->pc);
}

/* Timing effects that depend on run-time values (core/cost.h), called by the timed bodies
 * (exec_template.h), given to harts with h->dyn set. A conditional branch: the cycles it adds for
 * its outcome (taken: in place of h->taken_extra). A jump (jal, jalr): adds its cycles to
 * h->cycles. An integer division of `a` by `b` (the low `xlen` bits): adds what its operands cost
 * beyond the class's cycles. */
int64_t hart_timing_branch(struct hart *h, const struct insn *i, bool taken, uint64_t target);
void hart_timing_jump(struct hart *h, const struct insn *i, uint64_t target);
void hart_timing_div(struct hart *h, uint64_t a, uint64_t b, bool is_signed, unsigned xlen);

/* Cycles a chain of links may run before hart_run looks again. Links are followed by tail
 * calls, which are jumps where MUSTTAIL guarantees it and otherwise when the compiler
 * optimises, except in the few bodies whose locals escape (the FP ones): every block costs
 * at least a cycle, so this bounds the stack those calls use. */
#if defined(__OPTIMIZE__) || HART_TAILS_GUARANTEED
#define CHAIN_MAX_CYCLES 4096
#else
#define CHAIN_MAX_CYCLES 16 /* GCC 12 at -O0: every call nests */
#endif

/* Something the run loop must look at may have changed (an interrupt line, a CSR, a trap,
 * wfi): no branch goes on past a block boundary and no link is followed until it has. */
static inline void hart_attention(struct hart *h)
{
    h->fast_until = 0;
    h->chain_until = 0;
}

/* Leave the block at exit `i`, h->pc set: the first entry of the block linked from this
 * exit, to go on straight into (EXEC_GO), when the link holds and the run loop would have
 * nothing to check before it (its fast path, core/hart.c); otherwise NULL, to return to the
 * loop, which makes the link. */
ALWAYS_INLINE const struct insn *exec_chain_adjust(struct hart *h, const struct insn *i,
                                                   int64_t dcycles, uint64_t unretired)
{
    /* `dcycles` and `unretired` correct the counts of the block being left (a taken branch
     * adds its extra cycles and gives back what it skips); one update of each counter. */
    uint64_t cycles = h->cycles + (uint64_t)dcycles;
    uint64_t retired = h->retired - unretired;
    const struct block *b = i->link;
    /* The exits that come here have one target, so a link made under the current tag is
     * to the block at h->pc. */
    if (likely(i->link_tag == h->chain_tag && cycles < h->chain_until)) {
        h->cycles = cycles + b->cost;
        h->retired = retired + b->n;
        return b->insns;
    }
    h->cycles = cycles;
    h->retired = retired;
    h->exit = (struct insn *)i;
    h->exit_tag = h->chain_tag;
    return NULL;
}

ALWAYS_INLINE const struct insn *exec_chain(struct hart *h, const struct insn *i)
{
    return exec_chain_adjust(h, i, 0, 0);
}

static inline struct jump_cache_entry *hart_jump_cache(struct hart *h, uint64_t pc)
{
    return &h->jump_cache[(pc >> 1) & (HART_JUMP_CACHE_SIZE - 1)];
}

/* Leave by an indirect jump: its link holds the last target; others are found in the
 * hart's jump cache (filled by hart_run under the same conditions as links). */
ALWAYS_INLINE const struct insn *exec_chain_indirect(struct hart *h, const struct insn *i)
{
    const struct block *b = i->link;
    if (!(i->link_tag == h->chain_tag && b->insns[0].pc == h->pc)) {
        const struct jump_cache_entry *e = hart_jump_cache(h, h->pc);
        b = e->block;
        if (!(e->tag == h->chain_tag && b->insns[0].pc == h->pc))
            b = NULL;
    }
    if (likely(b != NULL && h->cycles < h->chain_until)) {
        h->cycles += b->cost;
        h->retired += b->n;
        return b->insns;
    }
    h->exit = (struct insn *)i;
    h->exit_tag = h->chain_tag;
    return NULL;
}

/* An instruction completed but its block must end after it. */
static inline int exec_leave_after(struct hart *h, const struct insn *i)
{
    h->retired -= i->after_n;
    h->cycles -= i->after_cost;
    h->pc = i->pc + i->len;
    return 1;
}

/* Slow paths (hart.c): misaligned accesses, devices, watched pages, cached code. */
int hart_load_slow(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                   uint64_t *val);
int hart_store_slow(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                    uint64_t val);
/* AMOs, LR and SC (hart.c). `op` is the semantic row id (INSN_amoadd_w, ...). */
int hart_amo(struct hart *h, const struct insn *i, uint64_t addr, unsigned size, unsigned op);
int hart_lr(struct hart *h, const struct insn *i, uint64_t addr, unsigned size);
int hart_sc(struct hart *h, const struct insn *i, uint64_t addr, unsigned size);

/* CSR instructions (csr.c). `op` is INSN_csrrw ... INSN_csrrci. */
int csr_exec(struct hart *h, const struct insn *i, unsigned op);
/* Legal CSR read/write for the hart's own access rules; false = illegal instruction.
 * `pre_cycles`/`pre_instret` adjust counter reads to the value before this instruction. */
bool csr_read(struct hart *h, unsigned csr, uint64_t *val);
bool csr_write(struct hart *h, unsigned csr, uint64_t val);

/* System instructions (hart.c). */
int hart_exec_mret(struct hart *h, const struct insn *i);
int hart_exec_sret(struct hart *h, const struct insn *i);
int hart_exec_wfi(struct hart *h, const struct insn *i);
int hart_exec_ebreak(struct hart *h, const struct insn *i);
int hart_exec_fence_i(struct hart *h, const struct insn *i);

/* The fast paths: a translation-cache hit on an aligned access is a compare and a copy.
 * False when the access needs the slow path (hart_load_slow, hart_store_slow). */
static inline bool mem_load_fast(struct hart *h, uint64_t addr, unsigned size, uint64_t *val)
{
    const struct tlb_entry *e = &h->tlb_read[(addr >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (likely(e->tag == (addr & (~(PAGE_SIZE - 1) | (size - 1))))) {
        *val = host_read((const uint8_t *)(e->addend + (uintptr_t)addr), size);
        return true;
    }
    return false;
}

static inline bool mem_store_fast(struct hart *h, uint64_t addr, unsigned size, uint64_t val)
{
    const struct tlb_entry *e = &h->tlb_write[(addr >> PAGE_SHIFT) & (TLB_SIZE - 1)];
    if (likely(e->tag == (addr & (~(PAGE_SIZE - 1) | (size - 1))))) {
        host_write((uint8_t *)(e->addend + (uintptr_t)addr), size, val);
        return true;
    }
    return false;
}

/* The same with the slow path: 0, or nonzero when the block ends here (a trap, ...). */
static inline int mem_load(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                           uint64_t *val)
{
    if (likely(mem_load_fast(h, addr, size, val)))
        return 0;
    /* Through the hart, not `val`: a body's local whose address escapes to an out-of-line
     * call would stop the compiler from turning the body's last call into a jump. */
    int r = hart_load_slow(h, i, addr, size, &h->load_tmp);
    *val = h->load_tmp;
    return r;
}

static inline int mem_store(struct hart *h, const struct insn *i, uint64_t addr, unsigned size,
                            uint64_t val)
{
    if (likely(mem_store_fast(h, addr, size, val)))
        return 0;
    return hart_store_slow(h, i, addr, size, val);
}

/* Point a translation-cache entry at a host page. */
static inline void tlb_fill(struct tlb_entry *e, uint64_t vpage, uint8_t *page, uint64_t ppage)
{
    e->tag = vpage << PAGE_SHIFT;
    e->addend = (uintptr_t)page - (uintptr_t)(vpage << PAGE_SHIFT);
    e->ppage = ppage;
}

/* Drop cached write translations for one physical page. */
void hart_tlb_flush_write_page(struct hart *h, uint64_t ppage);

#endif
