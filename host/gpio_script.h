/* GPIO input scripts (--gpio-script FILE): the outside world pressing buttons and driving
 * pins of GPIO bank 0 (m->gpio[0], devices/sifive_gpio.h) at given virtual-clock cycles, so
 * that firmware waiting for input runs headless, in CI, the same way every time.
 *
 * The file is text, one step a line:
 *     # comment (also after a step); blank lines are ignored
 *     CYCLE pin N high       drive pin N to 1 from cycle CYCLE on
 *     CYCLE pin N low        drive pin N to 0
 *     CYCLE pin N release    stop driving pin N (it falls to its pull-up, or floats)
 * CYCLE is a hart cycle count (decimal, or hex with 0x); cycles must not decrease from one
 * step to the next, and steps at the same cycle happen in file order. Keywords are not
 * case-sensitive.
 *
 * The whole file is checked when it is loaded. While it plays, exactly one clock event is
 * armed (for the next step), so once the last step has happened the script leaves nothing
 * on the clock and a firmware that then waits forever is still reported as hung.
 *
 * Usage (after the firmware is loaded, before machine_run):
 *     if (!gpio_script_load(m, path, err, sizeof err)) { fprintf(stderr, "hartlab: %s\n", err); ...
 * }
 */
#ifndef HARTLAB_DEVICES_GPIO_SCRIPT_H
#define HARTLAB_DEVICES_GPIO_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

struct machine;

/* Read and check `path`, then arm its first step on m's clock; the machine frees it. False
 * with a message in `err` naming the file (and line) if the file cannot be read, a line is
 * malformed, cycles decrease, a pin does not exist, or the board has no GPIO bank. */
bool gpio_script_load(struct machine *m, const char *path, char *err, size_t errlen);

#endif
