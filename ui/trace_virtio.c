/* --trace=virtio (see trace_virtio.h): formats the events the virtio-mmio transports and
 * their back ends report (devices/virtio_mmio.h, virtio_mmio_observe). */
#include "ui/trace_virtio.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "platform/machine.h"

struct trace_virtio {
    struct machine *m;
    FILE *out;
};

static const char *short_name(const struct virtio_mmio *t)
{
    switch (virtio_mmio_device_id(t)) {
    case VIRTIO_ID_BLOCK: return "blk";
    case VIRTIO_ID_ENTROPY: return "rng";
    case VIRTIO_ID_CONSOLE: return "console";
    default: return "?";
    }
}

static const char *status_name(int s)
{
    switch (s) {
    case VIRTIO_BLK_S_OK: return "OK";
    case VIRTIO_BLK_S_IOERR: return "IOERR";
    case VIRTIO_BLK_S_UNSUPP: return "UNSUPP";
    default: return "?";
    }
}

static void on_event(void *opaque, struct virtio_mmio *t, const struct virtio_event *ev)
{
    struct trace_virtio *tv = opaque;
    FILE *f = tv->out;
    fprintf(f, "%12" PRIu64 " %s %s ", ev->cycle, virtio_mmio_name(t), short_name(t));
    switch (ev->kind) {
    case VIRTIO_EV_STATUS:
        fprintf(f, "status 0x%02x%s\n", ev->value, ev->value ? "" : " (reset)");
        break;
    case VIRTIO_EV_NOTIFY: fprintf(f, "notify queue %u\n", ev->queue); break;
    case VIRTIO_EV_REQUEST:
        if (virtio_mmio_device_id(t) == VIRTIO_ID_BLOCK)
            fprintf(f,
                    "request queue %u chain %u: %s sector %" PRIu64 " len %" PRIu64
                    " -> %s, takes %u cycles\n",
                    ev->queue, ev->head, ev->what, ev->sector, ev->len, status_name(ev->status),
                    ev->value);
        else
            fprintf(f, "request queue %u chain %u: %s len %" PRIu64 ", takes %u cycles\n",
                    ev->queue, ev->head, ev->what, ev->len, ev->value);
        break;
    case VIRTIO_EV_COMPLETE:
        fprintf(f, "used queue %u chain %u len %" PRIu64 "\n", ev->queue, ev->head, ev->len);
        break;
    case VIRTIO_EV_IRQ: fprintf(f, "interrupt status 0x%x\n", ev->value); break;
    case VIRTIO_EV_ERROR: fprintf(f, "error: %s\n", ev->what); break;
    }
}

struct trace_virtio *trace_virtio_new(struct machine *m, FILE *out)
{
    struct trace_virtio *tv = calloc(1, sizeof *tv);
    if (!tv)
        return NULL;
    tv->m = m;
    tv->out = out;
    struct virtio_mmio *t;
    for (unsigned k = 0; (t = virtio_mmio_find(m, k)); k++)
        if (virtio_mmio_device_id(t) != VIRTIO_ID_NONE)
            virtio_mmio_observe(t, on_event, tv);
    return tv;
}

void trace_virtio_free(struct trace_virtio *tv)
{
    if (!tv)
        return;
    struct virtio_mmio *t;
    for (unsigned k = 0; (t = virtio_mmio_find(tv->m, k)); k++)
        virtio_mmio_observe(t, NULL, NULL);
    free(tv);
}
