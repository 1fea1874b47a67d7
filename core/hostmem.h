/* Guest memory held in host memory: little-endian loads and stores of 1, 2, 4 or 8 bytes at
 * any host address (RISC-V is little-endian, Unprivileged ISA 1.5; so is every host hartlab
 * builds on). Used by the harts' fast paths and by the bus for RAM and ROM.
 */
#ifndef HARTLAB_CORE_HOSTMEM_H
#define HARTLAB_CORE_HOSTMEM_H

#include <stdint.h>
#include <string.h>

/* Size-specialised little-endian host loads/stores. */
static inline uint64_t host_read(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1: return *p;
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static inline void host_write(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: {
        uint16_t w = (uint16_t)v;
        memcpy(p, &w, 2);
        break;
    }
    case 4: {
        uint32_t w = (uint32_t)v;
        memcpy(p, &w, 4);
        break;
    }
    default: memcpy(p, &v, 8); break;
    }
}

#endif
