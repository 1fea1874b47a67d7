/* The virtio-mmio transport and split virtqueues (see virtio_mmio.h), from the virtio 1.2
 * specification: 4.2.2 (register layout and what each access does), 4.2.3 (initialisation:
 * queue set-up through QueueNum, QueueDesc, QueueDriver, QueueDevice, QueueReady,
 * notifications), 4.2.4 (the legacy interface: GuestPageSize, QueueAlign, QueuePFN), 2.1
 * (DEVICE_NEEDS_RESET), 2.2 (FEATURES_OK is cleared when the driver accepted a feature the
 * device did not offer), 2.4 (reset), 2.5.1 (ConfigGeneration), 2.7.5 (descriptor table),
 * 2.7.5.3 (indirect descriptors), 2.7.6 (available ring), 2.7.7 (used buffer notification
 * suppression), 2.7.8 (used ring) and 2.7.10 (available buffer notification suppression:
 * avail_event).
 *
 * Guest memory is reached only through bus_ram_ptr(), which answers a host pointer only for
 * a range wholly inside one RAM region: every ring, table and buffer access is checked.
 */
#include "devices/virtio_mmio.h"

#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cluster.h"
#include "core/hart.h"
#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "devices/virtio_blk.h"
#include "devices/virtio_rng.h"
#include "host/log.h"
#include "platform/machine.h"

#define LEGACY_QUEUE_ALIGN 4096 /* QueueAlign before the driver writes it */

/* guest_error() keys name the kind of problem, not the device (the log copies them), so
 * each kind is reported three times in all, whichever virtio slot it comes from. */

struct virtq {
    uint32_t num; /* QueueNum */
    bool ready;
    uint64_t desc, avail, used; /* guest-physical addresses of the three parts */
    uint32_t pfn, align;        /* legacy */
    uint16_t last_avail;        /* next available-ring index the device takes */
    uint16_t used_idx;          /* the device's copy of used->idx */
    uint16_t signalled_used;    /* used_idx at the last notification decision (EVENT_IDX) */
    bool signalled_valid;
};

struct virtio_mmio {
    struct machine *m;
    uint64_t base;
    unsigned version;
    char name[40];
    const struct virtio_backend_ops *ops; /* NULL: an empty slot */
    void *dev;

    /* Registers. */
    uint32_t status, isr;
    uint32_t dev_features_sel, drv_features_sel;
    uint64_t driver_features;
    uint32_t queue_sel;
    uint32_t guest_page_size; /* legacy */
    uint32_t config_generation;
    struct virtq q[VIRTIO_MAX_QUEUES];

    /* The device's own state. */
    bool broken;   /* in the error state until reset */
    bool busy;     /* a request is in flight until `done` fires */
    unsigned next; /* queue to look at first (round robin) */
    struct {
        unsigned queue;
        uint16_t head;
        uint32_t used_len;
    } inflight;
    uint64_t served;
    struct clock_event kick, done;
    struct irq_line irq;
    struct virtio_chain chain; /* the chain being taken (scratch) */

    virtio_observe_fn obs;
    void *obs_opaque;
};

/* ---- helpers ---- */

struct machine *virtio_mmio_machine(const struct virtio_mmio *t)
{
    return t->m;
}

uint64_t virtio_mmio_now(const struct virtio_mmio *t)
{
    return clock_now(&t->m->clock);
}

void virtio_mmio_emit(struct virtio_mmio *t, const struct virtio_event *ev)
{
    if (t->obs)
        t->obs(t->obs_opaque, t, ev);
}

static void update_irq(struct virtio_mmio *t)
{
    irq_set(&t->irq, t->isr != 0);
}

static void raise_isr(struct virtio_mmio *t, uint32_t bits, uint64_t when)
{
    uint32_t old = t->isr;
    t->isr |= bits;
    /* Every notification is signalled, also while the line is already high (QEMU's
     * virtio_notify does the same): a PLIC with the "signal" gateway takes each as a
     * request. */
    irq_signal(&t->irq, true);
    if (t->isr != old)
        virtio_mmio_emit(
            t, &(struct virtio_event){ .kind = VIRTIO_EV_IRQ, .cycle = when, .value = t->isr });
}

