/* contention: every hart of an SMP virt board (2 to 8) hammers shared memory with each kind
 * of atomic access and signals the others through the CLINT, and hart 0 prints results that
 * do not depend on how the harts were interleaved, so that the output must be the same on
 * hartlab and on QEMU -smp N (tests/smp/run_smp.py compares them). Covered:
 *
 *   - AMOs (Unprivileged ISA 8.4): amoadd.w/.d sums, amoor.w of one bit per hart,
 *     amomaxu.w, amoswap.w as a test-and-set lock;
 *   - LR/SC (8.2-8.3): a counter incremented with lr.w/sc.w (and lr.d/sc.d on RV64), and a
 *     spinlock taken with lr.w.aq/sc.w around a plain load/add/store: no update may be lost;
 *   - sub-word stores next to a reserved word (sb/sh into the same 8-byte granule) that
 *     must break the reservation and never be lost;
 *   - IPIs (ACLINT MSWI, per-hart msip): hart 0 wakes each hart from wfi in turn;
 *   - per-hart timers (ACLINT MTIMER, per-hart mtimecmp): every hart sleeps in wfi until
 *     its own deadline.
 *
 * Exit status 0 when every count is right.
 */
#include "bsp/bsp.h"
#include "bsp/smp.h"

#define ROUNDS 3000u

static unsigned nharts;
static volatile uint32_t add_w, or_w, max_w, tas_lock, tas_counter;
static volatile uint32_t lrsc_w, lock, locked_counter;
static volatile uint64_t add_d, lrsc_d;
/* A word next to one that other harts store bytes and halves into: the same granule. */
static volatile struct {
    uint32_t word;
    uint8_t bytes[2];
    uint16_t half;
} __attribute__((aligned(8))) mixed;
static volatile uint32_t byte_stores[SMP_MAX_HARTS];
static volatile uint32_t ipi_ack, timer_ack;

static void spin_lock_lrsc(volatile uint32_t *l)
{
    uint32_t tmp, one = 1;
    __asm__ volatile("1: lr.w.aq %[tmp], %[l]\n\t"
                     "   bnez %[tmp], 1b\n\t"
                     "   sc.w %[tmp], %[one], %[l]\n\t"
                     "   bnez %[tmp], 1b"
                     : [tmp] "=&r"(tmp), [l] "+A"(*l)
                     : [one] "r"(one)
                     : "memory");
}

static void spin_unlock(volatile uint32_t *l)
{
    __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(*l) : : "memory");
}

#if __riscv_xlen == 64
static void lrsc_increment_d(volatile uint64_t *p)
{
    uint64_t v, fail;
    __asm__ volatile("1: lr.d %0, %2\n\t"
                     "   addi %0, %0, 1\n\t"
                     "   sc.d %1, %0, %2\n\t"
                     "   bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail), "+A"(*p)
                     :
                     : "memory");
}

static void amo_add_d(volatile uint64_t *p, uint64_t v)
{
    __asm__ volatile("amoadd.d zero, %1, %0" : "+A"(*p) : "r"(v) : "memory");
}
#endif

static void hammer(unsigned hart)
{
    smp_barrier(nharts);
    for (unsigned i = 0; i < ROUNDS; i++) {
        amo_add(&add_w, hart + 1);
#if __riscv_xlen == 64
        amo_add_d(&add_d, 0x100000000ull + hart);
#endif
    }
    amo_or(&or_w, 1u << hart);
    amo_maxu(&max_w, 1000u * hart + 7u);
    smp_barrier(nharts);
    for (unsigned i = 0; i < ROUNDS; i++) {
        while (amo_swap_acquire(&tas_lock, 1))
            ;
        tas_counter = tas_counter + 1;
        spin_unlock(&tas_lock);
    }
    smp_barrier(nharts);
    for (unsigned i = 0; i < ROUNDS; i++) {
        lrsc_increment(&lrsc_w);
#if __riscv_xlen == 64
        lrsc_increment_d(&lrsc_d);
#endif
    }
    smp_barrier(nharts);
    for (unsigned i = 0; i < ROUNDS; i++) {
        spin_lock_lrsc(&lock);
        locked_counter = locked_counter + 1;
        spin_unlock(&lock);
    }
    smp_barrier(nharts);
    /* Hart 0 increments the word with LR/SC while the others store bytes and halves into
     * the same granule; each of those stores breaks hart 0's reservation. */
    if (hart == 0) {
        for (unsigned i = 0; i < ROUNDS; i++)
            lrsc_increment(&mixed.word);
    } else {
        for (unsigned i = 0; i < ROUNDS; i++) {
            if (hart & 1)
                mixed.bytes[(hart >> 1) & 1] = (uint8_t)i;
            else
                mixed.half = (uint16_t)i;
            byte_stores[hart]++;
        }
    }
    smp_barrier(nharts);
}

