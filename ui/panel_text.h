/* The panel's text, without SDL (ui/panel.c draws it): the UART console's lines and the
 * lines of the F3 (stack) and F4 (traps) views, each fitted to the columns it has. Kept
 * apart from the drawing so tests/unit/test_panel_text.c can check them.
 *
 * Console: bytes from the UART append to the last line; '\n' starts a new one, '\r' goes
 * back to its start, '\b' removes one character. A line longer than the console breaks
 * at its last space, so a word or a number is never cut in two (one longer than a whole
 * line is cut where it must be).
 *
 * Usage:
 *     struct panel_console c = { 0 };
 *     panel_console_put(&c, byte);
 *     for (unsigned k = 0; k < c.count; k++) draw(panel_console_line(&c, k));
 */
#ifndef HARTLAB_UI_PANEL_TEXT_H
#define HARTLAB_UI_PANEL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PANEL_CON_COLS  62
#define PANEL_CON_LINES 256

struct panel_console {
    char line[PANEL_CON_LINES][PANEL_CON_COLS + 1];
    unsigned first, count; /* ring of lines; the last is being written */
    unsigned col;
};

void panel_console_put(struct panel_console *c, uint8_t byte);
/* Line k, 0 the oldest kept, count - 1 the one being written. */
const char *panel_console_line(const struct panel_console *c, unsigned k);

/* One line of the F4 list in at most `cols` characters: cycle, cause, where it was taken,
 * and "(in handler)" while its handler runs. The place is shortened first (its end kept:
 * "..tion+0x1c"), never the marker. */
void panel_trap_line(char *buf, size_t len, unsigned cols, uint64_t cycle, const char *cause,
                     const char *at, bool in_handler);

/* The second line of a frame's box in the F3 view: its stack use, "(N bytes)", or in words
 * when it used none. `outermost`: the frame tracking started in (at reset: _start, which
 * sets sp up rather than taking a frame below it). */
void panel_frame_stack_line(char *buf, size_t len, uint64_t sp_entry, uint64_t sp_min,
                            bool outermost);

#endif
