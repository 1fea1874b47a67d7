/* The NS16550A UART ("ns16550a", "ns16550"), as National Semiconductor's (now TI's)
 * PC16550D datasheet describes it, at QEMU virt's address (0x10000000, PLIC source 10,
 * 3.6864 MHz clock). Its serial line goes to a host character backend (host/chardev.h).
 *
 * Registers (offset << reg-shift, each reg-io-width bytes wide):
 *     0 RBR (read) / THR (write); DLL when LCR.DLAB = 1
 *     1 IER; DLM when LCR.DLAB = 1
 *     2 IIR (read) / FCR (write)
 *     3 LCR   4 MCR   5 LSR   6 MSR   7 SCR
 *
 * Model choices, all deterministic:
 *  - Transmit is instantaneous: a THR write goes to the host at once and THRE/TEMT stay set
 *    (as QEMU does), so the transmit FIFO is always empty and firmware never waits.
 *  - Receive is paced by virtual time: while the backend may have input, the UART takes one
 *    byte per character time at the programmed baud rate and frame format, and only when the
 *    receive FIFO (or, FIFOs off, the RBR) has room. A slow guest therefore loses no input
 *    from the host: the host side waits. Bytes that arrive without waiting (loopback, or
 *    ns16550_receive) can overrun, as on the real chip.
 *  - The character timeout (FIFO mode) is an event on the virtual clock, 4 character times
 *    after the last byte received or read.
 *  - The interrupt output is not gated by MCR.OUT2 (see ns16550_update_irq).
 *  - Without a device tree the divisor starts at the value for 115200 baud (the datasheet
 *    leaves DLL/DLM undefined after reset); a divisor of 0 counts as 65536.
 *
 * Usage:
 *     struct ns16550_config cfg = { .clock_hz = 3686400, .irq_source = 10 };
 *     struct ns16550 *u = ns16550_new(m, 0x10000000, &cfg, chardev_open(NULL, err, n));
 * or, from a board's device tree: { "ns16550a", ns16550_create } in platform/devtable.c; the
 * UART that /chosen/stdout-path names (else the first one created) gets the backend named
 * by machine_options.serial, the others none (their output is dropped, they get no input).
 */
#ifndef HARTLAB_DEVICES_NS16550_H
#define HARTLAB_DEVICES_NS16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/irq.h"

struct machine;
struct chardev;
struct ns16550;

/* Register indices (before reg-shift). */
#define UART_RBR 0 /* read, DLAB = 0 */
#define UART_THR 0 /* write, DLAB = 0 */
#define UART_DLL 0 /* DLAB = 1 */
#define UART_IER 1 /* DLAB = 0 */
#define UART_DLM 1 /* DLAB = 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available (and character timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI  0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */

#define UART_IIR_NO_INT 0x01 /* bit 0 = 0 when an interrupt is pending */
#define UART_IIR_MSI    0x00 /* modem status */
#define UART_IIR_THRI   0x02 /* transmitter holding register empty */
#define UART_IIR_RDI    0x04 /* received data available */
#define UART_IIR_RLSI   0x06 /* receiver line status */
#define UART_IIR_CTI    0x0c /* character timeout */
#define UART_IIR_ID     0x0f
#define UART_IIR_FIFOS  0xc0 /* both set when FCR0 = 1 */

#define UART_FCR_FIFO_EN  0x01
#define UART_FCR_RX_RESET 0x02
#define UART_FCR_TX_RESET 0x04
#define UART_FCR_DMA_MODE 0x08
#define UART_FCR_TRIGGER  0xc0 /* RX trigger: 00 = 1, 01 = 4, 10 = 8, 11 = 14 bytes */

#define UART_LCR_WLS  0x03 /* word length select: 5 + value bits */
#define UART_LCR_STB  0x04 /* stop bits: 1, or 1.5 (5-bit words) / 2 */
#define UART_LCR_PEN  0x08
#define UART_LCR_EPS  0x10
#define UART_LCR_SP   0x20 /* stick parity */
#define UART_LCR_SB   0x40 /* set break */
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_RXFE 0x80 /* error in RCVR FIFO */

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80

#define UART_FIFO_SIZE 16

