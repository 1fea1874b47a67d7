/* The PLIC (see plic.h), written from the RISC-V Platform-Level Interrupt Controller
 * Specification 1.0.0 (riscv-plic-spec): interrupt gateways for level-triggered sources,
 * priorities (3 bits implemented, WARL: the unimplemented bits read zero), pending bits,
 * per-context enables and thresholds, and the claim/complete handshake. The context layout
 * of the default constructor is QEMU virt's: context 2k is hart k in M-mode (MEIP), 2k+1
 * hart k in S-mode (SEIP).
 *
 * Gateway rules (spec "Interrupt Gateways"): while a source's line is high and no request
 * of it is in flight, the gateway sets its pending bit; a claim clears the pending bit and
 * puts the request in flight; the completion (the ID written back to claim/complete by a
 * context that has the source enabled) ends it, and a line still high pends again. The
 * gateway cannot retract a request, so a line that falls leaves the pending bit set until
 * it is claimed. Outputs are recomputed from all of this in one place, plic_update().
 *
 * The "signal" gateway (a board's `hartlab,gateway = "signal"`, set on `virt`) is QEMU's
 * (hw/intc/sifive_plic in QEMU 7.2): the pending bit follows what the device signals (a
 * raise, or a new interrupt condition signalled while the line is already high, sets it;
 * a fall clears it), a claim clears it, and a completion does not look at the line again,
 * so a level still high after completion interrupts again only once its device signals.
 * Software written against QEMU (xv6, which never clears the UART's transmitter-empty
 * interrupt) depends on that; the specification's gateway ("level", the default) is kept
 * on every other board.
 */
#include "devices/plic.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/irq.h"
#include "host/log.h"
#include "platform/board.h"
#include "platform/machine.h"

#define WORDS ((PLIC_MAX_SOURCES + 1) / 32) /* 32 words cover IDs 0..1023 */

#define PLIC_PENDING_END  (PLIC_PENDING_BASE + 4 * WORDS)
#define PLIC_ENABLE_END   (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * PLIC_MAX_CONTEXTS)
#define PLIC_PRIORITY_END PLIC_PENDING_BASE

/* Interrupt numbers of the riscv,cpu-intc binding (cells of interrupts-extended). */
#define INTC_S_EXT 9
#define INTC_M_EXT 11

struct plic_context {
    struct hart *hart;
    enum irq_num irq;
    uint32_t enable[WORDS];
    uint32_t threshold;
    struct irq_line eip;
    char name[32];
};

struct plic {
    struct machine *m;
    uint64_t base, size;
    unsigned ndev;
    uint32_t valid[WORDS];   /* bit set for IDs 1..ndev: the bits that exist */
    uint32_t level[WORDS];   /* input lines */
    uint32_t pending[WORDS]; /* IP bits */
    uint32_t claimed[WORDS]; /* requests in flight (claimed, not completed) */
    uint8_t priority[PLIC_MAX_SOURCES + 1];
    int16_t claimed_by[PLIC_MAX_SOURCES + 1];
    enum plic_gateway gateway;
    unsigned ncontexts;
    struct plic_context *ctx;
    plic_handshake_fn observer; /* plic_observe */
    void *observer_opaque;
};

static bool bit(const uint32_t *words, unsigned id)
{
    return (words[id / 32] >> (id % 32)) & 1;
}

static void set_bit(uint32_t *words, unsigned id, bool v)
{
    if (v)
        words[id / 32] |= 1u << (id % 32);
    else
        words[id / 32] &= ~(1u << (id % 32));
}

static void drive_mip(void *opaque, unsigned n, bool level)
{
    hart_set_mip(opaque, (enum irq_num)n, level);
}

/* The ID a claim by context `c` would return: the pending, enabled source of highest
 * priority above the threshold, the lowest ID among equals; 0 if none. Priority 0 is
 * never above a threshold, so such a source never interrupts. */
static unsigned plic_best(const struct plic *p, const struct plic_context *c)
{
    unsigned best = 0, best_prio = c->threshold;
    for (unsigned w = 0; w < WORDS; w++) {
        uint32_t cand = p->pending[w] & c->enable[w] & ~p->claimed[w];
        while (cand) {
            unsigned id = w * 32 + (unsigned)__builtin_ctz(cand);
            cand &= cand - 1;
            if (p->priority[id] > best_prio) {
                best = id;
                best_prio = p->priority[id];
            }
        }
    }
    return best;
}

