/* Unit tests of the SiFive GPIO0 bank (devices/sifive_gpio.c) and of GPIO input scripts
 * (host/gpio_script.c), in QEMU qtest style: poke registers through the bus, drive pins
 * from outside, step the virtual clock, check the pins, the pending bits and the interrupt
 * lines (wired by irq_connect to a fake receiver, or through a real PLIC to a hart's mip).
 *
 * Source: SiFive FE310-G002 manual, GPIO chapter: the memory map (input_val 0x00 read-only
 * ... out_xor 0x40), input_val = pin gated by input_en, rise/fall pending on edges and
 * high/low pending while the level holds, pending bits cleared by writing 1, pull-ups,
 * output inversion by out_xor. Behaviour the manual leaves open is hartlab's documented
 * model (sifive_gpio.h): the chip wins over the outside world, a floating pin reads 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hart_internal.h" /* the tests set and read hart fields directly */
#include "platform/board.h"
#include "host/gpio_script.h"
#include "devices/irq.h"
#include "platform/machine.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"

#define BASE     0x10060000ull
#define NPINS    8
#define ALL      ((1u << NPINS) - 1)
#define REG(off) (BASE + (off))

/* The fake interrupt receiver: the level of each pin's line and how often it changed. */
struct receiver {
    bool level[SIFIVE_GPIO_MAX_PINS];
    unsigned changes[SIFIVE_GPIO_MAX_PINS];
};

struct change {
    unsigned pin;
    bool level;
    uint64_t cycle;
};

/* An observer of chip-driven pin changes that records them. */
struct recorder {
    struct change log[64];
    unsigned n;
};

struct fixture {
    struct machine *m;
    struct sifive_gpio *g;
    uint64_t now; /* the virtual clock reads this */
    struct receiver rx;
};

static void receive(void *opaque, unsigned n, bool level)
{
    struct receiver *rx = opaque;
    rx->level[n] = level;
    rx->changes[n]++;
}

static void record(void *opaque, unsigned pin, bool level, uint64_t cycle)
{
    struct recorder *r = opaque;
    assert_true(r->n < 64);
    r->log[r->n++] = (struct change){ pin, level, cycle };
}

static struct machine *bare_machine(void)
{
    struct machine_options o;
    char err[200];
    machine_options_default(&o);
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    return m;
}

static struct fixture *setup(void)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    f.m = bare_machine();
    f.m->clock.now = &f.now;
    f.g = sifive_gpio_new(f.m, BASE, 0, NPINS, NULL);
    assert_non_null(f.g);
    for (unsigned i = 0; i < NPINS; i++)
        irq_connect(sifive_gpio_irq(f.g, i), receive, &f.rx, i);
    return &f;
}

static void teardown(struct fixture *f)
{
    machine_free(f->m);
}

static void step_to(struct fixture *f, uint64_t cycles)
{
    f->now = cycles;
    clock_run_due(&f->m->clock, cycles);
}

static uint32_t rd(struct fixture *f, uint32_t off)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(bus_load(&f->m->bus, REG(off), 4, &v), BUS_OK);
    return (uint32_t)v;
}

static void wr(struct fixture *f, uint32_t off, uint32_t val)
{
    assert_int_equal(bus_store(&f->m->bus, REG(off), 4, val), BUS_OK);
}

static uint32_t levels(struct fixture *f)
{
    uint32_t l = 0xdeadbeef, d = 0xdeadbeef;
    sifive_gpio_outputs(f->g, &l, &d);
    return l;
}

/* ---- registers ---- */

static void test_reset_values(void **state)
{
    struct fixture *f = setup();
    assert_int_equal(sifive_gpio_ngpios(f->g), NPINS);
    assert_true(f->m->ngpio == 1 && f->m->gpio[0] == f->g);
    for (uint32_t off = 0; off < SIFIVE_GPIO_REGS_END; off += 4) {
        /* Inputs are disabled, so input_val is 0 and "low" holds on every pin. */
        uint32_t expect = off == SIFIVE_GPIO_LOW_IP ? ALL : 0;
        assert_int_equal(rd(f, off), expect);
    }
    for (unsigned i = 0; i < NPINS; i++) {
        assert_false(f->rx.level[i]);
        assert_false(sifive_gpio_irq_level(f->g, i));
    }
    teardown(f);
}