void virtio_mmio_error(struct virtio_mmio *t, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (t->broken)
        return;
    t->broken = true;
    guest_error("virtio-needs-reset", "%s (%s): %s; the device needs a reset (DEVICE_NEEDS_RESET)",
                t->name, t->ops ? t->ops->name : "empty", why);
    t->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    clock_cancel(&t->m->clock, &t->kick);
    clock_cancel(&t->m->clock, &t->done);
    t->busy = false;
    uint64_t now = virtio_mmio_now(t);
    virtio_mmio_emit(t,
                     &(struct virtio_event){ .kind = VIRTIO_EV_ERROR, .cycle = now, .what = why });
    /* 4.2.2: a configuration change notification tells the driver to look at Status. */
    if (t->status & VIRTIO_STATUS_DRIVER_OK)
        raise_isr(t, VIRTIO_MMIO_INT_CONFIG, now);
}

static uint64_t offered_features(const struct virtio_mmio *t)
{
    if (!t->ops)
        return 0;
    uint64_t f = t->ops->features | (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_F_EVENT_IDX);
    if (t->version == 1)
        return f & 0xffffffffull; /* legacy: 32 feature bits, no VERSION_1 */
    return f | (1ull << VIRTIO_F_VERSION_1);
}

bool virtio_mmio_has_feature(const struct virtio_mmio *t, unsigned bit)
{
    return bit < 64 && ((t->driver_features >> bit) & 1);
}

/* Guest RAM, bounds-checked. */
static uint8_t *ram(struct virtio_mmio *t, uint64_t addr, uint64_t len)
{
    if (len == 0 || addr + len < addr)
        return NULL;
    return bus_ram_ptr(&t->m->bus, addr, len);
}

void virtio_mmio_dma_written(struct virtio_mmio *t, uint64_t addr, uint64_t len)
{
    if (len)
        cluster_notice_store(t->m->cluster, addr, len);
}

static bool rd16(struct virtio_mmio *t, uint64_t addr, uint16_t *v)
{
    const uint8_t *p = ram(t, addr, 2);
    if (!p)
        return false;
    *v = (uint16_t)(p[0] | p[1] << 8);
    return true;
}

