/* The hart: one RISC-V hardware thread, and the calls the rest of hartlab uses to run it,
 * look at it and change it. Outside core/ a hart is opaque: its state lives in
 * core/hart_internal.h, which only the core (and its unit tests) include, so that the run
 * loop, the fast paths and a later translation tier can change without touching devices,
 * the debugger or the views.
 *
 * Implements the RISC-V Unprivileged ISA (RV32I/RV64I, M, A, F, D, C, Zicsr, Zifencei) and the
 * machine, supervisor and user parts of the Privileged Architecture (version 1.12). The
 * core knows nothing about devices: it reaches memory only through `struct hart_bus` (a
 * host-pointer query for RAM pages and load/store callbacks for everything else) and learns
 * about interrupts only through `hart_set_mip()`. What several harts share (the list of
 * harts, LR/SC reservations, the code cache) is a `struct cluster` (core/cluster.h).
 *
 * Usage:
 *     struct cluster *cl = cluster_new();
 *     struct hart *h = hart_new(&config, &bus, cl);
 *     hart_boot(h, entry, hartid, dtb_addr);          // reset, pc = entry, a0, a1
 *     while (hart_run(h, hart_cycles(h) + 10000) != HART_STOP_EXIT)
 *         ...                                         // devices' events, other harts
 *     cluster_free(cl);                               // frees its harts
 *
 * hart_run takes an absolute deadline on the hart's cycle counter: it returns once
 * hart_cycles(h) has reached it (HART_STOP_BUDGET) or something stops the hart first.
 *
 * Observers (the debugger, traces, views, a recorder) subscribe to the hart's events with
 * hart_listen_* (core/listeners.h): any number each, nothing spent on an event nobody
 * listens to. Listening to steps runs the hart one instruction at a time, without moving
 * where interrupts and limits are taken (docs/design.md, decision 9).
 *
 * Trap contract: every synchronous exception is raised by `hart_raise()`
 * (core/hart_internal.h) with the cause and
 * tval the Privileged Architecture names; it writes mepc/mcause/mtval/mstatus, switches to
 * M-mode and sets pc to mtvec (or, for a trap medeleg/mideleg delegates from S or U, the
 * sepc/scause/stval/sstatus set and stvec). Nothing else writes those registers on a trap.
 */
#ifndef HARTLAB_CORE_HART_H
#define HARTLAB_CORE_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/csr.h"

struct hart;
struct insn;
struct cluster;
struct hart_debug;
struct core_timing;

/* Privilege levels, as encoded in mstatus.MPP. */
enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Extensions, as bits of misa ('A' is bit 0). */
#define ISA_EXT(c) (1u << ((c) - 'A'))

enum misaligned_policy { MISALIGNED_TRAP, MISALIGNED_EMULATE };

/* The hart's pages: translations, host pointers and the code cache work on 4 KiB pages. */
#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)

/* Result of a bus access. */
enum bus_status {
    BUS_OK = 0,
    BUS_FAULT = 1, /* nothing there, or the device refused the size: an access fault */
    BUS_STOP = 2,  /* access done, but the machine wants the hart to leave its block now */
};

/* The narrow memory interface the core uses. Addresses are physical. */
struct hart_bus {
    void *ctx;
    /* Host pointer to the start of the 4 KiB page holding `paddr` if it is plain RAM (or
     * ROM for reads), else NULL. `write` asks for a pointer usable for stores: the bus
     * returns NULL for pages it must see stores to (watched pages, ROM). */
    uint8_t *(*page_ptr)(void *ctx, uint64_t paddr, bool write);
    enum bus_status (*load)(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                            uint64_t *val);
    enum bus_status (*store)(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                             uint64_t val);
    /* Optional (NULL: none): the wait states of an instruction fetch from the page holding
     * `paddr` (e.g. flash without a cache), cycles added to every instruction fetched from
     * it, whatever the core timing. */
    unsigned (*fetch_wait)(void *ctx, uint64_t paddr);
    /* Optional (NULL: none): the wait states of a load (`write` false) or store at `paddr`
     * (slow memory, a device behind a slower bus), cycles added to each such access, whatever
     * the core timing; the hart keeps pages that have them out of its translation cache, so
     * that every access to them takes its slow path. */
    unsigned (*access_wait)(void *ctx, uint64_t paddr, bool write);
};

struct hart_config {
    unsigned xlen; /* 32 or 64 */
    uint32_t ext;  /* misa extension bits */
    uint64_t hartid;
    enum misaligned_policy misaligned;
    uint32_t time_divider;            /* cycles per mtime tick */
    const struct core_timing *timing; /* cycles per cost class (core/cost.h); NULL: default */
};

