/* Unit tests of the NS16550A UART (devices/ns16550.c) and its host backends
 * (host/chardev.c), in QEMU qtest style: poke registers through the bus, step the
 * virtual clock, check the interrupt line and the bytes that reach the host.
 *
 * Sources: the PC16550D datasheet (register map and DLAB, FCR FIFO enable/reset/trigger
 * levels, IIR identification codes and priorities, the 4-character FIFO timeout, LSR
 * DR/OE/THRE/TEMT, loopback wiring of MCR to MSR) and hartlab's own rule that input from a
 * file or pipe is never lost: the UART only takes a byte when it has room for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <libfdt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/bus.h"
#include "core/hart_internal.h" /* the tests set the hart's cycle counter */
#include "host/chardev.h"
#include "platform/machine.h"
#include "devices/ns16550.h"

#define BASE     0x10000000ull
#define CLOCK_HZ 3686400u
#define REG(r)   (BASE + (r))

struct fixture {
    struct machine *m;
    struct ns16550 *u;
    struct chardev *chr;
    uint64_t now;
    /* the fake interrupt receiver */
    bool level;
    unsigned rises, falls, source;
    unsigned signals; /* high again while already high: a new condition (irq_signal) */
};

static struct fixture fx;

static void fake_irq(void *opaque, unsigned n, bool level)
{
    struct fixture *f = opaque;
    f->source = n;
    if (level && f->level)
        f->signals++;
    else if (level)
        f->rises++;
    else
        f->falls++;
    f->level = level;
}

static struct fixture *setup_with(const void *input, size_t len, const struct ns16550_config *c)
{
    struct fixture *f = &fx;
    memset(f, 0, sizeof *f);
    struct machine_options o;
    char err[200];
    machine_options_default(&o);
    f->m = machine_new(&o, err, sizeof err);
    assert_non_null(f->m);
    f->m->clock.now = &f->now;
    f->chr = chardev_mem_new(input, len);
    assert_non_null(f->chr);
    struct ns16550_config def = { .clock_hz = CLOCK_HZ, .size = 0x100 };
    f->u = ns16550_new(f->m, BASE, c ? c : &def, f->chr);
    assert_non_null(f->u);
    irq_connect(ns16550_irq(f->u), fake_irq, f, 10);
    return f;
}

static struct fixture *setup(void)
{
    return setup_with(NULL, 0, NULL);
}

static void teardown(struct fixture *f)
{
    machine_free(f->m);
}

static void step_to(struct fixture *f, uint64_t cycles)
{
    f->now = cycles;
    machine_hart(f->m, 0)->cycles = cycles;
    clock_run_due(&f->m->clock, cycles);
}

static uint8_t rd(struct fixture *f, unsigned reg)
{
    uint64_t v = 0xdead;
    assert_int_equal(bus_load(&f->m->bus, REG(reg), 1, &v), BUS_OK);
    assert_true(v <= 0xff);
    return (uint8_t)v;
}

static void wr(struct fixture *f, unsigned reg, uint8_t v)
{
    assert_int_equal(bus_store(&f->m->bus, REG(reg), 1, v), BUS_OK);
}

/* 8N1 at 115200 baud (divisor 2), and an event queue emptied of the reset-time poll. */
static void line_8n1(struct fixture *f)
{
    wr(f, UART_LCR, UART_LCR_DLAB);
    wr(f, UART_DLL, 2);
    wr(f, UART_DLM, 0);
    wr(f, UART_LCR, 0x03);
}

static const uint8_t *output(struct fixture *f, size_t *len)
{
    return chardev_mem_output(f->chr, len);
}

/* ---- register map ---- */