/* Every read/write register keeps what is written, limited to the implemented pins. */
static void test_read_write_registers(void **state)
{
    static const uint32_t rw[] = {
        SIFIVE_GPIO_INPUT_EN, SIFIVE_GPIO_OUTPUT_EN, SIFIVE_GPIO_OUTPUT_VAL, SIFIVE_GPIO_PUE,
        SIFIVE_GPIO_DS,       SIFIVE_GPIO_RISE_IE,   SIFIVE_GPIO_FALL_IE,    SIFIVE_GPIO_HIGH_IE,
        SIFIVE_GPIO_LOW_IE,   SIFIVE_GPIO_IOF_EN,    SIFIVE_GPIO_IOF_SEL,    SIFIVE_GPIO_OUT_XOR,
    };
    struct fixture *f = setup();
    for (unsigned k = 0; k < sizeof rw / sizeof rw[0]; k++) {
        wr(f, rw[k], 0xa5a5a5a5);
        assert_int_equal(rd(f, rw[k]), 0xa5a5a5a5 & ALL);
        wr(f, rw[k], 0x5a);
        assert_int_equal(rd(f, rw[k]), 0x5a);
        wr(f, rw[k], 0);
        assert_int_equal(rd(f, rw[k]), 0);
    }
    /* A 32-pin bank implements every bit. */
    struct sifive_gpio *g32 = sifive_gpio_new(f->m, BASE + 0x1000, 0, 32, NULL);
    assert_non_null(g32);
    assert_int_equal(bus_store(&f->m->bus, BASE + 0x1000 + SIFIVE_GPIO_OUTPUT_VAL, 4, 0xffffffff),
                     BUS_OK);
    uint64_t v = 0;
    assert_int_equal(bus_load(&f->m->bus, BASE + 0x1000 + SIFIVE_GPIO_OUTPUT_VAL, 4, &v), BUS_OK);
    assert_int_equal(v, 0xffffffff);
    assert_true(f->m->ngpio == 2 && f->m->gpio[1] == g32);
    teardown(f);
}

static void test_input_val_read_only(void **state)
{
    struct fixture *f = setup();
    sifive_gpio_set_input(f->g, 1, true);
    wr(f, SIFIVE_GPIO_INPUT_EN, 0x02);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x02);
    wr(f, SIFIVE_GPIO_INPUT_VAL, 0xff);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x02);
    wr(f, SIFIVE_GPIO_INPUT_VAL, 0x00);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x02);
    teardown(f);
}

/* ---- pin levels ---- */

static void test_input_en_masks_input_val(void **state)
{
    struct fixture *f = setup();
    assert_true(sifive_gpio_set_input(f->g, 3, true));
    assert_true(sifive_gpio_set_input(f->g, 5, true));
    assert_int_equal(levels(f), 0x28);                 /* the pins are high... */
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0); /* ...but no input is enabled */
    wr(f, SIFIVE_GPIO_INPUT_EN, 0x08);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x08);
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x28);
    assert_false(sifive_gpio_set_input(f->g, NPINS, true)); /* no such pin */
    assert_false(sifive_gpio_release_input(f->g, NPINS));
    teardown(f);
}

static void test_output_en_masks_output(void **state)
{
    struct fixture *f = setup();
    uint32_t l, d;
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    wr(f, SIFIVE_GPIO_OUTPUT_VAL, 0x07);
    /* output_val reads back, but without output_en nothing drives the pins. */
    assert_int_equal(rd(f, SIFIVE_GPIO_OUTPUT_VAL), 0x07);
    sifive_gpio_outputs(f->g, &l, &d);
    assert_int_equal(l, 0);
    assert_int_equal(d, 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0x05);
    sifive_gpio_outputs(f->g, &l, &d);
    assert_int_equal(l, 0x05);
    assert_int_equal(d, 0x05);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x05); /* the input path sees the output */
    /* The chip wins over the outside world while it drives; the outside level comes back
     * when it stops. */
    sifive_gpio_set_input(f->g, 0, false);
    sifive_gpio_set_input(f->g, 1, true);
    assert_int_equal(levels(f), 0x07);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0);
    assert_int_equal(levels(f), 0x02);
    teardown(f);
}

