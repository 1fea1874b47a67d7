/* The GDB remote stub (see gdbstub.h): the TCP connection, the packet loop and the packet
 * handlers, all in terms of `struct gdb_target_ops`.
 *
 * Implements, from the GDB manual appendix E "GDB Remote Serial Protocol": E.1 framing and
 * acknowledgments (with QStartNoAckMode, E.11), E.2 packets `?`, `c`, `C`, `D`/`D;pid`, `g`,
 * `G`, `H`, `k`, `m`, `M`, `p`, `P`, `s`, `S`, `T`, `X`, `vCont`, `vCont?`, `vKill;pid`,
 * `vMustReplyEmpty`, `z`/`Z` types 0-4, `bs`/`bc` (reverse step and continue, when the
 * target has them); E.3 stop replies `S`, `T` (with `thread:`, `watch:`, `rwatch:`,
 * `awatch:`, `replaylog:`), `W` and console output `O`; E.4 general queries `qSupported`
 * (PacketSize, qXfer:features:read, QStartNoAckMode, vContSupported, ReverseStep,
 * ReverseContinue), `qC`,
 * `qfThreadInfo`/`qsThreadInfo`, `qAttached`, `qRcmd`, `qXfer:features:read`; E.12 the
 * 0x03 interrupt. Anything else gets the empty reply that means "not supported".
 */
#include "gdbstub/gdbstub.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub/rsp.h"
#include "host/shutdown.h"

#define FRAME_MAX   (2 * RSP_MAX_PACKET + 16)
#define MONITOR_MAX 32768

struct gdbstub {
    const struct gdb_target_ops *ops;
    void *t;
    int listen_fd, client_fd;
    char where[160];
    struct rsp_parser parser;
    bool noack;
    unsigned g_thread, c_thread; /* H g / H c selections, 1-based */
    struct gdb_stop stop;        /* the last stop, for `?` */
    bool stopped;                /* the target is held for the debugger */
    bool resume, resume_step;    /* set by c/s/vCont */
    int resume_reverse;          /* bs: 1, bc: 2 */
    uint32_t resume_threads;     /* the threads a continue runs (bit k-1: thread k) */
    unsigned step_thread;
    bool interrupted; /* 0x03 seen while running */
    bool attach_stop; /* a debugger connected while running: it will ask `?` */
    bool killed;
    bool exited;
    int exit_code;
    bool (*idle)(void *ctx); /* gdbstub_set_idle */
    void *idle_ctx;
    bool idle_ended; /* idle() said to end the session */
    size_t last_len; /* the last framed packet, resent on '-' */
    char last[FRAME_MAX];
    char reply[RSP_MAX_PACKET + 1];
    char tmp[RSP_MAX_PACKET + 1];
};

/* ---- the wire ---- */

static void drop_client(struct gdbstub *s, const char *why);

static void write_all(struct gdbstub *s, const char *buf, size_t len)
{
    while (len > 0 && s->client_fd >= 0) {
        ssize_t n = send(s->client_fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = { .fd = s->client_fd, .events = POLLOUT };
            if (poll(&p, 1, 5000) <= 0) {
                drop_client(s, "the debugger stopped reading");
                return;
            }
        } else {
            drop_client(s, "the connection failed");
            return;
        }
    }
}

static void send_packet(struct gdbstub *s, const char *payload, size_t len)
{
    size_t n = rsp_frame(payload, len, s->last, sizeof s->last);
    if (n == 0) {
        /* Cannot happen with replies bounded by RSP_MAX_PACKET; answer an error instead. */
        n = rsp_frame("E01", 3, s->last, sizeof s->last);
    }
    s->last_len = n;
    if (s->client_fd >= 0)
        write_all(s, s->last, n);
}

static void send_str(struct gdbstub *s, const char *payload)
{
    send_packet(s, payload, strlen(payload));
}

/* Console output (an `O` packet) for text the debugger should show. */
static void send_console(struct gdbstub *s, const char *text)
{
    size_t len = strlen(text);
    while (len > 0) {
        size_t chunk = len > 512 ? 512 : len;
        s->tmp[0] = 'O';
        rsp_hex_encode((const uint8_t *)text, chunk, s->tmp + 1);
        send_packet(s, s->tmp, 1 + 2 * chunk);
        text += chunk;
        len -= chunk;
    }
}

