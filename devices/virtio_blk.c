/* virtio-blk (see virtio_blk.h), from virtio 1.2 section 5.2: 5.2.4 (configuration
 * layout), 5.2.6 (request format and the device requirements: IN/OUT sectors in 512-byte
 * units, VIRTIO_BLK_S_IOERR / _UNSUPP, FLUSH, GET_ID's 20 bytes) and 5.2.5 (VIRTIO_BLK_F_RO:
 * writes fail).
 */
#include "devices/virtio_blk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio_mmio.h"
#include "host/blockdev.h"
#include "host/log.h"

struct virtio_blk {
    struct blockdev *disk;
    uint64_t capacity; /* sectors */
    bool ro;
    uint8_t config[VIRTIO_BLK_CFG_SIZE];
    char id[VIRTIO_BLK_ID_BYTES];
    size_t idlen;
};

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t blk_config_read(void *dev, unsigned off, unsigned size)
{
    struct virtio_blk *b = dev;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)b->config[off + k] << (8 * k);
    return v;
}

static void blk_config_write(void *dev, unsigned off, unsigned size, uint32_t val)
{
    /* Only `writeback` is writable, and only with VIRTIO_BLK_F_CONFIG_WCE (not offered). */
    guest_error("virtio-blk-config", "virtio-blk: write to configuration offset 0x%x ignored", off);
}

/* Transfer between the disk and the chain's data bytes: for a read, the writable part
 * [0, len); for a write, the readable part [VIRTIO_BLK_HDR_SIZE, +len). */
static bool transfer(struct virtio_blk *b, struct virtio_mmio *t, const struct virtio_chain *c,
                     bool to_guest, uint64_t disk_off, uint64_t len)
{
    uint64_t skip = to_guest ? 0 : VIRTIO_BLK_HDR_SIZE;
    unsigned first = to_guest ? c->nread : 0, end = to_guest ? c->nseg : c->nread;
    for (unsigned k = first; k < end && len > 0; k++) {
        const struct virtio_seg *s = &c->seg[k];
        if (skip >= s->len) {
            skip -= s->len;
            continue;
        }
        uint64_t n = s->len - skip < len ? s->len - skip : len;
        uint8_t *p = virtio_seg_ptr(t, s);
        if (!p)
            return false;
        if (to_guest) {
            if (!blockdev_read(b->disk, disk_off, p + skip, n))
                return false;
            virtio_mmio_dma_written(t, s->addr + skip, n);
        } else if (!blockdev_write(b->disk, disk_off, p + skip, n)) {
            return false;
        }
        disk_off += n;
        len -= n;
        skip = 0;
    }
    return len == 0;
}

static const char *type_name(uint32_t type)
{
    switch (type) {
    case VIRTIO_BLK_T_IN: return "read";
    case VIRTIO_BLK_T_OUT: return "write";
    case VIRTIO_BLK_T_FLUSH: return "flush";
    case VIRTIO_BLK_T_GET_ID: return "get-id";
    case VIRTIO_BLK_T_DISCARD: return "discard";
    case VIRTIO_BLK_T_WRITE_ZEROES: return "write-zeroes";
    default: return "unknown";
    }
}

