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

/* Keys are copied: a device's name (the usual key) is freed with its machine, and later
 * machines of the same process compare against the table. */
static struct {
    char key[48];
    unsigned count;
} seen[GUEST_ERROR_KEYS];

void guest_error(const char *key, const char *fmt, ...)
{
    char want[sizeof seen[0].key];
    snprintf(want, sizeof want, "%s", key);
    unsigned k;
    for (k = 0; k < GUEST_ERROR_KEYS && seen[k].key[0]; k++)
        if (strcmp(seen[k].key, want) == 0)
            break;
    if (k == GUEST_ERROR_KEYS)
        k = GUEST_ERROR_KEYS - 1;
    memcpy(seen[k].key, want, sizeof want);
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