/* A hart other than 0: wait in wfi for hart 0's IPI, then for its own timer. */
static void answer(unsigned hart)
{
    csr_set(mie, MIE_MSIE | MIE_MTIE); /* wfi wakes on them; mstatus.MIE stays clear */
    while (!(csr_read(mip) & MIP_MSIP))
        wfi();
    MMIO32(CLINT_MSIP(hart)) = 0;
    amo_or(&ipi_ack, 1u << hart);
}

static void sleep_on_timer(unsigned hart)
{
    uint64_t when = clint_mtime() + 50u * (hart + 1);
    MMIO32(CLINT_MTIMECMP(hart) + 4) = 0xffffffffu;
    MMIO32(CLINT_MTIMECMP(hart)) = (uint32_t)when;
    MMIO32(CLINT_MTIMECMP(hart) + 4) = (uint32_t)(when >> 32);
    csr_set(mie, MIE_MTIE);
    while (!(csr_read(mip) & MIP_MTIP))
        wfi();
    MMIO32(CLINT_MTIMECMP(hart) + 4) = 0xffffffffu;
    amo_or(&timer_ack, 1u << hart);
}

void smp_main(unsigned long hartid, const void *dtb)
{
    (void)dtb;
    while (!*(volatile unsigned *)&nharts)
        ;
    if (hartid >= nharts)
        return;
    hammer((unsigned)hartid);
    answer((unsigned)hartid);
    smp_barrier(nharts);
    sleep_on_timer((unsigned)hartid);
    smp_barrier(nharts);
}

static int check(const char *what, uint64_t got, uint64_t want)
{
    uprintf("%s: %lu%s\n", what, (unsigned long)got, got == want ? "" : "  WRONG");
    return got == want ? 0 : 1;
}

int main(unsigned long hartid, const void *dtb)
{
    (void)hartid;
    uart_init();
    unsigned n = smp_count_harts(dtb);
    if (n < 2 || n > SMP_MAX_HARTS) {
        uprintf("contention: needs 2 to 8 harts, the device tree has %u\n", n);
        return 2;
    }
    uprintf("contention: %u harts, %u rounds\n", n, ROUNDS);
    *(volatile unsigned *)&nharts = n;
    hammer(0);
    int bad = 0;
    bad |= check("amoadd.w sum", add_w, (uint64_t)ROUNDS * n * (n + 1) / 2);
#if __riscv_xlen == 64
    bad |= check("amoadd.d sum (high word)", add_d >> 32, (uint64_t)ROUNDS * n);
    bad |=
        check("amoadd.d sum (low word)", add_d & 0xffffffffu, (uint64_t)ROUNDS * n * (n - 1) / 2);
#endif
    bad |= check("amoor.w harts", or_w, (1u << n) - 1);
    bad |= check("amomaxu.w", max_w, 1000u * (n - 1) + 7u);
    bad |= check("amoswap.w lock counter", tas_counter, (uint64_t)ROUNDS * n);
    bad |= check("lr.w/sc.w counter", lrsc_w, (uint64_t)ROUNDS * n);
#if __riscv_xlen == 64
    bad |= check("lr.d/sc.d counter", lrsc_d, (uint64_t)ROUNDS * n);
#endif
    bad |= check("lr/sc spinlock counter", locked_counter, (uint64_t)ROUNDS * n);
    bad |= check("lr/sc next to byte stores", mixed.word, ROUNDS);
    uint32_t stores = 0;
    for (unsigned k = 1; k < n; k++)
        stores += byte_stores[k];
    bad |= check("byte and half stores", stores, (uint64_t)ROUNDS * (n - 1));

    /* IPIs: wake each hart in turn; it clears its msip and answers. */
    for (unsigned k = 1; k < n; k++) {
        MMIO32(CLINT_MSIP(k)) = 1;
        while (!(ipi_ack & (1u << k)))
            ;
    }
    bad |= check("harts woken by an IPI", ipi_ack, ((1u << n) - 1) & ~1u);
    bad |= check("msip left set", MMIO32(CLINT_MSIP(1)), 0);
    smp_barrier(n);
    sleep_on_timer(0);
    smp_barrier(n);
    bad |= check("harts woken by their timer", timer_ack, (1u << n) - 1);
    uprintf("contention: %s\n", bad ? "FAILED" : "all counts right");
    return bad;
}
