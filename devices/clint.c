/* The CLINT (see clint.h): the MSWI and MTIMER devices of the RISC-V Advanced Core Local
 * Interruptor specification (ACLINT 1.0, sections 2 "MTIMER" and 3 "MSWI") at the offsets
 * of SiFive's CLINT, which QEMU's virt machine keeps, and the mtime/mtimecmp rules of the
 * Privileged Architecture 1.12 section 3.2.1 ("Machine Timer Registers"): a timer interrupt
 * is pending exactly while mtime >= mtimecmp, both 64-bit on RV32 and RV64 alike.
 *
 * mtime is never stored: it is derived from the virtual clock (clock_now / cycles_per_tick)
 * plus `offset`, so it costs nothing while the harts run and is exact at every access. The
 * reset value of mtimecmp is UNSPECIFIED in the specifications; it is all ones here so no
 * timer interrupt is pending until firmware programs one.
 */
#include "devices/clint.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/hart.h"
#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "host/log.h"
#include "platform/board.h"
#include "platform/machine.h"

#define CLINT_MTIMECMP_END CLINT_MTIME /* exclusive */
#define CLINT_MSIP_END     CLINT_MTIMECMP_BASE
#define MSIP_BIT           1u /* the upper 31 bits of msip are wired to zero (ACLINT 3.2) */

/* Interrupt numbers of the riscv,cpu-intc binding: cell values in interrupts-extended. */
#define INTC_M_SOFT 3

struct clint_slot {
    struct clint *c;
    struct hart *hart;
    uint64_t mtimecmp;
    bool msip;
    struct irq_line msip_line, mtip_line;
    struct clock_event timer; /* the cycle at which MTIP must be re-evaluated */
    char msip_name[24], mtip_name[24];
};

struct clint {
    struct machine *m;
    uint64_t base;
    uint64_t offset; /* mtime = clock_now / cycles_per_tick + offset */
    unsigned nslots;
    struct clint_slot *slots;
};

static void drive_mip(void *opaque, unsigned n, bool level)
{
    hart_set_mip(opaque, (enum irq_num)n, level);
}

static uint64_t ticks_at(const struct clint *c, uint64_t cycles)
{
    return cycles / c->m->clock.cycles_per_tick;
}

/* Recompute slot's outputs as of virtual cycle `now` and arm its timer event for the next
 * cycle at which MTIP changes. The event is not "raise MTIP" but "recompute", so a stale
 * event can never raise a wrong level. */
static void clint_update(struct clint_slot *s, uint64_t now)
{
    struct clint *c = s->c;
    struct vclock *clk = &c->m->clock;
    uint64_t cpt = clk->cycles_per_tick;
    uint64_t t = ticks_at(c, now);
    uint64_t mtime = t + c->offset;
    bool due = mtime >= s->mtimecmp;

    irq_set(&s->msip_line, s->msip);
    irq_set(&s->mtip_line, due);

    /* Ticks until MTIP next changes: up to mtimecmp when low; when high, only a wrap of
     * mtime past 2^64 (reachable after a write of mtime near all ones) lowers it again. */
    uint64_t delta = due ? (~mtime + 1) : s->mtimecmp - mtime;
    uint64_t max_tick = UINT64_MAX / cpt;
    if (delta == 0 || delta > max_tick - t)
        clock_cancel(clk, &s->timer); /* beyond the range of the cycle counter: never */
    else
        clock_schedule(clk, &s->timer, (t + delta) * cpt);
}

static void clint_timer_fired(void *opaque)
{
    struct clint_slot *s = opaque;
    uint64_t now = clock_now(&s->c->m->clock);
    /* The event fires when some hart's cycle count has reached `when`; the hart whose
     * counter the clock reads may lag behind by up to a quantum. */
    clint_update(s, now > s->timer.when ? now : s->timer.when);
}

static void clint_update_all(struct clint *c)
{
    uint64_t now = clock_now(&c->m->clock);
    for (unsigned k = 0; k < c->nslots; k++)
        clint_update(&c->slots[k], now);
}

static void set_mtime(struct clint *c, uint64_t mtime)
{
    c->offset = mtime - ticks_at(c, clock_now(&c->m->clock));
    /* The time CSR reads cycles / time_divider + time_offset on each hart; the machine
     * gives harts and clock the same divider, so the same offset makes them agree. */
    for (unsigned k = 0; k < machine_nharts(c->m); k++)
        hart_set_time_offset(machine_hart(c->m, k), c->offset);
    clint_update_all(c);
}