static bool wr16(struct virtio_mmio *t, uint64_t addr, uint16_t v)
{
    uint8_t *p = ram(t, addr, 2);
    if (!p)
        return false;
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    virtio_mmio_dma_written(t, addr, 2);
    return true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

uint8_t *virtio_seg_ptr(struct virtio_mmio *t, const struct virtio_seg *s)
{
    return s->oob ? NULL : ram(t, s->addr, s->len);
}

static bool chain_copy(struct virtio_mmio *t, const struct virtio_chain *c, bool write,
                       uint64_t off, void *buf, uint64_t len)
{
    uint8_t *b = buf;
    unsigned first = write ? c->nread : 0, end = write ? c->nseg : c->nread;
    for (unsigned k = first; k < end && len > 0; k++) {
        const struct virtio_seg *s = &c->seg[k];
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        uint64_t n = s->len - off < len ? s->len - off : len;
        uint8_t *p = virtio_seg_ptr(t, s);
        if (!p)
            return false;
        if (write) {
            memcpy(p + off, b, n);
            virtio_mmio_dma_written(t, s->addr + off, n);
        } else {
            memcpy(b, p + off, n);
        }
        b += n;
        len -= n;
        off = 0;
    }
    return len == 0;
}

bool virtio_chain_read(struct virtio_mmio *t, const struct virtio_chain *c, uint64_t off, void *buf,
                       uint64_t len)
{
    return chain_copy(t, c, false, off, buf, len);
}

bool virtio_chain_write(struct virtio_mmio *t, const struct virtio_chain *c, uint64_t off,
                        const void *buf, uint64_t len)
{
    return chain_copy(t, c, true, off, (void *)buf, len);
}

/* ---- the split virtqueue ---- */

/* Walk the chain whose head is `head` (2.7.5, 2.7.5.3) into t->chain. False (after
 * virtio_mmio_error) if it breaks the rules. */
static bool parse_chain(struct virtio_mmio *t, unsigned qi, uint16_t head)
{
    struct virtq *q = &t->q[qi];
    struct virtio_chain *c = &t->chain;
    c->queue = qi;
    c->head = head;
    c->nseg = c->nread = c->noob = 0;
    c->read_len = c->write_len = 0;
    if (head >= q->num) {
        virtio_mmio_error(t,
                          "queue %u: available ring names descriptor %u, outside the queue of %u",
                          qi, head, q->num);
        return false;
    }
    uint64_t table = q->desc;
    uint32_t table_n = q->num;
    bool indirect = false;
    unsigned visited = 0;
    uint32_t i = head;
    for (;;) {
        if (++visited > table_n) {
            virtio_mmio_error(t,
                              "queue %u: the chain from descriptor %u is longer than its %s "
                              "(%u descriptors): a loop",
                              qi, head, indirect ? "indirect table" : "queue", table_n);
            return false;
        }
        const uint8_t *d = ram(t, table + (uint64_t)i * VIRTQ_DESC_SIZE, VIRTQ_DESC_SIZE);
        if (!d) {
            virtio_mmio_error(t, "queue %u: %sdescriptor %u at 0x%" PRIx64 " is outside RAM", qi,
                              indirect ? "indirect " : "", i,
                              table + (uint64_t)i * VIRTQ_DESC_SIZE);
            return false;
        }
        uint64_t addr = (uint64_t)le32(d) | (uint64_t)le32(d + 4) << 32;
        uint32_t len = le32(d + 8);
        uint16_t flags = (uint16_t)(d[12] | d[13] << 8);
        uint16_t next = (uint16_t)(d[14] | d[15] << 8);
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            const char *bad = NULL;
            if (!virtio_mmio_has_feature(t, VIRTIO_F_INDIRECT_DESC))
                bad = "an indirect descriptor, but VIRTIO_F_INDIRECT_DESC was not negotiated";
            else if (indirect)
                bad = "an indirect descriptor inside an indirect table";
            else if (flags & VIRTQ_DESC_F_NEXT)
                bad = "an indirect descriptor with NEXT set";
            else if (len == 0 || len % VIRTQ_DESC_SIZE)
                bad = "an indirect table whose length is not a non-zero multiple of 16";
            else if (!ram(t, addr, len))
                bad = "an indirect table outside RAM";
            if (bad) {
                virtio_mmio_error(t, "queue %u: descriptor %u is %s (0x%" PRIx64 ", %u bytes)", qi,
                                  i, bad, addr, len);
                return false;
            }
            table = addr;
            table_n = len / VIRTQ_DESC_SIZE;
            indirect = true;
            visited = 0;
            i = 0;
            continue;
        }
        if (len == 0) {
            virtio_mmio_error(t, "queue %u: descriptor %u is a zero-length buffer", qi, i);
            return false;
        }
        bool w = flags & VIRTQ_DESC_F_WRITE;
        if (!w && c->nseg > c->nread) {
            virtio_mmio_error(t,
                              "queue %u: descriptor %u is device-readable but follows a "
                              "device-writable one",
                              qi, i);
            return false;
        }
        if (c->nseg == VIRTIO_MAX_CHAIN) {
            virtio_mmio_error(t, "queue %u: the chain from descriptor %u has more than %u buffers",
                              qi, head, VIRTIO_MAX_CHAIN);
            return false;
        }
        struct virtio_seg *s = &c->seg[c->nseg++];
        s->addr = addr;
        s->len = len;
        s->write = w;
        s->oob = ram(t, addr, len) == NULL;
        c->noob += s->oob;
        if (w) {
            c->write_len += len;
        } else {
            c->nread++;
            c->read_len += len;
        }
        if (!(flags & VIRTQ_DESC_F_NEXT))
            return true;
        if (next >= table_n) {
            virtio_mmio_error(t, "queue %u: descriptor %u's next (%u) is outside the %s of %u", qi,
                              i, next, indirect ? "indirect table" : "queue", table_n);
            return false;
        }
        i = next;
    }
}

/* Take the next available chain (round robin over the queues) and hand it to the back end;
 * `when` is the device's time. */
