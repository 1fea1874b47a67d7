/* crc32: the CRC-32 of IEEE 802.3 / ISO-HDLC (reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF), table-driven a byte at a time, over a 64 KiB buffer of
 * pseudo-random bytes. Each repetition flips one byte of the buffer with the previous CRC,
 * so no pass can be skipped. Loads of bytes and words, shifts, XOR, a tight loop. */
#include "bench.h"

#define CRC_BUF_SIZE (64u * 1024u)

static uint8_t crc_buf[CRC_BUF_SIZE];
static uint32_t crc_table[256];

static void crc_make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t len)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    crc_make_table();
    /* The check value of CRC-32/ISO-HDLC in the catalogue of parametrised CRCs. */
    if (crc32((const uint8_t *)"123456789", 9) != 0xCBF43926u)
        return bench_fail("crc32", "crc32(\"123456789\") != 0xCBF43926");

    uint32_t seed = 1;
    for (size_t i = 0; i < CRC_BUF_SIZE; i++)
        crc_buf[i] = (uint8_t)(bench_lcg(&seed) >> 24);
    uint32_t sum = 0;
    for (unsigned long r = 0; r < n; r++) {
        uint32_t c = crc32(crc_buf, CRC_BUF_SIZE);
        crc_buf[(r * 4099u) % CRC_BUF_SIZE] ^= (uint8_t)c;
        sum = (sum << 1 | sum >> 31) ^ c;
    }
    bench_report("crc32", n, sum);
    return 0;
}