static void test_out_xor_inverts_output(void **state)
{
    struct fixture *f = setup();
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0x0f);
    wr(f, SIFIVE_GPIO_OUTPUT_VAL, 0x03);
    wr(f, SIFIVE_GPIO_OUT_XOR, 0x06);
    assert_int_equal(levels(f), 0x05);                     /* 0011 ^ 0110 on the driven pins */
    assert_int_equal(rd(f, SIFIVE_GPIO_OUTPUT_VAL), 0x03); /* not inverted in the register */
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x05);
    wr(f, SIFIVE_GPIO_OUT_XOR, 0xf0); /* inverting undriven pins changes nothing */
    assert_int_equal(levels(f), 0x03);
    teardown(f);
}

static void test_pull_up(void **state)
{
    struct fixture *f = setup();
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0); /* floating pins read 0 */
    wr(f, SIFIVE_GPIO_PUE, 0x30);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x30);
    sifive_gpio_set_input(f->g, 4, false); /* an active-low button pressed */
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x20);
    sifive_gpio_release_input(f->g, 4);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x30);
    /* A driven output is not pulled. */
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0x10);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x20);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0);
    wr(f, SIFIVE_GPIO_PUE, 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0);
    teardown(f);
}

/* ---- pending bits and interrupts ---- */

static void test_rise_fall_pending_and_irq(void **state)
{
    struct fixture *f = setup();
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    wr(f, SIFIVE_GPIO_RISE_IE, 0x10);
    wr(f, SIFIVE_GPIO_FALL_IE, 0x20);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0);

    sifive_gpio_set_input(f->g, 4, true);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0x10);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0);
    assert_true(f->rx.level[4]);
    assert_int_equal(f->rx.changes[4], 1);
    /* Pending stays after the level goes away: an edge is remembered. */
    sifive_gpio_set_input(f->g, 4, false);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0x10);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0x10); /* pending, but fall_ie is off */
    assert_true(f->rx.level[4]);
    assert_int_equal(f->rx.changes[4], 1);
    /* Writing 0 leaves pending bits alone; writing 1 clears exactly that bit. */
    wr(f, SIFIVE_GPIO_RISE_IP, 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0x10);
    wr(f, SIFIVE_GPIO_RISE_IP, 0xef);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0x10);
    wr(f, SIFIVE_GPIO_RISE_IP, 0x10);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0);
    assert_false(f->rx.level[4]);
    assert_int_equal(f->rx.changes[4], 2);

    /* Fall on pin 5: pending and interrupting. */
    sifive_gpio_set_input(f->g, 5, true);
    assert_false(f->rx.level[5]);
    sifive_gpio_set_input(f->g, 5, false);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP) & 0x20, 0x20);
    assert_true(f->rx.level[5]);
    wr(f, SIFIVE_GPIO_FALL_IP, 0xffffffff); /* drivers clear everything with all ones */
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0);
    assert_false(f->rx.level[5]);
    /* A level that does not change is no edge. */
    sifive_gpio_set_input(f->g, 5, false);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0);
    for (unsigned i = 0; i < NPINS; i++)
        if (i != 4 && i != 5)
            assert_int_equal(f->rx.changes[i], 0);
    teardown(f);
}

static void test_high_low_pending_while_level_holds(void **state)
{
    struct fixture *f = setup();
    wr(f, SIFIVE_GPIO_INPUT_EN, 0x01);
    wr(f, SIFIVE_GPIO_HIGH_IE, 0x01);
    wr(f, SIFIVE_GPIO_LOW_IE, 0x01);
    assert_int_equal(rd(f, SIFIVE_GPIO_HIGH_IP), 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_LOW_IP), ALL); /* low holds on every pin */
    assert_true(f->rx.level[0]);

    /* Clearing while low still holds: set again at once, the line stays up. */
    wr(f, SIFIVE_GPIO_LOW_IP, 0x01);
    assert_int_equal(rd(f, SIFIVE_GPIO_LOW_IP) & 1, 1);
    assert_true(f->rx.level[0]);

    sifive_gpio_set_input(f->g, 0, true);
    assert_int_equal(rd(f, SIFIVE_GPIO_HIGH_IP) & 1, 1);
    wr(f, SIFIVE_GPIO_LOW_IP, 0x01); /* low no longer holds: stays clear */
    assert_int_equal(rd(f, SIFIVE_GPIO_LOW_IP) & 1, 0);
    wr(f, SIFIVE_GPIO_HIGH_IP, 0x01); /* high still holds: set again */
    assert_int_equal(rd(f, SIFIVE_GPIO_HIGH_IP) & 1, 1);
    assert_true(f->rx.level[0]);

    sifive_gpio_set_input(f->g, 0, false);
    wr(f, SIFIVE_GPIO_HIGH_IP, 0x01);
    assert_int_equal(rd(f, SIFIVE_GPIO_HIGH_IP) & 1, 0);
    assert_int_equal(rd(f, SIFIVE_GPIO_LOW_IP) & 1, 1);
    wr(f, SIFIVE_GPIO_LOW_IE, 0);
    assert_false(f->rx.level[0]); /* pending, but nothing enabled */
    assert_int_equal(rd(f, SIFIVE_GPIO_LOW_IP) & 1, 1);
    teardown(f);
}