static void send_stop_reply(struct gdbstub *s)
{
    const struct gdb_stop *st = &s->stop;
    if (st->message[0])
        send_console(s, st->message);
    char buf[128];
    if (st->exited) {
        snprintf(buf, sizeof buf, "W%02x", st->exit_code & 0xff);
    } else {
        const char *w = st->watch == GDB_WATCH_WRITE    ? "watch"
                        : st->watch == GDB_WATCH_READ   ? "rwatch"
                        : st->watch == GDB_WATCH_ACCESS ? "awatch"
                                                        : NULL;
        int n = snprintf(buf, sizeof buf, "T%02x", st->signal & 0xff);
        if (w)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s:%" PRIx64 ";", w, st->watch_addr);
        if (st->replaylog)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "replaylog:%s;", st->replaylog);
        unsigned t = st->thread ? st->thread : 1;
        snprintf(buf + n, sizeof buf - (size_t)n, "thread:%x;", t);
        /* The stopped thread becomes the selected one for `g`/`p` and `c`: GDB assumes so
         * (it does not send Hg again for the thread a stop reply named), as QEMU does. */
        s->g_thread = s->c_thread = t;
    }
    send_str(s, buf);
}

static void drop_client(struct gdbstub *s, const char *why)
{
    if (s->client_fd < 0)
        return;
    close(s->client_fd);
    s->client_fd = -1;
    /* After the run ended (the debugger was told, W/X) there is nothing to say. */
    if (why && !s->exited)
        fprintf(stderr,
                "hartlab: gdb: %s; breakpoints removed, the machine runs on and "
                "another debugger may attach to %s\n",
                why, s->where);
    if (s->ops->detach)
        s->ops->detach(s->t);
}

