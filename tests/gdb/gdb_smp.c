/* gdb_smp: firmware for run_gdb_smp.py's `atomic` scenario (docs/gdb.md, "Threads are
 * harts"). Every hart adds 1 to a shared counter for ever with a compare-and-swap loop
 * written as compilers emit one (lr.w; bne to the end; sc.w; bnez back to the lr.w: the
 * constrained LR/SC loop of Unprivileged ISA 8.3). GDB single-steps such a sequence as one
 * step, with a breakpoint at its end (it cannot stop inside it), and the test checks that
 * only the stepped hart moves and that its SC succeeds: the counter grows by exactly one.
 * `cas_lr` labels the lr.w so the test can put a breakpoint there.
 */
#include "bsp/bsp.h"
#include "bsp/smp.h"

volatile uint32_t total;

__attribute__((noinline)) static void cas_add(volatile uint32_t *p, uint32_t v)
{
    uint32_t old = *p, seen, fail;
    for (;;) {
        __asm__ volatile(".globl cas_lr\n"
                         "cas_lr: lr.w %[seen], %[mem]\n\t"
                         "        bne %[seen], %[old], 1f\n\t"
                         "        sc.w %[fail], %[new], %[mem]\n\t"
                         "        bnez %[fail], cas_lr\n"
                         "1:"
                         : [seen] "=&r"(seen), [fail] "=&r"(fail), [mem] "+A"(*p)
                         : [old] "r"(old), [new] "r"(old + v)
                         : "memory");
        if (seen == old)
            return;
        old = seen;
    }
}

static void work(void)
{
    for (;;)
        cas_add(&total, 1);
}

void smp_main(unsigned long hartid, const void *dtb)
{
    (void)hartid;
    (void)dtb;
    work();
}

int main(unsigned long hartid, const void *dtb)
{
    (void)hartid;
    (void)dtb;
    work();
    return 0;
}
