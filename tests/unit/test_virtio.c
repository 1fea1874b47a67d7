/* Unit tests of the virtio-mmio transport, its split virtqueues and the block and entropy
 * devices (devices/virtio_mmio.c, virtio_blk.c, virtio_rng.c, host/blockdev.c), driven as a
 * guest driver would: registers through the bus, rings and buffers in guest RAM, virtual
 * time advanced by hand.
 *
 * Sources: virtio 1.2, 4.2.2 (register layout: magic, version, device ID 0 for an empty
 * slot, QueueNumMax, QueueReady, InterruptStatus/ACK, ConfigGeneration), 4.2.4 (legacy
 * QueuePFN layout), 3.1.1 (initialisation order), 2.2 (FEATURES_OK refused for features
 * not offered), 2.4 (reset), 2.7.5 (descriptor chains), 2.7.5.3 (indirect descriptors),
 * 2.7.7 and 2.7.10 (notification suppression, VIRTIO_F_EVENT_IDX), 5.2 (block requests,
 * status codes, VIRTIO_BLK_F_RO) and 5.4 (entropy). Malformed chains (loops, indexes and
 * buffers outside the queue or RAM, zero lengths, too many descriptors, nested indirect
 * tables) must each end in DEVICE_NEEDS_RESET or an error status the guest sees, and a reset
 * must bring the device back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/virtio.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_fuzz.h"
#include "devices/virtio_mmio.h"
#include "devices/virtio_rng.h"
#include "host/blockdev.h"
#include "platform/machine.h"

#define BASE    0x10001000ull
#define RAM     0x80000000ull
#define DESC    (RAM + 0x1000)
#define AVAIL   (RAM + 0x2000)
#define USED    (RAM + 0x3000)
#define TABLE   (RAM + 0x4000) /* indirect tables */
#define HDR     (RAM + 0x5000)
#define DATA    (RAM + 0x6000)
#define STAT    (RAM + 0x9000)
#define QSIZE   8
#define SECTORS 64

struct fixture {
    struct machine *m;
    struct virtio_mmio *t;
    struct blockdev *disk;
    char path[64];
    uint64_t now;
    uint16_t avail_idx, used_seen;
};

static struct fixture F;

static uint8_t pattern(uint64_t sector, unsigned i)
{
    return (uint8_t)(sector * 7 + i);
}

/* A disk image of SECTORS sectors with the pattern above, and a machine with one transport. */
static struct fixture *setup_with(const char *opts, unsigned version, bool rng)
{
    struct fixture *f = &F;
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/hartlab-test-virtio-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    for (uint64_t s = 0; s < SECTORS; s++) {
        uint8_t sec[512];
        for (unsigned i = 0; i < 512; i++)
            sec[i] = pattern(s, i);
        assert_int_equal(write(fd, sec, 512), 512);
    }
    close(fd);
    struct machine_options o;
    char err[256], spec[128];
    machine_options_default(&o);
    o.ram_size = 1 << 20;
    f->m = machine_new(&o, err, sizeof err);
    assert_non_null(f->m);
    struct virtio_mmio_config cfg = { .version = version, .name = "virtio0" };
    f->t = virtio_mmio_new(f->m, BASE, &cfg);
    assert_non_null(f->t);
    if (rng) {
        assert_true(virtio_rng_attach(f->t, 42, false, err, sizeof err));
    } else if (opts) {
        snprintf(spec, sizeof spec, "%s%s", f->path, opts);
        f->disk = blockdev_open(spec, err, sizeof err);
        assert_non_null(f->disk);
        assert_true(virtio_blk_attach(f->t, f->disk, err, sizeof err));
    }
    return f;
}

static struct fixture *setup(void)
{
    return setup_with("", 2, false);
}

static void teardown(struct fixture *f)
{
    machine_free(f->m);
    blockdev_close(f->disk);
    unlink(f->path);
}

static uint32_t rd(struct fixture *f, unsigned off)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(bus_load(&f->m->bus, BASE + off, 4, &v), BUS_OK);
    return (uint32_t)v;
}

