/* The virtio-mmio transport ("virtio,mmio") and its split virtqueues, written from the
 * virtio 1.2 specification: 4.2 "Virtio Over MMIO" (register layout, device and driver
 * initialisation, notifications; 4.2.4 the legacy interface, version 1), 2.1 "Device Status
 * Field", 2.2 "Feature Bits", 2.4 "Device Reset", 2.5 "Device Configuration Space" (the
 * generation counter) and 2.7 "Split Virtqueues" (descriptor table, indirect descriptors,
 * available and used rings, used buffer notification suppression with and without
 * VIRTIO_F_EVENT_IDX).
 *
 * QEMU's virt board has 8 slots from 0x10001000, 0x1000 apart, on PLIC sources 1..8; a slot
 * without a device answers MagicValue, Version and DeviceID 0 (Linux skips it quietly).
 * hartlab's virt board lists all 8 (platform/boards/virt.dts). The devices are given to the
 * slots in tree order: first each `--drive` (a virtio-blk, devices/virtio_blk.h), then the
 * entropy device (devices/virtio_rng.h); the other slots stay empty.
 *
 * Timing (deterministic, counted in hart cycles on the virtual clock):
 *  - a QueueNotify write is seen by the device VIRTIO_NOTIFY_CYCLES later;
 *  - the device serves one request (one descriptor chain) at a time, in available-ring
 *    order over its queues; the back end does the work when it takes the chain and says
 *    how long it takes (virtio_blk.h and virtio_rng.h give their figures); the used-ring
 *    entry and the interrupt appear when that time has passed, and the next chain is taken
 *    then.
 *
 * Guest errors. Every guest memory access goes through the bus and must lie in RAM. A
 * driver that breaks the rules of 2.7 (a descriptor index or `next` outside the queue, a
 * chain longer than the queue (which is also how a loop shows), an indirect table that is
 * empty, not a multiple of 16 bytes, nested or not offered, a device-readable descriptor
 * after a device-writable one, a zero-length buffer, rings or tables outside RAM, an
 * available index that moved by more than the queue size) puts the device in the error
 * state: DEVICE_NEEDS_RESET is set in Status, a configuration change interrupt is sent
 * (4.2.2, if DRIVER_OK), the problem is logged once (host/log.h), and the device serves
 * nothing until the driver resets it. A back end may instead answer a request with an
 * error status where its device type has one (virtio-blk: VIRTIO_BLK_S_IOERR for data
 * buffers outside RAM). Nothing a guest writes can crash or hang hartlab.
 *
 * Usage (a back end):
 *     static const struct virtio_backend_ops my_ops = { .device_id = VIRTIO_ID_ENTROPY, ... };
 *     struct virtio_mmio *t = virtio_mmio_new(m, 0x10008000, &cfg);
 *     virtio_mmio_attach(t, &my_ops, me);
 * From a board: { "virtio,mmio", virtio_mmio_create } in platform/devtable.c.
 */
#ifndef HARTLAB_DEVICES_VIRTIO_MMIO_H
#define HARTLAB_DEVICES_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio.h"

struct machine;
struct virtio_mmio;

/* Cycles between a QueueNotify write and the device looking at the queue. */
#define VIRTIO_NOTIFY_CYCLES 100
/* Queues per device, and the largest queue the devices offer (QueueNumMax). */
#define VIRTIO_MAX_QUEUES    2
#define VIRTIO_QUEUE_MAX     256
/* Descriptors in one chain, indirect ones included: at most the queue size (2.7.5.3.1). */
#define VIRTIO_MAX_CHAIN     VIRTIO_QUEUE_MAX

/* One buffer of a chain: guest-physical, checked to lie in RAM unless `oob`. */
struct virtio_seg {
    uint64_t addr;
    uint32_t len;
    bool write; /* device-writable */
    bool oob;   /* not (wholly) in RAM: the back end must not touch it */
};

/* A descriptor chain as taken from the available ring: device-readable buffers first,
 * then device-writable ones (the transport checks that order). */
struct virtio_chain {
    unsigned queue;
    uint16_t head; /* the id the used-ring entry will carry */
    unsigned nseg, nread;
    uint64_t read_len, write_len;
    unsigned noob; /* buffers not in RAM */
    struct virtio_seg seg[VIRTIO_MAX_CHAIN];
};

/* What a back end answers for one chain. */
struct virtio_result {
    uint32_t used_len; /* bytes written into device-writable buffers */
    uint64_t cycles;   /* how long the request takes (>= 1) */
};

