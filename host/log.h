/* Guest-error logging: a guest that touches a device wrongly gets one line on stderr per
 * distinct problem (rate-limited), never an abort (docs/design.md, decision 8). */
#ifndef HARTLAB_DEVICES_LOG_H
#define HARTLAB_DEVICES_LOG_H

#include <stdbool.h>

/* Print "hartlab: guest error: <message>" unless this `key` (a static string naming the
 * problem site, or a device's name; it is copied, so it may be freed afterwards) has
 * already been reported 3 times; the third report says further ones are suppressed. */
void guest_error(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Verbose progress/info lines, printed only with --verbose. */
extern bool log_verbose;
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
