/* External inputs, their record and their replay (see input.h). Live inputs other than UART
 * bytes wait in a list sorted by cycle and are applied from one clock event; a replay feeds
 * the same event from the file, and answers the UARTs' polls from it. The file is written
 * line-buffered, so a run that is killed still leaves every input it applied.
 */
#include "host/input.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hart.h"
#include "devices/clock.h"
#include "devices/ns16550.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"
#include "host/chardev.h"
#include "host/escape.h"
#include "host/log.h"
#include "host/shutdown.h"
#include "platform/machine.h"

#define INPUT_MAX_UARTS 8
#define FORMAT_MAGIC    "hartlab-inputs"
#define FORMAT_VERSION  1

enum rec_kind {
    R_SOURCE, /* a: uart, level: interactive */
    R_BYTE,   /* a: uart, data */
    R_EOF,    /* a: uart */
    R_QUIT,   /* a: uart */
    R_WAKE,   /* a: uart */
    R_GPIO,   /* a: bank, b: pin, level */
    R_IRQ,    /* a: source */
    R_STDIN,  /* data (len 0: end of file) */
};

struct rec {
    uint64_t t;
    enum rec_kind kind;
    unsigned a, b;
    int level;
    uint8_t *data;
    size_t len;
    unsigned line; /* in the replayed file */
};

struct uart_in {
    struct input *in;
    unsigned k;
    struct ns16550 *u;
    struct chardev *chr; /* the host backend, or NULL */
    bool installed, interactive, exclusive, chr_eof, said_eof, wake_queued;
    unsigned holds;
    uint8_t *q; /* bytes from input_uart_send, a ring */
    size_t qhead, qlen, qcap;
    size_t next; /* replay: index of the next record to look at for this UART */
};

struct input {
    struct machine *m;
    struct uart_in uarts[INPUT_MAX_UARTS];
    unsigned nuarts;
    struct clock_event ev;
    /* Live inputs waiting for the event, sorted by cycle. */
    struct rec *pend;
    size_t npend, pendcap;
    /* Recording. */
    FILE *rec;
    char *rec_path;
    /* Replay. */
    bool replay;
    char *replay_path;
    struct rec *recs;
    size_t nrecs, qnext, stdin_next;
    bool have_end;
    uint64_t end_t, end_insns;
    int end_status;
    bool diverged;
    char diverged_msg[256];
    unsigned dropped;
    /* History (input_history_*): every input handed to the machine, in order, so that
     * re-executing an earlier part of the run hands out the same ones. While re-executing
     * (`hist_replay`) the journal is replayed as a recording is (recs/nrecs swapped). */
    bool journal_on, hist_replay;
    struct rec *journal;
    size_t njournal, journalcap;
    struct rec *saved_recs;
    size_t saved_nrecs;
};

static uint64_t now_of(const struct input *in)
{
    return clock_now(&in->m->clock);
}

static void diverge(struct input *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diverge(struct input *in, const char *fmt, ...)
{
    if (in->diverged)
        return;
    in->diverged = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->diverged_msg, sizeof in->diverged_msg, fmt, ap);
    va_end(ap);
}

/* ---- writing records ---- */

static void journal_push(struct input *in, const struct rec *r)
{
    if (in->njournal == in->journalcap) {
        size_t cap = in->journalcap ? 2 * in->journalcap : 64;
        struct rec *p = realloc(in->journal, cap * sizeof *p);
        if (!p) {
            log_info("out of memory for the input history: an input is left out of it");
            return;
        }
        in->journal = p;
        in->journalcap = cap;
    }
    struct rec c = *r;
    c.data = NULL;
    if (r->len) {
        c.data = malloc(r->len);
        if (!c.data)
            return;
        memcpy(c.data, r->data, r->len);
    }
    in->journal[in->njournal++] = c;
}

