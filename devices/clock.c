/* The virtual clock's event queue (see clock.h): a sorted singly linked list, which is all
 * a board with a handful of devices needs. */
#include "devices/clock.h"

#include <stddef.h>

void clock_init(struct vclock *c, uint32_t cycles_per_tick)
{
    c->now = NULL;
    c->idle_now = 0;
    c->queue = NULL;
    c->next_seq = 0;
    c->cycles_per_tick = cycles_per_tick ? cycles_per_tick : 1;
}

void clock_event_init(struct clock_event *ev, void (*fn)(void *opaque), void *opaque)
{
    ev->when = 0;
    ev->seq = 0;
    ev->fn = fn;
    ev->opaque = opaque;
    ev->armed = false;
    ev->next = NULL;
}

void clock_cancel(struct vclock *c, struct clock_event *ev)
{
    if (!ev->armed)
        return;
    for (struct clock_event **link = &c->queue; *link; link = &(*link)->next) {
        if (*link == ev) {
            *link = ev->next;
            break;
        }
    }
    ev->armed = false;
    ev->next = NULL;
}

void clock_schedule(struct vclock *c, struct clock_event *ev, uint64_t when)
{
    clock_cancel(c, ev);
    ev->when = when;
    ev->seq = c->next_seq++;
    struct clock_event **link = &c->queue;
    while (*link && ((*link)->when < when || ((*link)->when == when && (*link)->seq < ev->seq)))
        link = &(*link)->next;
    ev->next = *link;
    *link = ev;
    ev->armed = true;
}

uint64_t clock_next(const struct vclock *c)
{
    return c->queue ? c->queue->when : UINT64_MAX;
}

void clock_run_due(struct vclock *c, uint64_t now)
{
    while (c->queue && c->queue->when <= now) {
        struct clock_event *ev = c->queue;
        c->queue = ev->next;
        ev->armed = false;
        ev->next = NULL;
        ev->fn(ev->opaque); /* may schedule events, itself included */
    }
}
