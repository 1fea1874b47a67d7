/* The views' hub (see observe.h): subscribes once to the harts' events and the machine's
 * quantum, and fans each out to every view that asked for it. Nothing here changes what the
 * machine does.
 */
#include "ui/observe.h"

#include <stdlib.h>

#include <libfdt.h>

#include "core/disasm.h"
#include "core/hart.h"
#include "devices/clint.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "platform/board.h"
#include "platform/machine.h"
#include "devices/ns16550.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"

struct observe {
    struct machine *m;
    struct {
        observe_trap_fn fn;
        void *ctx;
    } trap[OBSERVE_MAX];
    struct {
        observe_return_fn fn;
        void *ctx;
    } ret[OBSERVE_MAX];
    struct {
        observe_step_fn fn;
        void *ctx;
    } step[OBSERVE_MAX];
    struct {
        observe_block_fn fn;
        void *ctx;
    } block[OBSERVE_MAX];
    struct {
        observe_line_fn fn;
        void *ctx;
    } line[OBSERVE_MAX];
    struct {
        observe_quantum_fn fn;
        void *ctx;
    } quantum[OBSERVE_MAX];
    struct {
        observe_uart_fn fn;
        void *ctx;
    } uart[OBSERVE_MAX];
    unsigned ntrap, nret, nstep, nblock, nline, nquantum, nuart;
    struct ns16550 *uarts[OBSERVE_MAX_UARTS];
    struct uart_tap {
        struct observe *ob;
        unsigned index;
    } taps[OBSERVE_MAX_UARTS];
    unsigned nuarts;
    bool attached;
    struct irq_line *lines[OBSERVE_MAX_LINES];
    const char *line_what[OBSERVE_MAX_LINES];
    unsigned nlines;
    bool stepping;
    bool stepping_required; /* observe_require_stepping: never turned off */
};

static void hub_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct observe *ob = ctx;
    for (unsigned k = 0; k < ob->ntrap; k++)
        ob->trap[k].fn(ob->trap[k].ctx, h, cause, epc, tval);
}

static void hub_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    struct observe *ob = ctx;
    for (unsigned k = 0; k < ob->nret; k++)
        ob->ret[k].fn(ob->ret[k].ctx, h, from_pc);
}

static void hub_step(void *ctx, struct hart *h, const struct insn *ins)
{
    struct observe *ob = ctx;
    for (unsigned k = 0; k < ob->nstep; k++)
        ob->step[k].fn(ob->step[k].ctx, h, ins);
}

static void hub_block(void *ctx, struct hart *h, const struct insn *ins, unsigned n)
{
    struct observe *ob = ctx;
    for (unsigned k = 0; k < ob->nblock; k++)
        ob->block[k].fn(ob->block[k].ctx, h, ins, n);
}

static void hub_line(void *ctx, const struct irq_line *line, bool level)
{
    struct observe *ob = ctx;
    unsigned index = 0;
    while (index < ob->nlines && ob->lines[index] != line)
        index++;
    uint64_t now = clock_now(&ob->m->clock);
    for (unsigned k = 0; k < ob->nline; k++)
        ob->line[k].fn(ob->line[k].ctx, index, line, level, now);
}

static void hub_quantum(void *ctx, struct machine *m)
{
    struct observe *ob = ctx;
    for (unsigned k = 0; k < ob->nquantum; k++)
        ob->quantum[k].fn(ob->quantum[k].ctx);
}

static void uart_byte(struct uart_tap *tap, bool rx, uint8_t byte, uint64_t cycle)
{
    struct observe *ob = tap->ob;
    for (unsigned k = 0; k < ob->nuart; k++)
        ob->uart[k].fn(ob->uart[k].ctx, tap->index, rx, byte, cycle);
}

static void uart_tx(void *opaque, uint8_t byte, uint64_t cycle)
{
    uart_byte(opaque, false, byte, cycle);
}

static void uart_rx(void *opaque, uint8_t byte, uint64_t cycle)
{
    uart_byte(opaque, true, byte, cycle);
}

static void add_line(struct observe *ob, struct irq_line *l, const char *what)
{
    if (l && l->name && ob->nlines < OBSERVE_MAX_LINES) {
        ob->line_what[ob->nlines] = what;
        ob->lines[ob->nlines++] = l;
    }
}

struct observe *observe_new(struct machine *m)
{
    struct observe *ob = calloc(1, sizeof *ob);
    if (!ob)
        return NULL;
    ob->m = m;
    if (m->clint)
        for (unsigned s = 0; s < clint_nharts(m->clint); s++) {
            add_line(ob, clint_line(m->clint, s, false), "clint");
            add_line(ob, clint_line(m->clint, s, true), "clint");
        }
    if (m->plic)
        for (unsigned c = 0; c < plic_ncontexts(m->plic) && c < 16; c++)
            add_line(ob, plic_context_line(m->plic, c), "plic");
    struct ns16550 *u;
    for (unsigned k = 0; (u = ns16550_find(m, k)) != NULL; k++) {
        add_line(ob, ns16550_irq(u), "uart");
        if (ob->nuarts < OBSERVE_MAX_UARTS) {
            ob->taps[ob->nuarts] = (struct uart_tap){ ob, ob->nuarts };
            ob->uarts[ob->nuarts++] = u;
        }
    }
    for (unsigned b = 0; b < m->ngpio; b++)
        for (unsigned p = 0; p < sifive_gpio_ngpios(m->gpio[b]); p++)
            add_line(ob, sifive_gpio_irq(m->gpio[b], p), "gpio");
    return ob;
}

