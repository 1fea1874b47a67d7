/* The `hartlab` command line: parse options, build the machine, load firmware, run it, and
 * turn the outcome into an exit status. Every host problem ends here as one line naming the
 * file or value involved, and exit status 2 (DESIGN.md decision 8).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/board.h"
#include "host/gpio_script.h"
#include "host/log.h"
#include "platform/machine.h"
#include "gdbstub/gdbstub.h"
#include "gdbstub/target_machine.h"
#include "loader/loader.h"
#include "ui/views.h"

#define HARTLAB_VERSION "0.1.0"

static const char usage_line[] = "usage: hartlab [options] FILE.elf [-- guest args]\n";

static void usage_error(const char *fmt, const char *arg)
{
    fputs("hartlab: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    fputs(usage_line, stderr);
    fputs("Try 'hartlab --help' for the list of options.\n", stderr);
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
         "  -m, --memory SIZE     RAM size, e.g. 64M, 1G (default: the board's, 128M on virt)\n"
         "  --load FILE@ADDR      load a raw binary at ADDR (repeatable); without an ELF the\n"
         "                        first one's address is the entry point\n"
         "  --bios FILE           firmware (ELF or raw image) at the start of RAM, entry\n"
         "                        there, as QEMU's -bios (e.g. OpenSBI, M-mode U-Boot)\n"
         "  --kernel FILE         next stage (ELF or raw) for --bios firmware; a raw image\n"
         "                        goes 2 MiB (RV32: 4 MiB) into RAM, as QEMU's -kernel\n"
         "  --misaligned=POLICY   misaligned loads/stores: 'emulate' (as QEMU; virt's default)\n"
         "                        or 'trap' (address-misaligned exception, mtval = address;\n"
         "                        mcu's default)\n"
         "  --max-insns N         stop after N instructions (exit status 124)\n"
         "  --max-cycles N        stop after N cycles (exit status 124)\n"
         "  --trace[=FILE]        instruction trace (pc, bits, disassembly, result) to FILE\n"
         "                        or standard error\n"
         "  --trace=irq[:FILE]    interrupts: lines raised/lowered, PLIC claim/complete, trap\n"
         "                        entry and return, with cycle stamps (repeatable with\n"
         "                        --trace=frames; 'irq' and 'frames' are keywords: write\n"
         "                        ./irq for a file of that name)\n"
         "  --trace=frames[:FILE] calls and returns with frame sizes, indented by depth\n"
         "  --vcd FILE            GPIO pins, UART TX/RX and interrupt lines as a VCD file\n"
         "  --ui                  the SDL panel: LEDs, buttons, UART console, registers,\n"
         "                        interrupts, call stack, traps (keys: see docs/labs/)\n"
         "  --ui-screenshot FILE@CYCLES  write the panel as PNG when the virtual clock\n"
         "                        reaches CYCLES (repeatable; implies --ui); the run ends\n"
         "                        after the last one (exit status 0)\n"
         "  --ui-script FILE      inject SDL input events at given cycles (tests, demos)\n"
         "  --realtime            pace virtual time to the host clock (same results)\n"
         "  --signature FILE      at exit, write memory from begin_signature to end_signature\n"
         "                        as 32-bit words, one per line in hex (compliance tests)\n"
         "  --semihost-root DIR   allow semihosting file access below DIR (default: refused)\n"
         "  --gpio-script FILE    drive GPIO bank 0's inputs at given cycles: lines\n"
         "                        'CYCLE pin N high|low|release' (# comments)\n"
         "  --serial SPEC         the UART's host side: stdio (default; on a terminal Ctrl-A x\n"
         "                        quits), null, file:PATH, tcp:PORT (127.0.0.1), pty\n"
         "  --gdb [HOST:]PORT     serve the GDB remote protocol on PORT (127.0.0.1 unless HOST\n"
         "                        is given; see docs/gdb.md); the machine starts running\n"
         "  -s                    shorthand for --gdb 1234 (as QEMU)\n"
         "  -S                    with --gdb/-s: wait for the debugger before the first\n"
         "                        instruction (as QEMU)\n"
         "  -v, --verbose         report what the machine does (devices, exit, counts)\n"
         "  -h, --help            this text\n"
         "  --version             print the version\n"
         "\n"
         "Arguments after '--' are the guest's argv[1..] (semihosting SYS_GET_CMDLINE).\n"
         "\n"
         "Exit status: the firmware's exit code (HTIF tohost, the SiFive test finisher at\n"
         "0x100000, or semihosting SYS_EXIT); codes outside 0..255 are reported as 255.\n"
         "  2    bad option or input file (one line on stderr says which and why)\n"
         "  124  --max-insns or --max-cycles reached\n"
         "  125  every hart waits in wfi for an interrupt that nothing will raise\n");
}

/* Parse a number with an optional K/M/G suffix (powers of 1024 when `suffixes`). */
static bool parse_u64(const char *s, bool suffixes, uint64_t *out)
{
    if (!*s || *s == '-')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    if (suffixes && *end) {
        unsigned shift = 0;
        switch (*end) {
        case 'k':
        case 'K': shift = 10; break;
        case 'm':
        case 'M': shift = 20; break;
        case 'g':
        case 'G': shift = 30; break;
        default: return false;
        }
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
        if (v > (UINT64_MAX >> shift))
            return false;
        v <<= shift;
    }
    if (*end)
        return false;
    *out = v;
    return true;
}

