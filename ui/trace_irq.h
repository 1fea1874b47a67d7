/* --trace=irq: every interrupt's path with virtual-clock cycle stamps, one event a line:
 *
 *     CYCLE raise   LINE            a device or controller output went high
 *     CYCLE lower   LINE            ... and low again
 *     CYCLE claim   source N (LINE) by plic context C
 *     CYCLE trap    CAUSE-NAME (mcause 0x..) at SYMBOL -> HANDLER   (interrupts only)
 *     CYCLE return  to SYMBOL                      (mret/sret ending an interrupt handler)
 *     CYCLE complete source N (LINE) by plic context C
 *
 * LINE is the line's name (clint.mtip0, plic.ctx0, gpio0.pin9, serial@10013000, ...).
 * Synchronous exceptions are left out: they are not interrupts.
 */
#ifndef HARTLAB_UI_TRACE_IRQ_H
#define HARTLAB_UI_TRACE_IRQ_H

#include <stdio.h>

struct observe;
struct trace_irq;

struct trace_irq *trace_irq_new(struct observe *ob, FILE *out);
void trace_irq_free(struct trace_irq *t);

#endif
