/* Fuzz test of the GDB stub's packet parser and packet handlers (docs/design.md, testing tier 6):
 * random bytes, mutated valid packets and round trips through rsp_frame, fed to rsp_feed
 * and, for every packet that parses, to gdbstub_handle_packet over a fake target. The
 * checks: the parser never reports more than RSP_MAX_PACKET bytes, keeps its data
 * NUL-terminated, and a framed payload always parses back to itself; the handlers never
 * crash (run under the sanitizers in CI builds that enable them). Deterministic: a fixed
 * xorshift seed, the iteration count from argv[1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdbstub.h"
#include "gdbstub/rsp.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- a fake target: 4 KiB of memory at 0x1000, 33 registers, 2 threads ---- */

static uint8_t fake_mem[4096];
static uint64_t fake_regs[2][70];

static unsigned f_nthreads(void *t)
{
    return 2;
}
static const char *f_xml(void *t)
{
    return "<?xml version=\"1.0\"?><target><architecture>riscv:rv64</architecture></target>";
}
static unsigned f_g_count(void *t)
{
    return 33;
}
static unsigned f_read_reg(void *t, unsigned th, unsigned r, uint64_t *v, bool *avail)
{
    if (th < 1 || th > 2 || r >= 70)
        return 0;
    *avail = r != 40;
    *v = fake_regs[th - 1][r];
    return 8;
}
static bool f_write_reg(void *t, unsigned th, unsigned r, uint64_t v)
{
    if (th < 1 || th > 2 || r >= 70)
        return false;
    fake_regs[th - 1][r] = v;
    return true;
}
static bool in_mem(uint64_t a, size_t len)
{
    return a >= 0x1000 && len <= sizeof fake_mem && a - 0x1000 <= sizeof fake_mem - len;
}
static bool f_read_mem(void *t, uint64_t a, uint8_t *buf, size_t len)
{
    if (!in_mem(a, len))
        return false;
    memcpy(buf, fake_mem + (a - 0x1000), len);
    return true;
}
static bool f_write_mem(void *t, uint64_t a, const uint8_t *buf, size_t len)
{
    if (!in_mem(a, len))
        return false;
    memcpy(fake_mem + (a - 0x1000), buf, len);
    return true;
}
static void f_step(void *t, unsigned th, gdb_poll_fn poll, void *ctx, struct gdb_stop *out)
{
    out->signal = GDB_SIGTRAP;
    out->thread = th;
}
static void f_cont(void *t, uint32_t threads, gdb_poll_fn poll, void *ctx, struct gdb_stop *out)
{
    (void)threads;
    out->signal = GDB_SIGINT;
}
static bool f_bp(void *t, enum gdb_bp_type type, uint64_t a, uint64_t len)
{
    return (a & 1) == 0;
}
static void f_detach(void *t) {}
static void f_monitor(void *t, const char *cmd, char *out, size_t outlen)
{
    snprintf(out, outlen, "you said '%s'\n", cmd);
}

static const struct gdb_target_ops fake_ops = {
    .nthreads = f_nthreads,
    .target_xml = f_xml,
    .g_count = f_g_count,
    .read_reg = f_read_reg,
    .write_reg = f_write_reg,
    .read_mem = f_read_mem,
    .write_mem = f_write_mem,
    .step = f_step,
    .cont = f_cont,
    .insert_bp = f_bp,
    .remove_bp = f_bp,
    .detach = f_detach,
    .monitor = f_monitor,
};

