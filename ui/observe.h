/* The views' hub: subscribes once to the events the views need (the harts' traps, trap
 * returns and steps, interrupt lines, UART bytes, the machine's quantum boundary:
 * docs/design.md, decision 11) and fans each out to every view that asked for it: the
 * panel, --trace=irq, --trace=frames, --vcd and --profile (decision 9: views observe; no
 * simulation logic lives here). It also gives the views what they share: the named
 * interrupt lines in a fixed order, the UARTs, the hart frequency, the causes' names.
 *
 * Usage (after the firmware is loaded, before machine_run):
 *     struct observe *ob = observe_new(m);
 *     observe_on_trap(ob, my_trap, me);          // and _on_trap_return, _on_step, ...
 *     observe_on_line(ob, my_line, me);          // every named interrupt line
 *     observe_attach(ob);                        // installs the hooks
 *     machine_run(m);
 *     observe_free(ob);
 *
 * Steps (observe_on_step) put the harts in single-step mode, which is slower: only
 * --trace=frames, --profile and the panel's stack view ask.
 */
#ifndef HARTLAB_UI_OBSERVE_H
#define HARTLAB_UI_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct hart;
struct insn;
struct irq_line;

#define OBSERVE_MAX       6
#define OBSERVE_MAX_LINES 160
#define OBSERVE_MAX_UARTS 4

typedef void (*observe_trap_fn)(void *ctx, struct hart *h, uint64_t cause, uint64_t epc,
                                uint64_t tval);
typedef void (*observe_return_fn)(void *ctx, struct hart *h, uint64_t from_pc);
typedef void (*observe_step_fn)(void *ctx, struct hart *h, const struct insn *ins);
/* A block ran: its n retired instructions (hart_listen_block, core/hart.h). */
typedef void (*observe_block_fn)(void *ctx, struct hart *h, const struct insn *ins, unsigned n);
/* `line` changed to `level` at virtual-clock cycle `cycle`; `index` is its slot in
 * observe_lines(). */
typedef void (*observe_line_fn)(void *ctx, unsigned index, const struct irq_line *line, bool level,
                                uint64_t cycle);
typedef void (*observe_quantum_fn)(void *ctx);
/* A byte left (rx false) or arrived on (rx true) UART `uart`'s line at `cycle`. */
typedef void (*observe_uart_fn)(void *ctx, unsigned uart, bool rx, uint8_t byte, uint64_t cycle);

struct observe;

struct observe *observe_new(struct machine *m);
void observe_free(struct observe *ob);

void observe_on_trap(struct observe *ob, observe_trap_fn fn, void *ctx);
void observe_on_trap_return(struct observe *ob, observe_return_fn fn, void *ctx);
void observe_on_step(struct observe *ob, observe_step_fn fn, void *ctx);
/* Blocks instead of steps: the harts run one block at a time, which (unlike steps) keeps
 * every interrupt and stop where a run without views has it. */
void observe_on_block(struct observe *ob, observe_block_fn fn, void *ctx);
void observe_on_line(struct observe *ob, observe_line_fn fn, void *ctx);
void observe_on_quantum(struct observe *ob, observe_quantum_fn fn, void *ctx);
void observe_on_uart(struct observe *ob, observe_uart_fn fn, void *ctx);
/* Install the hooks and probes that were asked for. */
void observe_attach(struct observe *ob);
/* Turn per-instruction steps on or off while running (the panel's stack view). */
void observe_set_stepping(struct observe *ob, bool on);
/* Steps for the whole run, whatever observe_set_stepping says later (--profile needs every
 * instruction, whichever panel view is open). */
void observe_require_stepping(struct observe *ob);

/* The interrupt lines the hub knows (CLINT MSIP/MTIP per slot, PLIC context outputs, UART
 * and GPIO pin outputs), in a fixed order; `what` is "clint", "plic", "uart" or "gpio". */
unsigned observe_nlines(const struct observe *ob);
/* UARTs on the bus (ns16550_find order), up to OBSERVE_MAX_UARTS. */
unsigned observe_nuarts(const struct observe *ob);
struct ns16550 *observe_uart(const struct observe *ob, unsigned k);
const struct irq_line *observe_line(const struct observe *ob, unsigned index, const char **what);

struct machine *observe_machine(const struct observe *ob);
/* Hart cycles per second of virtual time: the board's timebase-frequency times the cycles
 * per mtime tick (10 MHz timebase without a device tree). */
uint64_t observe_hart_hz(const struct observe *ob);
/* "machine timer", "illegal instruction", ... for an mcause value of an XLEN-bit hart. */
const char *observe_cause_name(uint64_t cause, unsigned xlen);

#endif
