/* virtio-blk: a block device on a virtio-mmio transport (devices/virtio_mmio.h), written
 * from the virtio 1.2 specification, 5.2 "Block Device": the configuration layout
 * (capacity, seg_max, blk_size), the request header (type, reserved, sector), the data and
 * the status byte, and the request types IN, OUT, FLUSH and GET_ID. Its disk is a host
 * image (host/blockdev.h), given with `--drive FILE[,readonly][,snapshot]`.
 *
 * Features offered: VIRTIO_BLK_F_SEG_MAX (queue size - 2), VIRTIO_BLK_F_BLK_SIZE (512),
 * VIRTIO_BLK_F_FLUSH (a flush request fsyncs the image), VIRTIO_BLK_F_RO for a readonly
 * drive (whose writes also fail with VIRTIO_BLK_S_IOERR), plus the transport's
 * VERSION_1, INDIRECT_DESC and EVENT_IDX.
 *
 * Requests: a read or write must cover whole 512-byte sectors inside the disk, or it fails
 * with VIRTIO_BLK_S_IOERR (so does one whose data buffers lie outside RAM, and any host I/O
 * error); other types answer VIRTIO_BLK_S_UNSUPP. A chain too short for the 16-byte header
 * and the status byte, or whose status byte is outside RAM, is a device error (DEVICE_NEEDS_
 * RESET), as in QEMU. GET_ID answers the image's file name (its last 20 bytes at most).
 *
 * Timing (virtual, deterministic): a request completes VIRTIO_BLK_REQUEST_CYCLES plus
 * VIRTIO_BLK_SECTOR_CYCLES per 512 bytes of data after the device takes it (at 100 MHz:
 * 20 us + 0.64 us per sector, about 800 MB/s), whatever the host disk does.
 */
#ifndef HARTLAB_DEVICES_VIRTIO_BLK_H
#define HARTLAB_DEVICES_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blockdev;
struct virtio_mmio;

#define VIRTIO_BLK_REQUEST_CYCLES 2000
#define VIRTIO_BLK_SECTOR_CYCLES  64

/* Make transport `t` a virtio-blk device on `disk` (borrowed: the caller closes it after
 * the machine is freed). */
bool virtio_blk_attach(struct virtio_mmio *t, struct blockdev *disk, char *err, size_t errlen);
/* The disk behind a virtio-blk transport, or NULL if `t` is something else. */
struct blockdev *virtio_blk_disk(struct virtio_mmio *t);

#endif
