/* The command line's side of CI testing (docs/ci.md), around the four phases (cli/cli.h):
 * `hartlab test` and --test-list hand the whole command line to the runner
 * (host/runner.h); --script is parsed before the plan, so that a script with errors runs
 * nothing; after the machine is built the script is attached and --record/--replay start
 * (host/input.h); after the run the verdict replaces the exit status, and --junit and
 * --script-result report it (also when a phase failed with exit status 2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/escape.h"
#include "host/input.h"
#include "host/junit.h"
#include "host/runner.h"
#include "host/script.h"

/* The program to run for each test of `hartlab test`: this executable. */
static const char *self_path(const char *argv0)
{
    static char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = 0;
        return buf;
    }
    return argv0;
}

int cli_ci_runner(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "test") == 0)
        return runner_main(argc - 1, argv + 1, self_path(argv[0]));
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "--test-list") == 0 || strncmp(argv[k], "--test-list=", 12) == 0)
            return runner_main(argc, argv, self_path(argv[0]));
    return -1;
}

static char *stem_of(const char *path, const char *ext)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b), e = strlen(ext);
    if (n > e && strcmp(b + n - e, ext) == 0)
        n -= e;
    return strndup(b, n);
}

static void write_quoted(FILE *f, const char *key, const char *text)
{
    size_t len = strlen(text);
    char *buf = malloc(4 * len + 1);
    if (!buf)
        return;
    escape_bytes(buf, 4 * len + 1, (const uint8_t *)text, len);
    fprintf(f, "%s \"%s\"\n", key, buf);
    free(buf);
}

/* verdict: "pass", "fail" or "error" (the run did not get as far as a verdict). */
static void write_reports(const struct cli_options *o, const char *verdict, int status,
                          const struct script_report *sr, const char *message)
{
    if (o->script_result) {
        FILE *f = fopen(o->script_result, "w");
        if (!f) {
            fprintf(stderr, "hartlab: --script-result %s: cannot write: %s\n", o->script_result,
                    strerror(errno));
        } else {
            fprintf(f, "verdict %s\nstatus %d\n", verdict, status);
            if (sr)
                fprintf(f, "cycles %" PRIu64 "\nhz %" PRIu64 "\nsteps %u %u\n", sr->cycles,
                        sr->hart_hz, sr->passed, sr->nsteps);
            if (message)
                write_quoted(f, "message", message);
            if (sr && sr->detail)
                write_quoted(f, "details", sr->detail);
            fclose(f);
        }
    }
    if (o->junit) {
        char *classname = stem_of(o->script, ".script");
        char *name = stem_of(o->firmware ? o->firmware : o->bios ? o->bios : o->script, ".elf");
        struct junit_case c = {
            .classname = classname,
            .name = name,
            .file = o->script,
            .time = sr && sr->hart_hz ? (double)sr->cycles / (double)sr->hart_hz : 0,
            .result = strcmp(verdict, "pass") == 0   ? JUNIT_PASS
                      : strcmp(verdict, "fail") == 0 ? JUNIT_FAIL
                                                     : JUNIT_ERROR,
            .message = message,
            .type = strcmp(verdict, "fail") == 0 ? "script" : "error",
            .details = sr ? sr->detail : NULL,
            .out = sr ? sr->output : NULL,
            .outlen = sr ? sr->output_len : 0,
        };
        if (c.result != JUNIT_PASS && !c.out)
            c.out = (const uint8_t *)"";
        char err[512];
        if (!junit_write(o->junit, "hartlab", &c, 1, err, sizeof err))
            fprintf(stderr, "hartlab: %s\n", err);
        free(classname);
        free(name);
    }
}

bool cli_ci_prepare(const struct cli_options *o, struct cli_ci *ci)
{
    memset(ci, 0, sizeof *ci);
    if (!o->script)
        return true;
    char *errors;
    unsigned nerrors;
    ci->script = script_load(o->script, &errors, &nerrors);
    if (ci->script)
        return true;
    fputs(errors, stderr);
    char *nl = strchr(errors, '\n');
    if (nl)
        *nl = 0;
    write_reports(o, "error", MACHINE_EXIT_USAGE, NULL, errors);
    free(errors);
    return false;
}

bool cli_ci_attach(const struct cli_options *o, struct cli_ci *ci, struct machine *m, char *err,
                   size_t errlen)
{
    const char *elf = o->firmware ? o->firmware : o->bios;
    if (ci->script && !(ci->run = script_start(m, ci->script, err, errlen)))
        return false;
    if (o->record && !input_record(m, o->record, elf, err, errlen))
        return false;
    if (o->replay && !input_replay(m, o->replay, elf, err, errlen))
        return false;
    return true;
}

int cli_ci_finish(const struct cli_options *o, struct cli_ci *ci, struct machine *m, int status)
{
    if (o->record || o->replay)
        input_finish(m, status);
    if (!ci->run)
        return status;
    int verdict = script_finish(ci->run, status);
    struct script_report sr;
    script_report(ci->run, &sr);
    if (sr.message)
        fprintf(stderr, "%s\n", sr.message);
    write_reports(o, verdict == 0 ? "pass" : "fail", status, &sr, sr.message);
    return verdict;
}

void cli_ci_error(const struct cli_options *o, const struct cli_ci *ci, const char *err)
{
    if (ci->script)
        write_reports(o, "error", MACHINE_EXIT_USAGE, NULL, err);
}

void cli_ci_free(struct cli_ci *ci)
{
    script_run_free(ci->run);
    script_free(ci->script);
    ci->run = NULL;
    ci->script = NULL;
}
