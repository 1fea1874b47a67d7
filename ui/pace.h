/* --realtime: keeps virtual time from running ahead of the host clock by sleeping at
 * quantum boundaries (docs/design.md, decision 4: pacing only slows the run down; what happens and
 * when, in cycles, is the same with or without it).
 *
 * Usage: struct pace p; pace_start(&p, hart_hz, cycles_now);
 *        at each quantum: pace_wait(&p, cycles_now, idle_fn, ctx);   // may sleep
 */
#ifndef HARTLAB_UI_PACE_H
#define HARTLAB_UI_PACE_H

#include <stdint.h>

struct pace {
    uint64_t hz;           /* hart cycles per virtual second */
    uint64_t origin_cycle; /* the cycle that corresponds to origin_ns */
    uint64_t origin_ns;    /* host monotonic time */
};

uint64_t pace_host_ns(void);
void pace_start(struct pace *p, uint64_t hz, uint64_t cycle);
/* Sleep until the host clock catches up with `cycle`, calling idle(ctx) (may be NULL) at
 * least every 30 ms while waiting, so a window stays responsive. */
void pace_wait(struct pace *p, uint64_t cycle, void (*idle)(void *ctx), void *ctx);

#endif