static void test_reset_values(void **state)
{
    struct fixture *f = setup();
    assert_int_equal(rd(f, UART_IER), 0);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(rd(f, UART_LCR), 0);
    assert_int_equal(rd(f, UART_MCR), 0);
    assert_int_equal(rd(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    /* A connected line: CTS, DSR, DCD asserted, no deltas. */
    assert_int_equal(rd(f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    assert_false(ns16550_irq(f->u)->level);
    /* Reset divisor: 115200 baud from 3.6864 MHz. */
    assert_int_equal(ns16550_baud(f->u), 115200);
    teardown(f);
}

static void test_dlab_switching(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_IER, 0x05);
    wr(f, UART_LCR, UART_LCR_DLAB | 0x03);
    wr(f, UART_DLL, 0x34);
    wr(f, UART_DLM, 0x12);
    assert_int_equal(rd(f, UART_DLL), 0x34);
    assert_int_equal(rd(f, UART_DLM), 0x12);
    size_t n;
    output(f, &n);
    assert_int_equal(n, 0); /* DLL is not THR */
    wr(f, UART_LCR, 0x03);
    assert_int_equal(rd(f, UART_IER), 0x05); /* IER kept its value under the divisor */
    assert_int_equal(rd(f, UART_LCR), 0x03);
    assert_int_equal(ns16550_baud(f->u), CLOCK_HZ / (16 * 0x1234));
    /* Divisor 1: the clock's top rate. */
    wr(f, UART_LCR, UART_LCR_DLAB);
    wr(f, UART_DLL, 1);
    wr(f, UART_DLM, 0);
    wr(f, UART_LCR, 0x03);
    assert_int_equal(ns16550_baud(f->u), 230400);
    /* IER bits 7:4 read 0; SCR holds anything. */
    wr(f, UART_IER, 0xf0);
    assert_int_equal(rd(f, UART_IER), 0);
    wr(f, UART_SCR, 0xa5);
    assert_int_equal(rd(f, UART_SCR), 0xa5);
    wr(f, UART_MCR, 0xff);
    assert_int_equal(rd(f, UART_MCR), 0x1f);
    teardown(f);
}

static void test_char_time(void **state)
{
    struct fixture *f = setup();
    line_8n1(f);
    /* 10 bits at 115200 baud on a 100 MHz hart. */
    uint64_t hz = 10000000ull * f->m->clock.cycles_per_tick;
    assert_int_equal(ns16550_char_cycles(f->u), hz * 10 / 115200);
    wr(f, UART_LCR, 0x03 | UART_LCR_PEN | UART_LCR_STB); /* 8E2: 12 bits */
    assert_int_equal(ns16550_char_cycles(f->u), hz * 12 / 115200);
    teardown(f);
}

/* ---- FIFOs ---- */

static void test_fifo_enable_and_reset(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_FCR, UART_FCR_FIFO_EN);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
    for (int k = 0; k < 5; k++)
        ns16550_receive(f->u, (uint8_t)('a' + k));
    assert_int_equal(ns16550_rx_count(f->u), 5);
    assert_true(rd(f, UART_LSR) & UART_LSR_DR);
    /* RX reset empties the FIFO, FIFO mode stays on. */
    wr(f, UART_FCR, UART_FCR_FIFO_EN | UART_FCR_RX_RESET);
    assert_int_equal(ns16550_rx_count(f->u), 0);
    assert_false(rd(f, UART_LSR) & UART_LSR_DR);
    assert_int_equal(rd(f, UART_IIR) & UART_IIR_FIFOS, UART_IIR_FIFOS);
    /* Leaving FIFO mode empties it too; IIR bits 7:6 go back to 0. */
    ns16550_receive(f->u, 'x');
    ns16550_receive(f->u, 'y');
    wr(f, UART_FCR, 0);
    assert_int_equal(ns16550_rx_count(f->u), 0);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
    /* Trigger bits are not programmed without FCR0. */
    wr(f, UART_FCR, 0xc0);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
    teardown(f);
}

static void test_rx_trigger_levels(void **state)
{
    static const unsigned levels[4] = { 1, 4, 8, 14 };
    for (unsigned t = 0; t < 4; t++) {
        struct fixture *f = setup();
        wr(f, UART_IER, UART_IER_ERBFI);
        wr(f, UART_FCR, (uint8_t)(UART_FCR_FIFO_EN | UART_FCR_RX_RESET | (t << 6)));
        for (unsigned k = 0; k + 1 < levels[t]; k++)
            ns16550_receive(f->u, (uint8_t)k);
        assert_false(f->level);
        assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFOS | UART_IIR_NO_INT);
        ns16550_receive(f->u, 0x55);
        assert_true(f->level);
        assert_int_equal(f->source, 10);
        assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFOS | UART_IIR_RDI);
        /* One read takes the FIFO below the trigger: the interrupt goes. */
        rd(f, UART_RBR);
        assert_false(f->level);
        teardown(f);
    }
}

