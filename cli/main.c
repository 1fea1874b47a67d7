/* The `hartlab` command line: its four phases (cli/cli.h) in order, then the exit status.
 * Every host problem ends here as one line naming the file or value involved, and exit
 * status 2; otherwise the status is the firmware's exit code or one of hartlab's own
 * (MACHINE_EXIT_*, platform/machine.h).
 */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    struct cli_options opts;
    int status = cli_parse_options(argc, argv, &opts);
    if (status >= 0)
        return status;

    struct cli_plan plan;
    struct machine *m = NULL;
    char err[512];
    status = MACHINE_EXIT_USAGE;
    if (!cli_plan(&opts, &plan, err, sizeof err) ||
        !(m = cli_build_machine(&opts, &plan, err, sizeof err)) ||
        !cli_run(&opts, m, &status, err, sizeof err)) {
        fprintf(stderr, "hartlab: %s\n", err);
        status = MACHINE_EXIT_USAGE;
    }
    cli_options_free(&opts); /* closes the instruction trace before the machine goes */
    machine_free(m);
    cli_plan_free(&plan);
    return status;
}