struct virtio_backend_ops {
    const char *name; /* "virtio-blk", for logs and traces */
    uint32_t device_id;
    uint64_t features; /* device-type bits offered; the transport adds VERSION_1,
                          INDIRECT_DESC and EVENT_IDX */
    unsigned nqueues;
    unsigned config_size; /* bytes of device configuration space */
    /* Configuration space, already bounds-checked against config_size. */
    uint32_t (*config_read)(void *dev, unsigned offset, unsigned size);
    void (*config_write)(void *dev, unsigned offset, unsigned size, uint32_t val);
    /* Serve one chain now. False: a device error (the back end has said why through
     * virtio_mmio_error). */
    bool (*serve)(void *dev, struct virtio_mmio *t, const struct virtio_chain *c,
                  struct virtio_result *r);
    /* The driver reset the device (Status = 0) or the machine was reset. */
    void (*reset)(void *dev);
    /* The machine is being freed. */
    void (*free)(void *dev);
};

struct virtio_mmio_config {
    unsigned irq_source; /* PLIC source; 0 = none */
    unsigned version;    /* 2 (default when 0) or 1 (legacy) */
    const char *name;    /* bus region name; NULL = "virtio" */
};

/* A transport at `base` (VIRTIO_MMIO_SIZE bytes) with no device (DeviceID 0) until a back
 * end is attached. NULL if the range is taken or out of memory. The machine frees it. */
struct virtio_mmio *virtio_mmio_new(struct machine *m, uint64_t base,
                                    const struct virtio_mmio_config *cfg);
void virtio_mmio_attach(struct virtio_mmio *t, const struct virtio_backend_ops *ops, void *dev);
/* The device_table constructor: reads `interrupts` (and hartlab,virtio-version = <1> for a
 * legacy transport) and attaches the next device the machine options ask for. */
bool virtio_mmio_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                        char *err, size_t errlen);

/* ---- for back ends ---- */

/* Put the device in the error state (see above) and log `fmt` once. */
void virtio_mmio_error(struct virtio_mmio *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copy `len` bytes starting `off` bytes into the chain's readable (write = false) or
 * writable (write = true) part, to or from `buf`. False if the chain part is shorter or a
 * buffer on the way is outside RAM. Writes keep the harts' cached code and reservations
 * coherent. */
bool virtio_chain_read(struct virtio_mmio *t, const struct virtio_chain *c, uint64_t off, void *buf,
                       uint64_t len);
bool virtio_chain_write(struct virtio_mmio *t, const struct virtio_chain *c, uint64_t off,
                        const void *buf, uint64_t len);
/* Host pointer to a segment's bytes (NULL if `oob`); after writing through it call
 * virtio_mmio_dma_written. */
uint8_t *virtio_seg_ptr(struct virtio_mmio *t, const struct virtio_seg *s);
void virtio_mmio_dma_written(struct virtio_mmio *t, uint64_t addr, uint64_t len);
/* The current cycle on the virtual clock. */
uint64_t virtio_mmio_now(const struct virtio_mmio *t);
/* Whether the driver accepted feature `bit`. */
bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned bit);

/* ---- observation (traces, tests) ---- */

enum virtio_event_kind {
    VIRTIO_EV_NOTIFY,   /* queue notified by the driver */
    VIRTIO_EV_REQUEST,  /* the device took a chain: `what`, sector, len */
    VIRTIO_EV_COMPLETE, /* used entry written: status, len = used length */
    VIRTIO_EV_IRQ,      /* interrupt status rose: value = InterruptStatus */
    VIRTIO_EV_STATUS,   /* driver wrote Status: value */
    VIRTIO_EV_ERROR,    /* the device entered the error state: what = why */
};

struct virtio_event {
    enum virtio_event_kind kind;
    uint64_t cycle;
    unsigned queue;
    uint16_t head;
    const char *what;
    uint64_t sector;
    uint64_t len;
    int status;
    uint32_t value;
};

typedef void (*virtio_observe_fn)(void *opaque, struct virtio_mmio *t,
                                  const struct virtio_event *ev);
/* One observer per transport (a new call replaces it). */
void virtio_mmio_observe(struct virtio_mmio *t, virtio_observe_fn fn, void *opaque);
/* Back ends describe their requests through this (no-op without an observer). */
void virtio_mmio_emit(struct virtio_mmio *t, const struct virtio_event *ev);

/* The k-th virtio-mmio transport on the machine's bus (bus order), or NULL. */
struct virtio_mmio *virtio_mmio_find(struct machine *m, unsigned k);
uint64_t virtio_mmio_base(const struct virtio_mmio *t);
struct machine *virtio_mmio_machine(const struct virtio_mmio *t);
const char *virtio_mmio_name(const struct virtio_mmio *t);
/* DeviceID (0 for an empty slot), back end name ("" when empty) and back end state. */
uint32_t virtio_mmio_device_id(const struct virtio_mmio *t);
const char *virtio_mmio_backend_name(const struct virtio_mmio *t);
void *virtio_mmio_backend(const struct virtio_mmio *t);
uint32_t virtio_mmio_status(const struct virtio_mmio *t);
/* Chains served since creation, and whether a request is in flight. */
uint64_t virtio_mmio_served(const struct virtio_mmio *t);
bool virtio_mmio_busy(const struct virtio_mmio *t);
/* Reset the device as a machine reset does. */
void virtio_mmio_reset(struct virtio_mmio *t);

#endif
