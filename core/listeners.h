/* Events with any number of listeners: the one way hartlab's parts tell observers what
 * happened (a hart took a trap, an interrupt line changed, a quantum of virtual time ended).
 * The object that owns an event keeps a `struct listeners`; observers subscribe through the
 * owner's typed `*_listen_*` / `*_unlisten_*` calls (hart.h, devices/irq.h,
 * platform/machine.h), all built on the three calls below. An event nobody listens to costs
 * one test of `n` where it fires.
 *
 * Listeners are called in the order they subscribed. A listener must not subscribe or
 * unsubscribe listeners of the event that is calling it.
 */
#ifndef HARTLAB_CORE_LISTENERS_H
#define HARTLAB_CORE_LISTENERS_H

#include <stdbool.h>

#define LISTENERS_MAX 8

/* Stored untyped; the owner's typed calls cast back to the event's own function type. */
typedef void (*listener_fn)(void);

struct listeners {
    unsigned n;
    struct {
        listener_fn fn;
        void *ctx;
    } l[LISTENERS_MAX];
};

/* Subscribe; false when the event already has LISTENERS_MAX listeners. Subscribing the
 * same (fn, ctx) twice calls it twice. */
static inline bool listeners_add(struct listeners *ls, listener_fn fn, void *ctx)
{
    if (ls->n == LISTENERS_MAX)
        return false;
    ls->l[ls->n].fn = fn;
    ls->l[ls->n].ctx = ctx;
    ls->n++;
    return true;
}

/* Unsubscribe the first (fn, ctx) found; false if there was none. Keeps the others' order. */
static inline bool listeners_remove(struct listeners *ls, listener_fn fn, void *ctx)
{
    for (unsigned k = 0; k < ls->n; k++) {
        if (ls->l[k].fn == fn && ls->l[k].ctx == ctx) {
            for (unsigned j = k + 1; j < ls->n; j++)
                ls->l[j - 1] = ls->l[j];
            ls->n--;
            return true;
        }
    }
    return false;
}

/* Call every listener as a function of type `type` with its context and the arguments. */
#define LISTENERS_CALL(ls, type, ...)                                                              \
    do {                                                                                           \
        const struct listeners *ls_ = (ls);                                                        \
        for (unsigned k_ = 0; k_ < ls_->n; k_++)                                                   \
            ((type)ls_->l[k_].fn)(ls_->l[k_].ctx, __VA_ARGS__);                                    \
    } while (0)

#endif
