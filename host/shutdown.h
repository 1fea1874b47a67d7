/* Shutdown hooks: what hartlab owes the host when it ends, however it ends. A module that
 * holds something that must reach the host (a disk image's writes, host/blockdev.h)
 * registers a hook; the hooks run when the process is told to stop by SIGTERM, SIGINT or
 * SIGHUP (the signal's default action follows, so the exit status still says which
 * signal), and modules run their own clean-up on a normal exit.
 *
 * A hook runs inside a signal handler: it may only call async-signal-safe functions
 * (fsync, write, close; no stdio, no malloc).
 *
 * Usage:
 *     shutdown_install();                       // once, from main
 *     shutdown_add(flush_my_file, me);
 *     ...
 *     shutdown_remove(flush_my_file, me);       // when `me` goes away
 */
#ifndef HARTLAB_HOST_SHUTDOWN_H
#define HARTLAB_HOST_SHUTDOWN_H

#include <stdbool.h>

#define SHUTDOWN_MAX_HOOKS 32

typedef void (*shutdown_fn)(void *opaque);

/* Catch SIGTERM, SIGINT and SIGHUP: run the hooks, then die of the signal as before. */
void shutdown_install(void);
/* False if there is no room (SHUTDOWN_MAX_HOOKS). */
bool shutdown_add(shutdown_fn fn, void *opaque);
void shutdown_remove(shutdown_fn fn, void *opaque);
/* Run every hook now (the signal handler does this; tests too). */
void shutdown_run(void);

#endif