/* ie gates the line, not the pending bit: enabling after the event still interrupts. */
static void test_enable_after_event(void **state)
{
    struct fixture *f = setup();
    wr(f, SIFIVE_GPIO_INPUT_EN, 0x80);
    sifive_gpio_set_input(f->g, 7, true);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 0x80);
    assert_false(f->rx.level[7]);
    wr(f, SIFIVE_GPIO_RISE_IE, 0x80);
    assert_true(f->rx.level[7]);
    wr(f, SIFIVE_GPIO_RISE_IE, 0);
    assert_false(f->rx.level[7]);
    /* Enabling the input of a pin that is already high is a rising edge of input_val. */
    sifive_gpio_set_input(f->g, 6, true);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP) & 0x40, 0);
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xc0);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP) & 0x40, 0x40);
    teardown(f);
}

/* Through a real PLIC to the hart: sources from sifive_gpio_new's list. */
static void test_irq_through_plic(void **state)
{
    struct machine *m = bare_machine();
    struct plic *p = plic_new(m, 0xc000000, 40);
    assert_non_null(p);
    unsigned src[NPINS] = { 32, 33, 34, 35, 36, 37, 38, 39 };
    struct sifive_gpio *g = sifive_gpio_new(m, BASE, 0, NPINS, src);
    assert_non_null(g);
    assert_int_equal(bus_store(&m->bus, 0xc000000 + 4 * 37, 4, 1), BUS_OK); /* priority */
    assert_int_equal(bus_store(&m->bus, 0xc000000 + PLIC_ENABLE_BASE + 4, 4, 1u << (37 - 32)),
                     BUS_OK);
    assert_int_equal(bus_store(&m->bus, BASE + SIFIVE_GPIO_INPUT_EN, 4, 0x20), BUS_OK);
    assert_int_equal(bus_store(&m->bus, BASE + SIFIVE_GPIO_PUE, 4, 0x20), BUS_OK);
    assert_int_equal(bus_store(&m->bus, BASE + SIFIVE_GPIO_FALL_IE, 4, 0x20), BUS_OK);
    assert_int_equal(bus_store(&m->bus, BASE + SIFIVE_GPIO_RISE_IP, 4, 0xff), BUS_OK);
    assert_false(machine_hart(m, 0)->mip & (1u << IRQ_M_EXT));
    sifive_gpio_set_input(g, 5, false); /* button on pin 5 pressed */
    assert_true(machine_hart(m, 0)->mip & (1u << IRQ_M_EXT));
    uint64_t claim = 0;
    bus_load(&m->bus, 0xc000000 + PLIC_CONTEXT_BASE + PLIC_CLAIM_COMPLETE, 4, &claim);
    assert_int_equal(claim, 37);
    assert_int_equal(bus_store(&m->bus, BASE + SIFIVE_GPIO_FALL_IP, 4, 0x20), BUS_OK);
    bus_store(&m->bus, 0xc000000 + PLIC_CONTEXT_BASE + PLIC_CLAIM_COMPLETE, 4, claim);
    assert_false(machine_hart(m, 0)->mip & (1u << IRQ_M_EXT));
    machine_free(m);
}

/* ---- observers ---- */