/* Why hart_run returned. */
enum hart_stop {
    HART_RUNNING = 0,
    HART_STOP_BUDGET, /* cycle budget used up */
    HART_STOP_WFI,    /* waiting for an interrupt */
    HART_STOP_EXIT,   /* the machine asked to stop (exit, finisher, ...) */
    HART_STOP_STEP,   /* one instruction was stepped */
    HART_STOP_BREAK,  /* a debugger breakpoint or watchpoint */
};

/* Exception causes (Privileged Architecture, table "mcause values"). */
enum exc_cause {
    EXC_INSN_MISALIGNED = 0,
    EXC_INSN_ACCESS = 1,
    EXC_ILLEGAL_INSN = 2,
    EXC_BREAKPOINT = 3,
    EXC_LOAD_MISALIGNED = 4,
    EXC_LOAD_ACCESS = 5,
    EXC_STORE_MISALIGNED = 6,
    EXC_STORE_ACCESS = 7,
    EXC_ECALL_U = 8,
    EXC_ECALL_S = 9,
    EXC_ECALL_M = 11,
    EXC_INSN_PAGE = 12,
    EXC_LOAD_PAGE = 13,
    EXC_STORE_PAGE = 15,
};

/* Interrupt numbers (bit positions in mip/mie). */
enum irq_num {
    IRQ_S_SOFT = 1,
    IRQ_M_SOFT = 3,
    IRQ_S_TIMER = 5,
    IRQ_M_TIMER = 7,
    IRQ_S_EXT = 9,
    IRQ_M_EXT = 11,
};

/* ---- life cycle ---- */

/* A hart in cluster `cl` (NULL if out of memory or the cluster is full), reset at pc 0. */
struct hart *hart_new(const struct hart_config *cfg, const struct hart_bus *bus,
                      struct cluster *cl);
/* Leave the cluster and free the hart. */
void hart_free(struct hart *h);
/* Reset to M-mode at `pc`, as the Privileged Architecture's reset section describes. */
void hart_reset(struct hart *h, uint64_t pc);
/* Reset and start at `entry` with a0 and a1 set: the boot protocol's mechanism (which
 * values go there is the machine's business, platform/machine.c). */
void hart_boot(struct hart *h, uint64_t entry, uint64_t a0, uint64_t a1);

/* ---- running ---- */

/* Run until hart_cycles(h) reaches `until_cycles` (an absolute count) or something stops
 * the hart first. */
enum hart_stop hart_run(struct hart *h, uint64_t until_cycles);
/* Execute exactly one instruction (or take one pending interrupt/trap). */
enum hart_stop hart_step(struct hart *h);
/* Called while the hart executes an instruction (from a device store or a semihosting
 * call it makes; both end their block there): that instruction is the last one, hart_run
 * or hart_step returns HART_STOP_EXIT right after it, and no block link is followed. The
 * run-end path (machine_exit) uses it. */
void hart_request_stop(struct hart *h);
/* hart_run stops once retired instructions plus traps reach `limit` (--max-insns);
 * UINT64_MAX: no limit. */
void hart_set_retire_limit(struct hart *h, uint64_t limit);
/* True while the hart waits in wfi. */
bool hart_waiting(const struct hart *h);
/* A waiting hart's clock moves on to `cycle` (it idles while the other harts run, or until
 * the event that wakes it); nothing happens if it is already there. */
void hart_idle_until(struct hart *h, uint64_t cycle);

/* ---- interrupts ---- */

/* Set or clear one bit of mip (an interrupt line from a device). */
void hart_set_mip(struct hart *h, enum irq_num irq, bool level);
/* True if an interrupt is pending and enabled (wakes wfi even if globally disabled). */
bool hart_irq_wakeup(const struct hart *h);

/* ---- progress: can the hart ever move on by itself? ---- */

/* The interrupts (mie bits) the hart would take if they became pending, in its current mode
 * with its current enables (Privileged 3.1.9: M-level ones below M always, in M with
 * mstatus.MIE; S-level ones in U always, in S with mstatus.SIE). 0: none can be taken until
 * the hart itself changes mstatus, mie, mideleg or its mode. */
uint64_t hart_takeable_irqs(const struct hart *h);
/* True if one of those is pending: the hart takes it before its next instruction. */
bool hart_irq_takeable_pending(const struct hart *h);
/* True if the hart sits in a loop that changes nothing and so cannot end by itself: from pc,
 * at most 8 instructions that are jumps without a link (or a jal to itself), conditional
 * branches (their registers never change, so they go the same way every time), wfi that
 * does not wait, fences and nops, leading back to pc. `j .`, `1: wfi; j 1b` with an
 * interrupt pending but disabled, a branch to itself whose condition holds. Only an
 * interrupt can move such a hart on. The loop's length in instructions, or 0. */
