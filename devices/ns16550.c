/* The NS16550A UART (see ns16550.h), written from the National Semiconductor / TI PC16550D
 * datasheet ("PC16550D Universal Asynchronous Receiver/Transmitter with FIFOs"): register
 * table 2, the FIFO control register (FCR), the interrupt identification table (IIR: four
 * priority levels, the FIFO character timeout), the line and modem status registers, and
 * loopback mode (MCR bit 4). The device-tree properties are those of the Linux binding
 * Documentation/devicetree/bindings/serial/8250.yaml (clock-frequency, reg-shift,
 * reg-io-width, interrupts).
 *
 * The receive side keeps the FIFO as a ring of up to 16 bytes; with FIFOs disabled the same
 * ring holds one byte and plays the RBR. The transmit side is instantaneous (ns16550.h says
 * why), so THR, the transmit FIFO and the shift register are always empty.
 */
#include "devices/ns16550.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "host/chardev.h"
#include "devices/clock.h"
#include "host/log.h"
#include "platform/board.h"
#include "platform/machine.h"

#define DEFAULT_CLOCK_HZ 3686400u
#define DEFAULT_BAUD     115200u
#define TIMEOUT_CHARS    4 /* datasheet: 4 character times */
#define NREGS            8

/* LSR bits that reading LSR clears and that raise a receiver line status interrupt. */
#define LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)
/* Delta bits of MSR, cleared by reading it. */
#define MSR_DELTAS (UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_TERI | UART_MSR_DDCD)

struct ns16550 {
    struct machine *m;
    struct chardev *chr; /* NULL: output dropped, no input */
    bool chr_done;       /* the source said EOF (or quit): stop polling it */
    /* The guest has shown it reads the receiver (read RBR or LSR, or enabled the receive
     * interrupt): only then does the line bring host bytes (see rx_poll_update). */
    bool rx_listening;
    ns16550_rx_source_fn rx_fn; /* where received bytes come from (ns16550_set_rx_source) */
    void *rx_opaque;
    bool rx_interactive;
    uint64_t base;
    unsigned reg_shift, reg_io_width;
    uint32_t clock_hz;
    uint64_t hart_hz;

    uint8_t ier, lcr, mcr, scr, fcr;
    uint8_t lsr_errors; /* sticky OE/PE/FE/BI; DR, THRE and TEMT are derived */
    uint8_t msr;        /* status bits (7:4) as last seen, and pending deltas (3:0) */
    uint16_t divisor;   /* DLM:DLL */
    uint16_t logged_divisor;
    uint8_t logged_lcr;

    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t rbr_last;     /* what RBR reads when nothing was received */
    uint64_t rx_activity; /* cycle of the last byte received or read (timeout timer) */
    bool timeout_pending;
    bool thr_pending;

    struct clock_event rx_poll;    /* take the next byte from the host */
    struct clock_event rx_timeout; /* character timeout */
    struct irq_line irq;
    uint8_t irq_iid; /* the interrupt IIR identified when the line was last driven */
    char name[32];
    struct listeners on_tx, on_rx; /* ns16550_listen_tx, _rx */
};

static uint64_t now_of(const struct ns16550 *u)
{
    return clock_now(&u->m->clock);
}

static bool fifo_enabled(const struct ns16550 *u)
{
    return u->fcr & UART_FCR_FIFO_EN;
}

static unsigned rx_capacity(const struct ns16550 *u)
{
    return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct ns16550 *u)
{
    static const unsigned level[4] = { 1, 4, 8, 14 };
    return fifo_enabled(u) ? level[(u->fcr & UART_FCR_TRIGGER) >> 6] : 1;
}

static unsigned divisor_value(const struct ns16550 *u)
{
    /* The datasheet does not define a divisor of 0; counting it as 65536 (the 16-bit
     * counter's full period) keeps time moving instead of dividing by zero. */
    return u->divisor ? u->divisor : 65536;
}

uint32_t ns16550_baud(const struct ns16550 *u)
{
    return u->clock_hz / (16u * divisor_value(u));
}

