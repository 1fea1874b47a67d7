/* Character backends: the host end of a serial line (the NS16550A's, devices/ns16550.h).
 * A backend takes the bytes the guest transmits and offers the bytes the host sends; it
 * knows nothing of the machine or of virtual time: the UART decides when to pull a byte
 * (one per character time, only when its receive FIFO has room), so the backend never
 * drops input and file/pipe input reaches the guest at the same virtual times every run.
 *
 * Specs (`--serial SPEC`; NULL means "stdio"):
 *     stdio       output to stdout; input from stdin. A terminal (stdin and stdout both
 *                 terminals, hartlab in the foreground) is put in raw mode when the UART
 *                 first reads (the guest listens: devices/ns16550.c), restored at exit;
 *                 Ctrl-A x quits, Ctrl-A Ctrl-A sends a Ctrl-A, Ctrl-A h prints help. This
 *                 backend is stdin's only reader: chardev_read_stdin serves the others.
 *                 A pipe or file on stdin is input data, read until EOF. An empty pipe
 *                 is waited for (that makes input timing deterministic however fast the
 *                 writer is), except that one silent for 2 s is from then on only
 *                 sampled, with a note on stderr, so an idle open stdin cannot stop a run.
 *                 A terminal on stdin with stdout redirected is left alone: no input.
 *     null        output discarded, no input.
 *     file:PATH   output to PATH (created or truncated), no input.
 *     tcp:PORT    listen on 127.0.0.1:PORT for one client (raw bytes, e.g. `nc`);
 *                 output before a client connects is kept (the last 64 KiB) and sent when
 *                 one does; when it disconnects, the next client may connect.
 *     pty         a new pseudo-terminal in raw mode; its slave path is printed on stderr
 *                 (connect with `screen /dev/pts/N` or `picocom`).
 * Tests use chardev_mem_new: input from a buffer, output collected in memory.
 *
 * Usage:
 *     struct chardev *c = chardev_open(spec, err, sizeof err);   // NULL + message on error
 *     chardev_write(c, "hi", 2);
 *     uint8_t b; int r = chardev_read(c, &b);  // CHARDEV_DATA, _NONE, _EOF or _QUIT
 *     chardev_close(c);
 */
#ifndef HARTLAB_DEVICES_CHARDEV_H
#define HARTLAB_DEVICES_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct chardev;

enum chardev_status {
    CHARDEV_QUIT = -2, /* the user asked to end the run (Ctrl-A x on the console) */
    CHARDEV_EOF = -1,  /* no input now and none ever again: stop polling */
    CHARDEV_NONE = 0,  /* no input now; more may come */
    CHARDEV_DATA = 1,  /* *byte holds the next input byte */
};

/* Open a backend from its spec (see above); NULL spec = "stdio". On failure returns NULL
 * with a message naming the file or port in `err`. */
struct chardev *chardev_open(const char *spec, char *err, size_t errlen);
/* A backend reading from memory (a copy of `in` is taken) whose output is kept in memory:
 * for tests. Input ends with CHARDEV_EOF. */
struct chardev *chardev_mem_new(const void *in, size_t inlen);
/* The bytes written to a chardev_mem_new backend so far (NULL for other kinds). */
const uint8_t *chardev_mem_output(const struct chardev *c, size_t *len);

void chardev_write(struct chardev *c, const void *buf, size_t len);
/* Take the next input byte. Interactive backends never block; a pipe on stdin waits (up
 * to 2 s, see above) until its writer sends a byte or closes it. With byte == NULL nothing is
 * consumed: interactive backends only read what the host has into their buffer and act on escapes
 * (so Ctrl-A x works while the guest is not reading), the others return CHARDEV_NONE. */
int chardev_read(struct chardev *c, uint8_t *byte);
/* Standard input has one reader. True if this backend is it (stdio, stdin not a terminal
 * that belongs to someone else): then any other read of stdin (a semihosting SYS_READ)
 * must go through chardev_read_stdin, so that each byte goes to exactly one consumer. */
bool chardev_owns_stdin(const struct chardev *c);
/* Such a read: up to `len` bytes as read(2) gives them, first those the backend holds and
 * no one has taken (up to a newline), else one blocking read of stdin (one line from a
 * terminal, which is in its normal mode for it: echo, line editing). 0 at end of input. */
ssize_t chardev_read_stdin(struct chardev *c, void *buf, size_t len);
/* True if input may arrive at any time (a person types: terminal, pty, tcp), so the caller
 * must keep polling; false if input is data that ends (pipe, file, memory) or absent. */
bool chardev_interactive(const struct chardev *c);
/* The spec it was opened with (for messages). */
const char *chardev_name(const struct chardev *c);
void chardev_close(struct chardev *c);

#endif
