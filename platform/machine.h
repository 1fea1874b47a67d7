/* The machine: harts, bus, devices and the virtual clock, assembled from options and run.
 * There is no global state (docs/design.md, decision 5): everything hangs off `struct machine`,
 * so tests can build several machines in one process.
 *
 * Usage:
 *     struct machine_options o; machine_options_default(&o);
 *     o.xlen = 64;
 *     struct machine *m = machine_new(&o, err, sizeof err);
 *     machine_load_elf(m, "fw.elf", err, sizeof err);
 *     int status = machine_run(m);    // the firmware's exit code, or MACHINE_EXIT_*
 *     machine_free(m);
 */
#ifndef HARTLAB_DEVICES_MACHINE_H
#define HARTLAB_DEVICES_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cluster.h"
#include "core/hart.h"
#include "core/listeners.h"
#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "loader/loader.h"

#define MACHINE_MAX_HARTS    CLUSTER_MAX_HARTS
/* The most RAM a guest gets (-m, a board's /memory node): 64 GiB, reserved, not committed,
 * as host pages are touched; its dirty-page map (one byte per 4 KiB page) is 16 MiB. */
#define MACHINE_MAX_RAM      (1ull << 36)
/* The default quantum, and the quantum below which harts step instruction by instruction
 * (docs/cycles.md "Several harts"). */
#define MACHINE_QUANTUM      10000u
#define MACHINE_QUANTUM_STEP 256u

/* Exit statuses of hartlab itself (documented in `hartlab --help` and docs/usage.md). */
#define MACHINE_EXIT_USAGE 2   /* bad option, bad input file */
#define MACHINE_EXIT_LIMIT 124 /* --max-insns / --max-cycles reached (as timeout(1)) */
#define MACHINE_EXIT_HANG                                                                          \
    125                          /* no hart can make progress: each waits in wfi, or loops         \
                                    (a jump to itself, a trap loop), for an interrupt that         \
                                    cannot come */
#define MACHINE_RUN_STOPPED (-1) /* machine_run: the debugger stopped the run (resumable) */

struct machine_options {
    unsigned xlen; /* 32 or 64 */
    uint32_t ext;  /* misa extension bits */
    unsigned nharts;
    uint32_t hartids[MACHINE_MAX_HARTS]; /* mhartid of each hart (default: 0, 1, ...) */
    /* Virtual cycles each hart runs per turn (0: MACHINE_QUANTUM); below
     * MACHINE_QUANTUM_STEP harts run one instruction at a time, so turns end exactly. */
    uint64_t quantum;
    uint64_t ram_base, ram_size;
    enum misaligned_policy misaligned;
    bool misaligned_set;            /* given by the user: the board's policy does not apply */
    bool ext_set;                   /* --isa given: the board's riscv,isa extensions do not apply */
    const void *fdt;                /* the board's device tree (platform/board.h), or NULL for a
                                       bare machine: RAM and the test finisher only */
    uint64_t max_insns, max_cycles; /* 0 = no limit */
    uint32_t time_divider;          /* cycles per mtime tick */
    const struct core_timing *timing; /* the harts' cycles per cost class; NULL: the default */
    const char *semihost_root;        /* NULL: semihosting file access refused */
    const char *cmdline;              /* semihosting SYS_GET_CMDLINE */
    FILE *trace;                      /* instruction trace, or NULL */
    const char *serial;               /* console UART backend (host/chardev.h), NULL = stdio */
    /* virtio-mmio slots (devices/virtio_mmio.h) fill in tree order: one virtio-blk per
     * drive (host/blockdev.h; the caller keeps them open until machine_free), then the
     * entropy device unless rng_off, seeded with rng_seed (or host entropy). */
    struct blockdev *const *drives;
    unsigned ndrives;
    uint64_t rng_seed;
    bool rng_host, rng_off;
    bool jit;               /* the translation tier (core/jit.h), where the host has one */
    unsigned jit_threshold; /* block starts before translation; 0 = the default */
    uint64_t jit_limit;     /* translate at most this many blocks (0: no limit) */
    const char *jit_dump;   /* write translated code there (HARTLAB_JIT_DUMP) */
};