static void take_next(struct virtio_mmio *t, uint64_t when)
{
    if (t->broken || t->busy || !t->ops || !(t->status & VIRTIO_STATUS_DRIVER_OK))
        return;
    unsigned nq = t->ops->nqueues;
    for (unsigned n = 0; n < nq; n++) {
        unsigned qi = (t->next + n) % nq;
        struct virtq *q = &t->q[qi];
        if (!q->ready)
            continue;
        uint16_t avail_idx, head;
        if (!rd16(t, q->avail + 2, &avail_idx)) {
            virtio_mmio_error(t, "queue %u: the available ring at 0x%" PRIx64 " is outside RAM", qi,
                              q->avail);
            return;
        }
        uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
        if (pending == 0)
            continue;
        if (pending > q->num) {
            virtio_mmio_error(t,
                              "queue %u: the available index moved from %u to %u, more than the "
                              "queue size %u",
                              qi, q->last_avail, avail_idx, q->num);
            return;
        }
        if (!rd16(t, q->avail + 4 + 2ull * (q->last_avail % q->num), &head)) {
            virtio_mmio_error(t, "queue %u: the available ring is outside RAM", qi);
            return;
        }
        q->last_avail++;
        /* 2.7.10: ask to be notified when the driver makes the next entry available. */
        if (virtio_mmio_has_feature(t, VIRTIO_F_EVENT_IDX) &&
            !wr16(t, q->used + 4 + (uint64_t)VIRTQ_USED_ELEM_SIZE * q->num, q->last_avail)) {
            virtio_mmio_error(t, "queue %u: the used ring is outside RAM", qi);
            return;
        }
        if (!parse_chain(t, qi, head))
            return;
        t->next = (qi + 1) % nq;
        struct virtio_result r = { 0, 1 };
        if (!t->ops->serve(t->dev, t, &t->chain, &r)) {
            if (!t->broken)
                virtio_mmio_error(t, "queue %u: the request in chain %u failed", qi, head);
            return;
        }
        t->busy = true;
        t->inflight.queue = qi;
        t->inflight.head = head;
        t->inflight.used_len = r.used_len;
        t->served++;
        clock_schedule(&t->m->clock, &t->done, when + (r.cycles ? r.cycles : 1));
        return;
    }
}

/* Device events fire when the run loop next looks at the clock: on time for a hart that
 * waits in wfi, else at the end of the running hart's slice. The device's time is the
 * firing time, so that nothing completes before the driver asked for it. */
static void kick_fired(void *opaque)
{
    struct virtio_mmio *t = opaque;
    take_next(t, virtio_mmio_now(t));
}

/* 2.7.7: whether to interrupt after adding used entries (QEMU's and Linux's reading of
 * vring_need_event: notify when used_idx passed used_event since the last decision). */