static void write_rec(struct input *in, const struct rec *r)
{
    if (in->journal_on && !in->replay)
        journal_push(in, r);
    FILE *f = in->rec;
    if (!f)
        return;
    char text[8];
    fprintf(f, "%" PRIu64 " ", r->t);
    switch (r->kind) {
    case R_SOURCE:
        fprintf(f, "uart %u source %s\n", r->a, r->level ? "interactive" : "data");
        break;
    case R_BYTE:
        escape_bytes(text, sizeof text, r->data, r->len);
        fprintf(f, "uart %u \"%s\"\n", r->a, text);
        break;
    case R_EOF: fprintf(f, "uart %u eof\n", r->a); break;
    case R_QUIT: fprintf(f, "uart %u quit\n", r->a); break;
    case R_WAKE: fprintf(f, "uart %u wake\n", r->a); break;
    case R_GPIO:
        fprintf(f, "gpio %u %u %s\n", r->a, r->b,
                r->level == INPUT_HIGH  ? "high"
                : r->level == INPUT_LOW ? "low"
                                        : "release");
        break;
    case R_IRQ: fprintf(f, "irq %u\n", r->a); break;
    case R_STDIN:
        if (r->len == 0) {
            fputs("stdin eof\n", f);
        } else {
            char *big = malloc(4 * r->len + 1);
            if (big) {
                escape_bytes(big, 4 * r->len + 1, r->data, r->len);
                fprintf(f, "stdin \"%s\"\n", big);
                free(big);
            }
        }
        break;
    }
}

/* ---- applying ---- */

static struct uart_in *uart_of(struct input *in, unsigned k)
{
    return k < in->nuarts ? &in->uarts[k] : NULL;
}

static int uart_source(void *opaque, uint8_t *byte, uint64_t cycle);

static void install(struct uart_in *ui, bool interactive)
{
    ui->installed = true;
    ui->interactive = interactive;
    ns16550_set_rx_source(ui->u, uart_source, ui, interactive);
}

static void apply(struct input *in, const struct rec *r)
{
    struct machine *m = in->m;
    struct uart_in *ui;
    switch (r->kind) {
    case R_GPIO:
        if (r->a < m->ngpio) {
            if (r->level == INPUT_RELEASE)
                sifive_gpio_release_input(m->gpio[r->a], r->b);
            else
                sifive_gpio_set_input(m->gpio[r->a], r->b, r->level == INPUT_HIGH);
        }
        break;
    case R_IRQ:
        if (m->plic)
            plic_trigger(m->plic, r->a);
        break;
    case R_WAKE:
        if ((ui = uart_of(in, r->a)) != NULL) {
            ui->said_eof = ui->wake_queued = false;
            ns16550_rx_wake(ui->u, r->t);
        }
        break;
    case R_SOURCE:
        if ((ui = uart_of(in, r->a)) != NULL)
            install(ui, r->level);
        break;
    default: break;
    }
}

static void arm(struct input *in)
{
    uint64_t t = UINT64_MAX;
    if (in->replay) {
        while (in->qnext < in->nrecs) {
            enum rec_kind k = in->recs[in->qnext].kind;
            if (k == R_GPIO || k == R_IRQ || k == R_WAKE || k == R_SOURCE) {
                t = in->recs[in->qnext].t;
                break;
            }
            in->qnext++;
        }
    } else if (in->npend) {
        t = in->pend[0].t;
    }
    if (t == UINT64_MAX)
        clock_cancel(&in->m->clock, &in->ev);
    else if (!in->ev.armed || in->ev.when != t)
        clock_schedule(&in->m->clock, &in->ev, t);
}

static void ev_fired(void *opaque)
{
    struct input *in = opaque;
    struct vclock *c = &in->m->clock;
    uint64_t t = in->ev.when;
    /* Inputs come after every device event due at the same cycle: go behind them. */
    if (clock_next(c) <= t) {
        clock_schedule(c, &in->ev, t);
        return;
    }
    if (in->replay) {
        while (in->qnext < in->nrecs && in->recs[in->qnext].t <= t) {
            const struct rec *r = &in->recs[in->qnext++];
            if (r->kind == R_GPIO || r->kind == R_IRQ || r->kind == R_WAKE || r->kind == R_SOURCE)
                apply(in, r);
        }
    } else {
        size_t n = 0;
        while (n < in->npend && in->pend[n].t <= t)
            n++;
        for (size_t k = 0; k < n; k++) {
            apply(in, &in->pend[k]);
            write_rec(in, &in->pend[k]);
        }
        memmove(in->pend, in->pend + n, (in->npend - n) * sizeof *in->pend);
        in->npend -= n;
    }
    arm(in);
}

/* A live input for the event: kept in cycle order, after those of the same cycle. */
static void push(struct input *in, struct rec r)
{
    if (in->npend == in->pendcap) {
        size_t cap = in->pendcap ? 2 * in->pendcap : 16;
        struct rec *p = realloc(in->pend, cap * sizeof *p);
        if (!p) {
            log_info("out of memory for an input: dropped");
            return;
        }
        in->pend = p;
        in->pendcap = cap;
    }
    size_t at = in->npend;
    while (at > 0 && in->pend[at - 1].t > r.t)
        at--;
    memmove(in->pend + at + 1, in->pend + at, (in->npend - at) * sizeof *in->pend);
    in->pend[at] = r;
    in->npend++;
    arm(in);
}

