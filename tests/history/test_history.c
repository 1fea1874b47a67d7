/* Reverse execution's state-comparison test (platform/history.h, issue 19): run a firmware
 * sample forward on its board, stopping at several points and recording the complete
 * machine state there (every hart's registers, pc, privilege, counters and readable CSRs;
 * all of RAM; every device's registered state; the pending clock events; the UART output
 * so far); then go back to each point in a scrambled order through history and compare the
 * state with the one recorded on the way forward; go forward again to the end and compare
 * once more, and check that re-executed history printed nothing a second time.
 *
 * With `input` (a sample that echoes its UART input): bytes typed into the UART between
 * runs are handed out again from history when the run is re-executed (the echoed text is in
 * RAM and the UART's FIFO state, compared as above).
 *
 * Usage: test_history ELF [NHARTS [input]]   (meson passes a sample with timer interrupts and UART
 * output; NHARTS > 1 runs the same check with several harts).
 *        test_history --bench ELF     the cost figures of docs/gdb.md (host time; not a test):
 *                                     the run with and without history, the memory history
 *                                     holds, and how long going back takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/hart.h"
#include "devices/ns16550.h"
#include "host/input.h"
#include "platform/board.h"
#include "platform/history.h"
#include "platform/machine.h"

static const char *elf_path;
static unsigned nharts = 1;

#define NPOINTS 6

struct digest {
    uint64_t position;
    uint64_t hart[MACHINE_MAX_HARTS];
    uint64_t ram, devices, queue;
    uint64_t tx_bytes, tx_hash;
};

struct tx_count {
    uint64_t n, hash;
};

static void on_tx(void *opaque, uint8_t b, uint64_t cycle)
{
    struct tx_count *t = opaque;
    t->n++;
    t->hash = (t->hash ^ b ^ cycle) * 0x100000001b3ull;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t k = 0; k < n; k++)
        h = (h ^ b[k]) * 0x100000001b3ull;
    return h;
}

/* Word-wise: RAM is large. */
static uint64_t hash_words(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t k = 0; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, p + k, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

static uint64_t hart_digest(struct hart *h)
{
    uint64_t d = 0xcbf29ce484222325ull, v;
    for (unsigned r = 0; r < 32; r++) {
        v = hart_reg(h, r);
        d = fnv(d, &v, 8);
        v = hart_freg(h, r);
        d = fnv(d, &v, 8);
    }
    uint64_t a[] = { hart_pc(h),      hart_priv(h),  hart_cycles(h),
                     hart_retired(h), hart_traps(h), hart_waiting(h) };
    d = fnv(d, a, sizeof a);
    for (unsigned csr = 0; csr < 4096; csr++)
        if (hart_csr_peek(h, csr, &v)) {
            d = fnv(d, &csr, sizeof csr);
            d = fnv(d, &v, 8);
        }
    return d;
}

static void take_digest(struct machine *m, const struct tx_count *tx, struct digest *out)
{
    memset(out, 0, sizeof *out);
    out->position = machine_position(m);
    for (unsigned k = 0; k < machine_nharts(m); k++)
        out->hart[k] = hart_digest(machine_hart(m, k));
    uint64_t r = 0xcbf29ce484222325ull;
    for (unsigned k = 0; k < m->bus.nregions; k++)
        if (m->bus.regions[k].mem)
            r = hash_words(r, m->bus.regions[k].mem, m->bus.regions[k].size);
    out->ram = r;
    uint64_t d = 0xcbf29ce484222325ull;
    for (unsigned k = 0; k < m->nstates; k++)
        d = fnv(d, m->states[k].p, m->states[k].len);
    out->devices = d;
    uint64_t q = 0xcbf29ce484222325ull;
    for (const struct clock_event *e = m->clock.queue; e; e = e->next) {
        uint64_t w[3] = { (uint64_t)(uintptr_t)e, e->when, e->seq };
        q = fnv(q, w, sizeof w);
    }
    out->queue = q;
    out->tx_bytes = tx->n;
    out->tx_hash = tx->hash;
}

static void assert_same(const struct digest *a, const struct digest *b, const char *what)
{
    if (memcmp(a, b, sizeof *a) != 0)
        fprintf(stderr, "%s: position %llu vs %llu, ram %d, devices %d, queue %d, harts %d\n", what,
                (unsigned long long)a->position, (unsigned long long)b->position, a->ram == b->ram,
                a->devices == b->devices, a->queue == b->queue,
                memcmp(a->hart, b->hart, sizeof a->hart) == 0);
    assert_int_equal(a->position, b->position);
    assert_memory_equal(a->hart, b->hart, sizeof a->hart);
    assert_int_equal(a->ram, b->ram);
    assert_int_equal(a->devices, b->devices);
    assert_int_equal(a->queue, b->queue);
}

static struct machine *build(void **fdt_out)
{
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.ram_size = 16ull << 20; /* the samples need little; hashing RAM is the test's cost */
    o.xlen = strstr(elf_path, "rv32") ? 32 : 64;
    size_t size;
    void *fdt = board_open("virt", &size, err, sizeof err);
    assert_non_null(fdt);
    void *fitted = board_fit_harts(fdt, nharts, &o, err, sizeof err);
    assert_non_null(fitted);
    assert_true(board_apply_options(fitted, &o, err, sizeof err));
    o.fdt = fitted;
    o.serial = "none";
    struct machine *m = machine_new(&o, err, sizeof err);
    if (!m)
        fprintf(stderr, "%s\n", err);
    assert_non_null(m);
    struct elf_info info;
    if (!machine_load_elf(m, elf_path, &info, err, sizeof err))
        fprintf(stderr, "%s\n", err);
    assert_true(board_place(m, NULL, err, sizeof err));
    symtab_free(info.symbols);
    *fdt_out = fitted;
    return m;
}

/* Run until hart 0 has done `count` steps (or the run ends). */
static int run_to(struct machine *m, uint64_t count)
{
    m->opts.max_insns = count;
    return machine_run(m);
}

/* The whole run without history: hart 0's count at the end and the exit status. */
static uint64_t total_count(int *status)
{
    void *fdt;
    struct machine *m = build(&fdt);
    *status = run_to(m, 0);
    uint64_t n = hart_retired(machine_hart(m, 0)) + hart_traps(machine_hart(m, 0));
    machine_free(m);
    free(fdt);
    return n;
}

static const char *mode = "";

static void test_back_and_forth(void **state)
{
    (void)state;
    if (strcmp(mode, "input") == 0)
        skip(); /* a sample that waits for input: only the input test */
    int end_status;
    uint64_t total = total_count(&end_status);
    void *fdt;
    struct machine *m = build(&fdt);
    struct tx_count tx = { 0, 0 };
    struct ns16550 *u = ns16550_find(m, 0);
    assert_non_null(u);
    assert_true(ns16550_listen_tx(u, on_tx, &tx));
    char err[128];
    /* A short interval, so that going back crosses snapshots and RAM page versions. */
    struct history_options ho = { .interval = total / 12 + 100, .budget = 0 };
    assert_true(history_start(m, &ho, err, sizeof err));

    struct digest fwd[NPOINTS];
    struct history_point pts[NPOINTS];
    uint64_t counts[NPOINTS];
    int status = 0;
    for (unsigned p = 0; p < NPOINTS; p++) {
        counts[p] = total * (p + 1) / (NPOINTS + 1) + p;
        status = run_to(m, counts[p]);
        take_digest(m, &tx, &fwd[p]);
        history_here(m->history, &pts[p]);
        if (status != MACHINE_EXIT_LIMIT)
            break;
    }
    assert_int_equal(status, MACHINE_EXIT_LIMIT); /* the sample runs longer than this */
    assert_true(tx.n > 0);                        /* and printed on the way */
    struct history_stats hs;
    history_stats(m->history, &hs);
    assert_true(hs.snapshots > 3);
    /* Device state an idle device keeps is shared between snapshots (virt's eight
     * virtio-mmio slots are most of it): all snapshots together hold less than two full
     * copies of the registered device state. */
    size_t devices = 0;
    for (unsigned k = 0; k < m->nstates; k++)
        devices += m->states[k].len;
    assert_true(hs.state_bytes < hs.snapshots * (nharts * hart_state_size() + 1024) + 2 * devices);
    fprintf(stderr, "history: %u snapshots, %llu KiB pages, %llu KiB state, %llu log entries\n",
            hs.snapshots, (unsigned long long)hs.page_bytes >> 10,
            (unsigned long long)hs.state_bytes >> 10, (unsigned long long)hs.log_entries);

    /* Back to each point, out of order, and compare. */
    static const unsigned order[] = { 2, 0, 4, 1, 3, 5, 0 };
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++) {
        unsigned p = order[i];
        assert_true(history_goto_point(m->history, &pts[p]));
        assert_true(history_in_past(m->history) || p == NPOINTS - 1);
        struct digest d;
        take_digest(m, &tx, &d);
        d.tx_bytes = fwd[p].tx_bytes; /* output is compared below */
        d.tx_hash = fwd[p].tx_hash;
        char what[64];
        snprintf(what, sizeof what, "point %u (count %llu)", p, (unsigned long long)counts[p]);
        assert_same(&d, &fwd[p], what);
    }
    /* Hart 0's count: the first point it was reached (before the clock checks after it). */
    assert_true(history_goto(m->history, 0, counts[2]));
    assert_int_equal(hart_retired(machine_hart(m, 0)) + hart_traps(machine_hart(m, 0)), counts[2]);
    /* One instruction back from hart 0's count at point 3, then forward again: the same
     * state. */
    struct digest d, d3;
    assert_true(history_goto(m->history, 0, counts[3]));
    take_digest(m, &tx, &d3);
    struct history_stop st;
    history_step_back(m->history, 0, &st);
    assert_int_equal(st.result, HISTORY_REACHED);
    assert_int_equal(hart_retired(machine_hart(m, 0)) + hart_traps(machine_hart(m, 0)),
                     counts[3] - 1);
    history_step_forward(m->history, 0, &st);
    assert_int_equal(st.result, HISTORY_REACHED);
    take_digest(m, &tx, &d);
    assert_same(&d, &d3, "step back and forward");

    /* Forward to the end of history: the present, as it was, and nothing printed twice. */
    history_continue_forward(m->history, &st);
    assert_int_equal(st.result, HISTORY_END);
    assert_false(history_in_past(m->history));
    take_digest(m, &tx, &d);
    assert_same(&d, &fwd[NPOINTS - 1], "end of history");
    assert_int_equal(tx.n, fwd[NPOINTS - 1].tx_bytes);

    /* The start of history: everything as it was before the first instruction. */
    assert_true(history_goto_start(m->history));
    assert_int_equal(machine_position(m), 0);
    history_step_back(m->history, 0, &st);
    assert_int_equal(st.result, HISTORY_BEGIN);

    /* And live again from the end: the run goes on as if nothing had happened. */
    history_continue_forward(m->history, &st);
    assert_int_equal(st.result, HISTORY_END);
    uint64_t before = tx.n;
    status = run_to(m, 0);
    assert_int_equal(status, end_status);
    assert_int_equal(hart_retired(machine_hart(m, 0)) + hart_traps(machine_hart(m, 0)), total);
    assert_true(tx.n >= before);

    machine_free(m);
    free(fdt);
}