uint64_t ns16550_char_cycles(const struct ns16550 *u)
{
    /* In half bits, for the 1.5 stop bits of 5-bit words: start, data, parity, stop. */
    unsigned word = 5 + (u->lcr & UART_LCR_WLS);
    unsigned half_bits = 2 + 2 * word + ((u->lcr & UART_LCR_PEN) ? 2 : 0);
    if (!(u->lcr & UART_LCR_STB))
        half_bits += 2;
    else
        half_bits += word == 5 ? 3 : 4;
    /* One bit is 16 clocks per divisor count. */
    uint64_t c = u->hart_hz * half_bits * 16 * divisor_value(u) / (2ull * u->clock_hz);
    return c ? c : 1;
}

/* ---- interrupts ---- */

/* The pending interrupt of highest priority, as IIR bits 3:0 (datasheet table "Interrupt
 * Control Functions"). */
static uint8_t pending_iid(const struct ns16550 *u)
{
    if ((u->ier & UART_IER_ELSI) && (u->lsr_errors & LSR_ERRORS))
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_ERBFI) && u->rx_count >= rx_trigger(u))
        return UART_IIR_RDI;
    if ((u->ier & UART_IER_ERBFI) && u->timeout_pending)
        return UART_IIR_CTI;
    if ((u->ier & UART_IER_ETBEI) && u->thr_pending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_EDSSI) && (u->msr & MSR_DELTAS))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

void ns16550_update_irq(struct ns16550 *u)
{
    /* On a PC the INTR pin reaches the interrupt controller only through MCR.OUT2. QEMU's
     * virt wires the line straight to the PLIC, and OpenSBI, U-Boot and Linux on virt do
     * not set OUT2, so the output is not gated here either. A new interrupt (another
     * identification) while the line is high is signalled again, as QEMU's UART does on
     * every change of its state: a PLIC with the "signal" gateway takes it as a new request,
     * so a driver that never reads IIR (xv6) still hears received bytes while a
     * transmitter-empty interrupt holds the line high. */
    uint8_t iid = pending_iid(u);
    bool again = iid != UART_IIR_NO_INT && iid != u->irq_iid;
    u->irq_iid = iid;
    if (again)
        irq_signal(&u->irq, true);
    else
        irq_set(&u->irq, iid != UART_IIR_NO_INT);
}

/* ---- receive ---- */

static void rx_clear(struct ns16550 *u)
{
    u->rx_head = u->rx_count = 0;
    u->timeout_pending = false;
}

/* Arm the character timeout for 4 character times after the last activity, or disarm it
 * when it cannot occur (FIFOs off, FIFO empty, already signalled). */
static void timeout_update(struct ns16550 *u)
{
    struct vclock *clk = &u->m->clock;
    if (fifo_enabled(u) && u->rx_count > 0 && !u->timeout_pending)
        clock_schedule(clk, &u->rx_timeout,
                       u->rx_activity + TIMEOUT_CHARS * ns16550_char_cycles(u));
    else
        clock_cancel(clk, &u->rx_timeout);
}

static void timeout_fired(void *opaque)
{
    struct ns16550 *u = opaque;
    /* Re-checked, so that an event left over from an older state cannot fire wrongly. */
    uint64_t due = u->rx_activity + TIMEOUT_CHARS * ns16550_char_cycles(u);
    if (fifo_enabled(u) && u->rx_count > 0 && u->rx_timeout.when >= due) {
        u->timeout_pending = true;
        ns16550_update_irq(u);
    } else {
        timeout_update(u);
    }
}

/* A byte completes on the receive line at cycle `when`. */
static void rx_put(struct ns16550 *u, uint8_t b, uint64_t when)
{
    if (u->rx_count == rx_capacity(u)) {
        u->lsr_errors |= UART_LSR_OE;
        /* 16450 mode: the new byte overwrites the unread RBR. FIFO mode: the byte in the
         * shift register is lost, the FIFO keeps its contents. */
        if (!fifo_enabled(u))
            u->rx[u->rx_head] = b;
    } else {
        u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
        u->rx_count++;
    }
    if (u->on_rx.n && !(u->mcr & UART_MCR_LOOP))
        LISTENERS_CALL(&u->on_rx, ns16550_byte_fn, b, when);
    u->rx_activity = when;
    timeout_update(u);
    ns16550_update_irq(u);
}

