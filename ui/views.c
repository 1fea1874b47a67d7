/* Attaching the views (see views.h). The order matters only for output: traces register
 * before the panel, so a trap is printed before the panel logs it. */
#include "ui/views.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/machine.h"
#include "ui/frames.h"
#include "ui/observe.h"
#include "ui/pace.h"
#include "ui/profile.h"
#include "ui/trace_amo.h"
#include "ui/trace_irq.h"
#include "ui/trace_virtio.h"
#include "ui/vcd.h"

struct views {
    struct observe *ob;
    struct frames *frames;
    struct trace_irq *irq;
    struct trace_virtio *virtio;
    struct trace_amo *amo;
    struct vcd *vcd;
    struct panel *panel;
    struct profile *profile;
    struct pace pace;
    FILE *irq_file, *frames_file, *virtio_file, *amo_file;
};

static bool keyword(const char *arg, const char *word, const char **path)
{
    size_t n = strlen(word);
    if (strncmp(arg, word, n) != 0 || (arg[n] && arg[n] != ':'))
        return false;
    *path = arg[n] == ':' && arg[n + 1] ? arg + n + 1 : NULL;
    return true;
}

bool views_parse_trace(struct views_options *vo, const char *arg)
{
    if (!arg)
        return false;
    if (keyword(arg, "irq", &vo->trace_irq_path))
        return vo->trace_irq = true;
    if (keyword(arg, "frames", &vo->trace_frames_path))
        return vo->trace_frames = true;
    if (keyword(arg, "virtio", &vo->trace_virtio_path))
        return vo->trace_virtio = true;
    if (keyword(arg, "amo", &vo->trace_amo_path))
        return vo->trace_amo = true;
    return false;
}

bool views_parse_profile(struct views_options *vo, const char *arg)
{
    const char *path = arg;
    const char **slot = &vo->profile_callgrind;
    if (strncmp(arg, "folded:", 7) == 0) {
        path = arg + 7;
        slot = &vo->profile_folded;
    } else if (strncmp(arg, "callgrind:", 10) == 0) {
        path = arg + 10;
    }
    if (!*path)
        return false;
    *slot = path;
    return true;
}

bool views_parse_screenshot(struct views_options *vo, const char *arg)
{
    const char *at = strrchr(arg, '@');
    if (!at || at == arg || !at[1] || vo->panel.nshots == PANEL_MAX_SCREENSHOTS)
        return false;
    char *end;
    errno = 0;
    unsigned long long c = strtoull(at + 1, &end, 0);
    if (errno || *end || at[1] == '-')
        return false;
    char *path = strndup(arg, (size_t)(at - arg));
    if (!path)
        return false;
    vo->panel.shots[vo->panel.nshots].path = path;
    vo->panel.shots[vo->panel.nshots++].cycle = c;
    vo->ui = true;
    return true;
}

bool views_wanted(const struct views_options *vo)
{
    return vo->ui || vo->realtime || vo->trace_irq || vo->trace_frames || vo->trace_virtio ||
           vo->trace_amo || vo->vcd_path || vo->profile_callgrind || vo->profile_folded ||
           vo->coverage;
}

static void pace_quantum(void *ctx)
{
    struct views *v = ctx;
    pace_wait(&v->pace, hart_cycles(machine_hart(observe_machine(v->ob), 0)), NULL, NULL);
}

static FILE *open_out(const char *path, const char *what, char *err, size_t errlen)
{
    if (!path)
        return stderr;
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errlen, "--trace=%s: cannot write %s: %s", what, path, strerror(errno));
    return f;
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* Where the panel draws. With no display (neither DISPLAY nor WAYLAND_DISPLAY, a student
 * over ssh), SDL would quietly pick its offscreen driver: a window nobody sees, that stays
 * "open" after the firmware ends. --ui is refused then; screenshots and scripts alone are
 * drawn offscreen, by choice. An SDL_VIDEODRIVER the user set is theirs to keep. */
static bool display_for_panel(const struct views_options *vo, char *err, size_t errlen)
{
    if (env_set("DISPLAY") || env_set("WAYLAND_DISPLAY") || env_set("SDL_VIDEODRIVER"))
        return true;
    if (vo->ui_window) {
        snprintf(err, errlen,
                 "--ui needs a display and neither DISPLAY nor WAYLAND_DISPLAY is set: run it "
                 "under xvfb-run (xvfb-run -a hartlab --ui ...) or over ssh -X, or take "
                 "pictures without a window with --ui-screenshot FILE@CYCLES");
        return false;
    }
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    return true;
}

