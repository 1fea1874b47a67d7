/* Character backends (see chardev.h): stdio (with the raw console and QEMU's Ctrl-A
 * escapes), null, file, tcp, pty and memory. POSIX only (termios, poll, sockets,
 * posix_openpt); no wall-clock time reaches the simulation: the UART decides when to ask for
 * a byte, and a pipe is waited for rather than sampled, so what the guest receives and when
 * (in virtual time) depends only on the bytes, not on how fast the host delivers them.
 *
 * The terminal is a process-wide resource, so its saved settings are the one piece of
 * static state here: the first console to go raw saves them, an atexit handler (and the
 * last chardev_close) puts them back.
 */
#include "host/chardev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "host/shutdown.h"

#define CTRL_A          0x01
#define INBUF_SIZE      4096
#define TCP_BACKLOG_MAX (64u << 10) /* output kept for a client that has not connected */
#define PIPE_WAIT_MS    2000        /* host time a silent stdin pipe is waited for */

enum chardev_kind { CHR_STDIO, CHR_NULL, CHR_FILE, CHR_TCP, CHR_PTY, CHR_MEM };

struct chardev {
    enum chardev_kind kind;
    char *name;
    int out_fd, in_fd; /* -1 when absent */
    bool in_eof;       /* no more input, ever */
    bool console;      /* stdin is our terminal: raw once the UART reads, escapes apply */
    bool raw;          /* ... and it is in raw mode now (entered at the first UART read) */
    bool interactive;
    bool escape; /* Ctrl-A seen, waiting for the command character */
    bool quit;
    bool sampling; /* a silent pipe on stdin: read without waiting (see fill_data) */
    /* Input read from the host and not yet taken by the UART. */
    uint8_t in[INBUF_SIZE];
    size_t in_head, in_len;
    /* tcp */
    int listen_fd;
    uint8_t *backlog;
    size_t backlog_len;
    /* memory */
    uint8_t *mem_in, *mem_out;
    size_t mem_in_len, mem_in_pos, mem_out_len, mem_out_cap;
};

/* ---- the terminal ---- */

static struct termios saved_termios;
static int raw_users;
static bool atexit_done;

static void restore_terminal(void)
{
    if (raw_users > 0) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
        raw_users = 0;
    }
}

/* A second signal ends hartlab at once (host/shutdown.h): the terminal gets its settings
 * back first (tcsetattr is async-signal-safe). */
static void restore_terminal_hook(void *unused)
{
    (void)unused;
    restore_terminal();
}

static bool enter_raw_mode(void)
{
    if (raw_users > 0) {
        raw_users++;
        return true;
    }
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0)
        return false;
    saved_termios = t;
    /* Raw input (every key reaches the guest, Ctrl-C included, as on QEMU's -nographic
     * console) but output post-processing kept, so a guest's "\n" still starts a new line
     * and hartlab's own messages on stderr stay readable. */
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
        return false;
    raw_users = 1;
    if (!atexit_done) {
        atexit(restore_terminal);
        shutdown_add(restore_terminal_hook, NULL);
        atexit_done = true;
    }
    return true;
}

static void leave_raw_mode(void)
{
    if (raw_users > 1)
        raw_users--;
    else
        restore_terminal();
}

/* ---- low-level I/O ---- */

static bool readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r;
    do
        r = poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r > 0;
}

/* Write all of buf; false if the other end is gone. Waits when the descriptor is full
 * (stdout shared with a non-blocking terminal, a slow socket). */
