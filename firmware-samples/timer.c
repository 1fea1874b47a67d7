/* timer: a periodic machine timer interrupt from the CLINT. mtime counts at the board's
 * timebase (10 MHz on virt); the hart sees MTIP while mtime >= mtimecmp (Privileged
 * Architecture 1.12 section 3.2.1), so the handler moves mtimecmp one period further each
 * tick: from the previous deadline, not from "now", so the rate never drifts. Between
 * ticks the hart sleeps in wfi; on hartlab the virtual clock jumps straight to the next
 * deadline (docs/design.md, decision 4), so the mcycle stamps printed here are the same in every
 * run: tests/firmware checks that ten runs print byte-identical output.
 */
#include "bsp/bsp.h"

#define TICKS     10u
#define PERIOD_MS 10u
#define PERIOD    ((uint64_t)TIMEBASE_HZ / 1000u * PERIOD_MS) /* in mtime ticks */

static volatile unsigned ticks;
static volatile uint64_t stamp_mcycle, stamp_mtime;
static uint64_t deadline;

__attribute__((interrupt("machine"), aligned(4))) static void trap_handler(void)
{
    BSP_TRAP_CFI();
    unsigned long cause = csr_read(mcause);
    if (cause != (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
        uprintf("\nunexpected trap: mcause 0x%lx, mepc 0x%lx\n", cause, csr_read(mepc));
        bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
    }
    stamp_mcycle = read_mcycle();
    stamp_mtime = clint_mtime();
    deadline += PERIOD;
    clint_set_mtimecmp(deadline); /* lowers MTIP until the next deadline */
    ticks++;
}

int main(void)
{
    uart_init();
    uprintf("timer: %u ticks, one every %u ms (%lu mtime ticks at %u Hz)\n", TICKS, PERIOD_MS,
            (unsigned long)PERIOD, TIMEBASE_HZ);

    csr_write(mtvec, (unsigned long)trap_handler | MTVEC_MODE_DIRECT);
    deadline = clint_mtime() + PERIOD;
    clint_set_mtimecmp(deadline);
    csr_set(mie, MIE_MTIE);

    uint64_t last = read_mcycle();
    for (unsigned seen = 0; seen < TICKS;) {
        csr_clear(mstatus, MSTATUS_MIE);
        while (ticks == seen) {
            wfi();
            csr_set(mstatus, MSTATUS_MIE);
            csr_clear(mstatus, MSTATUS_MIE);
        }
        seen = ticks;
        uint64_t c = stamp_mcycle, t = stamp_mtime;
        csr_set(mstatus, MSTATUS_MIE);
        uprintf("tick %2u: mcycle %9llu (+%llu), mtime %llu\n", seen, (unsigned long long)c,
                (unsigned long long)(c - last), (unsigned long long)t);
        last = c;
    }
    csr_clear(mie, MIE_MTIE);
    uprintf("done after %u ticks\n", ticks);
    return 0;
}
