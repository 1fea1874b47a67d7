/* exit_then_print: the instruction that ends the run is the last one that retires. The
 * firmware asks to exit through semihosting (SYS_EXIT_EXTENDED, or with -DVIA_FINISHER the
 * SiFive test finisher, or with -DVIA_HTIF a store to tohost) with status 3, then prints a
 * line through semihosting. Nothing of that may happen: stdout stays empty, the exit status
 * is 3, and the instruction count that -v reports equals QEMU's for the same ELF
 * (run_firmware.py qemu --count). */
#include <stdint.h>

#define SYS_WRITE0                  0x04
#define SYS_EXIT_EXTENDED           0x20
#define ADP_Stopped_ApplicationExit 0x20026

volatile uint64_t tohost __attribute__((section(".tohost"))),
    fromhost __attribute__((section(".tohost")));

/* The RISC-V semihosting sequence: slli x0,x0,0x1f; ebreak; srai x0,x0,7 (uncompressed,
 * in one page: aligned so that it does not straddle one). */
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

int main(void);

int main(void)
{
#if defined(VIA_FINISHER)
    *(volatile uint32_t *)0x100000 = (3u << 16) | 0x3333;
#elif defined(VIA_HTIF)
    tohost = (3u << 1) | 1;
#else
    uintptr_t block[2] = { ADP_Stopped_ApplicationExit, 3 };
    semihost(SYS_EXIT_EXTENDED, (uintptr_t)block);
#endif
    semihost(SYS_WRITE0, (uintptr_t) "this ran after the exit\n");
    for (;;)
        ;
}
