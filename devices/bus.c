/* The system bus: address decoding, access-size checks and RAM watches (see bus.h).
 * Follows docs/design.md, decision 6; guest errors are logged and ignored (decision 8). */
#include "devices/bus.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/cluster.h"
#include "core/hostmem.h"
#include "host/log.h"

void bus_init(struct bus *bus)
{
    memset(bus, 0, sizeof *bus);
}

void bus_destroy(struct bus *bus)
{
    for (unsigned k = 0; k < bus->nregions; k++) {
        if (bus->regions[k].mem)
            munmap(bus->regions[k].mem, bus->regions[k].size);
        free(bus->regions[k].dirty);
    }
    bus->nregions = 0;
}

static bool overlaps(const struct bus *bus, uint64_t base, uint64_t size)
{
    for (unsigned k = 0; k < bus->nregions; k++) {
        const struct bus_region *r = &bus->regions[k];
        if (base < r->base + r->size && r->base < base + size)
            return true;
    }
    return false;
}

static struct bus_region *add_region(struct bus *bus, const char *name, uint64_t base,
                                     uint64_t size)
{
    if (bus->nregions == BUS_MAX_REGIONS || size == 0 || base + size < base ||
        overlaps(bus, base, size))
        return NULL;
    struct bus_region *r = &bus->regions[bus->nregions++];
    memset(r, 0, sizeof *r);
    r->name = name;
    r->base = base;
    r->size = size;
    return r;
}

uint8_t *bus_add_ram(struct bus *bus, const char *name, uint64_t base, uint64_t size, bool readonly)
{
    /* Whole pages only: host pointers are handed out page by page. */
    if ((base | size) & (PAGE_SIZE - 1))
        return NULL;
    /* Anonymous pages: zero-filled by the kernel as they are first touched, so a large
     * RAM costs nothing until used (and malloc debugging cannot pre-fill it). */
    uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED)
        return NULL;
    struct bus_region *r = add_region(bus, name, base, size);
    if (!r) {
        munmap(mem, size);
        return NULL;
    }
    r->mem = mem;
    r->readonly = readonly;
    if (bus->track_dirty && !readonly && !(r->dirty = calloc(size >> PAGE_SHIFT, 1))) {
        bus->nregions--;
        munmap(mem, size);
        return NULL;
    }
    return mem;
}

bool bus_add_device(struct bus *bus, const char *name, uint64_t base, uint64_t size,
                    const struct device_ops *ops, void *opaque)
{
    struct bus_region *r = add_region(bus, name, base, size);
    if (!r)
        return false;
    r->ops = ops;
    r->opaque = opaque;
    return true;
}

static void flush_harts(struct bus *bus)
{
    if (bus->cluster)
        cluster_flush_tlbs(bus->cluster);
}

bool bus_add_watch(struct bus *bus, uint64_t addr, uint64_t len, bus_watch_fn fn, void *opaque)
{
    if (bus->nwatches == BUS_MAX_WATCHES || len == 0)
        return false;
    bus->watches[bus->nwatches++] = (struct bus_watch){ addr, len, fn, opaque };
    flush_harts(bus);
    return true;
}

void bus_remove_watch(struct bus *bus, uint64_t addr, uint64_t len, bus_watch_fn fn, void *opaque)
{
    for (unsigned k = 0; k < bus->nwatches; k++) {
        struct bus_watch *w = &bus->watches[k];
        if (w->addr == addr && w->len == len && w->fn == fn && w->opaque == opaque) {
            bus->watches[k] = bus->watches[--bus->nwatches];
            return;
        }
    }
}

const struct bus_region *bus_find(const struct bus *bus, uint64_t addr)
{
    for (unsigned k = 0; k < bus->nregions; k++) {
        const struct bus_region *r = &bus->regions[k];
        if (addr >= r->base && addr - r->base < r->size)
            return r;
    }
    return NULL;
}

