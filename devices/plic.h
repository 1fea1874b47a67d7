/* The PLIC: the RISC-V Platform-Level Interrupt Controller ("sifive,plic-1.0.0",
 * "riscv,plic0"), with level-sensitive sources 1..ndev, 3 priority bits per source and per
 * context threshold, and one context per (hart, privilege mode) pair.
 *
 * Device outputs reach it through the machine: plic_new/plic_create call
 * machine_set_irq_controller(m, plic_set_source_level, plic, ndev), after which a device
 * wires its line with machine_connect_irq(m, &dev->irq, source). Each context's output (its
 * EIP) drives MEIP or SEIP of its hart.
 *
 * Usage:
 *     struct plic *p = plic_new(m, 0xc000000, 96);   // QEMU virt contexts: 2k = hart k M-mode,
 *                                                     // 2k+1 = hart k S-mode
 *     machine_connect_irq(m, &uart->irq, 10);
 *     struct plic_source_info si;
 *     plic_source_state(p, 10, &si);                 // debugger/panel view, no side effects
 *
 * From a board: device_table rows "sifive,plic-1.0.0" / "riscv,plic0" -> plic_create, which
 * reads `riscv,ndev` and builds the contexts from `interrupts-extended`. The PLIC node must
 * be instantiated before the devices that name it as their interrupt parent.
 */
#ifndef HARTLAB_DEVICES_PLIC_H
#define HARTLAB_DEVICES_PLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/hart.h"

struct machine;
struct plic;

#define PLIC_SIZE_VIRT     0x600000u /* QEMU virt's window: room for 1024 contexts */
#define PLIC_MAX_SOURCES   1023u     /* source IDs 1..1023; 0 means "no interrupt" */
#define PLIC_MAX_CONTEXTS  15872u    /* what the enable-array layout has room for */
#define PLIC_PRIORITY_BITS 3u
#define PLIC_PRIORITY_MAX  ((1u << PLIC_PRIORITY_BITS) - 1)

/* Register offsets (riscv-plic-spec 1.0.0, "Memory Map"). */
#define PLIC_PRIORITY_BASE  0x000000u /* + 4 * source */
#define PLIC_PENDING_BASE   0x001000u /* + 4 * (source / 32) */
#define PLIC_ENABLE_BASE    0x002000u /* + 0x80 * context + 4 * (source / 32) */
#define PLIC_ENABLE_STRIDE  0x80u
#define PLIC_CONTEXT_BASE   0x200000u /* + 0x1000 * context */
#define PLIC_CONTEXT_STRIDE 0x1000u
#define PLIC_THRESHOLD      0x0u /* within a context's block */
#define PLIC_CLAIM_COMPLETE 0x4u

/* What one context is wired to: `irq` is IRQ_M_EXT or IRQ_S_EXT of `hart`; a NULL hart is a
 * context that exists in the register map but drives nothing. */
struct plic_context_desc {
    struct hart *hart;
    enum irq_num irq;
};

/* A PLIC at `base` (PLIC_SIZE_VIRT bytes) with sources 1..ndev and QEMU virt's contexts for
 * every hart of `m`. NULL if the range is taken, ndev is 0 or above PLIC_MAX_SOURCES, or out
 * of memory. The machine frees it. */
struct plic *plic_new(struct machine *m, uint64_t base, unsigned ndev);
/* The same with an explicit context list (a board's interrupts-extended) and window size;
 * the window must hold every context's threshold/claim block. */
struct plic *plic_new_contexts(struct machine *m, uint64_t base, uint64_t size, unsigned ndev,
                               const struct plic_context_desc *contexts, unsigned ncontexts);
/* The device_table constructor (see struct device_desc). */
bool plic_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                 char *err, size_t errlen);

/* How a source's line makes requests (plic.c): PLIC_GATEWAY_LEVEL is the specification's
 * level gateway (a line still high at completion pends again; the default);
 * PLIC_GATEWAY_SIGNAL is QEMU's (the pending bit follows what the device signals, and a
 * completion does not re-pend), a board's `hartlab,gateway = "signal"` (virt). */
enum plic_gateway { PLIC_GATEWAY_LEVEL, PLIC_GATEWAY_SIGNAL };
void plic_set_gateway(struct plic *p, enum plic_gateway g);

/* The input side, as handed to machine_set_irq_controller: source `source` is at `level`
 * (called again with a high level when the device signals a new condition, irq_signal). */
void plic_set_source_level(void *plic, unsigned source, bool level);
/* A request on `source` from outside the board (the debugger's `monitor inject`), as one
 * pulse of its line: its gateway sets the pending bit unless a request of it is already in
 * flight (claimed, not completed), when the pulse is lost as on a level gateway. False if
 * the source does not exist. */
bool plic_trigger(struct plic *p, unsigned source);

/* Read-only views for the debugger, traces and the panel: no side effects (unlike a guest
 * read of claim/complete, which claims). */
struct plic_source_info {
    unsigned priority; /* 0 = never interrupts */
    bool level;        /* the input line as the device drives it */
    bool pending;      /* the IP bit */
    bool claimed;      /* claimed and not yet completed: not claimable again until then */
    int claimed_by;    /* context that claimed it, or -1 */
    uint64_t enabled;  /* bit c: enabled in context c (contexts 0..63) */
};
struct plic_context_info {
    struct hart *hart; /* NULL if the context drives nothing */
    enum irq_num irq;  /* IRQ_M_EXT or IRQ_S_EXT */
    unsigned threshold;
    bool eip;            /* the output: some enabled pending source is above threshold */
    unsigned next_claim; /* the ID a claim would return now, or 0 */
};
unsigned plic_nsources(const struct plic *p);
unsigned plic_ncontexts(const struct plic *p);
/* False if `source` is not 1..ndev (or `ctx` not a context). */
bool plic_source_state(const struct plic *p, unsigned source, struct plic_source_info *out);
bool plic_context_state(const struct plic *p, unsigned ctx, struct plic_context_info *out);
/* Context's output line (its EIP), for probes; NULL if no such context. */
struct irq_line *plic_context_line(struct plic *p, unsigned ctx);
/* One observer of the claim/complete handshake (the interrupt trace): told of each claim
 * that returned a source and each completion that was accepted, with the context. */
typedef void (*plic_handshake_fn)(void *opaque, unsigned ctx, unsigned source, bool complete);
void plic_observe(struct plic *p, plic_handshake_fn fn, void *opaque);

#endif
