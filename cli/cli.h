/* The `hartlab` command line as four phases, each in its own file, run in this order by
 * main() (cli/main.c):
 *
 *   1. cli_parse_options (options.c): argv into `struct cli_options`; a bad option is one
 *      line and exit status 2 here, --help and --version end here.
 *   2. cli_plan (plan.c): which images go where (an ELF, --load, --bios, --kernel), the
 *      guest's command line, the ELF's XLEN and entry, the ISA and the board's tree: every
 *      decision that needs no machine.
 *   3. cli_build_machine (build.c): the machine from the plan, images loaded, the tree
 *      placed in RAM, input scripts attached.
 *   4. cli_run (run.c): under the debugger or with the views, then the signature.
 *
 * Phases 2 to 4 report a host problem (a file that cannot be read, a board that does not
 * fit) as false with one line in `err`, which main() prints with exit status 2: every host
 * problem ends as one line naming the file or value involved.
 */
#ifndef HARTLAB_CLI_CLI_H
#define HARTLAB_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"
#include "platform/machine.h"
#include "ui/views.h"

#define CLI_MAX_IMAGES 16
#define CLI_MAX_DRIVES 8 /* the virt board's virtio-mmio slots */

/* A raw image (--load, or a non-ELF --bios/--kernel). */
struct cli_image {
    const char *path;
    uint64_t addr; /* absolute, or an offset into RAM when `in_ram` */
    bool in_ram;   /* --bios/--kernel images: placed relative to the board's RAM */
};

/* What the command line asked for, before anything is opened. */
struct cli_options {
    struct machine_options machine; /* the options that go to the machine as they are */
    const char *isa, *board, *bios, *kernel, *gpio_script, *signature;
    const char *firmware;   /* the positional FILE, or NULL */
    const char *trace_path; /* with `trace`: the instruction trace's file, NULL: stderr */
    bool trace;
    const char *gdb_spec;    /* --gdb / -s, or NULL */
    bool gdb_wait;           /* -S */
    bool ram_set;            /* -m given */
    unsigned smp;            /* --smp N, 0: as many harts as the board's tree has */
    bool jit_stats;          /* --jit-stats */
    uint64_t history_budget; /* --record-history SIZE in bytes, 0: not asked for */
    struct views_options views;
    struct cli_image loads[CLI_MAX_IMAGES]; /* --load, in order (paths malloc'd) */
    unsigned nloads;
    const char *drives[CLI_MAX_DRIVES]; /* --drive specs, in order */
    unsigned ndrives;
    int guest_argc; /* the arguments after '--' */
    char **guest_argv;
    /* CI testing (cli/ci.c, docs/ci.md) */
    const char *script, *junit, *script_result; /* --script, --junit, --script-result */
    const char *record, *replay;                /* --record, --replay */
};

/* Where every image goes and what machine runs them. */
struct cli_plan {
    const char *elf;        /* the ELF that starts (the firmware, or an ELF --bios) */
    const char *kernel_elf; /* an ELF --kernel */
    struct cli_image raws[CLI_MAX_IMAGES];
    unsigned nraws;
    unsigned first_raw; /* without an ELF: the raw image whose address is the entry */
    char *cmdline;      /* the guest's command line: program name, then its arguments */
    struct elf_info info;
    const char *board_spec; /* the --board value, or the default chosen for the firmware */
    void *fdt;              /* the board's tree, as opened */
    /* The --drive images, opened and locked (host/blockdev.h); closed by cli_plan_free,
     * after the machine is freed. */
    struct blockdev *drives[CLI_MAX_DRIVES];
};

/* Phase 1. Returns -1 to go on, or the exit status when the run ends here (--help,
 * --version: 0). A bad option prints its line and exits with status 2. */
int cli_parse_options(int argc, char **argv, struct cli_options *o);
void cli_options_free(struct cli_options *o);

/* Phase 2. Completes o->machine (XLEN, ISA, the board's RAM and policies). */
bool cli_plan(struct cli_options *o, struct cli_plan *p, char *err, size_t errlen);
void cli_plan_free(struct cli_plan *p);

/* Phase 3. NULL with `err` set on failure. Opens the instruction trace into o->machine.trace
 * (closed by cli_options_free). */
struct machine *cli_build_machine(struct cli_options *o, struct cli_plan *p, char *err,
                                  size_t errlen);

/* Phase 4. Runs the machine; false with `err` set when a debugger or a view cannot start,
 * else true with the exit status in *status. */
bool cli_run(const struct cli_options *o, struct machine *m, int *status, char *err, size_t errlen);

/* CI testing around the phases (ci.c): the runner, the --script verdict and its reports,
 * --record/--replay. */
struct script;
struct script_run;
struct cli_ci {
    struct script *script;
    struct script_run *run;
};
/* `hartlab test ...` or --test-list: runs the tests and returns the exit status; -1 for
 * any other command line. */
int cli_ci_runner(int argc, char **argv);
/* Before the plan: parse --script (false: its errors are printed and reported, exit 2). */
bool cli_ci_prepare(const struct cli_options *o, struct cli_ci *ci);
/* After the machine is built: attach the script, start recording or replaying. */
bool cli_ci_attach(const struct cli_options *o, struct cli_ci *ci, struct machine *m, char *err,
                   size_t errlen);
/* After the run: the exit status, the script's verdict when there is one. */
int cli_ci_finish(const struct cli_options *o, struct cli_ci *ci, struct machine *m, int status);
/* A phase failed with `err` (exit status 2): report it as the test's error. */
void cli_ci_error(const struct cli_options *o, const struct cli_ci *ci, const char *err);
void cli_ci_free(struct cli_ci *ci);

/* One line naming a bad option (fmt has one %s for `arg`), the usage, exit status 2. */
_Noreturn void cli_usage_error(const char *fmt, const char *arg);

#endif
