/* The --vcd writer (see vcd.h), in the four-state value-change format of IEEE 1364-2005
 * section 18 ("Value change dump (VCD) files"), with UART frames drawn as the PC16550D
 * datasheet's serial data format: start bit 0, 5-8 data bits LSB first, optional parity,
 * 1/1.5/2 stop bits at 1.
 */
#include "ui/vcd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/clock.h"
#include "devices/irq.h"
#include "platform/machine.h"
#include "devices/ns16550.h"
#include "devices/sifive_gpio.h"
#include "ui/observe.h"

struct vcd_change {
    uint64_t cycle; /* in half-bit-accurate cycles: UART bits land on exact cycles */
    uint64_t seq;
    uint32_t sig;
    char val;
};

struct vcd_signal {
    char id[8];
    char last; /* last value written */
};

struct vcd {
    struct observe *ob;
    struct machine *m;
    FILE *f;
    uint64_t hz;
    struct vcd_signal *sig;
    unsigned nsig;
    /* signal indices */
    unsigned gpio_first[4];
    unsigned uart_first; /* 2 per UART: tx, rx */
    unsigned line_first;
    uint32_t gpio_levels[4];
    uint64_t uart_free[OBSERVE_MAX_UARTS][2]; /* cycle the tx/rx line is idle again */
    struct vcd_change *pend;
    size_t npend, cap;
    uint64_t seq;
    uint64_t last_time; /* last timestamp written, in ns */
    bool any_time;
};

static void make_id(char *out, unsigned n)
{
    /* Identifier codes are printable ASCII 33..126 (IEEE 1364 18.2.1). */
    int k = 0;
    do {
        out[k++] = (char)(33 + n % 94);
        n /= 94;
    } while (n && k < 6);
    out[k] = 0;
}

static void queue(struct vcd *v, uint64_t cycle, unsigned sig, char val)
{
    if (v->npend == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        struct vcd_change *p = realloc(v->pend, cap * sizeof *p);
        if (!p)
            return;
        v->pend = p;
        v->cap = cap;
    }
    v->pend[v->npend++] = (struct vcd_change){ cycle, v->seq++, sig, val };
}

