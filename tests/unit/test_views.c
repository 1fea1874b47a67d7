/* Unit tests of the views outside the core library (ui/): the hub (ui/observe.c), the call
 * frames model behind --trace=frames and the panel's stack view (ui/frames.c), the VCD
 * writer (ui/vcd.c, IEEE 1364-2005 section 18) and --realtime pacing (ui/pace.c). Each
 * runs a small RV64I program on a bare machine; docs/design.md decision 9 is the rule
 * checked throughout: a view watches the run and does not change it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hart.h"
#include "devices/bus.h"
#include "devices/clint.h"
#include "loader/symtab.h"
#include "platform/machine.h"
#include "ui/frames.h"
#include "ui/observe.h"
#include "ui/pace.h"
#include "ui/vcd.h"

#define RAM 0x80000000ull

/* start: auipc sp, 1 (sp = 0x80001000); call f twice; spin. f: a 32-byte frame, keeps ra in
 * s0 around its call of g; g: a 16-byte frame, a0 += 1. So 4 calls, 4 returns, depth 2,
 * and a0 = 2 at the spin. */
static const uint32_t program[] = {
    0x00001117, /* auipc sp, 1 */
    0x00c000ef, /* jal ra, +12 (f) */
    0x008000ef, /* jal ra, +8 (f) */
    0x0000006f, /* j . */
    0xfe010113, /* f: addi sp, sp, -32 */
    0x00008413, /*    mv s0, ra */
    0x010000ef, /*    jal ra, +16 (g) */
    0x00040093, /*    mv ra, s0 */
    0x02010113, /*    addi sp, sp, 32 */
    0x00008067, /*    ret */
    0xff010113, /* g: addi sp, sp, -16 */
    0x00150513, /*    addi a0, a0, 1 */
    0x01010113, /*    addi sp, sp, 16 */
    0x00008067, /*    ret */
};
#define F_ADDR (RAM + 0x10)
#define G_ADDR (RAM + 0x28)

static struct machine *new_machine_harts(uint64_t max_cycles, unsigned nharts)
{
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.max_cycles = max_cycles;
    o.nharts = nharts;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    assert_true(machine_write_mem(m, RAM, program, sizeof program));
    m->symbols = symtab_new();
    assert_non_null(m->symbols);
    symtab_add(m->symbols, "start", RAM, 0x10, SYM_FUNC);
    symtab_add(m->symbols, "f", F_ADDR, 0x18, SYM_FUNC);
    symtab_add(m->symbols, "g", G_ADDR, 0x10, SYM_FUNC);
    symtab_finish(m->symbols);
    hart_set_pc(machine_hart(m, 0), RAM);
    return m;
}

static struct machine *new_machine(uint64_t max_cycles)
{
    return new_machine_harts(max_cycles, 1);
}

static char *slurp(FILE *f)
{
    static char buf[1 << 16];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    return buf;
}

struct counts {
    uint64_t steps, last_pc;
};

static void count_step(void *ctx, struct hart *h, const struct insn *ins)
{
    (void)ins;
    struct counts *c = ctx;
    c->steps++;
    c->last_pc = hart_pc(h);
}

/* The hub fans one hart event out to every view that asked, in order, and the run with
 * views is the run without them. */
static void hub_fans_out(void **state)
{
    (void)state;
    struct machine *plain = new_machine(500);
    assert_int_equal(machine_run(plain), MACHINE_EXIT_LIMIT);

    struct machine *m = new_machine(500);
    struct observe *ob = observe_new(m);
    assert_non_null(ob);
    struct counts a = { 0 }, b = { 0 };
    observe_on_step(ob, count_step, &a);
    observe_on_step(ob, count_step, &b);
    observe_set_stepping(ob, true); /* steps are delivered while asked for */
    observe_attach(ob);
    assert_int_equal(machine_run(m), MACHINE_EXIT_LIMIT);
    struct hart *h = machine_hart(m, 0), *hp = machine_hart(plain, 0);
    assert_int_equal(a.steps, hart_retired(h));
    assert_int_equal(b.steps, a.steps);
    assert_int_equal(a.last_pc, RAM + 0xc); /* the spin */
    assert_int_equal(hart_retired(h), hart_retired(hp));
    assert_int_equal(hart_cycles(h), hart_cycles(hp));
    assert_int_equal(hart_reg(h, 10), 2);
    observe_free(ob);
    machine_free(m);
    machine_free(plain);
}

/* The panel's stack view with several harts follows the hart shown (Tab): here hart 1 runs
 * the calls while hart 0 spins, and each model sees only its own hart's. */
static void frames_follow_another_hart(void **state)
{
    (void)state;
    struct machine *m = new_machine_harts(500, 2);
    hart_set_pc(machine_hart(m, 0), RAM + 0xc); /* the spin */
    hart_set_pc(machine_hart(m, 1), RAM);
    struct observe *ob = observe_new(m);
    struct frames *f0 = frames_new(ob, NULL), *f1 = frames_new(ob, NULL);
    assert_non_null(f0);
    assert_non_null(f1);
    frames_follow(f1, 1);
    frames_follow(f0, 7); /* no such hart: stays on hart 0 */
    assert_int_equal(f0->hart, 0);
    observe_set_stepping(ob, true);
    observe_attach(ob);
    assert_int_equal(machine_run(m), MACHINE_EXIT_LIMIT);
    assert_int_equal(f0->calls, 0);
    assert_int_equal(f0->depth, 1);
    assert_int_equal(f1->calls, 4);
    assert_int_equal(f1->returns, 4);
    assert_int_equal(f1->max_depth, 2);
    assert_int_equal(hart_reg(machine_hart(m, 1), 10), 2);
    frames_free(f0);
    frames_free(f1);
    observe_free(ob);
    machine_free(m);
}

