/* A firmware with a known line coverage, for coverage_test.py (--coverage): the lines
 * marked COVER-name run a known number of times. Built -O0 -g, bare metal on virt; ends
 * through the SiFive test finisher. */
#include <stdint.h>

#define FINISHER ((volatile uint32_t *)0x100000)

uint8_t stack[1024] __attribute__((aligned(16)));
volatile unsigned sink;

static unsigned used(unsigned x)
{
    return x * 3; /* COVER-used */
}

static unsigned unused(unsigned x)
{
    if (x > 100)  /* COVER-unused-if */
        return x; /* COVER-unused */
    return x + 7;
}

void main(void) __attribute__((noreturn));
void main(void)
{
    unsigned sum = 0;
    for (unsigned i = 0; i < 5; i++) /* COVER-loop-head */
        sum += i;                    /* COVER-loop */
    for (unsigned i = 0; i < 3; i++)
        sum += used(i);
    if (sum == 19) /* COVER-if */
        sink = 1;  /* COVER-taken */
    else
        sink = unused(sum); /* COVER-not-taken */
    *FINISHER = 0x5555;
    for (;;)
        ;
}

__asm__(".section .text.init, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, stack + 1024\n"
        "  j main\n");