static void wr(struct fixture *f, unsigned off, uint32_t v)
{
    assert_int_equal(bus_store(&f->m->bus, BASE + off, 4, v), BUS_OK);
}

static void mem_w(struct fixture *f, uint64_t a, const void *p, size_t n)
{
    assert_true(machine_write_mem(f->m, a, p, n));
}

static void mem_r(struct fixture *f, uint64_t a, void *p, size_t n)
{
    assert_true(machine_read_mem(f->m, a, p, n));
}

static void w16(struct fixture *f, uint64_t a, uint16_t v)
{
    mem_w(f, a, &v, 2);
}

static uint16_t r16(struct fixture *f, uint64_t a)
{
    uint16_t v;
    mem_r(f, a, &v, 2);
    return v;
}

static uint32_t r32(struct fixture *f, uint64_t a)
{
    uint32_t v;
    mem_r(f, a, &v, 4);
    return v;
}

/* Advance virtual time by `cycles`, firing device events on the way. */
static void advance(struct fixture *f, uint64_t cycles)
{
    f->now += cycles;
    f->m->clock.idle_now = f->now;
    clock_run_due(&f->m->clock, f->now);
}

static void desc(struct fixture *f, uint64_t table, unsigned i, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
    uint8_t d[16];
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    mem_w(f, table + 16ull * i, d, 16);
}

/* 3.1.1 up to DRIVER_OK with `features`, queue 0 of QSIZE at DESC/AVAIL/USED. */
static void init_device(struct fixture *f, uint64_t features)
{
    static const uint8_t zero[0x1000];
    mem_w(f, DESC, zero, sizeof zero); /* fresh rings, as a driver allocates them */
    mem_w(f, AVAIL, zero, sizeof zero);
    mem_w(f, USED, zero, sizeof zero);
    wr(f, VIRTIO_MMIO_STATUS, 0);
    wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    wr(f, VIRTIO_MMIO_STATUS, 0x0b);
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0x0b);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_QUEUE_MAX);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* once ready, 4.2.2 */
    wr(f, VIRTIO_MMIO_STATUS, 0x0f);
    advance(f, 1000);
    f->avail_idx = f->used_seen = 0;
}

#define MODERN (1ull << VIRTIO_F_VERSION_1)

