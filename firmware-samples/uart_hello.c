/* uart_hello: the smallest bare-metal program that talks: no C library, no semihosting, no
 * interrupts. It programs the NS16550A for 115200 8N1 (divisor latch, PC16550D datasheet)
 * and writes each byte to THR after polling LSR.THRE, the way a boot ROM prints its
 * banner, then ends the run through the SiFive test finisher with status 0. Built for the
 * virt board at both XLENs; it runs unchanged on QEMU's virt (-bios none).
 */
#include "bsp/bsp.h"

int main(void)
{
    uart_init();
    uart_puts("Hello from the UART!\n");
    uprintf("polled NS16550A at 0x%lx, RV%u, hart %lu\n", UART0_BASE,
            (unsigned)(sizeof(unsigned long) * 8), csr_read(mhartid));
    return 0;
}
