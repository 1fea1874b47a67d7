/* smp: the SMP benchmark workload (bench/README.md "Several harts"). Every hart runs the
 * same integer kernel on its own data: ROUNDS rounds of an xorshift generator filling a
 * 16 KiB buffer and a CRC-32 (ISO-HDLC, bitwise) over it: loads, stores, shifts, branches,
 * no sharing and no locks while it computes. Hart 0 then waits for the others (one amoadd
 * each), checks that every hart got the same result (they compute on the same data), prints
 * one line and ends the run: "bench smp harts=N checksum=0x...". With N harts the
 * machine retires about N times the instructions of one, so bench/smp.py can compare the
 * aggregate rate of N busy harts with the rate of one.
 */
#include "bsp/bsp.h"
#include "bsp/smp.h"

#ifndef ROUNDS
#define ROUNDS 2000
#endif
#define WORDS 4096

static uint32_t buffers[SMP_MAX_HARTS][WORDS];
static volatile uint32_t results[SMP_MAX_HARTS];
static volatile uint32_t done;
static volatile unsigned nharts;

static uint32_t crc32_words(const uint32_t *p, unsigned n)
{
    uint32_t crc = 0xffffffffu;
    for (unsigned k = 0; k < n; k++) {
        uint32_t w = p[k];
        for (unsigned b = 0; b < 4; b++) {
            crc ^= (w >> (8 * b)) & 0xff;
            for (unsigned i = 0; i < 8; i++)
                crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
    }
    return ~crc;
}

static uint32_t kernel(unsigned hart)
{
    uint32_t x = 0x9e3779b9u, sum = 0; /* the same data on every hart, in its own buffer */
    uint32_t *buf = buffers[hart];
    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned k = 0; k < WORDS; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[k] = x;
        }
        sum = sum * 31 + crc32_words(buf, WORDS / 16);
    }
    return sum;
}

void smp_main(unsigned long hartid, const void *dtb)
{
    (void)dtb;
    while (!nharts)
        ;
    if (hartid >= nharts)
        return;
    results[hartid] = kernel((unsigned)hartid);
    amo_add(&done, 1);
}

int main(unsigned long hartid, const void *dtb)
{
    (void)hartid;
    uart_init();
    unsigned n = smp_count_harts(dtb);
    if (n < 1 || n > SMP_MAX_HARTS)
        return 2;
    nharts = n;
    results[0] = kernel(0);
    amo_add(&done, 1);
    while (done != n)
        ;
    uint32_t check = 0;
    for (unsigned k = 0; k < n; k++)
        check = check * 31 + results[k];
    /* Every hart computed the same thing in its own buffer. */
    for (unsigned k = 1; k < n; k++)
        if (results[k] != results[0]) {
            uprintf("bench smp SELF-CHECK FAILED: hart %u\n", k);
            return 1;
        }
    uprintf("bench smp harts=%u checksum=0x%08x\n", n, (unsigned)check);
    return 0;
}
