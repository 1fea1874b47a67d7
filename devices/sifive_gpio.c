/* SiFive GPIO0 (see sifive_gpio.h), after the FE310-G002 manual, chapter "General Purpose
 * Input/Output Controller (GPIO)": its memory map, "Input / Output Values" (input_val is the
 * pin gated by input_en; output_val reads back what was written, whatever output_en says),
 * "Interrupts" (rise/fall pending bits set on edges of the input, high/low pending bits
 * while the level holds; a pending bit stays set until software writes 1 to it, and an
 * enabled pending bit raises the pin's interrupt), "Internal Pull-Ups" and "Output
 * Inversion" (out_xor inverts what the chip drives).
 *
 * All state changes go through gpio_update(), which recomputes every pin level, samples
 * input_val, sets pending bits from what changed, tells the observers about chip-driven
 * pins and then recomputes the interrupt lines. The input synchronizer of the silicon (a few
 * cycles of delay) is not modelled: a change is seen by the interrupt logic at once.
 * Register bits above ngpios are not implemented: they read 0 and writes to them are
 * dropped without complaint (drivers write all ones to clear every pending bit).
 */
#include "devices/sifive_gpio.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"
#include "host/log.h"
#include "platform/machine.h"

struct sifive_gpio {
    struct machine *m;
    uint64_t base;
    unsigned ngpios;
    uint32_t mask; /* the implemented pins */

    /* Registers, as the manual names them. */
    uint32_t input_val, input_en, output_en, output_val, pue, ds;
    uint32_t rise_ie, rise_ip, fall_ie, fall_ip, high_ie, high_ip, low_ie, low_ip;
    uint32_t iof_en, iof_sel, out_xor;

    /* The outside world: which pins it drives, and at what level. */
    uint32_t ext_driven, ext_level;
    /* Pin levels and chip-driven pins as of the last gpio_update(), to find changes. */
    uint32_t level, driven;

    struct irq_line irq[SIFIVE_GPIO_MAX_PINS];
    char irq_names[SIFIVE_GPIO_MAX_PINS][24];
    const char *name;
    struct listeners on_change; /* sifive_gpio_listen_change */
};

static uint32_t pin_levels(const struct sifive_gpio *g)
{
    uint32_t chip = (g->output_val ^ g->out_xor) & g->output_en;
    uint32_t outside = g->ext_level & g->ext_driven & ~g->output_en;
    uint32_t pulled = g->pue & ~g->output_en & ~g->ext_driven;
    return (chip | outside | pulled) & g->mask;
}

void sifive_gpio_update_irq(struct sifive_gpio *g)
{
    uint32_t pending = (g->rise_ip & g->rise_ie) | (g->fall_ip & g->fall_ie) |
                       (g->high_ip & g->high_ie) | (g->low_ip & g->low_ie);
    for (unsigned i = 0; i < g->ngpios; i++)
        irq_set(&g->irq[i], (pending >> i) & 1);
}

static void gpio_update(struct sifive_gpio *g)
{
    uint32_t level = pin_levels(g);
    uint32_t input = level & g->input_en;
    uint32_t old_input = g->input_val;

    g->rise_ip |= input & ~old_input;
    g->fall_ip |= ~input & old_input & g->mask;
    g->high_ip |= input;
    g->low_ip |= ~input & g->mask;
    g->input_val = input;

    uint32_t report = (level ^ g->level) & (g->output_en | g->driven);
    g->level = level;
    g->driven = g->output_en;

    sifive_gpio_update_irq(g);

    /* Observers last: the state they may look at (or change) is already consistent. */
    if (report) {
        uint64_t now = clock_now(&g->m->clock);
        for (unsigned i = 0; i < g->ngpios; i++) {
            if (!((report >> i) & 1))
                continue;
            LISTENERS_CALL(&g->on_change, sifive_gpio_change_fn, i, (level >> i) & 1, now);
        }
    }
}