struct htif;
struct clint;
struct plic;
struct finisher;
struct semihost;
struct sifive_gpio;
struct machine;

/* A device type the machine can build from a device-tree node (docs/design.md, decision 6: a new
 * device is its own file, its board entry, and one row in platform/devtable.c). `create`
 * gets the node's first `reg` range; it registers its registers with bus_add_device, its
 * clean-up with machine_on_free, and its interrupt output with machine_connect_irq. */
struct device_desc {
    const char *compatible;
    bool (*create)(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                   char *err, size_t errlen);
};
extern const struct device_desc device_table[];

#define MACHINE_MAX_CLEANUPS 32
#define MACHINE_MAX_STATES   64
#define MACHINE_MAX_RESETS   16

/* Console output that does not pass a UART (semihosting's and HTIF's writes to standard
 * output): `buf` was just written, at virtual-clock cycle `cycle`. */
typedef void (*machine_console_fn)(void *ctx, const uint8_t *buf, size_t len, uint64_t cycle);
struct input;
struct history;

/* A piece of device state a machine snapshot saves and restores byte for byte
 * (machine_add_state). */
struct machine_state_region {
    void *p;
    size_t len;
};

struct machine {
    struct machine_options opts;
    struct bus bus;
    struct hart_bus hart_bus;
    struct cluster *cluster; /* the harts and what they share (core/cluster.h) */
    struct symtab *symbols;  /* of the loaded ELF, or NULL */

    struct htif *htif;
    struct finisher *finisher;
    struct semihost *semihost;
    struct clint *clint; /* the first CLINT and PLIC, for the debugger (NULL if none) */
    struct plic *plic;
    /* GPIO banks in creation order (devices/sifive_gpio.h), for the CLI, panel and traces. */
    struct sifive_gpio *gpio[4];
    unsigned ngpio;

    /* Virtual time and the events devices schedule on it. */
    struct vclock clock;
    /* The platform interrupt controller's inputs (the PLIC's sources), once one exists. */
    void (*irq_input)(void *opaque, unsigned source, bool level);
    void *irq_input_opaque;
    unsigned irq_sources;
    struct {
        void (*fn)(void *opaque);
        void *opaque;
    } cleanups[MACHINE_MAX_CLEANUPS];
    unsigned ncleanups;
    struct listeners on_console; /* machine_listen_console */
    /* The one door for input from outside (host/input.h): UART bytes, GPIO levels driven
     * from outside, injected interrupts; it records and replays them. */
    struct input *input;
    struct {
        void (*fn)(void *opaque);
        void *opaque;
    } resets[MACHINE_MAX_RESETS];
    unsigned nresets;

    /* Set by machine_exit(): the hart that asked stops after that instruction, the run
     * loop runs nothing more. */
    bool exited;
    int exit_code;
    /* The hart inside hart_run/hart_step now (NULL between them): machine_exit stops it
     * after the instruction it is executing. */
    struct hart *running;
    /* The hart that was running when the run was ended (NULL: ended between quanta). */
    struct hart *exit_hart;
    /* Each hart's pc when its last quantum ended: a hart found at the same pc twice is
     * checked for a loop it cannot leave (machine_run). */
    uint64_t quantum_pc[MACHINE_MAX_HARTS];
    /* The one line machine_run printed when it ended the run itself (a limit, a hang), for
     * the debugger's stop message; "" otherwise. */
    char stop_line[1024];
    bool reset_requested;
    uint64_t entry;    /* where harts start after a reset */
    uint64_t fdt_addr; /* where the device tree was placed in RAM (a1), or 0 */
    /* Devices the board names that hartlab does not model ("" if none); the CLI prints it
     * once the firmware has loaded, so a bad input file still gets exactly one line. */
    char board_warning[512];
    /* The loader's warning about an ELF loaded in part (loader/loader.h), "" if none; the
     * CLI prints it with board_warning. */
    char load_warning[400];
    /* Why the run ended, for the one-line report ("firmware exit", "limit", ...). */
    const char *exit_reason;
    /* The host signal that ended the run (machine_exit_signal), 0 if none; and whether its
     * one line has been printed. */
    int exit_signal;
    bool signal_reported;
    /* Harts the debugger keeps stopped while the others run (bit k: hart k; vCont;c:TID):
     * machine_run leaves them out of its rounds, and their time stands still. */
    uint32_t frozen;
    /* A hart that stopped with HART_STOP_BREAK (breakpoint, watchpoint): machine_run returns
     * MACHINE_RUN_STOPPED and leaves it here. */
    struct hart *break_hart;
    /* Events (docs/design.md, decision 11): machine_listen_quantum, _stop_poll. */
    struct listeners on_quantum, stop_polls;

