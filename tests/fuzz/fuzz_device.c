/* Fuzz harness: register access sequences to one device, built once per device with
 * -DFUZZ_DEVICE=N (the table below): CLINT (SiFive CLINT / ACLINT MTIMER+MSWI), PLIC
 * (riscv-plic-spec 1.0.0), NS16550A, SiFive GPIO, the SiFive test finisher, HTIF, and the
 * virtio-mmio transport (virtio 1.2, 4.2) in its first two slots: a virtio-blk on an
 * in-memory snapshot disk, then the virtio-rng.
 *
 * Each input is a sequence of operations on a fresh machine built from a built-in board
 * (1 MiB of RAM): loads and stores of 1, 2, 4 or 8 bytes at offsets in the device's
 * window (biased towards its register blocks, sometimes just past its end), virtual time
 * passing (the clock's events fire), the device's inputs (UART receive bytes, GPIO pin
 * levels, PLIC source levels, HTIF syscall blocks in RAM; for virtio, guest RAM the device
 * reads as rings and buffers, and stored values biased to RAM addresses), interrupt
 * enables, and short guest runs (`wfi` in a loop with an `mret` handler), so interrupts are
 * delivered. Invariants: no crash or sanitizer report; the same input gives the same
 * values, device by device, on a second fresh machine (no uninitialised state, no host
 * dependence).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/csr.h"
#include "devices/htif.h"
#include "devices/ns16550.h"
#include "devices/plic.h"
#include "devices/sifive_gpio.h"
#include "fuzz.h"
#include "host/blockdev.h"
#include "platform/board.h"
#include "platform/machine.h"

#ifndef FUZZ_DEVICE
#define FUZZ_DEVICE 0
#endif

struct device_case {
    const char *name;
    uint64_t base, size;
    uint32_t hot[8]; /* offsets of register blocks, 0-terminated after the first */
    bool dma;        /* the device reads and writes guest RAM (virtio) */
};

#define RAM      0x80000000ull
#define TOHOST   (RAM + 0x1000)
#define FROMHOST (RAM + 0x1008)
#define SYSBLOCK (RAM + 0x2000)

static const struct device_case cases[] = {
    { "clint", 0x2000000, 0x10000, { 0, 0x4000, 0xbff8 }, false },
    { "plic", 0xc000000, 0x600000, { 0, 0x1000, 0x2000, 0x2080, 0x200000, 0x201000 }, false },
    { "uart", 0x10000000, 0x100, { 0 }, false },
    { "gpio", 0x10060000, 0x1000, { 0, 0x38, 0x40 }, false },
    { "finisher", 0x100000, 0x1000, { 0 }, false },
    { "htif", TOHOST, 16, { 0 }, false },
    /* hot: blk's registers, its queue addresses, its configuration; the same for rng */
    { "virtio",
      0x10001000,
      0x2000,
      { 0, 0x70, 0x80, 0x100, 0x1000, 0x1070, 0x1080, 0x1100 },
      true },
};
/* Where virtio's guest RAM writes and RAM-address values point: above the program. */
#define DMA_AREA (RAM + 0x4000)
static const struct device_case *dc = &cases[FUZZ_DEVICE];

static struct machine_options opts;
static void *board;
static int disk_fd = -1; /* virtio: the drive's image, 64 KiB in memory */
static bool verbose;     /* FUZZ_VERBOSE set: every load's value on stderr (writing seeds) */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    char err[512];
    size_t size;
    board = board_open("virt", &size, err, sizeof err);
    machine_options_default(&opts);
    opts.serial = "null";
    opts.ram_size = 1 << 20;
    if (!board || !board_apply_options(board, &opts, err, sizeof err)) {
        fprintf(stderr, "fuzz_device: %s\n", err);
        exit(1);
    }
    opts.ram_size = 1 << 20;
    opts.fdt = board;
    if (dc->dma) {
        disk_fd = memfd_create("hartlab-fuzz-disk", 0);
        if (disk_fd < 0 || ftruncate(disk_fd, 64 << 10) != 0) {
            perror("fuzz_device: memfd");
            exit(1);
        }
    }
    return 0;
}

/* Virtual time passes: the hart waits in its wfi loop while the clock's events fire.
 * Zero cycles is no time at all: max_cycles 0 would mean "no limit", and a hart whose wfi
 * cannot wait (an interrupt pending but disabled) loops for ever, as real hardware would. */
static void advance(struct machine *m, uint64_t cycles)
{
    if (!cycles)
        return;
    m->opts.max_insns = 0;
    m->opts.max_cycles = hart_cycles(machine_hart(m, 0)) + cycles;
    m->exited = false;
    machine_run(m);
    m->opts.max_cycles = 0;
}

static uint64_t offset(struct fz *f)
{
    uint8_t how = fz_u8(f);
    unsigned nhot = 1;
    while (nhot < 8 && dc->hot[nhot])
        nhot++;
    if (how < 160)
        return (dc->hot[how % nhot] + (fz_u16(f) & 0x1ff)) % dc->size;
    if (how < 250)
        return fz_u32(f) % dc->size;
    return dc->size + fz_u8(f) % 16; /* just past the end */
}