struct views *views_start(struct machine *m, const struct views_options *vo, char *err,
                          size_t errlen)
{
    struct views *v = calloc(1, sizeof *v);
    if (!v || !(v->ob = observe_new(m))) {
        free(v);
        snprintf(err, errlen, "out of memory for the views");
        return NULL;
    }
    if (vo->trace_irq) {
        if (!(v->irq_file = open_out(vo->trace_irq_path, "irq", err, errlen)))
            goto fail;
        v->irq = trace_irq_new(v->ob, v->irq_file);
    }
    if (vo->trace_virtio) {
        if (!(v->virtio_file = open_out(vo->trace_virtio_path, "virtio", err, errlen)))
            goto fail;
        if (!(v->virtio = trace_virtio_new(m, v->virtio_file))) {
            snprintf(err, errlen, "out of memory for the virtio trace");
            goto fail;
        }
    }
    if (vo->trace_amo) {
        if (!(v->amo_file = open_out(vo->trace_amo_path, "amo", err, errlen)))
            goto fail;
        if (!(v->amo = trace_amo_new(m, v->amo_file))) {
            snprintf(err, errlen, "out of memory for --trace=amo");
            goto fail;
        }
    }
    if (vo->trace_frames || vo->ui) {
        if (vo->trace_frames &&
            !(v->frames_file = open_out(vo->trace_frames_path, "frames", err, errlen)))
            goto fail;
        v->frames = frames_new(v->ob, v->frames_file);
        if (vo->trace_frames)
            observe_set_stepping(v->ob, true);
    }
    if (vo->vcd_path && !(v->vcd = vcd_new(v->ob, vo->vcd_path, err, errlen)))
        goto fail;
    if (vo->profile_callgrind || vo->profile_folded || vo->coverage) {
        /* Found out now, not after the run, if an output cannot be written. */
        const char *paths[3] = { vo->profile_callgrind, vo->profile_folded, vo->coverage };
        for (unsigned k = 0; k < 3; k++) {
            FILE *f = paths[k] ? fopen(paths[k], "w") : NULL;
            if (paths[k] && !f) {
                snprintf(err, errlen, "%s: cannot write %s: %s",
                         k == 2 ? "--coverage" : "--profile", paths[k], strerror(errno));
                goto fail;
            }
            if (f)
                fclose(f);
        }
        struct profile_config pc = { .callgrind_path = vo->profile_callgrind,
                                     .folded_path = vo->profile_folded,
                                     .lcov_path = vo->coverage,
                                     .cmd = vo->firmware };
        if (!(v->profile = profile_new(v->ob, &pc, err, errlen)))
            goto fail;
    }
    if (vo->ui && !display_for_panel(vo, err, errlen))
        goto fail;
    if (vo->ui) {
        struct panel_config pc = vo->panel;
        pc.realtime = vo->realtime;
        if (!(v->panel = panel_new(v->ob, v->frames, &pc, err, errlen)))
            goto fail;
    } else if (vo->realtime) {
        pace_start(&v->pace, observe_hart_hz(v->ob), hart_cycles(machine_hart(m, 0)));
        observe_on_quantum(v->ob, pace_quantum, v);
    }
    observe_attach(v->ob);
    return v;
fail:
    views_finish(v, 0);
    return NULL;
}

bool views_attach_debugger(struct views *v)
{
    if (!v || !v->panel)
        return false;
    panel_attach_debugger(v->panel);
    return true;
}

bool views_idle(void *views)
{
    struct views *v = views;
    return v && v->panel && panel_idle(v->panel);
}

int views_finish(struct views *v, int status)
{
    if (!v)
        return status;
    if (v->panel)
        status = panel_finish(v->panel, status);
    if (v->profile) {
        char err[512];
        if (!profile_finish(v->profile, err, sizeof err)) {
            fprintf(stderr, "hartlab: %s\n", err);
            if (status == 0)
                status = MACHINE_EXIT_USAGE;
        }
        profile_free(v->profile);
    }
    panel_free(v->panel);
    vcd_free(v->vcd);
    trace_irq_free(v->irq);
    trace_virtio_free(v->virtio);
    trace_amo_free(v->amo);
    frames_free(v->frames);
    observe_free(v->ob);
    if (v->irq_file && v->irq_file != stderr)
        fclose(v->irq_file);
    if (v->frames_file && v->frames_file != stderr)
        fclose(v->frames_file);
    if (v->virtio_file && v->virtio_file != stderr)
        fclose(v->virtio_file);
    if (v->amo_file && v->amo_file != stderr)
        fclose(v->amo_file);
    free(v);
    return status;
}