/* ---- the UARTs' receive source ---- */

static int live_uart(struct uart_in *ui, uint8_t *byte)
{
    if (byte && ui->qlen) {
        *byte = ui->q[ui->qhead];
        ui->qhead = (ui->qhead + 1) % ui->qcap;
        ui->qlen--;
        return CHARDEV_DATA;
    }
    bool chr_more = false;
    if (ui->chr && !ui->chr_eof) {
        bool take = byte && !ui->exclusive;
        if (take || ui->interactive) {
            int r = chardev_read(ui->chr, take ? byte : NULL);
            if (r == CHARDEV_QUIT || r == CHARDEV_DATA)
                return r;
            if (r == CHARDEV_EOF)
                ui->chr_eof = true;
            else
                chr_more = true;
        }
    }
    if (ui->holds || ui->qlen || chr_more)
        return CHARDEV_NONE;
    return CHARDEV_EOF;
}

/* The next record for UART ui->k at or after its cursor, or NULL. */
static struct rec *next_uart_rec(struct input *in, struct uart_in *ui)
{
    while (ui->next < in->nrecs) {
        struct rec *r = &in->recs[ui->next];
        if (r->a == ui->k && (r->kind == R_BYTE || r->kind == R_EOF || r->kind == R_QUIT))
            return r;
        ui->next++;
    }
    return NULL;
}

static int replay_uart(struct input *in, struct uart_in *ui, uint8_t *byte, uint64_t cycle)
{
    struct rec *r = next_uart_rec(in, ui);
    if (!r || r->t > cycle)
        return CHARDEV_NONE;
    if (r->kind == R_BYTE && !byte) {
        diverge(in, "uart %u: the byte recorded at cycle %" PRIu64 " (line %u) found the FIFO full",
                ui->k, r->t, r->line);
        return CHARDEV_NONE;
    }
    if (r->t < cycle)
        diverge(in,
                "uart %u: the input recorded at cycle %" PRIu64
                " (line %u) entered at cycle %" PRIu64,
                ui->k, r->t, r->line, cycle);
    ui->next++;
    switch (r->kind) {
    case R_BYTE: *byte = r->data[0]; return CHARDEV_DATA;
    case R_QUIT: return CHARDEV_QUIT;
    default: return CHARDEV_EOF;
    }
}

static int uart_source(void *opaque, uint8_t *byte, uint64_t cycle)
{
    struct uart_in *ui = opaque;
    struct input *in = ui->in;
    if (in->replay)
        return replay_uart(in, ui, byte, cycle);
    int r = live_uart(ui, byte);
    if (r == CHARDEV_EOF)
        ui->said_eof = true;
    if (r != CHARDEV_NONE && (in->rec || in->journal_on)) {
        struct rec rec = { .t = cycle, .a = ui->k, .data = byte, .len = 1 };
        rec.kind = r == CHARDEV_DATA ? R_BYTE : r == CHARDEV_EOF ? R_EOF : R_QUIT;
        write_rec(in, &rec);
    }
    return r;
}

/* ---- life cycle ---- */

struct input *input_new(struct machine *m)
{
    struct input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->m = m;
    clock_event_init(&in->ev, ev_fired, in);
    struct ns16550 *u;
    for (unsigned k = 0; k < INPUT_MAX_UARTS && (u = ns16550_find(m, k)) != NULL; k++) {
        struct uart_in *ui = &in->uarts[in->nuarts++];
        ui->in = in;
        ui->k = k;
        ui->u = u;
        ui->chr = ns16550_chardev(u);
        if (ui->chr)
            install(ui, chardev_interactive(ui->chr));
    }
    return in;
}

static void free_recs(struct rec *recs, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(recs[k].data);
    free(recs);
}

void input_free(struct input *in)
{
    if (!in)
        return;
    clock_cancel(&in->m->clock, &in->ev);
    if (in->rec)
        fclose(in->rec);
    for (unsigned k = 0; k < in->nuarts; k++)
        free(in->uarts[k].q);
    free(in->pend);
    if (in->hist_replay) {
        in->recs = in->saved_recs;
        in->nrecs = in->saved_nrecs;
    }
    free_recs(in->journal, in->njournal);
    free_recs(in->recs, in->nrecs);
    free(in->rec_path);
    free(in->replay_path);
    free(in);
}

bool input_replaying(const struct machine *m)
{
    return m->input && m->input->replay && !m->input->hist_replay;
}

/* ---- history ---- */

