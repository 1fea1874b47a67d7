/* The panel's text without SDL (see panel_text.h). */
#include "ui/panel_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static char *last_line(struct panel_console *c)
{
    return c->line[(c->first + c->count - 1) % PANEL_CON_LINES];
}

static void new_line(struct panel_console *c)
{
    if (c->count == PANEL_CON_LINES)
        c->first = (c->first + 1) % PANEL_CON_LINES;
    else
        c->count++;
    last_line(c)[0] = 0;
    c->col = 0;
}

void panel_console_put(struct panel_console *c, uint8_t byte)
{
    if (c->count == 0) {
        c->count = 1;
        c->line[c->first][0] = 0;
        c->col = 0;
    }
    char *line = last_line(c);
    switch (byte) {
    case '\r': c->col = 0; return;
    case '\n': new_line(c); return;
    case '\b':
        if (c->col)
            line[--c->col] = 0;
        return;
    case '\t': byte = ' '; break;
    default: break;
    }
    if (byte < 32 || byte > 126)
        return;
    if (c->col == PANEL_CON_COLS) {
        /* Full: break at the last space, carrying the word after it to the next line. */
        char carry[PANEL_CON_COLS + 1] = "";
        char *sp = strrchr(line, ' ');
        if (byte != ' ' && sp && sp[1]) {
            snprintf(carry, sizeof carry, "%s", sp + 1);
            *sp = 0;
        }
        new_line(c);
        line = last_line(c);
        c->col = (unsigned)strlen(carry);
        memcpy(line, carry, c->col + 1);
        if (byte == ' ')
            return; /* the space that broke the line */
    }
    /* '\r' then new text overwrites the line from its start. */
    line[c->col++] = (char)byte;
    if (c->col > strlen(line))
        line[c->col] = 0;
}

const char *panel_console_line(const struct panel_console *c, unsigned k)
{
    return c->line[(c->first + k) % PANEL_CON_LINES];
}

void panel_trap_line(char *buf, size_t len, unsigned cols, uint64_t cycle, const char *cause,
                     const char *at, bool in_handler)
{
    const char *mark = in_handler ? " (in handler)" : "";
    char head[80];
    int hn = snprintf(head, sizeof head, "%-11" PRIu64 " %-26s ", cycle, cause);
    int room = (int)cols - hn - (int)strlen(mark);
    int an = (int)strlen(at);
    if (room < 3)
        room = 3;
    if (an <= room)
        snprintf(buf, len, "%s%s%s", head, at, mark);
    else /* keep the end: the offset says where in the function */
        snprintf(buf, len, "%s..%s%s", head, at + an - (room - 2), mark);
}

void panel_frame_stack_line(char *buf, size_t len, uint64_t sp_entry, uint64_t sp_min,
                            bool outermost)
{
    if (sp_entry == sp_min)
        snprintf(buf, len, "sp %08" PRIx64 "  (%s)", sp_entry,
                 outermost ? "the outermost frame: sp as it was set up"
                           : "no stack frame of its own");
    else
        snprintf(buf, len, "sp %08" PRIx64 "..%08" PRIx64 " (%" PRIu64 " bytes)", sp_min, sp_entry,
                 sp_entry - sp_min);
}
