/* Phase 1 of the command line (cli/cli.h): argv into `struct cli_options`. Every option is
 * listed here, in the long-option table, the switch below and `hartlab --help`; a bad one is
 * one line naming it and what to do, and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cost.h"
#include "host/log.h"

#define HARTLAB_VERSION "0.1.0"

static const char usage_line[] = "usage: hartlab [options] FILE.elf [-- guest args]\n"
                                 "       hartlab test [-j N] [--junit FILE] [--coverage FILE] "
                                 "DIR|LIST...\n";

_Noreturn void cli_usage_error(const char *fmt, const char *arg)
{
    /* One line: what is wrong, and where the options are listed. */
    fputs("hartlab: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (hartlab --help lists the options)\n", stderr);
    exit(MACHINE_EXIT_USAGE);
}

static void print_help(void)
{
    printf("%s", usage_line);
    puts("Run bare-metal RISC-V firmware (RV32 or RV64, chosen from the ELF class) on a\n"
         "simulated board, deterministically. The exit status is the firmware's exit code.\n"
         "\n"
         "Options:\n"
         "  --board BOARD         'virt' (QEMU virt's memory map), 'mcu' (an RV32 SiFive-style\n"
         "                        microcontroller), or a FILE.dts / FILE.dtb of your own\n"
         "                        (default: mcu for firmware that starts in its flash at\n"
         "                        0x20000000, else virt)\n"
         "  --isa ISA             rv64gc, rv32imac, rv32i, rv64imafdc, ... (default: the\n"
         "                        board's harts at the ELF's XLEN: rv32gc/rv64gc on virt,\n"
         "                        rv32imac on mcu)\n"
         "  --cpu MODEL           the timing of a real core for cycles, mcycle and mtime:\n"
         "                        simple, ibex, e31, u54 (`--cpu help` lists them; default:\n"
         "                        the core the board's cpu node names, else simple;\n"
         "                        docs/cycles.md)\n"
         "  -m, --memory SIZE     RAM size, e.g. 64M, 1G (default: the board's, 128M on virt)\n"
         "  --load FILE@ADDR      load a raw binary at ADDR (repeatable); without an ELF the\n"
         "                        first one's address is the entry point\n"
         "  --bios FILE           firmware (ELF or raw image) at the start of RAM, entry\n"
         "                        there, as QEMU's -bios (e.g. OpenSBI, M-mode U-Boot)\n"
         "  --kernel FILE         next stage (ELF or raw) for --bios firmware; a raw image\n"
         "                        goes 2 MiB (RV32: 4 MiB) into RAM, as QEMU's -kernel\n"
         "  --smp N               N harts (1 to 8; QEMU's -smp N, also cpus=N): virt grows\n"
         "                        to N cpu nodes, a board's .dts must have N (default: one\n"
         "                        hart per cpu node of the board's device tree)\n"
         "  --quantum N           cycles of virtual time each hart runs before the next one\n"
         "                        takes its turn (default 10000; below 256 harts run one\n"
         "                        instruction at a time: --quantum 1 interleaves them as\n"
         "                        finely as possible, for races; docs/cycles.md)\n"
         "  --misaligned=POLICY   misaligned loads/stores: 'emulate' (as QEMU; virt's default)\n"
         "                        or 'trap' (address-misaligned exception, mtval = address;\n"
         "                        mcu's default)\n"
         "  --max-insns N         stop after N instructions (exit status 124; N may end in\n"
         "                        k, M or G: 10M is ten million)\n"
         "  --max-cycles N        stop after N cycles (exit status 124; k, M, G as above)\n"
         "  --trace[=FILE]        instruction trace (pc, bits, disassembly, result) to FILE\n"
         "                        or standard error\n"
         "  --trace=irq[:FILE]    interrupts: lines raised/lowered, PLIC claim/complete, trap\n"
         "                        entry (interrupts and exceptions, the cause in words) and\n"
         "                        return, with cycle stamps (repeatable with\n"
         "                        --trace=frames and amo; 'irq', 'frames' and 'amo' are\n"
         "                        keywords: write ./irq for a file of that name)\n"
         "  --trace=frames[:FILE] calls and returns with frame sizes, indented by depth\n"
         "  --trace=virtio[:FILE] virtio queue notifications, requests (type, sector,\n"
         "                        length, status) and interrupts, with cycle stamps\n"
         "  --trace=amo[:FILE]    LR/SC reservations taken, broken (by which hart's store),\n"
         "                        SC outcomes and AMOs, per hart, with cycle stamps\n"
         "  --vcd FILE            GPIO pins, UART TX/RX and interrupt lines as a VCD file\n"
         "  --profile FILE        cycles and instructions per function (inclusive and\n"
         "                        exclusive), call counts, per hart, in callgrind's format\n"
         "                        (callgrind_annotate, KCachegrind); interrupt and exception\n"
         "                        handlers are roots of their own (docs/cycles.md)\n"
         "  --profile=folded:FILE the same as folded stacks for flame graphs (repeatable\n"
         "                        with --profile FILE)\n"
         "  --coverage FILE       line coverage as an lcov tracefile (genhtml, gcovr, CI\n"
         "                        services): how often each source line and function of the\n"
         "                        firmware ran; needs an ELF built with -g (docs/usage.md)\n"
         "  --ui                  the SDL panel: LEDs, buttons, UART console, registers,\n"
         "                        interrupts, call stack, traps, F9 step back and a history\n"
         "                        slider (keys: see docs/labs/README.md); with --gdb it\n"
         "                        watches while the debugger runs the machine;\n"
         "                        needs a display (DISPLAY or WAYLAND_DISPLAY)\n"
         "  --ui-screenshot FILE@CYCLES  write the panel as PNG when the virtual clock\n"
         "                        reaches CYCLES (repeatable; implies --ui, but works\n"
         "                        without a display); the run ends after the last one\n"
         "                        (exit status 0)\n"
         "  --ui-script FILE      inject SDL input events at given cycles, take screenshots\n"
         "                        between them (tests, demos)\n"
         "  --realtime            pace virtual time to the host clock (same results)\n"
         "  --signature FILE      at exit, write memory from begin_signature to end_signature\n"
         "                        as 32-bit words, one per line in hex (compliance tests)\n"
         "  --semihost-root DIR   allow semihosting file access below DIR (default: refused)\n"
         "  --drive FILE[,readonly][,snapshot]\n"
         "                        a raw disk image as a virtio-blk device in the next free\n"
         "                        virtio-mmio slot (repeatable; virt has 8). The image is\n"
         "                        locked; writes reach it at once. readonly: writes fail;\n"
         "                        snapshot: writes stay in memory, the file never changes\n"
         "  --rng-seed N|host     seed of the virtio entropy device (default 0: the same\n"
         "                        bytes every run); 'host' takes host entropy instead\n"
         "  --no-rng              no virtio entropy device\n"
         "  --gpio-script FILE    drive GPIO bank 0's inputs at given cycles: lines\n"
         "                        'CYCLE pin N high|low|release' (# comments)\n"
         "  --script FILE         run a test script: wait for UART output, send input,\n"
         "                        drive and check GPIO pins, expect an exit status, all in\n"
         "                        virtual cycles (docs/ci.md); exit status 0 passed, 1 failed,\n"
         "                        2 a script that does not parse\n"
         "  --junit FILE          with --script: write a JUnit XML report\n"
         "  --script-result FILE  with --script: the verdict as 'KEY VALUE' lines (for tools)\n"
         "  --record FILE         write every input from outside (UART bytes, GPIO changes,\n"
         "                        panel clicks, injected interrupts) with its cycle\n"
         "  --replay FILE         give the run the inputs of a --record file instead of the\n"
         "                        live ones: the same output, counts and traces\n"
         "  --test-list FILE      run the tests of FILE (lines 'FIRMWARE SCRIPT [OPTION...]')\n"
         "                        in parallel, as 'hartlab test --list FILE'\n"
         "  --serial SPEC         the UART's host side: stdio (default; on a terminal Ctrl-A x\n"
         "                        quits), null, file:PATH, tcp:PORT (127.0.0.1), pty\n"
         "  --gdb [HOST:]PORT     serve the GDB remote protocol on PORT (127.0.0.1 unless HOST\n"
         "                        is given; see docs/gdb.md); the machine starts running\n"
         "  -s                    shorthand for --gdb 1234 (as QEMU)\n"
         "  -S                    with --gdb/-s: wait for the debugger before the first\n"
         "                        instruction (as QEMU)\n"
         "  --jit=on|off          the translation tier (x86-64 Linux hosts): hot code runs as\n"
         "                        host code, with results identical to the interpreter's\n"
         "                        (default: on where supported; the environment variable\n"
         "                        HARTLAB_JIT sets the default)\n"
         "  --jit-threshold N     starts of a block before it is translated (default 64;\n"
         "                        1 translates every block the first time it runs; also\n"
         "                        HARTLAB_JIT_THRESHOLD)\n"
         "  --jit-stats           at exit, print the tier's counters on standard error\n"
         "  --record-history SIZE keep the run's history for going backwards (snapshots and\n"
         "                        re-execution; docs/gdb.md \"Going backwards\") within SIZE\n"
         "                        bytes of memory, e.g. 64M, 1G (K/M/G; at least 1M): the\n"
         "                        oldest snapshots are dropped beyond it. On by itself with\n"
         "                        --gdb and --ui (512M); -v reports what it holds at exit\n"
         "  -v, --verbose         report what the machine does (devices, exit, counts)\n"
         "  -h, --help            this text\n"
         "  --version             print the version\n"
         "\n"
         "Arguments after '--' are the guest's argv[1..] (semihosting SYS_GET_CMDLINE).\n"
         "\n"
         "hartlab test [-j N] [--junit FILE] [--coverage FILE] [-v] DIR|LIST...: run every\n"
         "NAME.script of DIR against NAME.elf / NAME-*.elf beside it (or the pairs of a\n"
         "LIST), each in its own process, N at a time (default: all cores); one line per\n"
         "test, then 'N passed, M failed'; exit status 0 if all passed, 1 if not;\n"
         "--coverage FILE: the tests' line coverage summed into one lcov file (docs/ci.md).\n"
         "\n"
         "Exit status: the firmware's exit code (HTIF tohost, the SiFive test finisher at\n"
         "0x100000, or semihosting SYS_EXIT); codes outside 0..255 are reported as 255.\n"
         "  2    bad option or input file (one line on stderr says which and why)\n"
         "  124  --max-insns or --max-cycles reached\n"
         "  125  the firmware can make no progress: every hart waits in wfi, or loops (a\n"
         "       jump to itself, a trap loop), for an interrupt that cannot come (one line\n"
         "       on stderr names the hart, pc, function and cause)\n"
         "  128+N  stopped by signal N (SIGTERM 143, SIGINT 130, SIGHUP 129) at an\n"
         "       instruction boundary, after output, traces and signature are written (one\n"
         "       line says where); a second signal ends hartlab at once\n"
         "With --script: 0 every step passed, 1 a step failed, 2 the script does not parse.\n");
}

