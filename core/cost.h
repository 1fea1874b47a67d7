/* Cycle costs: the default timing model.
 *
 * Every instruction-table row names a cost class; a retired instruction adds its class's
 * cost to the hart's cycle counter, and taken branches add COST_TAKEN_EXTRA on top. mcycle
 * counts these cycles and mtime advances from them (docs/design.md, decision 4). The numbers are
 * a simple in-order pipeline approximation, documented in docs/cycles.md; calibrated
 * per-board profiles can replace this table later without touching the core.
 */
#ifndef HARTLAB_CORE_COST_H
#define HARTLAB_CORE_COST_H

enum cost_class {
    COST_ALU = 1,
    COST_LOAD = 2,
    COST_STORE = 1,
    COST_BRANCH = 1, /* not taken; taken adds COST_TAKEN_EXTRA */
    COST_JUMP = 2,
    COST_MUL = 3,
    COST_DIV = 20,
    COST_AMO = 4,
    COST_CSR = 1,
    COST_SYSTEM = 3,
};

#define COST_TAKEN_EXTRA 2

#endif
