/* uart_echo: input driven by interrupts. The NS16550A raises "received data available"
 * (IER.ERBFI; PC16550D datasheet) on PLIC source 10; the PLIC (RISC-V PLIC Specification
 * 1.0.0) passes it to hart 0's M-mode context when the source's priority is above the
 * context's threshold and the source is enabled there; the hart takes it as a machine
 * external interrupt when mie.MEIE and mstatus.MIE are set (Privileged Architecture 1.12
 * section 3.1.9). The handler claims the source, reads every received byte (RBR while
 * LSR.DR) into a ring, and completes the claim; main echoes what arrived and sleeps in wfi
 * otherwise. A 'q' ends the run with status 0.
 *
 * The wait is the race-free idiom: interrupts off, check the ring, wfi (which wakes on a
 * pending interrupt even while mstatus.MIE is clear), interrupts on, so the handler runs.
 */
#include "bsp/bsp.h"

#define RING_SIZE 64u /* a power of two */

static volatile uint8_t ring[RING_SIZE];
static volatile unsigned ring_head, ring_tail; /* handler writes head, main writes tail */
static volatile unsigned spurious;

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
        if (src == UART0_IRQ) {
            while (uart_reg(UART_LSR) & UART_LSR_DR) {
                uint8_t c = uart_reg(UART_RBR);
                if (ring_head - ring_tail < RING_SIZE)
                    ring[ring_head++ % RING_SIZE] = c;
            }
        } else {
            spurious++;
        }
        plic_complete(src);
    }
}

int main(void)
{
    unsigned count = 0;
    uart_init();
    uart_puts("uart_echo: type a line; 'q' quits\n");

    csr_write(mtvec, (unsigned long)trap_handler | MTVEC_MODE_DIRECT);
    plic_set_threshold(0);
    plic_enable(UART0_IRQ, 1);
    uart_reg(UART_IER) = UART_IER_ERBFI;
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    for (;;) {
        csr_clear(mstatus, MSTATUS_MIE);
        while (ring_tail == ring_head) {
            wfi();
            /* Let the pending interrupt in, then look at the ring again with it closed. */
            csr_set(mstatus, MSTATUS_MIE);
            csr_clear(mstatus, MSTATUS_MIE);
        }
        char c = (char)ring[ring_tail++ % RING_SIZE];
        csr_set(mstatus, MSTATUS_MIE);
        uart_putc(c);
        count++;
        if (c == 'q')
            break;
    }
    uprintf("\nbye after %u characters%s\n", count, spurious ? " (and spurious claims)" : "");
    return spurious ? 1 : 0;
}
