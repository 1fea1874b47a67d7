/* Shutdown on a signal: what hartlab does when the host tells it to stop (SIGTERM, SIGINT,
 * SIGHUP), and what it owes the host however it ends (issue 12 item 4).
 *
 * The first signal only asks: shutdown_signal() becomes nonzero and shutdown_wake_fd()
 * becomes readable, and the run stops at the next instruction boundary (machine_run checks
 * after each round of quanta; anything that waits on the host - a read of standard input,
 * real-time pacing, a debugger - polls the wake descriptor too). hartlab then ends as
 * for any other stop: the console, traces, VCD, profile, signature and disk images are
 * written, one line says where the machine stopped, and the exit status is 128 + the
 * signal's number. System calls interrupted by the first signal are restarted (SA_RESTART),
 * so output being written when it came is not lost.
 *
 * A second signal ends hartlab at once: the hooks run (shutdown_add: a disk image's
 * fsync, the terminal's settings), then the signal's default action, so the process dies
 * of that signal. A hook runs inside a signal handler: it may only call async-signal-safe
 * functions (fsync, write, close, tcsetattr; no stdio, no malloc).
 *
 * Usage:
 *     shutdown_install();                       // once, from main
 *     shutdown_add(flush_my_file, me);
 *     ...
 *     shutdown_remove(flush_my_file, me);       // when `me` goes away
 *     if (shutdown_signal()) ...                // asked to stop: stop at a boundary
 */
#ifndef HARTLAB_HOST_SHUTDOWN_H
#define HARTLAB_HOST_SHUTDOWN_H

#include <stdbool.h>

#define SHUTDOWN_MAX_HOOKS 32

typedef void (*shutdown_fn)(void *opaque);

/* Catch SIGTERM, SIGINT and SIGHUP as described above. A signal the parent asked hartlab
 * to ignore (nohup, a background job) stays ignored. */
void shutdown_install(void);
/* False if there is no room (SHUTDOWN_MAX_HOOKS). */
bool shutdown_add(shutdown_fn fn, void *opaque);
void shutdown_remove(shutdown_fn fn, void *opaque);
/* Run every hook now (a second signal does this; tests too). */
void shutdown_run(void);

/* The first signal received (SIGTERM, ...), 0 if none. */
int shutdown_signal(void);
/* A descriptor that becomes readable when the first signal arrives (-1 before
 * shutdown_install): add it to a poll() that waits on the host. */
int shutdown_wake_fd(void);
/* "SIGTERM", "SIGINT", "SIGHUP", else "signal N" (in a static buffer). */
const char *shutdown_signal_name(int sig);

#endif
