/* Shutdown hooks (see shutdown.h), on POSIX signals (sigaction; the handler resets the
 * signal to its default disposition and raises it again, so the process ends as it would
 * have without hartlab's handler).
 */
#include "host/shutdown.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

static struct {
    shutdown_fn fn;
    void *opaque;
} hooks[SHUTDOWN_MAX_HOOKS];
static volatile sig_atomic_t nhooks;

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

static void on_signal(int sig)
{
    shutdown_run();
    signal(sig, SIG_DFL);
    raise(sig);
}

void shutdown_install(void)
{
    static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa, old;
        /* A signal the parent asked us to ignore (nohup, a background job) stays ignored. */
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigfillset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[k], &sa, NULL);
    }
}
