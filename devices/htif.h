/* HTIF, the Berkeley host-target interface as riscv-tests, riscv-pk and Spike use it: two
 * 64-bit words in guest RAM, found through the ELF symbols `tohost` and `fromhost`.
 *
 * The guest writes a command to tohost: device in bits 63:56, command in bits 55:48,
 * payload in bits 47:0. Handled here:
 *     device 0, command 0, payload bit 0 set    exit with status payload >> 1 (statuses
 *                                                above 255 saturate to 255, so a failure
 *                                                never turns into exit status 0)
 *     device 0, command 0, payload even, != 0   syscall proxy: payload is the address of
 *                                                8 64-bit words (number, args...); write
 *                                                (64) to fd 1/2 and exit (93); the result
 *                                                goes to word 0, then fromhost = 1
 *     device 1, command 1                       putchar(payload & 0xff) on stdout, then
 *                                                fromhost = (1 << 56) | (1 << 48)
 * After every command the device writes 0 back to tohost, as Spike does.
 *
 * RV32 firmware writes tohost as two 32-bit stores, low word first (riscv-tests and GCC
 * both do): the command is taken when the store that writes the most significant byte
 * completes, so a half-written command is never acted on.
 *
 * Usage:
 *     m->htif = htif_new(m, tohost_addr, fromhost_addr);   // fromhost may be 0: none
 *     ...
 *     htif_free(m->htif);   // removes its bus watch: call before bus_destroy()
 */
#ifndef HARTLAB_DEVICES_HTIF_H
#define HARTLAB_DEVICES_HTIF_H

#include <stdint.h>

struct machine;
struct htif;

/* NULL if the watch cannot be added (too many watches, out of memory). */
struct htif *htif_new(struct machine *m, uint64_t tohost, uint64_t fromhost);
void htif_free(struct htif *h);

#endif