unsigned hart_at_self_loop(struct hart *h);
/* A trap as the hart took it: mcause/scause (interrupt bit included), epc and tval. */
struct hart_trap_record {
    uint64_t cause, epc, tval;
};
/* True if the hart is in a trap loop: at least two traps in a row with nothing retired,
 * and the handler it is about to run starts at the pc that trapped last (its first
 * instruction faults, so the same trap comes again, forever). `first` (may be NULL) gets
 * the trap that began the streak (the original fault), `last` the latest one. */
bool hart_trap_loop(const struct hart *h, struct hart_trap_record *first,
                    struct hart_trap_record *last);

/* ---- architectural state, from outside the instruction stream ---- */

unsigned hart_xlen(const struct hart *h);
uint32_t hart_ext(const struct hart *h); /* misa extension bits */
uint64_t hart_id(const struct hart *h);  /* mhartid */
/* XLEN-bit values in 64-bit variables: this mask keeps the low XLEN bits. */
static inline uint64_t xlen_mask(unsigned xlen)
{
    return xlen == 32 ? 0xffffffffull : ~0ull;
}
/* x0..x31 (x0 reads 0; a write to it is ignored; values are truncated to XLEN). */
uint64_t hart_reg(const struct hart *h, unsigned n);
void hart_set_reg(struct hart *h, unsigned n, uint64_t val);
/* f0..f31 as 64-bit values (singles NaN-boxed). */
uint64_t hart_freg(const struct hart *h, unsigned n);
void hart_set_freg(struct hart *h, unsigned n, uint64_t val);
uint64_t hart_pc(const struct hart *h);
/* Move the hart to `pc` (truncated to XLEN); a hart waiting in wfi no longer waits. */
void hart_set_pc(struct hart *h, uint64_t pc);
enum priv hart_priv(const struct hart *h);
/* Change the privilege mode (a debugger's `priv` register); translations are dropped. */
void hart_set_priv(struct hart *h, enum priv p);
/* CSR access: no privilege checks, no side effects on counters. False if the CSR does not
 * exist. A read gives what the guest would read. */
bool hart_csr_peek(struct hart *h, unsigned csr, uint64_t *val);
bool hart_csr_poke(struct hart *h, unsigned csr, uint64_t val);

/* ---- counters and time ---- */

uint64_t hart_cycles(const struct hart *h);  /* virtual clock: everything executed */
uint64_t hart_retired(const struct hart *h); /* instructions retired, never inhibited */
uint64_t hart_traps(const struct hart *h);   /* traps taken */
/* The address of the hart's cycle counter, read-only: the machine's virtual clock follows
 * the running hart through it, so a device access sees the exact time (devices/clock.h). */
const uint64_t *hart_cycle_counter(const struct hart *h);
/* The mcycle/minstret/mtime values as the hart sees them now. */
uint64_t hart_mcycle(const struct hart *h);
uint64_t hart_minstret(const struct hart *h);
uint64_t hart_mtime(const struct hart *h);
/* mtime = cycles / time_divider + offset: a write to the CLINT's mtime sets the offset. */
void hart_set_time_offset(struct hart *h, uint64_t offset);

/* ---- checkpoints ---- */

/* The hart's architectural state (registers, pc, privilege, CSRs, counters, wfi, the
 * reservation) as an opaque block of hart_state_size() bytes, valid for this hart; restoring
 * it also drops every cached translation and block link. For checkpoints (a recorder for
 * reverse execution). Memory is not part of it. */
size_t hart_state_size(void);
void hart_state_save(const struct hart *h, void *buf);
void hart_state_restore(struct hart *h, const void *buf);

/* ---- events and services ---- */

typedef void (*hart_trap_fn)(void *ctx, struct hart *h, uint64_t cause, uint64_t epc,
                             uint64_t tval);
typedef void (*hart_return_fn)(void *ctx, struct hart *h, uint64_t from_pc);
typedef void (*hart_step_fn)(void *ctx, struct hart *h, const struct insn *ins);
typedef void (*hart_block_fn)(void *ctx, struct hart *h, const struct insn *ins, unsigned n);

/* A trap was taken (after the state is updated: pc is the handler's entry). */
bool hart_listen_trap(struct hart *h, hart_trap_fn fn, void *ctx);
void hart_unlisten_trap(struct hart *h, hart_trap_fn fn, void *ctx);
/* mret or sret returned from `from_pc` (pc is where it went). */
bool hart_listen_trap_return(struct hart *h, hart_return_fn fn, void *ctx);
void hart_unlisten_trap_return(struct hart *h, hart_return_fn fn, void *ctx);
/* An instruction ran (after it; `ins` is its decoded form). While anything listens, the
 * hart runs its blocks one instruction at a time; interrupts and limits still come only at
 * the ends of blocks, so the run is the same as without listeners. */