void ns16550_receive(struct ns16550 *u, uint8_t byte)
{
    rx_put(u, byte, now_of(u));
}

static bool loopback(const struct ns16550 *u)
{
    return u->mcr & UART_MCR_LOOP;
}

/* The default receive source: the backend itself. */
static int chardev_source(void *opaque, uint8_t *byte, uint64_t cycle)
{
    (void)cycle;
    return chardev_read(opaque, byte);
}

/* Whether the UART can take a byte from the host now: the receiver is connected to the
 * line (not looped back) and has room. */
static bool rx_wants(const struct ns16550 *u)
{
    return !loopback(u) && u->rx_count < rx_capacity(u);
}

/* Keep the poll event armed exactly while polling can deliver something: the guest
 * listens, input may still come and there is room for it. An interactive backend is polled
 * even without room, so that Ctrl-A x is seen while the guest does not read. Never arming
 * it otherwise matters: the run loop detects a hang only when no event is armed.
 *
 * Host bytes enter one per character time, and only once the guest listens: until then
 * they stay with the host (standard input has one owner, host/chardev.h: a semihosting read
 * of stdin takes them instead), and none is lost to the FIFO reset of the guest's UART
 * set-up, as on a board whose terminal starts sending after the firmware is up. */
static void rx_poll_update(struct ns16550 *u, uint64_t from)
{
    bool poll = u->rx_fn && u->rx_listening && !u->chr_done && (rx_wants(u) || u->rx_interactive);
    if (!poll)
        clock_cancel(&u->m->clock, &u->rx_poll);
    else if (!u->rx_poll.armed)
        clock_schedule(&u->m->clock, &u->rx_poll, from + ns16550_char_cycles(u));
}

static void rx_poll_fired(void *opaque)
{
    struct ns16550 *u = opaque;
    uint64_t t = u->rx_poll.when;
    uint8_t b;
    int r = u->rx_fn(u->rx_opaque, rx_wants(u) ? &b : NULL, t);
    if (r == CHARDEV_DATA) {
        rx_put(u, b, t);
    } else if (r == CHARDEV_EOF) {
        u->chr_done = true;
    } else if (r == CHARDEV_QUIT) {
        u->chr_done = true;
        machine_exit(u->m, 0, "quit from the console (Ctrl-A x)");
    }
    rx_poll_update(u, t);
}

/* The guest reads the receiver (or lets it interrupt): the line starts to bring bytes. */
static void rx_listen(struct ns16550 *u)
{
    if (u->rx_listening)
        return;
    u->rx_listening = true;
    rx_poll_update(u, now_of(u));
}

static uint8_t read_rbr(struct ns16550 *u)
{
    rx_listen(u);
    if (u->rx_count > 0) {
        u->rbr_last = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
        /* Reading the FIFO clears a character timeout and restarts its timer. */
        u->timeout_pending = false;
        u->rx_activity = now_of(u);
        timeout_update(u);
        rx_poll_update(u, now_of(u));
        ns16550_update_irq(u);
    }
    return u->rbr_last;
}

/* ---- modem lines ---- */

/* The modem inputs (MSR 7:4). Outside loopback the line is "connected": CTS, DSR and DCD
 * asserted, no ring, as QEMU reports. In loopback the outputs feed the inputs: RTS to CTS,
 * DTR to DSR, OUT1 to RI, OUT2 to DCD. */
static uint8_t modem_inputs(const struct ns16550 *u)
{
    if (!loopback(u))
        return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    uint8_t s = 0;
    if (u->mcr & UART_MCR_RTS)
        s |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        s |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        s |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        s |= UART_MSR_DCD;
    return s;
}