struct ns16550_config {
    uint32_t clock_hz;     /* input clock (device tree clock-frequency); 0 = 3686400 */
    unsigned reg_shift;    /* register i at offset i << reg_shift (default 0) */
    unsigned reg_io_width; /* bytes per register: 1 (default) or 4 */
    unsigned irq_source;   /* interrupt source on the machine's controller; 0 = none */
    uint64_t hart_hz;      /* hart cycles per second, to turn character times into
                              cycles; 0 = 10 MHz timebase x the machine's cycles per tick */
    const char *name;      /* bus region name; NULL = "uart" */
    uint64_t size;         /* bytes of bus to claim; 0 = just the registers (8 << shift) */
};

/* Build a UART at `base` taking ownership of `chr` (may be NULL: output dropped, no input).
 * Registers its 8 << reg_shift bytes on the bus, its clean-up with machine_on_free, and
 * connects its interrupt output when the machine has a controller. NULL on failure (the
 * range overlaps, bad config); `chr` is closed then. */
struct ns16550 *ns16550_new(struct machine *m, uint64_t base, const struct ns16550_config *cfg,
                            struct chardev *chr);
/* The device-table `create` for "ns16550a"/"ns16550" nodes: reads clock-frequency,
 * reg-shift, reg-io-width and interrupts, and opens machine_options.serial for the console
 * UART. A backend that cannot be opened (port in use, ...) fails with its message. */
bool ns16550_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                    char *err, size_t errlen);

/* Recompute the interrupt output from the registers (the one place that sets it). */
void ns16550_update_irq(struct ns16550 *u);
/* Put a byte on the receive line now, without waiting for room: it overruns a full FIFO
 * (or a full RBR) as on the chip. */
void ns16550_receive(struct ns16550 *u, uint8_t byte);
/* The programmed baud rate: clock / (16 x divisor). */
uint32_t ns16550_baud(const struct ns16550 *u);
/* Hart cycles one character takes on the line (start, data, parity and stop bits). */
uint64_t ns16550_char_cycles(const struct ns16550 *u);
/* The interrupt output, for probes and tests. */
struct irq_line *ns16550_irq(struct ns16550 *u);
/* Bytes waiting in the receive FIFO (or RBR). */
unsigned ns16550_rx_count(const struct ns16550 *u);
struct chardev *ns16550_chardev(struct ns16550 *u);
/* The k-th UART on the machine's bus (bus order), or NULL. */
struct ns16550 *ns16550_find(struct machine *m, unsigned k);
/* Observers of the serial line (the views' hub, a --script; docs/design.md,
 * decision 11): a tx listener is told of every byte transmitted on the line, an rx listener
 * of every byte that arrives from it (not loopback), with the virtual-clock cycle. */
typedef void (*ns16550_byte_fn)(void *ctx, uint8_t byte, uint64_t cycle);
bool ns16550_listen_tx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx);
void ns16550_unlisten_tx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx);
bool ns16550_listen_rx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx);
void ns16550_unlisten_rx(struct ns16550 *u, ns16550_byte_fn fn, void *ctx);
/* Where the receiver's bytes come from. By default the backend (chardev_read on the chardev
 * given to ns16550_new); host/input.c puts itself here, so that every byte from outside
 * passes one place that can add script input, record and replay. The UART calls `fn` once
 * per character time while it may take a byte (`byte` non-NULL: the FIFO has room) or, for
 * an `interactive` source, only to look (`byte` NULL: the FIFO is full, but a quit from the
 * console must still be seen). `cycle` is when the byte completes on the line. `fn`
 * returns a chardev_status: CHARDEV_DATA with *byte, CHARDEV_NONE, CHARDEV_EOF (no more
 * polling until ns16550_rx_wake) or CHARDEV_QUIT (the run ends, status 0). */
typedef int (*ns16550_rx_source_fn)(void *opaque, uint8_t *byte, uint64_t cycle);
void ns16550_set_rx_source(struct ns16550 *u, ns16550_rx_source_fn fn, void *opaque,
                           bool interactive);
/* The source has input again after it said CHARDEV_EOF: polling resumes, the next byte
 * completing one character time after cycle `from`. */
void ns16550_rx_wake(struct ns16550 *u, uint64_t from);
/* The line control register (frame format), without side effects. */
uint8_t ns16550_lcr(const struct ns16550 *u);

#endif
