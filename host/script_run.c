/* Running a --script against a machine (see script.h). The engine watches the output
 * streams (every UART's transmitted bytes through ns16550_listen_tx, semihosting/HTIF console
 * output through machine_listen_console) and the GPIO outputs (sifive_gpio_listen_change), and
 * keeps time with clock events: nothing here reads the host clock, so the steps happen at
 * the same cycles in every run. Inputs go through the input door (host/input.h), which
 * records and replays them.
 *
 * A step that is satisfied inside a device callback (a byte written to a UART in the
 * middle of a block) goes on from a clock event at that cycle, so that its actions happen
 * between blocks, as every other input does.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hart.h"
#include "devices/clock.h"
#include "devices/ns16550.h"
#include "devices/sifive_gpio.h"
#include "host/escape.h"
#include "host/input.h"
#include "host/log.h"
#include "host/script.h"
#include "host/script_internal.h"
#include "host/script_regex.h"
#include "platform/board.h"
#include "platform/machine.h"

#define MAX_UARTS    8
#define NSTREAMS     (2 + MAX_UARTS)
#define STREAM_KEEP  (1u << 20) /* bytes kept per stream since its last match */
#define CONSOLE_KEEP (1u << 20) /* console output kept for the report */
#define LAST_SHOWN   60         /* bytes of output quoted in the failure line */
#define DETAIL_SHOWN 2000       /* ... and in the report's detail */

enum state { S_ADVANCING, S_WAIT_OUT, S_WAIT_GPIO, S_WAIT_TIME, S_WAIT_EXIT, S_DONE };

struct stream {
    uint8_t *buf; /* output since the last match on this stream (its tail, if very long) */
    size_t len, cap;
    bool line_start; /* the byte before buf[0] was a newline, or there was none */
    bool any;        /* output was ever seen */
};

struct tap {
    struct script_run *r;
    unsigned k;
};

struct pin {
    struct sifive_gpio *g;
    unsigned pin;
};

struct script_run {
    struct machine *m;
    const struct script *s;
    struct stream streams[NSTREAMS];
    struct tap taps[MAX_UARTS];
    unsigned nuarts;
    int console_uart;  /* the UART with a host backend (the first if none has), or -1 */
    struct pin *pins;  /* per step: gpio/expect */
    size_t *last_send; /* per UART: index + 1 of its last send step, 0 = none */
    bool gpio_watched[4];
    size_t i; /* the current step */
    enum state state;
    struct script_rx_run rx;
    struct clock_event ev_advance, ev_deadline, ev_limit;
    uint64_t step_start;
    int verdict;   /* -1 while running */
    bool stopping; /* the engine ended the run */
    char message[900];
    char detail[DETAIL_SHOWN + 1400];
    uint8_t *console;
    size_t console_len, console_cap;
    unsigned passed;
};

static int sidx(int stream)
{
    return stream + 2; /* semihost 0, console 1, uart k at k + 2 */
}

static uint64_t now_of(const struct script_run *r)
{
    return clock_now(&r->m->clock);
}

static void advance(struct script_run *r);

/* ---- output ---- */

static void keep(uint8_t **buf, size_t *len, size_t *cap, size_t limit, uint8_t b, bool *line_start)
{
    if (*len == limit) {
        /* Keep the newer half: a match must lie within the last `limit` bytes. */
        size_t drop = limit / 2;
        if (line_start)
            *line_start = (*buf)[drop - 1] == '\n';
        memmove(*buf, *buf + drop, *len - drop);
        *len -= drop;
    }
    if (*len == *cap) {
        size_t ncap = *cap ? 2 * *cap : 256;
        uint8_t *n = realloc(*buf, ncap);
        if (!n)
            return;
        *buf = n;
        *cap = ncap;
    }
    (*buf)[(*len)++] = b;
}

/* Drop buf[0..end): the output up to the end of a match. */
static void consume_to(struct stream *st, size_t end)
{
    if (end > 0)
        st->line_start = st->buf[end - 1] == '\n';
    memmove(st->buf, st->buf + end, st->len - end);
    st->len -= end;
}

