/* The panel's way through the run's history (reverse execution, platform/history.h), without
 * SDL: which keys step back and move along history, the history slider's arithmetic, and
 * carrying a move out on the machine. ui/panel.c draws the slider and calls these from its
 * event loop, only while the machine is stopped between rounds (the quantum listener);
 * tests/unit/test_panel_history.c checks them on a real machine.
 *
 * Keys (SDL key names): F9 one instruction back, F6 one forward (along history while in the
 * past), Home the start of history, End the present, PageUp/PageDown a twentieth of history
 * back/forward. A click on the slider goes to that point. Positions are the selected hart's
 * steps (instructions plus traps), from the first kept to the last recorded.
 */
#ifndef HARTLAB_UI_PANEL_HISTORY_H
#define HARTLAB_UI_PANEL_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

enum panel_hist_op {
    PANEL_HIST_NONE,
    PANEL_HIST_BACK,         /* F9 */
    PANEL_HIST_FORWARD,      /* F6 (in the past) */
    PANEL_HIST_START,        /* Home */
    PANEL_HIST_END,          /* End: the present */
    PANEL_HIST_PAGE_BACK,    /* PageUp */
    PANEL_HIST_PAGE_FORWARD, /* PageDown */
    PANEL_HIST_GOTO,         /* a click on the slider: to a count */
};

/* The move a key asks for (an SDL key name), PANEL_HIST_NONE for any other key. F6 is a
 * history move only in the past (`in_past`); at the present it is the live step. */
enum panel_hist_op panel_history_key(const char *key_name, bool in_past);

/* The slider: `w` pixels from x0 for the counts first..last. */
uint64_t panel_slider_count(uint64_t first, uint64_t last, int x0, int w, int x);
int panel_slider_x(uint64_t first, uint64_t last, uint64_t now, int x0, int w);

/* What history holds for hart k: its first and last recorded counts and where it is now.
 * False without history. */
bool panel_history_span(struct machine *m, unsigned k, uint64_t *first, uint64_t *last,
                        uint64_t *now);

/* Carry out a move for hart k (`arg`: the count for PANEL_HIST_GOTO). Writes one line
 * saying where the machine is (or why it did not move) to msg. Returns false when nothing
 * was done: no history, or PANEL_HIST_FORWARD at the present (step live instead). */
bool panel_history_do(struct machine *m, unsigned k, enum panel_hist_op op, uint64_t arg, char *msg,
                      size_t len);

#endif
