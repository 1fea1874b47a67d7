/* The cluster: what the harts of one machine share. Its list of harts (in hart id order of
 * creation), their LR/SC reservations (a store by any hart or from outside breaks every
 * reservation on the bytes it writes: Unprivileged ISA 8.2), and the code cache of decoded
 * blocks (core/codecache.c), which a store into cached code invalidates for every hart.
 *
 * Whatever changes memory behind the harts' backs (the loader, the debugger, a DMA device,
 * semihosting) tells the cluster with cluster_notice_store; whatever changes the memory map
 * or what the bus watches tells it with cluster_flush_tlbs.
 *
 * Usage:
 *     struct cluster *cl = cluster_new();
 *     struct hart *h0 = hart_new(&cfg0, &bus, cl), *h1 = hart_new(&cfg1, &bus, cl);
 *     ...
 *     cluster_notice_store(cl, addr, len);   // after writing guest RAM directly
 *     cluster_free(cl);                       // and every hart in it
 */
#ifndef HARTLAB_CORE_CLUSTER_H
#define HARTLAB_CORE_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

struct hart;
struct cluster;

#define CLUSTER_MAX_HARTS 8

/* NULL if out of memory. */
struct cluster *cluster_new(void);
/* Free the cluster and every hart still in it. */
void cluster_free(struct cluster *cl);

unsigned cluster_nharts(const struct cluster *cl);
/* Hart k (in the order they joined), or NULL. */
struct hart *cluster_hart(const struct cluster *cl, unsigned k);

/* A store from outside the harts (DMA, debugger, loader) touched [paddr, paddr+len): break
 * the reservations on it and drop the cached code it overwrote. */
void cluster_notice_store(struct cluster *cl, uint64_t paddr, uint64_t len);
/* The memory map or the bus's watched ranges changed: every hart drops its cached
 * translations (host pointers). */
void cluster_flush_tlbs(struct cluster *cl);
/* Every hart drops its write translations only (hart_tlb_forget_writes). */
void cluster_forget_writes(struct cluster *cl);
/* Drop every decoded block (as fence.i does). */
void cluster_flush_code(struct cluster *cl);

struct jit_config;
struct jit_stats;
/* Turn the translation tier (core/jit.h) on with `cfg`, or off with NULL. False if this
 * host has no translator or memory is short (the harts then interpret). */
bool cluster_set_jit(struct cluster *cl, const struct jit_config *cfg);
/* The tier's counters; false when it is off. */
bool cluster_jit_stats(const struct cluster *cl, struct jit_stats *st);

#endif