/* The current wait matched on `st` with the byte just added (`before`: ended before it). */
static void consume(struct stream *st, bool before)
{
    consume_to(st, before ? st->len - 1 : st->len);
}

static void step_passed(struct script_run *r)
{
    const struct step *st = &r->s->steps[r->i];
    log_info("%s:%u: %s: passed at cycle %" PRIu64, r->s->name, st->line, st->display, now_of(r));
    r->passed++;
    r->i++;
}

static void out_byte(struct script_run *r, int stream, uint8_t b)
{
    struct stream *st = &r->streams[sidx(stream)];
    st->any = true;
    keep(&st->buf, &st->len, &st->cap, STREAM_KEEP, b, &st->line_start);
    if (r->state != S_WAIT_OUT || r->s->steps[r->i].stream != stream)
        return;
    bool before;
    if (script_rx_feed(r->s->steps[r->i].rx, &r->rx, b, &before)) {
        consume(st, before);
        clock_cancel(&r->m->clock, &r->ev_deadline);
        step_passed(r);
        /* Go on between blocks, from a clock event at this cycle. */
        r->state = S_ADVANCING;
        clock_schedule(&r->m->clock, &r->ev_advance, now_of(r));
    }
}

static void console_byte(struct script_run *r, uint8_t b)
{
    keep(&r->console, &r->console_len, &r->console_cap, CONSOLE_KEEP, b, NULL);
    out_byte(r, STREAM_CONSOLE, b);
}

static void on_uart_tx(void *opaque, uint8_t byte, uint64_t cycle)
{
    struct tap *t = opaque;
    (void)cycle;
    out_byte(t->r, (int)t->k, byte);
    if ((int)t->k == t->r->console_uart)
        console_byte(t->r, byte);
}

static void on_console(void *ctx, const uint8_t *buf, size_t len, uint64_t cycle)
{
    struct script_run *r = ctx;
    (void)cycle;
    for (size_t k = 0; k < len; k++) {
        out_byte(r, STREAM_SEMIHOST, buf[k]);
        console_byte(r, buf[k]);
    }
}

/* ---- verdicts ---- */

/* snprintf that may truncate (messages quote output of any length). */
static void sfmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sfmt(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, len, fmt, ap);
    va_end(ap);
}

static const char *stream_name(int stream, char *buf, size_t len)
{
    if (stream == STREAM_CONSOLE)
        return "the console";
    if (stream == STREAM_SEMIHOST)
        return "the semihosting console";
    snprintf(buf, len, "uart %d", stream);
    return buf;
}

/* " (last output: "...")" for the step's stream, the last `n` bytes since the last match. */
static void last_output(const struct script_run *r, int stream, size_t n, char *out, size_t len)
{
    const struct stream *st = &r->streams[sidx(stream)];
    if (!st->any) {
        char b[16];
        snprintf(out, len, " (no output on %s yet)", stream_name(stream, b, sizeof b));
        return;
    }
    if (st->len == 0) {
        snprintf(out, len, " (no output since the previous match)");
        return;
    }
    size_t from = st->len > n ? st->len - n : 0;
    char text[DETAIL_SHOWN * 4 + 1];
    escape_bytes(text, sizeof text, st->buf + from, st->len - from);
    sfmt(out, len, " (last output: \"%s%s\")", from ? "..." : "", text);
}