static inline void mark_dirty(const struct bus_region *r, uint64_t off, uint64_t len)
{
    if (!r->dirty)
        return;
    uint64_t last = len ? (off + len - 1) >> PAGE_SHIFT : off >> PAGE_SHIFT;
    for (uint64_t p = off >> PAGE_SHIFT; p <= last; p++)
        r->dirty[p] = 1;
}

bool bus_track_dirty(struct bus *bus, bool on)
{
    bus->track_dirty = on;
    for (unsigned k = 0; k < bus->nregions; k++) {
        struct bus_region *r = &bus->regions[k];
        if (!r->mem || r->readonly)
            continue;
        if (!on) {
            free(r->dirty);
            r->dirty = NULL;
        } else if (!r->dirty) {
            r->dirty = calloc(r->size >> PAGE_SHIFT, 1);
            if (!r->dirty)
                return false;
        }
    }
    return true;
}

void bus_dirty_clear(struct bus *bus)
{
    for (unsigned k = 0; k < bus->nregions; k++)
        if (bus->regions[k].dirty)
            memset(bus->regions[k].dirty, 0, bus->regions[k].size >> PAGE_SHIFT);
}

/* A host pointer may be written through (a device's DMA, the debugger, a loader): its pages
 * count as written. */
uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t addr, uint64_t len)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r || !r->mem || len > r->size - (addr - r->base))
        return NULL;
    mark_dirty(r, addr - r->base, len);
    return r->mem + (addr - r->base);
}

static bool page_watched(const struct bus *bus, uint64_t page)
{
    for (unsigned k = 0; k < bus->nwatches; k++) {
        const struct bus_watch *w = &bus->watches[k];
        if (w->addr < page + PAGE_SIZE && page < w->addr + w->len)
            return true;
    }
    return false;
}

static void run_watches(struct bus *bus, uint64_t addr, unsigned size, uint64_t val)
{
    for (unsigned k = 0; k < bus->nwatches; k++) {
        const struct bus_watch *w = &bus->watches[k];
        if (w->addr < addr + size && addr < w->addr + w->len)
            w->fn(w->opaque, addr, size, val);
    }
}

/* A device access the device does not accept: log it (unless `quiet`: the debugger's peek)
 * and ignore it (docs/design.md, decision 8). */
static bool device_access_ok(const struct bus_region *r, uint64_t off, unsigned size, bool write,
                             bool quiet)
{
    const struct device_ops *ops = r->ops;
    if (size < ops->min_size || size > ops->max_size) {
        if (!quiet)
            guest_error(r->name,
                        "%s: %u-byte %s at offset 0x%" PRIx64 " (device takes %u..%u bytes)",
                        r->name, size, write ? "write" : "read", off, ops->min_size, ops->max_size);
        return false;
    }
    if (!ops->unaligned_ok && (off & (size - 1))) {
        if (!quiet)
            guest_error(r->name, "%s: misaligned %u-byte %s at offset 0x%" PRIx64, r->name, size,
                        write ? "write" : "read", off);
        return false;
    }
    if (off + size > r->size) {
        if (!quiet)
            guest_error(r->name, "%s: %s at offset 0x%" PRIx64 " runs past the device", r->name,
                        write ? "write" : "read", off);
        return false;
    }
    return true;
}

/* A read of RAM or ROM: false past its end. */
static bool mem_read(const struct bus_region *r, uint64_t off, unsigned size, uint64_t *val)
{
    if (off + size > r->size)
        return false;
    *val = host_read(r->mem + off, size);
    return true;
}

enum bus_status bus_load(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r)
        return BUS_FAULT;
    uint64_t off = addr - r->base;
    if (r->mem)
        return mem_read(r, off, size, val) ? BUS_OK : BUS_FAULT;
    *val = 0;
    if (!r->ops->read || !device_access_ok(r, off, size, false, false))
        return BUS_OK;
    *val = r->ops->read(r->opaque, off, size);
    if (size < 8)
        *val &= (1ull << (8 * size)) - 1;
    return BUS_OK;
}

