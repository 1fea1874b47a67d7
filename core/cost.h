/* Cost classes and core timings: how many cycles an instruction costs.
 *
 * Every instruction-table row (core/insns.def) names a cost class: what its timing depends
 * on, not a number. A core's timing (struct core_timing) gives each class its cycles, plus
 * what a taken branch adds; the harts of a machine run with one timing, chosen per machine
 * (machine_options.timing; the default is "hartlab", the simple in-order model of
 * docs/cycles.md). When a block is decoded its instructions get the cycles of their class,
 * so a timing costs nothing while running; mcycle counts these cycles and mtime advances
 * from them (docs/design.md, decision 4).
 *
 * The timings are data, in core/timing.c: one row per core.
 */
#ifndef HARTLAB_CORE_COST_H
#define HARTLAB_CORE_COST_H

#include <stdint.h>

enum cost_class {
    COST_ALU,    /* integer arithmetic, logic, shifts, lui/auipc, fence; most F/D operations */
    COST_LOAD,   /* loads */
    COST_STORE,  /* stores */
    COST_BRANCH, /* conditional branches, not taken (taken: + taken_extra) */
    COST_JUMP,   /* jal, jalr */
    COST_MUL,    /* multiplications, FP multiply and fused multiply-add */
    COST_DIV,    /* divisions and remainders, FP divide and square root */
    COST_AMO,    /* LR, SC, AMOs */
    COST_CSR,    /* CSR instructions */
    COST_SYSTEM, /* ecall, ebreak, xRET, wfi, fence.i, sfence.vma; an illegal instruction or
                  * a fetch fault (the trap taken instead of an instruction) */
    COST_CLASSES
};

/* One core's timing. */
struct core_timing {
    const char *name;
    const char *what;             /* one line: the core, and where the figures come from */
    uint8_t cycles[COST_CLASSES]; /* per class, for an instruction that retires */
    uint8_t taken_extra;          /* added when a conditional branch is taken */
};

/* Every timing hartlab knows, the default first, ending with a zeroed row. */
extern const struct core_timing core_timings[];
/* The default timing (docs/cycles.md). */
const struct core_timing *core_timing_default(void);
/* The timing named `name`, or NULL. */
const struct core_timing *core_timing_find(const char *name);

#endif