static void test_change_callback(void **state)
{
    struct fixture *f = setup();
    struct recorder r[LISTENERS_MAX];
    memset(r, 0, sizeof r);
    for (unsigned k = 0; k < LISTENERS_MAX; k++)
        assert_true(sifive_gpio_listen_change(f->g, record, &r[k]));
    assert_false(sifive_gpio_listen_change(f->g, record, &r[0])); /* full */

    step_to(f, 100);
    wr(f, SIFIVE_GPIO_OUTPUT_VAL, 0x01); /* not driven yet: no change seen */
    assert_int_equal(r[0].n, 0);
    step_to(f, 250);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0x03); /* pin 0 goes high, pin 1 stays low */
    assert_int_equal(r[0].n, 1);
    assert_int_equal(r[0].log[0].pin, 0);
    assert_true(r[0].log[0].level);
    assert_int_equal(r[0].log[0].cycle, 250);
    wr(f, SIFIVE_GPIO_OUTPUT_VAL, 0x01);   /* the same value again: no change */
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);     /* unrelated register */
    sifive_gpio_set_input(f->g, 0, false); /* the chip wins: no change */
    assert_int_equal(r[0].n, 1);
    step_to(f, 300);
    wr(f, SIFIVE_GPIO_OUT_XOR, 0x03); /* both pins flip */
    assert_int_equal(r[0].n, 3);
    assert_true(r[0].log[1].pin == 0 && !r[0].log[1].level && r[0].log[1].cycle == 300);
    assert_true(r[0].log[2].pin == 1 && r[0].log[2].level && r[0].log[2].cycle == 300);
    /* Pins the chip does not drive are the outside world's business. */
    sifive_gpio_set_input(f->g, 6, true);
    sifive_gpio_release_input(f->g, 6);
    assert_int_equal(r[0].n, 3);
    /* Letting go of a high pin: it floats to 0, which the observers see. */
    step_to(f, 400);
    wr(f, SIFIVE_GPIO_OUTPUT_EN, 0x01);
    assert_int_equal(r[0].n, 4);
    assert_true(r[0].log[3].pin == 1 && !r[0].log[3].level && r[0].log[3].cycle == 400);
    for (unsigned k = 1; k < LISTENERS_MAX; k++) {
        assert_int_equal(r[k].n, r[0].n);
        assert_memory_equal(r[k].log, r[0].log, r[0].n * sizeof r[0].log[0]);
    }
    teardown(f);
}

/* ---- guest garbage ---- */