static void modem_update(struct ns16550 *u)
{
    uint8_t old = u->msr & 0xf0, now = modem_inputs(u);
    uint8_t changed = old ^ now;
    if (changed & UART_MSR_CTS)
        u->msr |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        u->msr |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        u->msr |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
        u->msr |= UART_MSR_TERI; /* trailing edge of ring indicator only */
    u->msr = (u->msr & MSR_DELTAS) | now;
}

/* ---- registers ---- */

static void log_line_settings(struct ns16550 *u)
{
    if (u->divisor == u->logged_divisor && (u->lcr & 0x3f) == u->logged_lcr)
        return;
    u->logged_divisor = u->divisor;
    u->logged_lcr = u->lcr & 0x3f;
    /* Parity: none, odd, even; stick parity sends mark (EPS = 0) or space (EPS = 1). */
    char parity = 'N';
    if (u->lcr & UART_LCR_PEN)
        parity = (u->lcr & UART_LCR_SP) ? ((u->lcr & UART_LCR_EPS) ? 'S' : 'M')
                                        : ((u->lcr & UART_LCR_EPS) ? 'E' : 'O');
    log_info("%s: divisor %u, %u baud, %u%c%s", u->name, u->divisor, ns16550_baud(u),
             5 + (u->lcr & UART_LCR_WLS), parity,
             (u->lcr & UART_LCR_STB) ? ((u->lcr & UART_LCR_WLS) ? "2" : "1.5") : "1");
}

static uint8_t reg_read(struct ns16550 *u, unsigned reg)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR: return dlab ? (uint8_t)u->divisor : read_rbr(u);
    case UART_IER: return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
    case UART_IIR: {
        uint8_t iid = pending_iid(u);
        /* Reading IIR clears a THRE interrupt when it is the one reported. */
        if (iid == UART_IIR_THRI) {
            u->thr_pending = false;
            ns16550_update_irq(u);
        }
        return iid | (fifo_enabled(u) ? UART_IIR_FIFOS : 0);
    }
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: {
        rx_listen(u);
        uint8_t v = u->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT;
        if (u->rx_count > 0)
            v |= UART_LSR_DR;
        u->lsr_errors = 0;
        ns16550_update_irq(u);
        return v;
    }
    case UART_MSR: {
        uint8_t v = u->msr;
        u->msr &= ~MSR_DELTAS;
        ns16550_update_irq(u);
        return v;
    }
    default: return u->scr;
    }
}

static void write_thr(struct ns16550 *u, uint8_t b)
{
    /* The byte leaves at once (transmit is instantaneous, see ns16550.h), whole: the word
     * length changes only timing, because firmware that never programs LCR (reset value:
     * 5-bit words) still expects its text to appear, as on QEMU. */
    u->thr_pending = false;
    /* Re-executing history (platform/history.h), the byte was sent the first time. */
    bool again = u->m->replaying;
    if (loopback(u))
        rx_put(u, b, now_of(u));
    else if (u->chr && !again)
        chardev_write(u->chr, &b, 1);
    if (u->on_tx.n && !loopback(u) && !again)
        LISTENERS_CALL(&u->on_tx, ns16550_byte_fn, b, now_of(u));
    u->thr_pending = true; /* THR is empty again */
    ns16550_update_irq(u);
}

static void write_fcr(struct ns16550 *u, uint8_t v)
{
    /* Switching between FIFO and 16450 mode empties the FIFOs; the other bits are only
     * programmed together with FCR0 = 1. */
    if ((v ^ u->fcr) & UART_FCR_FIFO_EN)
        rx_clear(u);
    if (!(v & UART_FCR_FIFO_EN)) {
        u->fcr = 0;
    } else {
        u->fcr = v & (UART_FCR_FIFO_EN | UART_FCR_DMA_MODE | UART_FCR_TRIGGER);
        if (v & UART_FCR_RX_RESET)
            rx_clear(u);
        if (v & UART_FCR_TX_RESET)
            u->thr_pending = true; /* an emptied transmitter: it already was */
    }
    timeout_update(u);
    rx_poll_update(u, now_of(u));
    ns16550_update_irq(u);
}

