/* Real-time pacing (see pace.h). The only place the host clock is read while a machine
 * runs, and it only ever decides how long to sleep. */
#include "ui/pace.h"

#include <time.h>

#include "host/shutdown.h"

#define SLICE_NS 30000000ull

uint64_t pace_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void pace_start(struct pace *p, uint64_t hz, uint64_t cycle)
{
    p->hz = hz ? hz : 1;
    p->origin_cycle = cycle;
    p->origin_ns = pace_host_ns();
}

void pace_wait(struct pace *p, uint64_t cycle, void (*idle)(void *ctx), void *ctx)
{
    if (cycle < p->origin_cycle)
        return;
    uint64_t due = p->origin_ns +
                   (uint64_t)((unsigned __int128)(cycle - p->origin_cycle) * 1000000000u / p->hz);
    for (;;) {
        if (shutdown_signal())
            return; /* told to stop: the run loop ends the run (host/shutdown.h) */
        uint64_t now = pace_host_ns();
        if (now >= due)
            return;
        uint64_t wait = due - now < SLICE_NS ? due - now : SLICE_NS;
        struct timespec ts = { (time_t)(wait / 1000000000u), (long)(wait % 1000000000u) };
        nanosleep(&ts, NULL);
        if (idle)
            idle(ctx);
    }
}
