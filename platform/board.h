/* Boards as device trees (docs/design.md, decision 7).
 *
 * A board is a flattened device tree: built-in ones are compiled from platform/boards/ (one .dts
 * per board) at build time; users can give their own .dts (compiled with dtc at run time) or .dtb.
 * The tree decides the machine: RAM from /memory, XLEN, timebase and misaligned policy from /cpus,
 * and one device per node whose `compatible` names a row of device_table. The same tree, with
 * /memory, /cpus and /chosen filled in from the options, is copied into RAM and its address handed
 * to the firmware in a1 (hart id in a0), as OpenSBI, U-Boot and Linux expect.
 *
 * Usage:
 *     void *fdt = board_open("virt", &size, err, sizeof err);
 *     board_apply_options(fdt, &opts, err, sizeof err);   // before machine_new
 *     ... machine_new(&opts) calls board_build_devices() ...
 *     board_place(m, cmdline, err, sizeof err);            // after the firmware is loaded
 */
#ifndef HARTLAB_DEVICES_BOARD_H
#define HARTLAB_DEVICES_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hart;
struct machine;
struct machine_options;
struct elf_info;

struct board_blob {
    const char *name;
    const unsigned char *data;
    size_t size;
};
/* The built-in boards, ending with a zeroed entry. */
extern const struct board_blob board_builtins[];

/* Resolve --board SPEC: a built-in name, FILE.dts or FILE.dtb. Returns a malloc'd blob. */
void *board_open(const char *spec, size_t *size, char *err, size_t errlen);
/* Check a device-tree blob of `size` bytes before anything reads it: the header, the offset,
 * size and order of every block, every tag of the structure block, then libfdt's
 * fdt_check_full(). False with what is wrong in err (one phrase, no file name). Every tree
 * hartlab uses passes here first (board_open, machine_new). */
bool board_check_blob(const void *blob, size_t size, char *err, size_t errlen);
/* The built-in board that suits an ELF: mcu when it starts in the mcu's flash, else virt. */
const char *board_default_for(const struct elf_info *info);
/* The harts: one per enabled cpu node of the tree, hart id = its reg, into o->nharts and
 * o->hartids. `smp` (--smp; 0: as the tree says) asks for another number: a tree whose
 * root is compatible with "hartlab,virt" and that has one cpu node grows to `smp` (up to 8)
 * cpu nodes, with the CLINT and PLIC wired to each hart as QEMU's virt does; any other
 * board must already have that many. Returns the tree to use (`fdt` itself, or a new one, and then
 * `fdt` is freed), or NULL with why not in err (one phrase, `fdt` still the caller's). */
void *board_fit_harts(void *fdt, unsigned smp, struct machine_options *o, char *err, size_t errlen);
/* Fill the options the user left unset (RAM, XLEN, timebase, misaligned policy) from the
 * tree, and check the ones they set agree with it. */
bool board_apply_options(const void *fdt, struct machine_options *o, char *err, size_t errlen);
/* An ISA string: "rv32imac", "rv64gc" (g = imafd_zicsr_zifencei), into XLEN and misa
 * extension bits. `strict` (--isa): only what hartlab has (i, m, a, f, d, c, g, and
 * _zicsr/_zifencei), D only with F, else false with why in `why`. Not strict (a tree's
 * riscv,isa): never fails; RV32 or else RV64, the extensions hartlab has, others ignored.
 * The one parser of ISA strings. */
bool board_parse_isa(const char *s, bool strict, unsigned *xlen, uint32_t *ext, char *why,
                     size_t whylen);
/* The timebase (mtime ticks per second): the first cpu node's timebase-frequency, else
 * /cpus', else QEMU virt's 10 MHz (BOARD_DEFAULT_TIMEBASE); `fdt` may be NULL. The one
 * place that reads it: the machine's cycles per tick, the UART's character times, the
 * views' and scripts' seconds all come from here. */
#define BOARD_DEFAULT_TIMEBASE 10000000u
uint64_t board_timebase(const void *fdt);
/* Hart cycles per second: the timebase times `cycles_per_tick` (the machine's
 * m->clock.cycles_per_tick). */
uint64_t board_hart_hz(const void *fdt, uint32_t cycles_per_tick);
/* Create every device the tree names (called by machine_new). Unknown `compatible` strings
 * are listed in one warning. */
bool board_build_devices(struct machine *m, const void *fdt, char *err, size_t errlen);
/* The hart whose riscv,cpu-intc node has this phandle (for interrupts-extended), or NULL
 * if the tree does not say or that hart does not exist. */
struct hart *board_intc_hart(struct machine *m, const void *fdt, uint32_t phandle);
/* Fill /memory, /cpus and /chosen from the options, copy the tree to the top of RAM, and set
 * a0 = hart id, a1 = its address in every hart. */
bool board_place(struct machine *m, const char *bootargs, char *err, size_t errlen);

#endif