static bool want_interrupt(struct virtio_mmio *t, struct virtq *q)
{
    if (virtio_mmio_has_feature(t, VIRTIO_F_EVENT_IDX)) {
        uint16_t event;
        if (!rd16(t, q->avail + 4 + 2ull * q->num, &event))
            return true;
        uint16_t old = q->signalled_used, now = q->used_idx;
        bool valid = q->signalled_valid;
        q->signalled_used = now;
        q->signalled_valid = true;
        return !valid || (uint16_t)(now - event - 1) < (uint16_t)(now - old);
    }
    uint16_t flags;
    if (!rd16(t, q->avail, &flags))
        return true;
    return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static void done_fired(void *opaque)
{
    struct virtio_mmio *t = opaque;
    uint64_t when = virtio_mmio_now(t);
    t->busy = false;
    if (t->broken)
        return;
    unsigned qi = t->inflight.queue;
    struct virtq *q = &t->q[qi];
    uint64_t e = q->used + 4 + (uint64_t)VIRTQ_USED_ELEM_SIZE * (q->used_idx % q->num);
    uint8_t *p = ram(t, e, VIRTQ_USED_ELEM_SIZE);
    if (!p) {
        virtio_mmio_error(t, "queue %u: the used ring at 0x%" PRIx64 " is outside RAM", qi,
                          q->used);
        return;
    }
    put_le32(p, t->inflight.head);
    put_le32(p + 4, t->inflight.used_len);
    virtio_mmio_dma_written(t, e, VIRTQ_USED_ELEM_SIZE);
    q->used_idx++;
    if (!wr16(t, q->used + 2, q->used_idx)) {
        virtio_mmio_error(t, "queue %u: the used ring is outside RAM", qi);
        return;
    }
    virtio_mmio_emit(t, &(struct virtio_event){ .kind = VIRTIO_EV_COMPLETE,
                                                .cycle = when,
                                                .queue = qi,
                                                .head = t->inflight.head,
                                                .len = t->inflight.used_len });
    if (want_interrupt(t, q))
        raise_isr(t, VIRTIO_MMIO_INT_VRING, when);
    take_next(t, when);
}

/* ---- reset ---- */

static void reset_state(struct virtio_mmio *t)
{
    clock_cancel(&t->m->clock, &t->kick);
    clock_cancel(&t->m->clock, &t->done);
    t->busy = false;
    t->broken = false;
    t->status = 0;
    t->isr = 0;
    t->dev_features_sel = t->drv_features_sel = 0;
    t->driver_features = 0;
    t->queue_sel = 0;
    t->next = 0;
    for (unsigned k = 0; k < VIRTIO_MAX_QUEUES; k++) {
        memset(&t->q[k], 0, sizeof t->q[k]);
        t->q[k].align = LEGACY_QUEUE_ALIGN;
    }
    update_irq(t);
    if (t->ops && t->ops->reset)
        t->ops->reset(t->dev);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
    reset_state(t);
}

static void machine_reset_fired(void *opaque)
{
    reset_state(opaque);
}

/* ---- queue set-up ---- */

static struct virtq *selected(struct virtio_mmio *t)
{
    return t->ops && t->queue_sel < t->ops->nqueues ? &t->q[t->queue_sel] : NULL;
}

static bool is_pow2(uint32_t n)
{
    return n && !(n & (n - 1));
}

/* The driver made queue `qi` live: check what 2.7 asks of its size, alignment and place. */
static void queue_enable(struct virtio_mmio *t, unsigned qi)
{
    struct virtq *q = &t->q[qi];
    const char *bad = NULL;
    uint64_t n = q->num;
    if (!is_pow2(q->num) || q->num > VIRTIO_QUEUE_MAX)
        bad = "a size that is not a power of 2 from 1 to QueueNumMax";
    else if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
        bad = "misaligned rings (descriptors 16, available 2, used 4 bytes)";
    else if (!ram(t, q->desc, VIRTQ_DESC_SIZE * n) || !ram(t, q->avail, 6 + 2 * n) ||
             !ram(t, q->used, 6 + VIRTQ_USED_ELEM_SIZE * n))
        bad = "rings outside RAM";
    if (bad) {
        virtio_mmio_error(t,
                          "queue %u made ready with %s (size %u, descriptors 0x%" PRIx64
                          ", available 0x%" PRIx64 ", used 0x%" PRIx64 ")",
                          qi, bad, q->num, q->desc, q->avail, q->used);
        return;
    }
    q->ready = true;
    q->last_avail = q->used_idx = 0;
    q->signalled_valid = false;
}

/* Legacy: the rings follow each other from QueuePFN x GuestPageSize (4.2.4, 2.7 "Legacy
 * Interfaces: A Note on Virtqueue Layout"). */
static void legacy_set_pfn(struct virtio_mmio *t, unsigned qi, uint32_t pfn)
{
    struct virtq *q = &t->q[qi];
    q->pfn = pfn;
    if (pfn == 0) {
        q->ready = false;
        return;
    }
    uint64_t page = t->guest_page_size ? t->guest_page_size : 4096;
    uint64_t align = q->align && is_pow2(q->align) ? q->align : LEGACY_QUEUE_ALIGN;
    q->desc = (uint64_t)pfn * page;
    q->avail = q->desc + (uint64_t)VIRTQ_DESC_SIZE * q->num;
    q->used = (q->avail + 6 + 2ull * q->num + align - 1) & ~(align - 1);
    queue_enable(t, qi);
}

/* ---- registers ---- */

static void write_status(struct virtio_mmio *t, uint32_t v)
{
    uint64_t now = virtio_mmio_now(t);
    virtio_mmio_emit(t,
                     &(struct virtio_event){ .kind = VIRTIO_EV_STATUS, .cycle = now, .value = v });
    if (v == 0) {
        reset_state(t);
        return;
    }
    v &= 0xff;
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t extra = t->driver_features & ~offered_features(t);
        if (extra) {
            /* 2.2.2: the device refuses; the driver sees FEATURES_OK clear on reading back. */
            guest_error("virtio-features",
                        "%s: the driver accepted features 0x%" PRIx64 " not offered", t->name,
                        extra);
            v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
        } else if (t->version == 2 && !virtio_mmio_has_feature(t, VIRTIO_F_VERSION_1)) {
            /* 6.1 lets the device refuse this; QEMU does not, and xv6 relies on it. */
            log_info("%s: the driver did not accept VIRTIO_F_VERSION_1; going on as a 1.x device",
                     t->name);
        }
    }
    if (t->broken)
        v |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    bool now_ok = (v & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_DRIVER_OK);
    t->status = v;
    if (now_ok && !t->busy && !t->kick.armed)
        clock_schedule(&t->m->clock, &t->kick, now + VIRTIO_NOTIFY_CYCLES);
}

