/* The panel's moves through the run's history (see panel_history.h): keys, the slider's
 * arithmetic and the moves themselves, on platform/history.h, without SDL.
 */
#include "ui/panel_history.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/hart.h"
#include "platform/history.h"
#include "platform/machine.h"

enum panel_hist_op panel_history_key(const char *key_name, bool in_past)
{
    static const struct {
        const char *name;
        enum panel_hist_op op;
    } keys[] = {
        { "F9", PANEL_HIST_BACK },
        { "Home", PANEL_HIST_START },
        { "End", PANEL_HIST_END },
        { "PageUp", PANEL_HIST_PAGE_BACK },
        { "PageDown", PANEL_HIST_PAGE_FORWARD },
    };
    if (in_past && strcmp(key_name, "F6") == 0)
        return PANEL_HIST_FORWARD;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (strcmp(key_name, keys[k].name) == 0)
            return keys[k].op;
    return PANEL_HIST_NONE;
}

uint64_t panel_slider_count(uint64_t first, uint64_t last, int x0, int w, int x)
{
    if (w <= 1 || last <= first || x <= x0)
        return first;
    if (x >= x0 + w - 1)
        return last;
    /* In 128-bit arithmetic: counts may be near 2^64 apart only in theory, but cheaply. */
    unsigned __int128 span = last - first;
    return first + (uint64_t)(span * (unsigned)(x - x0) / (unsigned)(w - 1));
}

int panel_slider_x(uint64_t first, uint64_t last, uint64_t now, int x0, int w)
{
    if (w <= 1 || last <= first || now <= first)
        return x0;
    if (now >= last)
        return x0 + w - 1;
    unsigned __int128 off = now - first, span = last - first;
    return x0 + (int)((off * (unsigned)(w - 1) + span / 2) / span); /* the nearest pixel */
}

bool panel_history_span(struct machine *m, unsigned k, uint64_t *first, uint64_t *last,
                        uint64_t *now)
{
    if (!m->history || !history_span(m->history, k, first, last))
        return false;
    struct hart *h = machine_hart(m, k);
    *now = hart_retired(h) + hart_traps(h);
    return true;
}

static const char *result_words(const struct history_stop *st)
{
    switch (st->result) {
    case HISTORY_BEGIN: return " (the start of history)";
    case HISTORY_END: return " (the present)";
    case HISTORY_STOPPED: return " (a breakpoint)";
    case HISTORY_DIVERGED: return " (re-execution did not follow the log: see stderr)";
    default: return "";
    }
}

bool panel_history_do(struct machine *m, unsigned k, enum panel_hist_op op, uint64_t arg, char *msg,
                      size_t len)
{
    struct history *hi = m->history;
    uint64_t first, last, now;
    if (!hi || !panel_history_span(m, k, &first, &last, &now)) {
        snprintf(msg, len, "no history is kept");
        return false;
    }
    struct history_stop st = { .result = HISTORY_REACHED };
    uint64_t page = (last - first) / 20 ? (last - first) / 20 : 1;
    switch (op) {
    case PANEL_HIST_BACK: history_step_back(hi, k, &st); break;
    case PANEL_HIST_FORWARD:
        if (!history_in_past(hi))
            return false;
        history_step_forward(hi, k, &st);
        break;
    case PANEL_HIST_START:
        history_goto_start(hi);
        st.result = HISTORY_BEGIN;
        break;
    case PANEL_HIST_END:
        if (history_in_past(hi))
            history_continue_forward(hi, &st);
        st.result = HISTORY_END;
        break;
    case PANEL_HIST_PAGE_BACK:
    case PANEL_HIST_PAGE_FORWARD:
    case PANEL_HIST_GOTO: {
        uint64_t to = op == PANEL_HIST_GOTO        ? arg
                      : op == PANEL_HIST_PAGE_BACK ? (now - first > page ? now - page : first)
                                                   : (last - now > page ? now + page : last);
        if (to <= first) {
            history_goto_start(hi);
            st.result = HISTORY_BEGIN;
        } else if (to >= last) {
            if (history_in_past(hi))
                history_continue_forward(hi, &st);
            st.result = HISTORY_END;
        } else if (!history_goto(hi, k, to)) {
            st.result = HISTORY_DIVERGED;
        }
        break;
    }
    default: snprintf(msg, len, "-"); return false;
    }
    panel_history_span(m, k, &first, &last, &now);
    snprintf(msg, len, "history: step %" PRIu64 " of %" PRIu64 "..%" PRIu64 "%s", now, first, last,
             result_words(&st));
    return true;
}