/* Make chain `head` available and notify. */
static void kick(struct fixture *f, uint16_t head)
{
    w16(f, AVAIL + 4 + 2 * (f->avail_idx % QSIZE), head);
    f->avail_idx++;
    w16(f, AVAIL + 2, f->avail_idx);
    wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Wait for the next used entry; returns its length, checks its id. */
static uint32_t wait_used(struct fixture *f, uint16_t head)
{
    for (int k = 0; k < 100 && r16(f, USED + 2) == f->used_seen; k++)
        advance(f, 100);
    assert_int_not_equal(r16(f, USED + 2), f->used_seen);
    uint64_t e = USED + 4 + 8ull * (f->used_seen % QSIZE);
    f->used_seen++;
    assert_int_equal(r32(f, e), head);
    return r32(f, e + 4);
}

/* A block request as three direct descriptors 0, 1, 2 (or two when len is 0). */
static uint8_t blk(struct fixture *f, uint32_t type, uint64_t sector, uint32_t len, bool write,
                   uint32_t *used)
{
    uint8_t h[16] = { 0 };
    memcpy(h, &type, 4);
    memcpy(h + 8, &sector, 8);
    mem_w(f, HDR, h, 16);
    uint8_t st = 0xee;
    mem_w(f, STAT, &st, 1);
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    if (len) {
        desc(f, DESC, 1, DATA, len, VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), 2);
        desc(f, DESC, 2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    } else {
        desc(f, DESC, 1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    }
    kick(f, 0);
    uint32_t u = wait_used(f, 0);
    if (used)
        *used = u;
    mem_r(f, STAT, &st, 1);
    return st;
}

static void assert_needs_reset(struct fixture *f)
{
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_true(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
    /* The device serves nothing more until reset... */
    uint16_t used = r16(f, USED + 2);
    advance(f, 100000);
    assert_int_equal(r16(f, USED + 2), used);
    /* ...and works again after one. */
    init_device(f, MODERN | (1ull << VIRTIO_F_INDIRECT_DESC));
    assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 1, 512, false, NULL), VIRTIO_BLK_S_OK);
}

/* ---- transport ---- */

static void test_empty_slot(void **state)
{
    struct fixture *f = setup_with(NULL, 2, false);
    assert_int_equal(rd(f, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
    assert_int_equal(rd(f, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_VENDOR_ID), VIRTIO_VENDOR_QEMU);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    wr(f, VIRTIO_MMIO_STATUS, 0x0f);
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
    teardown(f);
}

static void test_features(void **state)
{
    struct fixture *f = setup();
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = rd(f, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint32_t hi = rd(f, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    assert_int_equal(hi, 1); /* VERSION_1 */
    assert_true(lo & (1u << VIRTIO_F_INDIRECT_DESC));
    assert_true(lo & (1u << VIRTIO_F_EVENT_IDX));
    assert_true(lo & (1u << VIRTIO_BLK_F_FLUSH));
    assert_true(lo & (1u << VIRTIO_BLK_F_SEG_MAX));
    assert_true(lo & (1u << VIRTIO_BLK_F_BLK_SIZE));
    assert_false(lo & (1u << VIRTIO_BLK_F_RO));
    /* A feature the device did not offer: FEATURES_OK does not stick (2.2.2). */
    wr(f, VIRTIO_MMIO_STATUS, 3);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_BLK_F_GEOMETRY);
    wr(f, VIRTIO_MMIO_STATUS, 0x0b);
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 3);
    /* Reset clears the driver's features; offered ones are accepted. */
    init_device(f, MODERN | (1u << VIRTIO_BLK_F_FLUSH));
    assert_true(virtio_mmio_has_feature(f->t, VIRTIO_BLK_F_FLUSH));
    assert_false(virtio_mmio_has_feature(f->t, VIRTIO_F_EVENT_IDX));
    teardown(f);
}

static void test_config_space(void **state)
{
    struct fixture *f = setup();
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY), SECTORS);
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX), VIRTIO_QUEUE_MAX - 2);
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_BLK_SIZE), 512);
    uint64_t v;
    assert_int_equal(bus_load(&f->m->bus, BASE + VIRTIO_MMIO_CONFIG, 8, &v), BUS_OK);
    assert_int_equal(v, SECTORS);
    assert_int_equal(bus_load(&f->m->bus, BASE + VIRTIO_MMIO_CONFIG, 1, &v), BUS_OK);
    assert_int_equal(v, SECTORS);
    assert_int_equal(bus_load(&f->m->bus, BASE + VIRTIO_MMIO_CONFIG + 0x14, 2, &v), BUS_OK);
    assert_int_equal(v, 512);
    /* Past the configuration space: 0 (logged). */
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 0x40), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION), 0);
    teardown(f);
}

static void test_queue_setup_rules(void **state)
{
    struct fixture *f = setup();
    wr(f, VIRTIO_MMIO_STATUS, 3);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 1); /* virtio-blk has one queue */
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, 6); /* not a power of 2 */
    wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    /* Rings outside RAM. */
    wr(f, VIRTIO_MMIO_STATUS, 0);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, 8);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    /* Misaligned used ring. */
    wr(f, VIRTIO_MMIO_STATUS, 0);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, 8);
    wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(f, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(f, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED + 2);
    wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
    /* A 16-bit register access is ignored (registers are 32-bit). */
    uint64_t v = 1;
    assert_int_equal(bus_load(&f->m->bus, BASE + VIRTIO_MMIO_MAGIC_VALUE, 2, &v), BUS_OK);
    assert_int_equal(v, 0);
    teardown(f);
}

/* ---- block requests ---- */

