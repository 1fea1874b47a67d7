/* button: a GPIO interrupt on a falling edge. BTN0 of the mcu board (mcu.dts /buttons: GPIO
 * 9, active low) is an input with its internal pull-up, so it reads high until pressed;
 * fall_ie makes a press set fall_ip, and the pin's interrupt line (PLIC source 8 + pin)
 * stays high until the handler writes 1 to fall_ip (SiFive GPIO0, FE310-G002 manual). Each
 * press toggles the green LED (GPIO 19) and prints a line; the third press ends the run.
 *
 * BTN1 (GPIO 10) is wired the same way but given PLIC priority 1 with the context threshold
 * at 1: the PLIC delivers only sources whose priority is above the threshold (RISC-V PLIC
 * Specification 1.0.0, "Interrupt Priority Thresholds"), so its press stays pending in
 * the PLIC and is never taken. The test drives the pins with hartlab --gpio-script.
 */
#include "bsp/bsp.h"

#define PRESSES  3u
#define BTN0_BIT (1u << BUTTON0_PIN)
#define BTN1_BIT (1u << BUTTON1_PIN)
#define LED_BIT  (1u << LED_GREEN_PIN)
#define BTN0_IRQ (GPIO0_IRQ_BASE + BUTTON0_PIN)
#define BTN1_IRQ (GPIO0_IRQ_BASE + BUTTON1_PIN)

static volatile unsigned presses, others;

__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
    BSP_TRAP_CFI();
    unsigned long cause = csr_read(mcause);
    if (cause != (MCAUSE_INTERRUPT | IRQ_M_EXT)) {
        uprintf("\nunexpected trap: mcause 0x%lx, mepc 0x%lx\n", cause, csr_read(mepc));
        bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
    }
    unsigned src;
    while ((src = plic_claim()) != 0) {
        if (src == BTN0_IRQ) {
            gpio_reg(GPIO_FALL_IP) = BTN0_BIT; /* write 1 to clear: lowers the line */
            gpio_reg(GPIO_OUTPUT_VAL) ^= LED_BIT;
            presses++;
            uprintf("BTN0 pressed (%u): green LED %s\n", presses,
                    gpio_reg(GPIO_OUTPUT_VAL) & LED_BIT ? "on" : "off");
        } else {
            uprintf("interrupt from PLIC source %u\n", src);
            others++;
        }
        plic_complete(src);
    }
}

int main(void)
{
    uart_init();
    uprintf("button: press BTN0 (GPIO %u, PLIC source %u) to toggle the green LED\n", BUTTON0_PIN,
            BTN0_IRQ);

    gpio_reg(GPIO_IOF_EN) &= ~(BTN0_BIT | BTN1_BIT | LED_BIT);
    gpio_reg(GPIO_OUTPUT_VAL) &= ~LED_BIT;
    gpio_reg(GPIO_OUTPUT_EN) = (gpio_reg(GPIO_OUTPUT_EN) | LED_BIT) & ~(BTN0_BIT | BTN1_BIT);
    gpio_reg(GPIO_PUE) |= BTN0_BIT | BTN1_BIT;
    gpio_reg(GPIO_INPUT_EN) |= BTN0_BIT | BTN1_BIT;
    /* Enabling the input made the pins rise from 0: forget that edge. */
    gpio_reg(GPIO_RISE_IP) = BTN0_BIT | BTN1_BIT;
    gpio_reg(GPIO_FALL_IP) = BTN0_BIT | BTN1_BIT;
    gpio_reg(GPIO_FALL_IE) |= BTN0_BIT | BTN1_BIT;
    uprintf("buttons read %s/%s (pulled up)\n",
            gpio_reg(GPIO_INPUT_VAL) & BTN0_BIT ? "high" : "low",
            gpio_reg(GPIO_INPUT_VAL) & BTN1_BIT ? "high" : "low");

    plic_set_threshold(1);
    plic_enable(BTN0_IRQ, 2);
    plic_enable(BTN1_IRQ, 1); /* not above the threshold: never delivered */
    csr_write(mtvec, (unsigned long)trap_handler | MTVEC_MODE_DIRECT);
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    /* Checked with interrupts off so that a press between the check and wfi cannot be
     * missed: wfi still wakes on the pending interrupt, which is taken once MIE is set. */
    csr_clear(mstatus, MSTATUS_MIE);
    while (presses < PRESSES) {
        wfi();
        csr_set(mstatus, MSTATUS_MIE);
        csr_clear(mstatus, MSTATUS_MIE);
    }
    bool btn1_pending = MMIO32(PLIC_PENDING(BTN1_IRQ)) & (1u << (BTN1_IRQ % 32));
    uprintf("BTN1 (priority 1, threshold 1): %s\n",
            btn1_pending ? "pending in the PLIC, never taken" : "not pending");
    gpio_reg(GPIO_OUTPUT_VAL) &= ~LED_BIT;
    return others == 0 && btn1_pending ? 0 : 1;
}
