/* counter: two to eight harts add 1 to a shared counter, three ways, for the lab sheet
 * docs/labs/counter.md. Every hart adds INCREMENTS to each of three counters:
 *
 *   1. plain:  load, add, store (lw/addi/sw) - no atomicity, so an update that another
 *              hart makes between one hart's load and its store is lost;
 *   2. amo:    amoadd.w - one atomic read-modify-write (Unprivileged ISA 8.4);
 *   3. lock:   a spinlock taken with lr.w.aq/sc.w and released with amoswap.w.rl around
 *              the plain load/add/store (Unprivileged ISA 8.2-8.3).
 *
 * Hart 0 prints what each counter ended at, how many updates the plain way lost, and for the
 * lock how many SCs failed and how often a hart found the lock taken. On hartlab these
 * numbers are exact and the same on every run; they change with --smp and --quantum (the
 * lab explains why). The exit status is 0 when the AMO and lock counters are right.
 * Run: hartlab --smp 4 build/firmware-samples/counter-rv64.elf
 */
#include "bsp/bsp.h"
#include "bsp/smp.h"

#define INCREMENTS 2000u

static volatile uint32_t plain_counter, amo_counter, locked_counter, lock;
static uint32_t sc_failures[SMP_MAX_HARTS], lock_waits[SMP_MAX_HARTS];
static unsigned nharts;
static volatile uint64_t start_tick; /* mtime at which every hart starts counting */

/* Take the lock: lr.w.aq reads it; 0 means free, and sc.w claims it unless another hart
 * wrote the lock since the lr. Counts failed SCs and turns that found it taken. */
static void lock_acquire(unsigned hart)
{
    uint32_t fails = 0, waits = 0, tmp, one = 1;
    __asm__ volatile("1: lr.w.aq %[tmp], %[lock]\n\t"
                     "   bnez %[tmp], 2f\n\t"
                     "   sc.w %[tmp], %[one], %[lock]\n\t"
                     "   beqz %[tmp], 3f\n\t"
                     "   addi %[fails], %[fails], 1\n\t"
                     "   j 1b\n\t"
                     "2: addi %[waits], %[waits], 1\n\t"
                     "   j 1b\n\t"
                     "3:"
                     : [tmp] "=&r"(tmp), [lock] "+A"(lock), [fails] "+r"(fails), [waits] "+r"(waits)
                     : [one] "r"(one)
                     : "memory");
    sc_failures[hart] += fails;
    lock_waits[hart] += waits;
}

static void lock_release(void)
{
    __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(lock) : : "memory");
}

/* Sleep in wfi until mtime reaches start_tick: every hart wakes at the same cycle, so the
 * race starts the same way however long the harts took to get here. */
static void start_together(unsigned hart)
{
    uint64_t when = start_tick;
    MMIO32(CLINT_MTIMECMP(hart) + 4) = 0xffffffffu;
    MMIO32(CLINT_MTIMECMP(hart)) = (uint32_t)when;
    MMIO32(CLINT_MTIMECMP(hart) + 4) = (uint32_t)(when >> 32);
    csr_set(mie, MIE_MTIE);
    while (!(csr_read(mip) & MIP_MTIP))
        wfi();
    csr_clear(mie, MIE_MTIE);
    MMIO32(CLINT_MTIMECMP(hart) + 4) = 0xffffffffu;
}

static void count(unsigned hart)
{
    start_together(hart);
    for (unsigned i = 0; i < INCREMENTS; i++) {
        uint32_t v = plain_counter; /* lw */
        plain_counter = v + 1;      /* addi, sw */
    }
    smp_barrier(nharts);
    for (unsigned i = 0; i < INCREMENTS; i++)
        amo_add(&amo_counter, 1);
    smp_barrier(nharts);
    for (unsigned i = 0; i < INCREMENTS; i++) {
        lock_acquire(hart);
        locked_counter = locked_counter + 1;
        lock_release();
    }
    smp_barrier(nharts);
}

void smp_main(unsigned long hartid, const void *dtb)
{
    (void)dtb;
    while (!*(volatile unsigned *)&nharts) /* hart 0 counts the harts first */
        ;
    __asm__ volatile("fence r, rw" ::: "memory");
    if (hartid < nharts)
        count((unsigned)hartid);
}

int main(unsigned long hartid, const void *dtb)
{
    (void)hartid;
    uart_init();
    unsigned n = smp_count_harts(dtb);
    if (n < 1 || n > SMP_MAX_HARTS) {
        uprintf("counter: cannot count the harts in the device tree (%u)\n", n);
        return 1;
    }
    uprintf("counter: %u hart%s, each adds 1 to three counters %u times\n", n, n > 1 ? "s" : "",
            INCREMENTS);
    /* 2000 ticks (20000 cycles) from now: the other harts see nharts within a quantum. */
    start_tick = clint_mtime() + 2000;
    __asm__ volatile("fence rw, w" ::: "memory");
    *(volatile unsigned *)&nharts = n;
    count(0);

    unsigned expected = n * INCREMENTS, plain = plain_counter;
    uprintf("expected      %u\n", expected);
    uprintf("plain         %u  (%u updates lost)\n", plain, expected - plain);
    uprintf("amoadd.w      %u\n", (unsigned)amo_counter);
    uprintf("lr/sc lock    %u\n", (unsigned)locked_counter);
    for (unsigned k = 0; k < n; k++)
        uprintf("hart %u: %u failed SCs, found the lock taken %u times\n", k,
                (unsigned)sc_failures[k], (unsigned)lock_waits[k]);
    return amo_counter == expected && locked_counter == expected ? 0 : 1;
}
