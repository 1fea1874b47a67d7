/* Debugger state of one hart: breakpoints, watchpoints and trap breaks, kept by the core so
 * that the run loop stops exactly where a debug probe would (RISC-V External Debug Support
 * 0.13, "halt" semantics: a breakpoint halts before the instruction executes, a data
 * watchpoint after the access completes). The GDB stub (gdbstub/) sets these through
 * debug_* calls and reads `stop_*` after the hart returns HART_STOP_BREAK.
 *
 * How the core honours them:
 *  - breakpoints: hart_run checks the pc against the sorted address set before every block
 *    and the block builder ends a block before any breakpoint address, so a breakpoint in
 *    the middle of a cached block still stops; inserting/removing invalidates cached blocks.
 *  - watchpoints: watched pages are kept out of every hart's translation caches, so each
 *    access to them (any width, misaligned, AMO, LR/SC, compressed or FP) takes the slow
 *    path in hart.c, which calls debug_check_access after the access. Stores, AMOs and SC
 *    end their block there; a read or access watchpoint also puts the hart into
 *    one-instruction blocks (`single_step`) so that a load stops right after itself.
 *  - trap breaks: debug_attach subscribes to the hart's traps (hart_listen_trap) and stops
 *    when a trap whose cause is selected is taken (pc = handler entry, epc = interrupted pc).
 *
 * Usage:
 *     debug_attach(h);                       // allocates the hart's debug state
 *     debug_break_insert(h, 0x80000010);
 *     debug_watch_insert(h, &var, 4, DEBUG_WATCH_WRITE);
 *     if (hart_run(h, until) == HART_STOP_BREAK) ... hart_debug(h)->stop_kind ...
 */
#ifndef HARTLAB_CORE_DEBUG_H
#define HARTLAB_CORE_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct hart;

enum debug_watch_kind {
    DEBUG_WATCH_WRITE = 1,  /* GDB Z2 */
    DEBUG_WATCH_READ = 2,   /* GDB Z3 */
    DEBUG_WATCH_ACCESS = 3, /* GDB Z4: read or write */
};

enum debug_stop_kind {
    DEBUG_STOP_NONE = 0,
    DEBUG_STOP_BREAKPOINT, /* pc is at a breakpoint, the instruction has not run */
    DEBUG_STOP_WATCH,      /* stop_addr was accessed as stop_watch says */
    DEBUG_STOP_TRAP,       /* a selected trap was taken: stop_cause, stop_epc */
};

#define DEBUG_MAX_WATCHES 16

struct debug_watch {
    uint64_t addr, len;
    enum debug_watch_kind kind;
};

struct hart_debug {
    uint64_t *breaks; /* sorted, no duplicates */
    unsigned nbreaks, cap;
    struct debug_watch watches[DEBUG_MAX_WATCHES];
    unsigned nwatches;
    /* Trap causes that stop the hart: bit n of irq_mask = interrupt n, of exc_mask =
     * exception n. */
    uint64_t irq_mask, exc_mask;
    /* Hold interrupts off (hart_step does not take them) while the debugger steps. */
    bool mask_irq;

    /* Why the hart last returned HART_STOP_BREAK. */
    enum debug_stop_kind stop_kind;
    enum debug_watch_kind stop_watch;
    uint64_t stop_addr;  /* the watched data address that was accessed */
    uint64_t stop_cause; /* mcause of the trap */
    uint64_t stop_epc;   /* the pc the trap interrupted */
};

/* Give the hart debug state (idempotent). False if out of memory. */
bool debug_attach(struct hart *h);
/* Drop every breakpoint, watchpoint and trap break (debugger detached). */
void debug_clear(struct hart *h);
void debug_detach(struct hart *h);

bool debug_break_insert(struct hart *h, uint64_t addr);
bool debug_break_remove(struct hart *h, uint64_t addr);
bool debug_break_at(const struct hart_debug *d, uint64_t addr);

bool debug_watch_insert(struct hart *h, uint64_t addr, uint64_t len, enum debug_watch_kind kind);
bool debug_watch_remove(struct hart *h, uint64_t addr, uint64_t len, enum debug_watch_kind kind);
/* True if a watchpoint that fires on this direction of access covers a byte of the
 * physical page `ppage` (such pages must not enter the translation caches). */
bool debug_watch_page(const struct hart_debug *d, uint64_t ppage, bool write);
/* Called by the slow paths after an access completed; `write` tells the direction. Sets
 * the stop fields and h->stop = HART_STOP_BREAK if a watchpoint matches; returns true then. */
bool debug_check_access(struct hart *h, uint64_t addr, unsigned size, bool write);

/* Select trap causes that stop the hart (`interrupt` false: exception causes). */
void debug_trap_break(struct hart *h, bool interrupt, unsigned cause, bool on);

/* Called by hart_run before each block: true (and h->stop set) at a breakpoint. */
bool debug_stop_before(struct hart *h);

#endif