static void notify(struct virtio_mmio *t, uint32_t v)
{
    unsigned qi = v & 0xffff;
    if (!t->ops)
        return;
    if (qi >= t->ops->nqueues) {
        guest_error("virtio-notify", "%s: QueueNotify for queue %u, which does not exist", t->name,
                    qi);
        return;
    }
    uint64_t now = virtio_mmio_now(t);
    virtio_mmio_emit(t,
                     &(struct virtio_event){ .kind = VIRTIO_EV_NOTIFY, .cycle = now, .queue = qi });
    if (!t->busy && !t->kick.armed && !t->broken)
        clock_schedule(&t->m->clock, &t->kick, now + VIRTIO_NOTIFY_CYCLES);
}

static uint32_t config_read(struct virtio_mmio *t, unsigned off, unsigned size)
{
    if (!t->ops || !t->ops->config_read || off + size > t->ops->config_size) {
        guest_error("virtio-config",
                    "%s: %u-byte read at configuration offset 0x%x, past its %u bytes", t->name,
                    size, off, t->ops ? t->ops->config_size : 0);
        return 0;
    }
    return t->ops->config_read(t->dev, off, size);
}

static uint64_t mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    struct virtio_mmio *t = opaque;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        unsigned off = (unsigned)(offset - VIRTIO_MMIO_CONFIG);
        if (size == 8)
            return config_read(t, off, 4) | (uint64_t)config_read(t, off + 4, 4) << 32;
        return config_read(t, off, size);
    }
    if (size != 4) {
        guest_error("virtio-register",
                    "%s: %u-byte read of register 0x%03" PRIx64 " (registers are 32-bit)", t->name,
                    size, offset);
        return 0;
    }
    struct virtq *q = selected(t);
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return t->version;
    case VIRTIO_MMIO_DEVICE_ID: return t->ops ? t->ops->device_id : VIRTIO_ID_NONE;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_VENDOR_QEMU;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        if (t->dev_features_sel > 1)
            return 0;
        return (uint32_t)(offered_features(t) >> (32 * t->dev_features_sel));
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        /* 4.2.2: 0 if the queue is not available; modern devices also once it is ready. */
        return q && (t->version == 1 || !q->ready) ? VIRTIO_QUEUE_MAX : 0;
    case VIRTIO_MMIO_QUEUE_NUM: return q ? q->num : 0;
    case VIRTIO_MMIO_QUEUE_READY: return t->version == 2 && q ? q->ready : 0;
    case VIRTIO_MMIO_QUEUE_PFN: return t->version == 1 && q ? q->pfn : 0;
    case VIRTIO_MMIO_QUEUE_ALIGN: return t->version == 1 && q ? q->align : 0;
    case VIRTIO_MMIO_GUEST_PAGE_SIZE: return t->version == 1 ? t->guest_page_size : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return t->isr;
    case VIRTIO_MMIO_STATUS: return t->status;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: return q ? (uint32_t)q->desc : 0;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: return q ? (uint32_t)(q->desc >> 32) : 0;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: return q ? (uint32_t)q->avail : 0;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: return q ? (uint32_t)(q->avail >> 32) : 0;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: return q ? (uint32_t)q->used : 0;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: return q ? (uint32_t)(q->used >> 32) : 0;
    /* No shared memory regions: every one has length -1 (4.2.2). */
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH: return t->ops ? 0xffffffffu : 0;
    case VIRTIO_MMIO_CONFIG_GENERATION: return t->config_generation;
    default: return 0;
    }
}