static bool blk_serve(void *dev, struct virtio_mmio *t, const struct virtio_chain *c,
                      struct virtio_result *r)
{
    struct virtio_blk *b = dev;
    uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
    if (c->read_len < VIRTIO_BLK_HDR_SIZE || c->write_len < 1) {
        virtio_mmio_error(t,
                          "virtio-blk request (chain %u) has %" PRIu64 " readable and %" PRIu64
                          " writable bytes: too few for the 16-byte header and the status byte",
                          c->head, c->read_len, c->write_len);
        return false;
    }
    const struct virtio_seg *last = &c->seg[c->nseg - 1];
    if (last->oob) {
        virtio_mmio_error(
            t, "virtio-blk request (chain %u): the status byte at 0x%" PRIx64 " is outside RAM",
            c->head, last->addr + last->len - 1);
        return false;
    }
    bool hdr_ok = virtio_chain_read(t, c, 0, hdr, sizeof hdr);
    uint32_t type = hdr_ok ? (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
                                 (uint32_t)hdr[3] << 24
                           : UINT32_MAX;
    uint64_t sector = 0;
    for (int k = 7; k >= 0; k--)
        sector = sector << 8 | hdr[8 + k];
    uint8_t status = VIRTIO_BLK_S_OK;
    uint64_t data = 0; /* bytes moved */
    uint32_t used = 1;
    const char *what = type_name(type);
    if (!hdr_ok || c->noob) {
        /* Some buffer lies outside RAM: the request fails, the status byte says so. */
        status = VIRTIO_BLK_S_IOERR;
        guest_error("virtio-blk-oob",
                    "virtio-blk: request (chain %u) names a buffer outside RAM; it fails with "
                    "VIRTIO_BLK_S_IOERR",
                    c->head);
        if (!hdr_ok)
            what = "header-outside-ram";
    } else if (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT) {
        bool in = type == VIRTIO_BLK_T_IN;
        data = in ? c->write_len - 1 : c->read_len - VIRTIO_BLK_HDR_SIZE;
        uint64_t nsect = data / VIRTIO_BLK_SECTOR_SIZE;
        if (data % VIRTIO_BLK_SECTOR_SIZE || sector > b->capacity || nsect > b->capacity - sector)
            status = VIRTIO_BLK_S_IOERR;
        else if (!in && b->ro)
            status = VIRTIO_BLK_S_IOERR;
        else if (!transfer(b, t, c, in, sector * VIRTIO_BLK_SECTOR_SIZE, data))
            status = VIRTIO_BLK_S_IOERR;
        if (in && status == VIRTIO_BLK_S_OK)
            used = (uint32_t)(data + 1);
    } else if (type == VIRTIO_BLK_T_FLUSH) {
        if (!blockdev_flush(b->disk))
            status = VIRTIO_BLK_S_IOERR;
    } else if (type == VIRTIO_BLK_T_GET_ID) {
        uint64_t room = c->write_len - 1;
        uint64_t n = room < VIRTIO_BLK_ID_BYTES ? room : VIRTIO_BLK_ID_BYTES;
        char id[VIRTIO_BLK_ID_BYTES] = { 0 };
        memcpy(id, b->id, b->idlen);
        if (!virtio_chain_write(t, c, 0, id, n))
            status = VIRTIO_BLK_S_IOERR;
        else
            used = (uint32_t)(n + 1);
    } else {
        status = VIRTIO_BLK_S_UNSUPP;
    }
    if (!virtio_chain_write(t, c, c->write_len - 1, &status, 1)) {
        virtio_mmio_error(t, "virtio-blk request (chain %u): cannot write the status byte",
                          c->head);
        return false;
    }
    r->used_len = used;
    r->cycles = VIRTIO_BLK_REQUEST_CYCLES + (data + VIRTIO_BLK_SECTOR_SIZE - 1) /
                                                VIRTIO_BLK_SECTOR_SIZE * VIRTIO_BLK_SECTOR_CYCLES;
    virtio_mmio_emit(t, &(struct virtio_event){ .kind = VIRTIO_EV_REQUEST,
                                                .cycle = virtio_mmio_now(t),
                                                .queue = c->queue,
                                                .head = c->head,
                                                .what = what,
                                                .sector = sector,
                                                .len = data,
                                                .status = status,
                                                .value = (uint32_t)r->cycles });
    return true;
}

static void blk_reset(void *dev)
{
    struct virtio_blk *b = dev;
    blockdev_flush(b->disk);
}

static void blk_free(void *dev)
{
    struct virtio_blk *b = dev;
    blockdev_flush(b->disk);
    free(b);
}

static const struct virtio_backend_ops blk_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                (1ull << VIRTIO_BLK_F_FLUSH),
    .nqueues = 1,
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .config_read = blk_config_read,
    .config_write = blk_config_write,
    .serve = blk_serve,
    .reset = blk_reset,
    .free = blk_free,
};

static const struct virtio_backend_ops blk_ro_ops = {
    .name = "virtio-blk",
    .device_id = VIRTIO_ID_BLOCK,
    .features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_RO),
    .nqueues = 1,
    .config_size = VIRTIO_BLK_CFG_SIZE,
    .config_read = blk_config_read,
    .config_write = blk_config_write,
    .serve = blk_serve,
    .reset = blk_reset,
    .free = blk_free,
};

bool virtio_blk_attach(struct virtio_mmio *t, struct blockdev *disk, char *err, size_t errlen)
{
    struct virtio_blk *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    b->disk = disk;
    b->capacity = blockdev_size(disk) / VIRTIO_BLK_SECTOR_SIZE;
    b->ro = blockdev_readonly(disk);
    put_le(b->config + VIRTIO_BLK_CFG_CAPACITY, b->capacity, 8);
    put_le(b->config + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_QUEUE_MAX - 2, 4);
    put_le(b->config + VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE, 4);
    const char *path = blockdev_path(disk);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > VIRTIO_BLK_ID_BYTES)
        base += n - VIRTIO_BLK_ID_BYTES, n = VIRTIO_BLK_ID_BYTES;
    memcpy(b->id, base, n);
    b->idlen = n;
    virtio_mmio_attach(t, b->ro ? &blk_ro_ops : &blk_ops, b);
    log_info("%s: virtio-blk on %s (%" PRIu64 " sectors%s%s)", virtio_mmio_name(t), path,
             b->capacity, b->ro ? ", read-only" : "",
             blockdev_snapshot(disk) ? ", snapshot: writes stay in memory" : "");
    return true;
}

struct blockdev *virtio_blk_disk(struct virtio_mmio *t)
{
    return virtio_mmio_device_id(t) == VIRTIO_ID_BLOCK
               ? ((struct virtio_blk *)virtio_mmio_backend(t))->disk
               : NULL;
}
