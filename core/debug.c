/* Debugger state of one hart (see debug.h): the breakpoint set, watchpoints and trap breaks,
 * and the checks the run loop and the memory slow paths call. Semantics follow the RISC-V
 * External Debug Support specification 0.13 (triggers: execute triggers fire before the
 * instruction, load/store data triggers are reported after the access here, as GDB expects
 * for its hardware watchpoints) and the GDB Remote Serial Protocol's Z packets.
 */
#include "core/debug.h"

#include <stdlib.h>
#include <string.h>

#include "core/hart_internal.h"

static void debug_on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval);

bool debug_attach(struct hart *h)
{
    if (h->debug)
        return true;
    struct hart_debug *d = calloc(1, sizeof *d);
    if (!d)
        return false;
    if (!hart_listen_trap(h, debug_on_trap, NULL)) {
        free(d);
        return false;
    }
    h->debug = d;
    return true;
}

/* Every hart of the cluster must forget host pointers to watched pages. */
static void flush_all_tlbs(struct hart *h)
{
    cluster_flush_tlbs(h->cl);
}

static void update_single_step(struct hart *h)
{
    struct hart_debug *d = h->debug;
    bool reads = false;
    for (unsigned k = 0; k < d->nwatches; k++)
        if (d->watches[k].kind & DEBUG_WATCH_READ)
            reads = true;
    /* A load's body writes rd after the memory access returns, so it cannot end its block
     * from the slow path: run one instruction per block while a read watch exists. */
    h->debug_step = reads;
    hart_update_stepping(h);
}

void debug_clear(struct hart *h)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return;
    for (unsigned k = 0; k < d->nbreaks; k++)
        code_cache_invalidate(h->cc, d->breaks[k], 2);
    d->nbreaks = 0;
    d->nwatches = 0;
    d->irq_mask = d->exc_mask = 0;
    d->mask_irq = false;
    d->stop_kind = DEBUG_STOP_NONE;
    update_single_step(h);
    flush_all_tlbs(h);
}

void debug_detach(struct hart *h)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return;
    debug_clear(h);
    hart_unlisten_trap(h, debug_on_trap, NULL);
    free(d->breaks);
    free(d);
    h->debug = NULL;
}

/* Index of the first breakpoint >= addr. */
static unsigned break_lower(const struct hart_debug *d, uint64_t addr)
{
    unsigned lo = 0, hi = d->nbreaks;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (d->breaks[mid] < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool debug_break_at(const struct hart_debug *d, uint64_t addr)
{
    if (!d || d->nbreaks == 0)
        return false;
    unsigned k = break_lower(d, addr);
    return k < d->nbreaks && d->breaks[k] == addr;
}

bool debug_break_insert(struct hart *h, uint64_t addr)
{
    if (!debug_attach(h))
        return false;
    struct hart_debug *d = h->debug;
    unsigned k = break_lower(d, addr);
    if (k < d->nbreaks && d->breaks[k] == addr)
        return true;
    if (d->nbreaks == d->cap) {
        unsigned cap = d->cap ? 2 * d->cap : 16;
        uint64_t *b = realloc(d->breaks, cap * sizeof *b);
        if (!b)
            return false;
        d->breaks = b;
        d->cap = cap;
    }
    memmove(&d->breaks[k + 1], &d->breaks[k], (d->nbreaks - k) * sizeof *d->breaks);
    d->breaks[k] = addr;
    d->nbreaks++;
    /* A cached block may run straight through the new address. */
    code_cache_invalidate(h->cc, addr, 2);
    return true;
}

bool debug_break_remove(struct hart *h, uint64_t addr)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return false;
    unsigned k = break_lower(d, addr);
    if (k >= d->nbreaks || d->breaks[k] != addr)
        return false;
    memmove(&d->breaks[k], &d->breaks[k + 1], (d->nbreaks - k - 1) * sizeof *d->breaks);
    d->nbreaks--;
    /* Blocks were cut short at the address: let them be rebuilt whole. */
    code_cache_invalidate(h->cc, addr, 2);
    return true;
}

bool debug_watch_insert(struct hart *h, uint64_t addr, uint64_t len, enum debug_watch_kind kind)
{
    if (len == 0 || !debug_attach(h))
        return false;
    struct hart_debug *d = h->debug;
    if (d->nwatches == DEBUG_MAX_WATCHES)
        return false;
    d->watches[d->nwatches++] = (struct debug_watch){ addr, len, kind };
    update_single_step(h);
    flush_all_tlbs(h);
    return true;
}

bool debug_watch_remove(struct hart *h, uint64_t addr, uint64_t len, enum debug_watch_kind kind)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return false;
    for (unsigned k = 0; k < d->nwatches; k++) {
        struct debug_watch *w = &d->watches[k];
        if (w->addr == addr && w->len == len && w->kind == kind) {
            *w = d->watches[--d->nwatches];
            update_single_step(h);
            /* Pages no longer watched refill their cache entries on the next miss. */
            flush_all_tlbs(h);
            return true;
        }
    }
    return false;
}

static bool kind_matches(enum debug_watch_kind kind, bool write)
{
    return (kind & (write ? DEBUG_WATCH_WRITE : DEBUG_WATCH_READ)) != 0;
}

bool debug_watch_page(const struct hart_debug *d, uint64_t ppage, bool write)
{
    if (!d)
        return false;
    for (unsigned k = 0; k < d->nwatches; k++) {
        const struct debug_watch *w = &d->watches[k];
        if (kind_matches(w->kind, write) && (w->addr >> PAGE_SHIFT) <= ppage &&
            ((w->addr + w->len - 1) >> PAGE_SHIFT) >= ppage)
            return true;
    }
    return false;
}

bool debug_check_access(struct hart *h, uint64_t addr, unsigned size, bool write)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return false;
    for (unsigned k = 0; k < d->nwatches; k++) {
        const struct debug_watch *w = &d->watches[k];
        if (!kind_matches(w->kind, write) || addr + size <= w->addr || addr >= w->addr + w->len)
            continue;
        d->stop_kind = DEBUG_STOP_WATCH;
        d->stop_watch = w->kind;
        /* GDB matches the reported address against its watch ranges. */
        d->stop_addr = addr > w->addr ? addr : w->addr;
        h->stop = HART_STOP_BREAK;
        return true;
    }
    return false;
}

void debug_trap_break(struct hart *h, bool interrupt, unsigned cause, bool on)
{
    if (cause >= 64 || !debug_attach(h))
        return;
    uint64_t *mask = interrupt ? &h->debug->irq_mask : &h->debug->exc_mask;
    if (on)
        *mask |= 1ull << cause;
    else
        *mask &= ~(1ull << cause);
}

/* The trap listener debug_attach subscribes: stops at a selected trap. */
static void debug_on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct hart_debug *d = h->debug;
    if (!d)
        return;
    uint64_t intbit = 1ull << (h->xlen - 1);
    bool irq = (cause & intbit) != 0;
    uint64_t code = cause & ~intbit;
    uint64_t mask = irq ? d->irq_mask : d->exc_mask;
    if (code < 64 && (mask & (1ull << code))) {
        d->stop_kind = DEBUG_STOP_TRAP;
        d->stop_cause = cause;
        d->stop_epc = epc;
        h->stop = HART_STOP_BREAK;
    }
}

bool debug_stop_before(struct hart *h)
{
    if (!debug_break_at(h->debug, h->pc))
        return false;
    h->debug->stop_kind = DEBUG_STOP_BREAKPOINT;
    h->stop = HART_STOP_BREAK;
    return true;
}
