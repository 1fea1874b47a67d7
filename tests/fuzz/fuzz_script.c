/* Fuzz harness: the --script test language (host/script.c, host/script_regex.c,
 * host/escape.c; docs/ci.md), from the bytes of a script to its verdict: script_parse on
 * the input (NULs and all), and a script that parses is started on a virt machine (1 MiB of
 * RAM) running a program that prints lines of text on the UART, echoes what it receives
 * and copies GPIO inputs to outputs, for at most 30,000 cycles; then script_finish.
 * Invariants: a script is refused with at least one error, every error a line
 * "fuzz.script:LINE: ..." or, about the whole file, "fuzz.script: ..." (no more than
 * SCRIPT_MAX_ERRORS and one saying how many more); script_start refuses with one line naming the
 * script; the verdict is 0 or 1, and a failure has a one-line message. Seeds: the firmware samples'
 * scripts and the language's every step (tests/fuzz/corpus/script); dictionary script.dict.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host/script.h"
#include "platform/board.h"
#include "platform/machine.h"

#define RAM 0x80000000ull

static struct machine_options opts;
static void *board;

/* Prints 'h'..DEL, then lines of ' '..DEL, on the UART; echoes received bytes; copies GPIO
 * inputs 4-7 to outputs 0-3 (assembled from a listing kept in this comment's spirit:
 * lui t0,UART; lui t4,GPIO; output_en = 0xff; loop: THR <- t1; if LSR.DR echo RBR;
 * output_val <- input_val >> 4; t1 = (t1 + 1) & 0x7f; t1 == '\n' ? t1 = ' ').
 * RV32I only, so it runs at either XLEN. */
static const uint32_t program[] = {
    0x100002b7, 0x10060eb7, 0x0ff00313, 0x006ea423, 0x06800313, 0x00628023, 0x0052c383,
    0x0013f393, 0x00038663, 0x0002ce03, 0x01c28023, 0x000eaf03, 0x004f5f13, 0x01eea623,
    0x00130313, 0x07f37313, 0x00a00f93, 0xfdf318e3, 0x02000313, 0xfc9ff06f,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    char err[512];
    size_t size;
    board = board_open("virt", &size, err, sizeof err);
    machine_options_default(&opts);
    opts.serial = "null";
    if (!board || !board_apply_options(board, &opts, err, sizeof err)) {
        fprintf(stderr, "fuzz_script: %s\n", err);
        exit(1);
    }
    opts.ram_size = 1 << 20;
    opts.fdt = board;
    opts.max_cycles = 30000;
    return 0;
}

/* "fuzz.script:LINE: message", or "fuzz.script: message" for the whole file (no steps). */
static bool error_line(const char *line, size_t len)
{
    static const char name[] = "fuzz.script:";
    if (len < sizeof name || memcmp(line, name, sizeof name - 1) != 0)
        return false;
    size_t k = sizeof name - 1;
    if (line[k] == ' ')
        return k + 1 < len;
    if (k >= len || !isdigit((unsigned char)line[k]))
        return false;
    while (k < len && isdigit((unsigned char)line[k]))
        k++;
    return k + 1 < len && line[k] == ':' && line[k + 1] == ' ';
}

static void check_errors(const char *errors, unsigned nerr)
{
    if (!errors || nerr == 0)
        fuzz_fail("script_parse refused a script without an error (%u)", nerr);
    unsigned lines = 0;
    for (const char *p = errors; *p;) {
        const char *nl = strchr(p, '\n');
        if (!nl)
            fuzz_fail("the errors do not end with a newline: '%s'", p);
        if (!error_line(p, (size_t)(nl - p)) && lines < SCRIPT_MAX_ERRORS)
            fuzz_fail("an error line without FILE:LINE: '%.*s'", (int)(nl - p), p);
        lines++;
        p = nl + 1;
    }
    if (lines == 0 || lines > SCRIPT_MAX_ERRORS + 1 || (nerr <= SCRIPT_MAX_ERRORS && lines != nerr))
        fuzz_fail("%u error lines for %u errors", lines, nerr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *errors = NULL;
    unsigned nerr = 0;
    struct script *s = script_parse("fuzz.script", (const char *)data, size, &errors, &nerr);
    if (!s) {
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_script: refused: %s", errors ? errors : "(no errors)\n");
        check_errors(errors, nerr);
        free(errors);
        return 0;
    }
    free(errors);
    char err[1024] = "";
    struct machine *m = machine_new(&opts, err, sizeof err);
    if (!m)
        fuzz_fail("machine_new: %s", err);
    machine_write_mem(m, RAM, program, sizeof program);
    machine_reset_harts(m);
    struct script_run *r = script_start(m, s, err, sizeof err);
    if (!r) {
        if (strncmp(err, "fuzz.script", 11) != 0 || strchr(err, '\n'))
            fuzz_fail("script_start: not one line naming the script: '%s'", err);
    } else {
        int status = machine_run(m);
        int verdict = script_finish(r, status);
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_script: %zu steps, status %d, verdict %d %s\n", script_nsteps(s),
                    status, verdict, verdict ? script_message(r) : "");
        if (verdict != 0 && verdict != 1)
            fuzz_fail("verdict %d", verdict);
        const char *msg = script_message(r);
        if (verdict == 1 && (!msg || !msg[0] || strchr(msg, '\n')))
            fuzz_fail("a failed script without a one-line message: '%s'", msg ? msg : "(null)");
        script_run_free(r);
    }
    machine_free(m);
    script_free(s);
    return 0;
}