void observe_free(struct observe *ob)
{
    if (!ob)
        return;
    for (unsigned k = 0; k < ob->nlines; k++)
        irq_unlisten(ob->lines[k], hub_line, ob);
    for (unsigned k = 0; k < ob->nuarts; k++) {
        ns16550_unlisten_tx(ob->uarts[k], uart_tx, &ob->taps[k]);
        ns16550_unlisten_rx(ob->uarts[k], uart_rx, &ob->taps[k]);
    }
    if (ob->attached) {
        machine_unlisten_quantum(ob->m, hub_quantum, ob);
        for (unsigned k = 0; k < machine_nharts(ob->m); k++) {
            struct hart *h = machine_hart(ob->m, k);
            hart_unlisten_trap(h, hub_trap, ob);
            hart_unlisten_trap_return(h, hub_return, ob);
            hart_unlisten_step(h, hub_step, ob);
            hart_unlisten_block(h, hub_block, ob);
        }
    }
    free(ob);
}

#define ADD(arr, n, f, c)                                                                          \
    do {                                                                                           \
        if ((n) < OBSERVE_MAX) {                                                                   \
            (arr)[(n)].fn = (f);                                                                   \
            (arr)[(n)++].ctx = (c);                                                                \
        }                                                                                          \
    } while (0)

void observe_on_trap(struct observe *ob, observe_trap_fn fn, void *ctx)
{
    ADD(ob->trap, ob->ntrap, fn, ctx);
}
void observe_on_trap_return(struct observe *ob, observe_return_fn fn, void *ctx)
{
    ADD(ob->ret, ob->nret, fn, ctx);
}
void observe_on_step(struct observe *ob, observe_step_fn fn, void *ctx)
{
    ADD(ob->step, ob->nstep, fn, ctx);
}

void observe_on_block(struct observe *ob, observe_block_fn fn, void *ctx)
{
    ADD(ob->block, ob->nblock, fn, ctx);
}
void observe_on_line(struct observe *ob, observe_line_fn fn, void *ctx)
{
    ADD(ob->line, ob->nline, fn, ctx);
}
void observe_on_quantum(struct observe *ob, observe_quantum_fn fn, void *ctx)
{
    ADD(ob->quantum, ob->nquantum, fn, ctx);
}

void observe_on_uart(struct observe *ob, observe_uart_fn fn, void *ctx)
{
    ADD(ob->uart, ob->nuart, fn, ctx);
}

void observe_require_stepping(struct observe *ob)
{
    ob->stepping_required = true;
    observe_set_stepping(ob, true);
}

void observe_set_stepping(struct observe *ob, bool on)
{
    on = on || ob->stepping_required;
    bool was = ob->stepping;
    ob->stepping = on;
    if (!ob->attached || was == on)
        return; /* not attached yet: observe_attach applies it */
    for (unsigned k = 0; k < machine_nharts(ob->m); k++) {
        struct hart *h = machine_hart(ob->m, k);
        if (on)
            hart_listen_step(h, hub_step, ob);
        else
            hart_unlisten_step(h, hub_step, ob);
    }
}

void observe_attach(struct observe *ob)
{
    struct machine *m = ob->m;
    machine_listen_quantum(m, hub_quantum, ob);
    ob->attached = true;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        if (ob->ntrap)
            hart_listen_trap(h, hub_trap, ob);
        if (ob->nret)
            hart_listen_trap_return(h, hub_return, ob);
        if (ob->stepping)
            hart_listen_step(h, hub_step, ob);
        if (ob->nblock)
            hart_listen_block(h, hub_block, ob);
    }
    if (ob->nuart)
        for (unsigned k = 0; k < ob->nuarts; k++) {
            ns16550_listen_tx(ob->uarts[k], uart_tx, &ob->taps[k]);
            ns16550_listen_rx(ob->uarts[k], uart_rx, &ob->taps[k]);
        }
    if (ob->nline)
        for (unsigned k = 0; k < ob->nlines; k++)
            irq_listen(ob->lines[k], hub_line, ob);
}

unsigned observe_nuarts(const struct observe *ob)
{
    return ob->nuarts;
}

struct ns16550 *observe_uart(const struct observe *ob, unsigned k)
{
    return k < ob->nuarts ? ob->uarts[k] : NULL;
}

unsigned observe_nlines(const struct observe *ob)
{
    return ob->nlines;
}

const struct irq_line *observe_line(const struct observe *ob, unsigned index, const char **what)
{
    if (index >= ob->nlines)
        return NULL;
    if (what)
        *what = ob->line_what[index];
    return ob->lines[index];
}

struct machine *observe_machine(const struct observe *ob)
{
    return ob->m;
}

const char *observe_cause_name(uint64_t cause, unsigned xlen)
{
    return disasm_cause_name(cause & 0xff, (cause >> (xlen - 1)) & 1);
}

uint64_t observe_hart_hz(const struct observe *ob)
{
    return board_hart_hz(ob->m->opts.fdt, ob->m->clock.cycles_per_tick);
}
