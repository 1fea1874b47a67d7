/* --trace=virtio: what the virtio devices (devices/virtio_mmio.h) do, one event a line,
 * stamped with the virtual-clock cycle:
 *
 *     CYCLE DEVICE  status 0x0f                    the driver wrote Status (0 = reset)
 *     CYCLE DEVICE  notify queue Q                 the driver notified queue Q
 *     CYCLE DEVICE  request queue Q chain H: read sector S len N -> OK, takes C cycles
 *     CYCLE DEVICE  request queue Q chain H: entropy len N, takes C cycles
 *     CYCLE DEVICE  used queue Q chain H len N     the used-ring entry is written
 *     CYCLE DEVICE  interrupt status 0x1           InterruptStatus rose (0x2: config change)
 *     CYCLE DEVICE  error: WHY                     the device needs a reset
 *
 * DEVICE is the slot's node name and device (virtio_mmio@10001000 blk). Types: read,
 * write, flush, get-id, unknown; statuses OK, IOERR, UNSUPP.
 */
#ifndef HARTLAB_UI_TRACE_VIRTIO_H
#define HARTLAB_UI_TRACE_VIRTIO_H

#include <stdio.h>

struct machine;
struct trace_virtio;

/* Watch every virtio-mmio transport with a device; NULL if out of memory. */
struct trace_virtio *trace_virtio_new(struct machine *m, FILE *out);
void trace_virtio_free(struct trace_virtio *t);

#endif
