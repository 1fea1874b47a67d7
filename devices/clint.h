/* The CLINT: machine software interrupts (MSWI) and the machine timer (MTIMER) in the layout
 * of the RISC-V ACLINT specification that SiFive's "sifive,clint0" and QEMU's virt machine
 * use: msip[k] at 0x0000 + 4k, mtimecmp[k] at 0x4000 + 8k, mtime at 0xBFF8.
 *
 * Hart slot k of the CLINT drives MSIP and MTIP of one hart. MTIP is high exactly while
 * mtime >= mtimecmp[k]; the CLINT schedules a virtual-clock event for the cycle at which
 * that becomes true, so a hart in wfi wakes at the right cycle and nothing polls. mtime is
 * clock_now() / cycles_per_tick + an offset that a write to mtime changes; the same offset
 * is copied into every hart's `time_offset` so the `time` CSR reads what the CLINT reads.
 *
 * Usage:
 *     struct clint *c = clint_new(m, 0x2000000, machine_nharts(m), NULL);   // slot k =
 * machine_hart(m, k)
 *     ...
 *     uint64_t now = clint_mtime(c);              // debugger / panel, no side effects
 *
 * From a board: device_table rows "riscv,clint0" / "sifive,clint0" -> clint_create, which
 * maps slots to harts through the node's `interrupts-extended` property.
 */
#ifndef HARTLAB_DEVICES_CLINT_H
#define HARTLAB_DEVICES_CLINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct hart;
struct clint;

#define CLINT_SIZE          0x10000u
#define CLINT_MSIP_BASE     0x0000u /* msip[k]: 32-bit, bit 0 */
#define CLINT_MTIMECMP_BASE 0x4000u /* mtimecmp[k]: 64-bit */
#define CLINT_MTIME         0xBFF8u /* mtime: 64-bit */
/* Slots the register layout has room for (mtimecmp ends where mtime starts). */
#define CLINT_MAX_HARTS     4095u

/* A CLINT at `base` with `nharts` slots. `harts[k]` is the hart slot k drives (NULL: the
 * slot's registers exist but drive nothing); with `harts` NULL, slot k is machine_hart(m, k).
 * Returns NULL if the range is taken or out of memory. The machine frees it. */
struct clint *clint_new(struct machine *m, uint64_t base, unsigned nharts,
                        struct hart *const *harts);
/* The device_table constructor (see struct device_desc). */
bool clint_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                  char *err, size_t errlen);

/* Read-only views for the debugger, traces and the panel (no side effects). */
unsigned clint_nharts(const struct clint *c);
/* The slot that drives hart h's MTIP and MSIP (a board's interrupts-extended may order them
 * otherwise than the harts), or -1 if none does. */
int clint_slot_of(const struct clint *c, const struct hart *h);
uint64_t clint_mtime(const struct clint *c);
uint64_t clint_mtimecmp(const struct clint *c, unsigned slot);
bool clint_msip(const struct clint *c, unsigned slot);
bool clint_mtip(const struct clint *c, unsigned slot);
/* Cycle at which slot's MTIP will rise, or UINT64_MAX if no deadline is scheduled. */
uint64_t clint_deadline(const struct clint *c, unsigned slot);
/* Slot's MTIP (timer) or MSIP output line, for probes (traces, VCD); NULL if no slot. */
struct irq_line *clint_line(struct clint *c, unsigned slot, bool timer);

#endif