/* The saved state: the event, then per UART its cursor and flags, then the cursors. */
struct uart_hist {
    size_t next;
    bool installed, interactive, chr_eof, said_eof, wake_queued;
};

size_t input_state_size(const struct machine *m)
{
    const struct input *in = m->input;
    return sizeof(struct clock_event) + 2 * sizeof(size_t) +
           (in ? in->nuarts : 0) * sizeof(struct uart_hist);
}

void input_history_begin(struct machine *m)
{
    struct input *in = m->input;
    if (in && !in->replay)
        in->journal_on = true;
}

void input_state_save(const struct machine *m, void *buf)
{
    const struct input *in = m->input;
    uint8_t *p = buf;
    if (!in)
        return;
    /* Live, the journal's end is where every cursor stands. */
    bool live = !in->replay;
    memcpy(p, &in->ev, sizeof in->ev);
    p += sizeof in->ev;
    size_t cur[2] = { live ? in->njournal : in->qnext, live ? in->njournal : in->stdin_next };
    memcpy(p, cur, sizeof cur);
    p += sizeof cur;
    for (unsigned k = 0; k < in->nuarts; k++) {
        const struct uart_in *ui = &in->uarts[k];
        struct uart_hist u = { live ? in->njournal : ui->next,
                               ui->installed,
                               ui->interactive,
                               ui->chr_eof,
                               ui->said_eof,
                               ui->wake_queued };
        memcpy(p, &u, sizeof u);
        p += sizeof u;
    }
}

void input_state_restore(struct machine *m, const void *buf)
{
    struct input *in = m->input;
    const uint8_t *p = buf;
    if (!in)
        return;
    memcpy(&in->ev, p, sizeof in->ev);
    p += sizeof in->ev;
    size_t cur[2];
    memcpy(cur, p, sizeof cur);
    p += sizeof cur;
    in->qnext = cur[0];
    in->stdin_next = cur[1];
    for (unsigned k = 0; k < in->nuarts; k++) {
        struct uart_in *ui = &in->uarts[k];
        struct uart_hist u;
        memcpy(&u, p, sizeof u);
        p += sizeof u;
        ui->next = u.next;
        ui->chr_eof = u.chr_eof;
        ui->said_eof = u.said_eof;
        ui->wake_queued = u.wake_queued;
        if (u.installed && (!ui->installed || ui->interactive != u.interactive))
            install(ui, u.interactive);
        ui->installed = u.installed;
    }
}

void input_history_cut(struct machine *m)
{
    struct input *in = m->input;
    if (!in || !in->hist_replay)
        return;
    size_t keep = in->qnext < in->stdin_next ? in->qnext : in->stdin_next;
    for (unsigned k = 0; k < in->nuarts; k++)
        keep = in->uarts[k].next < keep ? in->uarts[k].next : keep;
    if (keep > in->njournal)
        return;
    for (size_t k = keep; k < in->njournal; k++)
        free(in->journal[k].data);
    in->njournal = in->nrecs = keep;
}

void input_history_replay(struct machine *m, bool on)
{
    struct input *in = m->input;
    if (!in || !in->journal_on || on == in->hist_replay)
        return;
    in->hist_replay = on;
    if (on) {
        in->saved_recs = in->recs;
        in->saved_nrecs = in->nrecs;
        in->recs = in->journal;
        in->nrecs = in->njournal;
        in->replay = true;
    } else {
        /* Back at the present: live sources again, from the journal's end. */
        in->recs = in->saved_recs;
        in->nrecs = in->saved_nrecs;
        in->replay = false;
        arm(in);
    }
}

/* ---- the sources' side ---- */

static void need_wake(struct input *in, struct uart_in *ui)
{
    if (ui->said_eof && !ui->wake_queued) {
        ui->wake_queued = true;
        push(in, (struct rec){ .t = now_of(in), .kind = R_WAKE, .a = ui->k });
    }
}

static void ensure_installed(struct input *in, struct uart_in *ui)
{
    if (ui->installed)
        return;
    install(ui, false);
    write_rec(in, &(struct rec){ .t = now_of(in), .kind = R_SOURCE, .a = ui->k, .level = 0 });
}

