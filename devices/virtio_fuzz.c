/* The virtio fuzzing entry point (see virtio_fuzz.h): a bare machine with 64 KiB of RAM,
 * one virtio-mmio transport with a virtio-blk device on an in-memory snapshot disk, driven
 * through its registers as in virtio 1.2 section 3.1.1 (or 4.2.4 for the legacy layout).
 */
#include "devices/virtio_fuzz.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_mmio.h"
#include "host/blockdev.h"
#include "platform/machine.h"

#define BASE 0x10001000ull
#define RAM  0x80000000ull

static int disk_fd = -1;

static void reg(struct machine *m, unsigned off, uint32_t v)
{
    bus_store(&m->bus, BASE + off, 4, v);
}

int virtio_fuzz_one(const uint8_t *data, size_t size)
{
    uint8_t head[3] = { 0 };
    if (size)
        memcpy(head, data, size < 3 ? size : 3);
    if (disk_fd < 0) {
        disk_fd = memfd_create("hartlab-virtio-fuzz-disk", 0);
        if (disk_fd < 0 || ftruncate(disk_fd, 64 << 10) != 0)
            return -1;
    }
    char spec[64], err[256];
    snprintf(spec, sizeof spec, "/proc/self/fd/%d,snapshot", disk_fd);
    struct blockdev *disk = blockdev_open(spec, err, sizeof err);
    if (!disk)
        return -1;
    struct machine_options o;
    machine_options_default(&o);
    o.ram_size = VIRTIO_FUZZ_RAM;
    struct machine *m = machine_new(&o, err, sizeof err);
    int result = -1;
    struct virtio_mmio_config cfg = { .version = (head[0] & 4) ? 1 : 2, .name = "virtio-fuzz" };
    struct virtio_mmio *t = m ? virtio_mmio_new(m, BASE, &cfg) : NULL;
    if (!t || !virtio_blk_attach(t, disk, err, sizeof err))
        goto out;

    if (size > 3) {
        size_t n = size - 3 < VIRTIO_FUZZ_RAM ? size - 3 : VIRTIO_FUZZ_RAM;
        machine_write_mem(m, RAM, data + 3, n);
    }
    uint32_t qsize = 1u << (head[1] & 7);
    uint64_t features = 1ull << VIRTIO_F_VERSION_1;
    if (head[0] & 1)
        features |= 1ull << VIRTIO_F_INDIRECT_DESC;
    if (head[0] & 2)
        features |= 1ull << VIRTIO_F_EVENT_IDX;
    if (cfg.version == 1)
        features &= 0xffffffffull;
    reg(m, VIRTIO_MMIO_STATUS, 0);
    reg(m, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    reg(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    reg(m, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg(m, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    reg(m, VIRTIO_MMIO_STATUS, 0x0b);
    reg(m, VIRTIO_MMIO_QUEUE_SEL, 0);
    reg(m, VIRTIO_MMIO_QUEUE_NUM, qsize);
    uint64_t avail = RAM + 0x1000;
    if (cfg.version == 1) {
        /* Legacy: the rings follow the table; the available index goes where they are. */
        reg(m, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
        reg(m, VIRTIO_MMIO_QUEUE_ALIGN, 4096);
        reg(m, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(RAM >> 12));
        avail = RAM + 16ull * qsize;
    } else {
        reg(m, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RAM);
        reg(m, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM + 0x1000));
        reg(m, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM + 0x2000));
        reg(m, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    uint16_t idx = head[2];
    machine_write_mem(m, avail + 2, &idx, 2);
    reg(m, VIRTIO_MMIO_STATUS, 0x0f);
    reg(m, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    /* Run the device until it is idle: at most one event per request plus the kick, and
     * at most qsize requests (a bound kept here as well, so a bug cannot hang the fuzzer). */
    for (unsigned n = 0; n < 4 * VIRTIO_QUEUE_MAX && clock_next(&m->clock) != UINT64_MAX; n++) {
        m->clock.idle_now = clock_next(&m->clock);
        clock_run_due(&m->clock, m->clock.idle_now);
    }
    result = (virtio_mmio_status(t) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) ? 1 : 0;
out:
    machine_free(m);
    blockdev_close(disk);
    return result;
}
