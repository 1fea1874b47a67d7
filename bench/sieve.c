/* sieve: the sieve of Eratosthenes over the integers below 200 000, one byte per number,
 * counting the primes and folding them into a checksum. Byte stores at a fixed stride,
 * then a sequential scan: memory-bound, short inner loops. */
#include "bench.h"
#include <string.h>

#define SIEVE_LIMIT 200000u

static uint8_t sieve_composite[SIEVE_LIMIT];

/* Returns the number of primes below SIEVE_LIMIT; *mix folds in each of them. */
static uint32_t sieve_run(uint32_t *mix)
{
    memset(sieve_composite, 0, sizeof sieve_composite);
    for (uint32_t p = 2; p * p < SIEVE_LIMIT; p++) {
        if (sieve_composite[p])
            continue;
        for (uint32_t m = p * p; m < SIEVE_LIMIT; m += p)
            sieve_composite[m] = 1;
    }
    uint32_t count = 0, h = *mix;
    for (uint32_t i = 2; i < SIEVE_LIMIT; i++) {
        if (!sieve_composite[i]) {
            count++;
            h = (h ^ i) * 0x01000193u;
        }
    }
    *mix = h;
    return count;
}

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    uint32_t sum = 0x811C9DC5u;
    for (unsigned long r = 0; r < n; r++) {
        /* pi(200 000) = 17 984. */
        if (sieve_run(&sum) != 17984u)
            return bench_fail("sieve", "pi(200000) != 17984");
    }
    bench_report("sieve", n, sum);
    return 0;
}
