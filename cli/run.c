/* Phase 4 of the command line (cli/cli.h): the run. Under the GDB stub when --gdb or -s is
 * given (the debugger then drives the machine), else by the machine's own loop; the views
 * that were asked for (panel, traces, VCD, profile, pacing) watch either way (the panel
 * only without the debugger); then the compliance signature, if asked for.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/jit.h"
#include "gdbstub/gdbstub.h"
#include "gdbstub/target_machine.h"
#include "host/log.h"
#include "host/shutdown.h"
#include "platform/history.h"

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

/* --jit-stats: the translation tier's counters (host facts, not part of the simulation). */
static void print_jit_stats(struct machine *m)
{
    struct jit_stats st;
    if (!cluster_jit_stats(m->cluster, &st)) {
        fprintf(stderr, "hartlab: jit: off\n");
        return;
    }
    fprintf(stderr,
            "hartlab: jit: %" PRIu64 " blocks translated (%" PRIu64 " instructions, %" PRIu64
            " of them by calls to their bodies), %" PRIu64 " refused\n",
            st.translated, st.guest_insns, st.helper_insns, st.refused);
    fprintf(stderr,
            "hartlab: jit: %" PRIu64 " bytes of code emitted, at most %" PRIu64
            " in use at once, %" PRIu64 " flushes, %.3f ms translating\n",
            st.code_bytes, st.code_peak, st.flushes, (double)st.translate_ns / 1e6);
}

/* -v with history: what it held at the end (docs/gdb.md "Going backwards"). */
static void report_history(const struct machine *m)
{
    struct history_stats hs;
    history_stats(m->history, &hs);
    log_info("history: steps %" PRIu64 " to %" PRIu64 " kept in %u snapshots, %.1f MiB of "
             "RAM pages, %.1f MiB of hart and device state, %.1f MiB of log (%" PRIu64
             " entries); budget %.0f MiB, %u snapshots dropped",
             hs.first, hs.last, hs.snapshots, (double)hs.page_bytes / (1 << 20),
             (double)hs.state_bytes / (1 << 20), (double)hs.log_bytes / (1 << 20), hs.log_entries,
             (double)hs.budget / (1 << 20), hs.dropped);
}

/* The GDB stub serves until the debugger detaches or the firmware ends. The panel, if any,
 * watches: the debugger runs the machine, and the window stays live while it is stopped. */
static bool run_under_gdb(const struct cli_options *o, struct machine *m, struct views *views,
                          int *status, char *err, size_t errlen)
{
    struct machine_target *mt = machine_target_new(m);
    struct gdbstub *stub =
        mt ? gdbstub_new(o->gdb_spec, &machine_target_ops, mt, err, errlen) : NULL;
    if (!stub) {
        if (!mt)
            snprintf(err, errlen, "out of memory for the debugger");
        machine_target_free(mt);
        return false;
    }
    if (views_attach_debugger(views))
        gdbstub_set_idle(stub, views_idle, views);
    *status = gdbstub_serve(stub, o->gdb_wait);
    gdbstub_free(stub);
    machine_target_free(mt);
    return true;
}

bool cli_run(const struct cli_options *o, struct machine *m, int *status, char *err, size_t errlen)
{
    fflush(stdout);
    if (o->gdb_wait && !o->gdb_spec)
        cli_usage_error("%s", "-S waits for a debugger: give --gdb [HOST:]PORT or -s too");
    /* The views watch the run whoever drives it: the machine's own loop, or the debugger
     * (its continues and steps run the same events). */
    struct views *views = NULL;
    if (views_wanted(&o->views) && !(views = views_start(m, &o->views, err, errlen)))
        return false;
    /* History (docs/gdb.md "Going backwards"): asked for, or for the panel's step back.
     * After the views, whose clock events (screenshots, scripted input) it then keeps. */
    if ((o->history_budget || o->views.ui) && !m->history) {
        struct history_options ho = { .budget = o->history_budget };
        if (!history_start(m, &ho, err, errlen)) {
            views_finish(views, 0);
            return false;
        }
    }
    if (o->gdb_spec) {
        if (!run_under_gdb(o, m, views, status, err, errlen)) {
            views_finish(views, 0);
            return false;
        }
    } else {
        *status = machine_run(m);
    }
    /* Told to stop by the host (host/shutdown.h) while the debugger had the machine stopped
     * (machine_run reports the other cases itself): the line, status 128 + the signal. */
    if (*status == GDBSTUB_SIGNALLED)
        *status = machine_end_by_signal(m, shutdown_signal());
    *status = views_finish(views, *status);
    fflush(stdout);
    if (m->history)
        report_history(m);
    if (o->jit_stats)
        print_jit_stats(m);
    if (o->signature && !write_signature(m, o->signature) && *status == 0)
        *status = MACHINE_EXIT_USAGE;
    return true;
}