static void fail(struct script_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct script_run *r, const char *fmt, ...)
{
    if (r->verdict >= 0)
        return;
    const struct step *st = r->i < r->s->n ? &r->s->steps[r->i] : NULL;
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    int stream = st && st->kind == ST_WAIT ? st->stream : STREAM_CONSOLE;
    char tail[DETAIL_SHOWN * 4 + 40];
    last_output(r, stream, LAST_SHOWN, tail, sizeof tail);
    if (st)
        sfmt(r->message, sizeof r->message, "%s:%u: %s: %s%s", r->s->name, st->line, st->display,
             why, tail);
    else
        sfmt(r->message, sizeof r->message, "%s: %s%s", r->s->name, why, tail);
    char b[16];
    const struct stream *out = &r->streams[sidx(stream)];
    size_t from = out->len > DETAIL_SHOWN ? out->len - DETAIL_SHOWN : 0;
    int n = snprintf(r->detail, sizeof r->detail,
                     "%s\n\nat cycle %" PRIu64 ", %u of %zu steps passed; the output on %s since "
                     "the previous match%s:\n",
                     r->message, now_of(r), r->passed, r->s->n, stream_name(stream, b, sizeof b),
                     from ? " (its end)" : "");
    size_t at = n < 0 ? 0 : (size_t)n < sizeof r->detail ? (size_t)n : sizeof r->detail - 1;
    for (size_t k = from; k < out->len && at + 1 < sizeof r->detail; k++)
        r->detail[at++] = out->buf[k] ? (char)out->buf[k] : ' ';
    r->detail[at] = 0;
    r->verdict = 1;
    r->state = S_DONE;
    clock_cancel(&r->m->clock, &r->ev_deadline);
    clock_cancel(&r->m->clock, &r->ev_advance);
    clock_cancel(&r->m->clock, &r->ev_limit);
    if (!r->m->exited) {
        r->stopping = true;
        machine_exit(r->m, 1, "the script failed");
    }
}

static void pass(struct script_run *r)
{
    r->verdict = 0;
    r->state = S_DONE;
    clock_cancel(&r->m->clock, &r->ev_deadline);
    clock_cancel(&r->m->clock, &r->ev_limit);
    log_info("%s: all %zu steps passed at cycle %" PRIu64, r->s->name, r->s->n, now_of(r));
    if (!r->m->exited) {
        r->stopping = true;
        machine_exit(r->m, 0, "the script passed");
    }
}

/* Whether the harts could only be woken by the script's own events. */
static bool harts_hung(const struct script_run *r)
{
    const struct machine *m = r->m;
    for (unsigned k = 0; k < machine_nharts(m); k++)
        if (!hart_waiting(machine_hart(m, k)) || hart_irq_wakeup(machine_hart(m, k)))
            return false;
    for (const struct clock_event *e = m->clock.queue; e; e = e->next)
        if (e != &r->ev_advance && e != &r->ev_deadline && e != &r->ev_limit)
            return false;
    return true;
}

static bool level_now(const struct script_run *r, const struct pin *p)
{
    uint32_t levels;
    sifive_gpio_outputs(p->g, &levels, NULL);
    return (levels >> p->pin) & 1;
}

/* ---- steps ---- */

static void arm_deadline(struct script_run *r, uint64_t when)
{
    clock_schedule(&r->m->clock, &r->ev_deadline, when);
}

static void start_wait(struct script_run *r, const struct step *st)
{
    struct stream *s = &r->streams[sidx(st->stream)];
    if (!script_rx_reset(st->rx, &r->rx, s->line_start)) {
        fail(r, "out of memory");
        return;
    }
    /* Output that came since the previous match counts. */
    for (size_t k = 0; k < s->len; k++) {
        bool before;
        if (script_rx_feed(st->rx, &r->rx, s->buf[k], &before)) {
            consume_to(s, before ? k : k + 1);
            step_passed(r);
            return;
        }
    }
    r->state = S_WAIT_OUT;
    arm_deadline(r, now_of(r) + st->cycles);
}

