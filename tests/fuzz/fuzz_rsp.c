/* Fuzz harness: the GDB stub in-process (gdbstub/gdbstub.c, gdbstub/rsp.c and
 * gdbstub/target_machine.c; GDB manual appendix E): the input is the byte stream a
 * debugger sends, written into one end of a socket pair whose other end is the stub's
 * client connection, so the framing, acknowledgments, NoAck mode, every packet handler,
 * the machine target (registers, memory and device registers, breakpoints, watchpoints,
 * monitor commands) and resuming the machine all run as they do for gdb.
 *
 * The machine: the virt board (1 MiB of RAM), RV64GC or RV32IMAC by the input's first
 * byte, running a small program of loads, stores, a CSR read, an ecall-free loop and a
 * device access; every run is bounded to 2000 instructions (a `c` then ends with the
 * limit's exit reply). The stub serves until the input ends (the debugger "disconnects",
 * the machine runs on to the limit) or a `k` arrives.
 * Invariants: no crash or sanitizer report; everything the stub sends is acknowledgments
 * and well-framed packets with correct checksums; the stub ends (no hang).
 * Seeds: tests/fuzz/corpus/rsp, sessions recorded from gdb-multiarch; dictionary rsp.dict.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "gdbstub/gdbstub.h"
#include "gdbstub/target_machine.h"
#include "platform/board.h"
#include "platform/machine.h"

#define RAM 0x80000000ull

static struct machine_options opts64, opts32;
static void *board;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    char err[512];
    size_t size;
    board = board_open("virt", &size, err, sizeof err);
    machine_options_default(&opts64);
    opts64.serial = "null";
    if (!board || !board_apply_options(board, &opts64, err, sizeof err)) {
        fprintf(stderr, "fuzz_rsp: %s\n", err);
        exit(1);
    }
    opts64.ram_size = 1 << 20;
    opts64.fdt = board;
    opts64.max_insns = 2000;
    opts32 = opts64;
    opts32.xlen = 32;
    opts32.ext = ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C');
    return 0;
}

/* The program: a loop that stores, loads, reads a CSR and touches the UART. */
static const uint32_t program[] = {
    0x00000297, /* auipc t0, 0 */
    0x10028293, /* addi  t0, t0, 0x100 */
    0x00100313, /* li    t1, 1 */
    0x0062a023, /* 1: sw t1, 0(t0) */
    0x0002a383, /* lw    t2, 0(t0) */
    0x00130313, /* addi  t1, t1, 1 */
    0xb0002e73, /* csrr  t3, mcycle */
    0x10000eb7, /* lui   t4, 0x10000 */
    0x005e8023, /* sb    t0, 0(t4)   (UART THR) */
    0xfe9ff06f, /* j 1b */
};

/* The debugger's side: reads everything the stub sends and checks its framing. */
struct drain {
    int fd;
    const char *bad;
};

static void *drain_thread(void *arg)
{
    struct drain *d = arg;
    uint8_t buf[4096];
    enum { OUT, DATA, CS1, CS2 } st = OUT;
    uint8_t sum = 0, want = 0;
    for (;;) {
        ssize_t n = read(d->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t k = 0; k < n && !d->bad; k++) {
            uint8_t c = buf[k];
            int hex = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            switch (st) {
            case OUT:
                if (c == '$') {
                    st = DATA;
                    sum = 0;
                } else if (c != '+' && c != '-') {
                    d->bad = "a byte outside a packet that is not an acknowledgment";
                }
                break;
            case DATA:
                if (c == '#')
                    st = CS1;
                else if (c == '$')
                    d->bad = "a '$' inside a packet";
                else
                    sum += c;
                break;
            case CS1:
                if (hex < 0)
                    d->bad = "a checksum digit that is not lower-case hex";
                want = (uint8_t)(hex << 4);
                st = CS2;
                break;
            case CS2:
                if (hex < 0)
                    d->bad = "a checksum digit that is not lower-case hex";
                if ((uint8_t)(want | hex) != sum)
                    d->bad = "a packet with a wrong checksum";
                st = OUT;
                break;
            }
        }
    }
    if (!d->bad && st != OUT)
        d->bad = "a packet cut short";
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 60000)
        return 0; /* the socket buffer holds the whole input */
    const struct machine_options *o = size && (data[0] & 1) ? &opts32 : &opts64;
    char err[512];
    struct machine *m = machine_new(o, err, sizeof err);
    if (!m)
        fuzz_fail("machine_new: %s", err);
    machine_write_mem(m, RAM, program, sizeof program);
    machine_reset_harts(m);
    struct machine_target *mt = machine_target_new(m);
    int sv[2];
    if (!mt || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        fuzz_fail("cannot set up the stub");
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (size && write(sv[0], data, size) != (ssize_t)size)
        fuzz_fail("cannot write the input to the socket");
    shutdown(sv[0], SHUT_WR);
    struct drain d = { sv[0], NULL };
    pthread_t th;
    if (pthread_create(&th, NULL, drain_thread, &d) != 0)
        fuzz_fail("cannot start the reader");
    struct gdbstub *s = gdbstub_new_connected(&machine_target_ops, mt, sv[1]);
    if (!s)
        fuzz_fail("gdbstub_new_connected failed");
    gdbstub_serve(s, true);
    gdbstub_free(s); /* closes sv[1]: the reader sees the end */
    pthread_join(th, NULL);
    close(sv[0]);
    machine_target_free(mt);
    machine_free(m);
    if (d.bad)
        fuzz_fail("the stub sent %s", d.bad);
    return 0;
}