static void set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Accept a pending connection: the first becomes the client, a second is told why not. */
static bool accept_client(struct gdbstub *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    if (s->client_fd >= 0) {
        static const char msg[] = "E.hartlab: another debugger is already attached to this "
                                  "stub; detach it first";
        char frame[256];
        size_t n = rsp_frame(msg, sizeof msg - 1, frame, sizeof frame);
        if (send(fd, frame, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
            /* Nothing more to do for a client that is already gone. */
        }
        close(fd);
        fprintf(stderr, "hartlab: gdb: refused a second debugger on %s (one is attached)\n",
                s->where);
        return false;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
    s->client_fd = fd;
    s->noack = false;
    s->g_thread = s->c_thread = 1;
    s->last_len = 0;
    rsp_parser_init(&s->parser);
    fprintf(stderr, "hartlab: gdb: debugger attached on %s\n", s->where);
    return true;
}

/* ---- packet handlers ---- */

static unsigned thread_or_default(struct gdbstub *s, unsigned t)
{
    unsigned n = s->ops->nthreads(s->t);
    return t >= 1 && t <= n ? t : 1;
}

/* Append register `regno` of `thread` as little-endian hex; false if it does not exist. */
static bool append_reg(struct gdbstub *s, unsigned thread, unsigned regno, char *out)
{
    uint64_t v = 0;
    bool avail = true;
    unsigned bytes = s->ops->read_reg(s->t, thread, regno, &v, &avail);
    if (bytes == 0)
        return false;
    if (!avail) {
        for (unsigned k = 0; k < bytes; k++)
            memcpy(out + 2 * k, "xx", 2);
        out[2 * bytes] = 0;
        return true;
    }
    uint8_t b[8];
    for (unsigned k = 0; k < bytes; k++)
        b[k] = (uint8_t)(v >> (8 * k));
    rsp_hex_encode(b, bytes, out);
    return true;
}

static void handle_g(struct gdbstub *s)
{
    unsigned n = s->ops->g_count(s->t);
    size_t o = 0;
    for (unsigned r = 0; r < n; r++) {
        if (o + 17 > sizeof s->reply || !append_reg(s, s->g_thread, r, s->reply + o))
            break;
        o += strlen(s->reply + o);
    }
    send_packet(s, s->reply, o);
}

/* Value of `bytes` little-endian bytes from hex. */
static bool parse_le(const char *hex, unsigned bytes, uint64_t *out)
{
    uint8_t b[8];
    if (bytes > 8 || !rsp_hex_decode(hex, b, bytes))
        return false;
    uint64_t v = 0;
    for (unsigned k = 0; k < bytes; k++)
        v |= (uint64_t)b[k] << (8 * k);
    *out = v;
    return true;
}

static void handle_G(struct gdbstub *s, const char *p, size_t len)
{
    unsigned n = s->ops->g_count(s->t);
    size_t at = 0;
    for (unsigned r = 0; r < n; r++) {
        uint64_t v;
        bool avail;
        unsigned bytes = s->ops->read_reg(s->t, s->g_thread, r, &v, &avail);
        if (bytes == 0 || at + 2 * bytes > len)
            break;
        if (!parse_le(p + at, bytes, &v)) {
            send_str(s, "E01");
            return;
        }
        s->ops->write_reg(s->t, s->g_thread, r, v);
        at += 2 * bytes;
    }
    send_str(s, "OK");
}

static void handle_p(struct gdbstub *s, const char *p)
{
    uint64_t regno;
    if (!rsp_parse_hex(&p, &regno) || *p || regno > 0xffff ||
        !append_reg(s, s->g_thread, (unsigned)regno, s->reply))
        send_str(s, "E01");
    else
        send_str(s, s->reply);
}

static void handle_P(struct gdbstub *s, const char *p)
{
    uint64_t regno, v, old;
    bool avail;
    unsigned bytes;
    if (!rsp_parse_hex(&p, &regno) || *p++ != '=' || regno > 0xffff ||
        (bytes = s->ops->read_reg(s->t, s->g_thread, (unsigned)regno, &old, &avail)) == 0 ||
        strlen(p) != 2 * bytes || !parse_le(p, bytes, &v) ||
        !s->ops->write_reg(s->t, s->g_thread, (unsigned)regno, v))
        send_str(s, "E01");
    else
        send_str(s, "OK");
}

/* "ADDR,LEN" then `sep`; false if malformed. */
static bool parse_addr_len(const char **p, char sep, uint64_t *addr, uint64_t *len)
{
    if (!rsp_parse_hex(p, addr) || *(*p)++ != ',' || !rsp_parse_hex(p, len))
        return false;
    if (sep) {
        if (**p != sep)
            return false;
        (*p)++;
    } else if (**p) {
        return false;
    }
    return true;
}

static void handle_m(struct gdbstub *s, const char *p)
{
    uint64_t addr, len;
    if (!parse_addr_len(&p, 0, &addr, &len)) {
        send_str(s, "E01");
        return;
    }
    if (len > RSP_MAX_PACKET / 2)
        len = RSP_MAX_PACKET / 2;
    uint8_t *buf = (uint8_t *)s->tmp;
    size_t got = len;
    if (!s->ops->read_mem(s->t, addr, buf, len)) {
        /* Give what is readable up to the first hole, as the protocol allows. */
        for (got = 0; got < len && s->ops->read_mem(s->t, addr + got, buf + got, 1); got++)
            ;
    }
    if (got == 0 && len > 0) {
        send_str(s, "E14");
        return;
    }
    rsp_hex_encode(buf, got, s->reply);
    send_packet(s, s->reply, 2 * got);
}

static void handle_M(struct gdbstub *s, const char *p, size_t plen, bool binary)
{
    const char *start = p;
    uint64_t addr, len;
    if (!parse_addr_len(&p, ':', &addr, &len)) {
        send_str(s, "E01");
        return;
    }
    size_t rest = plen - (size_t)(p - start);
    uint8_t *buf = (uint8_t *)s->tmp;
    if (binary) {
        if (rest != len) {
            send_str(s, "E01");
            return;
        }
        memcpy(buf, p, rest);
    } else if (len > RSP_MAX_PACKET / 2 || rest != 2 * len || !rsp_hex_decode(p, buf, len)) {
        send_str(s, "E01");
        return;
    }
    send_str(s, len == 0 || s->ops->write_mem(s->t, addr, buf, len) ? "OK" : "E14");
}

static void handle_Z(struct gdbstub *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    if (!rsp_parse_hex(&p, &type) || *p++ != ',' || !rsp_parse_hex(&p, &addr) || *p++ != ',' ||
        !rsp_parse_hex(&p, &kind) || (*p && *p != ';')) {
        send_str(s, "E01");
        return;
    }
    if (type > GDB_WP_ACCESS) {
        send_str(s, ""); /* not supported */
        return;
    }
    bool ok = insert ? s->ops->insert_bp(s->t, (enum gdb_bp_type)type, addr, kind)
                     : s->ops->remove_bp(s->t, (enum gdb_bp_type)type, addr, kind);
    send_str(s, ok ? "OK" : "E01");
}

static void start_resume(struct gdbstub *s, bool step, unsigned thread, uint32_t threads)
{
    if (s->exited) {
        send_stop_reply(s); /* nothing left to run: report the exit again */
        return;
    }
    s->resume = true;
    s->resume_step = step;
    s->step_thread = thread_or_default(s, thread);
    s->resume_threads = threads;
}

/* c [addr] / s [addr] / C sig[;addr] / S sig[;addr] */
static void handle_resume(struct gdbstub *s, char cmd, const char *p)
{
    uint64_t v;
    if (cmd == 'C' || cmd == 'S') {
        if (!rsp_parse_hex(&p, &v)) {
            send_str(s, "E01");
            return;
        }
        if (*p == ';')
            p++;
    }
    if (*p) {
        if (!rsp_parse_hex(&p, &v) || *p) {
            send_str(s, "E01");
            return;
        }
        s->ops->write_reg(s->t, s->c_thread, 32, v); /* resume at addr: write pc */
    }
    start_resume(s, cmd == 's' || cmd == 'S', s->c_thread, UINT32_MAX);
}

/* vCont;ACTION[:TID]... — in all-stop mode a step action steps that hart alone (the other
 * harts stay stopped, like GDB's scheduler-locking "step"); otherwise the harts that a
 * continue action names run (`c` without a thread: every hart no earlier action named) and
 * the others stay stopped, as the protocol says of threads without an action (GDB steps
 * one thread over a breakpoint that way: vCont;c:TID with a breakpoint after it). */
static void handle_vcont(struct gdbstub *s, const char *p)
{
    bool step = false, cont = false;
    unsigned step_tid = s->c_thread;
    uint32_t named = 0, threads = 0;
    while (*p == ';') {
        p++;
        char a = *p++;
        uint64_t v;
        if (a == 'C' || a == 'S') {
            if (!rsp_parse_hex(&p, &v)) {
                send_str(s, "E01");
                return;
            }
            a = (char)(a - 'A' + 'a');
        }
        if (a != 'c' && a != 's') {
            send_str(s, "E01");
            return;
        }
        unsigned tid = 0;
        if (*p == ':') {
            p++;
            if (*p == '-' && p[1] == '1') {
                p += 2;
            } else if (rsp_parse_hex(&p, &v)) {
                tid = (unsigned)v;
            } else {
                send_str(s, "E01");
                return;
            }
        }
        uint32_t these = tid ? (tid <= 32 ? 1u << (tid - 1) : 0) : UINT32_MAX;
        if (a == 's' && !step) {
            step = true;
            step_tid = tid ? tid : s->c_thread;
        } else if (a == 'c') {
            cont = true;
            threads |= these & ~named;
        }
        named |= these;
    }
    if (*p || (!step && !cont)) {
        send_str(s, "E01");
        return;
    }
    start_resume(s, step, step_tid, threads);
}

static void handle_H(struct gdbstub *s, const char *p)
{
    char which = *p++;
    uint64_t v = 0;
    if (p[0] == '-' && p[1] == '1' && !p[2]) {
        v = 0;
    } else if (!rsp_parse_hex(&p, &v) || *p || v > s->ops->nthreads(s->t)) {
        send_str(s, "E01");
        return;
    }
    unsigned t = v ? (unsigned)v : 1;
    if (which == 'g') {
        s->g_thread = t;
        if (s->ops->select_thread)
            s->ops->select_thread(s->t, t);
    } else if (which == 'c')
        s->c_thread = t;
    else {
        send_str(s, "E01");
        return;
    }
    send_str(s, "OK");
}

static void handle_xfer_features(struct gdbstub *s, const char *p)
{
    static const char annex[] = "target.xml:";
    if (strncmp(p, annex, sizeof annex - 1) != 0) {
        send_str(s, "E00");
        return;
    }
    p += sizeof annex - 1;
    uint64_t off, len;
    if (!parse_addr_len(&p, 0, &off, &len)) {
        send_str(s, "E01");
        return;
    }
    const char *xml = s->ops->target_xml(s->t);
    size_t total = strlen(xml);
    if (len > RSP_MAX_PACKET / 2 - 1)
        len = RSP_MAX_PACKET / 2 - 1;
    if (off >= total) {
        send_str(s, "l");
        return;
    }
    size_t n = total - off < len ? total - off : len;
    s->reply[0] = off + n < total ? 'm' : 'l';
    memcpy(s->reply + 1, xml + off, n);
    send_packet(s, s->reply, 1 + n);
}

static void handle_rcmd(struct gdbstub *s, const char *hex)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 >= 1024) {
        send_str(s, "E01");
        return;
    }
    char cmd[1024];
    if (!rsp_hex_decode(hex, (uint8_t *)cmd, n / 2)) {
        send_str(s, "E01");
        return;
    }
    cmd[n / 2] = 0;
    char *out = malloc(MONITOR_MAX);
    if (!out) {
        send_str(s, "E0c");
        return;
    }
    out[0] = 0;
    s->ops->monitor(s->t, cmd, out, MONITOR_MAX);
    send_console(s, out);
    free(out);
    send_str(s, "OK");
}

