/* The SiFive test finisher: a 32-bit write-only register that ends the run or resets the
 * board. The encoding is the one QEMU's hw/misc/sifive_test.c gives "sifive,test0" on the
 * virt machine (FINISHER_PASS, FINISHER_FAIL with the code in bits 31:16, FINISHER_RESET);
 * there is no published specification beyond that behaviour, which firmware such as
 * OpenSBI's reset driver and the riscv-tests environments rely on. As QEMU's device, it
 * takes 16-bit writes too (OpenSBI's SiFive-test driver uses `writew`): the value is the
 * low half of the register, the code bits are 0. */
#include "devices/finisher.h"

#include <stdio.h>
#include <stdlib.h>

#include "devices/bus.h"
#include "host/log.h"
#include "platform/machine.h"

struct finisher {
    struct machine *m;
    uint64_t base;
};

static uint64_t finisher_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static bool finisher_peek(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
    *val = 0;
    return true;
}

static void finisher_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct finisher *f = opaque;
    uint32_t status = (uint32_t)val & 0xffff;
    uint32_t code = ((uint32_t)val >> 16) & 0xffff;

    /* QEMU decodes only offset 0; a write elsewhere is most likely a wrong base address. */
    if (offset != 0) {
        guest_error("finisher-offset",
                    "test finisher: write of 0x%08x at offset 0x%llx ignored (the register is "
                    "at offset 0, address 0x%llx)",
                    (unsigned)val, (unsigned long long)offset, (unsigned long long)f->base);
        return;
    }
    switch (status) {
    case FINISHER_PASS: machine_exit(f->m, 0, "finisher pass"); break;
    case FINISHER_FAIL:
        /* A fail with code 0 would look like success to a CI job, and a code above 255
         * would be truncated by the host's exit status (to 0 for 256): keep both nonzero. */
        machine_exit(f->m, code ? (int)(code > 255 ? 255 : code) : 1, "finisher fail");
        break;
    case FINISHER_RESET: machine_request_reset(f->m); break;
    default:
        guest_error("finisher-value",
                    "test finisher: unknown command 0x%08x ignored (0x5555 pass, "
                    "(code<<16)|0x3333 fail, 0x7777 reset)",
                    (unsigned)val);
        return;
    }
    f->m->bus.stop_requested = true;
}

static const struct device_ops finisher_ops = {
    .min_size = 2, /* 2-byte writes: OpenSBI's driver (see the top of this file) */
    .max_size = 4,
    .unaligned_ok = false,
    .read = finisher_read,
    .write = finisher_write,
    .peek = finisher_peek,
};

struct finisher *finisher_new(struct machine *m, uint64_t base)
{
    struct finisher *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->m = m;
    f->base = base;
    if (!bus_add_device(&m->bus, "test-finisher", base, FINISHER_SIZE, &finisher_ops, f)) {
        free(f);
        return NULL;
    }
    return f;
}

void finisher_free(struct finisher *f)
{
    free(f);
}

static void finisher_cleanup(void *opaque)
{
    finisher_free(opaque);
}

bool finisher_device_create(struct machine *m, const void *fdt, int node, uint64_t base,
                            uint64_t size, char *err, size_t errlen)
{
    struct finisher *f;

    if (size < 4) {
        snprintf(err, errlen, "test finisher at 0x%llx: reg size 0x%llx holds no register",
                 (unsigned long long)base, (unsigned long long)size);
        return false;
    }
    f = finisher_new(m, base);
    if (!f) {
        snprintf(err, errlen,
                 "test finisher at 0x%llx: the range overlaps another device, or out of memory",
                 (unsigned long long)base);
        return false;
    }
    machine_on_free(m, finisher_cleanup, f);
    return true;
}
