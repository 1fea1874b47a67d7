/* core_portme.c: hartlab's port of EEMBC CoreMark (the porting layer every CoreMark port
 * supplies; see core_portme.h). The seeds are CoreMark's "performance run" ones (0, 0,
 * 0x66), the iteration count is the last decimal argument on the command line (`-- N` on
 * hartlab, `-append N` on QEMU: bench/run.py passes the size so), the timer is the hart's
 * mcycle counter. At the end it prints the one line bench/run.py compares between
 * simulators, `bench coremark n=N checksum=X`, where X holds CoreMark's final CRC (which
 * depends on every iteration) and its list, matrix and state CRCs, and it makes the exit
 * status 1 if CoreMark found one of those differing from the published values. */
#include "coremark.h"
#include "bench.h"

volatile ee_s32 seed1_volatile = 0x0;
volatile ee_s32 seed2_volatile = 0x0;
volatile ee_s32 seed3_volatile = 0x66;
volatile ee_s32 seed4_volatile = 1;
volatile ee_s32 seed5_volatile = 0;

ee_u32 default_num_contexts = 1;

/* A nominal guest clock for CoreMark's own "time" lines: mcycle at 100 MHz. */
#define EE_TICKS_PER_SEC 100000000u

static CORE_TICKS start_time_val, stop_time_val;

static CORE_TICKS read_mcycle(void)
{
#if __riscv_xlen == 32
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile(".option push\n.option arch, +zicsr\n"
                         "csrr %0, mcycleh\ncsrr %1, mcycle\ncsrr %2, mcycleh\n"
                         ".option pop"
                         : "=r"(hi), "=r"(lo), "=r"(hi2));
    } while (hi != hi2);
    return (CORE_TICKS)hi << 32 | lo;
#else
    uint64_t c;
    __asm__ volatile(".option push\n.option arch, +zicsr\ncsrr %0, mcycle\n.option pop" : "=r"(c));
    return c;
#endif
}

void start_time(void)
{
    start_time_val = read_mcycle();
}

void stop_time(void)
{
    stop_time_val = read_mcycle();
}

CORE_TICKS get_time(void)
{
    return stop_time_val - start_time_val;
}

secs_ret time_in_secs(CORE_TICKS ticks)
{
    return (secs_ret)(ticks / EE_TICKS_PER_SEC);
}

void portable_init(core_portable *p, int *argc, char *argv[])
{
    seed4_volatile = (ee_s32)bench_size(*argc, argv, 1);
    p->portable_id = 1;
}

void portable_fini(core_portable *p)
{
    /* p is the last member of CoreMark's result record for context 0. */
    const core_results *r =
        (const core_results *)(const void *)((const char *)p - offsetof(core_results, port));
    p->portable_id = 0;
    if (r->err != 0)
        exit(bench_fail("coremark", "a list, matrix or state CRC differs from CoreMark's"));
    uint32_t sum = (uint32_t)r->crc << 16 | (uint16_t)(r->crclist ^ r->crcmatrix ^ r->crcstate);
    bench_report("coremark", (unsigned long)r->iterations, sum);
}
