/* The path a board takes from `--board` to the first instructions, for the device-tree
 * harnesses (fuzz_dtb.c, fuzz_dts.c): board_check_blob, board_apply_options, machine_new
 * (one device per node, platform/devtable.c), board_place (the tree completed and copied
 * to RAM), a few accesses to every device the tree created, and a short run. The
 * invariants: a refused tree gets one non-empty line with no newline; a tree
 * board_check_blob accepts never makes libfdt or a device crash or misbehave under the
 * sanitizers; the completed tree hartlab hands the firmware passes board_check_blob too.
 */
#include "fuzz_board.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "platform/board.h"
#include "platform/machine.h"

static void check_message(const char *what, const char *err)
{
    if (!err[0] || strchr(err, '\n'))
        fuzz_fail("%s: the error is not one line: '%s'", what, err);
}

void fuzz_board_run(const void *blob, size_t size)
{
    char err[1024] = "";
    if (!board_check_blob(blob, size, err, sizeof err)) {
        check_message("board_check_blob", err);
        return;
    }
    /* From here on the tree is trusted: a copy of exactly its size, so that a read past
     * its end is caught. */
    void *fdt = malloc(size);
    if (!fdt)
        return;
    memcpy(fdt, blob, size);
    struct machine_options o;
    machine_options_default(&o);
    o.xlen = 0;     /* the board decides, as for a raw image */
    o.ram_size = 0; /* and its /memory node */
    o.serial = "null";
    o.max_insns = 3000;
    o.cmdline = "fuzz";
    struct machine *m = NULL;
    err[0] = 0;
    if (!board_apply_options(fdt, &o, err, sizeof err)) {
        check_message("board_apply_options", err);
        goto out;
    }
    o.fdt = fdt;
    m = machine_new(&o, err, sizeof err);
    if (!m) {
        check_message("machine_new", err);
        goto out;
    }
    /* The firmware: `j .` at the start of RAM. */
    static const uint8_t loop[] = { 0x6f, 0x00, 0x00, 0x00 };
    machine_write_mem(m, o.ram_base, loop, sizeof loop);
    machine_reset_harts(m); /* every hart at the start of RAM */
    if (!board_place(m, "fuzz console=ttyS0", err, sizeof err)) {
        check_message("board_place", err);
        goto out;
    }
    /* The tree in RAM, as the firmware will read it. */
    uint8_t head[8];
    if (m->fdt_addr && machine_read_mem(m, m->fdt_addr, head, sizeof head)) {
        uint32_t total = (uint32_t)head[4] << 24 | head[5] << 16 | head[6] << 8 | head[7];
        uint8_t *placed = malloc(total);
        if (placed && machine_read_mem(m, m->fdt_addr, placed, total) &&
            !board_check_blob(placed, total, err, sizeof err))
            fuzz_fail("the tree placed in RAM is not valid: %s", err);
        free(placed);
    }
    /* Every device region: read the first registers and the last word, write zeros to the
     * first ones, so that the configuration the tree gave each device is exercised. */
    for (unsigned r = 0; r < m->bus.nregions; r++) {
        const struct bus_region *reg = &m->bus.regions[r];
        if (reg->mem)
            continue;
        uint64_t v;
        for (uint64_t off = 0; off < 0x40 && off < reg->size; off += 4)
            bus_load(&m->bus, reg->base + off, 4, &v);
        if (reg->size >= 8)
            bus_load(&m->bus, reg->base + reg->size - 4, 4, &v);
        for (uint64_t off = 4; off < 0x20 && off < reg->size; off += 4)
            bus_store(&m->bus, reg->base + off, 4, 0);
    }
    machine_run(m);
out:
    if (m)
        machine_free(m);
    free(fdt);
}
