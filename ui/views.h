/* The command line's side of the views (--ui, --ui-screenshot, --ui-script, --realtime,
 * --trace=irq, --trace=frames, --trace=virtio, --trace=amo, --vcd, --profile): option parsing, and
 * attaching them all to a loaded machine through the hub (ui/observe.h) in one call, so main.c
 * stays a list of options.
 *
 * Usage:
 *     struct views_options vo = { 0 };
 *     case OPT_TRACE: if (!views_parse_trace(&vo, optarg)) { ...instruction trace... }
 *     ...
 *     struct views *v = views_start(m, &vo, err, sizeof err);   // NULL + message on error
 *     status = machine_run(m);
 *     status = views_finish(v, status);                         // closes files and window
 */
#ifndef HARTLAB_UI_VIEWS_H
#define HARTLAB_UI_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/panel.h"

struct machine;
struct views;

struct views_options {
    bool ui;
    bool ui_window;            /* --ui itself: a window for a person (needs a display); screenshots
                                  and scripts alone can do without one */
    struct panel_config panel; /* screenshots, script */
    bool realtime;
    bool trace_irq, trace_frames, trace_virtio, trace_amo;
    const char *trace_irq_path, *trace_frames_path, *trace_virtio_path; /* NULL: stderr */
    const char *trace_amo_path;
    const char *vcd_path;
    const char *profile_callgrind, *profile_folded; /* --profile outputs, or NULL */
    const char *coverage;                           /* --coverage FILE (lcov), or NULL */
    const char *firmware;                           /* the ELF's path, for --profile */
};

/* --trace's argument: "irq", "frames", "virtio", "amo", or one of them with ":FILE" select those
 * traces and return true; anything else (a file name, or NULL) is the instruction trace: false. */
bool views_parse_trace(struct views_options *vo, const char *arg);
/* --profile's argument: "FILE" or "callgrind:FILE" (callgrind's format), "folded:FILE"
 * (folded stacks); false if the file name is empty. */
bool views_parse_profile(struct views_options *vo, const char *arg);
/* --ui-screenshot FILE@CYCLES; false if malformed or too many. */
bool views_parse_screenshot(struct views_options *vo, const char *arg);
/* True if any view was asked for. */
bool views_wanted(const struct views_options *vo);

struct views *views_start(struct machine *m, const struct views_options *vo, char *err,
                          size_t errlen);
int views_finish(struct views *v, int status);
/* The run is the GDB stub's (--gdb): the panel, if any, only watches (panel_attach_debugger).
 * True if there is a panel, whose window then needs views_idle while the machine is stopped. */
bool views_attach_debugger(struct views *v);
/* While the debugger holds the machine stopped: the panel's window stays live
 * (panel_idle). True once it was closed. A gdbstub idle function (gdbstub_set_idle). */
bool views_idle(void *views);

#endif