/* Replace the 32-bit half at byte `lane` (0 or 4) of a 64-bit register, or all of it. */
static uint64_t merge(uint64_t old, unsigned lane, unsigned size, uint64_t val)
{
    if (size == 8)
        return val;
    uint64_t mask = 0xffffffffull << (8 * lane);
    return (old & ~mask) | ((val << (8 * lane)) & mask);
}

static uint64_t clint_read(void *opaque, uint64_t offset, unsigned size)
{
    struct clint *c = opaque;
    if (offset < CLINT_MSIP_END) {
        unsigned k = offset / 4;
        if (size != 4 || k >= c->nslots) {
            guest_error("clint-msip-read",
                        "clint: %u-byte read of msip at offset 0x%llx (%u hart slots)", size,
                        (unsigned long long)offset, c->nslots);
            return 0;
        }
        return c->slots[k].msip;
    }
    if (offset < CLINT_MTIMECMP_END) {
        unsigned k = (offset - CLINT_MTIMECMP_BASE) / 8;
        if (k >= c->nslots) {
            guest_error("clint-mtimecmp-read",
                        "clint: read of mtimecmp at offset 0x%llx: only %u hart slots",
                        (unsigned long long)offset, c->nslots);
            return 0;
        }
        return c->slots[k].mtimecmp >> (8 * (offset & 4));
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8)
        return clint_mtime(c) >> (8 * (offset & 4));
    guest_error("clint-read", "clint: read of reserved offset 0x%llx", (unsigned long long)offset);
    return 0;
}

static bool clint_peek(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
    const struct clint *c = opaque;
    bool ok = offset < CLINT_MSIP_END       ? size == 4 && offset / 4 < c->nslots
              : offset < CLINT_MTIMECMP_END ? (offset - CLINT_MTIMECMP_BASE) / 8 < c->nslots
                                            : offset >= CLINT_MTIME && offset < CLINT_MTIME + 8;
    if (ok)
        *val = clint_read((void *)c, offset, size); /* reads change nothing */
    return ok;
}

static void clint_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct clint *c = opaque;
    if (offset < CLINT_MSIP_END) {
        unsigned k = offset / 4;
        if (size != 4 || k >= c->nslots) {
            guest_error("clint-msip-write",
                        "clint: %u-byte write of msip at offset 0x%llx ignored (%u hart slots, "
                        "msip is 32-bit)",
                        size, (unsigned long long)offset, c->nslots);
            return;
        }
        c->slots[k].msip = val & MSIP_BIT;
        clint_update(&c->slots[k], clock_now(&c->m->clock));
        return;
    }
    if (offset < CLINT_MTIMECMP_END) {
        unsigned k = (offset - CLINT_MTIMECMP_BASE) / 8;
        if (k >= c->nslots) {
            guest_error("clint-mtimecmp-write",
                        "clint: write of mtimecmp at offset 0x%llx ignored: only %u hart slots",
                        (unsigned long long)offset, c->nslots);
            return;
        }
        struct clint_slot *s = &c->slots[k];
        s->mtimecmp = merge(s->mtimecmp, offset & 4, size, val);
        clint_update(s, clock_now(&c->m->clock));
        return;
    }
    if (offset >= CLINT_MTIME && offset < CLINT_MTIME + 8) {
        set_mtime(c, merge(clint_mtime(c), offset & 4, size, val));
        return;
    }
    guest_error("clint-write", "clint: write of 0x%llx to reserved offset 0x%llx ignored",
                (unsigned long long)val, (unsigned long long)offset);
}

static const struct device_ops clint_ops = {
    .min_size = 4,
    .max_size = 8,
    .unaligned_ok = false,
    .read = clint_read,
    .write = clint_write,
    .peek = clint_peek,
};

static void clint_free(void *opaque)
{
    struct clint *c = opaque;
    for (unsigned k = 0; k < c->nslots; k++)
        clock_cancel(&c->m->clock, &c->slots[k].timer);
    free(c->slots);
    free(c);
}