/* "rv32imac", "rv64gc" (g = imafd_zicsr_zifencei; F/D not implemented yet). */
static bool parse_isa(const char *s, unsigned *xlen, uint32_t *ext, char *why, size_t whylen)
{
    if (strncmp(s, "rv32", 4) == 0)
        *xlen = 32;
    else if (strncmp(s, "rv64", 4) == 0)
        *xlen = 64;
    else {
        snprintf(why, whylen, "must start with rv32 or rv64");
        return false;
    }
    uint32_t e = 0;
    const char *p = s + 4;
    if (*p != 'i' && *p != 'g') {
        snprintf(why, whylen, "the base must be 'i' (or 'g')");
        return false;
    }
    for (; *p && *p != '_'; p++) {
        switch (*p) {
        case 'i': e |= ISA_EXT('I'); break;
        case 'm': e |= ISA_EXT('M'); break;
        case 'a': e |= ISA_EXT('A'); break;
        case 'c': e |= ISA_EXT('C'); break;
        case 'f': e |= ISA_EXT('F'); break;
        case 'd': e |= ISA_EXT('D'); break;
        /* G is IMAFD plus Zicsr and Zifencei (always present here). */
        case 'g':
            e |= ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('F') | ISA_EXT('D');
            break;
        default:
            snprintf(why, whylen, "unknown extension '%c' (supported: i, m, a, f, d, c, g)", *p);
            return false;
        }
    }
    if ((e & ISA_EXT('D')) && !(e & ISA_EXT('F'))) {
        snprintf(why, whylen, "'d' needs 'f' (the D extension extends F)");
        return false;
    }
    /* Zicsr and Zifencei are always present; accept them spelled out. */
    while (*p == '_') {
        const char *next = strchr(p + 1, '_');
        size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
        if (!((n == 5 && strncmp(p + 1, "zicsr", 5) == 0) ||
              (n == 8 && strncmp(p + 1, "zifencei", 8) == 0))) {
            snprintf(why, whylen, "unknown extension '%.*s'", (int)n, p + 1);
            return false;
        }
        p += 1 + n;
    }
    *ext = e;
    return true;
}

struct raw_image {
    const char *path;
    uint64_t addr; /* absolute, or an offset into RAM when `in_ram` */
    bool in_ram;   /* --bios/--kernel images: placed relative to the board's RAM */
};

