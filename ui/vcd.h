/* --vcd FILE: a Value Change Dump (IEEE 1364-2005 section 18) of the board's wires, for
 * GTKWave: every GPIO pin's level, each UART's TX and RX line as the bits would appear at
 * the programmed baud rate and frame format (idle high, start bit, data LSB first, parity,
 * stop bits), and every interrupt line the views know (CLINT, PLIC contexts, UART, GPIO).
 *
 * Time: `$timescale 1ns`; cycle c is at c * 1e9 / hart_hz ns (the board's hart clock:
 * timebase-frequency x cycles per mtime tick). Chip-driven GPIO changes and interrupt lines
 * are exact; pins driven from outside (buttons, --gpio-script) are sampled at every
 * quantum boundary and GPIO change. The UART transmits instantly in the model, so bytes
 * written back to back are queued on the line one character time after another; received
 * bytes are drawn starting at the cycle the UART took them.
 */
#ifndef HARTLAB_UI_VCD_H
#define HARTLAB_UI_VCD_H

#include <stdbool.h>
#include <stddef.h>

struct observe;
struct vcd;

/* NULL with a message naming the file if it cannot be written. */
struct vcd *vcd_new(struct observe *ob, const char *path, char *err, size_t errlen);
/* Flush everything (including queued UART bits) and close the file. */
void vcd_free(struct vcd *v);

#endif
