/* GPIO input scripts (see gpio_script.h): a parser for the line format and a player that
 * hands each step to the input door (host/input.h: input_gpio, which records and replays
 * it) from a virtual-clock event, one event armed at a time
 * (docs/design.md, decision 4: no host time, the same run every time).
 */
#include "host/gpio_script.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "devices/clock.h"
#include "host/input.h"
#include "platform/machine.h"
#include "devices/sifive_gpio.h"

enum step_action { STEP_HIGH, STEP_LOW, STEP_RELEASE };

struct step {
    uint64_t cycle;
    unsigned pin;
    enum step_action action;
};

struct gpio_script {
    struct machine *m;
    struct sifive_gpio *gpio;
    struct step *steps;
    size_t nsteps, next;
    struct clock_event ev;
};

static void script_fire(void *opaque)
{
    struct gpio_script *s = opaque;
    /* Only the steps due at the event's own cycle: a later one gets its own event, so it
     * happens at its cycle even if the hart the clock reads has run ahead. */
    uint64_t when = s->ev.when;
    while (s->next < s->nsteps && s->steps[s->next].cycle <= when) {
        const struct step *st = &s->steps[s->next++];
        input_gpio(s->m, s->gpio, st->pin,
                   st->action == STEP_RELEASE ? INPUT_RELEASE
                   : st->action == STEP_HIGH  ? INPUT_HIGH
                                              : INPUT_LOW);
    }
    if (s->next < s->nsteps)
        clock_schedule(&s->m->clock, &s->ev, s->steps[s->next].cycle);
}

static void script_free(void *opaque)
{
    struct gpio_script *s = opaque;
    clock_cancel(&s->m->clock, &s->ev);
    free(s->steps);
    free(s);
}

/* Next whitespace-separated token of *p (NULL at the end), NUL-terminated in place. */
static char *next_token(char **p)
{
    char *t = *p;
    while (*t && isspace((unsigned char)*t))
        t++;
    if (!*t)
        return NULL;
    char *e = t;
    while (*e && !isspace((unsigned char)*e))
        e++;
    if (*e)
        *e++ = '\0';
    *p = e;
    return t;
}

static bool parse_u64(const char *t, uint64_t *out)
{
    if (!isdigit((unsigned char)t[0]))
        return false; /* strtoull would take "-1" and " 1" */
    bool hex = t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
    char *end;
    errno = 0;
    unsigned long long v = strtoull(t, &end, hex ? 16 : 10);
    if (errno || *end || end == t + (hex ? 2 : 0))
        return false;
    *out = v;
    return true;
}

/* What the board calls itself, for "no GPIO" messages. */
static const char *board_name(const struct machine *m)
{
    const void *fdt = m->opts.fdt;
    if (!fdt)
        return "the bare machine (no --board)";
    const char *model = fdt_getprop(fdt, 0, "model", NULL);
    if (model)
        return model;
    const char *compat = fdt_getprop(fdt, 0, "compatible", NULL);
    return compat ? compat : "this board";
}

/* Parse one line (comments already cut) into *st; false with a message in `why`. Returns
 * true with *empty set for a blank line. */
static bool parse_line(char *line, unsigned ngpios, struct step *st, bool *empty, char *why,
                       size_t whylen)
{
    char *p = line;
    char *t_cycle = next_token(&p);
    *empty = t_cycle == NULL;
    if (*empty)
        return true;
    char *t_pin_kw = next_token(&p);
    char *t_pin = t_pin_kw ? next_token(&p) : NULL;
    char *t_action = t_pin ? next_token(&p) : NULL;
    char *t_extra = t_action ? next_token(&p) : NULL;

    if (!parse_u64(t_cycle, &st->cycle)) {
        snprintf(why, whylen, "'%s' is not a cycle count (expected CYCLE pin N high|low|release)",
                 t_cycle);
        return false;
    }
    if (!t_pin_kw || strcasecmp(t_pin_kw, "pin") != 0) {
        snprintf(why, whylen, "expected 'pin' after the cycle, got %s%s%s",
                 t_pin_kw ? "'" : "end of line", t_pin_kw ? t_pin_kw : "", t_pin_kw ? "'" : "");
        return false;
    }
    uint64_t pin;
    if (!t_pin) {
        snprintf(why, whylen, "missing pin number after 'pin'");
        return false;
    }
    if (!parse_u64(t_pin, &pin)) {
        snprintf(why, whylen, "'%s' is not a pin number", t_pin);
        return false;
    }
    if (pin >= ngpios) {
        snprintf(why, whylen, "pin %" PRIu64 " does not exist: GPIO bank 0 has pins 0..%u", pin,
                 ngpios - 1);
        return false;
    }
    st->pin = (unsigned)pin;
    if (!t_action) {
        snprintf(why, whylen, "missing high, low or release after 'pin %u'", st->pin);
        return false;
    }
    if (strcasecmp(t_action, "high") == 0)
        st->action = STEP_HIGH;
    else if (strcasecmp(t_action, "low") == 0)
        st->action = STEP_LOW;
    else if (strcasecmp(t_action, "release") == 0)
        st->action = STEP_RELEASE;
    else {
        snprintf(why, whylen, "expected high, low or release, got '%s'", t_action);
        return false;
    }
    if (t_extra) {
        snprintf(why, whylen, "unexpected '%s' after '%s'", t_extra, t_action);
        return false;
    }
    return true;
}

bool gpio_script_load(struct machine *m, const char *path, char *err, size_t errlen)
{
    if (m->ngpio == 0) {
        snprintf(err, errlen, "%s: %s has no GPIO bank (no \"sifive,gpio0\" node) to drive", path,
                 board_name(m));
        return false;
    }
    struct sifive_gpio *gpio = m->gpio[0];
    unsigned ngpios = sifive_gpio_ngpios(gpio);

    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    struct step *steps = NULL;
    size_t nsteps = 0, cap = 0;
    unsigned lineno = 0, prev_line = 0;
    char *line = NULL;
    size_t linecap = 0;
    bool ok = true;
    ssize_t len;
    while ((len = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) {
            snprintf(err, errlen, "%s:%u: contains a NUL byte: not a text file?", path, lineno);
            ok = false;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        struct step st;
        bool empty;
        char why[200];
        if (!parse_line(line, ngpios, &st, &empty, why, sizeof why)) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            ok = false;
            break;
        }
        if (empty)
            continue;
        if (nsteps > 0 && st.cycle < steps[nsteps - 1].cycle) {
            snprintf(err, errlen,
                     "%s:%u: cycle %" PRIu64 " is before cycle %" PRIu64
                     " on line %u: cycles must not decrease",
                     path, lineno, st.cycle, steps[nsteps - 1].cycle, prev_line);
            ok = false;
            break;
        }
        if (nsteps == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            struct step *n = realloc(steps, ncap * sizeof *n);
            if (!n) {
                snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
                ok = false;
                break;
            }
            steps = n;
            cap = ncap;
        }
        steps[nsteps++] = st;
        prev_line = lineno;
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        ok = false;
    }
    free(line);
    fclose(f);

    struct gpio_script *s = ok ? calloc(1, sizeof *s) : NULL;
    if (ok && !s) {
        snprintf(err, errlen, "%s: out of memory", path);
        ok = false;
    }
    if (!ok) {
        free(steps);
        return false;
    }
    s->m = m;
    s->gpio = gpio;
    s->steps = steps;
    s->nsteps = nsteps;
    clock_event_init(&s->ev, script_fire, s);
    machine_on_free(m, script_free, s);
    if (nsteps > 0)
        clock_schedule(&m->clock, &s->ev, steps[0].cycle);
    return true;
}