static void reg_write(struct ns16550 *u, unsigned reg, uint8_t v)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_THR:
        if (dlab)
            u->divisor = (u->divisor & 0xff00) | v;
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab) {
            u->divisor = (u->divisor & 0x00ff) | (uint16_t)(v << 8);
            break;
        }
        /* Bits 7:4 are always 0 (Linux probes them, so writing them is no guest error).
         * Enabling the THRE interrupt while THR is empty raises it at once. */
        v &= UART_IER_ERBFI | UART_IER_ETBEI | UART_IER_ELSI | UART_IER_EDSSI;
        if ((v ^ u->ier) & UART_IER_ETBEI)
            u->thr_pending = v & UART_IER_ETBEI;
        u->ier = v;
        if (v & UART_IER_ERBFI)
            rx_listen(u);
        ns16550_update_irq(u);
        break;
    case UART_FCR: write_fcr(u, v); break;
    case UART_LCR:
        u->lcr = v;
        if (!(v & UART_LCR_DLAB))
            log_line_settings(u);
        timeout_update(u); /* character time may have changed */
        break;
    case UART_MCR:
        u->mcr = v & (UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 | UART_MCR_OUT2 | UART_MCR_LOOP);
        modem_update(u);
        rx_poll_update(u, now_of(u));
        ns16550_update_irq(u);
        break;
    case UART_LSR:
    case UART_MSR:
        /* Writable on the chip for factory test only; the datasheet says not to. */
        guest_error("ns16550-status-write", "%s: write of 0x%02x to read-only %s ignored", u->name,
                    v, reg == UART_LSR ? "LSR" : "MSR");
        break;
    default: u->scr = v; break;
    }
}

/* The register an access names, or -1 (logged) for one that names none. */
static int access_reg(struct ns16550 *u, uint64_t offset, unsigned size, bool write)
{
    uint64_t lane = (1ull << u->reg_shift) - 1;
    if (size > u->reg_io_width || (offset & lane) || (offset >> u->reg_shift) >= NREGS) {
        guest_error("ns16550-access",
                    "%s: %u-byte %s at offset 0x%llx ignored (the 8 registers are at offsets "
                    "0x0-0x%x in steps of %u, accessed %u byte(s) at most)",
                    u->name, size, write ? "write" : "read", (unsigned long long)offset,
                    (NREGS - 1) << u->reg_shift, 1u << u->reg_shift, u->reg_io_width);
        return -1;
    }
    return (int)(offset >> u->reg_shift);
}

static uint64_t ns16550_read(void *opaque, uint64_t offset, unsigned size)
{
    struct ns16550 *u = opaque;
    int reg = access_reg(u, offset, size, false);
    return reg < 0 ? 0 : reg_read(u, (unsigned)reg);
}

/* What reg_read would return, without popping the receive buffer, clearing the reported
 * THRE interrupt, the line status errors or the modem deltas, or starting to listen to the
 * host: every register but RBR (which has no other view of the byte it would pop). */
static bool ns16550_peek(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
    struct ns16550 *u = opaque;
    uint64_t lane = (1ull << u->reg_shift) - 1;
    if (size > u->reg_io_width || (offset & lane) || (offset >> u->reg_shift) >= NREGS)
        return false;
    unsigned reg = (unsigned)(offset >> u->reg_shift);
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR:
        if (!dlab)
            return false;
        *val = (uint8_t)u->divisor;
        return true;
    case UART_IIR: *val = pending_iid(u) | (fifo_enabled(u) ? UART_IIR_FIFOS : 0); return true;
    case UART_LSR:
        *val = u->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT | (u->rx_count > 0 ? UART_LSR_DR : 0);
        return true;
    case UART_MSR: *val = u->msr; return true;
    default: *val = reg_read(u, reg); return true; /* IER/DLM, LCR, MCR, SCR: no effect */
    }
}

