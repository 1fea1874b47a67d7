/* The SDL panel (--ui): the board drawn from its device tree (gpio-leds lit from GPIO
 * levels, gpio-keys as buttons for the mouse and the keys the tree names), the UART console,
 * a status line, and the classroom views (registers, interrupts, call stack, recent traps).
 * It is a view (docs/design.md, decision 9): it reads machine state and drives only what a person
 * at the board could: button pins, typed characters into the UART, run/pause/step/reset.
 *
 * The panel draws into an off-screen surface with SDL's software renderer and copies it to
 * the window, at most PANEL_FPS times a second of host time, checked at quantum boundaries;
 * screenshots (--ui-screenshot FILE@CYCLES) are that surface, written as PNG, so they are
 * identical on every host. Keys: F1-F4 views (registers, interrupts, stack, traps), F5
 * run/pause, F6 step one instruction (paused), F7 reset, F8 pace (real time / as fast as
 * possible), Esc quits; a button's key (the tree's hartlab,key) presses it; other typed
 * text goes to the UART.
 *
 * Usage:
 *     struct panel *p = panel_new(ob, frames, &cfg, err, sizeof err);   // before observe_attach
 *     status = machine_run(m);
 *     status = panel_finish(p, status);   // last screenshots; waits for the window to close
 *     panel_free(p);
 */
#ifndef HARTLAB_UI_PANEL_H
#define HARTLAB_UI_PANEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct observe;
struct frames;
struct panel;

#define PANEL_FPS             30
#define PANEL_MAX_SCREENSHOTS 32

struct panel_config {
    struct {
        const char *path;
        uint64_t cycle;
    } shots[PANEL_MAX_SCREENSHOTS];
    unsigned nshots;
    const char *script; /* --ui-script FILE: SDL input events at given cycles, or NULL */
    bool realtime;      /* start paced to the host clock */
};

/* Opens the window and the font (HARTLAB_FONT, else the packaged DejaVu Sans Mono). NULL
 * with a message (no display, font missing, bad script line) in `err`. */
struct panel *panel_new(struct observe *ob, struct frames *frames, const struct panel_config *cfg,
                        char *err, size_t errlen);
/* After machine_run: screenshots still due are taken of the final state; without
 * screenshots or a script, the window stays open (showing the exit) until closed. Returns the
 * exit status to use (a failed screenshot turns success into 2). */
int panel_finish(struct panel *p, int status);
void panel_free(struct panel *p);

/* Under the GDB stub (--gdb with --ui): the debugger runs, stops and moves the machine
 * through history; the panel only watches, and takes what a person at the board gives
 * (buttons, typed text, views, pacing). F5-F7, F9 and the history keys are off; the status
 * line says GDB while the debugger holds the machine stopped. */
void panel_attach_debugger(struct panel *p);
/* While the debugger holds the machine stopped, some 30 times a second: handle the window's
 * events and draw. True once the window is closed (Esc): the session should end. */
bool panel_idle(struct panel *p);

#endif