static void advance(struct script_run *r)
{
    struct machine *m = r->m;
    r->state = S_ADVANCING;
    while (r->verdict < 0 && r->i < r->s->n && r->state == S_ADVANCING) {
        const struct step *st = &r->s->steps[r->i];
        const struct pin *pin = &r->pins[r->i];
        uint64_t now = now_of(r);
        r->step_start = now;
        switch (st->kind) {
        case ST_WAIT: start_wait(r, st); break;
        case ST_SEND: {
            unsigned k = (unsigned)(st->stream == STREAM_CONSOLE ? r->console_uart : st->stream);
            input_uart_send(m, k, st->data, st->len);
            if (r->last_send[k] == r->i + 1)
                input_uart_hold(m, k, false);
            step_passed(r);
            break;
        }
        case ST_GPIO:
            input_gpio(m, pin->g, pin->pin,
                       st->level == LEVEL_HIGH  ? INPUT_HIGH
                       : st->level == LEVEL_LOW ? INPUT_LOW
                                                : INPUT_RELEASE);
            step_passed(r);
            break;
        case ST_EXPECT:
            if (level_now(r, pin) == (st->level == LEVEL_HIGH)) {
                step_passed(r);
            } else if (!st->within) {
                fail(r, "pin %u is %s", pin->pin, st->level == LEVEL_HIGH ? "low" : "high");
            } else {
                r->state = S_WAIT_GPIO;
                arm_deadline(r, now + st->cycles);
            }
            break;
        case ST_AT:
            if (now > st->cycles) {
                fail(r, "the run is already at cycle %" PRIu64, now);
            } else if (now == st->cycles) {
                step_passed(r);
            } else {
                r->state = S_WAIT_TIME;
                arm_deadline(r, st->cycles);
            }
            break;
        case ST_AFTER:
            r->state = S_WAIT_TIME;
            arm_deadline(r, now + st->cycles);
            break;
        case ST_EXIT:
            r->state = S_WAIT_EXIT;
            arm_deadline(r, now + st->cycles);
            break;
        }
    }
    if (r->verdict < 0 && r->i == r->s->n)
        pass(r);
}

static void advance_fired(void *opaque)
{
    struct script_run *r = opaque;
    if (r->verdict < 0 && r->state == S_ADVANCING)
        advance(r);
}

static const char *hung_note(const struct script_run *r)
{
    return harts_hung(r) ? "; every hart waits in wfi for an interrupt that nothing will raise"
                         : "";
}

static void deadline_fired(void *opaque)
{
    struct script_run *r = opaque;
    if (r->verdict >= 0)
        return;
    const struct step *st = &r->s->steps[r->i];
    switch (r->state) {
    case S_WAIT_TIME:
        step_passed(r);
        advance(r);
        break;
    case S_WAIT_OUT:
        fail(r, "not seen within %" PRIu64 " cycles%s", st->cycles, hung_note(r));
        break;
    case S_WAIT_GPIO:
        if (level_now(r, &r->pins[r->i]) == (st->level == LEVEL_HIGH)) {
            step_passed(r);
            advance(r);
        } else {
            fail(r, "pin %u is still %s after %" PRIu64 " cycles%s", r->pins[r->i].pin,
                 st->level == LEVEL_HIGH ? "low" : "high", st->cycles, hung_note(r));
        }
        break;
    case S_WAIT_EXIT:
        fail(r, "the firmware did not exit within %" PRIu64 " cycles%s", st->cycles, hung_note(r));
        break;
    default: break;
    }
}

static void limit_fired(void *opaque)
{
    struct script_run *r = opaque;
    if (r->verdict < 0)
        fail(r, "the run's time limit (timeout run %" PRIu64 ", line %u) was reached%s",
             r->s->run_limit, r->s->run_limit_line, hung_note(r));
}

static void on_gpio_change(void *opaque, unsigned pin, bool level, uint64_t cycle)
{
    struct script_run *r = opaque;
    (void)pin;
    (void)level;
    (void)cycle;
    if (r->verdict >= 0 || r->state != S_WAIT_GPIO)
        return;
    const struct step *st = &r->s->steps[r->i];
    if (level_now(r, &r->pins[r->i]) == (st->level == LEVEL_HIGH)) {
        clock_cancel(&r->m->clock, &r->ev_deadline);
        step_passed(r);
        r->state = S_ADVANCING;
        clock_schedule(&r->m->clock, &r->ev_advance, now_of(r));
    }
}

/* ---- attaching ---- */