bool input_uart_send(struct machine *m, unsigned k, const void *buf, size_t len)
{
    struct input *in = m->input;
    struct uart_in *ui = in ? uart_of(in, k) : NULL;
    if (!ui)
        return false;
    if (in->replay) {
        in->dropped++;
        return true;
    }
    if (ui->qlen + len > ui->qcap) {
        size_t cap = ui->qcap ? ui->qcap : 64;
        while (cap < ui->qlen + len)
            cap *= 2;
        uint8_t *q = malloc(cap);
        if (!q)
            return false;
        for (size_t i = 0; i < ui->qlen; i++)
            q[i] = ui->q[(ui->qhead + i) % ui->qcap];
        free(ui->q);
        ui->q = q;
        ui->qcap = cap;
        ui->qhead = 0;
    }
    for (size_t i = 0; i < len; i++)
        ui->q[(ui->qhead + ui->qlen + i) % ui->qcap] = ((const uint8_t *)buf)[i];
    ui->qlen += len;
    ensure_installed(in, ui);
    need_wake(in, ui);
    return true;
}

void input_uart_hold(struct machine *m, unsigned k, bool hold)
{
    struct input *in = m->input;
    struct uart_in *ui = in ? uart_of(in, k) : NULL;
    if (!ui || in->replay)
        return;
    if (hold) {
        ui->holds++;
        ensure_installed(in, ui);
        need_wake(in, ui);
    } else if (ui->holds) {
        ui->holds--;
    }
}

void input_uart_exclusive(struct machine *m, unsigned k)
{
    struct input *in = m->input;
    struct uart_in *ui = in ? uart_of(in, k) : NULL;
    if (ui)
        ui->exclusive = true;
}

static int gpio_bank(const struct machine *m, const struct sifive_gpio *g)
{
    for (unsigned b = 0; b < m->ngpio; b++)
        if (m->gpio[b] == g)
            return (int)b;
    return -1;
}

void input_gpio(struct machine *m, struct sifive_gpio *g, unsigned pin, enum input_level level)
{
    struct input *in = m->input;
    int bank = gpio_bank(m, g);
    if (!in || bank < 0) {
        /* Not one of the machine's banks (a test's own): no record, applied at once. */
        if (level == INPUT_RELEASE)
            sifive_gpio_release_input(g, pin);
        else
            sifive_gpio_set_input(g, pin, level == INPUT_HIGH);
        return;
    }
    if (in->replay) {
        in->dropped++;
        return;
    }
    push(in, (struct rec){
                 .t = now_of(in), .kind = R_GPIO, .a = (unsigned)bank, .b = pin, .level = level });
}

bool input_irq(struct machine *m, unsigned source)
{
    struct input *in = m->input;
    if (!in || !m->plic || source == 0 || source > plic_nsources(m->plic))
        return false;
    if (in->replay) {
        in->dropped++;
        return true;
    }
    push(in, (struct rec){ .t = now_of(in), .kind = R_IRQ, .a = source });
    return true;
}

ssize_t input_stdin_read(struct machine *m, void *buf, size_t len)
{
    struct input *in = m->input;
    if (in && in->replay) {
        while (in->stdin_next < in->nrecs && in->recs[in->stdin_next].kind != R_STDIN)
            in->stdin_next++;
        if (in->stdin_next == in->nrecs)
            return 0;
        struct rec *r = &in->recs[in->stdin_next++];
        if (r->t != now_of(in))
            diverge(in,
                    "stdin: the read recorded at cycle %" PRIu64
                    " (line %u) came at cycle %" PRIu64,
                    r->t, r->line, now_of(in));
        size_t n = r->len < len ? r->len : len;
        if (n < r->len)
            diverge(in, "stdin: the read at line %u asked for fewer bytes than recorded", r->line);
        memcpy(buf, r->data, n);
        return (ssize_t)n;
    }
    /* Standard input has one reader: the console UART's backend when it is stdio (it may
     * hold bytes the UART has not taken), else this read. */
    struct chardev *owner = NULL;
    for (unsigned k = 0; in && k < in->nuarts && !owner; k++)
        if (chardev_owns_stdin(in->uarts[k].chr))
            owner = in->uarts[k].chr;
    ssize_t r;
    if (owner) {
        r = chardev_read_stdin(owner, buf, len);
    } else {
        /* Wait for the line, or for the host to tell hartlab to stop (host/shutdown.h). */
        struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
                               { .fd = shutdown_wake_fd(), .events = POLLIN } };
        while (!shutdown_signal() && poll(p, 2, -1) < 0 && errno == EINTR)
            ;
        if (shutdown_signal()) {
            errno = EINTR;
            r = -1;
        } else {
            do
                r = read(STDIN_FILENO, buf, len);
            while (r < 0 && errno == EINTR);
        }
    }
    if (r < 0 && errno == EINTR && shutdown_signal()) {
        /* The semihosting call fails, and it is the hart's last instruction. */
        machine_exit_signal(m, shutdown_signal());
        return r;
    }
    if (in && (in->rec || in->journal_on))
        write_rec(
            in, &(struct rec){
                    .t = now_of(in), .kind = R_STDIN, .data = buf, .len = r > 0 ? (size_t)r : 0 });
    return r;
}