static int cmp_change(const void *a, const void *b)
{
    const struct vcd_change *x = a, *y = b;
    if (x->cycle != y->cycle)
        return x->cycle < y->cycle ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint64_t to_ns(const struct vcd *v, uint64_t cycle)
{
    return (uint64_t)((unsigned __int128)cycle * 1000000000u / v->hz);
}

/* Write every queued change at or before `upto` (cycles), in time order. */
static void flush(struct vcd *v, uint64_t upto)
{
    if (!v->npend)
        return;
    qsort(v->pend, v->npend, sizeof *v->pend, cmp_change);
    size_t k = 0;
    for (; k < v->npend && v->pend[k].cycle <= upto; k++) {
        struct vcd_change *c = &v->pend[k];
        struct vcd_signal *s = &v->sig[c->sig];
        if (s->last == c->val)
            continue;
        uint64_t t = to_ns(v, c->cycle);
        if (!v->any_time || t != v->last_time) {
            fprintf(v->f, "#%" PRIu64 "\n", t);
            v->last_time = t;
            v->any_time = true;
        }
        fprintf(v->f, "%c%s\n", c->val, s->id);
        s->last = c->val;
    }
    memmove(v->pend, v->pend + k, (v->npend - k) * sizeof *v->pend);
    v->npend -= k;
}

static void sample_gpio(struct vcd *v, uint64_t cycle)
{
    for (unsigned b = 0; b < v->m->ngpio && b < 4; b++) {
        uint32_t levels;
        sifive_gpio_outputs(v->m->gpio[b], &levels, NULL);
        uint32_t diff = levels ^ v->gpio_levels[b];
        for (unsigned p = 0; diff && p < sifive_gpio_ngpios(v->m->gpio[b]); p++)
            if (diff & (1u << p))
                queue(v, cycle, v->gpio_first[b] + p, (levels >> p) & 1 ? '1' : '0');
        v->gpio_levels[b] = levels;
    }
}

static void on_gpio(void *opaque, unsigned pin, bool level, uint64_t cycle)
{
    struct vcd *v = opaque;
    sample_gpio(v, cycle);
}

static void on_line(void *ctx, unsigned index, const struct irq_line *line, bool level,
                    uint64_t cycle)
{
    struct vcd *v = ctx;
    queue(v, cycle, v->line_first + index, level ? '1' : '0');
}

/* One character on UART `k`'s tx or rx line, from `cycle` or when the line is free. */
static void on_uart(void *ctx, unsigned k, bool rx, uint8_t byte, uint64_t cycle)
{
    struct vcd *v = ctx;
    struct ns16550 *u = observe_uart(v->ob, k);
    uint32_t baud = ns16550_baud(u);
    if (!baud)
        return;
    uint8_t lcr = ns16550_lcr(u);
    unsigned data = 5 + (lcr & UART_LCR_WLS);
    bool parity = lcr & UART_LCR_PEN;
    /* Stop bits in half bits: 2 (one), 3 (1.5, 5-bit words) or 4 (two). */
    unsigned stop2 = !(lcr & UART_LCR_STB) ? 2 : data == 5 ? 3 : 4;
    unsigned sig = v->uart_first + 2 * k + (rx ? 1 : 0);
    uint64_t start = cycle > v->uart_free[k][rx] ? cycle : v->uart_free[k][rx];
    /* Bit i starts at start + i * hz / baud (computed from the start, so no drift). */
#define BIT_AT(i2) (start + (uint64_t)((unsigned __int128)(i2)*v->hz / (2u * baud)))
    unsigned i2 = 0;
    queue(v, BIT_AT(i2), sig, '0');
    i2 += 2;
    unsigned ones = 0;
    for (unsigned b = 0; b < data; b++, i2 += 2) {
        bool bit = (byte >> b) & 1;
        ones += bit;
        queue(v, BIT_AT(i2), sig, bit ? '1' : '0');
    }
    if (parity) {
        bool even = lcr & UART_LCR_EPS, stick = lcr & UART_LCR_SP;
        bool p = stick ? !even : even ? (ones & 1) : !(ones & 1);
        queue(v, BIT_AT(i2), sig, p ? '1' : '0');
        i2 += 2;
    }
    queue(v, BIT_AT(i2), sig, '1');
    v->uart_free[k][rx] = BIT_AT(i2 + stop2);
#undef BIT_AT
}

static void on_quantum(void *ctx)
{
    struct vcd *v = ctx;
    uint64_t now = hart_cycles(machine_hart(v->m, 0));
    sample_gpio(v, now);
    flush(v, now);
}

static unsigned add_signal(struct vcd *v, const char *name, char init)
{
    struct vcd_signal *s = &v->sig[v->nsig];
    make_id(s->id, v->nsig);
    s->last = init;
    fprintf(v->f, "$var wire 1 %s %s $end\n", s->id, name);
    return v->nsig++;
}

struct vcd *vcd_new(struct observe *ob, const char *path, char *err, size_t errlen)
{
    struct vcd *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "--vcd: out of memory");
        return NULL;
    }
    v->ob = ob;
    v->m = observe_machine(ob);
    v->hz = observe_hart_hz(ob);
    v->f = fopen(path, "w");
    if (!v->f) {
        snprintf(err, errlen, "--vcd: cannot write %s: %s", path, strerror(errno));
        free(v);
        return NULL;
    }
    unsigned total = observe_nlines(ob) + 2 * observe_nuarts(ob);
    for (unsigned b = 0; b < v->m->ngpio && b < 4; b++)
        total += sifive_gpio_ngpios(v->m->gpio[b]);
    v->sig = calloc(total + 1, sizeof *v->sig);
    if (!v->sig) {
        fclose(v->f);
        free(v);
        snprintf(err, errlen, "--vcd: out of memory");
        return NULL;
    }
    fprintf(v->f, "$comment hartlab: %" PRIu64 " Hz hart clock; one cycle = %.3f ns $end\n", v->hz,
            1e9 / (double)v->hz);
    fprintf(v->f, "$timescale 1ns $end\n$scope module board $end\n");
    char name[64];
    for (unsigned b = 0; b < v->m->ngpio && b < 4; b++) {
        fprintf(v->f, "$scope module gpio%u $end\n", b);
        sifive_gpio_outputs(v->m->gpio[b], &v->gpio_levels[b], NULL);
        for (unsigned p = 0; p < sifive_gpio_ngpios(v->m->gpio[b]); p++) {
            snprintf(name, sizeof name, "pin%u", p);
            unsigned s = add_signal(v, name, 'x');
            if (p == 0)
                v->gpio_first[b] = s;
        }
        fprintf(v->f, "$upscope $end\n");
        sifive_gpio_listen_change(v->m->gpio[b], on_gpio, v);
    }
    v->uart_first = v->nsig;
    for (unsigned k = 0; k < observe_nuarts(ob); k++) {
        fprintf(v->f, "$scope module uart%u $end\n", k);
        add_signal(v, "tx", '1');
        add_signal(v, "rx", '1');
        fprintf(v->f, "$upscope $end\n");
    }
    v->line_first = v->nsig;
    fprintf(v->f, "$scope module irq $end\n");
    for (unsigned k = 0; k < observe_nlines(ob); k++) {
        const struct irq_line *l = observe_line(ob, k, NULL);
        snprintf(name, sizeof name, "%s", l->name);
        for (char *c = name; *c; c++)
            if (*c == '@' || *c == ' ')
                *c = '_';
        add_signal(v, name, l->level ? '1' : '0');
    }
    fprintf(v->f, "$upscope $end\n$upscope $end\n$enddefinitions $end\n");
    /* Initial values, at time 0. */
    fprintf(v->f, "#0\n$dumpvars\n");
    for (unsigned s = 0; s < v->nsig; s++) {
        char val = v->sig[s].last;
        if (s >= v->gpio_first[0] && s < v->uart_first && v->m->ngpio) {
            unsigned b = 0;
            while (b + 1 < v->m->ngpio && s >= v->gpio_first[b + 1])
                b++;
            val = (v->gpio_levels[b] >> (s - v->gpio_first[b])) & 1 ? '1' : '0';
        }
        v->sig[s].last = val;
        fprintf(v->f, "%c%s\n", val, v->sig[s].id);
    }
    fprintf(v->f, "$end\n");
    v->any_time = true;
    observe_on_line(ob, on_line, v);
    observe_on_uart(ob, on_uart, v);
    observe_on_quantum(ob, on_quantum, v);
    return v;
}

void vcd_free(struct vcd *v)
{
    if (!v)
        return;
    sample_gpio(v, hart_cycles(machine_hart(v->m, 0)));
    flush(v, UINT64_MAX);
    fclose(v->f);
    free(v->pend);
    free(v->sig);
    free(v);
}
