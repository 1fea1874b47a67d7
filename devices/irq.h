/* Interrupt lines between devices (docs/design.md, decision 6): a device raises or lowers a line;
 * whatever is at the other end (a PLIC source, a hart's mip bit, a trace probe) is told.
 * Each device has one function that recomputes its output levels from its registers and
 * calls irq_set for each line; irq_set only notifies on a change of level. */
#ifndef HARTLAB_DEVICES_IRQ_H
#define HARTLAB_DEVICES_IRQ_H

#include <stdbool.h>

struct irq_line {
    void (*handler)(void *opaque, unsigned n, bool level);
    void *opaque;
    unsigned n; /* which input of the receiver (PLIC source number, mip bit, ...) */
    bool level; /* current level */
    /* Optional observer (traces, VCD, the panel): told of every change. */
    void (*probe)(void *probe_opaque, const struct irq_line *line, bool level);
    void *probe_opaque;
    const char *name;
};

static inline void irq_connect(struct irq_line *l, void (*handler)(void *, unsigned, bool),
                               void *opaque, unsigned n)
{
    l->handler = handler;
    l->opaque = opaque;
    l->n = n;
}

static inline void irq_set(struct irq_line *l, bool level)
{
    if (l->level == level)
        return;
    l->level = level;
    if (l->probe)
        l->probe(l->probe_opaque, l, level);
    if (l->handler)
        l->handler(l->opaque, l->n, level);
}

#endif