    /* Reverse execution (platform/history.h): snapshots of the whole machine and the log of
     * what ran, NULL when history is off. The run loop tells it every turn, step and clock
     * check; while it re-executes history, `replaying` is set and output to the host is
     * not repeated. */
    struct history *history;
    bool replaying;
    /* Device state as byte ranges (each device's struct, its arrays, the clock): what a
     * snapshot copies besides harts and RAM. */
    struct machine_state_region states[MACHINE_MAX_STATES];
    unsigned nstates;
};

/* The machine's harts, in hart id order. */
static inline unsigned machine_nharts(const struct machine *m)
{
    return m->cluster ? cluster_nharts(m->cluster) : 0;
}
static inline struct hart *machine_hart(const struct machine *m, unsigned k)
{
    return cluster_hart(m->cluster, k);
}

void machine_options_default(struct machine_options *o);
struct machine *machine_new(const struct machine_options *o, char *err, size_t errlen);
void machine_free(struct machine *m);

/* Load an ELF: segments, entry point (all harts), symbols, HTIF tohost/fromhost. */
bool machine_load_elf(struct machine *m, const char *path, struct elf_info *info, char *err,
                      size_t errlen);
bool machine_load_raw(struct machine *m, const char *path, uint64_t addr, char *err, size_t errlen);
/* Load an ELF's segments only (a next stage such as --kernel): entry point, symbols and
 * HTIF stay those of the main firmware. */
bool machine_load_elf_segments(struct machine *m, const char *path, char *err, size_t errlen);

/* Run until the firmware exits, a limit is reached or the harts hang. Returns the exit
 * status hartlab should return, or MACHINE_RUN_STOPPED (a breakpoint, or a stop poll). The
 * harts hang (MACHINE_EXIT_HANG, one line on stderr
 * naming the hart, pc, function and why) when every hart either waits in wfi or is stuck in
 * a loop only an interrupt can leave (a jump to itself; a trap whose handler traps again at
 * its own entry), and no interrupt can come: no device event is scheduled, or none of the
 * stuck harts can take one at all. */
int machine_run(struct machine *m);

/* After each round of quanta, before the exit check (the views: panel, VCD, --realtime);
 * a listener may pause (by not returning), step harts or end the run. */
typedef void (*machine_quantum_fn)(void *ctx, struct machine *m);
bool machine_listen_quantum(struct machine *m, machine_quantum_fn fn, void *ctx);
void machine_unlisten_quantum(struct machine *m, machine_quantum_fn fn, void *ctx);
/* Polled after each round of quanta (the debugger's Ctrl-C); the first that returns true
 * makes machine_run return MACHINE_RUN_STOPPED. */
typedef bool (*machine_stop_fn)(void *ctx, struct machine *m);
bool machine_listen_stop_poll(struct machine *m, machine_stop_fn fn, void *ctx);
void machine_unlisten_stop_poll(struct machine *m, machine_stop_fn fn, void *ctx);

/* Where harts start: set the entry point and boot every hart there (machine_boot). */
void machine_set_entry(struct machine *m, uint64_t entry);
/* The boot protocol: every hart restarts at the entry point in M-mode with a0 = its hart
 * id, a1 = the device tree's address (m->fdt_addr). */
void machine_boot(struct machine *m);

