/* Shutdown on a signal (see shutdown.h), with POSIX sigaction. The first signal sets a flag
 * and writes one byte to a self-pipe (so a poll() that waits on the host wakes up even if
 * the signal came just before it started); the second runs the hooks and dies of the
 * signal by its default action. The same signal again within 100 ms of the first is the same
 * request delivered twice, not a second one: timeout(1) sends its signal to the command and
 * then to the command's whole process group, so hartlab gets it twice at once.
 */
#include "host/shutdown.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    shutdown_fn fn;
    void *opaque;
} hooks[SHUTDOWN_MAX_HOOKS];
static volatile sig_atomic_t nhooks;
static volatile sig_atomic_t first_signal;
static struct timespec first_at; /* when the first signal came (CLOCK_MONOTONIC) */
#define SHUTDOWN_REPEAT_NS 100000000L
static int wake[2] = { -1, -1 };

bool shutdown_add(shutdown_fn fn, void *opaque)
{
    if (nhooks == SHUTDOWN_MAX_HOOKS)
        return false;
    hooks[nhooks].fn = fn;
    hooks[nhooks].opaque = opaque;
    nhooks = nhooks + 1;
    return true;
}

void shutdown_remove(shutdown_fn fn, void *opaque)
{
    for (int k = 0; k < nhooks; k++) {
        if (hooks[k].fn == fn && hooks[k].opaque == opaque) {
            /* Keep the order: a signal between the moves sees every live hook once. */
            for (int j = k; j + 1 < nhooks; j++)
                hooks[j] = hooks[j + 1];
            nhooks = nhooks - 1;
            return;
        }
    }
}

void shutdown_run(void)
{
    for (int k = 0; k < nhooks; k++)
        hooks[k].fn(hooks[k].opaque);
}

int shutdown_signal(void)
{
    return first_signal;
}

int shutdown_wake_fd(void)
{
    return wake[0];
}

const char *shutdown_signal_name(int sig)
{
    static char buf[24];
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: snprintf(buf, sizeof buf, "signal %d", sig); return buf;
    }
}

static void on_signal(int sig)
{
    if (!first_signal) {
        int saved = errno;
        first_signal = sig;
        clock_gettime(CLOCK_MONOTONIC, &first_at); /* async-signal-safe */
        if (wake[1] >= 0) {
            ssize_t w = write(wake[1], "", 1);
            (void)w; /* full: it is readable already */
        }
        errno = saved;
        return;
    }
    if (sig == first_signal) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ns =
            (long)(now.tv_sec - first_at.tv_sec) * 1000000000L + (now.tv_nsec - first_at.tv_nsec);
        if (ns < SHUTDOWN_REPEAT_NS)
            return; /* the first one, delivered twice (timeout(1)) */
    }
    /* The second signal: at once. */
    shutdown_run();
    signal(sig, SIG_DFL);
    raise(sig);
}

void shutdown_install(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    if (wake[0] < 0 && pipe(wake) == 0) {
        for (int k = 0; k < 2; k++) {
            fcntl(wake[k], F_SETFD, FD_CLOEXEC);
            fcntl(wake[k], F_SETFL, fcntl(wake[k], F_GETFL) | O_NONBLOCK);
        }
    }
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa, old;
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        /* The three share the handler: one at a time, so "first" is well defined. */
        sigemptyset(&sa.sa_mask);
        for (size_t j = 0; j < sizeof sigs / sizeof sigs[0]; j++)
            sigaddset(&sa.sa_mask, sigs[j]);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[k], &sa, NULL);
    }
}