/* True if the file starts with the ELF magic. */
static bool is_elf_file(const char *path)
{
    unsigned char magic[4] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

/* Write the signature region as the compliance frameworks expect it. */
static bool write_signature(struct machine *m, const char *path)
{
    uint64_t begin, end;
    if (!m->symbols || !symtab_find(m->symbols, "begin_signature", &begin) ||
        !symtab_find(m->symbols, "end_signature", &end)) {
        fprintf(stderr, "hartlab: --signature: the firmware has no begin_signature/end_signature "
                        "symbols\n");
        return false;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "hartlab: --signature: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    for (uint64_t a = begin; a + 4 <= end; a += 4) {
        uint32_t w = 0;
        if (!machine_read_mem(m, a, &w, 4)) {
            fprintf(stderr, "hartlab: --signature: 0x%" PRIx64 " is not memory\n", a);
            fclose(f);
            return false;
        }
        fprintf(f, "%08" PRIx32 "\n", w);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "hartlab: --signature: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

enum {
    OPT_ISA = 256,
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
};

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "isa", required_argument, NULL, OPT_ISA },
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
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    struct machine_options o;
    machine_options_default(&o);
    const char *isa = NULL, *trace_path = NULL, *signature = NULL, *board = NULL;
    const char *bios = NULL, *kernel = NULL, *gpio_script = NULL;
    const char *gdb_spec = NULL; /* --gdb / -s */
    bool gdb_wait = false;       /* -S */
    bool ram_set = false;
    bool trace = false;
    struct views_options vo = { 0 };
    struct raw_image raws[16];
    unsigned nraws = 0;
    char why[384];
    char err[512];

    /* Everything after '--' belongs to the guest; options and the firmware come before. */
    int guest_argc = 0;
    char **guest_argv = NULL;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--") == 0) {
            guest_argv = argv + k + 1;
            guest_argc = argc - k - 1;
            argc = k;
            break;
        }
    }

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "m:vhsS", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ISA: isa = optarg; break;
        case OPT_BOARD: board = optarg; break;
        case 'm':
            if (!parse_u64(optarg, true, &o.ram_size) || o.ram_size == 0 || (o.ram_size & 0xfff) ||
                o.ram_size > (1ull << 36))
                usage_error("-m: '%s' is not a RAM size (a multiple of 4K up to 64G, e.g. 128M)",
                            optarg);
            ram_set = true;
            break;
        case OPT_LOAD: {
            const char *at = strrchr(optarg, '@');
            if (!at || at == optarg || nraws == 16)
                usage_error("--load: '%s' is not FILE@ADDR", optarg);
            char *path = strndup(optarg, (size_t)(at - optarg));
            if (!path || !parse_u64(at + 1, false, &raws[nraws].addr))
                usage_error("--load: '%s' is not FILE@ADDR (ADDR like 0x80000000)", optarg);
            raws[nraws].in_ram = false;
            raws[nraws++].path = path;
            break;
        }
        case OPT_MISALIGNED:
            o.misaligned_set = true;
            if (strcmp(optarg, "trap") == 0)
                o.misaligned = MISALIGNED_TRAP;
            else if (strcmp(optarg, "emulate") == 0)
                o.misaligned = MISALIGNED_EMULATE;
            else
                usage_error("--misaligned: '%s' is neither 'trap' nor 'emulate'", optarg);
            break;
        case OPT_MAX_INSNS:
            if (!parse_u64(optarg, false, &o.max_insns) || o.max_insns == 0)
                usage_error("--max-insns: '%s' is not a positive number", optarg);
            break;
        case OPT_MAX_CYCLES:
            if (!parse_u64(optarg, false, &o.max_cycles) || o.max_cycles == 0)
                usage_error("--max-cycles: '%s' is not a positive number", optarg);
            break;
        case OPT_TRACE:
            if (views_parse_trace(&vo, optarg))
                break;
            trace = true;
            trace_path = optarg;
            break;
        case OPT_UI: vo.ui = true; break;
        case OPT_UI_SCREENSHOT:
            if (!views_parse_screenshot(&vo, optarg))
                usage_error("--ui-screenshot: '%s' is not FILE@CYCLES (at most 32)", optarg);
            break;
        case OPT_UI_SCRIPT:
            vo.ui = true;
            vo.panel.script = optarg;
            break;
        case OPT_REALTIME: vo.realtime = true; break;
        case OPT_VCD: vo.vcd_path = optarg; break;
        case OPT_SIGNATURE: signature = optarg; break;
        case OPT_SEMIHOST_ROOT: o.semihost_root = optarg; break;
        case OPT_SERIAL: o.serial = optarg; break;
        case OPT_BIOS: bios = optarg; break;
        case OPT_GPIO_SCRIPT: gpio_script = optarg; break;
        case OPT_KERNEL: kernel = optarg; break;
        case OPT_GDB: gdb_spec = optarg; break;
        case 's': gdb_spec = "1234"; break;
        case 'S': gdb_wait = true; break;
        case 'v': log_verbose = true; break;
        case 'h': print_help(); return 0;
        case OPT_VERSION: printf("hartlab %s\n", HARTLAB_VERSION); return 0;
        case ':':
        case '?':
        default:
            if (optopt && optopt < 256)
                usage_error("option '-%c' is unknown or needs a value",
                            (char[]){ (char)optopt, 0 });
            usage_error("option '%s' is unknown or needs a value", argv[optind - 1]);
        }
    }

    const char *elf = NULL, *kernel_elf = NULL;
    if (optind < argc)
        elf = argv[optind++];
    if (optind < argc)
        usage_error("unexpected argument '%s' (arguments for the guest go after '--')",
                    argv[optind]);
    /* --bios is the firmware that starts (an ELF, or a raw image at the start of RAM);
     * --kernel is the next stage it jumps to. */
    if (bios && elf)
        usage_error("both --bios and '%s' given: name the firmware once", elf);
    unsigned first_raw = 0;
    if (bios) {
        if (is_elf_file(bios)) {
            elf = bios;
        } else {
            if (nraws == 16)
                usage_error("too many images (%s)", bios);
            memmove(&raws[1], &raws[0], nraws * sizeof raws[0]);
            raws[0] = (struct raw_image){ .path = bios, .addr = 0, .in_ram = true };
            nraws++;
        }
    }
    if (kernel) {
        if (!bios)
            usage_error("--kernel %s needs --bios (the firmware that starts it)", kernel);
        if (is_elf_file(kernel)) {
            kernel_elf = kernel;
        } else if (nraws < 16) {
            raws[nraws++] = (struct raw_image){ .path = kernel, .addr = 0, .in_ram = true };
            first_raw = 0;
        }
    }
    if (!elf && nraws == 0)
        usage_error("%s", "no firmware given");

    /* From here on every way out goes through `out`, which frees what was made. */
    int status = MACHINE_EXIT_USAGE;
    struct machine *m = NULL;
    void *fdt = NULL;
    struct elf_info info = { 0 };

    /* The guest command line: program name, then the arguments after '--'. */
    size_t cmdlen = strlen(elf ? elf : raws[0].path) + 1;
    for (int k = 0; k < guest_argc; k++)
        cmdlen += strlen(guest_argv[k]) + 1;
    char *cmdline = malloc(cmdlen);
    if (!cmdline)
        goto out;
    strcpy(cmdline, elf ? elf : raws[0].path);
    for (int k = 0; k < guest_argc; k++) {
        strcat(cmdline, " ");
        strcat(cmdline, guest_argv[k]);
    }
    o.cmdline = cmdline;

    if (elf && !elf_probe(elf, &info, err, sizeof err))
        goto fail;
    if (isa) {
        unsigned xlen;
        o.ext_set = true;
        if (!parse_isa(isa, &xlen, &o.ext, why, sizeof why)) {
            snprintf(err, sizeof err, "--isa %s: %s", isa, why);
            goto fail;
        }
        if (elf && xlen != info.xlen) {
            snprintf(err, sizeof err, "--isa %s does not match %s, which is a %u-bit ELF", isa, elf,
                     info.xlen);
            goto fail;
        }
        o.xlen = xlen;
    } else if (elf) {
        o.xlen = info.xlen;
    } else {
        o.xlen = 0; /* raw images only: the board decides */
    }

    /* The board: its tree decides RAM, timebase, misaligned policy and devices. */
    const char *board_spec = board ? board : board_default_for(elf ? &info : NULL);
    size_t fdt_size;
    fdt = board_open(board_spec, &fdt_size, err, sizeof err);
    if (!fdt)
        goto fail;
    if (!ram_set)
        o.ram_size = 0;
    if (!board_apply_options(fdt, &o, why, sizeof why)) {
        snprintf(err, sizeof err, "--board %s: %s", board_spec, why);
        goto fail;
    }
    o.fdt = fdt;
    log_info("board %s%s", board_spec, board ? "" : " (default for this firmware)");

    if (trace) {
        o.trace = trace_path ? fopen(trace_path, "w") : stderr;
        if (!o.trace) {
            snprintf(err, sizeof err, "--trace: cannot write %s: %s", trace_path, strerror(errno));
            goto fail;
        }
    }

    m = machine_new(&o, err, sizeof err);
    if (!m)
        goto fail;
    for (unsigned k = 0; k < nraws; k++) {
        if (raws[k].in_ram) {
            /* The kernel goes where QEMU's riscv_load_kernel puts it after fw_jump. */
            bool is_kernel = kernel && raws[k].path == kernel;
            uint64_t offset = is_kernel ? (o.xlen == 32 ? 0x400000 : 0x200000) : 0;
            raws[k].addr = o.ram_base + offset;
        }
        if (!machine_load_raw(m, raws[k].path, raws[k].addr, err, sizeof err))
            goto fail;
    }
    if (kernel_elf && !machine_load_elf_segments(m, kernel_elf, err, sizeof err))
        goto fail;
    if (elf) {
        if (!machine_load_elf(m, elf, &info, err, sizeof err))
            goto fail;
    } else {
        /* Raw images only: start at the first one, as QEMU's -bios does. */
        m->entry = raws[first_raw].addr;
        for (unsigned k = 0; k < m->nharts; k++) {
            hart_reset(m->harts[k], m->entry);
            m->harts[k]->x[10] = k;
        }
    }
    if (!board_place(m, cmdline, err, sizeof err))
        goto fail;
    if (gpio_script && !gpio_script_load(m, gpio_script, err, sizeof err))
        goto fail;
    if (m->board_warning[0])
        fprintf(stderr, "hartlab: %s\n", m->board_warning);
    log_info("RV%u, %" PRIu64 " KiB RAM at 0x%" PRIx64 ", entry 0x%" PRIx64, o.xlen,
             o.ram_size >> 10, o.ram_base, m->entry);

    fflush(stdout);
    if (gdb_wait && !gdb_spec)
        usage_error("%s", "-S waits for a debugger: give --gdb [HOST:]PORT or -s too");
    if (gdb_spec) {
        struct machine_target *mt = machine_target_new(m);
        struct gdbstub *stub =
            mt ? gdbstub_new(gdb_spec, &machine_target_ops, mt, err, sizeof err) : NULL;
        if (!stub) {
            if (!mt)
                snprintf(err, sizeof err, "out of memory for the debugger");
            machine_target_free(mt);
            goto fail;
        }
        status = gdbstub_serve(stub, gdb_wait);
        gdbstub_free(stub);
        machine_target_free(mt);
    } else {
        struct views *views = NULL;
        if (views_wanted(&vo) && !(views = views_start(m, &vo, err, sizeof err)))
            goto fail;
        status = machine_run(m);
        status = views_finish(views, status);
    }
    fflush(stdout);
    if (signature && !write_signature(m, signature) && status == 0)
        status = MACHINE_EXIT_USAGE;
    goto out;

fail:
    fprintf(stderr, "hartlab: %s\n", err);
    status = MACHINE_EXIT_USAGE;
out:
    if (o.trace && o.trace != stderr)
        fclose(o.trace);
    machine_free(m);
    for (unsigned k = 0; k < nraws; k++)
        if (!raws[k].in_ram)
            free((char *)raws[k].path);
    free(cmdline);
    free(fdt);
    return status;
}