/* ---- record ---- */

/* FNV-1a, 64 bits, of a file's bytes; false if it cannot be read. */
static bool file_hash(const char *path, uint64_t *hash, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    uint64_t h = 0xcbf29ce484222325ull, n = 0;
    uint8_t buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t k = 0; k < got; k++)
            h = (h ^ buf[k]) * 0x100000001b3ull;
        n += got;
    }
    bool ok = !ferror(f);
    fclose(f);
    *hash = h;
    *size = n;
    return ok;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

bool input_record(struct machine *m, const char *path, const char *firmware, char *err,
                  size_t errlen)
{
    struct input *in = m->input;
    if (!in) {
        snprintf(err, errlen, "--record %s: out of memory", path);
        return false;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "--record %s: cannot write: %s", path, strerror(errno));
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    in->rec = f;
    in->rec_path = strdup(path);
    fprintf(f, "%s %d\n", FORMAT_MAGIC, FORMAT_VERSION);
    fputs("# hartlab --record: every input from outside the simulation, at the hart-0 cycle it "
          "took effect\n# (format: docs/ci.md, \"Record and replay\"). Replay with: hartlab "
          "--replay FILE ...\n",
          f);
    uint64_t hash, size;
    if (firmware && file_hash(firmware, &hash, &size))
        fprintf(f, "firmware %s %" PRIu64 " %016" PRIx64 "\n", base_name(firmware), size, hash);
    for (unsigned k = 0; k < in->nuarts; k++)
        if (in->uarts[k].installed)
            write_rec(in, &(struct rec){ .t = now_of(in),
                                         .kind = R_SOURCE,
                                         .a = k,
                                         .level = in->uarts[k].interactive });
    return true;
}

/* ---- replay ---- */