static void handle_query(struct gdbstub *s, const char *p)
{
    if (strncmp(p, "qSupported", 10) == 0) {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+%s",
                 RSP_MAX_PACKET, s->ops->reverse_step ? ";ReverseStep+;ReverseContinue+" : "");
        send_str(s, buf);
    } else if (strcmp(p, "qC") == 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "QC%x", s->g_thread);
        send_str(s, buf);
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        size_t o = 0;
        unsigned n = s->ops->nthreads(s->t);
        s->reply[o++] = 'm';
        for (unsigned t = 1; t <= n; t++)
            o += (size_t)snprintf(s->reply + o, 16, t > 1 ? ",%x" : "%x", t);
        send_packet(s, s->reply, o);
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        send_str(s, "l");
    } else if (strncmp(p, "qAttached", 9) == 0) {
        /* "1": GDB detaches (the machine runs on) rather than kills when it quits. */
        send_str(s, "1");
    } else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
        handle_xfer_features(s, p + 20);
    } else if (strncmp(p, "qRcmd,", 6) == 0) {
        handle_rcmd(s, p + 6);
    } else if (strcmp(p, "QStartNoAckMode") == 0) {
        send_str(s, "OK");
        s->noack = true; /* from the next packet on, after this reply was acknowledged */
    } else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
        const char *q = p + 17;
        uint64_t t;
        char text[32];
        if (!rsp_parse_hex(&q, &t)) {
            send_str(s, "E01");
            return;
        }
        snprintf(text, sizeof text, "hart %u", (unsigned)t - 1);
        rsp_hex_encode((const uint8_t *)text, strlen(text), s->reply);
        send_str(s, s->reply);
    } else {
        send_str(s, "");
    }
}

