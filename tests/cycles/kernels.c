/* kernels.c: the calibration kernels written in C (tests/cycles/README.md): pointer
 * chasing through a permuted list, data-dependent branches, calls and returns (a
 * recursive function), word and byte copies, a bubble sort and a bitwise CRC-32. Each
 * leaves a checksum in calib_sink so that the two runs (RTL and hartlab) can be
 * compared. Compiled with -fno-builtin and without loop-to-library-call rewriting, so
 * the copies are the loops written here. */
#include "calib.h"

#define NNODES 128

static uint32_t next_index[NNODES];
static uint32_t src_words[256], dst_words[256];
static uint8_t src_bytes[512], dst_bytes[512];
static int32_t sort_buf[48];

/* A full-period linear congruential sequence modulo 2^32 (Hull-Dobell). */
static uint32_t lcg(uint32_t x)
{
    return x * 1664525u + 1013904223u;
}

void k_pointer_chase(void)
{
    /* Sattolo's shuffle of 0..NNODES-1 gives a single cycle through every node. */
    uint32_t seed = 12345;
    for (uint32_t i = 0; i < NNODES; i++)
        next_index[i] = i;
    for (uint32_t i = NNODES - 1; i > 0; i--) {
        seed = lcg(seed);
        uint32_t j = (seed >> 8) % i;
        uint32_t t = next_index[i];
        next_index[i] = next_index[j];
        next_index[j] = t;
    }
    uint32_t p = 0, sum = 0;
    for (int i = 0; i < 4 * NNODES; i++) {
        p = next_index[p];
        sum += p;
    }
    calib_sink = sum;
}

void k_branches(void)
{
    uint32_t x = 0xace1u, a = 0, b = 0, c = 0;
    for (int i = 0; i < 400; i++) {
        /* 16-bit Galois LFSR: taps 16, 14, 13, 11 */
        uint32_t lsb = x & 1;
        x >>= 1;
        if (lsb)
            x ^= 0xb400u;
        if (x & 4)
            a += x;
        else
            b ^= x;
        if ((x & 0x30) == 0x10)
            c++;
    }
    calib_sink = a ^ b ^ c;
}

static __attribute__((noinline)) uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void k_calls(void)
{
    calib_sink = fib(12);
}

void k_memcpy_words(void)
{
    for (int i = 0; i < 256; i++)
        src_words[i] = (uint32_t)i * 0x01010101u;
    volatile uint32_t *d = dst_words;
    const uint32_t *s = src_words;
    for (int i = 0; i < 256; i++)
        d[i] = s[i];
    calib_sink = dst_words[17] + dst_words[255];
}

void k_memcpy_bytes(void)
{
    for (int i = 0; i < 512; i++)
        src_bytes[i] = (uint8_t)(i * 7);
    volatile uint8_t *d = dst_bytes;
    const uint8_t *s = src_bytes;
    for (int i = 0; i < 512; i++)
        d[i] = s[i];
    calib_sink = dst_bytes[100] + dst_bytes[511];
}

void k_bubble_sort(void)
{
    uint32_t seed = 42;
    int n = (int)(sizeof sort_buf / sizeof sort_buf[0]);
    for (int i = 0; i < n; i++) {
        seed = lcg(seed);
        sort_buf[i] = (int32_t)(seed >> 16) - 32768;
    }
    for (int i = 0; i < n - 1; i++)
        for (int j = 0; j < n - 1 - i; j++)
            if (sort_buf[j] > sort_buf[j + 1]) {
                int32_t t = sort_buf[j];
                sort_buf[j] = sort_buf[j + 1];
                sort_buf[j + 1] = t;
            }
    calib_sink = (uint32_t)sort_buf[0] ^ (uint32_t)sort_buf[n - 1];
}

void k_crc32(void)
{
    uint32_t crc = 0xffffffffu;
    for (int i = 0; i < 128; i++) {
        crc ^= (uint8_t)(i * 13 + 1);
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    calib_sink = ~crc;
}
