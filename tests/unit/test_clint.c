/* Unit tests of the CLINT (devices/clint.c) in QEMU qtest style: write a register through
 * the bus, step the virtual clock, check the hart's mip bits.
 *
 * Sources: RISC-V ACLINT specification 1.0 (MSWI: msip bit 0, upper bits zero; MTIMER:
 * mtime and mtimecmp 64-bit, a timer interrupt pending while mtime >= mtimecmp) and the
 * Privileged Architecture 1.12 section 3.2.1, including its RV32 mtimecmp update sequence
 * (write all ones to the high half, then the low half, then the high half) that must never
 * raise a spurious interrupt. Offsets are those of SiFive's CLINT on QEMU virt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/hart_internal.h" /* the tests set and read hart fields directly */
#include "devices/clint.h"
#include "platform/machine.h"

#define BASE        0x2000000ull
#define MSIP(k)     (BASE + CLINT_MSIP_BASE + 4 * (k))
#define MTIMECMP(k) (BASE + CLINT_MTIMECMP_BASE + 8 * (k))
#define MTIME       (BASE + CLINT_MTIME)

struct fixture {
    struct machine *m;
    struct clint *c;
    uint64_t now; /* the virtual clock reads this */
    unsigned cpt; /* cycles per mtime tick */
};

static struct fixture *setup(unsigned nharts)
{
    static struct fixture f;
    struct machine_options o;
    char err[200];
    machine_options_default(&o);
    o.nharts = nharts;
    f.m = machine_new(&o, err, sizeof err);
    assert_non_null(f.m);
    f.now = 0;
    f.m->clock.now = &f.now;
    f.cpt = f.m->clock.cycles_per_tick;
    assert_true(f.cpt > 1); /* so "one cycle before the tick" is a distinct time */
    f.c = clint_new(f.m, BASE, nharts, NULL);
    assert_non_null(f.c);
    return &f;
}

static void teardown(struct fixture *f)
{
    machine_free(f->m);
}

/* Advance virtual time to `cycles` and fire what is due, as the run loop does. */
static void step_to(struct fixture *f, uint64_t cycles)
{
    f->now = cycles;
    for (unsigned k = 0; k < machine_nharts(f->m); k++)
        machine_hart(f->m, k)->cycles = cycles;
    clock_run_due(&f->m->clock, cycles);
}

static uint64_t rd(struct fixture *f, uint64_t addr, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(bus_load(&f->m->bus, addr, size, &v), BUS_OK);
    return v;
}

static void wr(struct fixture *f, uint64_t addr, unsigned size, uint64_t val)
{
    assert_int_equal(bus_store(&f->m->bus, addr, size, val), BUS_OK);
}

static uint64_t mip(struct fixture *f, unsigned k)
{
    return machine_hart(f->m, k)->mip;
}

static void test_reset_state(void **state)
{
    struct fixture *f = setup(1);
    assert_int_equal(rd(f, MSIP(0), 4), 0);
    assert_int_equal(rd(f, MTIMECMP(0), 8), UINT64_MAX);
    assert_int_equal(rd(f, MTIME, 8), 0);
    assert_int_equal(mip(f, 0) & (MIP_MSIP | MIP_MTIP), 0);
    /* Nothing is scheduled: a hart in wfi would hang, not spin. */
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    teardown(f);
}

static void test_msip_sets_and_clears(void **state)
{
    struct fixture *f = setup(1);
    wr(f, MSIP(0), 4, 1);
    assert_true(mip(f, 0) & MIP_MSIP);
    assert_int_equal(rd(f, MSIP(0), 4), 1);
    assert_true(clint_msip(f->c, 0));
    /* Only bit 0 exists; the upper bits are wired to zero. */
    wr(f, MSIP(0), 4, 0xfffffffe);
    assert_false(mip(f, 0) & MIP_MSIP);
    assert_int_equal(rd(f, MSIP(0), 4), 0);
    wr(f, MSIP(0), 4, 0xffffffff);
    assert_int_equal(rd(f, MSIP(0), 4), 1);
    wr(f, MSIP(0), 4, 0);
    assert_false(mip(f, 0) & MIP_MSIP);
    assert_false(mip(f, 0) & MIP_MTIP);
    teardown(f);
}

static void test_mtime_counts_ticks(void **state)
{
    struct fixture *f = setup(1);
    step_to(f, 100 * f->cpt + f->cpt - 1);
    assert_int_equal(rd(f, MTIME, 8), 100);
    assert_int_equal(rd(f, MTIME, 4), 100);
    assert_int_equal(rd(f, MTIME + 4, 4), 0);
    assert_int_equal(hart_mtime(machine_hart(f->m, 0)), 100);
    teardown(f);
}

