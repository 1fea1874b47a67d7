/* The GDB remote stub: a TCP server speaking the GDB Remote Serial Protocol to one debugger
 * at a time, reaching the simulated target only through `struct gdb_target_ops` (the stub
 * knows nothing of harts or buses; gdbstub/target_machine.c adapts a `struct machine`).
 *
 * Threads are harts, numbered 1..n. The target is all-stop: every hart stops when one
 * stops. While the target runs, the stub is polled between quanta (no threads): it reads
 * the 0x03 interrupt byte, notices a debugger that went away and accepts new connections.
 *
 * Usage:
 *     struct gdbstub *s = gdbstub_new("1234", &machine_target_ops, target, err, sizeof err);
 *     if (!s) { fprintf(stderr, "hartlab: %s\n", err); exit(2); }   // port in use, ...
 *     int status = gdbstub_serve(s, wait_for_debugger);              // the run's exit status
 *     gdbstub_free(s);
 */
#ifndef HARTLAB_GDBSTUB_GDBSTUB_H
#define HARTLAB_GDBSTUB_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GDB signal numbers used in stop replies (gdb/signals.def). */
#define GDB_SIGINT  2
#define GDB_SIGTRAP 5

enum gdb_watch_kind { GDB_WATCH_NONE = 0, GDB_WATCH_WRITE, GDB_WATCH_READ, GDB_WATCH_ACCESS };

/* Why the target stopped after a resume. */
struct gdb_stop {
    bool exited; /* the firmware ended the run: exit_code is the process status */
    bool hung;   /* every hart waits for an interrupt nothing will raise: exit_code is the
                    status to end with when no debugger can attach to look */
    int exit_code;
    int signal;      /* GDB_SIGTRAP (breakpoint, step, watch, trap break) or GDB_SIGINT */
    unsigned thread; /* 1-based hart that stopped */
    enum gdb_watch_kind watch;
    uint64_t watch_addr;
    char message[256]; /* shown on the debugger's console ("" if none) */
    /* Going through recorded history: "begin" when a reverse execution reached the start
     * of history (the `replaylog:begin` stop reason; GDB says "No more reverse-execution
     * history"), NULL otherwise. */
    const char *replaylog;
};

/* Breakpoint types as the Z packets number them. */
enum gdb_bp_type {
    GDB_BP_SOFT = 0,
    GDB_BP_HARD = 1,
    GDB_WP_WRITE = 2,
    GDB_WP_READ = 3,
    GDB_WP_ACCESS = 4,
};

/* Called by the target between quanta while it runs; true = stop now. */
typedef bool (*gdb_poll_fn)(void *ctx);

struct gdb_target_ops {
    unsigned (*nthreads)(void *t);
    /* The whole target description document (GDB manual G "Target Descriptions"). */
    const char *(*target_xml)(void *t);
    /* The registers the `g` packet carries: GDB numbers 0..n-1, each `reg_bytes` wide. */
    unsigned (*g_count)(void *t);
    /* Register `regno` (GDB numbering, as in the target description) of `thread`: returns
     * its width in bytes (value little-endian in *val), 0 if there is no such register;
     * *available false means it exists but cannot be read now. */
    unsigned (*read_reg)(void *t, unsigned thread, unsigned regno, uint64_t *val, bool *available);
    bool (*write_reg)(void *t, unsigned thread, unsigned regno, uint64_t val);
    bool (*read_mem)(void *t, uint64_t addr, uint8_t *buf, size_t len);
    bool (*write_mem)(void *t, uint64_t addr, const uint8_t *buf, size_t len);
    /* Execute one instruction on `thread` (others stay stopped). */
    void (*step)(void *t, unsigned thread, gdb_poll_fn poll, void *ctx, struct gdb_stop *out);
    /* Run the harts of `threads` (bit k-1 for thread k; the others stay stopped, as
     * vCont;c:TID asks) until a breakpoint, watchpoint, exit, or poll() returns true. */
    void (*cont)(void *t, uint32_t threads, gdb_poll_fn poll, void *ctx, struct gdb_stop *out);
    bool (*insert_bp)(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t len);
    bool (*remove_bp)(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t len);
    /* The debugger went away: drop breakpoints, watchpoints and debugger-only settings. */
    void (*detach)(void *t);
    /* Reverse execution (NULL when the target has none): one instruction of `thread`
     * backwards (`bs`), or backwards to the previous breakpoint/watchpoint hit (`bc`). */
    void (*reverse_step)(void *t, unsigned thread, struct gdb_stop *out);
    void (*reverse_cont)(void *t, struct gdb_stop *out);
    /* A `monitor` command: append text for the console to out (NUL-terminated). */
    void (*monitor)(void *t, const char *cmd, char *out, size_t outlen);
    /* GDB selected `thread` for what follows (`Hg`); optional (NULL: not needed). */
    void (*select_thread)(void *t, unsigned thread);
};

struct gdbstub;

/* Listen on `spec` = "[HOST:]PORT" (HOST defaults to 127.0.0.1). NULL with a message in
 * err (naming the address) if the port is in use or the spec is bad. */
struct gdbstub *gdbstub_new(const char *spec, const struct gdb_target_ops *ops, void *target,
                            char *err, size_t errlen);
/* Run the target under the stub until the run ends: returns the firmware's exit status
 * (or the target's limit/hang status), 0 after a `kill` from the debugger, or
 * GDBSTUB_SIGNALLED when the host told hartlab to stop (host/shutdown.h; the debugger gets
 * an X packet naming the signal). `wait_first`: stop before the first instruction until a
 * debugger attaches (-S). */
#define GDBSTUB_SIGNALLED (-1)
int gdbstub_serve(struct gdbstub *s, bool wait_first);
/* Something to keep alive while the stub waits (for a debugger, or for a packet while the
 * machine is stopped): called about 30 times a second of host time. True ends the session:
 * the debugger's connection is closed and gdbstub_serve returns 0 (the panel's window was
 * closed). */
void gdbstub_set_idle(struct gdbstub *s, bool (*idle)(void *ctx), void *ctx);
void gdbstub_free(struct gdbstub *s);

/* Handle one complete packet payload; for the fuzz test and unit tests: the reply framed
 * for the wire is written through the stub's output (a no-op without a client). */
void gdbstub_handle_packet(struct gdbstub *s, const char *data, size_t len);
/* A stub with no socket, for tests that drive gdbstub_handle_packet directly. */
struct gdbstub *gdbstub_new_detached(const struct gdb_target_ops *ops, void *target);
/* A stub whose debugger is already connected on `fd` (a socket; the stub owns it from now
 * on) and that listens for no other: for the fuzz harness (tests/fuzz/fuzz_rsp.c), which
 * writes a debugger's bytes into the other end and runs gdbstub_serve(s, true). */
struct gdbstub *gdbstub_new_connected(const struct gdb_target_ops *ops, void *target, int fd);

#endif
