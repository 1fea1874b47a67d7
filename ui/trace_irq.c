/* --trace=irq (see trace_irq.h): interrupt lines, the PLIC claim/complete handshake
 * (riscv-plic-spec 1.0.0, "Interrupt Claim Process" / "Interrupt Completion") and every trap
 * entry (interrupts and exceptions, their cause in words with what tval holds: Privileged
 * Architecture, "Machine Cause Register" and "Machine Trap Value Register") and return, in
 * the order they happen in virtual time.
 */
#include "ui/trace_irq.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/disasm.h"
#include "core/hart.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "platform/machine.h"
#include "devices/ns16550.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"
#include "ui/frames.h"
#include "ui/observe.h"

struct trace_irq {
    struct observe *ob;
    FILE *out;
};

static void on_line(void *ctx, unsigned index, const struct irq_line *line, bool level,
                    uint64_t cycle)
{
    struct trace_irq *t = ctx;
    fprintf(t->out, "%12" PRIu64 " %-8s %s\n", cycle, level ? "raise" : "lower", line->name);
}

/* The name of the device line wired to PLIC source `source`. */
static const char *source_name(struct trace_irq *t, unsigned source)
{
    for (unsigned k = 0; k < observe_nlines(t->ob); k++) {
        const char *what;
        const struct irq_line *l = observe_line(t->ob, k, &what);
        if ((what[0] == 'u' || what[0] == 'g') && l->n == source && l->handler)
            return l->name;
    }
    return "?";
}

static void on_handshake(void *ctx, unsigned c, unsigned source, bool complete)
{
    struct trace_irq *t = ctx;
    struct machine *m = observe_machine(t->ob);
    fprintf(t->out, "%12" PRIu64 " %-8s source %u (%s) by plic context %u", clock_now(&m->clock),
            complete ? "complete" : "claim", source, source_name(t, source), c);
    /* With several harts, whose context it is (one hart: always hart 0, left out). */
    struct plic_context_info ci;
    if (machine_nharts(m) > 1 && m->plic && plic_context_state(m->plic, c, &ci) && ci.hart)
        fprintf(t->out, " (hart %" PRIu64 " %s-mode)", hart_id(ci.hart),
                ci.irq == IRQ_S_EXT ? "S" : "M");
    fputc('\n', t->out);
}

static void on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct trace_irq *t = ctx;
    char at[96], to[96], what[96];
    frames_symbolize(t->ob, epc, at, sizeof at);
    frames_symbolize(t->ob, hart_pc(h), to, sizeof to);
    /* Interrupts keep their short name ("machine timer"); exceptions say what tval holds. */
    if ((cause >> (hart_xlen(h) - 1)) & 1)
        snprintf(what, sizeof what, "%s", observe_cause_name(cause, hart_xlen(h)));
    else
        disasm_trap(cause, tval, hart_xlen(h), what, sizeof what);
    fprintf(t->out, "%12" PRIu64 " %-8s %s (%s 0x%" PRIx64 ") hart %" PRIu64 " at %s -> %s\n",
            hart_cycles(h), "trap", what, hart_priv(h) == PRIV_S ? "scause" : "mcause", cause,
            hart_id(h), at, to);
}

static void on_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    struct trace_irq *t = ctx;
    char to[96];
    frames_symbolize(t->ob, hart_pc(h), to, sizeof to);
    if (machine_nharts(observe_machine(t->ob)) > 1)
        fprintf(t->out, "%12" PRIu64 " %-8s hart %" PRIu64 " to %s\n", hart_cycles(h), "return",
                hart_id(h), to);
    else
        fprintf(t->out, "%12" PRIu64 " %-8s to %s\n", hart_cycles(h), "return", to);
}

struct trace_irq *trace_irq_new(struct observe *ob, FILE *out)
{
    struct trace_irq *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ob = ob;
    t->out = out;
    observe_on_line(ob, on_line, t);
    observe_on_trap(ob, on_trap, t);
    observe_on_trap_return(ob, on_return, t);
    struct machine *m = observe_machine(ob);
    if (m->plic)
        plic_observe(m->plic, on_handshake, t);
    return t;
}

void trace_irq_free(struct trace_irq *t)
{
    if (!t)
        return;
    struct machine *m = observe_machine(t->ob);
    if (m->plic)
        plic_observe(m->plic, NULL, NULL);
    free(t);
}
