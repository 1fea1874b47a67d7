/* Firmware for the GDB tests (tests/gdb/run_gdb.py): a three-deep call chain, a global
 * written in exactly one place, a CLINT machine-timer interrupt, a loop that runs until
 * enough ticks arrived (or forever while `forever` is set) and an exit through the SiFive
 * test finisher with EXIT_CODE when the chain computed the right value. Built with -O0 -g
 * so every line has code GDB can stop on. The test script finds lines by their markers.
 * atomic_probe() writes `amo_target` with each kind of writing instruction the watchpoint
 * paths must see (a compressed store, AMOs, LR/SC, a byte store); rsp_robust.py finds the
 * instruction that follows each one by its probe_after_* label.
 */
#include <stdint.h>

#ifndef EXIT_CODE
#define EXIT_CODE 0
#endif

#define CLINT_BASE     0x2000000ul
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xbff8)
#define FINISHER       0x100000ul
#define TICK_INTERVAL  2000u /* mtime ticks between timer interrupts */
#define MIE_MTIE       (1u << 7)
#define MSTATUS_MIE    (1u << 3)

volatile int watched;
volatile unsigned long ticks;
volatile unsigned long loops;
volatile int forever;
volatile uint64_t amo_target __attribute__((aligned(8)));
#ifdef __riscv_flen
volatile double fp_seed = 2.5;
#endif

static uint64_t read_mtime(void)
{
#if __riscv_xlen == 32
    volatile uint32_t *t = (volatile uint32_t *)CLINT_MTIME;
    uint32_t hi, lo;
    do {
        hi = t[1];
        lo = t[0];
    } while (hi != t[1]);
    return (uint64_t)hi << 32 | lo;
#else
    return *(volatile uint64_t *)CLINT_MTIME;
#endif
}

static void set_timer(uint64_t when)
{
#if __riscv_xlen == 32
    volatile uint32_t *c = (volatile uint32_t *)CLINT_MTIMECMP;
    c[1] = 0xffffffffu; /* no spurious interrupt between the two halves */
    c[0] = (uint32_t)when;
    c[1] = (uint32_t)(when >> 32);
#else
    *(volatile uint64_t *)CLINT_MTIMECMP = when;
#endif
}

void timer_handler(void)
{
    ticks++; /* HANDLER-LINE */
    set_timer(read_mtime() + TICK_INTERVAL);
}

void trap_handler(unsigned long mcause)
{
    if ((long)mcause < 0 && (mcause & 0xff) == 7)
        timer_handler();
}

__attribute__((noinline)) int leaf(int x)
{
    int y = x * 3;
    /* The store must not be the last instruction of its line: */
    /* clang-format off */
    watched = y; y++; /* WRITE-LINE */
    /* clang-format on */
    return y;
}

__attribute__((noinline)) int middle(int x)
{
    int r = leaf(x + 1); /* MIDDLE-LINE */
    return r * 2;
}

__attribute__((noinline)) int outer(int x)
{
    int r = middle(x + 2); /* OUTER-LINE */
    return r - 1;
}

/* The writes, in order: a compressed store (c.sd on RV64, c.sw on RV32), amoadd.w, a
 * successful lr.w/sc.w pair, sb to byte 1, amoswap.w. The operands are pinned to a0-a4 so
 * that c.sw/c.sd can encode them (x8-x15) and the test can read a3, the sc.w result. The
 * labels mark the instruction after each access: where a watchpoint stop leaves the pc;
 * the test runs the sequence twice by moving the pc back to probe_start. */
__attribute__((noinline)) void atomic_probe(void)
{
    __asm__ volatile(".option push\n"
                     ".option rvc\n"
                     "probe_start:\n"
                     "lla a0, amo_target\n"
                     "li a1, 0x10\n"
                     "li a4, 0x5a5a\n"
#if __riscv_xlen == 64
                     "c.sd a1, 0(a0)\n"
#else
                     "c.sw a1, 0(a0)\n"
#endif
                     "probe_after_cstore:\n"
                     "amoadd.w a2, a1, (a0)\n"
                     "probe_after_amoadd:\n"
                     "probe_lr:\n"
                     "lr.w a2, (a0)\n"
                     "probe_after_lr:\n"
                     "addi a2, a2, 3\n"
                     "sc.w a3, a2, (a0)\n"
                     "probe_after_sc:\n"
                     "bnez a3, probe_lr\n"
                     "sb a1, 1(a0)\n"
                     "probe_after_sb:\n"
                     "amoswap.w a2, a4, (a0)\n"
                     "probe_after_amoswap:\n"
                     "nop\n"
                     ".option pop\n"
                     :
                     :
                     : "a0", "a1", "a2", "a3", "a4", "memory");
}

extern void trap_entry(void);

int main(void)
{
    int v = outer(1); /* CALL-LINE */
    atomic_probe();
    __asm__ volatile("csrw mtvec, %0" : : "r"(trap_entry));
    set_timer(read_mtime() + TICK_INTERVAL);
    __asm__ volatile("csrs mie, %0" : : "r"(MIE_MTIE));
    __asm__ volatile("csrs mstatus, %0" : : "r"(MSTATUS_MIE));
    while (forever || ticks < 5) /* LOOP-COND-LINE */
        loops++;                 /* LOOP-LINE */
    __asm__ volatile("csrc mstatus, %0" : : "r"(MSTATUS_MIE));
    int code = v == 25 && amo_target == 0x5a5a ? EXIT_CODE : 99;
    *(volatile uint32_t *)FINISHER = code ? ((uint32_t)code << 16) | 0x3333 : 0x5555;
    for (;;)
        ;
}