/* The register at `offset`, or NULL for a hole. */
static uint32_t *reg_at(struct sifive_gpio *g, uint64_t offset)
{
    switch (offset) {
    case SIFIVE_GPIO_INPUT_VAL: return &g->input_val;
    case SIFIVE_GPIO_INPUT_EN: return &g->input_en;
    case SIFIVE_GPIO_OUTPUT_EN: return &g->output_en;
    case SIFIVE_GPIO_OUTPUT_VAL: return &g->output_val;
    case SIFIVE_GPIO_PUE: return &g->pue;
    case SIFIVE_GPIO_DS: return &g->ds;
    case SIFIVE_GPIO_RISE_IE: return &g->rise_ie;
    case SIFIVE_GPIO_RISE_IP: return &g->rise_ip;
    case SIFIVE_GPIO_FALL_IE: return &g->fall_ie;
    case SIFIVE_GPIO_FALL_IP: return &g->fall_ip;
    case SIFIVE_GPIO_HIGH_IE: return &g->high_ie;
    case SIFIVE_GPIO_HIGH_IP: return &g->high_ip;
    case SIFIVE_GPIO_LOW_IE: return &g->low_ie;
    case SIFIVE_GPIO_LOW_IP: return &g->low_ip;
    case SIFIVE_GPIO_IOF_EN: return &g->iof_en;
    case SIFIVE_GPIO_IOF_SEL: return &g->iof_sel;
    case SIFIVE_GPIO_OUT_XOR: return &g->out_xor;
    default: return NULL;
    }
}

static bool is_pending_reg(uint64_t offset)
{
    return offset == SIFIVE_GPIO_RISE_IP || offset == SIFIVE_GPIO_FALL_IP ||
           offset == SIFIVE_GPIO_HIGH_IP || offset == SIFIVE_GPIO_LOW_IP;
}

static uint64_t gpio_read(void *opaque, uint64_t offset, unsigned size)
{
    struct sifive_gpio *g = opaque;
    uint32_t *r = reg_at(g, offset);
    (void)size; /* the bus lets only 32-bit accesses through */
    if (!r) {
        guest_error("sifive-gpio-read", "%s: read of reserved offset 0x%llx (registers: 0x0..0x40)",
                    g->name, (unsigned long long)offset);
        return 0;
    }
    return *r;
}

static bool gpio_peek(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
    uint32_t *r = reg_at(opaque, offset); /* reads change nothing */
    (void)size;
    if (r)
        *val = *r;
    return r != NULL;
}

static void gpio_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct sifive_gpio *g = opaque;
    uint32_t *r = reg_at(g, offset);
    (void)size;
    if (!r) {
        guest_error("sifive-gpio-write",
                    "%s: write of 0x%llx to reserved offset 0x%llx ignored (registers: "
                    "0x0..0x40)",
                    g->name, (unsigned long long)val, (unsigned long long)offset);
        return;
    }
    if (offset == SIFIVE_GPIO_INPUT_VAL) {
        guest_error("sifive-gpio-input-val", "%s: write of 0x%llx to read-only input_val ignored",
                    g->name, (unsigned long long)val);
        return;
    }
    if (is_pending_reg(offset))
        *r &= ~(uint32_t)val; /* write 1 to clear; a level that still holds sets it again */
    else
        *r = (uint32_t)val & g->mask;
    gpio_update(g);
}

static const struct device_ops gpio_ops = {
    .min_size = 4, /* every register is 32 bits wide */
    .max_size = 4,
    .unaligned_ok = false,
    .read = gpio_read,
    .write = gpio_write,
    .peek = gpio_peek,
};

static void gpio_free(void *opaque)
{
    free(opaque);
}

struct sifive_gpio *sifive_gpio_new(struct machine *m, uint64_t base, uint64_t size,
                                    unsigned ngpios, const unsigned *sources)
{
    if (size == 0)
        size = SIFIVE_GPIO_SIZE;
    if (ngpios == 0 || ngpios > SIFIVE_GPIO_MAX_PINS || size < SIFIVE_GPIO_REGS_END)
        return NULL;
    struct sifive_gpio *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->m = m;
    g->base = base;
    g->ngpios = ngpios;
    g->mask = ngpios == 32 ? UINT32_MAX : (1u << ngpios) - 1;
    /* A string literal: the bus and the guest-error log keep the pointer (log.c keys on it)
     * past this bank's life when a test process builds several machines. */
    static const char *const names[] = { "gpio0", "gpio1", "gpio2", "gpio3" };
    g->name = m->ngpio < sizeof names / sizeof names[0] ? names[m->ngpio] : "gpio";
    for (unsigned i = 0; i < ngpios; i++) {
        snprintf(g->irq_names[i], sizeof g->irq_names[i], "%s.pin%u", g->name, i);
        g->irq[i].name = g->irq_names[i];
    }
    if (!bus_add_device(&m->bus, g->name, base, size, &gpio_ops, g)) {
        free(g);
        return NULL;
    }
    machine_on_free(m, gpio_free, g);
    machine_add_state(m, g, sizeof *g); /* snapshots (platform/history.h) */
    if (sources)
        for (unsigned i = 0; i < ngpios; i++)
            if (sources[i])
                machine_connect_irq(m, &g->irq[i], sources[i]); /* no controller: unconnected */
    /* Reset: every pin floats and every input is disabled, so input_val is 0 and low_ip is
     * set at once, as on the silicon; nothing is enabled, so no interrupt. */
    gpio_update(g);
    if (m->ngpio < sizeof m->gpio / sizeof m->gpio[0])
        m->gpio[m->ngpio++] = g;
    return g;
}