/* Parse a number with an optional k/K, m/M or g/G suffix: powers of `unit`, 1024 for sizes
 * (which may end in B or iB: 16MiB) and 1000 for counts (10M is ten million); unit 0 takes
 * no suffix. */
static bool parse_u64(const char *s, unsigned unit, uint64_t *out)
{
    if (!*s || *s == '-')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    if (unit && *end) {
        unsigned powers = 0;
        switch (*end) {
        case 'k':
        case 'K': powers = 1; break;
        case 'm':
        case 'M': powers = 2; break;
        case 'g':
        case 'G': powers = 3; break;
        default: return false;
        }
        end++;
        if (unit == 1024 && *end == 'i' && end[1] == 'B')
            end += 2;
        else if (unit == 1024 && *end == 'B')
            end++;
        for (unsigned k = 0; k < powers; k++) {
            if (v > UINT64_MAX / unit)
                return false;
            v *= unit;
        }
    }
    if (*end)
        return false;
    *out = v;
    return true;
}

/* --cpu help: every core timing, its name and where its figures come from, wrapped. */
static void print_cpus(void)
{
    printf("Core timings for --cpu (docs/cycles.md has their sources and measured error):\n");
    for (const struct core_timing *t = core_timings; t->name; t++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s%s%s", t->what,
                 t->compatible ? "; a board names it "
                                 "with the cpu compatible \""
                               : "",
                 t->compatible ? t->compatible : "", t->compatible ? "\"" : "");
        printf("  %-8s", t->name);
        unsigned col = 10;
        for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) {
            if (col + 1 + strlen(w) > 90) {
                printf("\n          ");
                col = 10;
            }
            printf(" %s", w);
            col += 1 + (unsigned)strlen(w);
        }
        printf("\n");
    }
}