/* The `n` bytes at p are empty or `;PID` with PID 1 to 16 hex digits. */
static bool pid_suffix(const char *p, size_t n)
{
    if (n == 0)
        return true;
    if (p[0] != ';' || n < 2 || n > 17)
        return false;
    for (size_t k = 1; k < n; k++)
        if (rsp_hex_digit((unsigned char)p[k]) < 0)
            return false;
    return true;
}

void gdbstub_handle_packet(struct gdbstub *s, const char *data, size_t len)
{
    if (len == 0) {
        send_str(s, "");
        return;
    }
    const char *p = data + 1;
    switch (data[0]) {
    case '?': send_stop_reply(s); break;
    case 'g': handle_g(s); break;
    case 'G': handle_G(s, p, len - 1); break;
    case 'p': handle_p(s, p); break;
    case 'P': handle_P(s, p); break;
    case 'm': handle_m(s, p); break;
    case 'M': handle_M(s, p, len - 1, false); break;
    case 'X': handle_M(s, p, len - 1, true); break;
    case 'c':
    case 's':
    case 'C':
    case 'S': handle_resume(s, data[0], p); break;
    case 'b':
        /* bs / bc: backwards (E.2), only with a target that keeps history. */
        if (len == 2 && (p[0] == 's' || p[0] == 'c') && s->ops->reverse_step) {
            start_resume(s, p[0] == 's', s->c_thread, UINT32_MAX);
            if (s->resume)
                s->resume_reverse = p[0] == 's' ? 1 : 2;
        } else {
            send_str(s, "");
        }
        break;
    case 'Z': handle_Z(s, p, true); break;
    case 'z': handle_Z(s, p, false); break;
    case 'H': handle_H(s, p); break;
    case 'T': {
        uint64_t t;
        bool ok = rsp_parse_hex(&p, &t) && !*p && t >= 1 && t <= s->ops->nthreads(s->t);
        send_str(s, ok ? "OK" : "E01");
        break;
    }
    case 'k':
        /* Exactly `k` (no reply, E.2); anything longer is not a kill. */
        if (len == 1)
            s->killed = true;
        else
            send_str(s, "E01");
        break;
    case 'D':
        /* `D` or `D;pid` (E.2); anything else is an error and the debugger stays. */
        if (!pid_suffix(p, len - 1)) {
            send_str(s, "E01");
            break;
        }
        send_str(s, "OK");
        drop_client(s, "the debugger detached");
        s->stopped = false;
        break;
    case 'q':
    case 'Q': handle_query(s, data); break;
    case 'v':
        if (strcmp(data, "vCont?") == 0)
            send_str(s, "vCont;c;C;s;S");
        else if (strncmp(data, "vCont;", 6) == 0)
            handle_vcont(s, data + 5);
        else if (strncmp(data, "vKill", 5) == 0) {
            /* `vKill;pid` only (E.2). */
            if (len > 5 && data[5] == ';' && pid_suffix(data + 5, len - 5)) {
                send_str(s, "OK");
                s->killed = true;
            } else {
                send_str(s, "E01");
            }
        } else
            send_str(s, "");
        break;
    default: send_str(s, ""); break;
    }
}

