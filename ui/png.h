/* A minimal PNG writer (ISO/IEC 15948, W3C PNG 2nd edition): 8-bit RGB, one IDAT, filter
 * type 0 on every row, compressed with zlib. Enough for --ui-screenshot. */
#ifndef HARTLAB_UI_PNG_H
#define HARTLAB_UI_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `pixels` are 0xAARRGGBB words, `pitch` bytes apart row to row. False with a message in
 * `err` naming the file if it cannot be written. */
bool png_write_argb(const char *path, const uint32_t *pixels, unsigned width, unsigned height,
                    size_t pitch, char *err, size_t errlen);

#endif
