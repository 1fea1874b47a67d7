/* The device types boards can name in their device trees, by `compatible` string. Adding a
 * device: its own file, a row here, and a node in the board's .dts (docs/design.md, decision 6). */
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