static char *skip_ws(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The next word of *p (NUL-terminated in place), or NULL at the end of the line. */
static char *word(char **p)
{
    char *s = skip_ws(*p);
    if (!*s || *s == '#' || *s == '"')
        return NULL;
    char *e = s;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    if (*e)
        *e++ = 0;
    *p = e;
    return s;
}

static bool number(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool small(const char *s, unsigned limit, unsigned *out)
{
    uint64_t v;
    if (!number(s, &v) || v >= limit)
        return false;
    *out = (unsigned)v;
    return true;
}

/* A quoted string at *p into a fresh buffer. */
static bool quoted(char **p, uint8_t **data, size_t *len, char *why, size_t whylen)
{
    char *s = skip_ws(*p);
    if (*s != '"') {
        snprintf(why, whylen, "expected a quoted string");
        return false;
    }
    size_t cap = strlen(s) + 1;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    const char *e = escape_parse_quoted(s + 1, s + strlen(s), '"', buf, cap, len, why, whylen);
    if (!e) {
        free(buf);
        return false;
    }
    *data = buf;
    *p = (char *)e;
    return true;
}

static bool at_end(char *p)
{
    p = skip_ws(p);
    return !*p || *p == '#' || *p == '\n' || *p == '\r';
}

/* One record line (not the header); false with a message in `why`. */
static bool parse_rec(struct input *in, char *line, struct rec *r, char *why, size_t whylen)
{
    struct machine *m = in->m;
    char *p = line;
    char *t = word(&p), *what = word(&p);
    if (!number(t, &r->t)) {
        snprintf(why, whylen, "'%s' is not a cycle count", t ? t : "");
        return false;
    }
    if (!what) {
        snprintf(why, whylen, "nothing after the cycle count");
        return false;
    }
    unsigned nuarts = in->nuarts;
    if (strcmp(what, "uart") == 0) {
        char *k = word(&p);
        if (!small(k, nuarts, &r->a)) {
            snprintf(why, whylen, "'%s' is not a UART of this machine (it has %u)", k ? k : "",
                     nuarts);
            return false;
        }
        char *s = skip_ws(p);
        if (*s == '"') {
            r->kind = R_BYTE;
            if (!quoted(&p, &r->data, &r->len, why, whylen))
                return false;
            if (r->len != 1) {
                snprintf(why, whylen, "a uart record holds one byte, this one %zu", r->len);
                return false;
            }
        } else {
            char *v = word(&p);
            if (v && strcmp(v, "eof") == 0)
                r->kind = R_EOF;
            else if (v && strcmp(v, "quit") == 0)
                r->kind = R_QUIT;
            else if (v && strcmp(v, "wake") == 0)
                r->kind = R_WAKE;
            else if (v && strcmp(v, "source") == 0) {
                r->kind = R_SOURCE;
                char *how = word(&p);
                if (how && strcmp(how, "interactive") == 0)
                    r->level = 1;
                else if (how && strcmp(how, "data") == 0)
                    r->level = 0;
                else {
                    snprintf(why, whylen, "expected 'data' or 'interactive' after 'source'");
                    return false;
                }
            } else {
                snprintf(why, whylen, "expected a quoted byte, eof, quit, wake or source");
                return false;
            }
        }
    } else if (strcmp(what, "gpio") == 0) {
        char *b = word(&p), *pin = word(&p), *lv = word(&p);
        if (!small(b, m->ngpio, &r->a)) {
            snprintf(why, whylen, "'%s' is not a GPIO bank of this machine (it has %u)", b ? b : "",
                     m->ngpio);
            return false;
        }
        if (!small(pin, sifive_gpio_ngpios(m->gpio[r->a]), &r->b)) {
            snprintf(why, whylen, "'%s' is not a pin of GPIO bank %u", pin ? pin : "", r->a);
            return false;
        }
        r->kind = R_GPIO;
        if (lv && strcmp(lv, "high") == 0)
            r->level = INPUT_HIGH;
        else if (lv && strcmp(lv, "low") == 0)
            r->level = INPUT_LOW;
        else if (lv && strcmp(lv, "release") == 0)
            r->level = INPUT_RELEASE;
        else {
            snprintf(why, whylen, "expected high, low or release");
            return false;
        }
    } else if (strcmp(what, "irq") == 0) {
        char *s = word(&p);
        unsigned n = m->plic ? plic_nsources(m->plic) + 1 : 0;
        if (!small(s, n, &r->a) || r->a == 0) {
            snprintf(why, whylen, "'%s' is not an interrupt source of this machine's PLIC",
                     s ? s : "");
            return false;
        }
        r->kind = R_IRQ;
    } else if (strcmp(what, "stdin") == 0) {
        r->kind = R_STDIN;
        char *s = skip_ws(p);
        if (*s == '"') {
            if (!quoted(&p, &r->data, &r->len, why, whylen))
                return false;
        } else {
            char *v = word(&p);
            if (!v || strcmp(v, "eof") != 0) {
                snprintf(why, whylen, "expected a quoted string or eof after 'stdin'");
                return false;
            }
            r->len = 0;
        }
    } else {
        snprintf(why, whylen, "unknown input '%s' (uart, gpio, irq, stdin)", what);
        return false;
    }
    if (!at_end(p)) {
        snprintf(why, whylen, "unexpected '%s' at the end", skip_ws(p));
        return false;
    }
    return true;
}

bool input_replay(struct machine *m, const char *path, const char *firmware, char *err,
                  size_t errlen)
{
    struct input *in = m->input;
    if (!in) {
        snprintf(err, errlen, "--replay %s: out of memory", path);
        return false;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "--replay %s: cannot read: %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    unsigned lineno = 0;
    bool ok = true, header = false;
    char why[256];
    struct rec *recs = NULL;
    size_t nrecs = 0, cap = 0;
    while (ok && (len = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) {
            snprintf(err, errlen, "%s:%u: contains a NUL byte: not a hartlab record", path, lineno);
            ok = false;
            break;
        }
        line[strcspn(line, "\r\n")] = 0;
        char *p = skip_ws(line);
        if (!header) {
            char magic[32];
            int version;
            if (sscanf(p, "%31s %d", magic, &version) != 2 || strcmp(magic, FORMAT_MAGIC) != 0) {
                snprintf(err, errlen,
                         "%s:%u: not a hartlab record (it must start with '%s %d'; make one "
                         "with --record)",
                         path, lineno, FORMAT_MAGIC, FORMAT_VERSION);
                ok = false;
            } else if (version != FORMAT_VERSION) {
                snprintf(err, errlen, "%s:%u: record format %d; this hartlab reads format %d", path,
                         lineno, version, FORMAT_VERSION);
                ok = false;
            }
            header = true;
            continue;
        }
        if (!*p || *p == '#')
            continue;
        if (strncmp(p, "firmware ", 9) == 0) {
            char name[256];
            uint64_t size, hash, h2, s2;
            if (sscanf(p + 9, "%255s %" SCNu64 " %" SCNx64, name, &size, &hash) != 3) {
                snprintf(err, errlen, "%s:%u: expected 'firmware NAME SIZE HASH'", path, lineno);
                ok = false;
            } else if (firmware && file_hash(firmware, &h2, &s2) && (h2 != hash || s2 != size)) {
                fprintf(stderr,
                        "hartlab: warning: --replay %s was recorded with another firmware (%s, "
                        "%" PRIu64 " bytes) than %s (%" PRIu64 " bytes): the replay may diverge\n",
                        path, name, size, firmware, s2);
            }
            continue;
        }
        if (strncmp(p, "end ", 4) == 0) {
            uint64_t st;
            if (sscanf(p + 4, "%" SCNu64 " status %" SCNu64 " insns %" SCNu64, &in->end_t, &st,
                       &in->end_insns) != 3) {
                snprintf(err, errlen, "%s:%u: expected 'end CYCLE status S insns N'", path, lineno);
                ok = false;
            }
            in->end_status = (int)st;
            in->have_end = true;
            continue;
        }
        if (nrecs == cap) {
            size_t ncap = cap ? 2 * cap : 64;
            struct rec *n = realloc(recs, ncap * sizeof *n);
            if (!n) {
                snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
                ok = false;
                break;
            }
            recs = n;
            cap = ncap;
        }
        struct rec *r = &recs[nrecs];
        memset(r, 0, sizeof *r);
        r->line = lineno;
        if (!parse_rec(in, p, r, why, sizeof why)) {
            free(r->data);
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            ok = false;
            break;
        }
        nrecs++;
    }
    if (ok && !header) {
        snprintf(err, errlen, "%s: empty file: not a hartlab record", path);
        ok = false;
    }
    free(line);
    fclose(f);
    if (!ok) {
        free_recs(recs, nrecs);
        return false;
    }
    in->recs = recs;
    in->nrecs = nrecs;
    in->replay = true;
    in->replay_path = strdup(path);
    in->npend = 0;
    /* The live sources are disconnected; the recorded ones take their place. */
    for (unsigned k = 0; k < in->nuarts; k++) {
        in->uarts[k].installed = false;
        ns16550_set_rx_source(in->uarts[k].u, NULL, NULL, false);
    }
    uint64_t now = now_of(in);
    while (in->qnext < nrecs && recs[in->qnext].kind == R_SOURCE && recs[in->qnext].t <= now)
        apply(in, &recs[in->qnext++]);
    arm(in);
    return true;
}

bool input_finish(struct machine *m, int status)
{
    struct input *in = m->input;
    if (!in)
        return true;
    const struct hart *h0 = machine_hart(m, 0);
    uint64_t cycles = hart_cycles(h0), retired = hart_retired(h0);
    if (in->rec) {
        fprintf(in->rec, "end %" PRIu64 " status %d insns %" PRIu64 "\n", cycles, status, retired);
        bool bad = ferror(in->rec) != 0;
        if (fclose(in->rec) != 0)
            bad = true;
        in->rec = NULL;
        if (bad) {
            fprintf(stderr, "hartlab: --record %s: could not write the whole file\n", in->rec_path);
            return false;
        }
        return true;
    }
    if (!in->replay)
        return true;
    bool ok = true;
    size_t unused = 0;
    for (unsigned k = 0; k < in->nuarts; k++)
        if (next_uart_rec(in, &in->uarts[k]))
            unused++;
    arm(in);
    if (in->ev.armed)
        unused++;
    if (unused && !in->diverged)
        diverge(in, "some recorded inputs were never applied (the run ended before them)");
    if (in->have_end &&
        (in->end_t != cycles || in->end_insns != retired || in->end_status != status)) {
        fprintf(stderr,
                "hartlab: --replay %s: the run ended at cycle %" PRIu64 " after %" PRIu64
                " instructions with status %d; the recorded run ended at cycle %" PRIu64
                " after %" PRIu64 " instructions with status %d: the replay diverged%s%s\n",
                in->replay_path, cycles, retired, status, in->end_t, in->end_insns, in->end_status,
                in->diverged ? ": " : "", in->diverged ? in->diverged_msg : "");
        ok = false;
    } else if (in->diverged) {
        fprintf(stderr, "hartlab: --replay %s: %s\n", in->replay_path, in->diverged_msg);
        ok = false;
    } else {
        log_info("--replay %s: the run ended as recorded (cycle %" PRIu64 ", %" PRIu64
                 " instructions, status %d)",
                 in->replay_path, cycles, retired, status);
    }
    if (in->dropped)
        log_info("--replay: %u live input(s) ignored", in->dropped);
    return ok;
}
