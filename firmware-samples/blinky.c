/* blinky: the LEDs of the mcu board (mcu.dts /leds: green on GPIO 19, blue on 21, red on
 * 22, active high) count in binary, one step every 100 ms of mtime, and each step is
 * printed on the UART. The GPIO pins are SiFive GPIO0 outputs (output_en, output_val; the
 * FE310-G002 manual's GPIO chapter), with the I/O function and output inversion off.
 *
 * The pacing needs no trap handler: mie.MTIE is set but mstatus.MIE is not, and wfi wakes
 * up when an enabled interrupt becomes pending even then (Privileged Architecture 1.12
 * section 3.3.3); the program moves mtimecmp on and sleeps again. On hartlab the virtual
 * clock jumps to each deadline, so 1.6 s of blinking takes no time; --realtime shows it
 * at the real pace.
 */
#include "bsp/bsp.h"

#define STEPS     16u
#define PERIOD_MS 100u
#define PERIOD    ((uint64_t)TIMEBASE_HZ / 1000u * PERIOD_MS)

static const struct {
    const char *name;
    unsigned pin;
} leds[] = {
    { "green", LED_GREEN_PIN },
    { "blue", LED_BLUE_PIN },
    { "red", LED_RED_PIN },
};
#define NLEDS (sizeof leds / sizeof leds[0])

int main(void)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < NLEDS; i++)
        mask |= 1u << leds[i].pin;

    uart_init();
    uprintf("blinky: %u LEDs counting in binary, a step every %u ms\n", (unsigned)NLEDS, PERIOD_MS);
    gpio_reg(GPIO_IOF_EN) &= ~mask;
    gpio_reg(GPIO_OUT_XOR) &= ~mask;
    gpio_reg(GPIO_OUTPUT_VAL) &= ~mask;
    gpio_reg(GPIO_OUTPUT_EN) |= mask;

    csr_clear(mstatus, MSTATUS_MIE); /* wake-ups only: no handler */
    csr_set(mie, MIE_MTIE);
    uint64_t deadline = clint_mtime();
    for (unsigned step = 0; step < STEPS; step++) {
        uint32_t out = gpio_reg(GPIO_OUTPUT_VAL) & ~mask;
        for (unsigned i = 0; i < NLEDS; i++)
            if ((step >> i) & 1)
                out |= 1u << leds[i].pin;
        gpio_reg(GPIO_OUTPUT_VAL) = out;

        uprintf("step %2u at %4u ms:", step, (unsigned)(step * PERIOD_MS));
        for (unsigned i = 0; i < NLEDS; i++)
            uprintf(" %s %s", leds[i].name, (out >> leds[i].pin) & 1 ? "ON " : "off");
        uprintf("  output_val 0x%08x\n", (unsigned)gpio_reg(GPIO_OUTPUT_VAL));

        deadline += PERIOD;
        clint_set_mtimecmp(deadline);
        while (!(csr_read(mip) & MIP_MTIP))
            wfi();
    }
    gpio_reg(GPIO_OUTPUT_VAL) &= ~mask;
    uprintf("done: LEDs off after %u ms of mtime\n",
            (unsigned)clint_mtime() / (TIMEBASE_HZ / 1000u));
    return 0;
}