static void test_rx_no_fifo_interrupt(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_IER, UART_IER_ERBFI);
    ns16550_receive(f->u, 'z');
    assert_true(f->level);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);
    assert_int_equal(rd(f, UART_RBR), 'z');
    assert_false(f->level);
    assert_false(rd(f, UART_LSR) & UART_LSR_DR);
    teardown(f);
}

static void test_character_timeout(void **state)
{
    struct fixture *f = setup();
    line_8n1(f);
    uint64_t ct = ns16550_char_cycles(f->u);
    wr(f, UART_IER, UART_IER_ERBFI);
    wr(f, UART_FCR, UART_FCR_FIFO_EN | 0x80); /* trigger at 8 */
    step_to(f, 1000);
    ns16550_receive(f->u, '1');
    ns16550_receive(f->u, '2');
    ns16550_receive(f->u, '3');
    assert_false(f->level);
    step_to(f, 1000 + 4 * ct - 1);
    assert_false(f->level);
    step_to(f, 1000 + 4 * ct);
    assert_true(f->level);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFOS | UART_IIR_CTI);
    /* Reading a byte clears the timeout and restarts the timer from the read. */
    uint64_t t_read = 1000 + 5 * ct;
    step_to(f, t_read);
    assert_int_equal(rd(f, UART_RBR), '1');
    assert_false(f->level);
    /* A byte received restarts the timer too. */
    step_to(f, t_read + 2 * ct);
    ns16550_receive(f->u, '4');
    step_to(f, t_read + 4 * ct);
    assert_false(f->level);
    step_to(f, t_read + 6 * ct);
    assert_true(f->level);
    /* Empty the FIFO: no timeout is left, no event armed. */
    rd(f, UART_RBR);
    rd(f, UART_RBR);
    rd(f, UART_RBR);
    assert_false(f->level);
    step_to(f, t_read + 100 * ct);
    assert_false(f->level);
    /* 16450 mode has no timeout. */
    wr(f, UART_FCR, 0);
    ns16550_receive(f->u, '5');
    wr(f, UART_IER, 0);
    step_to(f, t_read + 200 * ct);
    wr(f, UART_IER, UART_IER_ERBFI);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);
    teardown(f);
}

/* ---- transmit ---- */

static void test_thre_interrupt(void **state)
{
    struct fixture *f = setup();
    assert_false(f->level);
    /* Enabling ETBEI with THR empty raises it at once. */
    wr(f, UART_IER, UART_IER_ETBEI);
    assert_true(f->level);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_THRI);
    /* That IIR read cleared it. */
    assert_false(f->level);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_NO_INT);
    /* Writing THR: the byte goes, THR is empty again, the interrupt is back. */
    wr(f, UART_THR, 'A');
    assert_true(f->level);
    size_t n;
    const uint8_t *out = output(f, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'A');
    assert_true((rd(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)) ==
                (UART_LSR_THRE | UART_LSR_TEMT));
    /* Disabling ETBEI drops it; an IIR read that reports something else keeps it. */
    wr(f, UART_IER, 0);
    assert_false(f->level);
    wr(f, UART_IER, UART_IER_ETBEI | UART_IER_ERBFI);
    assert_true(f->level);
    assert_int_equal(f->signals, 0);
    /* A byte arrives while the THRE interrupt holds the line high: the identification
     * changes, and the UART signals its line again (a "signal" PLIC gateway takes it as a
     * new request; xv6 depends on it); so does the change back to THRE. */
    ns16550_receive(f->u, 'r');
    assert_int_equal(f->signals, 1);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI); /* higher priority */
    rd(f, UART_RBR);
    assert_int_equal(f->signals, 2);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_THRI); /* still pending */
    assert_false(f->level);
    assert_int_equal(f->rises, f->falls);
    teardown(f);
}

/* ---- line status ---- */

static void test_overrun_no_fifo(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
    ns16550_receive(f->u, 'a');
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);
    ns16550_receive(f->u, 'b');                       /* RBR unread: overrun, 'a' destroyed */
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RLSI); /* line status outranks data */
    uint8_t lsr = rd(f, UART_LSR);
    assert_true(lsr & UART_LSR_OE);
    assert_true(lsr & UART_LSR_DR);
    assert_false(rd(f, UART_LSR) & UART_LSR_OE); /* cleared by the read */
    assert_int_equal(rd(f, UART_IIR), UART_IIR_RDI);
    assert_int_equal(rd(f, UART_RBR), 'b');
    assert_false(rd(f, UART_LSR) & UART_LSR_DR);
    assert_false(f->level);
    teardown(f);
}

