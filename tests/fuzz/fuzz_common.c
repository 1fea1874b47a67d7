/* Helpers shared by the fuzz harnesses (see fuzz.h). */
#include "fuzz.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The sanitizers' report channel: libFuzzer run with -close_fd_mask=2 sends stderr to
 * /dev/null but keeps the sanitizers' reports; a broken invariant goes the same way. Weak:
 * absent from builds without a sanitizer. */
extern void __sanitizer_report_error_summary(const char *summary) __attribute__((weak));

void fuzz_fail(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(msg, sizeof msg, "fuzz: invariant broken: ");
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", msg);
    if (__sanitizer_report_error_summary)
        __sanitizer_report_error_summary(msg);
    abort();
}

void fuzz_quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return;
    fflush(stdout);
    dup2(fd, 0);
    dup2(fd, 1);
    if (fd > 2)
        close(fd);
}
