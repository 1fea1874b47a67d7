/* The panel when hartlab is built without SDL2/SDL2_ttf/zlib (meson -Dui=disabled, or the
 * libraries are missing): --ui and --ui-screenshot say so and how to get it. */
#include <stdio.h>

#include "ui/panel.h"

struct panel *panel_new(struct observe *ob, struct frames *frames, const struct panel_config *cfg,
                        char *err, size_t errlen)
{
    snprintf(err, errlen,
             "--ui: this hartlab was built without the SDL panel (install "
             "libsdl2-dev, libsdl2-ttf-dev and zlib1g-dev, then reconfigure with "
             "meson -Dui=enabled)");
    return NULL;
}

int panel_finish(struct panel *p, int status)
{
    return status;
}

void panel_free(struct panel *p) {}

void panel_attach_debugger(struct panel *p) {}

bool panel_idle(struct panel *p)
{
    return false;
}