static struct sifive_gpio *gpio_for_phandle(struct machine *m, uint32_t ph)
{
    const void *fdt = m->opts.fdt;
    int node = fdt_node_offset_by_phandle(fdt, ph);
    if (node < 0)
        return NULL;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len < 4)
        return NULL;
    uint64_t base = fdt32_to_cpu(reg[0]);
    if (len >= 16)
        base = (base << 32) | fdt32_to_cpu(reg[1]);
    for (unsigned b = 0; b < m->ngpio; b++)
        if (sifive_gpio_base(m->gpio[b]) == base)
            return m->gpio[b];
    return NULL;
}

/* A pin by number (bank 0) or by the label or node name of a gpio-leds/gpio-keys child. */
static bool find_pin(struct machine *m, const char *name, struct pin *out, char *why, size_t whylen)
{
    if (m->ngpio == 0) {
        snprintf(why, whylen, "this board has no GPIO bank");
        return false;
    }
    char *end;
    unsigned long v = strtoul(name, &end, 0);
    if (name[0] >= '0' && name[0] <= '9') {
        unsigned n = sifive_gpio_ngpios(m->gpio[0]);
        if (*end || v >= n) {
            snprintf(why, whylen, "pin %s does not exist: GPIO bank 0 has pins 0..%u", name, n - 1);
            return false;
        }
        out->g = m->gpio[0];
        out->pin = (unsigned)v;
        return true;
    }
    const void *fdt = m->opts.fdt;
    static const char *const compat[] = { "gpio-leds", "gpio-keys" };
    char names[200] = "";
    for (unsigned c = 0; fdt && c < 2; c++)
        for (int parent = fdt_node_offset_by_compatible(fdt, -1, compat[c]); parent >= 0;
             parent = fdt_node_offset_by_compatible(fdt, parent, compat[c])) {
            int child;
            fdt_for_each_subnode(child, fdt, parent)
            {
                const char *label = fdt_getprop(fdt, child, "label", NULL);
                const char *node = fdt_get_name(fdt, child, NULL);
                if (label && strlen(names) + strlen(label) + 3 < sizeof names)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                             names[0] ? ", " : "", label);
                if (!((label && strcasecmp(label, name) == 0) ||
                      (node && strcasecmp(node, name) == 0)))
                    continue;
                int len;
                const fdt32_t *p = fdt_getprop(fdt, child, "gpios", &len);
                struct sifive_gpio *g =
                    p && len >= 8 ? gpio_for_phandle(m, fdt32_to_cpu(p[0])) : NULL;
                if (!g || fdt32_to_cpu(p[1]) >= sifive_gpio_ngpios(g)) {
                    snprintf(why, whylen, "'%s' in the board's tree is not wired to a GPIO pin",
                             name);
                    return false;
                }
                out->g = g;
                out->pin = fdt32_to_cpu(p[1]);
                return true;
            }
        }
    if (names[0])
        snprintf(why, whylen,
                 "no LED or button '%s' on this board (it has %s; or give a pin "
                 "number)",
                 name, names);
    else
        snprintf(why, whylen, "no LED or button '%s': this board names none (give a pin number)",
                 name);
    return false;
}

struct script_run *script_start(struct machine *m, const struct script *s, char *err, size_t errlen)
{
    struct script_run *r = calloc(1, sizeof *r);
    if (r) {
        r->pins = calloc(s->n, sizeof *r->pins);
        r->last_send = calloc(MAX_UARTS, sizeof *r->last_send);
    }
    if (!r || !r->pins || !r->last_send) {
        snprintf(err, errlen, "%s: out of memory", s->name);
        script_run_free(r);
        return NULL;
    }
    r->m = m;
    r->s = s;
    r->verdict = -1;
    r->console_uart = -1;
    for (unsigned k = 0; k < NSTREAMS; k++)
        r->streams[k].line_start = true;
    struct ns16550 *u;
    for (unsigned k = 0; k < MAX_UARTS && (u = ns16550_find(m, k)) != NULL; k++) {
        r->taps[k] = (struct tap){ r, k };
        r->nuarts++;
        if (r->console_uart < 0 && ns16550_chardev(u))
            r->console_uart = (int)k;
    }
    if (r->console_uart < 0 && r->nuarts)
        r->console_uart = 0;

