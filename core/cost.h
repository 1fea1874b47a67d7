/* Cost classes and core timings: how many cycles an instruction costs.
 *
 * Every instruction-table row (core/insns.def) names a cost class: what its timing depends
 * on, not a number. A core's timing (struct core_timing) says, as data, what each class
 * costs on that core and which pipeline effects it has; the harts of a machine run with one
 * timing, chosen per machine (machine_options.timing, `--cpu`, or the board's cpu node; the
 * default is "simple", the model of docs/cycles.md). docs/cycles.md gives every row's
 * sources and its measured error.
 *
 * Static effects are folded into each instruction's cycles when its block is decoded, so
 * they cost nothing while running (and the translation tier sees them as plain costs):
 * the cycles of the class, and the interlock stalls of an instruction that reads the result
 * of a recent load, multiplication or CSR read of the same block (`latency`). Effects that
 * depend on run-time values are applied by the "timed" bodies of branches, jumps and
 * divisions, which the decoder gives only to harts whose timing has them
 * (core_timing_dynamic): a branch predictor (`bp`), the fetch penalty of a
 * 32-bit instruction at an address 2 mod 4 reached by a jump (`fetch_split`), and divide
 * latencies that depend on the operands (`div`). A load or store crossing an aligned word
 * (`split_access`) is charged on the slow path that performs it. mcycle counts all of these
 * cycles and mtime advances from them (docs/design.md, decision 4).
 *
 * Memory latency is the board's, not the core's: wait states per region for instruction
 * fetches and for loads and stores (hart_bus.fetch_wait / access_wait, set from the device
 * tree), charged whatever the timing.
 *
 * The timings are data, in core/timing.c: one row per core.
 */
#ifndef HARTLAB_CORE_COST_H
#define HARTLAB_CORE_COST_H

#include <stdbool.h>
#include <stdint.h>

enum cost_class {
    COST_ALU,    /* integer arithmetic, logic, shifts, lui/auipc, fence; most F/D operations */
    COST_LOAD,   /* loads */
    COST_STORE,  /* stores */
    COST_BRANCH, /* conditional branches, not taken (taken: + taken_extra) */
    COST_JUMP,   /* jal, jalr */
    COST_MUL,    /* mul, mulw, FP multiply and fused multiply-add */
    COST_MULH,   /* mulh, mulhsu, mulhu: the upper half of a product */
    COST_DIV,    /* divisions and remainders, FP divide and square root */
    COST_AMO,    /* LR, SC, AMOs */
    COST_CSR,    /* CSR instructions */
    COST_SYSTEM, /* ecall, ebreak, xRET, wfi, fence.i, sfence.vma; an illegal instruction or
                  * a fetch fault (the trap taken instead of an instruction) */
    COST_CLASSES
};

/* How an integer division's cycles depend on its operands. */
enum div_timing {
    DIV_FIXED,     /* always cycles[COST_DIV] */
    DIV_ZERO_FAST, /* cycles[COST_DIV], or div.zero cycles when the divisor is 0 (Ibex) */
    DIV_BITS,      /* a bit per cycle after skipping the dividend's leading zeros: max(2, 1 +
                    * significant bits of |dividend|) cycles (the Rocket-family divider of
                    * SiFive's E31/U54, "2 to XLEN+1 cycles") */
};

/* A branch predictor: a bimodal table of 2-bit counters (BHT) indexed by the branch's
 * address, a direct-mapped branch-target buffer (BTB) for taken branches and jumps, and a
 * return-address stack (RAS) for calls and returns (the hints of the Unprivileged ISA,
 * 2.5). Correctly predicted control flow costs the class's cycles only; a mispredicted one
 * adds `mispredict`. Sizes are powers of two (ras may be any size up to 16). */
struct branch_predictor {
    uint16_t bht;       /* counters; 0: no predictor (the timing's taken_extra applies) */
    uint16_t btb;       /* entries */
    uint8_t ras;        /* entries */
    uint8_t mispredict; /* cycles a misprediction adds */
};

/* One core's timing. */
struct core_timing {
    const char *name;
    const char *what;             /* one line: the core, and where the figures come from */
    const char *compatible;       /* the cpu node compatible string naming it, or NULL */
    uint8_t cycles[COST_CLASSES]; /* per class, for an instruction that retires */
    uint8_t taken_extra;          /* added when a conditional branch is taken (no predictor) */
    /* Result latency per class: an instruction reading the integer result of one of the
     * `latency[c]` - 1 instructions before it in its block waits for it (0 or 1: never).
     * `load_sub` is the latency of lb/lbu/lh/lhu/lwu when it differs from a word load (0:
     * the same). A multiplication or division also waits for a previous one still busy. */
    uint8_t latency[COST_CLASSES];
    uint8_t load_sub;
    uint8_t split_access; /* a load/store crossing an aligned 32-bit word: cycles added */
    uint8_t fetch_split;  /* a jump or taken branch to a 32-bit instruction 2 mod 4 */
    struct {
        enum div_timing how;
        uint8_t zero; /* DIV_ZERO_FAST: cycles of a division by zero */
    } div;
    struct branch_predictor bp;
};

/* Every timing hartlab knows, the default first, ending with a zeroed row. */
extern const struct core_timing core_timings[];
/* The default timing (docs/cycles.md). */
const struct core_timing *core_timing_default(void);
/* The timing named `name` (or an alias of it: "hartlab" is "simple"), or NULL. */
const struct core_timing *core_timing_find(const char *name);
/* The timing a cpu node's compatible list names (a NUL-separated list of `len` bytes, as in
 * a device tree), or NULL. */
const struct core_timing *core_timing_for_compatible(const char *list, int len);
/* True if the timing has effects that instruction bodies apply at run time. */
bool core_timing_dynamic(const struct core_timing *t);
/* Cycles of an integer division of `a` by `b` (magnitudes as unsigned, `xlen` bits). */
unsigned core_timing_div_cycles(const struct core_timing *t, uint64_t a, uint64_t b, bool is_signed,
                                unsigned xlen);

#endif
