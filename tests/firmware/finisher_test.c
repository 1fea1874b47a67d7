/* finisher_test: drives the SiFive test finisher at 0x100000 (devices/finisher.h) as
 * QEMU's virt board has it. Built three ways:
 *   TEST_PASS    write 0x5555                       -> exit status 0
 *   TEST_PASS16  write 0x5555 with a 16-bit store (as OpenSBI's driver) -> 0
 *   TEST_FAIL    an unknown value (ignored), then (42 << 16) | 0x3333 -> 42
 *   TEST_RESET   write 0x7777 once; after the reset, fail with 20 + the number of boots
 *                counted in RAM outside the image (a reset keeps memory)  -> 22
 * No console: the exit status alone proves which path was taken. */
#include <stdint.h>

#define FINISHER ((volatile uint32_t *)0x100000)
/* Outside every ELF segment, so neither hartlab's nor QEMU's reset restores it. */
#define BOOTS    ((volatile uint32_t *)0x80100000)
#define MAGIC    0x600d600d

int main(void);

int main(void)
{
#if defined(TEST_PASS)
    *FINISHER = 0x5555;
#elif defined(TEST_PASS16)
    *(volatile uint16_t *)FINISHER = 0x5555;
#elif defined(TEST_FAIL)
    *FINISHER = 0x1234;
    *FINISHER = (42u << 16) | 0x3333;
#elif defined(TEST_RESET)
    if (BOOTS[1] != MAGIC) {
        BOOTS[0] = 0;
        BOOTS[1] = MAGIC;
    }
    BOOTS[0]++;
    if (BOOTS[0] == 1)
        *FINISHER = 0x7777;
    else
        *FINISHER = ((20u + BOOTS[0]) << 16) | 0x3333;
#endif
    for (;;)
        ;
}
