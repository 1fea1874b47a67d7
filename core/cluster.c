/* The cluster (see cluster.h): the list of harts, their LR/SC reservations and the code
 * cache they share. Reservations follow the Unprivileged ISA, 8.2 ("Load-Reserved/Store-
 * Conditional Instructions"): each hart holds at most one reserved granule; a store to it by
 * any hart, or from outside the harts, breaks it.
 */
#include <stdlib.h>

#include "core/hart_internal.h"
#include "core/jit.h"

struct cluster *cluster_new(void)
{
    struct cluster *cl = calloc(1, sizeof *cl);
    if (!cl)
        return NULL;
    cl->cc = code_cache_new(cl);
    if (!cl->cc) {
        free(cl);
        return NULL;
    }
    return cl;
}

void cluster_free(struct cluster *cl)
{
    if (!cl)
        return;
    while (cl->nharts > 0)
        hart_free(cl->harts[cl->nharts - 1]);
    code_cache_free(cl->cc);
    free(cl);
}

unsigned cluster_nharts(const struct cluster *cl)
{
    return cl->nharts;
}

struct hart *cluster_hart(const struct cluster *cl, unsigned k)
{
    return k < cl->nharts ? cl->harts[k] : NULL;
}

/* Links are per hart (two harts may map the same code differently), so each hart has its
 * own tag, and a new one whenever what its links point to may have changed. */
void cluster_new_links(struct cluster *cl)
{
    for (unsigned k = 0; k < cl->nharts; k++)
        cl->harts[k]->chain_tag = ++cl->last_tag;
}

void cluster_flush_write_page(struct cluster *cl, uint64_t ppage)
{
    for (unsigned k = 0; k < cl->nharts; k++)
        hart_tlb_flush_write_page(cl->harts[k], ppage);
}

void cluster_flush_tlbs(struct cluster *cl)
{
    for (unsigned k = 0; k < cl->nharts; k++)
        hart_tlb_flush(cl->harts[k]);
}

void cluster_forget_writes(struct cluster *cl)
{
    for (unsigned k = 0; k < cl->nharts; k++)
        hart_tlb_forget_writes(cl->harts[k]);
}

void cluster_flush_code(struct cluster *cl)
{
    code_cache_flush(cl->cc);
}

bool cluster_page_reserved(const struct cluster *cl, uint64_t ppage)
{
    for (unsigned k = 0; k < cl->nharts; k++) {
        uint64_t r = cl->harts[k]->reservation;
        if (r != RESERVATION_NONE && (r << RESERVATION_SHIFT) >> PAGE_SHIFT == ppage)
            return true;
    }
    return false;
}

void cluster_break_reservations(struct cluster *cl, uint64_t first, uint64_t last,
                                const struct hart *by)
{
    for (unsigned k = 0; k < cl->nharts; k++) {
        struct hart *o = cl->harts[k];
        if (o->reservation >= first && o->reservation <= last) {
            uint64_t granule = o->reservation;
            o->reservation = RESERVATION_NONE;
            if (o->on_atomic.n) {
                struct hart_atomic_event ev = { .kind = HART_RESV_LOST,
                                                .paddr = granule << RESERVATION_SHIFT,
                                                .by = by };
                hart_atomic_event(o, &ev);
            }
        }
    }
}

void cluster_notice_store(struct cluster *cl, uint64_t paddr, uint64_t len)
{
    cluster_break_reservations(cl, paddr >> RESERVATION_SHIFT,
                               (paddr + len - 1) >> RESERVATION_SHIFT, NULL);
    code_cache_invalidate(cl->cc, paddr, len);
}

bool cluster_set_jit(struct cluster *cl, const struct jit_config *cfg)
{
    struct code_cache *cc = cl->cc;
    /* Blocks already cached keep their entries: start from an empty cache. */
    code_cache_flush(cc);
    jit_free(cc->jit);
    cc->jit = NULL;
    if (!cfg)
        return true;
    cc->jit = jit_new(cfg);
    return cc->jit != NULL;
}

bool cluster_jit_stats(const struct cluster *cl, struct jit_stats *st)
{
    if (!cl->cc->jit)
        return false;
    jit_get_stats(cl->cc->jit, st);
    return true;
}