/* Feed received bytes to the parser and act on complete packets. */
static void receive(struct gdbstub *s, const uint8_t *buf, size_t n, bool running)
{
    for (size_t k = 0; k < n && s->client_fd >= 0; k++) {
        switch (rsp_feed(&s->parser, buf[k])) {
        case RSP_EV_PACKET:
            if (running) {
                /* All-stop: GDB waits for the stop reply; a packet now is out of turn. */
                if (!s->noack)
                    write_all(s, "+", 1);
                break;
            }
            if (!s->noack)
                write_all(s, "+", 1);
            gdbstub_handle_packet(s, s->parser.data, s->parser.len);
            break;
        case RSP_EV_BAD_CHECKSUM:
            if (!s->noack)
                write_all(s, "-", 1); /* ask for it again */
            break;
        case RSP_EV_OVERSIZED:
            if (!s->noack)
                write_all(s, "+", 1);
            if (!running)
                send_str(s, "E.packet longer than PacketSize");
            break;
        case RSP_EV_NAK:
            if (s->last_len && !s->noack)
                write_all(s, s->last, s->last_len);
            break;
        case RSP_EV_INTERRUPT:
            if (running)
                s->interrupted = true;
            break;
        default: break;
        }
    }
}

/* Read what the client sent without blocking; false if it went away. */
static bool read_client(struct gdbstub *s, bool running)
{
    uint8_t buf[4096];
    for (;;) {
        ssize_t n = recv(s->client_fd, buf, sizeof buf, 0);
        if (n > 0) {
            receive(s, buf, (size_t)n, running);
            if (s->client_fd < 0)
                return false;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n < 0 && errno == EINTR)
            continue;
        drop_client(s, "the debugger disconnected");
        return false;
    }
}