bool bus_peek(const struct bus *bus, uint64_t addr, unsigned size, uint64_t *val)
{
    const struct bus_region *r = bus_find(bus, addr);
    if (!r)
        return false;
    uint64_t off = addr - r->base;
    if (r->mem)
        return mem_read(r, off, size, val);
    if (!r->ops->peek || !device_access_ok(r, off, size, false, true) ||
        !r->ops->peek(r->opaque, off, size, val))
        return false;
    if (size < 8)
        *val &= (1ull << (8 * size)) - 1;
    return true;
}

enum bus_status bus_store(struct bus *bus, uint64_t addr, unsigned size, uint64_t val)
{
    /* An sb/sh/sw stores only its low bytes: devices and watches see just those. */
    if (size < 8)
        val &= (1ull << (8 * size)) - 1;
    const struct bus_region *r = bus_find(bus, addr);
    if (!r)
        return BUS_FAULT;
    uint64_t off = addr - r->base;
    if (r->mem) {
        if (off + size > r->size)
            return BUS_FAULT;
        if (r->readonly)
            return BUS_FAULT;
        mark_dirty(r, off, size);
        host_write(r->mem + off, size, val);
        run_watches(bus, addr, size, val);
    } else if (r->ops->write && device_access_ok(r, off, size, true, false)) {
        r->ops->write(r->opaque, off, size, val);
    }
    if (bus->stop_requested)
        return BUS_STOP;
    return BUS_OK;
}

/* struct hart_bus callbacks. */
static uint8_t *hb_page_ptr(void *ctx, uint64_t paddr, bool write)
{
    struct bus *bus = ctx;
    uint64_t page = paddr & ~(PAGE_SIZE - 1);
    const struct bus_region *r = bus_find(bus, page);
    if (!r || !r->mem || r->size - (page - r->base) < PAGE_SIZE)
        return NULL;
    if (write && (r->readonly || page_watched(bus, page)))
        return NULL;
    if (write)
        mark_dirty(r, page - r->base, PAGE_SIZE);
    return r->mem + (page - r->base);
}

static enum bus_status hb_load(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                               uint64_t *val)
{
    return bus_load(ctx, paddr, size, val);
}

static enum bus_status hb_store(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                                uint64_t val)
{
    return bus_store(ctx, paddr, size, val);
}

static unsigned hb_fetch_wait(void *ctx, uint64_t paddr)
{
    const struct bus_region *r = bus_find(ctx, paddr);
    return r ? r->fetch_wait : 0;
}

bool bus_set_fetch_wait(struct bus *bus, uint64_t base, unsigned cycles)
{
    for (unsigned k = 0; k < bus->nregions; k++) {
        struct bus_region *r = &bus->regions[k];
        if (r->mem && r->base == base) {
            r->fetch_wait = (uint8_t)(cycles > 255 ? 255 : cycles);
            return true;
        }
    }
    return false;
}

static unsigned hb_access_wait(void *ctx, uint64_t paddr, bool write)
{
    const struct bus_region *r = bus_find(ctx, paddr);
    return !r ? 0 : write ? r->store_wait : r->load_wait;
}

bool bus_set_access_wait(struct bus *bus, uint64_t base, unsigned load, unsigned store)
{
    for (unsigned k = 0; k < bus->nregions; k++) {
        struct bus_region *r = &bus->regions[k];
        if (r->base == base) {
            r->load_wait = (uint8_t)(load > 255 ? 255 : load);
            r->store_wait = (uint8_t)(store > 255 ? 255 : store);
            return true;
        }
    }
    return false;
}

void bus_hart_interface(struct bus *bus, struct hart_bus *out)
{
    out->ctx = bus;
    out->page_ptr = hb_page_ptr;
    out->load = hb_load;
    out->store = hb_store;
    out->fetch_wait = hb_fetch_wait;
    out->access_wait = hb_access_wait;
}