/* The same run without history ends in exactly the same state: recording does not change
 * the run. */
static void test_history_changes_nothing(void **state)
{
    (void)state;
    if (strcmp(mode, "input") == 0)
        skip();
    struct digest a, b;
    for (int with = 0; with < 2; with++) {
        void *fdt;
        struct machine *m = build(&fdt);
        struct tx_count tx = { 0, 0 };
        assert_true(ns16550_listen_tx(ns16550_find(m, 0), on_tx, &tx));
        char err[128];
        struct history_options ho = { .interval = 1000, .budget = 0 };
        if (with)
            assert_true(history_start(m, &ho, err, sizeof err));
        for (unsigned p = 1; p <= 4; p++)
            run_to(m, p * 3001);
        take_digest(m, &tx, with ? &b : &a);
        machine_free(m);
        free(fdt);
    }
    b.devices = a.devices; /* device structs hold host pointers of their own machine */
    b.queue = a.queue;
    assert_int_equal(a.position, b.position);
    assert_memory_equal(a.hart, b.hart, sizeof a.hart);
    assert_int_equal(a.ram, b.ram);
    assert_int_equal(a.tx_bytes, b.tx_bytes);
    assert_int_equal(a.tx_hash, b.tx_hash);
}

static void test_input_replayed(void **state)
{
    (void)state;
    if (strcmp(mode, "input") != 0)
        skip();
    void *fdt;
    struct machine *m = build(&fdt);
    struct tx_count tx = { 0, 0 };
    assert_true(ns16550_listen_tx(ns16550_find(m, 0), on_tx, &tx));
    char err[128];
    struct history_options ho = { .interval = 500, .budget = 0 };
    assert_true(history_start(m, &ho, err, sizeof err));
    input_uart_hold(m, 0, true);
    static const char *const typed[] = { "abc\n", "hello\n", "q" };
    struct digest d[4];
    struct history_point pts[4];
    int status = 0;
    for (unsigned k = 0; k < 4; k++) {
        /* Long enough for the echo of what was typed (at the line's character rate); the
         * held line would keep the machine polling for ever. */
        m->opts.max_insns = 0;
        m->opts.max_cycles = hart_cycles(machine_hart(m, 0)) + 2000000;
        status = machine_run(m);
        take_digest(m, &tx, &d[k]);
        history_here(m->history, &pts[k]);
        if (k < 3)
            assert_true(input_uart_send(m, 0, typed[k], strlen(typed[k])));
    }
    assert_int_equal(status, 0); /* 'q' ended the run */
    uint64_t printed = tx.n;
    assert_true(printed > 20);
    /* Back before any input, then forward to the end: the same state, the input handed out
     * again from history, nothing printed twice. */
    assert_true(history_goto_point(m->history, &pts[0]));
    struct digest x;
    take_digest(m, &tx, &x);
    x.tx_bytes = d[0].tx_bytes;
    x.tx_hash = d[0].tx_hash;
    assert_same(&x, &d[0], "before the input");
    struct history_stop st;
    history_continue_forward(m->history, &st);
    assert_int_equal(st.result, HISTORY_END);
    take_digest(m, &tx, &x);
    assert_same(&x, &d[3], "after the input, re-executed");
    assert_int_equal(tx.n, printed);
    /* And to the point between the second and the third input. */
    assert_true(history_goto_point(m->history, &pts[2]));
    take_digest(m, &tx, &x);
    x.tx_bytes = d[2].tx_bytes;
    x.tx_hash = d[2].tx_hash;
    assert_same(&x, &d[2], "between inputs");
    machine_free(m);
    free(fdt);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench(void)
{
    void *fdt;
    struct machine *m = build(&fdt);
    double t0 = now_s();
    int st0 = run_to(m, 0);
    double plain = now_s() - t0;
    uint64_t n = machine_position(m);
    machine_free(m);
    free(fdt);

    m = build(&fdt);
    char err[128];
    t0 = now_s();
    if (!history_start(m, NULL, err, sizeof err))
        return 1;
    int st1 = run_to(m, 0);
    double with = now_s() - t0;
    struct history_stats hs;
    history_stats(m->history, &hs);
    printf("%s: %llu steps, status %d/%d; run %.3f s without history, %.3f s with (%+.1f%%)\n",
           elf_path, (unsigned long long)n, st0, st1, plain, with, 100.0 * (with - plain) / plain);
    printf("history: %u snapshots every %u steps, %.1f MiB RAM pages, %.1f MiB hart/device "
           "state, %llu log entries\n",
           hs.snapshots, HISTORY_DEFAULT_INTERVAL, (double)hs.page_bytes / (1 << 20),
           (double)hs.state_bytes / (1 << 20), (unsigned long long)hs.log_entries);
    struct history_stop stop;
    double worst = 0, sum = 0;
    const int steps = 20;
    for (int k = 0; k < steps; k++) {
        t0 = now_s();
        history_step_back(m->history, 0, &stop);
        double d = now_s() - t0;
        sum += d;
        worst = d > worst ? d : worst;
    }
    printf("reverse-stepi: %.1f ms average, %.1f ms worst (%d steps from the end)\n",
           1000 * sum / steps, 1000 * worst, steps);
    t0 = now_s();
    history_continue_back(m->history, &stop);
    printf("reverse-continue with no breakpoint to the start: %.1f ms (result %d)\n",
           1000 * (now_s() - t0), stop.result);
    t0 = now_s();
    history_continue_forward(m->history, &stop);
    printf("continue forward along all of history: %.1f ms (result %d)\n", 1000 * (now_s() - t0),
           stop.result);
    machine_free(m);
    free(fdt);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--bench") == 0) {
        elf_path = argv[2];
        return bench();
    }
    if (argc < 2) {
        fprintf(stderr, "usage: test_history ELF [NHARTS]\n");
        return 2;
    }
    elf_path = argv[1];
    if (argc > 2)
        nharts = (unsigned)atoi(argv[2]);
    if (argc > 3)
        mode = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_back_and_forth),
        cmocka_unit_test(test_history_changes_nothing),
        cmocka_unit_test(test_input_replayed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