/* Polled by the target between quanta while it runs. */
static bool poll_while_running(void *ctx)
{
    struct gdbstub *s = ctx;
    struct pollfd p[2] = { { .fd = s->listen_fd, .events = POLLIN },
                           { .fd = s->client_fd, .events = POLLIN } };
    if (poll(p, s->client_fd >= 0 ? 2 : 1, 0) <= 0)
        return false;
    if (p[0].revents & POLLIN) {
        bool had = s->client_fd >= 0;
        if (accept_client(s) && !had) {
            s->attach_stop = true;
            return true;
        }
    }
    if (s->client_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
        read_client(s, true);
    return s->interrupted || s->killed;
}

/* ---- set-up and the main loop ---- */

struct gdbstub *gdbstub_new_detached(const struct gdb_target_ops *ops, void *target)
{
    struct gdbstub *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ops = ops;
    s->t = target;
    s->listen_fd = s->client_fd = -1;
    s->g_thread = s->c_thread = 1;
    s->stop.signal = GDB_SIGTRAP;
    s->stop.thread = 1;
    rsp_parser_init(&s->parser);
    return s;
}

struct gdbstub *gdbstub_new_connected(const struct gdb_target_ops *ops, void *target, int fd)
{
    struct gdbstub *s = gdbstub_new_detached(ops, target);
    if (!s)
        return NULL;
    set_nonblocking(fd);
    s->client_fd = fd;
    snprintf(s->where, sizeof s->where, "fd %d", fd);
    return s;
}

struct gdbstub *gdbstub_new(const char *spec, const struct gdb_target_ops *ops, void *target,
                            char *err, size_t errlen)
{
    char host[128] = "127.0.0.1";
    const char *port = spec;
    const char *colon = strrchr(spec, ':');
    if (colon) {
        size_t n = (size_t)(colon - spec);
        if (n >= sizeof host) {
            snprintf(err, errlen, "--gdb %s: host name too long", spec);
            return NULL;
        }
        if (n > 0) {
            memcpy(host, spec, n);
            host[n] = 0;
        }
        port = colon + 1;
    }
    char *end;
    long pn = strtol(port, &end, 10);
    if (!*port || *end || pn < 0 || pn > 65535) {
        snprintf(err, errlen, "--gdb %s: '%s' is not a TCP port (0..65535)", spec, port);
        return NULL;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "--gdb %s: cannot resolve '%s': %s", spec, host, gai_strerror(rc));
        return NULL;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd < 0) {
        snprintf(err, errlen, "--gdb %s: socket: %s", spec, strerror(errno));
        freeaddrinfo(res);
        return NULL;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 2) < 0) {
        int e = errno;
        snprintf(err, errlen, "--gdb: cannot listen on %s port %s: %s%s", host, port, strerror(e),
                 e == EADDRINUSE ? " (another program uses it; pick another port)" : "");
        close(fd);
        freeaddrinfo(res);
        return NULL;
    }
    freeaddrinfo(res);
    set_nonblocking(fd);
    struct gdbstub *s = gdbstub_new_detached(ops, target);
    if (!s) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->listen_fd = fd;
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    unsigned actual = (unsigned)pn;
    if (getsockname(fd, (struct sockaddr *)&sa, &salen) == 0) {
        if (sa.ss_family == AF_INET)
            actual = ntohs(((struct sockaddr_in *)&sa)->sin_port);
        else if (sa.ss_family == AF_INET6)
            actual = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    }
    snprintf(s->where, sizeof s->where, "%s:%u", host, actual);
    fprintf(stderr, "hartlab: gdb stub listening on %s\n", s->where);
    return s;
}

void gdbstub_free(struct gdbstub *s)
{
    if (!s)
        return;
    if (s->client_fd >= 0)
        close(s->client_fd);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s);
}

/* Block until a debugger connects. */
void gdbstub_set_idle(struct gdbstub *s, bool (*idle)(void *ctx), void *ctx)
{
    s->idle = idle;
    s->idle_ctx = ctx;
}

/* poll() for the stub's waits: with an idle function, in slices of 1/30 s, calling it after
 * each slice that brought nothing. 0 also when idle() ended the session. */
static int wait_poll(struct gdbstub *s, struct pollfd *p, nfds_t n)
{
    if (!s->idle)
        return poll(p, n, -1);
    for (;;) {
        int r = poll(p, n, 1000 / 30);
        if (r != 0)
            return r;
        if (s->idle(s->idle_ctx)) {
            s->idle_ended = true;
            return 0;
        }
    }
}

