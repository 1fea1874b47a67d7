/* bench.h: what every hartlab benchmark workload shares: reading the size parameter from
 * the semihosting command line (picolibc's crt0-semihost gives argv = "program-name", the
 * ELF path, then the words after `--` on hartlab or `-append` on QEMU), a fixed-seed
 * linear congruential generator so every run computes on the same data, and the one
 * output line that bench/run.py compares between hartlab and QEMU. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The constants of Numerical Recipes' LCG: full period modulo 2^32, cheap on RV32. */
static inline uint32_t bench_lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

/* The last argument that is a plain decimal number, so the ELF path in argv[1] (which
 * differs between simulators and may itself contain digits) is never taken for it. */
static inline unsigned long bench_size(int argc, char **argv, unsigned long fallback)
{
    for (int i = argc - 1; i >= 1; i--) {
        char *end;
        const char *s = argv[i];
        if (s[0] < '0' || s[0] > '9')
            continue;
        unsigned long n = strtoul(s, &end, 10);
        if (*end == '\0' && n > 0)
            return n;
    }
    return fallback;
}

/* run.py reads exactly this line; anything else the workload prints is for people. */
static inline void bench_report(const char *name, unsigned long n, uint32_t checksum)
{
    printf("bench %s n=%lu checksum=0x%08lx\n", name, n, (unsigned long)checksum);
}

/* A self-check against a published test vector failed: say so and make the exit status
 * non-zero, so a wrong simulator cannot pass as long as both simulators agree. */
static inline int bench_fail(const char *name, const char *what)
{
    printf("bench %s SELF-CHECK FAILED: %s\n", name, what);
    return 1;
}

#endif