/* The debugger's view (bus_peek): what a read would return, with nothing cleared or popped;
 * RBR, which has no other view of the byte a read pops, cannot be peeked. */
static void test_peek_changes_nothing(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
    ns16550_receive(f->u, 'a');
    ns16550_receive(f->u, 'b'); /* overrun */
    uint64_t v;
    for (unsigned k = 0; k < 3; k++) {
        assert_true(bus_peek(&f->m->bus, REG(UART_LSR), 1, &v));
        assert_true(v & UART_LSR_OE);
        assert_true(v & UART_LSR_DR);
        assert_true(bus_peek(&f->m->bus, REG(UART_IIR), 1, &v));
        assert_int_equal(v & 0xf, UART_IIR_RLSI);
        assert_true(bus_peek(&f->m->bus, REG(UART_IER), 1, &v));
        assert_int_equal(v, UART_IER_ELSI | UART_IER_ERBFI);
    }
    assert_false(bus_peek(&f->m->bus, REG(UART_RBR), 1, &v));
    assert_true(f->level); /* the interrupt still stands */
    /* The reads the peeks stood for, once, do what they do. */
    assert_true(rd(f, UART_LSR) & UART_LSR_OE);
    assert_false(rd(f, UART_LSR) & UART_LSR_OE);
    assert_int_equal(rd(f, UART_RBR), 'b');
    teardown(f);
}