struct clint *clint_new(struct machine *m, uint64_t base, unsigned nharts,
                        struct hart *const *harts)
{
    if (nharts == 0 || nharts > CLINT_MAX_HARTS)
        return NULL;
    struct clint *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(nharts, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->m = m;
    c->base = base;
    c->nslots = nharts;
    for (unsigned k = 0; k < nharts; k++) {
        struct clint_slot *s = &c->slots[k];
        s->c = c;
        s->hart = harts ? harts[k] : (k < machine_nharts(m) ? machine_hart(m, k) : NULL);
        s->mtimecmp = UINT64_MAX;
        clock_event_init(&s->timer, clint_timer_fired, s);
        snprintf(s->msip_name, sizeof s->msip_name, "clint.msip%u", k);
        snprintf(s->mtip_name, sizeof s->mtip_name, "clint.mtip%u", k);
        s->msip_line.name = s->msip_name;
        s->mtip_line.name = s->mtip_name;
        if (s->hart) {
            irq_connect(&s->msip_line, drive_mip, s->hart, IRQ_M_SOFT);
            irq_connect(&s->mtip_line, drive_mip, s->hart, IRQ_M_TIMER);
        }
    }
    if (!bus_add_device(&m->bus, "clint", base, CLINT_SIZE, &clint_ops, c)) {
        clint_free(c);
        return NULL;
    }
    machine_on_free(m, clint_free, c);
    /* Snapshots (platform/history.h): the registers and each hart's slot with its timer. */
    machine_add_state(m, c, sizeof *c);
    machine_add_state(m, c->slots, nharts * sizeof *c->slots);
    m->clint = m->clint ? m->clint : c; /* the first one, for the debugger's `monitor irq` */
    set_mtime(c, 0);
    return c;
}

bool clint_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                  char *err, size_t errlen)
{
    if (size < CLINT_SIZE) {
        snprintf(err, errlen, "clint at 0x%llx: reg size 0x%llx is smaller than 0x%x",
                 (unsigned long long)base, (unsigned long long)size, CLINT_SIZE);
        return false;
    }
    /* interrupts-extended lists <intc-phandle irq> pairs; the binding gives each hart slot
     * an MSIP (3) and an MTIP (7) pair, in slot order: the MSIP pairs name the slots. */
    int len = 0;
    const fdt32_t *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
    struct hart *harts[CLINT_MAX_HARTS];
    unsigned n = 0;
    if (ie && len >= 8) {
        for (int i = 0; i + 1 < len / 4; i += 2) {
            uint32_t irq = fdt32_to_cpu(ie[i + 1]);
            if (irq != INTC_M_SOFT || n >= CLINT_MAX_HARTS)
                continue;
            harts[n++] = board_intc_hart(m, fdt, fdt32_to_cpu(ie[i]));
        }
    }
    struct clint *c =
        n ? clint_new(m, base, n, harts) : clint_new(m, base, machine_nharts(m), NULL);
    if (!c) {
        snprintf(err, errlen, "clint at 0x%llx: address range in use or out of memory",
                 (unsigned long long)base);
        return false;
    }
    return true;
}

unsigned clint_nharts(const struct clint *c)
{
    return c->nslots;
}

int clint_slot_of(const struct clint *c, const struct hart *h)
{
    if (!h)
        return -1;
    for (unsigned k = 0; k < c->nslots; k++)
        if (c->slots[k].hart == h)
            return (int)k;
    return -1;
}

uint64_t clint_mtime(const struct clint *c)
{
    return ticks_at(c, clock_now(&c->m->clock)) + c->offset;
}

uint64_t clint_mtimecmp(const struct clint *c, unsigned slot)
{
    return slot < c->nslots ? c->slots[slot].mtimecmp : 0;
}

bool clint_msip(const struct clint *c, unsigned slot)
{
    return slot < c->nslots && c->slots[slot].msip;
}

bool clint_mtip(const struct clint *c, unsigned slot)
{
    return slot < c->nslots && c->slots[slot].mtip_line.level;
}

uint64_t clint_deadline(const struct clint *c, unsigned slot)
{
    if (slot >= c->nslots || !c->slots[slot].timer.armed || c->slots[slot].mtip_line.level)
        return UINT64_MAX;
    return c->slots[slot].timer.when;
}

struct irq_line *clint_line(struct clint *c, unsigned slot, bool timer)
{
    if (slot >= c->nslots)
        return NULL;
    return timer ? &c->slots[slot].mtip_line : &c->slots[slot].msip_line;
}