static void mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct virtio_mmio *t = opaque;
    if (!t->ops)
        return; /* an empty slot: nothing to configure */
    if (offset >= VIRTIO_MMIO_CONFIG) {
        unsigned off = (unsigned)(offset - VIRTIO_MMIO_CONFIG);
        if (size > 4 || off + size > t->ops->config_size || !t->ops->config_write) {
            guest_error("virtio-config", "%s: %u-byte write at configuration offset 0x%x ignored",
                        t->name, size, off);
            return;
        }
        t->ops->config_write(t->dev, off, size, (uint32_t)val);
        return;
    }
    if (size != 4) {
        guest_error("virtio-register",
                    "%s: %u-byte write of register 0x%03" PRIx64 " (registers are 32-bit)", t->name,
                    size, offset);
        return;
    }
    uint32_t v = (uint32_t)val;
    struct virtq *q = selected(t);
    bool setup = q && (t->version == 1 || !q->ready);
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->dev_features_sel = v; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        if (t->status & VIRTIO_STATUS_FEATURES_OK) {
            guest_error("virtio-features", "%s: DriverFeatures written after FEATURES_OK; ignored",
                        t->name);
        } else if (t->drv_features_sel < 2) {
            unsigned sh = 32 * t->drv_features_sel;
            t->driver_features = (t->driver_features & ~(0xffffffffull << sh)) | (uint64_t)v << sh;
        }
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->drv_features_sel = v; break;
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
        if (t->version == 1)
            t->guest_page_size = v;
        break;
    case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = v; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        if (setup)
            q->num = v;
        break;
    case VIRTIO_MMIO_QUEUE_ALIGN:
        if (t->version == 1 && q)
            q->align = v;
        break;
    case VIRTIO_MMIO_QUEUE_PFN:
        if (t->version == 1 && q)
            legacy_set_pfn(t, t->queue_sel, v);
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (t->version != 2 || !q)
            break;
        if (v & 1) {
            if (!q->ready)
                queue_enable(t, t->queue_sel);
        } else {
            q->ready = false;
        }
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: notify(t, v); break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        t->isr &= ~v;
        update_irq(t);
        break;
    case VIRTIO_MMIO_STATUS: write_status(t, v); break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: {
        if (t->version != 2 || !q)
            break;
        if (q->ready) {
            guest_error("virtio-queue-address",
                        "%s: queue %u's address changed while it is ready; ignored", t->name,
                        t->queue_sel);
            break;
        }
        uint64_t *field = offset < VIRTIO_MMIO_QUEUE_DRIVER_LOW   ? &q->desc
                          : offset < VIRTIO_MMIO_QUEUE_DEVICE_LOW ? &q->avail
                                                                  : &q->used;
        if (offset & 4)
            *field = (*field & 0xffffffffull) | (uint64_t)v << 32;
        else
            *field = (*field & ~0xffffffffull) | v;
        break;
    }
    default:
        guest_error("virtio-register", "%s: write of 0x%x to register 0x%03" PRIx64 " ignored",
                    t->name, v, offset);
        break;
    }
}

static const struct device_ops virtio_mmio_ops = {
    .min_size = 1,
    .max_size = 8,
    .unaligned_ok = false,
    .read = mmio_read,
    .write = mmio_write,
};

/* ---- life cycle ---- */

static void virtio_mmio_free(void *opaque)
{
    struct virtio_mmio *t = opaque;
    clock_cancel(&t->m->clock, &t->kick);
    clock_cancel(&t->m->clock, &t->done);
    if (t->ops && t->ops->free)
        t->ops->free(t->dev);
    free(t);
}

