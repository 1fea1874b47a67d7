/* The hart: architectural state of one RISC-V hardware thread and the calls that run it.
 *
 * Implements the RISC-V Unprivileged ISA (RV32I/RV64I, M, A, F, D, C, Zicsr, Zifencei) and the
 * machine, supervisor and user parts of the Privileged Architecture (version 1.12). The
 * core knows nothing about devices: it reaches memory only through `struct hart_bus` (a
 * host-pointer query for RAM pages and load/store callbacks for everything else) and learns
 * about interrupts only through `hart_set_mip()`.
 *
 * Usage:
 *     struct code_cache *cc = code_cache_new();
 *     struct hart *h = hart_new(&config, &bus, cc);
 *     hart_reset(h, entry_pc);
 *     while (!h->stop) hart_run(h, cycle_budget);
 *
 * Trap contract: every synchronous exception is raised by `hart_raise()` with the cause and
 * tval the Privileged Architecture names; it writes mepc/mcause/mtval/mstatus, switches to
 * M-mode and sets pc to mtvec (or, for a trap medeleg/mideleg delegates from S or U, the
 * sepc/scause/stval/sstatus set and stvec). Nothing else writes those registers on a trap.
 */
#ifndef HARTLAB_CORE_HART_H
#define HARTLAB_CORE_HART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csr.h"
#include "core/mmu.h"

struct hart;
struct insn;
struct code_cache;

/* Privilege levels, as encoded in mstatus.MPP. */
enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Extensions, as bits of misa ('A' is bit 0). */
#define ISA_EXT(c) (1u << ((c) - 'A'))

enum misaligned_policy { MISALIGNED_TRAP, MISALIGNED_EMULATE };

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
};

/* Hooks the machine gives the hart for things outside the ISA proper. All optional. */
struct hart_hooks {
    void *ctx;
    /* A semihosting call (the slli/ebreak/srai sequence). Returns true if handled. */
    bool (*semihost)(void *ctx, struct hart *h);
    /* Called when a trap is taken (after state is updated), for traces and the debugger. */
    void (*on_trap)(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval);
    /* Called on mret/sret, for traces. */
    void (*on_trap_return)(void *ctx, struct hart *h, uint64_t from_pc);
    /* Called after each instruction hart_step executes (so, with `single_step` set, after
     * every instruction): call/return tracking for the frames trace and the panel. */
    void (*on_step)(void *ctx, struct hart *h, const struct insn *ins);
};

struct hart_config {
    unsigned xlen; /* 32 or 64 */
    uint32_t ext;  /* misa extension bits */
    uint64_t hartid;
    enum misaligned_policy misaligned;
    uint32_t time_divider; /* cycles per mtime tick */
};

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

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)

/* Why hart_run returned. */
enum hart_stop {
    HART_RUNNING = 0,
    HART_STOP_BUDGET, /* cycle budget used up */
    HART_STOP_WFI,    /* waiting for an interrupt */
    HART_STOP_EXIT,   /* the machine asked to stop (exit, finisher, ...) */
    HART_STOP_STEP,   /* one instruction was stepped */
    HART_STOP_BREAK,  /* a debugger breakpoint or watchpoint */
};

#define HART_JUMP_CACHE_SIZE 1024

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
    struct tlb_entry tlb_read[TLB_SIZE];
    struct tlb_entry tlb_write[TLB_SIZE];
    const struct hart_bus *bus;
    struct code_cache *cc;
    enum priv priv;
    unsigned xlen;
    enum hart_stop stop;
    bool wfi;              /* stalled in wfi */
    uint64_t retire_limit; /* hart_run stops when `retired` reaches this (--max-insns) */
    uint64_t traps;        /* traps taken, for traces and tests */

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

    /* F/D state (Unprivileged ISA 11.1-11.2): f[] holds 64-bit values, singles NaN-boxed;
     * fflags and frm are the two fields of fcsr. Meaningful only with misa F or D. */
    uint64_t f[32];
    uint32_t fflags, frm;

    enum misaligned_policy misaligned;
    uint32_t ext;        /* misa extension bits */
    uint8_t ialign_mask; /* 1 with C (16-bit IALIGN), 3 without */
    bool single_step;    /* run one instruction at a time (trace, debugger) */
    bool trace;          /* print each instruction with its result */
    void *trace_file;    /* FILE * for the instruction trace */

    struct hart_hooks hooks;
    struct hart_debug *debug; /* breakpoints/watchpoints (core/debug.h); NULL: no debugger */
    const void *symbols;      /* opaque symbol table for traces (struct symtab *) */

    /* Blocks by virtual pc for indirect jumps, valid under chain_tag (core/hart.c). */
    struct jump_cache_entry {
        uint64_t tag;
        struct block *block;
    } jump_cache[HART_JUMP_CACHE_SIZE];
};

#define RESERVATION_NONE  UINT64_MAX
#define RESERVATION_SHIFT 3 /* 8-byte reservation granule */

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

struct hart *hart_new(const struct hart_config *cfg, const struct hart_bus *bus,
                      struct code_cache *cc);
void hart_free(struct hart *h);
/* Reset to M-mode at `pc`, as the Privileged Architecture's reset section describes. */
void hart_reset(struct hart *h, uint64_t pc);
/* Run until `h->cycles` reaches `until_cycles` or something stops the hart. */
enum hart_stop hart_run(struct hart *h, uint64_t until_cycles);
/* Execute exactly one instruction (or take one pending interrupt/trap). */
enum hart_stop hart_step(struct hart *h);

/* Set or clear one bit of mip (an interrupt line from a device). */
void hart_set_mip(struct hart *h, enum irq_num irq, bool level);
/* True if an interrupt is pending and enabled (wakes wfi even if globally disabled). */
bool hart_irq_wakeup(const struct hart *h);

/* Raise a synchronous exception at `epc`. Returns nonzero so bodies can `return`. */
int hart_raise(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc);

/* CSR access from outside the instruction stream (debugger, tests): no privilege checks,
 * no side effects on counters. Return false if the CSR does not exist. */
bool hart_csr_peek(struct hart *h, unsigned csr, uint64_t *val);
bool hart_csr_poke(struct hart *h, unsigned csr, uint64_t val);

/* The mcycle/minstret/mtime values as the hart sees them now. */
uint64_t hart_mcycle(const struct hart *h);
uint64_t hart_minstret(const struct hart *h);
uint64_t hart_mtime(const struct hart *h);

/* Drop every cached translation (after memory map changes, debugger writes, ...). */
void hart_tlb_flush(struct hart *h);
/* Drop cached write translations for one physical page. */
void hart_tlb_flush_write_page(struct hart *h, uint64_t ppage);

/* A store from outside the hart (DMA, debugger, another hart's slow path) touched
 * [paddr, paddr+len): invalidate reservations and cached code for it. */
void hart_notice_store(struct hart *h, uint64_t paddr, uint64_t len);

/* Sign-extend a value of `bits` width. */
static inline int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

#endif