enum {
    OPT_ISA = 256,
    OPT_CPU,
    OPT_BOARD,
    OPT_LOAD,
    OPT_MISALIGNED,
    OPT_MAX_INSNS,
    OPT_MAX_CYCLES,
    OPT_TRACE,
    OPT_SIGNATURE,
    OPT_SEMIHOST_ROOT,
    OPT_SERIAL,
    OPT_BIOS,
    OPT_GPIO_SCRIPT,
    OPT_KERNEL,
    OPT_GDB,
    OPT_VERSION,
    OPT_UI,
    OPT_UI_SCREENSHOT,
    OPT_UI_SCRIPT,
    OPT_REALTIME,
    OPT_VCD,
    OPT_PROFILE,
    OPT_COVERAGE,
    OPT_SCRIPT,
    OPT_JUNIT,
    OPT_SCRIPT_RESULT,
    OPT_RECORD,
    OPT_REPLAY,
    OPT_DRIVE,
    OPT_RNG_SEED,
    OPT_NO_RNG,
    OPT_SMP,
    OPT_QUANTUM,
    OPT_JIT,
    OPT_JIT_THRESHOLD,
    OPT_JIT_STATS,
    OPT_RECORD_HISTORY,
};

static bool parse_threshold(const char *v, unsigned *out)
{
    uint64_t n;
    if (!parse_u64(v, 0, &n) || n == 0 || n > 1000000000)
        return false;
    *out = (unsigned)n;
    return true;
}