struct virtio_mmio *virtio_mmio_new(struct machine *m, uint64_t base,
                                    const struct virtio_mmio_config *cfg)
{
    unsigned version = cfg->version ? cfg->version : 2;
    if (version != 1 && version != 2)
        return NULL;
    struct virtio_mmio *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->m = m;
    t->base = base;
    t->version = version;
    snprintf(t->name, sizeof t->name, "%s", cfg->name ? cfg->name : "virtio");
    t->irq.name = t->name;
    clock_event_init(&t->kick, kick_fired, t);
    clock_event_init(&t->done, done_fired, t);
    reset_state(t);
    if (!bus_add_device(&m->bus, t->name, base, VIRTIO_MMIO_SIZE, &virtio_mmio_ops, t)) {
        free(t);
        return NULL;
    }
    machine_on_free(m, virtio_mmio_free, t);
    machine_add_state(m, t, sizeof *t); /* snapshots (platform/history.h) */
    machine_on_reset(m, machine_reset_fired, t);
    if (cfg->irq_source)
        machine_connect_irq(m, &t->irq, cfg->irq_source);
    return t;
}

void virtio_mmio_attach(struct virtio_mmio *t, const struct virtio_backend_ops *ops, void *dev)
{
    t->ops = ops;
    t->dev = dev;
    reset_state(t);
}

/* ---- from the device tree ---- */

bool virtio_mmio_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                        char *err, size_t errlen)
{
    if (size < VIRTIO_MMIO_SIZE) {
        snprintf(err, errlen, "reg size 0x%" PRIx64 " is smaller than a slot (0x%x)", size,
                 VIRTIO_MMIO_SIZE);
        return false;
    }
    unsigned slot = 0;
    while (virtio_mmio_find(m, slot))
        slot++;
    struct virtio_mmio_config cfg = { 0 };
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);
    if (p && len >= 4)
        cfg.irq_source = fdt32_to_cpu(p[0]);
    p = fdt_getprop(fdt, node, "hartlab,virtio-version", &len);
    cfg.version = p && len >= 4 ? fdt32_to_cpu(p[0]) : 2;
    if (cfg.version != 1 && cfg.version != 2) {
        snprintf(err, errlen, "hartlab,virtio-version %u is neither 1 (legacy) nor 2", cfg.version);
        return false;
    }
    char name[40];
    snprintf(name, sizeof name, "%s", fdt_get_name(fdt, node, NULL));
    cfg.name = name;
    struct virtio_mmio *t = virtio_mmio_new(m, base, &cfg);
    if (!t) {
        snprintf(err, errlen, "the address range overlaps another device, or out of memory");
        return false;
    }
    /* Slots fill in tree order: the drives, then the entropy device. */
    const struct machine_options *o = &m->opts;
    if (slot < o->ndrives)
        return virtio_blk_attach(t, o->drives[slot], err, errlen);
    if (slot == o->ndrives && !o->rng_off)
        return virtio_rng_attach(t, o->rng_seed, o->rng_host, err, errlen);
    return true;
}

/* ---- accessors ---- */

void virtio_mmio_observe(struct virtio_mmio *t, virtio_observe_fn fn, void *opaque)
{
    t->obs = fn;
    t->obs_opaque = opaque;
}

struct virtio_mmio *virtio_mmio_find(struct machine *m, unsigned k)
{
    for (unsigned r = 0; r < m->bus.nregions; r++)
        if (m->bus.regions[r].ops == &virtio_mmio_ops && k-- == 0)
            return m->bus.regions[r].opaque;
    return NULL;
}

uint64_t virtio_mmio_base(const struct virtio_mmio *t)
{
    return t->base;
}

const char *virtio_mmio_name(const struct virtio_mmio *t)
{
    return t->name;
}

uint32_t virtio_mmio_device_id(const struct virtio_mmio *t)
{
    return t->ops ? t->ops->device_id : VIRTIO_ID_NONE;
}

const char *virtio_mmio_backend_name(const struct virtio_mmio *t)
{
    return t->ops ? t->ops->name : "";
}

void *virtio_mmio_backend(const struct virtio_mmio *t)
{
    return t->dev;
}

uint32_t virtio_mmio_status(const struct virtio_mmio *t)
{
    return t->status;
}

uint64_t virtio_mmio_served(const struct virtio_mmio *t)
{
    return t->served;
}

bool virtio_mmio_busy(const struct virtio_mmio *t)
{
    return t->busy;
}