/* --trace=frames: every call and return, with frame sizes and depth. */
static void frames_follow_calls(void **state)
{
    (void)state;
    struct machine *m = new_machine(500);
    struct observe *ob = observe_new(m);
    FILE *out = tmpfile();
    assert_non_null(out);
    struct frames *fr = frames_new(ob, out);
    assert_non_null(fr);
    observe_set_stepping(ob, true);
    observe_attach(ob);
    assert_int_equal(machine_run(m), MACHINE_EXIT_LIMIT);
    assert_int_equal(fr->calls, 4);
    assert_int_equal(fr->returns, 4);
    assert_int_equal(fr->max_depth, 2);
    assert_int_equal(fr->depth, 1); /* back in start */
    frames_free(fr);
    char *t = slurp(out);
    assert_non_null(strstr(t, "-> f from start+0x4 sp=0x80001000"));
    assert_non_null(strstr(t, "-> g from f+0x8 sp=0x80000fe0"));
    assert_non_null(strstr(t, "<- g frame 16 bytes a0=0x1 depth 1"));
    assert_non_null(strstr(t, "<- f frame 32 bytes a0=0x1 depth 0"));
    assert_non_null(strstr(t, "<- f frame 32 bytes a0=0x2 depth 0"));
    assert_non_null(strstr(t, "# frames: 4 calls, 4 returns, max depth 2"));
    fclose(out);
    observe_free(ob);
    machine_free(m);
}

/* --vcd: a header GTKWave reads, initial values at time 0, and the CLINT's timer line
 * rising at the deadline's time in ns. */
static void vcd_records_lines(void **state)
{
    (void)state;
    struct machine *m = new_machine(2000);
    assert_non_null(clint_new(m, 0x2000000, 1, NULL));
    /* mtimecmp = 50 ticks: MTIP rises at cycle 500 (10 cycles a tick without a tree). */
    assert_int_equal(bus_store(&m->bus, 0x2000000 + CLINT_MTIMECMP_BASE, 8, 50), BUS_OK);
    struct observe *ob = observe_new(m);
    char path[] = "/tmp/hartlab-vcd-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    struct vcd *v = vcd_new(ob, path, err, sizeof err);
    assert_non_null(v);
    observe_attach(ob);
    machine_run(m);
    vcd_free(v);
    observe_free(ob);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *t = slurp(f);
    fclose(f);
    unlink(path);
    assert_non_null(strstr(t, "$timescale 1ns $end"));
    assert_non_null(strstr(t, "$enddefinitions $end"));
    assert_non_null(strstr(t, "#0\n$dumpvars\n"));
    /* The timer line's identifier, from its $var line. */
    char *var = strstr(t, "$var wire 1 ");
    char id[8] = "";
    for (; var; var = strstr(var + 1, "$var wire 1 ")) {
        char name[64];
        if (sscanf(var, "$var wire 1 %7s %63s", id, name) == 2 && strstr(name, "mtip"))
            break;
    }
    assert_non_null(var);
    /* 100 MHz hart clock: cycle 500 is 5000 ns; the line rises at the first block
     * boundary at or after it (a spinning jump is 2 cycles). */
    char want[16];
    snprintf(want, sizeof want, "\n1%s\n", id);
    char *rise = strstr(t, want);
    assert_non_null(rise);
    char *stamp = rise;
    while (stamp > t && !(stamp[0] == '#' && stamp[-1] == '\n'))
        stamp--;
    unsigned long long ns = strtoull(stamp + 1, NULL, 10);
    assert_true(ns >= 5000 && ns <= 5040);
    machine_free(m);
}

static unsigned idles;
static void idle(void *ctx)
{
    (void)ctx;
    idles++;
}

/* --realtime: pacing waits for the host clock to reach the virtual time, never less. */
static void pace_waits_for_the_host(void **state)
{
    (void)state;
    struct pace p;
    pace_start(&p, 1000000000, 1000); /* 1 GHz: a cycle is a nanosecond */
    uint64_t t0 = pace_host_ns();
    pace_wait(&p, 1000 + 20000000, idle, NULL); /* 20 ms of virtual time */
    uint64_t t1 = pace_host_ns();
    assert_true(t1 - p.origin_ns >= 20000000);
    assert_true(t1 >= t0);
    /* A time already passed does not wait nor call the idle function. */
    unsigned before = idles;
    pace_wait(&p, 1000, idle, NULL);
    assert_int_equal(idles, before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hub_fans_out),
        cmocka_unit_test(frames_follow_calls),
        cmocka_unit_test(frames_follow_another_hart),
        cmocka_unit_test(vcd_records_lines),
        cmocka_unit_test(pace_waits_for_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
