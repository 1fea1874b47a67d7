/* htif_test: drives hartlab's HTIF (devices/htif.h) the way riscv-tests and bare-metal
 * Spike programs do: console putchar (device 1, command 1), the syscall proxy (device 0:
 * write to stdout, then exit), and the exit command (device 0, payload bit 0). Which exit
 * path ends the run is chosen at build time:
 *   EXIT_CODE=N            tohost = (N << 1) | 1
 *   SYSCALL_EXIT_CODE=N    the proxied exit(N) syscall
 *   CONSOLE_ONLY           skip the syscall proxy, which QEMU's spike machine lacks, so
 *                          the same ELF can run on both and be compared
 * Each step waits for fromhost as Spike's protocol wants and reports on the console. */
#include <stdint.h>

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

int main(void);

static uint64_t htif_command(uint64_t cmd)
{
    uint64_t reply;
    while (tohost != 0)
        ;
    tohost = cmd;
    while ((reply = fromhost) == 0)
        ;
    fromhost = 0;
    return reply;
}

static void htif_puts(const char *s)
{
    for (; *s; s++)
        htif_command((1ull << 56) | (1ull << 48) | (uint8_t)*s);
}

static uint64_t syscall_proxy(uint64_t n, uint64_t a0, uint64_t a1, uint64_t a2)
{
    static volatile uint64_t magic[8] __attribute__((aligned(64)));
    magic[0] = n;
    magic[1] = a0;
    magic[2] = a1;
    magic[3] = a2;
    htif_command((uint64_t)(uintptr_t)magic);
    return magic[0];
}

int main(void)
{
    static const char msg[] = "htif: write syscall to stdout\n";
    uint64_t n;

    htif_puts("htif: putchar on device 1\n");
#ifndef CONSOLE_ONLY
    n = syscall_proxy(64, 1, (uintptr_t)msg, sizeof msg - 1);
    htif_puts(n == sizeof msg - 1 ? "htif: write returned its length\n"
                                  : "htif: write returned something else\n");
    n = syscall_proxy(64, 7, (uintptr_t)msg, sizeof msg - 1);
    htif_puts((int64_t)n == -9 ? "htif: write to fd 7 returned -EBADF\n"
                               : "htif: write to fd 7 did not fail with EBADF\n");
#else
    (void)msg;
    (void)n;
    (void)syscall_proxy;
#endif
#ifdef SYSCALL_EXIT_CODE
    syscall_proxy(93, SYSCALL_EXIT_CODE, 0, 0);
#else
    tohost = ((uint64_t)EXIT_CODE << 1) | 1;
#endif
    for (;;)
        ;
}