static void test_read_and_timing(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    uint8_t junk[1024];
    memset(junk, 0xaa, sizeof junk);
    mem_w(f, DATA, junk, sizeof junk);
    uint64_t start = f->now;
    uint32_t used;
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 3, 1024, false, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 1025);
    uint8_t got[1024];
    mem_r(f, DATA, got, sizeof got);
    for (unsigned i = 0; i < 1024; i++)
        assert_int_equal(got[i], pattern(3 + i / 512, i % 512));
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    wr(f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    (void)start;
    /* Exact timing, documented in virtio_mmio.h / virtio_blk.h: with the clock idle (as
     * when the hart waits in wfi) the device takes the chain VIRTIO_NOTIFY_CYCLES after the
     * notify and completes a 1-sector read VIRTIO_BLK_REQUEST_CYCLES +
     * VIRTIO_BLK_SECTOR_CYCLES later. */
    desc(f, DESC, 1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    kick(f, 0);
    advance(f, VIRTIO_NOTIFY_CYCLES - 1);
    assert_false(virtio_mmio_busy(f->t));
    advance(f, 1);
    assert_true(virtio_mmio_busy(f->t));
    advance(f, VIRTIO_BLK_REQUEST_CYCLES + VIRTIO_BLK_SECTOR_CYCLES - 1);
    assert_int_equal(r16(f, USED + 2), f->used_seen);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    advance(f, 1);
    assert_int_equal(r16(f, USED + 2), f->used_seen + 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    teardown(f);
}

static void test_write_reaches_file(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    uint8_t d[512];
    for (unsigned i = 0; i < 512; i++)
        d[i] = (uint8_t)(0x55 ^ i);
    mem_w(f, DATA, d, 512);
    uint32_t used;
    assert_int_equal(blk(f, VIRTIO_BLK_T_OUT, 5, 512, true, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 1);
    /* Acknowledged means in the file, before any flush or close. */
    FILE *fp = fopen(f->path, "rb");
    uint8_t got[512];
    fseek(fp, 5 * 512, SEEK_SET);
    assert_int_equal(fread(got, 1, 512, fp), 512);
    fclose(fp);
    assert_memory_equal(got, d, 512);
    assert_int_equal(blk(f, VIRTIO_BLK_T_FLUSH, 0, 0, false, &used), VIRTIO_BLK_S_OK);
    /* Out of range, partial sector: IOERR. */
    assert_int_equal(blk(f, VIRTIO_BLK_T_OUT, SECTORS, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, SECTORS - 1, 1024, false, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 0, 100, false, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, UINT64_MAX, 512, false, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(blk(f, 99, 0, 512, false, NULL), VIRTIO_BLK_S_UNSUPP);
    teardown(f);
}

static void test_readonly(void **state)
{
    struct fixture *f = setup_with(",readonly", 2, false);
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_true(rd(f, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << VIRTIO_BLK_F_RO));
    init_device(f, MODERN | (1u << VIRTIO_BLK_F_RO));
    uint8_t d[512];
    memset(d, 0x77, sizeof d);
    mem_w(f, DATA, d, 512);
    assert_int_equal(blk(f, VIRTIO_BLK_T_OUT, 0, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    uint8_t got[512];
    mem_r(f, DATA, got, 512);
    assert_int_equal(got[100], pattern(0, 100));
    teardown(f);
}

static void test_snapshot(void **state)
{
    struct fixture *f = setup_with(",snapshot", 2, false);
    init_device(f, MODERN);
    uint8_t d[1024];
    memset(d, 0x5a, sizeof d);
    mem_w(f, DATA, d, sizeof d);
    assert_int_equal(blk(f, VIRTIO_BLK_T_OUT, 7, 1024, true, NULL), VIRTIO_BLK_S_OK);
    memset(d, 0, sizeof d);
    mem_w(f, DATA, d, sizeof d);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 6, 1024, false, NULL), VIRTIO_BLK_S_OK);
    uint8_t got[1024];
    mem_r(f, DATA, got, sizeof got);
    assert_int_equal(got[0], pattern(6, 0)); /* sector 6 from the file */
    assert_int_equal(got[512], 0x5a);        /* sector 7 from the overlay */
    FILE *fp = fopen(f->path, "rb");
    fseek(fp, 7 * 512, SEEK_SET);
    assert_int_equal(fread(got, 1, 512, fp), 512);
    fclose(fp);
    assert_int_equal(got[0], pattern(7, 0)); /* the file never changes */
    teardown(f);
}

static void test_get_id(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    uint32_t used;
    assert_int_equal(blk(f, VIRTIO_BLK_T_GET_ID, 0, 20, false, &used), VIRTIO_BLK_S_OK);
    char id[21] = { 0 };
    mem_r(f, DATA, id, 20);
    /* The file name, its last 20 bytes when longer (5.2.6: the ID is at most 20 bytes). */
    const char *base = strrchr(f->path, '/') + 1;
    assert_true(strlen(base) > 20);
    assert_string_equal(id, base + strlen(base) - 20);
    assert_int_equal(used, 21);
    teardown(f);
}

static void test_indirect(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN | (1ull << VIRTIO_F_INDIRECT_DESC));
    uint8_t h[16] = { 0 };
    h[8] = 9; /* sector 9, type IN */
    mem_w(f, HDR, h, 16);
    desc(f, TABLE, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(f, TABLE, 1, DATA, 256, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc(f, TABLE, 2, DATA + 256, 256, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
    desc(f, TABLE, 3, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    desc(f, DESC, 5, TABLE, 64, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 5);
    assert_int_equal(wait_used(f, 5), 513);
    uint8_t got[512], st;
    mem_r(f, DATA, got, 512);
    mem_r(f, STAT, &st, 1);
    assert_int_equal(st, VIRTIO_BLK_S_OK);
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(got[i], pattern(9, i));
    teardown(f);
}

static void test_no_interrupt_flag(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    w16(f, AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
    blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    w16(f, AVAIL, 0);
    blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
    teardown(f);
}

static void test_event_idx(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN | (1ull << VIRTIO_F_EVENT_IDX));
    /* used_event = 2: interrupts only when the used index passes 2, i.e. after entry 3. */
    w16(f, AVAIL + 4 + 2 * QSIZE, 2);
    for (int k = 0; k < 4; k++) {
        wr(f, VIRTIO_MMIO_INTERRUPT_ACK, 3);
        blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL);
        /* avail_event: the device wants a notification for the next entry (2.7.10). */
        assert_int_equal(r16(f, USED + 4 + 8 * QSIZE), f->avail_idx);
        /* The first completion always notifies (nothing signalled yet), then only the one
         * that moves used_idx past used_event. */
        bool irq = rd(f, VIRTIO_MMIO_INTERRUPT_STATUS) & 1;
        assert_int_equal(irq, k == 0 || k == 2);
    }
    teardown(f);
}

static void test_reset_and_machine_reset(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL);
    assert_int_not_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    wr(f, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
    init_device(f, MODERN);
    assert_int_equal(blk(f, VIRTIO_BLK_T_IN, 0, 512, false, NULL), VIRTIO_BLK_S_OK);
    /* A request in flight when the machine resets is dropped with the device state. */
    kick(f, 0);
    advance(f, VIRTIO_NOTIFY_CYCLES);
    assert_true(virtio_mmio_busy(f->t));
    f->m->resets[0].fn(f->m->resets[0].opaque);
    assert_false(virtio_mmio_busy(f->t));
    assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
    advance(f, 100000);
    teardown(f);
}

static void test_legacy(void **state)
{
    struct fixture *f = setup_with("", 1, false);
    assert_int_equal(rd(f, VIRTIO_MMIO_VERSION), 1);
    wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0); /* no VERSION_1 */
    wr(f, VIRTIO_MMIO_STATUS, 3);
    wr(f, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
    wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(f, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(f, VIRTIO_MMIO_QUEUE_ALIGN, 4096);
    wr(f, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(DESC >> 12));
    assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_PFN), DESC >> 12);
    wr(f, VIRTIO_MMIO_STATUS, 7);
    /* Legacy layout: available ring right after the descriptors, used ring on the next
     * 4096-byte boundary. */
    uint64_t avail = DESC + 16 * QSIZE, used = DESC + 4096;
    uint8_t h[16] = { 0 };
    h[8] = 4;
    mem_w(f, HDR, h, 16);
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(f, DESC, 1, DATA, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc(f, DESC, 2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    w16(f, avail + 4, 0);
    w16(f, avail + 2, 1);
    wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    advance(f, 100);
    advance(f, 10000);
    assert_int_equal(r16(f, used + 2), 1);
    assert_int_equal(r32(f, used + 8), 513);
    uint8_t got[2];
    mem_r(f, DATA, got, 2);
    assert_int_equal(got[1], pattern(4, 1));
    teardown(f);
}

/* ---- malformed chains: each ends in a guest-visible error, never a hang ---- */

static void test_loop(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(f, DESC, 1, DATA, 512, VIRTQ_DESC_F_NEXT, 0); /* back to 0 */
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_next_out_of_range(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, QSIZE);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_head_out_of_range(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    kick(f, 0x7fff);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_zero_length(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(f, DESC, 1, DATA, 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    desc(f, DESC, 2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* A zero-length indirect table too. */
    desc(f, DESC, 3, TABLE, 0, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 3);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_too_many_descriptors(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN | (1ull << VIRTIO_F_INDIRECT_DESC));
    /* An indirect table of 300 chained 1-byte buffers: more than a chain may hold. */
    for (unsigned i = 0; i < 300; i++)
        desc(f, TABLE, i, DATA + i, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, (uint16_t)(i + 1));
    desc(f, TABLE, 299, DATA + 299, 1, VIRTQ_DESC_F_WRITE, 0);
    desc(f, DESC, 0, TABLE, 300 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_indirect_rules(void **state)
{
    struct fixture *f = setup();
    /* Indirect without the feature negotiated. */
    init_device(f, MODERN);
    desc(f, DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f); /* re-initialises with INDIRECT_DESC */
    /* An indirect table naming another. */
    desc(f, TABLE, 0, TABLE + 0x100, 32, VIRTQ_DESC_F_INDIRECT, 0);
    desc(f, DESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* An indirect table outside RAM, and one not a multiple of 16 bytes. */
    desc(f, DESC, 0, 0x40000000, 32, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    desc(f, DESC, 0, TABLE, 24, VIRTQ_DESC_F_INDIRECT, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* INDIRECT together with NEXT. */
    desc(f, DESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_buffers_outside_ram(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    /* Data outside RAM (and wrapping around the address space): the request fails with
     * IOERR in the status byte, the device goes on. */
    uint8_t h[16] = { 0 };
    mem_w(f, HDR, h, 16);
    const uint64_t bad[] = { 0x1000, RAM + (1 << 20) - 256, UINT64_MAX - 100 };
    for (unsigned k = 0; k < 3; k++) {
        desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
        desc(f, DESC, 1, bad[k], 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
        desc(f, DESC, 2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
        kick(f, 0);
        assert_int_equal(wait_used(f, 0), 1);
        uint8_t st;
        mem_r(f, STAT, &st, 1);
        assert_int_equal(st, VIRTIO_BLK_S_IOERR);
    }
    assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    /* The header outside RAM: IOERR as well. */
    desc(f, DESC, 0, 0x2000, 16, VIRTQ_DESC_F_NEXT, 2);
    kick(f, 0);
    assert_int_equal(wait_used(f, 0), 1);
    /* The status byte outside RAM: nowhere to report it, so the device needs a reset. */
    desc(f, DESC, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(f, DESC, 1, 0x3000, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* The used ring vanishing is caught too: point the whole queue outside RAM. */
    teardown(f);
}

static void test_order_and_short_header(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    /* A device-readable descriptor after a device-writable one. */
    desc(f, DESC, 0, STAT, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(f, DESC, 1, HDR, 16, 0, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* A header shorter than 16 bytes. */
    desc(f, DESC, 0, HDR, 8, VIRTQ_DESC_F_NEXT, 1);
    desc(f, DESC, 1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    /* No writable byte for the status. */
    desc(f, DESC, 0, HDR, 16, 0, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_needs_reset(f);
    teardown(f);
}

static void test_avail_index_jump(void **state)
{
    struct fixture *f = setup();
    init_device(f, MODERN);
    w16(f, AVAIL + 2, 1000);
    wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    advance(f, 10000);
    f->avail_idx = 0;
    assert_needs_reset(f);
    teardown(f);
}

/* ---- entropy ---- */

static void test_rng_deterministic(void **state)
{
    struct fixture *f = setup_with(NULL, 2, true);
    assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_ENTROPY);
    init_device(f, MODERN);
    uint8_t want[48], got[48];
    virtio_rng_stream(42, 0, want, sizeof want);
    /* 16 bytes, then 32 split over two buffers: one stream however it is asked for. */
    desc(f, DESC, 0, DATA, 16, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 0);
    assert_int_equal(wait_used(f, 0), 16);
    desc(f, DESC, 1, DATA + 16, 5, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    desc(f, DESC, 2, DATA + 21, 27, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 1);
    assert_int_equal(wait_used(f, 1), 32);
    mem_r(f, DATA, got, sizeof got);
    assert_memory_equal(got, want, sizeof want);
    /* A buffer outside RAM: the device needs a reset. */
    desc(f, DESC, 0, 0x1000, 16, VIRTQ_DESC_F_WRITE, 0);
    kick(f, 0);
    advance(f, 10000);
    assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    teardown(f);
}

/* ---- host side ---- */

static void test_blockdev_errors(void **state)
{
    char err[512];
    assert_null(blockdev_open("/nonexistent/disk.img", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/disk.img"));
    assert_non_null(strstr(err, "No such file"));
    char path[] = "/tmp/hartlab-test-odd-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_null(blockdev_open(path, err, sizeof err));
    assert_non_null(strstr(err, "not a whole number of 512-byte sectors"));
    char spec[128];
    snprintf(spec, sizeof spec, "%s,readnoly", path);
    assert_null(blockdev_open(spec, err, sizeof err));
    assert_non_null(strstr(err, "unknown option 'readnoly'"));
    assert_int_equal(truncate(path, 1024), 0);
    /* One writer at a time; a writer excludes snapshot readers and vice versa. */
    struct blockdev *a = blockdev_open(path, err, sizeof err);
    assert_non_null(a);
    assert_null(blockdev_open(path, err, sizeof err));
    assert_non_null(strstr(err, "in use"));
    snprintf(spec, sizeof spec, "%s,snapshot", path);
    assert_null(blockdev_open(spec, err, sizeof err));
    blockdev_close(a);
    a = blockdev_open(spec, err, sizeof err);
    struct blockdev *b = blockdev_open(spec, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(blockdev_open(path, err, sizeof err));
    blockdev_close(a);
    blockdev_close(b);
    unlink(path);
}

/* The fuzz entry point (devices/virtio_fuzz.h) on a few fixed inputs: it must not crash,
 * and answers whether the device ended in the error state. */
static void test_fuzz_entry(void **state)
{
    uint8_t in[512];
    for (unsigned seed = 0; seed < 64; seed++) {
        for (unsigned i = 0; i < sizeof in; i++)
            in[i] = (uint8_t)(seed * 131 + i * 17 + (i >> 3));
        virtio_fuzz_one(in, seed * 8);
    }
    assert_int_equal(virtio_fuzz_one(NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_slot),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_config_space),
        cmocka_unit_test(test_queue_setup_rules),
        cmocka_unit_test(test_read_and_timing),
        cmocka_unit_test(test_write_reaches_file),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_get_id),
        cmocka_unit_test(test_indirect),
        cmocka_unit_test(test_no_interrupt_flag),
        cmocka_unit_test(test_event_idx),
        cmocka_unit_test(test_reset_and_machine_reset),
        cmocka_unit_test(test_legacy),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_next_out_of_range),
        cmocka_unit_test(test_head_out_of_range),
        cmocka_unit_test(test_zero_length),
        cmocka_unit_test(test_too_many_descriptors),
        cmocka_unit_test(test_indirect_rules),
        cmocka_unit_test(test_buffers_outside_ram),
        cmocka_unit_test(test_order_and_short_header),
        cmocka_unit_test(test_avail_index_jump),
        cmocka_unit_test(test_rng_deterministic),
        cmocka_unit_test(test_blockdev_errors),
        cmocka_unit_test(test_fuzz_entry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