bool sifive_gpio_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                        char *err, size_t errlen)
{
    int len = 0;
    unsigned ngpios = 32; /* the binding's default */
    const fdt32_t *p = fdt_getprop(fdt, node, "ngpios", &len);
    if (p && len >= 4)
        ngpios = fdt32_to_cpu(p[0]);
    if (ngpios == 0 || ngpios > SIFIVE_GPIO_MAX_PINS) {
        snprintf(err, errlen, "gpio at 0x%llx: ngpios = %u, must be 1..%u",
                 (unsigned long long)base, ngpios, SIFIVE_GPIO_MAX_PINS);
        return false;
    }
    if (size < SIFIVE_GPIO_REGS_END) {
        snprintf(err, errlen,
                 "gpio at 0x%llx: reg size 0x%llx is smaller than its registers (0x%x)",
                 (unsigned long long)base, (unsigned long long)size, SIFIVE_GPIO_REGS_END);
        return false;
    }
    /* One source per pin in pin order; pins beyond the list have no interrupt. */
    unsigned sources[SIFIVE_GPIO_MAX_PINS] = { 0 };
    const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);
    for (unsigned i = 0; irqs && i < ngpios && i < (unsigned)len / 4; i++)
        sources[i] = fdt32_to_cpu(irqs[i]);
    if (!sifive_gpio_new(m, base, size, ngpios, sources)) {
        snprintf(err, errlen, "gpio at 0x%llx: address range in use or out of memory",
                 (unsigned long long)base);
        return false;
    }
    return true;
}

bool sifive_gpio_set_input(struct sifive_gpio *g, unsigned pin, bool level)
{
    if (pin >= g->ngpios)
        return false;
    g->ext_driven |= 1u << pin;
    g->ext_level = (g->ext_level & ~(1u << pin)) | ((uint32_t)level << pin);
    gpio_update(g);
    return true;
}

bool sifive_gpio_release_input(struct sifive_gpio *g, unsigned pin)
{
    if (pin >= g->ngpios)
        return false;
    g->ext_driven &= ~(1u << pin);
    g->ext_level &= ~(1u << pin);
    gpio_update(g);
    return true;
}

void sifive_gpio_outputs(const struct sifive_gpio *g, uint32_t *levels, uint32_t *driven)
{
    if (levels)
        *levels = g->level;
    if (driven)
        *driven = g->output_en;
}

bool sifive_gpio_listen_change(struct sifive_gpio *g, sifive_gpio_change_fn fn, void *ctx)
{
    return fn && listeners_add(&g->on_change, (listener_fn)fn, ctx);
}

void sifive_gpio_unlisten_change(struct sifive_gpio *g, sifive_gpio_change_fn fn, void *ctx)
{
    listeners_remove(&g->on_change, (listener_fn)fn, ctx);
}

unsigned sifive_gpio_ngpios(const struct sifive_gpio *g)
{
    return g->ngpios;
}

uint64_t sifive_gpio_base(const struct sifive_gpio *g)
{
    return g->base;
}

bool sifive_gpio_irq_level(const struct sifive_gpio *g, unsigned pin)
{
    return pin < g->ngpios && g->irq[pin].level;
}

struct irq_line *sifive_gpio_irq(struct sifive_gpio *g, unsigned pin)
{
    return pin < g->ngpios ? &g->irq[pin] : NULL;
}