static void test_guest_garbage_ignored(void **state)
{
    struct fixture *f = setup();
    /* Capture stderr to check the guest errors are reported. */
    char path[] = "/tmp/hartlab-gpio-stderr-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);

    wr(f, SIFIVE_GPIO_OUTPUT_VAL, 0x55);
    uint64_t v = 0xdead;
    assert_int_equal(bus_load(&f->m->bus, REG(0x44), 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_load(&f->m->bus, REG(0xffc), 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_store(&f->m->bus, REG(0x800), 4, 0xffffffff), BUS_OK);
    /* Wrong sizes and alignment are refused before the device sees them. */
    assert_int_equal(bus_load(&f->m->bus, REG(SIFIVE_GPIO_OUTPUT_VAL), 1, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_store(&f->m->bus, REG(SIFIVE_GPIO_OUTPUT_VAL), 2, 0xffff), BUS_OK);
    assert_int_equal(bus_load(&f->m->bus, REG(SIFIVE_GPIO_OUTPUT_VAL), 8, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_store(&f->m->bus, REG(SIFIVE_GPIO_OUTPUT_VAL + 2), 4, 0xffff), BUS_OK);
    assert_int_equal(bus_store(&f->m->bus, REG(SIFIVE_GPIO_OUTPUT_VAL), 8, 0), BUS_OK);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char buf[4096] = { 0 };
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "gpio0: read of reserved offset 0x44"));
    assert_non_null(strstr(buf, "gpio0: write of 0xffffffff to reserved offset 0x800 ignored"));
    assert_non_null(strstr(buf, "gpio0: 1-byte read"));

    /* Nothing changed: the state is what the one good write made it. */
    assert_int_equal(rd(f, SIFIVE_GPIO_OUTPUT_VAL), 0x55);
    for (uint32_t off = 0; off < SIFIVE_GPIO_REGS_END; off += 4)
        if (off != SIFIVE_GPIO_OUTPUT_VAL && off != SIFIVE_GPIO_LOW_IP)
            assert_int_equal(rd(f, off), 0);
    teardown(f);
}

/* ---- boards ---- */

static struct machine *board_machine(const char *name, void **fdt)
{
    struct machine_options o;
    char err[300];
    size_t size;
    machine_options_default(&o);
    *fdt = board_open(name, &size, err, sizeof err);
    if (!*fdt)
        fail_msg("%s: %s", name, err);
    o.xlen = 0; /* the board decides, as for hartlab without an ELF */
    o.ram_size = 0;
    if (!board_apply_options(*fdt, &o, err, sizeof err))
        fail_msg("%s: %s", name, err);
    if (o.xlen == 32)
        o.ext = ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C');
    o.fdt = *fdt;
    struct machine *m = machine_new(&o, err, sizeof err);
    if (!m)
        fail_msg("%s: %s", name, err);
    return m;
}

static void test_boards_create_banks(void **state)
{
    void *fdt;
    struct machine *m = board_machine("virt", &fdt);
    assert_int_equal(m->ngpio, 1);
    assert_int_equal(sifive_gpio_ngpios(m->gpio[0]), 8);
    assert_int_equal(sifive_gpio_base(m->gpio[0]), 0x10060000);
    machine_free(m);
    free(fdt);

    m = board_machine("mcu", &fdt);
    assert_int_equal(m->ngpio, 1);
    assert_int_equal(sifive_gpio_ngpios(m->gpio[0]), 32);
    assert_int_equal(sifive_gpio_base(m->gpio[0]), 0x10012000);
    /* Pin 9 is wired to PLIC source 17: a pending enabled interrupt shows there. */
    struct sifive_gpio *g = m->gpio[0];
    bus_store(&m->bus, 0x10012000 + SIFIVE_GPIO_INPUT_EN, 4, 1u << 9);
    bus_store(&m->bus, 0x10012000 + SIFIVE_GPIO_HIGH_IE, 4, 1u << 9);
    sifive_gpio_set_input(g, 9, true);
    assert_true(sifive_gpio_irq_level(g, 9));
    uint64_t pending = 0;
    bus_load(&m->bus, 0xc000000 + PLIC_PENDING_BASE, 4, &pending);
    assert_int_equal(pending, 1u << 17);
    machine_free(m);
    free(fdt);
}

/* ---- scripts ---- */

/* A fresh temporary file name (other builds may run these tests at the same time). */
static void temp_path(char path[64])
{
    strcpy(path, "/tmp/hartlab-test-gpio-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_script_drives_inputs(void **state)
{
    struct fixture *f = setup();
    char path[64];
    temp_path(path);
    write_file(path, "# press BTN0 (pin 4, active low) twice\n"
                     "\n"
                     "1000 pin 4 low   # pressed\n"
                     "   1500\tPIN 4 HIGH\n"
                     "1500 pin 5 high\n"
                     "0x800 pin 4 low\r\n"
                     "3000 pin 4 release\n"
                     "3000 pin 5 release");
    wr(f, SIFIVE_GPIO_INPUT_EN, 0xff);
    wr(f, SIFIVE_GPIO_PUE, 0x10);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    char err[300] = "";
    if (!gpio_script_load(f->m, path, err, sizeof err))
        fail_msg("%s", err);
    /* One event armed at a time, for the next step. */
    assert_int_equal(clock_next(&f->m->clock), 1000);
    step_to(f, 999);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x10);
    step_to(f, 1000);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x00);
    assert_int_equal(clock_next(&f->m->clock), 1500);
    step_to(f, 1499);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x00);
    step_to(f, 1500); /* both steps of cycle 1500 */
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x30);
    assert_int_equal(clock_next(&f->m->clock), 0x800);
    step_to(f, 2048);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x20);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 0x10); /* two presses, one pending bit */
    assert_int_equal(clock_next(&f->m->clock), 3000);
    step_to(f, 5000); /* released: pin 4 pulled up, pin 5 floats */
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 0x10);
    /* Finished: nothing left on the clock, so a hang can still be detected. */
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    unlink(path);
    teardown(f);
}