/* Gateways, then every context's EIP: the one function that derives outputs from state. */
static void plic_update(struct plic *p)
{
    if (p->gateway == PLIC_GATEWAY_LEVEL)
        for (unsigned w = 0; w < WORDS; w++)
            p->pending[w] |= p->level[w] & ~p->claimed[w] & p->valid[w];
    for (unsigned k = 0; k < p->ncontexts; k++)
        irq_set(&p->ctx[k].eip, plic_best(p, &p->ctx[k]) != 0);
}

void plic_set_source_level(void *opaque, unsigned source, bool level)
{
    struct plic *p = opaque;
    if (source == 0 || source > p->ndev)
        return;
    set_bit(p->level, source, level);
    if (p->gateway == PLIC_GATEWAY_SIGNAL)
        set_bit(p->pending, source, level); /* claimed or not: it waits for the completion */
    plic_update(p);
}

void plic_set_gateway(struct plic *p, enum plic_gateway g)
{
    p->gateway = g;
    plic_update(p);
}

bool plic_trigger(struct plic *p, unsigned source)
{
    if (source == 0 || source > p->ndev)
        return false;
    if (!bit(p->claimed, source) || p->gateway == PLIC_GATEWAY_SIGNAL)
        set_bit(p->pending, source, true);
    plic_update(p);
    return true;
}

static uint32_t plic_claim(struct plic *p, unsigned k)
{
    unsigned id = plic_best(p, &p->ctx[k]);
    if (id) {
        set_bit(p->pending, id, false);
        set_bit(p->claimed, id, true);
        p->claimed_by[id] = (int16_t)k;
        if (p->observer) /* before the update, so a trace shows the claim, then its effect */
            p->observer(p->observer_opaque, k, id, false);
        plic_update(p);
    }
    return id;
}

static void plic_complete(struct plic *p, unsigned k, uint32_t id)
{
    /* "If the completion ID does not match an interrupt source that is currently enabled
     * for the target, the completion is silently ignored." */
    if (id == 0 || id > p->ndev || !bit(p->ctx[k].enable, id)) {
        if (id > p->ndev)
            guest_error("plic-complete", "plic: completion of nonexistent source %u ignored",
                        (unsigned)id);
        return;
    }
    set_bit(p->claimed, id, false);
    p->claimed_by[id] = -1;
    if (p->observer)
        p->observer(p->observer_opaque, k, id, true);
    plic_update(p);
}

static uint64_t plic_read(void *opaque, uint64_t offset, unsigned size)
{
    struct plic *p = opaque;
    if (offset < PLIC_PRIORITY_END) {
        unsigned id = offset / 4;
        return id <= p->ndev ? p->priority[id] : 0;
    }
    if (offset < PLIC_PENDING_END)
        return p->pending[(offset - PLIC_PENDING_BASE) / 4];
    if (offset >= PLIC_ENABLE_BASE && offset < PLIC_ENABLE_END) {
        unsigned k = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned w = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
        if (k < p->ncontexts)
            return p->ctx[k].enable[w];
    } else if (offset >= PLIC_CONTEXT_BASE) {
        unsigned k = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (k < p->ncontexts && reg == PLIC_THRESHOLD)
            return p->ctx[k].threshold;
        if (k < p->ncontexts && reg == PLIC_CLAIM_COMPLETE)
            return plic_claim(p, k);
    }
    guest_error("plic-read", "plic: read of reserved offset 0x%llx (%u contexts)",
                (unsigned long long)offset, p->ncontexts);
    return 0;
}

/* Every register but claim/complete reads without effect; the claim's view is the ID a claim
 * would return now (plic_context_state). */
