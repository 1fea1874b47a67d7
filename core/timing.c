/* Core timings (see cost.h): one row per core, as data. A new core's profile is a new row
 * here; docs/cycles.md says where each row's figures come from and how far each is from
 * the real core (the `ibex` row is checked in CI against cycle counts of Ibex's RTL,
 * tests/cycles/).
 */
#include <string.h>

#include "core/cost.h"

const struct core_timing core_timings[] = {
    {
        .name = "simple",
        .what = "a simple in-order model, stable rather than calibrated (the default)",
        .cycles =
            {
                [COST_ALU] = 1,
                [COST_LOAD] = 2,
                [COST_STORE] = 1,
                [COST_BRANCH] = 1,
                [COST_JUMP] = 2,
                [COST_MUL] = 3,
                [COST_MULH] = 3,
                [COST_DIV] = 20,
                [COST_AMO] = 4,
                [COST_CSR] = 1,
                [COST_SYSTEM] = 3,
            },
        .taken_extra = 2,
    },
    {
        /* Ibex's doc/03_reference/pipeline_details.rst, checked instruction by instruction
         * against the RTL's trace (tests/cycles/rtl/ibex_trace_model.py). */
        .name = "ibex",
        .what = "lowRISC Ibex, small configuration (RV32IMC, fast multiplier, single-cycle "
                "memory), from its pipeline documentation, checked against its RTL",
        .compatible = "lowrisc,ibex",
        .cycles =
            {
                [COST_ALU] = 1,
                [COST_LOAD] = 2,
                [COST_STORE] = 2,
                [COST_BRANCH] = 1,
                [COST_JUMP] = 2,
                [COST_MUL] = 3,
                [COST_MULH] = 4,
                [COST_DIV] = 37,
                [COST_AMO] = 2,
                [COST_CSR] = 1,
                [COST_SYSTEM] = 3,
            },
        .taken_extra = 2,
        .split_access = 1,
        .fetch_split = 1,
        .div = { DIV_ZERO_FAST, 2 },
    },
    {
        /* FE310-G000 manual, chapter 3 (E31 RISC-V Core); SiFive E31 Core Complex Manual. */
        .name = "e31",
        .what = "SiFive E31 (FE310, HiFive1): 5-stage in-order, branch prediction "
                "(128-entry BHT, 40-entry BTB, 2-entry RAS), from its core manual",
        .compatible = "sifive,e31",
        .cycles =
            {
                [COST_ALU] = 1,
                [COST_LOAD] = 1,
                [COST_STORE] = 1,
                [COST_BRANCH] = 1,
                [COST_JUMP] = 1,
                [COST_MUL] = 1,
                [COST_MULH] = 1,
                [COST_DIV] = 1,
                [COST_AMO] = 2,
                [COST_CSR] = 1,
                [COST_SYSTEM] = 4,
            },
        .latency = { [COST_LOAD] = 2, [COST_MUL] = 5, [COST_MULH] = 5, [COST_CSR] = 3,
                     [COST_AMO] = 2 },
        .load_sub = 3,
        .div = { DIV_BITS, 0 },
        .bp = { .bht = 128, .btb = 40, .ras = 2, .mispredict = 3 },
    },
    {
        /* SiFive's U5 series shares the E31's pipeline; FU540-C000 manual, chapter 3. */
        .name = "u54",
        .what = "SiFive U54 (RV64GC; FU540, PolarFire SoC): the E31's pipeline at 64 bits, "
                "512-entry BHT, 28-entry BTB, 6-entry RAS; caches not modelled (every access "
                "hits)",
        .compatible = "sifive,u54-mc",
        .cycles =
            {
                [COST_ALU] = 1,
                [COST_LOAD] = 1,
                [COST_STORE] = 1,
                [COST_BRANCH] = 1,
                [COST_JUMP] = 1,
                [COST_MUL] = 1,
                [COST_MULH] = 1,
                [COST_DIV] = 20, /* FP divide and square root; integer ones: div below */
                [COST_AMO] = 2,
                [COST_CSR] = 1,
                [COST_SYSTEM] = 4,
            },
        .latency = { [COST_LOAD] = 2, [COST_MUL] = 5, [COST_MULH] = 5, [COST_CSR] = 3,
                     [COST_AMO] = 2 },
        .load_sub = 3,
        .div = { DIV_BITS, 0 },
        .bp = { .bht = 512, .btb = 28, .ras = 6, .mispredict = 3 },
    },
    { 0 },
};

const struct core_timing *core_timing_default(void)
{
    return &core_timings[0];
}

const struct core_timing *core_timing_find(const char *name)
{
    if (strcmp(name, "hartlab") == 0) /* the default's name before it had siblings */
        name = "simple";
    for (const struct core_timing *t = core_timings; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

const struct core_timing *core_timing_for_compatible(const char *list, int len)
{
    for (int at = 0; list && at < len;) {
        const char *s = list + at;
        size_t n = strnlen(s, (size_t)(len - at));
        for (const struct core_timing *t = core_timings; t->name; t++)
            if (t->compatible && strlen(t->compatible) == n && memcmp(t->compatible, s, n) == 0)
                return t;
        at += (int)n + 1;
    }
    return NULL;
}

bool core_timing_dynamic(const struct core_timing *t)
{
    return t->bp.bht || t->fetch_split || t->div.how != DIV_FIXED;
}

static unsigned bit_length(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0;
}

unsigned core_timing_div_cycles(const struct core_timing *t, uint64_t a, uint64_t b, bool is_signed,
                                unsigned xlen)
{
    switch (t->div.how) {
    case DIV_ZERO_FAST: return b == 0 ? t->div.zero : t->cycles[COST_DIV];
    case DIV_BITS: {
        uint64_t mask = xlen == 64 ? ~0ull : (1ull << xlen) - 1;
        a &= mask;
        if (is_signed && (a >> (xlen - 1)) & 1)
            a = (0 - a) & mask; /* the magnitude */
        unsigned c = 1 + bit_length(a);
        return c < 2 ? 2 : c;
    }
    case DIV_FIXED:
    default: return t->cycles[COST_DIV];
    }
}