static void ns16550_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct ns16550 *u = opaque;
    int reg = access_reg(u, offset, size, true);
    if (reg < 0)
        return;
    if (val >> 8)
        guest_error("ns16550-wide-value",
                    "%s: write of 0x%llx to an 8-bit register at offset "
                    "0x%llx: the upper bits are ignored",
                    u->name, (unsigned long long)val, (unsigned long long)offset);
    reg_write(u, (unsigned)reg, (uint8_t)val);
}

static const struct device_ops ns16550_ops = {
    .min_size = 1,
    .max_size = 8, /* narrower than reg-io-width is fine; wider is checked per device */
    .unaligned_ok = false,
    .read = ns16550_read,
    .write = ns16550_write,
    .peek = ns16550_peek,
};

/* ---- life cycle ---- */

static void ns16550_free(void *opaque)
{
    struct ns16550 *u = opaque;
    clock_cancel(&u->m->clock, &u->rx_poll);
    clock_cancel(&u->m->clock, &u->rx_timeout);
    chardev_close(u->chr);
    free(u);
}

struct ns16550 *ns16550_new(struct machine *m, uint64_t base, const struct ns16550_config *cfg,
                            struct chardev *chr)
{
    unsigned width = cfg->reg_io_width ? cfg->reg_io_width : 1;
    struct ns16550 *u = NULL;
    if ((width != 1 && width != 2 && width != 4) || cfg->reg_shift > 4 ||
        !(u = calloc(1, sizeof *u))) {
        chardev_close(chr);
        return NULL;
    }
    u->m = m;
    u->chr = chr;
    if (chr) {
        u->rx_fn = chardev_source;
        u->rx_opaque = chr;
        u->rx_interactive = chardev_interactive(chr);
    }
    u->base = base;
    u->reg_shift = cfg->reg_shift;
    u->reg_io_width = width;
    u->clock_hz = cfg->clock_hz ? cfg->clock_hz : DEFAULT_CLOCK_HZ;
    u->hart_hz = cfg->hart_hz ? cfg->hart_hz : board_hart_hz(NULL, m->clock.cycles_per_tick);
    snprintf(u->name, sizeof u->name, "%s", cfg->name ? cfg->name : "uart");
    u->irq.name = u->name;

    /* Datasheet master reset: IER, FCR, LCR, MCR 0; LSR THRE|TEMT; MSR deltas 0. */
    unsigned div = (u->clock_hz + 8 * DEFAULT_BAUD) / (16 * DEFAULT_BAUD);
    u->divisor = div ? (div > 0xffff ? 0xffff : (uint16_t)div) : 1;
    u->logged_divisor = u->divisor;
    u->msr = modem_inputs(u);
    clock_event_init(&u->rx_poll, rx_poll_fired, u);
    clock_event_init(&u->rx_timeout, timeout_fired, u);

    uint64_t size = (uint64_t)NREGS << u->reg_shift;
    if (cfg->size > size)
        size = cfg->size; /* the rest of the range reads 0, logged */
    if (!bus_add_device(&m->bus, u->name, base, size, &ns16550_ops, u)) {
        ns16550_free(u);
        return NULL;
    }
    machine_on_free(m, ns16550_free, u);
    machine_add_state(m, u, sizeof *u); /* snapshots (platform/history.h) */
    if (cfg->irq_source)
        machine_connect_irq(m, &u->irq, cfg->irq_source); /* no controller: unconnected */
    rx_poll_update(u, now_of(u));
    return u;
}

/* ---- from the device tree ---- */

static bool prop_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p || len < 4)
        return false;
    *out = fdt32_to_cpu(p[len / 4 - 1]); /* 2-cell values: the low cell */
    return true;
}

static bool is_ns16550(const void *fdt, int node)
{
    return fdt_node_check_compatible(fdt, node, "ns16550a") == 0 ||
           fdt_node_check_compatible(fdt, node, "ns16550") == 0;
}

/* Whether this node's UART talks to the host: the one /chosen/stdout-path names (a path or
 * an alias, optionally followed by ":options"), else the first UART created. */
