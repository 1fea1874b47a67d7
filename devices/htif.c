/* HTIF: the tohost/fromhost mailbox of the Berkeley host-target interface. There is no
 * formal specification; this follows the convention Spike (riscv-isa-sim fesvr/htif.cc,
 * device 0 "syscall_proxy" and device 1 "bcd") and the riscv-tests environments use, as
 * summarised in htif.h. Only what bare-metal test firmware needs is implemented. */
#include "devices/htif.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/bus.h"
#include "host/log.h"
#include "platform/machine.h"

#define HTIF_DEV(v)     ((unsigned)((v) >> 56))
#define HTIF_CMD(v)     ((unsigned)((v) >> 48) & 0xff)
#define HTIF_PAYLOAD(v) ((v) & ((1ull << 48) - 1))

#define HTIF_DEV_SYSCALL  0
#define HTIF_DEV_CONSOLE  1
#define HTIF_CONSOLE_PUTC 1

/* Linux/riscv-pk syscall numbers the proxy understands. */
#define HTIF_SYS_WRITE 64
#define HTIF_SYS_EXIT  93
#define HTIF_EBADF     9
#define HTIF_EFAULT    14
#define HTIF_ENOSYS    38

struct htif {
    struct machine *m;
    uint64_t tohost, fromhost;
    bool busy; /* our own write-back of tohost must not be taken as a new command */
    /* A store of the low word alone: riscv-tests' RV32 code writes the high word next, and
     * the compliance targets' halt (`sw 1, tohost`) never does. Acted on a few cycles later
     * unless the high word comes first, as a host that polls tohost would see it. */
    struct clock_event settle;
};

/* Cycles a low-word-only write waits for its high word. */
#define HTIF_SETTLE_CYCLES 64

static void htif_set_fromhost(struct htif *h, uint64_t v)
{
    if (h->fromhost && !machine_write_mem(h->m, h->fromhost, &v, sizeof v))
        guest_error("htif-fromhost", "htif: fromhost at 0x%llx is not memory",
                    (unsigned long long)h->fromhost);
}

static int htif_exit_status(uint64_t code)
{
    return code > 255 ? 255 : (int)code;
}

/* write(fd, buf, len) from guest memory, in chunks so a huge length cannot exhaust us. */
static int64_t htif_sys_write(struct htif *h, uint64_t fd, uint64_t buf, uint64_t len)
{
    FILE *out = fd == 1 ? stdout : fd == 2 ? stderr : NULL;
    uint8_t chunk[4096];
    uint64_t done = 0;

    if (!out)
        return -HTIF_EBADF;
    while (done < len) {
        uint64_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (!machine_read_mem(h->m, buf + done, chunk, n))
            return done ? (int64_t)done : -HTIF_EFAULT;
        if (!h->m->replaying) /* re-executed history printed it the first time */
            fwrite(chunk, 1, n, out);
        if (out == stdout)
            machine_console_output(h->m, chunk, (size_t)n);
        done += n;
    }
    return (int64_t)done;
}

static void htif_syscall(struct htif *h, uint64_t addr)
{
    uint64_t w[8];
    int64_t ret;

    if (!machine_read_mem(h->m, addr, w, sizeof w)) {
        guest_error("htif-syscall-addr", "htif: syscall block at 0x%llx is not memory",
                    (unsigned long long)addr);
        return;
    }
    switch (w[0]) {
    case HTIF_SYS_WRITE: ret = htif_sys_write(h, w[1], w[2], w[3]); break;
    case HTIF_SYS_EXIT:
        machine_exit(h->m, htif_exit_status(w[1]), "htif exit");
        h->m->bus.stop_requested = true;
        return;
    default:
        guest_error("htif-syscall", "htif: syscall %llu not supported (only write, exit)",
                    (unsigned long long)w[0]);
        ret = -HTIF_ENOSYS;
        break;
    }
    w[0] = (uint64_t)ret;
    machine_write_mem(h->m, addr, &w[0], sizeof w[0]);
    htif_set_fromhost(h, 1);
}

static void htif_command(struct htif *h, uint64_t cmd)
{
    uint64_t payload = HTIF_PAYLOAD(cmd);

    if (HTIF_DEV(cmd) == HTIF_DEV_SYSCALL && HTIF_CMD(cmd) == 0) {
        if (payload & 1) {
            machine_exit(h->m, htif_exit_status(payload >> 1), "htif exit");
            h->m->bus.stop_requested = true;
        } else {
            htif_syscall(h, payload);
        }
    } else if (HTIF_DEV(cmd) == HTIF_DEV_CONSOLE && HTIF_CMD(cmd) == HTIF_CONSOLE_PUTC) {
        uint8_t c = (uint8_t)(payload & 0xff);
        if (!h->m->replaying)
            putchar(c);
        machine_console_output(h->m, &c, 1);
        htif_set_fromhost(h, (uint64_t)HTIF_DEV_CONSOLE << 56 | (uint64_t)HTIF_CONSOLE_PUTC << 48);
    } else {
        guest_error("htif-command", "htif: device %u command %u not supported (tohost = 0x%016llx)",
                    HTIF_DEV(cmd), HTIF_CMD(cmd), (unsigned long long)cmd);
    }
}

static void htif_take(struct htif *h)
{
    uint64_t cmd, zero = 0;
    clock_cancel(&h->m->clock, &h->settle);
    if (!machine_read_mem(h->m, h->tohost, &cmd, sizeof cmd) || cmd == 0)
        return;
    h->busy = true;
    htif_command(h, cmd);
    machine_write_mem(h->m, h->tohost, &zero, sizeof zero);
    h->busy = false;
}

static void htif_settled(void *opaque)
{
    htif_take(opaque);
}

static void htif_tohost_written(void *opaque, uint64_t paddr, unsigned size, uint64_t val)
{
    struct htif *h = opaque;
    if (h->busy)
        return;
    /* The store that completes the 64-bit word acts at once (see htif.h on RV32). */
    if (paddr + size >= h->tohost + 8)
        htif_take(h);
    else if (!h->settle.armed)
        clock_schedule(&h->m->clock, &h->settle, clock_now(&h->m->clock) + HTIF_SETTLE_CYCLES);
}

struct htif *htif_new(struct machine *m, uint64_t tohost, uint64_t fromhost)
{
    struct htif *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->m = m;
    h->tohost = tohost;
    h->fromhost = fromhost;
    clock_event_init(&h->settle, htif_settled, h);
    if (!bus_add_watch(&m->bus, tohost, 8, htif_tohost_written, h)) {
        free(h);
        return NULL;
    }
    return h;
}

void htif_free(struct htif *h)
{
    if (!h)
        return;
    bus_remove_watch(&h->m->bus, h->tohost, 8, htif_tohost_written, h);
    clock_cancel(&h->m->clock, &h->settle);
    free(h);
}
