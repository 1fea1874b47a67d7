/* Phase 3 of the command line (cli/cli.h): the machine built from the plan. The instruction
 * trace's file is opened, the machine made from the board's tree, every image loaded where
 * the plan put it, the tree placed in RAM for the firmware, and the GPIO input script
 * attached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "devices/virtio_mmio.h"
#include "host/gpio_script.h"
#include "host/log.h"
#include "platform/board.h"

/* Load the raw images, the --kernel ELF and the firmware ELF, in that order. */
static bool load_images(const struct cli_options *o, struct cli_plan *p, struct machine *m,
                        char *err, size_t errlen)
{
    const struct machine_options *mo = &o->machine;
    for (unsigned k = 0; k < p->nraws; k++) {
        if (p->raws[k].in_ram) {
            /* The kernel goes where QEMU's riscv_load_kernel puts it after fw_jump. */
            bool is_kernel = o->kernel && p->raws[k].path == o->kernel;
            uint64_t offset = is_kernel ? (mo->xlen == 32 ? 0x400000 : 0x200000) : 0;
            p->raws[k].addr = mo->ram_base + offset;
        }
        if (!machine_load_raw(m, p->raws[k].path, p->raws[k].addr, err, errlen))
            return false;
    }
    if (p->kernel_elf && !machine_load_elf_segments(m, p->kernel_elf, err, errlen))
        return false;
    if (p->elf)
        return machine_load_elf(m, p->elf, &p->info, err, errlen);
    /* Raw images only: start at the first one, as QEMU's -bios does. */
    machine_set_entry(m, p->raws[p->first_raw].addr);
    return true;
}

struct machine *cli_build_machine(struct cli_options *o, struct cli_plan *p, char *err,
                                  size_t errlen)
{
    struct machine_options *mo = &o->machine;
    if (o->trace) {
        mo->trace = o->trace_path ? fopen(o->trace_path, "w") : stderr;
        if (!mo->trace) {
            snprintf(err, errlen, "--trace: cannot write %s: %s", o->trace_path, strerror(errno));
            return NULL;
        }
    }
    struct machine *m = machine_new(mo, err, errlen);
    if (!m)
        return NULL;
    /* Every drive needs a virtio-mmio slot of the board's. */
    unsigned slots = 0;
    while (virtio_mmio_find(m, slots))
        slots++;
    if (slots < mo->ndrives) {
        snprintf(err, errlen,
                 "--drive %s: the board has %u virtio-mmio slot%s, not enough for %u drive%s",
                 o->drives[slots], slots, slots == 1 ? "" : "s", mo->ndrives,
                 mo->ndrives == 1 ? "" : "s");
        machine_free(m);
        return NULL;
    }
    if (!load_images(o, p, m, err, errlen) || !board_place(m, p->cmdline, err, errlen) ||
        (o->gpio_script && !gpio_script_load(m, o->gpio_script, err, errlen))) {
        machine_free(m);
        return NULL;
    }
    if (m->board_warning[0])
        fprintf(stderr, "hartlab: %s\n", m->board_warning);
    if (m->load_warning[0])
        fprintf(stderr, "hartlab: %s\n", m->load_warning);
    log_info("RV%u, %" PRIu64 " KiB RAM at 0x%" PRIx64 ", entry 0x%" PRIx64, mo->xlen,
             mo->ram_size >> 10, mo->ram_base, m->entry);
    return m;
}