static bool is_console(struct machine *m, const void *fdt, int node)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *sp = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;
    if (sp) {
        const char *colon = strchr(sp, ':');
        int target = fdt_path_offset_namelen(fdt, sp, colon ? (int)(colon - sp) : (int)strlen(sp));
        if (target >= 0 && is_ns16550(fdt, target))
            return target == node;
    }
    for (unsigned k = 0; k < m->bus.nregions; k++)
        if (m->bus.regions[k].ops == &ns16550_ops)
            return false;
    return true;
}

bool ns16550_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                    char *err, size_t errlen)
{
    struct ns16550_config cfg = { .clock_hz = DEFAULT_CLOCK_HZ, .reg_io_width = 1 };
    uint32_t v;
    if (prop_u32(fdt, node, "clock-frequency", &v) && v)
        cfg.clock_hz = v;
    if (prop_u32(fdt, node, "reg-shift", &v))
        cfg.reg_shift = v;
    if (prop_u32(fdt, node, "reg-io-width", &v))
        cfg.reg_io_width = v;
    int len;
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (irq && len >= 4)
        cfg.irq_source = fdt32_to_cpu(irq[0]);
    cfg.hart_hz = board_hart_hz(fdt, m->clock.cycles_per_tick);
    cfg.size = size;
    char name[32];
    snprintf(name, sizeof name, "%s", fdt_get_name(fdt, node, NULL));
    cfg.name = name;

    if (cfg.reg_shift > 4 ||
        (cfg.reg_io_width != 1 && cfg.reg_io_width != 2 && cfg.reg_io_width != 4)) {
        snprintf(err, errlen, "reg-shift %u / reg-io-width %u not supported (0-4 / 1, 2, 4)",
                 cfg.reg_shift, cfg.reg_io_width);
        return false;
    }
    if (size < ((uint64_t)NREGS << cfg.reg_shift)) {
        snprintf(err, errlen, "reg size 0x%llx is smaller than its 8 registers (0x%x bytes)",
                 (unsigned long long)size, NREGS << cfg.reg_shift);
        return false;
    }
    struct chardev *chr = NULL;
    if (is_console(m, fdt, node)) {
        chr = chardev_open(m->opts.serial, err, errlen);
        if (!chr)
            return false;
    }
    if (!ns16550_new(m, base, &cfg, chr)) {
        snprintf(err, errlen, "the address range overlaps another device, or out of memory");
        return false;
    }
    return true;
}

/* ---- accessors ---- */

struct irq_line *ns16550_irq(struct ns16550 *u)
{
    return &u->irq;
}

unsigned ns16550_rx_count(const struct ns16550 *u)
{
    return u->rx_count;
}

struct chardev *ns16550_chardev(struct ns16550 *u)
{
    return u->chr;
}

struct ns16550 *ns16550_find(struct machine *m, unsigned k)
{
    for (unsigned r = 0; r < m->bus.nregions; r++)
        if (m->bus.regions[r].ops == &ns16550_ops && k-- == 0)
            return m->bus.regions[r].opaque;
    return NULL;
}

bool ns16550_listen_tx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx)
{
    return listeners_add(&u->on_tx, (listener_fn)fn, ctx);
}

void ns16550_unlisten_tx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx)
{
    listeners_remove(&u->on_tx, (listener_fn)fn, ctx);
}

bool ns16550_listen_rx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx)
{
    return listeners_add(&u->on_rx, (listener_fn)fn, ctx);
}

void ns16550_unlisten_rx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx)
{
    listeners_remove(&u->on_rx, (listener_fn)fn, ctx);
}

void ns16550_set_rx_source(struct ns16550 *u, ns16550_rx_source_fn fn, void *opaque,
                           bool interactive)
{
    u->rx_fn = fn;
    u->rx_opaque = opaque;
    u->rx_interactive = interactive;
    u->chr_done = false;
    rx_poll_update(u, now_of(u));
}

void ns16550_rx_wake(struct ns16550 *u, uint64_t from)
{
    if (!u->chr_done)
        return;
    u->chr_done = false;
    rx_poll_update(u, from);
}

uint8_t ns16550_lcr(const struct ns16550 *u)
{
    return u->lcr;
}
