/* The device types boards can name in their device trees, by `compatible` string. Adding a
 * device: its own file, a row here, and a node in the board's .dts (docs/design.md, decision 6). */
#include <libfdt.h>
#include <string.h>

#include "devices/clint.h"
#include "devices/finisher.h"
#include "devices/plic.h"
#include "platform/machine.h"
#include "devices/ns16550.h"
#include "devices/sifive_gpio.h"
#include "devices/virtio_mmio.h"

/* Read-only memory (boot flash): loadable by the loader, stores fault. */
static bool rom_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                       char *err, size_t errlen)
{
    if (!bus_add_ram(&m->bus, "rom", base, size, true)) {
        snprintf(err, errlen, "overlaps another region or is not whole 4 KiB pages");
        return false;
    }
    /* Flash read without a cache: every instruction fetched from it waits (cycles). */
    int len;
    const fdt32_t *ws = fdt_getprop(fdt, node, "hartlab,fetch-wait-states", &len);
    if (ws) {
        uint32_t v = len == 4 ? fdt32_to_cpu(ws[0]) : 256;
        if (v > 255) {
            snprintf(err, errlen, "hartlab,fetch-wait-states must be one cell, 0 to 255");
            return false;
        }
        bus_set_fetch_wait(&m->bus, base, v);
    }
    return true;
}

const struct device_desc device_table[] = {
    { "sifive,test0", finisher_device_create },
    { "hartlab,rom", rom_create },
    { "riscv,clint0", clint_create },
    { "sifive,clint0", clint_create },
    { "sifive,plic-1.0.0", plic_create },
    { "riscv,plic0", plic_create },
    { "ns16550a", ns16550_create },
    { "ns16550", ns16550_create },
    { "sifive,gpio0", sifive_gpio_create },
    { "virtio,mmio", virtio_mmio_create },
    { NULL, NULL },
};
