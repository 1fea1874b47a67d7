/* Guest-error and verbose logging (see log.h). The suppression table is per process on
 * purpose: it only limits how often a message is printed, it never changes what a
 * simulation does, so sharing it between machines cannot break determinism. */
#include "host/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool log_verbose;

#define GUEST_ERROR_KEYS   64
#define GUEST_ERROR_REPEAT 3

static struct {
    const char *key;
    unsigned count;
} seen[GUEST_ERROR_KEYS];

void guest_error(const char *key, const char *fmt, ...)
{
    unsigned k;
    for (k = 0; k < GUEST_ERROR_KEYS && seen[k].key; k++)
        if (seen[k].key == key || strcmp(seen[k].key, key) == 0)
            break;
    if (k == GUEST_ERROR_KEYS)
        k = GUEST_ERROR_KEYS - 1;
    seen[k].key = key;
    if (seen[k].count >= GUEST_ERROR_REPEAT)
        return;
    seen[k].count++;
    va_list ap;
    va_start(ap, fmt);
    fputs("hartlab: guest error: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (seen[k].count == GUEST_ERROR_REPEAT)
        fputs(" (further reports of this kind suppressed)", stderr);
    fputc('\n', stderr);
}

void log_info(const char *fmt, ...)
{
    if (!log_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("hartlab: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