    char why[300];
    for (size_t k = 0; k < s->n; k++) {
        const struct step *st = &s->steps[k];
        if ((st->kind == ST_WAIT || st->kind == ST_SEND) && st->stream >= 0 &&
            (unsigned)st->stream >= r->nuarts) {
            snprintf(err, errlen, "%s:%u: %s: this board has %u UART%s (uart 0%s)", s->name,
                     st->line, st->display, r->nuarts, r->nuarts == 1 ? "" : "s",
                     r->nuarts > 1 ? " and up" : "");
            if (r->nuarts == 0)
                snprintf(err, errlen, "%s:%u: %s: this board has no UART", s->name, st->line,
                         st->display);
            script_run_free(r);
            return NULL;
        }
        if (st->kind == ST_SEND) {
            int k2 = st->stream == STREAM_CONSOLE ? r->console_uart : st->stream;
            if (k2 < 0) {
                snprintf(err, errlen, "%s:%u: %s: this board has no UART to send to", s->name,
                         st->line, st->display);
                script_run_free(r);
                return NULL;
            }
            r->last_send[k2] = k + 1;
        }
        if (st->kind == ST_GPIO || st->kind == ST_EXPECT) {
            if (!find_pin(m, st->pin_name, &r->pins[k], why, sizeof why)) {
                snprintf(err, errlen, "%s:%u: %s: %s", s->name, st->line, st->display, why);
                script_run_free(r);
                return NULL;
            }
            if (st->kind == ST_EXPECT)
                for (unsigned b = 0; b < m->ngpio && b < 4; b++)
                    if (m->gpio[b] == r->pins[k].g && !r->gpio_watched[b]) {
                        if (!sifive_gpio_listen_change(m->gpio[b], on_gpio_change, r)) {
                            snprintf(err, errlen, "%s:%u: too many observers of GPIO bank %u",
                                     s->name, st->line, b);
                            script_run_free(r);
                            return NULL;
                        }
                        r->gpio_watched[b] = true;
                    }
        }
    }
    for (unsigned k = 0; k < r->nuarts; k++)
        if (!ns16550_listen_tx(ns16550_find(m, k), on_uart_tx, &r->taps[k])) {
            snprintf(err, errlen, "%s: too many observers of uart %u", s->name, k);
            script_run_free(r);
            return NULL;
        }
    if (!machine_listen_console(m, on_console, r)) {
        snprintf(err, errlen, "%s: too many console listeners", s->name);
        script_run_free(r);
        return NULL;
    }
    /* A UART the script sends to is the script's: stdin is not read for it, and it keeps
     * polling until the last send. */
    for (unsigned k = 0; k < r->nuarts; k++)
        if (r->last_send[k]) {
            input_uart_exclusive(m, k);
            input_uart_hold(m, k, true);
        }
    clock_event_init(&r->ev_advance, advance_fired, r);
    clock_event_init(&r->ev_deadline, deadline_fired, r);
    clock_event_init(&r->ev_limit, limit_fired, r);
    if (s->run_limit)
        clock_schedule(&m->clock, &r->ev_limit, s->run_limit);
    r->state = S_ADVANCING;
    clock_schedule(&m->clock, &r->ev_advance, now_of(r));
    return r;
}

/* Why the run ended, for a step that was still waiting. */
static void ended_why(const struct script_run *r, int status, char *out, size_t len)
{
    const struct machine *m = r->m;
    uint64_t now = hart_cycles(machine_hart(m, 0));
    if (m->exited && m->exit_reason && strstr(m->exit_reason, "Ctrl-A"))
        snprintf(out, len, "the run was ended from the console (Ctrl-A x) at cycle %" PRIu64, now);
    else if (m->exited)
        snprintf(out, len, "the firmware exited with status %d (%s) at cycle %" PRIu64, status,
                 m->exit_reason ? m->exit_reason : "exit", now);
    else if (status == 124)
        snprintf(out, len, "the --max-insns/--max-cycles limit was reached at cycle %" PRIu64, now);
    else if (status == 125)
        snprintf(out, len,
                 "every hart waits in wfi for an interrupt that nothing will raise (cycle %" PRIu64
                 ")",
                 now);
    else
        snprintf(out, len, "the run ended (status %d) at cycle %" PRIu64, status, now);
}

