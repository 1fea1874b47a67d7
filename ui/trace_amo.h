/* --trace=amo: LR/SC reservations and AMOs on every hart, in the order they happen, one
 * event a line with the virtual clock's cycle (the time of the hart that acted):
 *
 *     CYCLE hart H lr.w      ADDR  reserved
 *     CYCLE hart H sc.w      ADDR  ok
 *     CYCLE hart H sc.w      ADDR  failed
 *     CYCLE hart H lost      ADDR  reservation broken by hart K's store
 *     CYCLE hart H lost      ADDR  reservation broken by a store from outside the harts
 *     CYCLE hart H lost      ADDR  reservation dropped by mret/sret
 *     CYCLE hart H amoadd.w  ADDR  OLD -> NEW
 *
 * ADDR is physical (the reserved 8-byte granule for `lost`). For the classroom (the counter
 * lab, docs/labs/counter.md) and for debugging lock-free code.
 */
#ifndef HARTLAB_UI_TRACE_AMO_H
#define HARTLAB_UI_TRACE_AMO_H

#include <stdio.h>

struct machine;
struct trace_amo;

struct trace_amo *trace_amo_new(struct machine *m, FILE *out);
void trace_amo_free(struct trace_amo *t);

#endif
