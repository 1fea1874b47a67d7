/* Reverse execution: the history of a run as snapshots of the whole machine plus a log of
 * what ran between them, so that any earlier point can be reached again exactly by
 * restoring the nearest earlier snapshot and re-executing (docs/gdb.md "Going backwards").
 *
 * A snapshot holds every hart's state (hart_state_save), the device state the devices
 * registered (machine_add_state: CLINT, PLIC, UARTs, GPIO, virtio, HTIF), the virtual clock
 * with its pending events, the input door's cursors, and RAM as copy-on-change pages: the
 * bus marks the pages written since the last snapshot (bus_track_dirty), and a snapshot
 * stores only those of them whose content changed, so each page version is shared by every
 * later snapshot until the page changes again.
 *
 * The log records the run loop's own steps (platform/machine.c): each turn of a hart, with
 * the hart's instruction-plus-trap count and cycle count at its end; each single step the
 * debugger made; each clock check that fired an event; each guest reset; each change made
 * from outside (the debugger writing a register or memory starts a snapshot the log points
 * to). Re-execution performs exactly those steps, forcing every turn to end at its logged
 * count (hart_set_retire_limit), so the interleaving of harts, the points where device
 * events fire and where interrupts are taken are those of the original run whatever the
 * block boundaries. External input is not read again: the input door hands out what it
 * handed out the first time (host/input.h); output to the host is not repeated.
 *
 * A point in history is a hart and its count (retired instructions plus traps): "just after
 * hart k's c-th step". Going back one instruction of hart k is going to (k, c - 1).
 *
 * Usage (the GDB target does this; the machine's run loop calls history_note):
 *     history_start(m, &opts, err, sizeof err);      // snapshot 0: the start of history
 *     ... machine_run / machine_step_hart ...         // logged, snapshots every interval
 *     history_step_back(m->history, k, &stop);       // one instruction of hart k back
 *     history_continue_back(m->history, &stop);      // to the previous breakpoint/watchpoint
 */
#ifndef HARTLAB_PLATFORM_HISTORY_H
#define HARTLAB_PLATFORM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct history;

/* What the run loop tells the history (history_note): `arg` is the hart for a turn or a
 * step, the cycle of a clock check. */
enum history_kind {
    HISTORY_TURN,  /* hart `arg` ended a turn (its state is read from the hart) */
    HISTORY_STEP,  /* hart `arg` executed one instruction as the debugger steps */
    HISTORY_CLOCK, /* due events fired at cycle `arg` */
    HISTORY_RESET, /* the guest's reset was carried out */
    HISTORY_LOAD,  /* the state of snapshot `arg` (a change from outside) */
};

struct history_options {
    uint64_t interval; /* machine_position steps between snapshots (0: the default) */
    uint64_t budget;   /* bytes (page versions, state, log) before the oldest snapshot goes */
};
#define HISTORY_DEFAULT_INTERVAL 2000000u
#define HISTORY_DEFAULT_BUDGET   (512ull << 20)

/* Why a move through history ended. */
enum history_result {
    HISTORY_REACHED,  /* the point asked for */
    HISTORY_BEGIN,    /* the start of history (nothing older is kept) */
    HISTORY_END,      /* the end of history: the present; going on runs live */
    HISTORY_STOPPED,  /* a breakpoint, watchpoint or trap break: see the stop */
    HISTORY_DIVERGED, /* re-execution did not follow the log (a bug: reported on stderr) */
};

struct history_stop {
    enum history_result result;
    unsigned hart; /* the hart that stopped (0-based) */
    /* For HISTORY_STOPPED: the hart's debug stop (core/debug.h enum debug_stop_kind and
     * its fields), as the hart reported it when the point was executed forwards. */
    int kind;
    int watch;
    uint64_t addr, cause, epc;
};

/* Start recording: snapshot 0 is the machine as it is now. False with a message when out
 * of memory. Idempotent. */
bool history_start(struct machine *m, const struct history_options *o, char *err, size_t errlen);
void history_free(struct history *hi);

/* The run loop's report (platform/machine.c); ignored while re-executing. */
void history_note(struct history *hi, enum history_kind kind, uint64_t arg);
/* The debugger changed registers or memory: in the past, the rest of history is dropped
 * (a new future starts here); then a snapshot records the change. */
void history_external_change(struct history *hi);

/* True while the machine is at an earlier point than the end of history. */
bool history_in_past(const struct history *hi);

/* One step of hart k backwards / forwards along history. Forwards from the end of history
 * returns HISTORY_END without moving (the caller runs live). */
void history_step_back(struct history *hi, unsigned k, struct history_stop *out);
void history_step_forward(struct history *hi, unsigned k, struct history_stop *out);
/* Backwards to the latest breakpoint hit, watchpoint hit (the state before the access) or
 * trap break before the present point, or to the start of history. */
void history_continue_back(struct history *hi, struct history_stop *out);
/* Forwards along history to the next stop, or to its end (HISTORY_END: the machine is at
 * the present again and runs live from there). */
void history_continue_forward(struct history *hi, struct history_stop *out);
/* Go to the start of history / to hart k's count c (false if that point is not kept). */
bool history_goto_start(struct history *hi);
bool history_goto(struct history *hi, unsigned k, uint64_t count);

/* A point of history exactly as the machine is now (between two logged steps of the run
 * loop, or inside a turn), to come back to it with history_goto_point. */
struct history_point {
    size_t entry;
    bool partial;
    unsigned hart;
    uint64_t count;
};
void history_here(const struct history *hi, struct history_point *out);
bool history_goto_point(struct history *hi, const struct history_point *p);

/* Hart k's counts at the start and at the end of history (false without history). */
bool history_span(const struct history *hi, unsigned k, uint64_t *first, uint64_t *last);

/* Figures for `monitor history` and the docs. */
struct history_stats {
    unsigned snapshots;
    uint64_t log_entries;
    uint64_t page_bytes;  /* RAM page versions kept */
    uint64_t state_bytes; /* hart and device state of every snapshot */
    uint64_t first, last; /* machine_position of the start and the end of history */
    uint64_t now;         /* machine_position now */
    uint64_t replayed;    /* steps re-executed so far (cost) */
    uint64_t log_bytes;   /* the log's memory */
    uint64_t budget;      /* what pages, state and log may take together */
    unsigned dropped;     /* oldest snapshots dropped to stay within the budget */
};
void history_stats(const struct history *hi, struct history_stats *out);

#endif
