/* A firmware that never ends by itself, for the signal tests (signal_test.py): hartlab
 * must stop it at an instruction boundary on SIGTERM, SIGINT or SIGHUP and still deliver
 * what it owes. It sends "u\n" through the UART (so a VCD has a line to show), then prints
 * "started" through semihosting (SYS_WRITE0, which hartlab buffers like any standard
 * output: nothing after it flushes it), stores 0x600dcafe in its compliance signature
 * (begin_signature..end_signature), then:
 *   -DSPIN:  counts in a loop for ever (the counter also lands in the signature);
 *   -DFLOOD: prints numbered lines through semihosting for ever.
 * virt board, bare metal, no C library.
 */
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000)

enum { SYS_WRITE0 = 0x04 };

__attribute__((noinline)) static uintptr_t semihost(uintptr_t op, uintptr_t arg)
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

__asm__(".data\n"
        ".balign 16\n"
        ".globl begin_signature\n"
        "begin_signature:\n"
        ".word 0, 0, 0, 0\n"
        ".globl end_signature\n"
        "end_signature:\n"
        ".text\n");
extern volatile uint32_t begin_signature[4];

uint8_t stack[2048] __attribute__((aligned(16)));

void main(void) __attribute__((noreturn));

void spin(void) __attribute__((noreturn, noinline));
void spin(void)
{
    for (;;)
        begin_signature[1]++;
}

void main(void)
{
    for (const char *s = "u\n"; *s; s++) {
        while (!(UART[5] & 0x20))
            ;
        UART[0] = (uint8_t)*s;
    }
    semihost(SYS_WRITE0, (uintptr_t) "started\n");
    begin_signature[0] = 0x600dcafe;
#ifdef FLOOD
    char line[] = "line 0000000\n";
    for (uint32_t n = 0;; n++) {
        for (uint32_t k = 0, v = n; k < 7; k++, v /= 10)
            line[11 - k] = (char)('0' + v % 10);
        semihost(SYS_WRITE0, (uintptr_t)line);
    }
#else
    spin();
#endif
}

__asm__(".section .text.init, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, stack + 2048\n"
        "  j main\n");
