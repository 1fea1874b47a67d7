/* External inputs: the one door through which the world outside the simulation changes a
 * running machine, so that a run can be recorded (--record FILE) and replayed exactly
 * (--replay FILE): same output, same cycle and instruction counts, same traces.
 *
 * What passes here, and who calls:
 *   - bytes entering a UART's receiver: this module is every UART's receive source
 *     (ns16550_set_rx_source). It hands the UART, one per character time and only when its
 *     FIFO has room, first the bytes queued by input_uart_send (a --script `send`, keys
 *     typed on the panel), then the bytes of the UART's host backend (stdin, pty, tcp);
 *   - GPIO inputs driven from outside (input_gpio): --gpio-script, a --script `gpio`
 *     step, the panel's buttons;
 *   - interrupt requests from outside (input_irq): the debugger's `monitor inject`;
 *   - semihosting console reads of standard input (input_stdin_read).
 * Nothing else from the host reaches the machine (files under --semihost-root are data, as
 * the ELF is).
 *
 * Timing. A UART byte enters at the character time the UART polled for it (the cycle passed
 * to the receive source). Every other input is applied from one clock event of this
 * module at the virtual time it was given (the current cycle: a block's end when a device
 * callback gives it, the end of the round when the panel or the debugger do), after every
 * other clock event due at that cycle; a replay applies it the same way at the same cycle.
 *
 * Record and replay. With input_record every input is written, as it is applied, to a text
 * file; with input_replay the live sources are disconnected (their inputs are dropped, and
 * the host backends are not read) and the file's inputs are applied instead. Format 1, one
 * record a line, `#` comments:
 *     hartlab-inputs 1                      first line
 *     firmware NAME SIZE FNV1A64           the ELF recorded with (checked on replay)
 *     CYCLE uart K source data|interactive  UART K's receiver gets a source (a data source
 *                                           is polled only when its FIFO has room, an
 *                                           interactive one always)
 *     CYCLE uart K "BYTE"                   one byte entered UART K (C escapes)
 *     CYCLE uart K eof                      UART K's source has no more input (polling stops)
 *     CYCLE uart K quit                     Ctrl-A x on UART K's console ended the run
 *     CYCLE uart K wake                     UART K's source has input again after eof
 *     CYCLE gpio B P high|low|release       GPIO bank B (m->gpio order) pin P driven from outside
 *     CYCLE irq S                           a request on interrupt source S (the first PLIC)
 *     CYCLE stdin "BYTES" | eof             a semihosting read of standard input returned these
 *     end CYCLE status S insns N            the run ended (hart 0's cycles and instructions)
 * UART K counts UARTs in bus order (ns16550_find). CYCLE is hart 0's cycle count.
 *
 * Usage (machine_new creates the module; main does the rest before machine_run):
 *     input_record(m, "run.rec", elf_path, err, sizeof err);   // or input_replay(m, ...)
 *     status = machine_run(m);
 *     input_finish(m, status);      // writes the end line, or checks the replay matched
 */
#ifndef HARTLAB_HOST_INPUT_H
#define HARTLAB_HOST_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct machine;
struct sifive_gpio;

enum input_level { INPUT_LOW = 0, INPUT_HIGH = 1, INPUT_RELEASE = 2 };

/* Made by machine_new once the devices exist (m->input); freed with the machine. Installs
 * itself as the receive source of every UART that has a host backend. */
struct input *input_new(struct machine *m);
void input_free(struct input *in);

/* Queue bytes for UART k's receiver (a --script send, the panel's keyboard): they enter
 * one per character time when the FIFO has room, before the host backend's input. False
 * if there is no UART k. */
bool input_uart_send(struct machine *m, unsigned k, const void *buf, size_t len);
/* A producer that may call input_uart_send later holds UART k (true) so that its source
 * says "no input yet" rather than end of input; false lets go. Gives the UART a source if
 * it had none. */
void input_uart_hold(struct machine *m, unsigned k, bool hold);
/* The host backend's input is not given to UART k (a --script owns the line); Ctrl-A x on
 * an interactive console still ends the run. */
void input_uart_exclusive(struct machine *m, unsigned k);
/* Drive (or release) pin `pin` of bank `g` from outside, at the current cycle. */
void input_gpio(struct machine *m, struct sifive_gpio *g, unsigned pin, enum input_level level);
/* A request on interrupt source `source` of the first PLIC (plic_trigger), at the current
 * cycle. False if there is no PLIC or no such source. */
bool input_irq(struct machine *m, unsigned source);
/* A semihosting read of standard input: up to `len` bytes into buf, as read(2) returns. */
ssize_t input_stdin_read(struct machine *m, void *buf, size_t len);

/* Write every input of this run to `path`; `firmware` (may be NULL) is named in the file
 * with its size and hash. False with a message when the file cannot be written. */
bool input_record(struct machine *m, const char *path, const char *firmware, char *err,
                  size_t errlen);
/* Replay the inputs of `path` instead of the live ones. False with "PATH:LINE: ..." when the
 * file cannot be read or does not parse (or names a UART, GPIO pin or source this machine
 * does not have). A firmware other than the recorded one is a warning on stderr. */
bool input_replay(struct machine *m, const char *path, const char *firmware, char *err,
                  size_t errlen);
/* The run ended with `status`: a recording gets its end line; a replay that ended other
 * than the recorded run (or applied an input late) says so on stderr and returns false. */
bool input_finish(struct machine *m, int status);
/* True while replaying (live inputs are dropped). */
bool input_replaying(const struct machine *m);

/* Reverse execution (platform/history.h). input_history_begin keeps every live input in
 * memory from now on; input_state_size/_save/_restore are the door's part of a machine
 * snapshot (its event, each UART's source state, where in that journal the machine is);
 * input_history_replay(m, true) hands out the journal's inputs instead of live ones while
 * history is re-executed, false goes back to live sources at the end of history. */
void input_history_begin(struct machine *m);
size_t input_state_size(const struct machine *m);
void input_state_save(const struct machine *m, void *buf);
void input_state_restore(struct machine *m, const void *buf);
void input_history_replay(struct machine *m, bool on);
/* While re-executing: forget the inputs after the present point (the debugger changed the
 * machine in the past, so a new future starts). */
void input_history_cut(struct machine *m);

#endif
