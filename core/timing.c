/* Core timings (see cost.h): one row per core, the cycles of each cost class. A new core's
 * profile is a new row here; docs/cycles.md says where each row's figures come from.
 */
#include <string.h>

#include "core/cost.h"

const struct core_timing core_timings[] = {
    {
        .name = "hartlab",
        .what = "a simple in-order approximation, stable rather than calibrated (docs/cycles.md)",
        .cycles =
            {
                [COST_ALU] = 1,
                [COST_LOAD] = 2,
                [COST_STORE] = 1,
                [COST_BRANCH] = 1,
                [COST_JUMP] = 2,
                [COST_MUL] = 3,
                [COST_DIV] = 20,
                [COST_AMO] = 4,
                [COST_CSR] = 1,
                [COST_SYSTEM] = 3,
            },
        .taken_extra = 2,
    },
    { 0 },
};

const struct core_timing *core_timing_default(void)
{
    return &core_timings[0];
}

const struct core_timing *core_timing_find(const char *name)
{
    for (const struct core_timing *t = core_timings; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}
