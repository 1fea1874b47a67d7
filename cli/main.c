/* The `hartlab` command line: its four phases (cli/cli.h) in order, with CI testing around
 * them (cli/ci.c: the test runner, --script, --record/--replay), then the exit status.
 * Every host problem ends here as one line naming the file or value involved, and exit
 * status 2; otherwise the status is the firmware's exit code or one of hartlab's own
 * (MACHINE_EXIT_*, platform/machine.h).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "host/shutdown.h"

int main(int argc, char **argv)
{
    /* SIGTERM, SIGINT and SIGHUP flush what hartlab owes the host (disk images) first. */
    shutdown_install();
    /* `hartlab test` and --test-list are the test runner's (cli/ci.c). */
    int status = cli_ci_runner(argc, argv);
    if (status >= 0)
        return status;

    struct cli_options opts;
    status = cli_parse_options(argc, argv, &opts);
    if (status >= 0)
        return status;

    /* A --script is checked whole before anything else happens. */
    struct cli_ci ci;
    if (!cli_ci_prepare(&opts, &ci)) {
        cli_options_free(&opts);
        return MACHINE_EXIT_USAGE;
    }

    struct cli_plan plan;
    struct machine *m = NULL;
    char err[512];
    status = MACHINE_EXIT_USAGE;
    if (!cli_plan(&opts, &plan, err, sizeof err) ||
        !(m = cli_build_machine(&opts, &plan, err, sizeof err)) ||
        !cli_ci_attach(&opts, &ci, m, err, sizeof err) ||
        !cli_run(&opts, m, &status, err, sizeof err)) {
        fprintf(stderr, "hartlab: %s\n", err);
        cli_ci_error(&opts, &ci, err);
        status = MACHINE_EXIT_USAGE;
    } else {
        status = cli_ci_finish(&opts, &ci, m, status);
    }
    cli_ci_free(&ci);        /* before the machine it observes */
    cli_options_free(&opts); /* closes the instruction trace before the machine goes */
    machine_free(m);
    cli_plan_free(&plan); /* the disk images, after the devices that used them */
    return status;
}
