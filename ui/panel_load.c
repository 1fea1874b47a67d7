/* The SDL panel lives in a module of its own (hartlab-panel.so, built from panel.c and png.c),
 * loaded only when --ui or --ui-screenshot asks for it: SDL2, SDL2_ttf and what they pull
 * in are some 60 shared libraries, whose loading would otherwise cost every run about 20 ms
 * of start-up (a headless run in CI starts in about 10 ms without them).
 *
 * The module is looked for next to the hartlab executable (the build directory), then in
 * the directory it is installed to; HARTLAB_PANEL names another file. It calls back into the
 * executable (which exports its symbols) for the machine, observe and frames functions.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/panel.h"

#ifndef HARTLAB_PANEL_DIR
#define HARTLAB_PANEL_DIR "/usr/local/lib/hartlab"
#endif
#define PANEL_MODULE_FILE "hartlab-panel.so"

static struct {
    void *handle;
    struct panel *(*new)(struct observe *, struct frames *, const struct panel_config *, char *,
                         size_t);
    int (*finish)(struct panel *, int);
    void (*free)(struct panel *);
    void (*attach_debugger)(struct panel *);
    bool (*idle)(struct panel *);
} mod;

/* Try one file; on failure keep dlerror's text in `why`. */
static bool load_from(const char *path, char *why, size_t whylen)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, whylen, "%s", dlerror());
        return false;
    }
    mod.new = (struct panel * (*)(struct observe *, struct frames *, const struct panel_config *,
                                  char *, size_t)) dlsym(h, "panel_module_new");
    mod.finish = (int (*)(struct panel *, int))dlsym(h, "panel_module_finish");
    mod.free = (void (*)(struct panel *))dlsym(h, "panel_module_free");
    mod.attach_debugger = (void (*)(struct panel *))dlsym(h, "panel_module_attach_debugger");
    mod.idle = (bool (*)(struct panel *))dlsym(h, "panel_module_idle");
    if (!mod.new || !mod.finish || !mod.free || !mod.attach_debugger || !mod.idle) {
        snprintf(why, whylen, "%s is not hartlab's panel module", path);
        dlclose(h);
        return false;
    }
    mod.handle = h;
    return true;
}

static bool load_module(char *err, size_t errlen)
{
    if (mod.handle)
        return true;
    char why[512] = "";
    const char *env = getenv("HARTLAB_PANEL");
    if (env && *env) {
        if (load_from(env, why, sizeof why))
            return true;
        snprintf(err, errlen, "--ui: cannot load the panel module HARTLAB_PANEL=%s: %s", env, why);
        return false;
    }
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/%s", exe, PANEL_MODULE_FILE);
            if (load_from(path, why, sizeof why))
                return true;
        }
    }
    char why2[512] = "";
    snprintf(path, sizeof path, "%s/%s", HARTLAB_PANEL_DIR, PANEL_MODULE_FILE);
    if (load_from(path, why2, sizeof why2))
        return true;
    snprintf(err, errlen,
             "--ui: cannot load the SDL panel module (%s; %s); it is built next to hartlab "
             "when libsdl2-dev, libsdl2-ttf-dev and zlib1g-dev are installed",
             why, why2);
    return false;
}

struct panel *panel_new(struct observe *ob, struct frames *frames, const struct panel_config *cfg,
                        char *err, size_t errlen)
{
    if (!load_module(err, errlen))
        return NULL;
    return mod.new(ob, frames, cfg, err, errlen);
}

int panel_finish(struct panel *p, int status)
{
    return p && mod.handle ? mod.finish(p, status) : status;
}

void panel_free(struct panel *p)
{
    if (p && mod.handle)
        mod.free(p);
}

void panel_attach_debugger(struct panel *p)
{
    if (p && mod.handle)
        mod.attach_debugger(p);
}

bool panel_idle(struct panel *p)
{
    return p && mod.handle ? mod.idle(p) : false;
}
