/* smp.c: the multi-hart helpers declared in smp.h. The hart count walks the device tree's
 * structure block (Devicetree Specification 0.4, 5.4: FDT_BEGIN_NODE, FDT_END_NODE,
 * FDT_PROP, FDT_NOP, FDT_END tokens, big-endian, 4-byte aligned) and counts the nodes named
 * cpu@... directly under /cpus.
 */
#include "smp.h"

#include <stdbool.h>

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

static unsigned name_words(const char *name)
{
    unsigned n = 0;
    while (name[n])
        n++;
    return (n + 1 + 3) / 4;
}

unsigned smp_count_harts(const void *dtb)
{
    const uint8_t *base = dtb;
    if (!dtb || be32(base) != FDT_MAGIC)
        return 0;
    const uint8_t *p = base + be32(base + 8); /* off_dt_struct */
    unsigned depth = 0, count = 0;
    bool in_cpus = false;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            depth++;
            if (depth == 2)
                in_cpus = starts_with(name, "cpus") && (name[4] == 0 || name[4] == '@');
            else if (depth == 3 && in_cpus && starts_with(name, "cpu@"))
                count++;
            p += 4 * name_words(name);
        } else if (token == FDT_END_NODE) {
            depth--;
        } else if (token == FDT_PROP) {
            uint32_t len = be32(p);
            p += 8 + ((len + 3) & ~3u);
        } else if (token == FDT_NOP) {
            continue;
        } else {
            return count; /* FDT_END, or not a tree */
        }
    }
}

static volatile uint32_t barrier_count, barrier_sense;

void smp_barrier(unsigned n)
{
    uint32_t sense = barrier_sense;
    if (amo_add(&barrier_count, 1) == n - 1) {
        barrier_count = 0;
        __asm__ volatile("fence rw, rw" ::: "memory");
        barrier_sense = !sense;
    } else {
        while (barrier_sense == sense)
            ;
    }
    __asm__ volatile("fence rw, rw" ::: "memory");
}
