/* Standard input has one owner (host/chardev.h): a firmware that reads its first line
 * through semihosting (SYS_READ on ":tt") and the rest through the UART gets each byte
 * exactly once. It works for a while first (so that a UART reading stdin on its own would
 * have taken bytes by then), prints "semihosting: LINE" (semihosting SYS_WRITE0), then
 * echoes the UART's bytes through the UART until a newline and passes (SiFive test
 * finisher). virt. */
#include <stdint.h>

#define UART     ((volatile uint8_t *)0x10000000)
#define FINISHER ((volatile uint32_t *)0x100000)

enum { SYS_OPEN = 0x01, SYS_WRITE0 = 0x04, SYS_READ = 0x06 };

static uintptr_t semihost(uintptr_t op, uintptr_t arg)
{
    register uintptr_t a0 __asm__("a0") = op;
    register uintptr_t a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n.option norvc\n.balign 16\n"
                     "slli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n.option pop"
                     : "+r"(a0)
                     : "r"(a1)
                     : "memory");
    return a0;
}

static char line[64] = "semihosting: ";
uint8_t stack[2048] __attribute__((aligned(16)));

extern uint8_t stack[2048];
void main(void) __attribute__((noreturn));
void main(void)
{
    for (volatile unsigned spin = 0; spin < 100000; spin++)
        ;
    uintptr_t open[3] = { (uintptr_t) ":tt", 0 /* "r" */, 3 };
    uintptr_t fd = semihost(SYS_OPEN, (uintptr_t)open);
    unsigned n = 13;
    while (n < sizeof line - 2) { /* one byte at a time, up to the newline */
        uintptr_t rd[3] = { fd, (uintptr_t)&line[n], 1 };
        if (semihost(SYS_READ, (uintptr_t)rd) != 0)
            break;
        if (line[n++] == '\n')
            break;
    }
    line[n] = 0;
    semihost(SYS_WRITE0, (uintptr_t)line);
    for (;;) {
        while (!(UART[5] & 1))
            ;
        uint8_t c = UART[0];
        UART[0] = c;
        if (c == '\n')
            break;
    }
    *FINISHER = 0x5555;
    for (;;)
        ;
}

__asm__(".section .text.init, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, stack + 2048\n"
        "  j main\n");