/* Run the input on a fresh machine; returns a hash of everything read back. */
static uint64_t run(const uint8_t *data, size_t size)
{
    struct fz f = { data, size };
    char err[512];
    struct machine_options o = opts;
    struct blockdev *disk = NULL;
    if (disk_fd >= 0) {
        /* A snapshot: the device's writes stay in this run's overlay. */
        char spec[64];
        snprintf(spec, sizeof spec, "/proc/self/fd/%d,snapshot", disk_fd);
        disk = blockdev_open(spec, err, sizeof err);
        if (!disk)
            fuzz_fail("blockdev_open: %s", err);
        o.drives = &disk;
        o.ndrives = 1;
    }
    struct machine *m = machine_new(&o, err, sizeof err);
    if (!m)
        fuzz_fail("machine_new: %s", err);
    struct hart *h = machine_hart(m, 0);
    /* wfi; j .-4 at RAM; the trap handler at RAM + 0x20 is mret. */
    static const uint32_t code[] = { 0x10500073, 0xffdff06f };
    static const uint32_t handler = 0x30200073;
    machine_write_mem(m, RAM, code, sizeof code);
    machine_reset_harts(m);
    machine_write_mem(m, RAM + 0x20, &handler, 4);
    hart_csr_poke(h, CSR_MTVEC, RAM + 0x20);
    if (dc->base == TOHOST) {
        m->htif = htif_new(m, TOHOST, FROMHOST);
        if (!m->htif)
            fuzz_fail("htif_new failed");
    }
    struct ns16550 *uart = ns16550_find(m, 0);
    uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned step = 0; step < 256 && fz_more(&f); step++) {
        uint8_t op = fz_u8(&f);
        unsigned size_log = op >> 6, bytes = 1u << size_log;
        uint64_t v = 0;
        switch (op & 15) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: {
            uint64_t off = offset(&f);
            if (bus_load(&m->bus, dc->base + off, bytes, &v) != BUS_OK)
                v = 0xdead;
            if (verbose)
                fprintf(stderr, "fuzz_device: %s+0x%" PRIx64 " (%u bytes): 0x%" PRIx64 "\n",
                        dc->name, off, bytes, v);
            break;
        }
        case 5:
        case 6:
        case 7:
        case 8: {
            uint64_t off = offset(&f);
            uint8_t how = fz_u8(&f);
            uint64_t val = how & 1                ? fz_u64(&f)
                           : dc->dma && (how & 2) ? DMA_AREA + (fz_u16(&f) & 0xfff0)
                                                  : fz_u8(&f);
            bus_store(&m->bus, dc->base + off, bytes, val);
            break;
        }
        case 9: advance(m, (uint64_t)fz_u16(&f) << (fz_u8(&f) % 6)); break;
        case 10: /* the device's inputs */
            if (uart)
                ns16550_receive(uart, fz_u8(&f));
            if (m->ngpio) {
                uint8_t pin = fz_u8(&f);
                if (pin & 0x80)
                    sifive_gpio_release_input(m->gpio[0], pin % 40);
                else
                    sifive_gpio_set_input(m->gpio[0], pin % 40, pin & 0x40);
            }
            if (m->irq_input)
                m->irq_input(m->irq_input_opaque, fz_u16(&f) % 130, fz_u8(&f) & 1);
            break;
        case 11:
            /* virtio: bytes of guest RAM (rings, descriptors, requests); the others: an
             * HTIF syscall block (number, fd, buffer, length, ...) */
            if (dc->dma) {
                uint64_t at = DMA_AREA + fz_u16(&f);
                const uint8_t *bytes_in;
                size_t n = fz_bytes(&f, fz_u8(&f) % 129, &bytes_in);
                machine_write_mem(m, at, bytes_in, n);
                break;
            }
            for (unsigned k = 0; k < 8; k++) {
                uint64_t w = fz_u8(&f) & 1 ? fz_u64(&f) : fz_u8(&f);
                if (k == 0)
                    w = fz_u8(&f) & 1 ? 64 : 93;
                if (k == 2)
                    w = RAM + 0x3000 + (fz_u16(&f) & 0xfff);
                machine_write_mem(m, SYSBLOCK + 8 * k, &w, 8);
            }
            break;
        case 12: hart_csr_poke(h, CSR_MIE, fz_u16(&f) & 0xaaa); break;
        case 13: hart_csr_poke(h, CSR_MSTATUS, fz_u8(&f) & 1 ? 8 : 0); break;
        case 14: { /* a short guest run */
            m->opts.max_insns = hart_retired(h) + hart_traps(h) + 1 + fz_u8(&f);
            m->exited = false;
            m->bus.stop_requested = false;
            v = (uint64_t)machine_run(m);
            break;
        }
        default: { /* what the hart sees */
            uint64_t mip = 0;
            hart_csr_peek(h, CSR_MIP, &mip);
            v = mip ^ (uint64_t)hart_irq_wakeup(h) << 63;
            break;
        }
        }
        hash = (hash ^ v ^ op) * 0x100000001b3ull;
    }
    hash ^= m->exited ? (uint64_t)m->exit_code << 32 : 0;
    machine_free(m);
    blockdev_close(disk);
    return hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t a = run(data, size), b = run(data, size);
    if (a != b)
        fuzz_fail("%s: the same input read different values on two fresh machines", dc->name);
    return 0;
}