/* A clock that has run past several steps at once still plays each at its own event. */
static void test_script_catches_up(void **state)
{
    struct fixture *f = setup();
    char path[64];
    temp_path(path);
    write_file(path, "10 pin 0 high\n20 pin 0 low\n30 pin 0 high\n");
    wr(f, SIFIVE_GPIO_INPUT_EN, 0x01);
    char err[300] = "";
    assert_true(gpio_script_load(f->m, path, err, sizeof err));
    step_to(f, 100);
    assert_int_equal(rd(f, SIFIVE_GPIO_INPUT_VAL), 1);
    assert_int_equal(rd(f, SIFIVE_GPIO_RISE_IP), 1);
    assert_int_equal(rd(f, SIFIVE_GPIO_FALL_IP), 1); /* the low at 20 happened too */
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    unlink(path);
    teardown(f);
}

static void expect_script_error(struct fixture *f, const char *path, const char *text,
                                const char *want)
{
    write_file(path, text);
    char err[300] = "";
    assert_false(gpio_script_load(f->m, path, err, sizeof err));
    if (!strstr(err, want))
        fail_msg("script\n%s\ngave \"%s\", expected it to contain \"%s\"", text, err, want);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX); /* nothing armed */
}

static void test_script_errors(void **state)
{
    struct fixture *f = setup();
    char p[64];
    temp_path(p);
    char want[200];
#define EXPECT(text, line, msg)                                                                    \
    do {                                                                                           \
        snprintf(want, sizeof want, "%s:%d: %s", p, line, msg);                                    \
        expect_script_error(f, p, text, want);                                                     \
    } while (0)
    EXPECT("10 pin 1 high\nsoon pin 1 low\n", 2, "'soon' is not a cycle count");
    EXPECT("-5 pin 1 high\n", 1, "'-5' is not a cycle count");
    EXPECT("0x pin 1 high\n", 1, "'0x' is not a cycle count");
    EXPECT("# c\n\n10 gpio 1 high\n", 3, "expected 'pin' after the cycle, got 'gpio'");
    EXPECT("10\n", 1, "expected 'pin' after the cycle, got end of line");
    EXPECT("10 pin\n", 1, "missing pin number");
    EXPECT("10 pin four high\n", 1, "'four' is not a pin number");
    EXPECT("10 pin 1 high\n20 pin 8 low\n", 2, "pin 8 does not exist: GPIO bank 0 has pins 0..7");
    EXPECT("10 pin 1\n", 1, "missing high, low or release after 'pin 1'");
    EXPECT("10 pin 1 up\n", 1, "expected high, low or release, got 'up'");
    EXPECT("10 pin 1 high now\n", 1, "unexpected 'now' after 'high'");
    EXPECT("10 pin 1 high\n\n# x\n20 pin 1 low\n15 pin 1 high\n", 5,
           "cycle 15 is before cycle 20 on line 4: cycles must not decrease");
#undef EXPECT
    char err[300] = "";
    assert_false(gpio_script_load(f->m, "/nonexistent/script.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/script.txt: No such file or directory"));
    teardown(f);

    /* A machine without a GPIO bank names the board. */
    struct machine *m = bare_machine();
    write_file(p, "10 pin 1 high\n");
    assert_false(gpio_script_load(m, p, err, sizeof err));
    assert_non_null(strstr(err, "bare machine"));
    assert_non_null(strstr(err, "has no GPIO bank"));
    unlink(p);
    machine_free(m);
}

static void test_script_empty_file(void **state)
{
    struct fixture *f = setup();
    char path[64];
    temp_path(path);
    write_file(path, "# nothing happens\n\n");
    char err[300] = "";
    assert_true(gpio_script_load(f->m, path, err, sizeof err));
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    unlink(path);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values),
        cmocka_unit_test(test_read_write_registers),
        cmocka_unit_test(test_input_val_read_only),
        cmocka_unit_test(test_input_en_masks_input_val),
        cmocka_unit_test(test_output_en_masks_output),
        cmocka_unit_test(test_out_xor_inverts_output),
        cmocka_unit_test(test_pull_up),
        cmocka_unit_test(test_rise_fall_pending_and_irq),
        cmocka_unit_test(test_high_low_pending_while_level_holds),
        cmocka_unit_test(test_enable_after_event),
        cmocka_unit_test(test_irq_through_plic),
        cmocka_unit_test(test_change_callback),
        cmocka_unit_test(test_guest_garbage_ignored),
        cmocka_unit_test(test_boards_create_banks),
        cmocka_unit_test(test_script_drives_inputs),
        cmocka_unit_test(test_script_catches_up),
        cmocka_unit_test(test_script_errors),
        cmocka_unit_test(test_script_empty_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