static bool plic_peek(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
    struct plic *p = opaque;
    if (offset < PLIC_PENDING_END) {
        *val = plic_read(p, offset, size);
        return true;
    }
    if (offset >= PLIC_ENABLE_BASE && offset < PLIC_ENABLE_END &&
        (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE < p->ncontexts) {
        *val = plic_read(p, offset, size);
        return true;
    }
    if (offset >= PLIC_CONTEXT_BASE) {
        unsigned k = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        struct plic_context_info ci;
        if (reg == PLIC_THRESHOLD && k < p->ncontexts) {
            *val = p->ctx[k].threshold;
            return true;
        }
        if (reg == PLIC_CLAIM_COMPLETE && plic_context_state(p, k, &ci)) {
            *val = ci.next_claim;
            return true;
        }
    }
    return false;
}

static void plic_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
    struct plic *p = opaque;
    uint32_t v = (uint32_t)val;
    if (offset < PLIC_PRIORITY_END) {
        unsigned id = offset / 4;
        if (id == 0 || id > p->ndev) {
            guest_error("plic-priority", "plic: priority write for nonexistent source %u ignored",
                        id);
            return;
        }
        p->priority[id] = v & PLIC_PRIORITY_MAX;
        plic_update(p);
        return;
    }
    if (offset < PLIC_PENDING_END) {
        guest_error("plic-pending", "plic: write of 0x%08x to the read-only pending bits ignored",
                    (unsigned)v);
        return;
    }
    if (offset >= PLIC_ENABLE_BASE && offset < PLIC_ENABLE_END) {
        unsigned k = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        unsigned w = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;
        if (k < p->ncontexts) {
            p->ctx[k].enable[w] = v & p->valid[w];
            plic_update(p);
            return;
        }
    } else if (offset >= PLIC_CONTEXT_BASE) {
        unsigned k = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        unsigned reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
        if (k < p->ncontexts && reg == PLIC_THRESHOLD) {
            p->ctx[k].threshold = v & PLIC_PRIORITY_MAX;
            plic_update(p);
            return;
        }
        if (k < p->ncontexts && reg == PLIC_CLAIM_COMPLETE) {
            plic_complete(p, k, v);
            return;
        }
    }
    guest_error("plic-write",
                "plic: write of 0x%08x to reserved offset 0x%llx ignored (%u contexts)",
                (unsigned)v, (unsigned long long)offset, p->ncontexts);
}

static const struct device_ops plic_ops = {
    .min_size = 4,
    .max_size = 4,
    .unaligned_ok = false,
    .read = plic_read,
    .write = plic_write,
    .peek = plic_peek,
};

static void plic_free(void *opaque)
{
    struct plic *p = opaque;
    if (p->m->irq_input_opaque == p)
        machine_set_irq_controller(p->m, NULL, NULL, 0);
    free(p->ctx);
    free(p);
}

struct plic *plic_new_contexts(struct machine *m, uint64_t base, uint64_t size, unsigned ndev,
                               const struct plic_context_desc *contexts, unsigned ncontexts)
{
    if (ndev == 0 || ndev > PLIC_MAX_SOURCES || ncontexts > PLIC_MAX_CONTEXTS ||
        size < PLIC_CONTEXT_BASE + (uint64_t)PLIC_CONTEXT_STRIDE * ncontexts)
        return NULL;
    struct plic *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ctx = calloc(ncontexts ? ncontexts : 1, sizeof *p->ctx);
    if (!p->ctx) {
        free(p);
        return NULL;
    }
    p->m = m;
    p->base = base;
    p->size = size;
    p->ndev = ndev;
    p->ncontexts = ncontexts;
    for (unsigned id = 1; id <= ndev; id++)
        set_bit(p->valid, id, true);
    for (unsigned id = 0; id <= PLIC_MAX_SOURCES; id++)
        p->claimed_by[id] = -1;
    for (unsigned k = 0; k < ncontexts; k++) {
        struct plic_context *c = &p->ctx[k];
        c->hart = contexts[k].hart;
        c->irq = contexts[k].irq;
        snprintf(c->name, sizeof c->name, "plic.ctx%u", k);
        c->eip.name = c->name;
        if (c->hart)
            irq_connect(&c->eip, drive_mip, c->hart, c->irq);
    }
    if (!bus_add_device(&m->bus, "plic", base, size, &plic_ops, p)) {
        free(p->ctx);
        free(p);
        return NULL;
    }
    machine_on_free(m, plic_free, p);
    machine_add_state(m, p, sizeof *p); /* snapshots (platform/history.h) */
    machine_add_state(m, p->ctx, (ncontexts ? ncontexts : 1) * sizeof *p->ctx);
    machine_set_irq_controller(m, plic_set_source_level, p, ndev);
    m->plic = m->plic ? m->plic : p; /* the first one, for the debugger's `monitor irq` */
    return p;
}

/* QEMU virt's contexts: 2k is hart k in M-mode, 2k+1 hart k in S-mode. */
static unsigned virt_contexts(struct machine *m, struct plic_context_desc *ctx)
{
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        ctx[2 * k] = (struct plic_context_desc){ machine_hart(m, k), IRQ_M_EXT };
        ctx[2 * k + 1] = (struct plic_context_desc){ machine_hart(m, k), IRQ_S_EXT };
    }
    return 2 * machine_nharts(m);
}

struct plic *plic_new(struct machine *m, uint64_t base, unsigned ndev)
{
    struct plic_context_desc ctx[2 * MACHINE_MAX_HARTS];
    unsigned n = virt_contexts(m, ctx);
    return plic_new_contexts(m, base, PLIC_SIZE_VIRT, ndev, ctx, n);
}