static void test_mtimecmp_deadline(void **state)
{
    struct fixture *f = setup(1);
    step_to(f, 10 * f->cpt);
    wr(f, MTIMECMP(0), 8, 50);
    assert_false(mip(f, 0) & MIP_MTIP);
    /* The event sits at the first cycle of tick 50: wfi can skip straight to it. */
    assert_int_equal(clock_next(&f->m->clock), 50 * f->cpt);
    assert_int_equal(clint_deadline(f->c, 0), 50 * f->cpt);
    step_to(f, 50 * f->cpt - 1);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(rd(f, MTIME, 8), 49);
    step_to(f, 50 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_true(clint_mtip(f->c, 0));
    assert_int_equal(rd(f, MTIME, 8), 50);
    /* It stays high while mtime >= mtimecmp. */
    step_to(f, 80 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    /* Rewriting mtimecmp into the future lowers it at once and arms a new deadline. */
    wr(f, MTIMECMP(0), 8, 100);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(clock_next(&f->m->clock), 100 * f->cpt);
    /* ... and into the past (or now) raises it at once, without waiting for an event. */
    wr(f, MTIMECMP(0), 8, 80);
    assert_true(mip(f, 0) & MIP_MTIP);
    wr(f, MTIMECMP(0), 8, UINT64_MAX);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    teardown(f);
}

static void test_event_not_stale(void **state)
{
    struct fixture *f = setup(1);
    wr(f, MTIMECMP(0), 8, 20);
    wr(f, MTIMECMP(0), 8, 40); /* moves the deadline; the old one must not fire */
    step_to(f, 30 * f->cpt);
    assert_false(mip(f, 0) & MIP_MTIP);
    step_to(f, 40 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    teardown(f);
}

static void test_mtime_write_moves_deadline(void **state)
{
    struct fixture *f = setup(1);
    struct hart *h = machine_hart(f->m, 0);
    step_to(f, 5 * f->cpt);
    wr(f, MTIMECMP(0), 8, 1000);
    assert_int_equal(clock_next(&f->m->clock), 1000 * f->cpt);
    /* mtime jumps to 990: the deadline is now 10 ticks away. */
    wr(f, MTIME, 8, 990);
    assert_int_equal(rd(f, MTIME, 8), 990);
    assert_int_equal(hart_mtime(h), 990);
    assert_int_equal(clock_next(&f->m->clock), 15 * f->cpt);
    step_to(f, 15 * f->cpt - 1);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(hart_mtime(h), 999);
    step_to(f, 15 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_int_equal(hart_mtime(h), rd(f, MTIME, 8));
    /* Writing mtime backwards lowers MTIP; writing it past mtimecmp raises it. */
    wr(f, MTIME, 8, 0);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(hart_mtime(h), 0);
    wr(f, MTIME, 8, 5000);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_int_equal(hart_mtime(h), 5000);
    /* Half writes of mtime (RV32). */
    wr(f, MTIME + 4, 4, 0x12);
    assert_int_equal(rd(f, MTIME, 8), 0x1200001388ull);
    wr(f, MTIME, 4, 0x34);
    assert_int_equal(rd(f, MTIME, 8), 0x1200000034ull);
    assert_int_equal(hart_mtime(h), 0x1200000034ull);
    teardown(f);
}

static void test_rv32_half_accesses(void **state)
{
    struct fixture *f = setup(1);
    wr(f, MTIMECMP(0), 4, 0x89abcdef);
    assert_int_equal(rd(f, MTIMECMP(0), 8), 0xffffffff89abcdefull);
    wr(f, MTIMECMP(0) + 4, 4, 0x01234567);
    assert_int_equal(rd(f, MTIMECMP(0), 8), 0x0123456789abcdefull);
    assert_int_equal(rd(f, MTIMECMP(0), 4), 0x89abcdef);
    assert_int_equal(rd(f, MTIMECMP(0) + 4, 4), 0x01234567);
    teardown(f);
}

/* Record whether MTIP was ever seen high while a sequence of writes is made. */
static bool spurious_during(struct fixture *f, const uint64_t (*seq)[2], unsigned n)
{
    bool seen = false;
    for (unsigned i = 0; i < n; i++) {
        wr(f, seq[i][0], 4, seq[i][1]);
        seen |= (mip(f, 0) & MIP_MTIP) != 0;
    }
    return seen;
}

static void test_rv32_update_sequence(void **state)
{
    struct fixture *f = setup(1);
    /* mtime = 1000; old compare 0x1_00000010 and new 0x0_00001000 are both in the future,
     * but mixing the halves can give 0x0_00000010, in the past. */
    wr(f, MTIME, 8, 1000);
    wr(f, MTIMECMP(0), 8, 0x100000010ull);
    assert_false(mip(f, 0) & MIP_MTIP);
    const uint64_t classic[][2] = {
        { MTIMECMP(0) + 4, 0xffffffff }, /* no smaller than old value */
        { MTIMECMP(0), 0x00001000 },     /* no smaller than new value */
        { MTIMECMP(0) + 4, 0x00000000 }, /* new value */
    };
    assert_false(spurious_during(f, classic, 3));
    assert_int_equal(rd(f, MTIMECMP(0), 8), 0x1000);
    assert_int_equal(clock_next(&f->m->clock), 0x1000ull * f->cpt - 1000ull * f->cpt);

    /* The naive order (high half first) does pass through the past: the test can see it. */
    wr(f, MTIMECMP(0), 8, 0x100000010ull);
    const uint64_t naive[][2] = {
        { MTIMECMP(0) + 4, 0x00000000 },
        { MTIMECMP(0), 0x00001000 },
    };
    assert_true(spurious_during(f, naive, 2));
    assert_false(mip(f, 0) & MIP_MTIP);
    teardown(f);
}

static void test_two_harts(void **state)
{
    struct fixture *f = setup(2);
    assert_int_equal(clint_nharts(f->c), 2);
    wr(f, MSIP(1), 4, 1);
    assert_false(mip(f, 0) & MIP_MSIP);
    assert_true(mip(f, 1) & MIP_MSIP);
    wr(f, MSIP(0), 4, 1);
    wr(f, MSIP(1), 4, 0);
    assert_true(mip(f, 0) & MIP_MSIP);
    assert_false(mip(f, 1) & MIP_MSIP);

    wr(f, MTIMECMP(0), 8, 30);
    wr(f, MTIMECMP(1), 8, 20);
    assert_int_equal(clock_next(&f->m->clock), 20 * f->cpt);
    step_to(f, 20 * f->cpt);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_true(mip(f, 1) & MIP_MTIP);
    step_to(f, 30 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_true(mip(f, 1) & MIP_MTIP);
    wr(f, MTIMECMP(1), 8, 1000);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_false(mip(f, 1) & MIP_MTIP);
    /* An mtime write reaches both harts' time CSR. */
    wr(f, MTIME, 8, 777);
    assert_int_equal(hart_mtime(machine_hart(f->m, 0)), 777);
    assert_int_equal(hart_mtime(machine_hart(f->m, 1)), 777);
    /* A slot that does not exist reads zero and takes no writes. */
    assert_int_equal(rd(f, MSIP(2), 4), 0);
    wr(f, MSIP(2), 4, 1);
    assert_int_equal(rd(f, MTIMECMP(2), 8), 0);
    teardown(f);
}

static void test_wfi_skip_time(void **state)
{
    /* The run loop runs a waiting hart to clock_next(): that must land exactly on the tick
     * at which MTIP rises, even with a large mtime offset. */
    struct fixture *f = setup(1);
    wr(f, MTIME, 8, 0xfffffff0ull);
    wr(f, MTIMECMP(0), 8, 0x100000005ull);
    uint64_t next = clock_next(&f->m->clock);
    step_to(f, next - 1);
    assert_false(mip(f, 0) & MIP_MTIP);
    step_to(f, next);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_int_equal(rd(f, MTIME, 8), 0x100000005ull);
    teardown(f);
}

static void test_overflow_edges(void **state)
{
    struct fixture *f = setup(1);
    /* mtime near the top: mtimecmp = all ones is reachable, and is scheduled. */
    wr(f, MTIME, 8, UINT64_MAX - 3);
    wr(f, MTIMECMP(0), 8, UINT64_MAX);
    assert_false(mip(f, 0) & MIP_MTIP);
    assert_int_equal(clock_next(&f->m->clock), 3ull * f->cpt);
    step_to(f, 3 * f->cpt);
    assert_true(mip(f, 0) & MIP_MTIP);
    assert_int_equal(rd(f, MTIME, 8), UINT64_MAX);
    /* One tick later mtime wraps to 0 < mtimecmp: MTIP falls (the "exactly while" rule). */
    step_to(f, 4 * f->cpt);
    assert_int_equal(rd(f, MTIME, 8), 0);
    assert_false(mip(f, 0) & MIP_MTIP);
    /* A deadline beyond what the cycle counter can reach is never scheduled. */
    wr(f, MTIMECMP(0), 8, UINT64_MAX - 1);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    assert_false(mip(f, 0) & MIP_MTIP);
    teardown(f);
}

static void test_guest_garbage(void **state)
{
    struct fixture *f = setup(1);
    /* Reserved offsets read zero and ignore writes; 8-byte msip is refused. */
    wr(f, BASE + 0xbff0, 4, 0xffffffff);
    assert_int_equal(rd(f, BASE + 0xbff0, 4), 0);
    wr(f, BASE + 0xc000, 8, 0xffffffff);
    assert_int_equal(rd(f, BASE + 0xfff8, 8), 0);
    wr(f, MSIP(0), 8, 1);
    assert_false(mip(f, 0) & MIP_MSIP);
    assert_int_equal(rd(f, MSIP(0), 8), 0);
    /* The bus refuses sub-word and misaligned accesses before the CLINT sees them. */
    bus_store(&f->m->bus, MSIP(0), 1, 1);
    bus_store(&f->m->bus, MTIMECMP(0) + 2, 4, 0);
    assert_false(mip(f, 0) & MIP_MSIP);
    assert_int_equal(rd(f, MTIMECMP(0), 8), UINT64_MAX);
    teardown(f);
}

/* A tree like QEMU virt's (two cpus, each with a riscv,cpu-intc) whose CLINT lists hart 1
 * before hart 0: slot order follows interrupts-extended, not hart order. */
static void *make_tree(void)
{
    static char buf[4096];
    assert_int_equal(fdt_create(buf, sizeof buf), 0);
    fdt_finish_reservemap(buf);
    fdt_begin_node(buf, "");
    fdt_begin_node(buf, "cpus");
    for (unsigned k = 0; k < 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "cpu@%u", k);
        fdt_begin_node(buf, name);
        fdt_property_u32(buf, "reg", k);
        fdt_begin_node(buf, "interrupt-controller");
        fdt_property_string(buf, "compatible", "riscv,cpu-intc");
        fdt_property_u32(buf, "phandle", 10 + k);
        fdt_end_node(buf);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    fdt_begin_node(buf, "clint@2000000");
    fdt32_t ie[] = { cpu_to_fdt32(11), cpu_to_fdt32(3), cpu_to_fdt32(11), cpu_to_fdt32(7),
                     cpu_to_fdt32(10), cpu_to_fdt32(3), cpu_to_fdt32(10), cpu_to_fdt32(7) };
    fdt_property(buf, "interrupts-extended", ie, sizeof ie);
    fdt_end_node(buf);
    fdt_end_node(buf);
    assert_int_equal(fdt_finish(buf), 0);
    return buf;
}

static void test_create_from_tree(void **state)
{
    struct machine_options o;
    char err[200];
    machine_options_default(&o);
    o.nharts = 2;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    const void *fdt = make_tree();
    int node = fdt_path_offset(fdt, "/clint@2000000");
    assert_true(node >= 0);
    assert_false(clint_create(m, fdt, node, BASE, 0x1000, err, sizeof err)); /* too small */
    assert_true(clint_create(m, fdt, node, BASE, CLINT_SIZE, err, sizeof err));
    assert_int_equal(bus_store(&m->bus, MSIP(0), 4, 1), BUS_OK);
    assert_true(machine_hart(m, 1)->mip & MIP_MSIP);
    assert_false(machine_hart(m, 0)->mip & MIP_MSIP);
    /* What the panel's interrupts view asks: which slot is this hart's. */
    assert_int_equal(clint_slot_of(m->clint, machine_hart(m, 1)), 0);
    assert_int_equal(clint_slot_of(m->clint, machine_hart(m, 0)), 1);
    assert_int_equal(clint_slot_of(m->clint, NULL), -1);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state),
        cmocka_unit_test(test_msip_sets_and_clears),
        cmocka_unit_test(test_mtime_counts_ticks),
        cmocka_unit_test(test_mtimecmp_deadline),
        cmocka_unit_test(test_event_not_stale),
        cmocka_unit_test(test_mtime_write_moves_deadline),
        cmocka_unit_test(test_rv32_half_accesses),
        cmocka_unit_test(test_rv32_update_sequence),
        cmocka_unit_test(test_two_harts),
        cmocka_unit_test(test_wfi_skip_time),
        cmocka_unit_test(test_overflow_edges),
        cmocka_unit_test(test_guest_garbage),
        cmocka_unit_test(test_create_from_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
