/* The virtual clock and its events (docs/design.md, decision 4).
 *
 * Time is counted in hart cycles and never read from the host. The machine runs each hart
 * up to the next due event (or the end of its quantum), then fires the events that are due,
 * in order of time and then of scheduling. `wfi` with nothing pending skips straight to the
 * next event. A device converts its own units (mtime ticks, UART character times) to cycles
 * with the board's timebase.
 *
 * Usage:
 *     struct clock_event ev;
 *     clock_event_init(&ev, uart_tx_done, uart);
 *     clock_schedule(clk, &ev, clock_now(clk) + char_cycles);
 *     ...
 *     clock_cancel(clk, &ev);
 */
#ifndef HARTLAB_DEVICES_CLOCK_H
#define HARTLAB_DEVICES_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock_event {
    uint64_t when; /* cycle at which it fires */
    uint64_t seq;  /* scheduling order, to break ties deterministically */
    void (*fn)(void *opaque);
    void *opaque;
    bool armed;
    struct clock_event *next;
};

struct vclock {
    /* The cycle counter of the hart running now (the machine points it at each hart in
     * turn), so a device read sees the exact time of the access. */
    const uint64_t *now;
    uint64_t idle_now;         /* used when no hart is running */
    struct clock_event *queue; /* sorted by (when, seq) */
    uint64_t next_seq;
    uint32_t cycles_per_tick; /* hart cycles per mtime tick (timebase) */
};

void clock_init(struct vclock *c, uint32_t cycles_per_tick);
static inline uint64_t clock_now(const struct vclock *c)
{
    return c->now ? *c->now : c->idle_now;
}
void clock_event_init(struct clock_event *ev, void (*fn)(void *opaque), void *opaque);
/* (Re)schedule `ev` at absolute cycle `when` (a time in the past fires at the next check). */
void clock_schedule(struct vclock *c, struct clock_event *ev, uint64_t when);
void clock_cancel(struct vclock *c, struct clock_event *ev);
/* Cycle of the earliest armed event, or UINT64_MAX. */
uint64_t clock_next(const struct vclock *c);
/* Fire every event due at or before `now`, earliest first. */
void clock_run_due(struct vclock *c, uint64_t now);

#endif