static void wait_for_client(struct gdbstub *s)
{
    while (s->client_fd < 0 && !shutdown_signal() && !s->idle_ended) {
        struct pollfd p[2] = { { .fd = s->listen_fd, .events = POLLIN },
                               { .fd = shutdown_wake_fd(), .events = POLLIN } };
        if (wait_poll(s, p, 2) > 0 && (p[0].revents & POLLIN))
            accept_client(s);
    }
}

/* Block until the client sends something or a connection arrives. */
static void wait_stopped(struct gdbstub *s)
{
    struct pollfd p[3] = { { .fd = s->listen_fd, .events = POLLIN },
                           { .fd = s->client_fd, .events = POLLIN },
                           { .fd = shutdown_wake_fd(), .events = POLLIN } };
    int n = wait_poll(s, p, 3);
    if (n <= 0 || shutdown_signal())
        return;
    if (p[0].revents & POLLIN)
        accept_client(s); /* refused: one is attached */
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
        read_client(s, false);
}

int gdbstub_serve(struct gdbstub *s, bool wait_first)
{
    if (wait_first) {
        fprintf(stderr, "hartlab: waiting for a debugger on %s before the first instruction\n",
                s->where);
        wait_for_client(s);
        s->stopped = true;
    }
    for (;;) {
        if (shutdown_signal()) {
            /* The host told hartlab to stop (host/shutdown.h): the debugger hears that the
             * process ended by that signal (X packet); the caller reports the rest. */
            if (s->client_fd >= 0) {
                char pkt[8];
                snprintf(pkt, sizeof pkt, "X%02x", shutdown_signal() & 0xff);
                send_str(s, pkt);
            }
            return GDBSTUB_SIGNALLED;
        }
        if (s->killed) {
            fprintf(stderr, "hartlab: gdb: killed by the debugger\n");
            return 0;
        }
        if (s->idle_ended) {
            fprintf(stderr, "hartlab: gdb: the panel was closed; ending the debugging session\n");
            if (s->client_fd >= 0)
                drop_client(s, NULL);
            return 0;
        }
        if (!s->stopped) {
            if (s->exited)
                return s->exit_code;
            struct gdb_stop st;
            memset(&st, 0, sizeof st);
            s->interrupted = s->attach_stop = false;
            if (s->resume && s->resume_reverse == 1)
                s->ops->reverse_step(s->t, s->step_thread, &st);
            else if (s->resume && s->resume_reverse == 2)
                s->ops->reverse_cont(s->t, &st);
            else if (s->resume && s->resume_step)
                s->ops->step(s->t, s->step_thread, poll_while_running, s, &st);
            else
                s->ops->cont(s->t, s->resume ? s->resume_threads : UINT32_MAX, poll_while_running,
                             s, &st);
            s->resume = s->resume_step = false;
            s->resume_reverse = 0;
            if (s->killed)
                continue;
            if (st.exited) {
                s->exited = true;
                s->exit_code = st.exit_code;
            }
            if (s->client_fd < 0) {
                /* Nobody to report to: a detached machine runs on until it ends. */
                if (st.message[0])
                    fputs(st.message, stderr);
                if (!st.hung)
                    continue;
                /* Nothing changes until a debugger does something: wait for one rather
                 * than run the machine again and again, or end as a run without the stub
                 * does when none can attach. */
                if (s->listen_fd < 0)
                    return st.exit_code;
                fprintf(stderr, "hartlab: gdb: the machine is idle; waiting for a debugger on %s\n",
                        s->where);
                wait_for_client(s);
                s->stop = st;
                s->stop.signal = GDB_SIGTRAP;
                s->stop.thread = s->c_thread;
                s->stopped = true;
                continue;
            }
            s->stop = st;
            if (!st.thread)
                s->stop.thread = s->c_thread;
            s->stopped = true;
            if (s->attach_stop) {
                s->stop.signal = GDB_SIGTRAP; /* GDB asks `?` after connecting */
                s->attach_stop = false;
            } else {
                send_stop_reply(s);
            }
            continue;
        }
        if (s->client_fd < 0) {
            s->stopped = false; /* the debugger left: run on */
            continue;
        }
        wait_stopped(s);
        if (s->resume)
            s->stopped = false;
    }
}
