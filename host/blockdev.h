/* Disk images: the host side of a virtio-blk device (devices/virtio_blk.h), as `--drive
 * FILE[,readonly][,snapshot]` names them. A raw image file (or block device) whose size is
 * a whole number of 512-byte sectors.
 *
 *  - Writable (default): opened read-write and locked with flock(LOCK_EX), so a second
 *    hartlab (or anything else that takes the lock) cannot open the same image for writing
 *    while this one runs. Writes go to the file at once (pwrite): once the device reports
 *    a write done, the bytes are in the file, whatever happens to hartlab afterwards. A
 *    flush (and closing, and the exit/signal hooks of host/shutdown.h) calls fsync, which
 *    makes them survive a host crash too.
 *  - readonly: opened read-only with a shared lock (several readers may share an image; a
 *    writer may not join them); writes are refused.
 *  - snapshot: as QEMU's snapshot=on: the file is opened read-only (shared lock) and never
 *    changes; writes are kept in memory for the run and read back from there.
 *
 * Usage:
 *     struct blockdev *b = blockdev_open("disk.img,snapshot", err, sizeof err);  // NULL + why
 *     blockdev_read(b, 512 * sector, buf, 512);
 *     blockdev_close(b);
 */
#ifndef HARTLAB_HOST_BLOCKDEV_H
#define HARTLAB_HOST_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLOCKDEV_SECTOR 512

struct blockdev;

/* Parse and open a --drive spec: FILE, then any of ",readonly" (or ",ro") and ",snapshot".
 * On failure NULL, with one line in `err` naming the file and what to do. */
struct blockdev *blockdev_open(const char *spec, char *err, size_t errlen);
/* Flush (fsync) a writable image, unlock and close it. NULL is fine. */
void blockdev_close(struct blockdev *b);

uint64_t blockdev_size(const struct blockdev *b); /* bytes */
bool blockdev_readonly(const struct blockdev *b);
bool blockdev_snapshot(const struct blockdev *b);
const char *blockdev_path(const struct blockdev *b);

/* Whole bytes at byte offset `off`; the caller keeps them inside the image. False on a
 * host I/O error (reported once on stderr) or, for writes, a read-only image. */
bool blockdev_read(struct blockdev *b, uint64_t off, void *buf, uint64_t len);
bool blockdev_write(struct blockdev *b, uint64_t off, const void *buf, uint64_t len);
/* Make every write so far durable (fsync); true for read-only and snapshot images. */
bool blockdev_flush(struct blockdev *b);

#endif