/* The slowest hart's cycle count: virtual time as the devices' events see it. */
uint64_t machine_low_cycles(const struct machine *m);

/* Debugger: execute one instruction on hart k (or take one pending interrupt), with the
 * devices and the virtual clock advancing exactly as in machine_run. */
enum hart_stop machine_step_hart(struct machine *m, unsigned k);
/* Restart every hart at the entry point (as a guest-requested reset). */
void machine_reset_harts(struct machine *m);

/* The run ends with status `code` (a device, semihosting, the views, a quit key): the
 * one run-end path. Called while a hart executes an instruction (a device access, a
 * semihosting call), that instruction is the last one the hart retires; no hart runs
 * another. The first call wins; `reason` ("semihosting exit") names the cause in the
 * report. */
void machine_exit(struct machine *m, int code, const char *reason);
/* The host asked hartlab to stop (SIGTERM, SIGINT, SIGHUP: host/shutdown.h): the run ends
 * as by machine_exit, with status 128 + sig, and machine_run prints one line saying what
 * stopped it and where (hart, pc, function, counts). machine_run checks shutdown_signal()
 * after each round; a wait on the host inside an instruction (a semihosting read of stdin)
 * calls this itself. */
void machine_exit_signal(struct machine *m, int sig);
/* The same when no machine_run is going on (the debugger was waiting): ends the run if it
 * has not ended, prints the line once; returns the exit status. */
int machine_end_by_signal(struct machine *m, int sig);
/* A device asks for a system reset: harts restart at the entry point at the next block
 * boundary; memory is left as it is (as a warm reset on a board). */
void machine_request_reset(struct machine *m);

/* Listen to console output that bypasses the UARTs (up to LISTENERS_MAX; false when
 * full); semihosting and HTIF call machine_console_output after each write. */
bool machine_listen_console(struct machine *m, machine_console_fn fn, void *ctx);
void machine_unlisten_console(struct machine *m, machine_console_fn fn, void *ctx);
void machine_console_output(struct machine *m, const void *buf, size_t len);

/* Call fn(opaque) when the guest resets the machine (machine_request_reset), before the
 * harts restart: devices with state of their own (virtio) reset it this way. */
void machine_on_reset(struct machine *m, void (*fn)(void *opaque), void *opaque);
/* A device's state for machine snapshots (platform/history.h): `len` bytes at `p`, saved
 * and restored as they are. Pointers in it must stay valid for the machine's life (the
 * machine, other devices, clock events inside registered state). False when full. */
bool machine_add_state(struct machine *m, void *p, size_t len);
/* Where the machine is in its run: the instructions retired plus traps taken, summed over
 * the harts (each step of each hart moves it by one). */
uint64_t machine_position(const struct machine *m);

/* For the history's re-execution (platform/history.c): exactly what the run loop does
 * around a turn of hart k, without telling the history. */
void machine_replay_due(struct machine *m, uint64_t cycle);
enum hart_stop machine_replay_turn(struct machine *m, unsigned k, uint64_t until_cycles);
enum hart_stop machine_replay_step(struct machine *m, unsigned k, bool mask_irq);
void machine_replay_reset(struct machine *m);

/* Call fn(opaque) when the machine is freed (devices free themselves this way). */
void machine_on_free(struct machine *m, void (*fn)(void *opaque), void *opaque);
/* The interrupt controller offers its inputs: source numbers 1..nsources. */
void machine_set_irq_controller(struct machine *m,
                                void (*input)(void *opaque, unsigned source, bool level),
                                void *opaque, unsigned nsources);
/* Wire a device's output line to interrupt source `source` (false if there is none). */
bool machine_connect_irq(struct machine *m, struct irq_line *line, unsigned source);

/* Guest memory access from outside the harts (semihosting, debugger, loader). Writes
 * invalidate reservations and cached code. False if any byte is not memory. */
bool machine_read_mem(struct machine *m, uint64_t addr, void *buf, uint64_t len);
bool machine_write_mem(struct machine *m, uint64_t addr, const void *buf, uint64_t len);

#endif
