/* --script FILE: a firmware test as a list of steps run against the simulated board,
 * every wait measured in virtual cycles, so that a script gives the same verdict on a fast
 * or a loaded machine, every time. docs/ci.md is the user's description; this is the
 * implementation's.
 *
 * The language: one step a line, `#` starts a comment, blank lines are ignored. Strings
 * are in double quotes with C escapes (host/escape.h); CYCLES is a number (decimal, or hex
 * with 0x; `_` may separate digits) with an optional suffix K, M or G (10^3, 10^6, 10^9).
 *     wait "TEXT" [within CYCLES]     the output (since the previous match on this stream)
 *     wait /REGEX/[i] [within CYCLES] contains TEXT / a match (host/script_regex.h)
 *     send "TEXT"                     into the UART's receiver at the line's character rate
 *     exit N [within CYCLES]          the firmware ends the run with status N (0..255)
 *     timeout CYCLES                  the budget of each later wait, expect ... within and
 *                                     exit that gives no `within` (default 1G)
 *     timeout run CYCLES              the whole run must be over by cycle CYCLES
 *     gpio PIN high|low|release       drive an input pin (or stop driving it)
 *     expect gpio PIN high|low [within CYCLES]   a pin's level now (or within CYCLES)
 *     at CYCLES [STEP]                wait until hart 0's cycle CYCLES, then STEP if given
 *     after CYCLES [STEP]             wait CYCLES cycles, then STEP if given
 *     uart N | uart console | uart semihost   the stream later waits and sends use
 * PIN is a number (a pin of the first GPIO bank) or the label or node name of a gpio-leds
 * or gpio-keys child in the board's tree (mcu: green, blue, red, BTN0, BTN1). Streams: the
 * default, `console`, is what hartlab prints on standard output: the console UART's
 * output and semihosting/HTIF console output, in order; `uart N` is UART N in bus order
 * (output and input); `semihost` is semihosting and HTIF console output alone.
 *
 * Steps run in order; a step that waits (wait, expect ... within, exit, at, after) holds
 * the next ones until it is satisfied, and fails the script when its budget runs out. When
 * the last step has passed the run ends (unless that step was `exit`, which ends with the
 * firmware). A script that sends to a UART owns that UART's input: the host's stdin is not
 * read for it.
 *
 * Verdict (script_finish): 0 when every step passed, 1 when one failed, with one line
 *     FILE:LINE: wait "hello bob": not seen within 5000000 cycles (last output: "...")
 * Parse errors are all reported, each as FILE:LINE: MESSAGE, before anything runs.
 *
 * Usage:
 *     char *errors; unsigned nerr;
 *     struct script *s = script_load("t.script", &errors, &nerr);      // or script_parse
 *     if (!s) { fputs(errors, stderr); free(errors); exit(2); }
 *     struct script_run *r = script_start(m, s, err, sizeof err);     // board checks
 *     int st = machine_run(m);
 *     int verdict = script_finish(r, st);                             // 0 or 1
 *     script_run_free(r); script_free(s);
 */
#ifndef HARTLAB_HOST_SCRIPT_H
#define HARTLAB_HOST_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct script;
struct script_run;

#define SCRIPT_DEFAULT_BUDGET 1000000000ull
#define SCRIPT_MAX_ERRORS     50

/* Parse a script held in memory (`len` bytes, NULs allowed; the fuzz entry point). `name`
 * names it in messages. Returns NULL when it has errors: then *errors (if errors is not
 * NULL) is a malloc'd text of one line per error, "NAME:LINE: message\n" (at most
 * SCRIPT_MAX_ERRORS, then a line saying how many more), and *nerrors their number. */
struct script *script_parse(const char *name, const char *text, size_t len, char **errors,
                            unsigned *nerrors);
/* The same from a file (a file that cannot be read is one error). */
struct script *script_load(const char *path, char **errors, unsigned *nerrors);
void script_free(struct script *s);
/* Steps after parsing (uart directives are folded into the steps that follow them). */
size_t script_nsteps(const struct script *s);

/* Attach a parsed script to a loaded machine before machine_run: resolves pin names,
 * checks that its UARTs and pins exist (a message "NAME:LINE: ..." when not), observes
 * the output and schedules the first steps. The script must outlive the run. */
struct script_run *script_start(struct machine *m, const struct script *s, char *err,
                                size_t errlen);
/* After machine_run returned `status` (or the debugger's session ended): the verdict, 0
 * (passed) or 1 (failed); once it is 1, script_message has the failure line. */
int script_finish(struct script_run *r, int status);
const char *script_message(const struct script_run *r);

/* What a report (JUnit, the runner's result file) needs. */
struct script_report {
    int verdict;         /* 0 passed, 1 failed */
    const char *message; /* the failure line, or NULL */
    const char *detail;  /* a longer explanation: the last output of the stream */
    uint64_t cycles;     /* hart 0's cycles at the end */
    uint64_t hart_hz;    /* hart cycles per second of virtual time */
    unsigned passed, nsteps;
    const uint8_t *output; /* the console stream (the last 1 MiB of it) */
    size_t output_len;
};
void script_report(const struct script_run *r, struct script_report *out);
void script_run_free(struct script_run *r);

#endif
