/* SiFive GPIO0 ("sifive,gpio0"): the general-purpose I/O bank of the FE310 and its kin, with
 * the register map of SiFive's FE310-G002 manual, chapter "General Purpose Input/Output
 * Controller (GPIO)": one bit per pin in each 32-bit register, one interrupt output per pin.
 *
 * The level on pin i is decided in this order:
 *   1. output_en[i] set: the chip drives it with output_val[i] ^ out_xor[i];
 *   2. else the outside world drives it (sifive_gpio_set_input: a button, a --gpio-script);
 *   3. else pue[i] set: the pull-up makes it 1;
 *   4. else it floats. A floating pin reads 0 here (on silicon it is undefined).
 * When the chip and the outside world both drive a pin, the chip wins and the outside level
 * is remembered for when output_en is cleared. input_val[i] = level & input_en[i], as the
 * manual says the input path is gated by input_en; the interrupt logic watches input_val, so
 * enabling an input whose pin is high is a rising edge. iof_en, iof_sel and ds are stored
 * and read back but change nothing (no pin-level IOF peripherals are modelled).
 *
 * Usage:
 *     unsigned src[8] = { 32, 33, 34, 35, 36, 37, 38, 39 };   // PLIC source per pin
 *     struct sifive_gpio *g = sifive_gpio_new(m, 0x10060000, 0, 8, src);
 *     sifive_gpio_listen_change(g, led_changed, panel);   // chip-driven pins: LEDs, VCD, traces
 *     sifive_gpio_set_input(g, 4, false);             // button on pin 4 pressed (active low)
 *     sifive_gpio_release_input(g, 4);                // released: the pull-up takes over
 *
 * From a board: device_table row "sifive,gpio0" -> sifive_gpio_create, which reads `ngpios`
 * (default 32) and `interrupts` (one source per pin, in pin order). Each bank is also listed
 * in m->gpio[] / m->ngpio in creation order, where the CLI and the panel find it.
 */
#ifndef HARTLAB_DEVICES_SIFIVE_GPIO_H
#define HARTLAB_DEVICES_SIFIVE_GPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct sifive_gpio;

#define SIFIVE_GPIO_MAX_PINS 32u
#define SIFIVE_GPIO_SIZE     0x1000u /* the bus window FE310 gives the bank */

/* Register offsets (FE310-G002 manual, GPIO "Memory Map"). All 32-bit. */
#define SIFIVE_GPIO_INPUT_VAL  0x00u /* read-only: pin levels gated by input_en */
#define SIFIVE_GPIO_INPUT_EN   0x04u
#define SIFIVE_GPIO_OUTPUT_EN  0x08u
#define SIFIVE_GPIO_OUTPUT_VAL 0x0Cu
#define SIFIVE_GPIO_PUE        0x10u /* internal pull-up enable */
#define SIFIVE_GPIO_DS         0x14u /* drive strength */
#define SIFIVE_GPIO_RISE_IE    0x18u
#define SIFIVE_GPIO_RISE_IP    0x1Cu /* pending bits: write 1 to clear */
#define SIFIVE_GPIO_FALL_IE    0x20u
#define SIFIVE_GPIO_FALL_IP    0x24u
#define SIFIVE_GPIO_HIGH_IE    0x28u
#define SIFIVE_GPIO_HIGH_IP    0x2Cu
#define SIFIVE_GPIO_LOW_IE     0x30u
#define SIFIVE_GPIO_LOW_IP     0x34u
#define SIFIVE_GPIO_IOF_EN     0x38u
#define SIFIVE_GPIO_IOF_SEL    0x3Cu
#define SIFIVE_GPIO_OUT_XOR    0x40u
#define SIFIVE_GPIO_REGS_END   0x44u

/* Told of every change of level of a pin the chip drives (output_en set before or after the
 * change), once per change, with the virtual-clock cycle at which it happened. */
typedef void (*sifive_gpio_change_fn)(void *opaque, unsigned pin, bool level, uint64_t cycle);

/* A bank of `ngpios` pins (1..32) at `base`, claiming `size` bytes of bus (0 =
 * SIFIVE_GPIO_SIZE, at least SIFIVE_GPIO_REGS_END). sources[i] is pin i's interrupt source
 * on the machine's controller (0 = not connected); `sources` may be NULL. The bank is added
 * to m->gpio[] if there is room. NULL if the range is taken, ngpios is out of range or out
 * of memory. The machine frees it. */
struct sifive_gpio *sifive_gpio_new(struct machine *m, uint64_t base, uint64_t size,
                                    unsigned ngpios, const unsigned *sources);
/* The device_table constructor (see struct device_desc). */
bool sifive_gpio_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                        char *err, size_t errlen);

/* Recompute every pin's interrupt output, (rise_ip & rise_ie) | (fall_ip & fall_ie) |
 * (high_ip & high_ie) | (low_ip & low_ie): the one place that sets them. */
void sifive_gpio_update_irq(struct sifive_gpio *g);

/* The outside world drives `pin` at `level` (a button, a script), until released. False if
 * the pin does not exist. Takes effect at once: edges and levels are seen by the interrupt
 * logic at the current virtual-clock cycle. */
bool sifive_gpio_set_input(struct sifive_gpio *g, unsigned pin, bool level);
/* The outside world stops driving `pin`: it falls to the pull-up, or floats (reads 0). */
bool sifive_gpio_release_input(struct sifive_gpio *g, unsigned pin);
/* Pin levels (bit i = pin i, every pin however driven) and which pins the chip drives
 * (output_en). Either pointer may be NULL. */
void sifive_gpio_outputs(const struct sifive_gpio *g, uint32_t *levels, uint32_t *driven);
/* Observers of chip-driven pin changes (docs/design.md, decision 11; up to LISTENERS_MAX,
 * false when full). */
bool sifive_gpio_listen_change(struct sifive_gpio *g, sifive_gpio_change_fn fn, void *ctx);
void sifive_gpio_unlisten_change(struct sifive_gpio *g, sifive_gpio_change_fn fn, void *ctx);

unsigned sifive_gpio_ngpios(const struct sifive_gpio *g);
uint64_t sifive_gpio_base(const struct sifive_gpio *g);
/* Whether pin's interrupt output is high (debugger, panel, tests). */
bool sifive_gpio_irq_level(const struct sifive_gpio *g, unsigned pin);
/* Pin's interrupt output line, to wire by hand (irq_connect) when `sources` did not; NULL if
 * the pin does not exist. */
struct irq_line *sifive_gpio_irq(struct sifive_gpio *g, unsigned pin);

#endif
