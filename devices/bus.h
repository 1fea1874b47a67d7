/* The system bus: an address map of RAM/ROM regions and devices (docs/design.md, decision 6).
 *
 * A device registers an address range with read/write callbacks that receive an offset and
 * an access size. The bus checks the size against the device's limits and the alignment
 * before the device sees the access; a wrong access is the guest's problem: it is logged
 * once (rate-limited, see host/log.h) and reads zero / is dropped, and the simulation
 * goes on. An address where nothing is mapped is an access fault for the hart.
 *
 * RAM stores normally bypass the bus through host pointers (core/hart.h, page_ptr). A
 * device that must see stores to RAM (HTIF's tohost, debugger watchpoints) adds a watch:
 * pages holding a watch never get a writable host pointer, so every store to them comes
 * through bus_store(), which calls the watcher after the store is done.
 *
 * Usage:
 *     bus_add_ram(bus, "ram", 0x80000000, 128 << 20, false);
 *     bus_add_device(bus, "uart0", 0x10000000, 0x100, &ns16550_ops, uart);
 *     bus_add_watch(bus, tohost_addr, 8, htif_tohost_written, htif);
 */
#ifndef HARTLAB_DEVICES_BUS_H
#define HARTLAB_DEVICES_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hart.h"

struct device_ops {
    /* Access sizes (bytes) the device accepts; accesses outside are logged and ignored. */
    uint8_t min_size, max_size;
    /* Accept accesses not aligned to their size (rare; most registers do not). */
    bool unaligned_ok;
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t val);
    /* What `read` would return, without its side effects (a receive buffer popped, an
     * interrupt claimed, a status cleared), for the debugger: false where the device cannot
     * say (a register whose read changes it and has no other view), or NULL for none. */
    bool (*peek)(void *opaque, uint64_t offset, unsigned size, uint64_t *val);
};

struct bus_region {
    const char *name;
    uint64_t base, size;
    uint8_t *mem; /* RAM or ROM backing, or NULL for a device */
    bool readonly;
    uint8_t fetch_wait; /* wait states of an instruction fetch from here (bus_set_fetch_wait) */
    uint8_t load_wait, store_wait; /* of a data access here (bus_set_access_wait) */
    /* One byte per page, set when the page may have been written since the last
     * bus_dirty_clear (only while dirty tracking is on, bus_track_dirty; NULL otherwise). */
    uint8_t *dirty;
    const struct device_ops *ops;
    void *opaque;
};

typedef void (*bus_watch_fn)(void *opaque, uint64_t paddr, unsigned size, uint64_t val);

struct bus_watch {
    uint64_t addr, len;
    bus_watch_fn fn;
    void *opaque;
};

#define BUS_MAX_REGIONS 32
#define BUS_MAX_WATCHES 16

struct bus {
    struct bus_region regions[BUS_MAX_REGIONS];
    unsigned nregions;
    struct bus_watch watches[BUS_MAX_WATCHES];
    unsigned nwatches;
    /* Set by a device (finisher, HTIF, semihosting exit) to make the hart leave its block
     * after the current access. */
    bool stop_requested;
    /* Dirty-page maps are kept (bus_track_dirty); RAM added later gets one too. */
    bool track_dirty;
    /* The harts to tell when the map or the watches change (their cached host pointers). */
    struct cluster *cluster;
};

void bus_init(struct bus *bus);
void bus_destroy(struct bus *bus);
/* Add RAM (zero-filled) or ROM; returns the backing memory or NULL if it overlaps. */
uint8_t *bus_add_ram(struct bus *bus, const char *name, uint64_t base, uint64_t size,
                     bool readonly);
bool bus_add_device(struct bus *bus, const char *name, uint64_t base, uint64_t size,
                    const struct device_ops *ops, void *opaque);
bool bus_add_watch(struct bus *bus, uint64_t addr, uint64_t len, bus_watch_fn fn, void *opaque);
void bus_remove_watch(struct bus *bus, uint64_t addr, uint64_t len, bus_watch_fn fn, void *opaque);

/* Instruction fetches from the RAM/ROM region at `base` cost `cycles` more each (flash wait
 * states, hart_bus.fetch_wait); set before the harts run (blocks already decoded keep
 * their cycles). False if no memory region starts there. */
bool bus_set_fetch_wait(struct bus *bus, uint64_t base, unsigned cycles);
/* Loads from / stores to the region at `base` (memory or a device) cost `load` / `store`
 * cycles more each (hart_bus.access_wait; values above 255 are 255); set before the harts
 * run. False if no region starts there. */
bool bus_set_access_wait(struct bus *bus, uint64_t base, unsigned load, unsigned store);
/* Dirty-page tracking for machine snapshots (platform/history.c): every way a RAM page can
 * be written (a hart's write translation, a store through the bus, a host pointer handed
 * out by bus_ram_ptr) marks it first. Turning it on allocates the maps; the caller flushes
 * the harts' write translations after bus_dirty_clear so their next store marks again. */
bool bus_track_dirty(struct bus *bus, bool on);
void bus_dirty_clear(struct bus *bus);

/* The region holding `addr`, or NULL. */
const struct bus_region *bus_find(const struct bus *bus, uint64_t addr);
/* Host pointer to [addr, addr+len) if it lies within one RAM/ROM region, else NULL. */
uint8_t *bus_ram_ptr(const struct bus *bus, uint64_t addr, uint64_t len);

/* Accesses as the hart makes them (size 1, 2, 4 or 8). */
enum bus_status bus_load(struct bus *bus, uint64_t addr, unsigned size, uint64_t *val);
/* A read that changes nothing, for the debugger: memory, or a device's peek. False where
 * only a real read (bus_load) can tell, and for an access the device would refuse. */
bool bus_peek(const struct bus *bus, uint64_t addr, unsigned size, uint64_t *val);
enum bus_status bus_store(struct bus *bus, uint64_t addr, unsigned size, uint64_t val);

/* The `struct hart_bus` callbacks for a hart on this bus. */
void bus_hart_interface(struct bus *bus, struct hart_bus *out);

#endif
