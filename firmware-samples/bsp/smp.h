/* smp.h: what the multi-hart samples share (smp_start.S and smp.c): the number of harts
 * from the device tree's /cpus node (Devicetree Specification 0.4, chapter 5 "Flattened
 * Devicetree (DTB) Format", and 3.7 "/cpus"), a barrier built on AMOs, and the atomic
 * operations of the A extension (Unprivileged ISA chapter 8) written out in assembly so
 * that the lab can point at the instructions.
 */
#ifndef FIRMWARE_SAMPLES_SMP_H
#define FIRMWARE_SAMPLES_SMP_H

#include <stdint.h>

#define SMP_MAX_HARTS 8

/* Called on every hart but 0 once hart 0 has set memory up (smp_start.S). */
void smp_main(unsigned long hartid, const void *dtb);

/* The cpu nodes under /cpus in the flattened device tree at `dtb` (0 if it is not one). */
unsigned smp_count_harts(const void *dtb);

/* Wait until `n` harts have arrived (a sense-reversing barrier on amoadd.w). */
void smp_barrier(unsigned n);

/* amoadd.w: add `v` to *p atomically, return the old value. */
static inline uint32_t amo_add(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoadd.w %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

/* amoor.w, amomaxu.w, amoswap.w.aq: as above. */
static inline uint32_t amo_or(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoor.w %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint32_t amo_maxu(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amomaxu.w %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

static inline uint32_t amo_swap_acquire(volatile uint32_t *p, uint32_t v)
{
    uint32_t old;
    __asm__ volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(*p) : "r"(v) : "memory");
    return old;
}

/* lr.w/sc.w: add 1 to *p; returns how many SCs failed before one succeeded. */
static inline unsigned lrsc_increment(volatile uint32_t *p)
{
    unsigned failures = 0;
    uint32_t v, fail;
    for (;;) {
        __asm__ volatile("lr.w %0, %2\n\t"
                         "addi %0, %0, 1\n\t"
                         "sc.w %1, %0, %2"
                         : "=&r"(v), "=&r"(fail), "+A"(*p)
                         :
                         : "memory");
        if (!fail)
            return failures;
        failures++;
    }
}

#endif
