/* Interrupt lines between devices (docs/design.md, decision 6): a device raises or lowers a
 * line; whatever is at the other end (a PLIC source, a hart's mip bit) is told, and so is
 * every observer that listens to the line (traces, VCD, the panel: decision 11). Each device
 * has one function that recomputes its output levels from its registers and calls irq_set
 * for each line; irq_set only notifies on a change of level. irq_signal is for a device that
 * raises a new interrupt condition while its line is already high: the receiver hears the
 * high level again (a PLIC with the "signal" gateway, QEMU's, takes it as a new request;
 * level-sensitive receivers see nothing new). */
#ifndef HARTLAB_DEVICES_IRQ_H
#define HARTLAB_DEVICES_IRQ_H

#include <stdbool.h>

#include "core/listeners.h"

struct irq_line;

/* An observer of a line: told of every change, before the receiver. */
typedef void (*irq_probe_fn)(void *ctx, const struct irq_line *line, bool level);

struct irq_line {
    void (*handler)(void *opaque, unsigned n, bool level);
    void *opaque;
    unsigned n;              /* which input of the receiver (PLIC source number, mip bit, ...) */
    bool level;              /* current level */
    struct listeners probes; /* irq_listen */
    const char *name;
};

static inline bool irq_listen(struct irq_line *l, irq_probe_fn fn, void *ctx)
{
    return listeners_add(&l->probes, (listener_fn)fn, ctx);
}

static inline void irq_unlisten(struct irq_line *l, irq_probe_fn fn, void *ctx)
{
    listeners_remove(&l->probes, (listener_fn)fn, ctx);
}

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
    if (l->probes.n)
        LISTENERS_CALL(&l->probes, irq_probe_fn, l, level);
    if (l->handler)
        l->handler(l->opaque, l->n, level);
}

/* A device signalling its line: as irq_set, but a high level reaches the receiver even when
 * the line was already high (probes, which watch levels, are told only of changes). */
static inline void irq_signal(struct irq_line *l, bool level)
{
    if (l->level != level || !level) {
        irq_set(l, level);
        return;
    }
    if (l->handler)
        l->handler(l->opaque, l->n, true);
}

#endif
