/* PNG writer (see png.h): signature, IHDR, IDAT, IEND chunks as PNG 2nd edition sections
 * 5.2-5.6 and 11.2 describe them; CRC-32 and zlib streams from zlib. */
#include "ui/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static bool chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t head[8];
    put32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0, (const Bytef *)type, 4);
    if (len)
        crc = crc32(crc, data, len);
    uint8_t tail[4];
    put32(tail, (uint32_t)crc);
    return fwrite(head, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) &&
           fwrite(tail, 1, 4, f) == 4;
}

bool png_write_argb(const char *path, const uint32_t *pixels, unsigned width, unsigned height,
                    size_t pitch, char *err, size_t errlen)
{
    size_t rowlen = 1 + 3 * (size_t)width;
    size_t rawlen = rowlen * height;
    uint8_t *raw = malloc(rawlen);
    uLongf zlen = compressBound(rawlen);
    uint8_t *z = malloc(zlen);
    if (!raw || !z) {
        free(raw);
        free(z);
        snprintf(err, errlen, "%s: out of memory for the image", path);
        return false;
    }
    for (unsigned y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)pixels + y * pitch);
        uint8_t *out = raw + y * rowlen;
        *out++ = 0; /* filter: none */
        for (unsigned x = 0; x < width; x++) {
            *out++ = (uint8_t)(row[x] >> 16);
            *out++ = (uint8_t)(row[x] >> 8);
            *out++ = (uint8_t)row[x];
        }
    }
    bool ok = compress2(z, &zlen, raw, rawlen, 6) == Z_OK;
    FILE *f = ok ? fopen(path, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, ok ? strerror(errno) : "zlib failed");
        free(raw);
        free(z);
        return false;
    }
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    uint8_t ihdr[13];
    put32(ihdr, width);
    put32(ihdr + 4, height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* colour type: truecolour */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) &&
         chunk(f, "IDAT", z, (uint32_t)zlen) && chunk(f, "IEND", NULL, 0);
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    free(raw);
    free(z);
    return ok;
}