static const char *const seeds[] = {
    "qSupported:multiprocess+;swbreak+;xmlRegisters=riscv",
    "QStartNoAckMode",
    "?",
    "g",
    "G0011223344556677",
    "p20",
    "P20=0011223344556677",
    "p1041",
    "m1000,10",
    "M1000,4:deadbeef",
    "X1000,3:a}]b",
    "c",
    "s",
    "c1000",
    "S05;1000",
    "C05",
    "vCont?",
    "vCont;s:1;c",
    "vCont;c:-1",
    "vCont;S05:2",
    "Z0,1000,2",
    "z0,1000,2",
    "Z2,1000,4",
    "Z4,1004,8",
    "Z9,0,0",
    "Hg1",
    "Hc-1",
    "Hg3",
    "T1",
    "T9",
    "qC",
    "qfThreadInfo",
    "qsThreadInfo",
    "qAttached",
    "qAttached:1",
    "qXfer:features:read:target.xml:0,20",
    "qXfer:features:read:target.xml:ff,ff",
    "qXfer:features:read:other.xml:0,10",
    "qRcmd,69727120",
    "qRcmd,6",
    "qThreadExtraInfo,1",
    "vMustReplyEmpty",
    "D",
    "D;1",
    "m",
    "m,",
    "m1000",
    "mffffffffffffffff,ffffffff",
    "M1000,ffffffff:00",
    "P",
    "Pzz=1",
    "qRcmd,zz",
    "vKill;1",
    "k",
};

static void feed_all(struct gdbstub *s, struct rsp_parser *p, const uint8_t *buf, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        enum rsp_event ev = rsp_feed(p, buf[k]);
        if (p->len > RSP_MAX_PACKET) {
            fprintf(stderr, "fuzz_rsp: parser length %zu above the maximum\n", p->len);
            exit(1);
        }
        if (ev == RSP_EV_PACKET) {
            if (p->data[p->len] != 0) {
                fprintf(stderr, "fuzz_rsp: packet data not NUL-terminated\n");
                exit(1);
            }
            gdbstub_handle_packet(s, p->data, p->len);
        }
    }
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 100000;
    struct gdbstub *s = gdbstub_new_detached(&fake_ops, NULL);
    static struct rsp_parser p;
    static uint8_t buf[2 * RSP_MAX_PACKET + 64];
    static char frame[2 * RSP_MAX_PACKET + 64];
    if (!s)
        return 1;
    rsp_parser_init(&p);
    unsigned nseeds = sizeof seeds / sizeof seeds[0];
    long packets = 0;
    for (long it = 0; it < iters; it++) {
        size_t n;
        switch (next_rand() % 4) {
        case 0: /* random bytes, biased towards the framing characters */
            n = next_rand() % 64;
            for (size_t k = 0; k < n; k++) {
                static const char special[] = "$#}*+-\x03";
                buf[k] = next_rand() % 3 ? (uint8_t)next_rand() : (uint8_t)special[next_rand() % 7];
            }
            break;
        case 1: { /* a valid seed packet, mutated */
            const char *sd = seeds[next_rand() % nseeds];
            n = rsp_frame(sd, strlen(sd), (char *)buf, sizeof buf);
            unsigned muts = (unsigned)(next_rand() % 4);
            for (unsigned k = 0; k < muts && n; k++)
                buf[next_rand() % n] = (uint8_t)next_rand();
            break;
        }
        case 2: { /* round trip: a random payload framed must parse back to itself */
            size_t len = next_rand() % 300;
            if (next_rand() % 50 == 0)
                len = RSP_MAX_PACKET - (next_rand() % 2);
            for (size_t k = 0; k < len; k++)
                buf[k] = (uint8_t)next_rand();
            size_t fl = rsp_frame(buf, len, frame, sizeof frame);
            struct rsp_parser q;
            rsp_parser_init(&q);
            enum rsp_event last = RSP_EV_NONE;
            for (size_t k = 0; k < fl; k++)
                last = rsp_feed(&q, (uint8_t)frame[k]);
            if (last != RSP_EV_PACKET || q.len != len || memcmp(q.data, buf, len) != 0) {
                fprintf(stderr, "fuzz_rsp: round trip of %zu bytes failed (event %d)\n", len,
                        (int)last);
                return 1;
            }
            packets++;
            n = 0;
            break;
        }
        default: /* an oversized packet */
            n = RSP_MAX_PACKET + 10 + next_rand() % 100;
            buf[0] = '$';
            memset(buf + 1, 'a', n - 4);
            memcpy(buf + n - 3, "#00", 3);
            break;
        }
        feed_all(s, &p, buf, n);
    }
    gdbstub_free(s);
    printf("fuzz_rsp: %ld iterations, %ld round trips, no failure\n", iters, packets);
    return 0;
}
