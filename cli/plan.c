/* Phase 2 of the command line (cli/cli.h): the plan. Which image starts (an ELF, or the
 * first raw image), where --bios and --kernel images go (as QEMU's -bios and -kernel place
 * them), the guest's command line, the ELF's XLEN and entry point, the ISA, and the board's
 * device tree with the options the user left unset filled in from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "host/blockdev.h"
#include "host/log.h"
#include "platform/board.h"

/* True if the file starts with the ELF magic. */
static bool is_elf_file(const char *path)
{
    unsigned char magic[4] = { 0 };
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

/* --bios is the firmware that starts (an ELF, or a raw image at the start of RAM); --kernel
 * is the next stage it jumps to. Mistakes here are usage errors. */
static void plan_images(const struct cli_options *o, struct cli_plan *p)
{
    p->elf = o->firmware;
    memcpy(p->raws, o->loads, o->nloads * sizeof o->loads[0]);
    p->nraws = o->nloads;
    if (o->bios && p->elf)
        cli_usage_error("both --bios and '%s' given: name the firmware once", p->elf);
    p->first_raw = 0;
    if (o->bios) {
        if (is_elf_file(o->bios)) {
            p->elf = o->bios;
        } else {
            if (p->nraws == CLI_MAX_IMAGES)
                cli_usage_error("too many images (%s)", o->bios);
            memmove(&p->raws[1], &p->raws[0], p->nraws * sizeof p->raws[0]);
            p->raws[0] = (struct cli_image){ .path = o->bios, .addr = 0, .in_ram = true };
            p->nraws++;
        }
    }
    if (o->kernel) {
        if (!o->bios)
            cli_usage_error("--kernel %s needs --bios (the firmware that starts it)", o->kernel);
        if (is_elf_file(o->kernel)) {
            p->kernel_elf = o->kernel;
        } else if (p->nraws < CLI_MAX_IMAGES) {
            p->raws[p->nraws++] =
                (struct cli_image){ .path = o->kernel, .addr = 0, .in_ram = true };
            p->first_raw = 0;
        }
    }
    if (!p->elf && p->nraws == 0)
        cli_usage_error("%s", "no firmware given: hartlab [options] FILE.elf [-- guest args]");
}

/* The guest command line: program name, then the arguments after '--'. */
static char *guest_cmdline(const struct cli_options *o, const char *program)
{
    size_t cmdlen = strlen(program) + 1;
    for (int k = 0; k < o->guest_argc; k++)
        cmdlen += strlen(o->guest_argv[k]) + 1;
    char *cmdline = malloc(cmdlen);
    if (!cmdline)
        return NULL;
    strcpy(cmdline, program);
    for (int k = 0; k < o->guest_argc; k++) {
        strcat(cmdline, " ");
        strcat(cmdline, o->guest_argv[k]);
    }
    return cmdline;
}

bool cli_plan(struct cli_options *o, struct cli_plan *p, char *err, size_t errlen)
{
    struct machine_options *mo = &o->machine;
    char why[384];
    memset(p, 0, sizeof *p);
    plan_images(o, p);
    o->views.firmware = p->elf; /* --profile names it in its output */

    p->cmdline = guest_cmdline(o, p->elf ? p->elf : p->raws[0].path);
    if (!p->cmdline) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    mo->cmdline = p->cmdline;

    if (p->elf && !elf_probe(p->elf, &p->info, err, errlen))
        return false;
    if (o->isa) {
        unsigned xlen;
        mo->ext_set = true;
        if (!board_parse_isa(o->isa, true, &xlen, &mo->ext, why, sizeof why)) {
            snprintf(err, errlen, "--isa %s: %s", o->isa, why);
            return false;
        }
        if (p->elf && xlen != p->info.xlen) {
            snprintf(err, errlen, "--isa %s does not match %s, which is a %u-bit ELF", o->isa,
                     p->elf, p->info.xlen);
            return false;
        }
        mo->xlen = xlen;
    } else if (p->elf) {
        mo->xlen = p->info.xlen;
    } else {
        mo->xlen = 0; /* raw images only: the board decides */
    }

    /* The board: its tree decides RAM, timebase, misaligned policy and devices. */
    p->board_spec = o->board ? o->board : board_default_for(p->elf ? &p->info : NULL);
    size_t fdt_size;
    p->fdt = board_open(p->board_spec, &fdt_size, err, errlen);
    if (!p->fdt)
        return false;
    if (!o->ram_set)
        mo->ram_size = 0;
    void *fitted = board_fit_harts(p->fdt, o->smp, mo, why, sizeof why);
    if (!fitted) {
        if (o->smp)
            snprintf(err, errlen, "--smp %u --board %s: %s", o->smp, p->board_spec, why);
        else
            snprintf(err, errlen, "--board %s: %s", p->board_spec, why);
        return false;
    }
    p->fdt = fitted;
    if (!board_apply_options(p->fdt, mo, why, sizeof why)) {
        snprintf(err, errlen, "--board %s: %s", p->board_spec, why);
        return false;
    }
    mo->fdt = p->fdt;
    log_info("board %s%s", p->board_spec, o->board ? "" : " (default for this firmware)");

    /* The disk images: opened and locked now, so a bad one is one line before anything
     * runs; the machine's virtio-blk devices take them in order. */
    for (unsigned k = 0; k < o->ndrives; k++)
        if (!(p->drives[k] = blockdev_open(o->drives[k], err, errlen)))
            return false;
    mo->drives = p->drives;
    mo->ndrives = o->ndrives;
    return true;
}

void cli_plan_free(struct cli_plan *p)
{
    for (unsigned k = 0; k < CLI_MAX_DRIVES; k++) {
        blockdev_close(p->drives[k]); /* flushed, unlocked */
        p->drives[k] = NULL;
    }
    free(p->cmdline);
    free(p->fdt);
    p->cmdline = NULL;
    p->fdt = NULL;
}