bool plic_create(struct machine *m, const void *fdt, int node, uint64_t base, uint64_t size,
                 char *err, size_t errlen)
{
    int len = 0;
    const fdt32_t *ndevp = fdt_getprop(fdt, node, "riscv,ndev", &len);
    if (!ndevp || len != 4) {
        snprintf(err, errlen, "plic at 0x%llx: missing riscv,ndev property (number of sources)",
                 (unsigned long long)base);
        return false;
    }
    unsigned ndev = fdt32_to_cpu(*ndevp);
    if (ndev == 0 || ndev > PLIC_MAX_SOURCES) {
        snprintf(err, errlen, "plic at 0x%llx: riscv,ndev = %u, must be 1 to %u",
                 (unsigned long long)base, ndev, PLIC_MAX_SOURCES);
        return false;
    }
    enum plic_gateway gateway = PLIC_GATEWAY_LEVEL;
    const char *gw = fdt_getprop(fdt, node, "hartlab,gateway", &len);
    if (gw) {
        if (len == sizeof "level" && memcmp(gw, "level", len) == 0) {
            gateway = PLIC_GATEWAY_LEVEL;
        } else if (len == sizeof "signal" && memcmp(gw, "signal", len) == 0) {
            gateway = PLIC_GATEWAY_SIGNAL;
        } else {
            snprintf(err, errlen,
                     "plic at 0x%llx: hartlab,gateway must be \"level\" (the PLIC "
                     "specification's) or \"signal\" (QEMU's)",
                     (unsigned long long)base);
            return false;
        }
    }
    /* Each <intc-phandle irq> pair of interrupts-extended is one context, in order; irq 11
     * is the hart's M-mode external interrupt, 9 its S-mode one, and anything else (-1 in
     * some SiFive trees) a context that is not connected. */
    const fdt32_t *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
    struct plic *p;
    unsigned n = ie ? (unsigned)len / 8 : 0;
    if (n == 0) {
        struct plic_context_desc ctx[2 * MACHINE_MAX_HARTS];
        n = virt_contexts(m, ctx); /* no list: QEMU virt's layout */
        p = plic_new_contexts(m, base, size, ndev, ctx, n);
    } else {
        struct plic_context_desc *ctx = calloc(n, sizeof *ctx);
        if (!ctx) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        for (unsigned k = 0; k < n; k++) {
            uint32_t irq = fdt32_to_cpu(ie[2 * k + 1]);
            ctx[k].irq = irq == INTC_S_EXT ? IRQ_S_EXT : IRQ_M_EXT;
            ctx[k].hart = irq == INTC_M_EXT || irq == INTC_S_EXT
                              ? board_intc_hart(m, fdt, fdt32_to_cpu(ie[2 * k]))
                              : NULL;
        }
        p = plic_new_contexts(m, base, size, ndev, ctx, n);
        free(ctx);
    }
    if (!p) {
        snprintf(err, errlen,
                 "plic at 0x%llx: address range in use, or size 0x%llx too small for %u "
                 "contexts",
                 (unsigned long long)base, (unsigned long long)size, n);
        return false;
    }
    plic_set_gateway(p, gateway);
    return true;
}

unsigned plic_nsources(const struct plic *p)
{
    return p->ndev;
}

unsigned plic_ncontexts(const struct plic *p)
{
    return p->ncontexts;
}

bool plic_source_state(const struct plic *p, unsigned source, struct plic_source_info *out)
{
    if (source == 0 || source > p->ndev)
        return false;
    memset(out, 0, sizeof *out);
    out->priority = p->priority[source];
    out->level = bit(p->level, source);
    out->pending = bit(p->pending, source);
    out->claimed = bit(p->claimed, source);
    out->claimed_by = p->claimed_by[source];
    for (unsigned k = 0; k < p->ncontexts && k < 64; k++)
        if (bit(p->ctx[k].enable, source))
            out->enabled |= 1ull << k;
    return true;
}

bool plic_context_state(const struct plic *p, unsigned ctx, struct plic_context_info *out)
{
    if (ctx >= p->ncontexts)
        return false;
    const struct plic_context *c = &p->ctx[ctx];
    out->hart = c->hart;
    out->irq = c->irq;
    out->threshold = c->threshold;
    out->eip = c->eip.level;
    out->next_claim = plic_best(p, c);
    return true;
}

struct irq_line *plic_context_line(struct plic *p, unsigned ctx)
{
    return ctx < p->ncontexts ? &p->ctx[ctx].eip : NULL;
}

void plic_observe(struct plic *p, plic_handshake_fn fn, void *opaque)
{
    p->observer = fn;
    p->observer_opaque = opaque;
}
