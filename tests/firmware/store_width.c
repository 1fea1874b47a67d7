/* store_width: a byte store to a device carries only the byte (RISC-V Unprivileged ISA
 * 20191213 section 2.6: "SB store[s] 8-bit values from the low bits of register rs2").
 * The register holds a negative number, so its upper bits are all ones; the NS16550A's
 * scratch register (SCR, offset 7 on virt) must see 0x80 and hartlab must not report a
 * guest error. Exits 0 (finisher) if SCR reads back 0x80, else 1. No console output: the
 * test checks the exit status and that stderr holds no guest error.
 */
#include <stdint.h>

#define UART_SCR ((volatile uint8_t *)0x10000007)
#define FINISHER ((volatile uint32_t *)0x100000)

int main(void);

int main(void)
{
    long v = -128; /* 0x...ff80 in the register */
    __asm__ volatile("sb %0, 0(%1)" ::"r"(v), "r"(UART_SCR) : "memory");
    *FINISHER = *UART_SCR == 0x80 ? 0x5555 : (1u << 16) | 0x3333;
    for (;;)
        ;
}
