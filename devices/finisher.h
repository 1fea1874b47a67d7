/* The SiFive test finisher ("sifive,test0"/"sifive,test1"), as QEMU's virt board maps it:
 * one 32-bit register through which firmware ends the run or resets the board.
 *
 * A write's low 16 bits select the action and bits 31:16 carry the exit code:
 *     0x5555            pass: exit status 0
 *     (code<<16)|0x3333 fail: exit status `code`
 *     0x7777            reset: harts restart at the entry point (machine_request_reset)
 * Any other value is a guest error and is ignored; reads return 0.
 *
 * Usage:
 *     m->finisher = finisher_new(m, 0x100000);   // registers 0x1000 bytes on m->bus
 *     ...
 *     finisher_free(m->finisher);
 * or, from a board's device tree: { "sifive,test0", finisher_device_create } in
 * platform/devtable.c.
 */
#ifndef HARTLAB_DEVICES_FINISHER_H
#define HARTLAB_DEVICES_FINISHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct finisher;

#define FINISHER_SIZE 0x1000

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

/* NULL if the device cannot be placed on the bus (overlap, out of memory). */
struct finisher *finisher_new(struct machine *m, uint64_t base);
void finisher_free(struct finisher *f);

/* The same as a device-table `create` for "sifive,test0" nodes (struct device_desc in
 * platform/machine.h): it frees itself through machine_on_free. Use this or finisher_new,
 * not both, for one finisher. */
bool finisher_device_create(struct machine *m, const void *fdt, int node, uint64_t base,
                            uint64_t size, char *err, size_t errlen);

#endif