bool hart_listen_step(struct hart *h, hart_step_fn fn, void *ctx);
void hart_unlisten_step(struct hart *h, hart_step_fn fn, void *ctx);
/* A block ran (after it): ins[0..n-1] are its instructions that retired, in order (one that
 * trapped did not retire: the trap event tells of it; n may be 0). While anything listens,
 * the hart runs one block at a time (no links, no superblocks), which takes interrupts and
 * stops exactly where a run without listeners does: unlike steps, this observer does not
 * change the run, and costs one call per block. */
bool hart_listen_block(struct hart *h, hart_block_fn fn, void *ctx);
void hart_unlisten_block(struct hart *h, hart_block_fn fn, void *ctx);

/* LR/SC and AMOs, for --trace=amo and the classroom (Unprivileged ISA 8.2-8.4). */
enum hart_atomic_kind {
    HART_LR,        /* the hart took a reservation on `paddr`'s granule */
    HART_SC_OK,     /* its SC on `paddr` succeeded (and stored) */
    HART_SC_FAIL,   /* its SC on `paddr` failed: no reservation, or another granule */
    HART_RESV_LOST, /* its reservation on `paddr` was broken by a store of `by` (NULL: from
                       outside the harts: DMA, the debugger, the loader) or by an xRET */
    HART_AMO,       /* it did an AMO on `paddr`: `old` was there, `val` is there now */
};
struct hart_atomic_event {
    enum hart_atomic_kind kind;
    uint64_t paddr;         /* the access's physical address (HART_RESV_LOST: the granule's) */
    const struct insn *ins; /* the LR, SC or AMO (NULL for HART_RESV_LOST) */
    const struct hart *by;  /* HART_RESV_LOST: the hart whose store broke it, or NULL */
    bool by_xret;           /* HART_RESV_LOST: an mret/sret dropped it */
    uint64_t old, val;      /* HART_AMO: memory before and after */
};
typedef void (*hart_atomic_fn)(void *ctx, struct hart *h, const struct hart_atomic_event *ev);
/* LR, SC, AMOs and reservations lost (those are on the slow path: nothing is spent on the
 * fast paths). */
bool hart_listen_atomic(struct hart *h, hart_atomic_fn fn, void *ctx);
void hart_unlisten_atomic(struct hart *h, hart_atomic_fn fn, void *ctx);
/* The physical address of the granule the hart holds a reservation on, or UINT64_MAX. */
uint64_t hart_reservation(const struct hart *h);
/* True while the hart holds a reservation after an SC of its failed: it is retrying an
 * LR/SC sequence, and the machine lets it reach its SC before another hart runs (the
 * forward-progress guarantee of Unprivileged ISA 8.3, platform/machine.c). */
bool hart_lrsc_retrying(const struct hart *h);
/* SC instructions that failed on this hart (for the -v report and the labs). */
uint64_t hart_sc_failures(const struct hart *h);

/* Run one instruction at a time (the machine's finest interleaving of harts, --quantum
 * below MACHINE_QUANTUM_STEP): hart_run then ends exactly at its deadline. */
void hart_set_fine_steps(struct hart *h, bool on);

/* The semihosting service (the slli/ebreak/srai sequence): returns true if it handled the
 * call. One provider per hart; NULL: ebreak is always a breakpoint exception. */
typedef bool (*hart_semihost_fn)(void *ctx, struct hart *h);
void hart_set_semihost(struct hart *h, hart_semihost_fn fn, void *ctx);
/* The instruction trace: every instruction, its disassembly and result, on `f` (NULL:
 * off). Runs the hart one instruction at a time. */
void hart_set_trace(struct hart *h, FILE *f);
FILE *hart_trace(const struct hart *h);
/* The hart's debugger state (core/debug.h), NULL when no debugger is attached. */
struct hart_debug *hart_debug(const struct hart *h);

/* ---- memory seen from outside ---- */

/* Drop every cached translation (after memory map changes, debugger writes, ...). */
void hart_tlb_flush(struct hart *h);
/* Drop only the write translations: the next store to any page takes the slow path once
 * (which asks the bus for the page again). Reads, instruction fetch and the links between
 * blocks are untouched, so this is cheap enough to do often (dirty-page tracking). */
void hart_tlb_forget_writes(struct hart *h);

/* Sign-extend a value of `bits` width. */
static inline int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

#endif