/* --jit's value (also HARTLAB_JIT's). */
static bool parse_jit(const char *v, bool *on)
{
    if (strcmp(v, "on") == 0)
        *on = true;
    else if (strcmp(v, "off") == 0)
        *on = false;
    else
        return false;
    return true;
}

int cli_parse_options(int argc, char **argv, struct cli_options *o)
{
    static const struct option longopts[] = {
        { "isa", required_argument, NULL, OPT_ISA },
        { "cpu", required_argument, NULL, OPT_CPU },
        { "board", required_argument, NULL, OPT_BOARD },
        { "memory", required_argument, NULL, 'm' },
        { "load", required_argument, NULL, OPT_LOAD },
        { "misaligned", required_argument, NULL, OPT_MISALIGNED },
        { "max-insns", required_argument, NULL, OPT_MAX_INSNS },
        { "max-cycles", required_argument, NULL, OPT_MAX_CYCLES },
        { "trace", optional_argument, NULL, OPT_TRACE },
        { "signature", required_argument, NULL, OPT_SIGNATURE },
        { "semihost-root", required_argument, NULL, OPT_SEMIHOST_ROOT },
        { "serial", required_argument, NULL, OPT_SERIAL },
        { "bios", required_argument, NULL, OPT_BIOS },
        { "gpio-script", required_argument, NULL, OPT_GPIO_SCRIPT },
        { "kernel", required_argument, NULL, OPT_KERNEL },
        { "gdb", required_argument, NULL, OPT_GDB },
        { "ui", no_argument, NULL, OPT_UI },
        { "ui-screenshot", required_argument, NULL, OPT_UI_SCREENSHOT },
        { "ui-script", required_argument, NULL, OPT_UI_SCRIPT },
        { "realtime", no_argument, NULL, OPT_REALTIME },
        { "vcd", required_argument, NULL, OPT_VCD },
        { "profile", required_argument, NULL, OPT_PROFILE },
        { "coverage", required_argument, NULL, OPT_COVERAGE },
        { "script", required_argument, NULL, OPT_SCRIPT },
        { "junit", required_argument, NULL, OPT_JUNIT },
        { "script-result", required_argument, NULL, OPT_SCRIPT_RESULT },
        { "record", required_argument, NULL, OPT_RECORD },
        { "replay", required_argument, NULL, OPT_REPLAY },
        { "drive", required_argument, NULL, OPT_DRIVE },
        { "rng-seed", required_argument, NULL, OPT_RNG_SEED },
        { "no-rng", no_argument, NULL, OPT_NO_RNG },
        { "smp", required_argument, NULL, OPT_SMP },
        { "quantum", required_argument, NULL, OPT_QUANTUM },
        { "jit", required_argument, NULL, OPT_JIT },
        { "jit-threshold", required_argument, NULL, OPT_JIT_THRESHOLD },
        { "jit-stats", no_argument, NULL, OPT_JIT_STATS },
        { "record-history", required_argument, NULL, OPT_RECORD_HISTORY },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    machine_options_default(&o->machine);
    struct machine_options *mo = &o->machine;
    const char *env_jit = getenv("HARTLAB_JIT");
    if (env_jit && *env_jit && !parse_jit(env_jit, &mo->jit))
        cli_usage_error("HARTLAB_JIT: '%s' is neither 'on' nor 'off'", env_jit);
    const char *env_threshold = getenv("HARTLAB_JIT_THRESHOLD");
    if (env_threshold && *env_threshold && !parse_threshold(env_threshold, &mo->jit_threshold))
        cli_usage_error("HARTLAB_JIT_THRESHOLD: '%s' is not a number from 1 to 1000000000",
                        env_threshold);
    /* A debugging aid (docs/architecture.md): translate only the first N hot blocks. */
    const char *env_limit = getenv("HARTLAB_JIT_LIMIT");
    if (env_limit && *env_limit && !parse_u64(env_limit, 0, &mo->jit_limit))
        cli_usage_error("HARTLAB_JIT_LIMIT: '%s' is not a number", env_limit);
    /* Another (docs/architecture.md): each translation's code and a perf map, in a
     * directory that must exist. */
    const char *env_dump = getenv("HARTLAB_JIT_DUMP");
    if (env_dump && *env_dump) {
        struct stat st;
        if (stat(env_dump, &st) != 0 || !S_ISDIR(st.st_mode) || access(env_dump, W_OK) != 0)
            cli_usage_error("HARTLAB_JIT_DUMP: '%s' is not a writable directory", env_dump);
        mo->jit_dump = env_dump;
    }

    /* Everything after '--' belongs to the guest; options and the firmware come before. */
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--") == 0) {
            o->guest_argv = argv + k + 1;
            o->guest_argc = argc - k - 1;
            argc = k;
            break;
        }
    }

    opterr = 0;
    const char *trace_next = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "m:vhsS", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ISA: o->isa = optarg; break;
        case OPT_CPU:
            if (strcmp(optarg, "help") == 0) {
                print_cpus();
                exit(0);
            }
            mo->timing = core_timing_find(optarg);
            if (!mo->timing)
                cli_usage_error("--cpu: '%s' is not a core this hartlab knows (`--cpu help` "
                                "lists them)",
                                optarg);
            break;
        case OPT_BOARD: o->board = optarg; break;
        case 'm':
            if (!parse_u64(optarg, 1024, &mo->ram_size) || mo->ram_size == 0 ||
                (mo->ram_size & 0xfff) || mo->ram_size > MACHINE_MAX_RAM)
                cli_usage_error(
                    "-m: '%s' is not a RAM size (a multiple of 4K up to 64G, e.g. 128M)", optarg);
            o->ram_set = true;
            break;
        case OPT_LOAD: {
            const char *at = strrchr(optarg, '@');
            if (!at || at == optarg || o->nloads == CLI_MAX_IMAGES)
                cli_usage_error("--load: '%s' is not FILE@ADDR", optarg);
            char *path = strndup(optarg, (size_t)(at - optarg));
            if (!path || !parse_u64(at + 1, 0, &o->loads[o->nloads].addr))
                cli_usage_error("--load: '%s' is not FILE@ADDR (ADDR like 0x80000000)", optarg);
            o->loads[o->nloads].in_ram = false;
            o->loads[o->nloads++].path = path;
            break;
        }
        case OPT_MISALIGNED:
            mo->misaligned_set = true;
            if (strcmp(optarg, "trap") == 0)
                mo->misaligned = MISALIGNED_TRAP;
            else if (strcmp(optarg, "emulate") == 0)
                mo->misaligned = MISALIGNED_EMULATE;
            else
                cli_usage_error("--misaligned: '%s' is neither 'trap' nor 'emulate'", optarg);
            break;
        case OPT_MAX_INSNS:
            if (!parse_u64(optarg, 1000, &mo->max_insns) || mo->max_insns == 0)
                cli_usage_error("--max-insns: '%s' is not a positive number", optarg);
            break;
        case OPT_MAX_CYCLES:
            if (!parse_u64(optarg, 1000, &mo->max_cycles) || mo->max_cycles == 0)
                cli_usage_error("--max-cycles: '%s' is not a positive number", optarg);
            break;
        case OPT_TRACE:
            /* `--trace FILE` reads as --trace (to stderr) and a second firmware: remember
             * the word after a bare --trace for the error below. */
            if (!optarg && optind < argc && argv[optind][0] != '-')
                trace_next = argv[optind];
            if (views_parse_trace(&o->views, optarg))
                break;
            o->trace = true;
            o->trace_path = optarg;
            break;
        case OPT_UI:
            o->views.ui = true;
            o->views.ui_window = true;
            break;
        case OPT_UI_SCREENSHOT:
            if (!views_parse_screenshot(&o->views, optarg))
                cli_usage_error("--ui-screenshot: '%s' is not FILE@CYCLES (at most 32)", optarg);
            break;
        case OPT_UI_SCRIPT:
            o->views.ui = true;
            o->views.panel.script = optarg;
            break;
        case OPT_REALTIME: o->views.realtime = true; break;
        case OPT_VCD: o->views.vcd_path = optarg; break;
        case OPT_PROFILE:
            if (!views_parse_profile(&o->views, optarg))
                cli_usage_error("--profile: '%s' names no file (FILE, callgrind:FILE or "
                                "folded:FILE)",
                                optarg);
            break;
        case OPT_COVERAGE: o->views.coverage = optarg; break;
        case OPT_SCRIPT: o->script = optarg; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_SCRIPT_RESULT: o->script_result = optarg; break;
        case OPT_RECORD: o->record = optarg; break;
        case OPT_REPLAY: o->replay = optarg; break;
        case OPT_DRIVE:
            if (o->ndrives == CLI_MAX_DRIVES)
                cli_usage_error("--drive %s: at most 8 drives (the virt board's virtio slots)",
                                optarg);
            o->drives[o->ndrives++] = optarg;
            break;
        case OPT_RNG_SEED:
            if (strcmp(optarg, "host") == 0)
                mo->rng_host = true;
            else if (!parse_u64(optarg, 0, &mo->rng_seed))
                cli_usage_error("--rng-seed: '%s' is neither a number nor 'host'", optarg);
            break;
        case OPT_NO_RNG: mo->rng_off = true; break;
        case OPT_SMP: {
            /* QEMU's spelling: N or cpus=N; topology (sockets=, cores=, ...) is not modelled. */
            const char *n = strncmp(optarg, "cpus=", 5) == 0 ? optarg + 5 : optarg;
            uint64_t v;
            if (!parse_u64(n, 0, &v) || v < 1 || v > MACHINE_MAX_HARTS)
                cli_usage_error("--smp: '%s' is not a number of harts from 1 to 8 (N or cpus=N)",
                                optarg);
            o->smp = (unsigned)v;
            break;
        }
        case OPT_QUANTUM:
            if (!parse_u64(optarg, 0, &mo->quantum) || mo->quantum == 0 || mo->quantum > 100000000)
                cli_usage_error("--quantum: '%s' is not a number of cycles from 1 to 100000000",
                                optarg);
            break;
        case OPT_JIT:
            if (!parse_jit(optarg, &mo->jit))
                cli_usage_error("--jit: '%s' is neither 'on' nor 'off'", optarg);
            break;
        case OPT_JIT_THRESHOLD:
            if (!parse_threshold(optarg, &mo->jit_threshold))
                cli_usage_error("--jit-threshold: '%s' is not a number from 1 to 1000000000",
                                optarg);
            break;
        case OPT_JIT_STATS: o->jit_stats = true; break;
        case OPT_RECORD_HISTORY:
            if (!parse_u64(optarg, 1024, &o->history_budget) || o->history_budget < (1u << 20) ||
                o->history_budget > (1ull << 40))
                cli_usage_error("--record-history: '%s' is not a memory budget from 1M to 1T "
                                "(a number of bytes with K, M or G, e.g. 256M)",
                                optarg);
            break;
        case OPT_SIGNATURE: o->signature = optarg; break;
        case OPT_SEMIHOST_ROOT: mo->semihost_root = optarg; break;
        case OPT_SERIAL: mo->serial = optarg; break;
        case OPT_BIOS: o->bios = optarg; break;
        case OPT_GPIO_SCRIPT: o->gpio_script = optarg; break;
        case OPT_KERNEL: o->kernel = optarg; break;
        case OPT_GDB: o->gdb_spec = optarg; break;
        case 's': o->gdb_spec = "1234"; break;
        case 'S': o->gdb_wait = true; break;
        case 'v': log_verbose = true; break;
        case 'h': print_help(); return 0;
        case OPT_VERSION: printf("hartlab %s\n", HARTLAB_VERSION); return 0;
        case ':':
        case '?':
        default:
            if (optopt && optopt < 256)
                cli_usage_error("option '-%c' is unknown or needs a value",
                                (char[]){ (char)optopt, 0 });
            cli_usage_error("option '%s' is unknown or needs a value", argv[optind - 1]);
        }
    }

    if (optind < argc)
        o->firmware = argv[optind++];
    if (optind < argc) {
        if (trace_next && o->firmware == trace_next) {
            char msg[600];
            snprintf(msg, sizeof msg,
                     "unexpected argument '%s': to write the trace to %s, write "
                     "--trace=%s (--trace alone traces to stderr)",
                     argv[optind], trace_next, trace_next);
            cli_usage_error("%s", msg);
        }
        cli_usage_error("unexpected argument '%s' (arguments for the guest go after '--')",
                        argv[optind]);
    }
    if ((o->junit || o->script_result) && !o->script)
        cli_usage_error("%s", o->junit ? "--junit reports on a --script: give one"
                                       : "--script-result reports on a --script: give one");
    if (o->record && o->replay)
        cli_usage_error("%s", "--record and --replay together: a replay's inputs are the "
                              "recorded ones already");
    return -1;
}

void cli_options_free(struct cli_options *o)
{
    if (o->machine.trace && o->machine.trace != stderr)
        fclose(o->machine.trace);
    o->machine.trace = NULL;
    for (unsigned k = 0; k < o->nloads; k++)
        free((char *)o->loads[k].path);
    o->nloads = 0;
}