static bool write_all(int fd, const uint8_t *buf, size_t len, int flags_for_send)
{
    while (len > 0) {
        ssize_t n = flags_for_send >= 0 ? send(fd, buf, len, flags_for_send) : write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                poll(&p, 1, -1);
                continue;
            }
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static void push_input(struct chardev *c, uint8_t b)
{
    if (c->in_len == INBUF_SIZE)
        return; /* a person typed 4 KiB ahead of a guest that does not read: drop */
    c->in[(c->in_head + c->in_len) % INBUF_SIZE] = b;
    c->in_len++;
}

/* QEMU's console escapes: Ctrl-A x quits, Ctrl-A Ctrl-A is a literal Ctrl-A. */
static void console_byte(struct chardev *c, uint8_t b)
{
    if (!c->escape) {
        if (b == CTRL_A)
            c->escape = true;
        else
            push_input(c, b);
        return;
    }
    c->escape = false;
    switch (b) {
    case 'x':
    case 'X': c->quit = true; break;
    case CTRL_A: push_input(c, CTRL_A); break;
    case 'h':
    case 'H':
    case '?':
        fputs("\nhartlab console: Ctrl-A x  quit\n"
              "                  Ctrl-A Ctrl-A  send Ctrl-A\n"
              "                  Ctrl-A h  this help\n",
              stderr);
        break;
    default: break; /* unknown command: both bytes are swallowed, as QEMU does */
    }
}

/* ---- tcp ---- */

static int tcp_listen(const char *spec, const char *port_str, char *err, size_t errlen)
{
    char *end;
    long port = strtol(port_str, &end, 10);
    if (!*port_str || *end || port < 0 || port > 65535) {
        snprintf(err, errlen, "--serial %s: '%s' is not a TCP port number (0-65535)", spec,
                 port_str);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "--serial %s: cannot create a socket: %s", spec, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE)
            snprintf(err, errlen, "--serial %s: port %ld on 127.0.0.1 is in use; pick another",
                     spec, port);
        else
            snprintf(err, errlen, "--serial %s: cannot listen on 127.0.0.1:%ld: %s", spec, port,
                     strerror(e));
        return -1;
    }
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &alen);
    fprintf(stderr, "hartlab: serial port on tcp 127.0.0.1:%u (connect with: nc 127.0.0.1 %u)\n",
            ntohs(a.sin_port), ntohs(a.sin_port));
    return fd;
}

static void tcp_drop_client(struct chardev *c)
{
    close(c->in_fd);
    c->in_fd = c->out_fd = -1;
    c->escape = false;
}

/* Take a waiting client, if any, and give it what was written before it came. */
static void tcp_accept(struct chardev *c)
{
    if (c->in_fd >= 0)
        return;
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    c->in_fd = c->out_fd = fd;
    if (c->backlog_len && !write_all(fd, c->backlog, c->backlog_len, MSG_NOSIGNAL)) {
        tcp_drop_client(c);
        return;
    }
    c->backlog_len = 0;
}

static void tcp_keep(struct chardev *c, const uint8_t *buf, size_t len)
{
    if (!c->backlog)
        c->backlog = malloc(TCP_BACKLOG_MAX);
    if (!c->backlog)
        return;
    if (len >= TCP_BACKLOG_MAX) {
        memcpy(c->backlog, buf + len - TCP_BACKLOG_MAX, TCP_BACKLOG_MAX);
        c->backlog_len = TCP_BACKLOG_MAX;
        return;
    }
    if (c->backlog_len + len > TCP_BACKLOG_MAX) {
        size_t drop = c->backlog_len + len - TCP_BACKLOG_MAX;
        memmove(c->backlog, c->backlog + drop, c->backlog_len - drop);
        c->backlog_len -= drop;
    }
    memcpy(c->backlog + c->backlog_len, buf, len);
    c->backlog_len += len;
}

/* ---- opening ---- */

static struct chardev *new_chardev(enum chardev_kind kind, const char *name)
{
    struct chardev *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->name = strdup(name);
    if (!c->name) {
        free(c);
        return NULL;
    }
    c->kind = kind;
    c->out_fd = c->in_fd = c->listen_fd = -1;
    return c;
}

