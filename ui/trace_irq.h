/* --trace=irq: every interrupt's path, and every trap, with virtual-clock cycle stamps, one
 * event a line:
 *
 *     CYCLE raise   LINE            a device or controller output went high
 *     CYCLE lower   LINE            ... and low again
 *     CYCLE claim   source N (LINE) by plic context C [(hart H M-mode|S-mode)]
 *     CYCLE trap    CAUSE (mcause 0x..) hart H at SYMBOL -> HANDLER
 *     CYCLE return  [hart H] to SYMBOL             (mret/sret)
 *     CYCLE complete source N (LINE) by plic context C [(hart H ...)]
 *
 * The bracketed parts appear with several harts only, so one-hart traces stay as they were.
 *
 * LINE is the line's name (clint.mtip0, plic.ctx0, gpio0.pin9, serial@10013000, ...). CAUSE
 * is an interrupt's name ("machine timer") or an exception in words with what its tval says
 * ("load access fault at 0x40000000", "ecall from M-mode"); scause instead of mcause for a
 * trap taken into S-mode.
 */
#ifndef HARTLAB_UI_TRACE_IRQ_H
#define HARTLAB_UI_TRACE_IRQ_H

#include <stdio.h>

struct observe;
struct trace_irq;

struct trace_irq *trace_irq_new(struct observe *ob, FILE *out);
void trace_irq_free(struct trace_irq *t);

#endif