int script_finish(struct script_run *r, int status)
{
    if (!r)
        return 1;
    clock_cancel(&r->m->clock, &r->ev_advance);
    clock_cancel(&r->m->clock, &r->ev_deadline);
    clock_cancel(&r->m->clock, &r->ev_limit);
    char why[300];
    ended_why(r, status, why, sizeof why);
    /* What is left runs as far as it can without the machine: waits on output already seen,
     * levels, and `exit`. */
    while (r->verdict < 0 && r->i < r->s->n) {
        const struct step *st = &r->s->steps[r->i];
        if (st->kind == ST_WAIT) {
            if (r->state != S_WAIT_OUT)
                start_wait(r, st);
            if (r->state == S_WAIT_OUT)
                fail(r, "%s before it was seen", why);
            r->state = S_ADVANCING;
        } else if (st->kind == ST_EXPECT && !st->within) {
            r->state = S_ADVANCING;
            if (level_now(r, &r->pins[r->i]) == (st->level == LEVEL_HIGH))
                step_passed(r);
            else
                fail(r, "pin %u is %s", r->pins[r->i].pin,
                     st->level == LEVEL_HIGH ? "low" : "high");
        } else if (st->kind == ST_EXIT && r->m->exited && !r->stopping &&
                   !strstr(r->m->exit_reason ? r->m->exit_reason : "", "Ctrl-A")) {
            if (status == st->code) {
                step_passed(r);
            } else {
                r->state = S_ADVANCING;
                fail(r, "the firmware exited with status %d (%s) at cycle %" PRIu64, status,
                     r->m->exit_reason ? r->m->exit_reason : "exit",
                     hart_cycles(machine_hart(r->m, 0)));
            }
        } else {
            fail(r, "%s", why);
        }
    }
    if (r->verdict < 0) {
        r->verdict = 0;
        r->state = S_DONE;
    }
    return r->verdict;
}

const char *script_message(const struct script_run *r)
{
    return r && r->verdict == 1 ? r->message : NULL;
}

void script_report(const struct script_run *r, struct script_report *out)
{
    memset(out, 0, sizeof *out);
    out->verdict = r->verdict == 1 ? 1 : 0;
    out->message = script_message(r);
    out->detail = r->verdict == 1 ? r->detail : NULL;
    out->cycles = hart_cycles(machine_hart(r->m, 0));
    out->hart_hz = board_hart_hz(r->m->opts.fdt, r->m->clock.cycles_per_tick);
    out->passed = r->passed;
    out->nsteps = (unsigned)r->s->n;
    out->output = r->console;
    out->output_len = r->console_len;
}

void script_run_free(struct script_run *r)
{
    if (!r)
        return;
    if (r->m) {
        clock_cancel(&r->m->clock, &r->ev_advance);
        clock_cancel(&r->m->clock, &r->ev_deadline);
        clock_cancel(&r->m->clock, &r->ev_limit);
        for (unsigned k = 0; k < r->nuarts; k++) {
            struct ns16550 *u = ns16550_find(r->m, k);
            if (u)
                ns16550_unlisten_tx(u, on_uart_tx, &r->taps[k]);
        }
        machine_unlisten_console(r->m, on_console, r);
        for (unsigned b = 0; b < r->m->ngpio && b < 4; b++)
            if (r->gpio_watched[b])
                sifive_gpio_unlisten_change(r->m->gpio[b], on_gpio_change, r);
    }
    script_rx_run_free(&r->rx);
    for (unsigned k = 0; k < NSTREAMS; k++)
        free(r->streams[k].buf);
    free(r->console);
    free(r->pins);
    free(r->last_send);
    free(r);
}