static void open_stdio(struct chardev *c)
{
    c->out_fd = STDOUT_FILENO;
    c->in_fd = STDIN_FILENO;
    if (isatty(STDIN_FILENO)) {
        /* A terminal is a console only when it is ours: stdout on it too (not captured by a
         * test runner, where several hartlabs would fight over one terminal) and hartlab in
         * the foreground (else tcsetattr stops us with SIGTTOU). */
        if (isatty(STDOUT_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp()) {
            /* Raw mode waits for the first read by the UART (chardev_read): a firmware
             * that never reads its UART (a semihosting one reading stdin) keeps the
             * terminal's own line editing, echo and Ctrl-C. */
            c->console = true;
            c->interactive = true;
        } else {
            c->in_fd = -1;
            c->in_eof = true;
        }
    }
}

static bool open_pty(struct chardev *c, char *err, size_t errlen)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0) {
        snprintf(err, errlen, "--serial pty: cannot open a pseudo-terminal: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    const char *slave = ptsname(fd);
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    /* Non-blocking: with nobody on the slave side, output that fills the pty is dropped
     * instead of stopping the simulation. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    c->in_fd = c->out_fd = fd;
    c->interactive = true;
    fprintf(stderr, "hartlab: serial port on %s\n", slave ? slave : "(unknown pty)");
    return true;
}

struct chardev *chardev_open(const char *spec, char *err, size_t errlen)
{
    if (!spec)
        spec = "stdio";
    struct chardev *c;
    if (strcmp(spec, "stdio") == 0) {
        if (!(c = new_chardev(CHR_STDIO, spec)))
            goto oom;
        open_stdio(c);
    } else if (strcmp(spec, "null") == 0 || strcmp(spec, "none") == 0) {
        if (!(c = new_chardev(CHR_NULL, spec)))
            goto oom;
        c->in_eof = true;
    } else if (strncmp(spec, "file:", 5) == 0) {
        const char *path = spec + 5;
        if (!*path) {
            snprintf(err, errlen, "--serial file:PATH needs a file name");
            return NULL;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            snprintf(err, errlen, "--serial %s: cannot write %s: %s", spec, path, strerror(errno));
            return NULL;
        }
        if (!(c = new_chardev(CHR_FILE, spec))) {
            close(fd);
            goto oom;
        }
        c->out_fd = fd;
        c->in_eof = true;
    } else if (strncmp(spec, "tcp:", 4) == 0) {
        int fd = tcp_listen(spec, spec + 4, err, errlen);
        if (fd < 0)
            return NULL;
        if (!(c = new_chardev(CHR_TCP, spec))) {
            close(fd);
            goto oom;
        }
        c->listen_fd = fd;
        c->interactive = true;
    } else if (strcmp(spec, "pty") == 0) {
        if (!(c = new_chardev(CHR_PTY, spec)))
            goto oom;
        if (!open_pty(c, err, errlen)) {
            chardev_close(c);
            return NULL;
        }
    } else {
        snprintf(err, errlen,
                 "--serial %s: unknown backend; use stdio, null, file:PATH, tcp:PORT or pty", spec);
        return NULL;
    }
    return c;
oom:
    snprintf(err, errlen, "--serial %s: out of memory", spec);
    return NULL;
}

struct chardev *chardev_mem_new(const void *in, size_t inlen)
{
    struct chardev *c = new_chardev(CHR_MEM, "memory");
    if (!c)
        return NULL;
    c->mem_in = malloc(inlen ? inlen : 1);
    if (!c->mem_in) {
        chardev_close(c);
        return NULL;
    }
    if (inlen)
        memcpy(c->mem_in, in, inlen);
    c->mem_in_len = inlen;
    return c;
}

const uint8_t *chardev_mem_output(const struct chardev *c, size_t *len)
{
    if (c->kind != CHR_MEM) {
        *len = 0;
        return NULL;
    }
    *len = c->mem_out_len;
    return c->mem_out;
}

/* ---- output ---- */

static void mem_append(struct chardev *c, const void *buf, size_t len)
{
    if (c->mem_out_len + len > c->mem_out_cap) {
        size_t cap = c->mem_out_cap ? c->mem_out_cap : 256;
        while (cap < c->mem_out_len + len)
            cap *= 2;
        uint8_t *p = realloc(c->mem_out, cap);
        if (!p)
            return;
        c->mem_out = p;
        c->mem_out_cap = cap;
    }
    memcpy(c->mem_out + c->mem_out_len, buf, len);
    c->mem_out_len += len;
}

void chardev_write(struct chardev *c, const void *buf, size_t len)
{
    switch (c->kind) {
    case CHR_STDIO:
        /* Semihosting and HTIF print through stdio's buffer: keep the order. */
        fflush(stdout);
        write_all(c->out_fd, buf, len, -1);
        break;
    case CHR_FILE: write_all(c->out_fd, buf, len, -1); break;
    case CHR_TCP:
        tcp_accept(c);
        if (c->out_fd < 0)
            tcp_keep(c, buf, len);
        else if (!write_all(c->out_fd, buf, len, MSG_NOSIGNAL))
            tcp_drop_client(c);
        break;
    case CHR_PTY: {
        ssize_t n;
        do
            n = write(c->out_fd, buf, len); /* dropped when nobody reads the slave */
        while (n < 0 && errno == EINTR);
        break;
    }
    case CHR_MEM: mem_append(c, buf, len); break;
    case CHR_NULL: break;
    }
}

/* ---- input ---- */

/* Move what the host has now into c->in, without waiting. */
static void fill_interactive(struct chardev *c)
{
    if (c->kind == CHR_TCP)
        tcp_accept(c);
    while (c->in_fd >= 0 && !c->quit && readable(c->in_fd, 0)) {
        uint8_t buf[256];
        ssize_t n = read(c->in_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (c->kind == CHR_TCP) {
                tcp_drop_client(c); /* the client left; another may connect */
            } else if (c->kind == CHR_STDIO) {
                c->in_eof = true; /* the terminal hung up */
                c->interactive = false;
            }
            /* A pty whose slave is not open reads EIO: nothing to read yet. */
            return;
        }
        for (ssize_t k = 0; k < n; k++) {
            if (c->console)
                console_byte(c, buf[k]);
            else
                push_input(c, buf[k]);
        }
    }
}

/* Bytes from a pipe or file on stdin. The guest's input is the data, whatever the speed of
 * the writer, so an empty pipe is waited for. A pipe that stays silent for PIPE_WAIT_MS is
 * taken to be one nobody writes to (a CI runner's stdin, say): from then on it is sampled
 * without waiting, so the run goes on, at the price of input timing. */
static void fill_data(struct chardev *c)
{
    if (c->sampling && !readable(c->in_fd, 0))
        return;
    if (!c->sampling && !readable(c->in_fd, PIPE_WAIT_MS)) {
        fputs("hartlab: no input on stdin (a pipe) for 2 seconds: the serial port now takes "
              "input as it comes, and its timing is no longer reproducible (give </dev/null "
              "or --serial null for no input)\n",
              stderr);
        c->sampling = true;
        return;
    }
    for (;;) {
        ssize_t n = read(c->in_fd, c->in, INBUF_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; /* a non-blocking descriptor raced with poll: nothing after all */
        if (n <= 0) {
            c->in_eof = true;
        } else {
            c->in_head = 0;
            c->in_len = (size_t)n;
        }
        return;
    }
}

int chardev_read(struct chardev *c, uint8_t *byte)
{
    if (c->quit)
        return CHARDEV_QUIT;
    if (c->console && !c->raw)
        c->raw = enter_raw_mode();
    if (c->kind == CHR_MEM) {
        if (c->mem_in_pos == c->mem_in_len)
            return CHARDEV_EOF;
        if (byte)
            *byte = c->mem_in[c->mem_in_pos++];
        return byte ? CHARDEV_DATA : CHARDEV_NONE;
    }
    if (c->interactive)
        fill_interactive(c);
    else if (byte && c->in_len == 0 && !c->in_eof && c->in_fd >= 0)
        fill_data(c);
    if (c->quit)
        return CHARDEV_QUIT;
    if (c->in_len == 0)
        return c->in_eof || (c->in_fd < 0 && !c->interactive) ? CHARDEV_EOF : CHARDEV_NONE;
    if (!byte)
        return CHARDEV_NONE;
    *byte = c->in[c->in_head];
    c->in_head = (c->in_head + 1) % INBUF_SIZE;
    c->in_len--;
    return CHARDEV_DATA;
}

bool chardev_owns_stdin(const struct chardev *c)
{
    return c && c->kind == CHR_STDIO && c->in_fd == STDIN_FILENO;
}

ssize_t chardev_read_stdin(struct chardev *c, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t n = 0;
    if (len == 0)
        return 0;
    /* Bytes the UART's side already took from the host and nobody consumed: first. */
    while (n < len && c->in_len > 0) {
        uint8_t b = c->in[c->in_head];
        c->in_head = (c->in_head + 1) % INBUF_SIZE;
        c->in_len--;
        out[n++] = b;
        if (b == '\n')
            break;
    }
    if (n > 0)
        return (ssize_t)n;
    if (c->in_eof || c->in_fd < 0)
        return 0;
    /* A raw console is cooked for the read, so the person typing gets the terminal's echo
     * and line editing and the read returns one line. */
    bool was_raw = c->raw;
    if (was_raw)
        restore_terminal();
    ssize_t r;
    /* Wait for the line, or for the host to tell hartlab to stop (host/shutdown.h): then
     * the read fails with EINTR. */
    struct pollfd p[2] = { { .fd = c->in_fd, .events = POLLIN },
                           { .fd = shutdown_wake_fd(), .events = POLLIN } };
    while (!shutdown_signal() && poll(p, 2, -1) < 0 && errno == EINTR)
        ;
    if (shutdown_signal()) {
        errno = EINTR;
        r = -1;
    } else {
        do
            r = read(c->in_fd, buf, len);
        while (r < 0 && errno == EINTR);
    }
    if (was_raw)
        c->raw = enter_raw_mode();
    if (r == 0 && !c->interactive)
        c->in_eof = true; /* the pipe or file is at its end for the UART too */
    return r;
}

bool chardev_interactive(const struct chardev *c)
{
    return c->interactive;
}

const char *chardev_name(const struct chardev *c)
{
    return c->name;
}

void chardev_close(struct chardev *c)
{
    if (!c)
        return;
    if (c->raw)
        leave_raw_mode();
    if (c->kind == CHR_FILE || c->kind == CHR_PTY || (c->kind == CHR_TCP && c->in_fd >= 0))
        close(c->kind == CHR_FILE ? c->out_fd : c->in_fd);
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    free(c->backlog);
    free(c->mem_in);
    free(c->mem_out);
    free(c->name);
    free(c);
}