static void test_overrun_fifo(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_FCR, UART_FCR_FIFO_EN);
    for (unsigned k = 0; k < UART_FIFO_SIZE; k++)
        ns16550_receive(f->u, (uint8_t)('A' + k));
    assert_false(rd(f, UART_LSR) & UART_LSR_OE);
    ns16550_receive(f->u, '!'); /* lost in the shift register; the FIFO is kept */
    assert_int_equal(ns16550_rx_count(f->u), UART_FIFO_SIZE);
    assert_true(rd(f, UART_LSR) & UART_LSR_OE);
    for (unsigned k = 0; k < UART_FIFO_SIZE; k++)
        assert_int_equal(rd(f, UART_RBR), 'A' + k);
    assert_int_equal(rd(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    teardown(f);
}

/* ---- loopback and modem status ---- */

static void test_loopback(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_FCR, UART_FCR_FIFO_EN);
    wr(f, UART_MCR, UART_MCR_LOOP);
    /* All modem outputs off: the looped inputs drop, and the deltas say so. */
    assert_int_equal(rd(f, UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    assert_int_equal(rd(f, UART_MSR), 0);
    wr(f, UART_THR, 'L');
    wr(f, UART_THR, 'B');
    size_t n;
    output(f, &n);
    assert_int_equal(n, 0); /* nothing to the host */
    assert_true(rd(f, UART_LSR) & UART_LSR_DR);
    assert_int_equal(rd(f, UART_RBR), 'L');
    assert_int_equal(rd(f, UART_RBR), 'B');
    /* RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD, with a modem status interrupt. */
    wr(f, UART_IER, UART_IER_EDSSI);
    assert_false(f->level);
    wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT1 | UART_MCR_OUT2);
    assert_true(f->level);
    assert_int_equal(rd(f, UART_IIR), UART_IIR_FIFOS | UART_IIR_MSI);
    assert_int_equal(rd(f, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD |
                                          UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    assert_false(f->level);
    /* RI falling (OUT1 off) is the trailing edge: TERI. */
    wr(f, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT2);
    assert_int_equal(rd(f, UART_MSR) & 0x0f, UART_MSR_TERI);
    /* Out of loopback: the connected line again, THR goes to the host. */
    wr(f, UART_MCR, 0);
    wr(f, UART_THR, 'H');
    const uint8_t *out = output(f, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'H');
    assert_false(rd(f, UART_LSR) & UART_LSR_DR);
    teardown(f);
}

/* ---- the interrupt line as a receiver sees it ---- */

static void test_irq_line_levels(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_IER, UART_IER_ERBFI);
    assert_int_equal(f->rises, 0);
    ns16550_receive(f->u, 1);
    ns16550_receive(f->u, 2); /* overrun; level already high: no second edge */
    assert_int_equal(f->rises, 1);
    assert_int_equal(f->signals, 0); /* the same interrupt (received data): no new signal */
    assert_true(f->level);
    rd(f, UART_RBR);
    assert_int_equal(f->falls, 1);
    assert_false(f->level);
    /* MCR.OUT2 does not gate the line on virt. */
    wr(f, UART_MCR, 0);
    ns16550_receive(f->u, 3);
    assert_true(f->level);
    teardown(f);
}

/* ---- guest mistakes ---- */

static void test_garbage_accesses(void **state)
{
    struct fixture *f = setup();
    wr(f, UART_SCR, 0x42);
    uint64_t v = 0x77;
    /* Beyond the 8 registers, inside the 0x100 region: logged, reads 0. */
    assert_int_equal(bus_load(&f->m->bus, BASE + 0x10, 1, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_store(&f->m->bus, BASE + 0x20, 1, 0xff), BUS_OK);
    /* Wider than reg-io-width (1): ignored. */
    assert_int_equal(bus_store(&f->m->bus, BASE, 4, 0x41414141), BUS_OK);
    v = 0x77;
    assert_int_equal(bus_load(&f->m->bus, BASE + 4, 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    assert_int_equal(bus_store(&f->m->bus, BASE + 0, 8, 0x41), BUS_OK);
    /* Read-only status registers. */
    wr(f, UART_LSR, 0x00);
    wr(f, UART_MSR, 0x00);
    size_t n;
    output(f, &n);
    assert_int_equal(n, 0);
    assert_int_equal(rd(f, UART_SCR), 0x42);
    assert_int_equal(rd(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(rd(f, UART_MCR), 0);
    assert_false(f->level);
    teardown(f);
}

static void test_reg_shift_and_width(void **state)
{
    struct ns16550_config c = { .clock_hz = 1843200, .reg_shift = 2, .reg_io_width = 4 };
    struct fixture *f = setup_with(NULL, 0, &c);
    uint64_t v;
    assert_int_equal(bus_store(&f->m->bus, BASE + 4 * UART_SCR, 4, 0x5a), BUS_OK);
    assert_int_equal(bus_load(&f->m->bus, BASE + 4 * UART_SCR, 4, &v), BUS_OK);
    assert_int_equal(v, 0x5a);
    assert_int_equal(bus_load(&f->m->bus, BASE + 4 * UART_LSR, 1, &v), BUS_OK);
    assert_int_equal(v, UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(bus_store(&f->m->bus, BASE + 4 * UART_THR, 4, 'W'), BUS_OK);
    /* Offset 1 is inside register 0's lane, not IER: ignored. */
    assert_int_equal(bus_store(&f->m->bus, BASE + 1, 1, 0x0f), BUS_OK);
    assert_int_equal(bus_load(&f->m->bus, BASE + 4 * UART_IER, 4, &v), BUS_OK);
    assert_int_equal(v, 0);
    size_t n;
    const uint8_t *out = output(f, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'W');
    assert_int_equal(ns16550_baud(f->u), 115200); /* 1.8432 MHz, reset divisor 1 */
    teardown(f);
}

/* ---- no input lost ---- */

/* A guest that looks at LSR every `gap` character times and then reads one byte. */
static void slow_reader(bool fifo, unsigned gap)
{
    uint8_t in[100];
    for (unsigned k = 0; k < sizeof in; k++)
        in[k] = (uint8_t)(' ' + (k * 7) % 95);
    struct fixture *f = setup_with(in, sizeof in, NULL);
    line_8n1(f);
    if (fifo)
        wr(f, UART_FCR, UART_FCR_FIFO_EN);
    uint64_t ct = ns16550_char_cycles(f->u);
    uint8_t got[100];
    unsigned n = 0;
    uint64_t t = 0;
    while (n < sizeof got && t < 100000 * ct) {
        t += gap * ct;
        step_to(f, t);
        uint8_t lsr = rd(f, UART_LSR);
        assert_false(lsr & UART_LSR_OE);
        if (lsr & UART_LSR_DR)
            got[n++] = rd(f, UART_RBR);
    }
    assert_int_equal(n, sizeof in);
    assert_memory_equal(got, in, sizeof in);
    /* At EOF the UART stops polling: nothing is left armed, so a hang can be detected. */
    step_to(f, t + 10 * ct);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    teardown(f);
}

static void test_no_input_lost_16450(void **state)
{
    slow_reader(false, 3);
}

static void test_no_input_lost_fifo(void **state)
{
    slow_reader(true, 5);
}

/* Input arrives one byte per character time while there is room, not faster. */
static void test_input_paced(void **state)
{
    struct fixture *f = setup_with("abcdefghijklmnopqrstuvwxyz", 26, NULL);
    line_8n1(f);
    wr(f, UART_FCR, UART_FCR_FIFO_EN);
    uint64_t ct = ns16550_char_cycles(f->u);
    /* Until the guest reads the receiver the host keeps its bytes (a FIFO reset in the
     * guest's set-up cannot lose any), and nothing is armed. */
    step_to(f, 20 * ct);
    assert_int_equal(ns16550_rx_count(f->u), 0);
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    wr(f, UART_FCR, UART_FCR_FIFO_EN | UART_FCR_RX_RESET);
    assert_false(rd(f, UART_LSR) & UART_LSR_DR); /* the guest polls: the line starts */
    step_to(f, 20 * ct + ct - 1);
    assert_int_equal(ns16550_rx_count(f->u), 0); /* the first byte takes a character time */
    step_to(f, 40 * ct);
    unsigned c20 = ns16550_rx_count(f->u);
    assert_true(c20 >= 15 && c20 <= UART_FIFO_SIZE);
    step_to(f, 120 * ct);
    assert_int_equal(ns16550_rx_count(f->u), UART_FIFO_SIZE); /* full: the host waits */
    assert_false(rd(f, UART_LSR) & UART_LSR_OE);
    /* Full FIFO, no interactive backend, the timeout already signalled: nothing is armed,
     * so the run loop can still see a hang. */
    assert_int_equal(clock_next(&f->m->clock), UINT64_MAX);
    assert_int_equal(rd(f, UART_RBR), 'a'); /* the first byte sent: none was lost */
    step_to(f, 122 * ct);
    assert_int_equal(ns16550_rx_count(f->u), UART_FIFO_SIZE);
    assert_int_equal(rd(f, UART_RBR), 'b');
    teardown(f);
}

/* ---- device tree ---- */

static void *make_tree(void)
{
    static char buf[2048];
    assert_int_equal(fdt_create(buf, sizeof buf), 0);
    fdt_finish_reservemap(buf);
    fdt_begin_node(buf, "");
    fdt_property_u32(buf, "#address-cells", 1);
    fdt_property_u32(buf, "#size-cells", 1);
    fdt_begin_node(buf, "chosen");
    fdt_property_string(buf, "stdout-path", "/soc/serial@10001000:115200n8");
    fdt_end_node(buf);
    fdt_begin_node(buf, "soc");
    fdt_begin_node(buf, "serial@10000000");
    fdt_property_string(buf, "compatible", "ns16550a");
    fdt_property_u32(buf, "clock-frequency", 1843200);
    fdt_property_u32(buf, "reg-shift", 2);
    fdt_property_u32(buf, "reg-io-width", 4);
    fdt_property_u32(buf, "interrupts", 10);
    fdt_end_node(buf);
    fdt_begin_node(buf, "serial@10001000");
    fdt_property_string(buf, "compatible", "ns16550");
    fdt_end_node(buf);
    fdt_end_node(buf);
    fdt_end_node(buf);
    assert_int_equal(fdt_finish(buf), 0);
    return buf;
}

static struct ns16550 *uart_at(struct machine *m, uint64_t addr)
{
    const struct bus_region *r = bus_find(&m->bus, addr);
    assert_non_null(r);
    return r->opaque;
}

static void test_create_from_tree(void **state)
{
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.serial = "null";
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    const void *fdt = make_tree();
    int n0 = fdt_path_offset(fdt, "/soc/serial@10000000");
    int n1 = fdt_path_offset(fdt, "/soc/serial@10001000");
    assert_false(ns16550_create(m, fdt, n0, 0x10000000, 0x10, err, sizeof err)); /* < 8 << 2 */
    assert_true(ns16550_create(m, fdt, n0, 0x10000000, 0x100, err, sizeof err));
    assert_true(ns16550_create(m, fdt, n1, 0x10001000, 0x100, err, sizeof err));
    struct ns16550 *u0 = uart_at(m, 0x10000000), *u1 = uart_at(m, 0x10001000);
    /* stdout-path names the second UART: it alone has the host backend. */
    assert_null(ns16550_chardev(u0));
    assert_non_null(ns16550_chardev(u1));
    assert_string_equal(chardev_name(ns16550_chardev(u1)), "null");
    assert_int_equal(ns16550_baud(u0), 115200);
    uint64_t v;
    assert_int_equal(bus_store(&m->bus, 0x10000000 + 4 * UART_SCR, 4, 0x99), BUS_OK);
    assert_int_equal(bus_load(&m->bus, 0x10000000 + 4 * UART_SCR, 4, &v), BUS_OK);
    assert_int_equal(v, 0x99);
    machine_free(m);
}

static void test_create_bad_backend(void **state)
{
    struct machine_options o;
    char err[256] = "";
    machine_options_default(&o);
    o.serial = "file:/nonexistent-dir/uart.log";
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    const void *fdt = make_tree();
    int n1 = fdt_path_offset(fdt, "/soc/serial@10001000");
    assert_false(ns16550_create(m, fdt, n1, 0x10001000, 0x100, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/uart.log"));
    assert_null(bus_find(&m->bus, 0x10001000));
    machine_free(m);
}

/* ---- backends ---- */

static void test_chardev_specs(void **state)
{
    char err[256];
    assert_null(chardev_open("bogus", err, sizeof err));
    assert_non_null(strstr(err, "bogus"));
    assert_null(chardev_open("tcp:notaport", err, sizeof err));
    assert_non_null(strstr(err, "notaport"));

    char path[] = "/tmp/hartlab-uart-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char spec[64];
    snprintf(spec, sizeof spec, "file:%s", path);
    struct chardev *c = chardev_open(spec, err, sizeof err);
    assert_non_null(c);
    chardev_write(c, "log\n", 4);
    uint8_t b;
    assert_int_equal(chardev_read(c, &b), CHARDEV_EOF);
    assert_false(chardev_interactive(c));
    chardev_close(c);
    FILE *f = fopen(path, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
    assert_string_equal(line, "log\n");
}

static void test_chardev_tcp_port_in_use(void **state)
{
    /* Hold a port, then ask for it: a message naming it, not a crash. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 1), 0);
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &len);
    unsigned port = ntohs(a.sin_port);
    char spec[32], err[256], want[16];
    snprintf(spec, sizeof spec, "tcp:%u", port);
    assert_null(chardev_open(spec, err, sizeof err));
    snprintf(want, sizeof want, "%u", port);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "in use"));
    close(s);
}

static void test_chardev_tcp_client(void **state)
{
    char err[256];
    struct chardev *c = chardev_open("tcp:0", err, sizeof err);
    assert_non_null(c);
    assert_true(chardev_interactive(c));
    chardev_write(c, "early", 5); /* before any client: kept */
    uint8_t b;
    assert_int_equal(chardev_read(c, &b), CHARDEV_NONE);
    chardev_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values),
        cmocka_unit_test(test_dlab_switching),
        cmocka_unit_test(test_char_time),
        cmocka_unit_test(test_fifo_enable_and_reset),
        cmocka_unit_test(test_rx_trigger_levels),
        cmocka_unit_test(test_rx_no_fifo_interrupt),
        cmocka_unit_test(test_character_timeout),
        cmocka_unit_test(test_thre_interrupt),
        cmocka_unit_test(test_overrun_no_fifo),
        cmocka_unit_test(test_overrun_fifo),
        cmocka_unit_test(test_peek_changes_nothing),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_irq_line_levels),
        cmocka_unit_test(test_garbage_accesses),
        cmocka_unit_test(test_reg_shift_and_width),
        cmocka_unit_test(test_no_input_lost_16450),
        cmocka_unit_test(test_no_input_lost_fifo),
        cmocka_unit_test(test_input_paced),
        cmocka_unit_test(test_create_from_tree),
        cmocka_unit_test(test_create_bad_backend),
        cmocka_unit_test(test_chardev_specs),
        cmocka_unit_test(test_chardev_tcp_port_in_use),
        cmocka_unit_test(test_chardev_tcp_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
