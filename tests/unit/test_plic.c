/* Unit tests of the PLIC (devices/plic.c) in QEMU qtest style: drive source lines as a
 * device would (through machine_connect_irq), poke registers through the bus, and check
 * MEIP/SEIP in the harts' mip.
 *
 * Sources: RISC-V Platform-Level Interrupt Controller Specification 1.0.0: "Interrupt
 * Gateways" (one request in flight per source; a level source re-requests after completion
 * while still asserted), "Interrupt Priorities" (0 = never interrupt; ties go to the lowest
 * ID), "Interrupt Pending Bits", "Interrupt Enables", "Priority Thresholds" (masks
 * priorities <= threshold), "Interrupt Claim Process" (0 when nothing is pending, clears the
 * pending bit) and "Interrupt Completion" (ignored for a source not enabled for the target),
 * and its memory map; contexts as QEMU virt lays them out (2k = hart k M, 2k+1 = hart k S). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <libfdt.h>

#include "core/hart_internal.h" /* the tests set and read hart fields directly */
#include "devices/irq.h"
#include "platform/machine.h"
#include "devices/plic.h"

#define BASE 0xc000000ull
#define NDEV 40 /* more than one word of pending/enable bits */

#define PRIORITY(s)  (BASE + PLIC_PRIORITY_BASE + 4 * (s))
#define PENDING(w)   (BASE + PLIC_PENDING_BASE + 4 * (w))
#define ENABLE(c, w) (BASE + PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (c) + 4 * (w))
#define THRESHOLD(c) (BASE + PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c) + PLIC_THRESHOLD)
#define CLAIM(c)     (BASE + PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c) + PLIC_CLAIM_COMPLETE)

/* Context numbers on QEMU virt. */
#define CTX_M(k) (2 * (k))
#define CTX_S(k) (2 * (k) + 1)

struct fixture {
    struct machine *m;
    struct plic *p;
    struct irq_line line[NDEV + 1]; /* device outputs, wired to sources 1..NDEV */
};

static struct fixture *setup(unsigned nharts)
{
    static struct fixture f;
    struct machine_options o;
    char err[200];
    memset(&f, 0, sizeof f);
    machine_options_default(&o);
    o.nharts = nharts;
    f.m = machine_new(&o, err, sizeof err);
    assert_non_null(f.m);
    f.p = plic_new(f.m, BASE, NDEV);
    assert_non_null(f.p);
    assert_int_equal(plic_ncontexts(f.p), 2 * nharts);
    assert_int_equal(plic_nsources(f.p), NDEV);
    for (unsigned s = 1; s <= NDEV; s++)
        assert_true(machine_connect_irq(f.m, &f.line[s], s));
    assert_false(machine_connect_irq(f.m, &f.line[0], NDEV + 1));
    assert_false(machine_connect_irq(f.m, &f.line[0], 0));
    return &f;
}

static void teardown(struct fixture *f)
{
    machine_free(f->m);
}

static uint32_t rd(struct fixture *f, uint64_t addr)
{
    uint64_t v = 0xdeadbeef;
    assert_int_equal(bus_load(&f->m->bus, addr, 4, &v), BUS_OK);
    return (uint32_t)v;
}

static void wr(struct fixture *f, uint64_t addr, uint32_t val)
{
    assert_int_equal(bus_store(&f->m->bus, addr, 4, val), BUS_OK);
}

static void enable(struct fixture *f, unsigned ctx, unsigned src)
{
    wr(f, ENABLE(ctx, src / 32), rd(f, ENABLE(ctx, src / 32)) | 1u << (src % 32));
}

static bool meip(struct fixture *f, unsigned k)
{
    return machine_hart(f->m, k)->mip & MIP_MEIP;
}

static bool seip(struct fixture *f, unsigned k)
{
    return machine_hart(f->m, k)->mip & MIP_SEIP;
}

static bool pending(struct fixture *f, unsigned src)
{
    return (rd(f, PENDING(src / 32)) >> (src % 32)) & 1;
}

static void test_reset_state(void **state)
{
    struct fixture *f = setup(1);
    for (unsigned s = 1; s <= NDEV; s++)
        assert_int_equal(rd(f, PRIORITY(s)), 0);
    assert_int_equal(rd(f, PENDING(0)), 0);
    assert_int_equal(rd(f, ENABLE(CTX_M(0), 0)), 0);
    assert_int_equal(rd(f, THRESHOLD(CTX_M(0))), 0);
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 0);
    assert_false(meip(f, 0));
    assert_false(seip(f, 0));
    teardown(f);
}

static void test_priority_is_warl_3_bits(void **state)
{
    struct fixture *f = setup(1);
    wr(f, PRIORITY(5), 0xffffffff);
    assert_int_equal(rd(f, PRIORITY(5)), PLIC_PRIORITY_MAX);
    assert_int_equal(PLIC_PRIORITY_MAX, 7);
    wr(f, PRIORITY(5), 3);
    assert_int_equal(rd(f, PRIORITY(5)), 3);
    wr(f, THRESHOLD(CTX_M(0)), 0xffffffff);
    assert_int_equal(rd(f, THRESHOLD(CTX_M(0))), 7);
    /* Source 0 does not exist: its priority reads zero. */
    wr(f, PRIORITY(0), 7);
    assert_int_equal(rd(f, PRIORITY(0)), 0);
    teardown(f);
}

static void test_pending_follows_gateway(void **state)
{
    struct fixture *f = setup(1);
    irq_set(&f->line[33], true);
    assert_true(pending(f, 33));
    assert_int_equal(rd(f, PENDING(1)), 1u << 1);
    assert_int_equal(rd(f, PENDING(0)), 0);
    /* Not enabled and priority 0: nothing reaches the hart. */
    assert_false(meip(f, 0));
    /* The gateway cannot retract a request: the bit stays until it is claimed. */
    irq_set(&f->line[33], false);
    assert_true(pending(f, 33));
    teardown(f);
}

static void test_priority_threshold(void **state)
{
    struct fixture *f = setup(1);
    enable(f, CTX_M(0), 3);
    wr(f, PRIORITY(3), 2);
    irq_set(&f->line[3], true);
    assert_true(meip(f, 0));
    /* Masked when priority <= threshold. */
    wr(f, THRESHOLD(CTX_M(0)), 2);
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 0);
    assert_true(pending(f, 3)); /* a claim that returned 0 claimed nothing */
    wr(f, THRESHOLD(CTX_M(0)), 1);
    assert_true(meip(f, 0));
    wr(f, PRIORITY(3), 1);
    assert_false(meip(f, 0));
    wr(f, THRESHOLD(CTX_M(0)), 0);
    assert_true(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 3);
    teardown(f);
}

static void test_priority_zero_never_interrupts(void **state)
{
    struct fixture *f = setup(1);
    enable(f, CTX_M(0), 7);
    irq_set(&f->line[7], true);
    wr(f, THRESHOLD(CTX_M(0)), 0);
    assert_true(pending(f, 7));
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 0);
    assert_true(pending(f, 7));
    teardown(f);
}

static void test_claim_order(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    unsigned srcs[] = { 4, 9, 12, 35 };
    unsigned prio[] = { 1, 5, 5, 6 };
    for (unsigned i = 0; i < 4; i++) {
        enable(f, ctx, srcs[i]);
        wr(f, PRIORITY(srcs[i]), prio[i]);
        irq_set(&f->line[srcs[i]], true);
    }
    /* Highest priority first; on a tie, the lowest ID. */
    assert_int_equal(rd(f, CLAIM(ctx)), 35);
    assert_false(pending(f, 35));
    assert_int_equal(rd(f, CLAIM(ctx)), 9);
    assert_int_equal(rd(f, CLAIM(ctx)), 12);
    assert_true(meip(f, 0)); /* source 4 still pending */
    assert_int_equal(rd(f, CLAIM(ctx)), 4);
    /* All claimed: EIP falls and a claim returns 0. */
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 0);
    teardown(f);
}

/* The debugger's view of claim/complete (bus_peek): the ID a claim would return now, and
 * nothing claimed. */
static void test_peek_claim_claims_nothing(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    enable(f, ctx, 9);
    wr(f, PRIORITY(9), 2);
    irq_set(&f->line[9], true);
    uint64_t v = 0;
    for (unsigned k = 0; k < 3; k++) {
        assert_true(bus_peek(&f->m->bus, CLAIM(ctx), 4, &v));
        assert_int_equal(v, 9);
        assert_true(pending(f, 9));
        assert_true(meip(f, 0));
    }
    assert_true(bus_peek(&f->m->bus, PRIORITY(9), 4, &v));
    assert_int_equal(v, 2);
    assert_int_equal(rd(f, CLAIM(ctx)), 9); /* a real read claims */
    assert_true(bus_peek(&f->m->bus, CLAIM(ctx), 4, &v));
    assert_int_equal(v, 0);
    teardown(f);
}

static void test_claimed_source_waits_for_completion(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    enable(f, ctx, 10);
    wr(f, PRIORITY(10), 1);
    irq_set(&f->line[10], true);
    assert_int_equal(rd(f, CLAIM(ctx)), 10);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    /* The line toggles while the request is in flight: no new request. */
    irq_set(&f->line[10], false);
    irq_set(&f->line[10], true);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    struct plic_source_info si;
    assert_true(plic_source_state(f->p, 10, &si));
    assert_true(si.claimed);
    assert_int_equal(si.claimed_by, (int)ctx);
    assert_true(si.level);
    /* Completion while the line is still high: pending again at once. */
    wr(f, CLAIM(ctx), 10);
    assert_true(pending(f, 10));
    assert_true(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 10);
    /* Completion after the line fell: nothing more. */
    irq_set(&f->line[10], false);
    wr(f, CLAIM(ctx), 10);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    assert_true(plic_source_state(f->p, 10, &si));
    assert_false(si.claimed);
    assert_int_equal(si.claimed_by, -1);
    teardown(f);
}

/* The "signal" gateway (QEMU's, virt's `hartlab,gateway = "signal"`): a completion does not
 * re-pend a line that is still high; a device signalling again (irq_signal) does, also
 * while the request is in flight; a fall withdraws a pending request. */
static void test_signal_gateway(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    plic_set_gateway(f->p, PLIC_GATEWAY_SIGNAL);
    enable(f, ctx, 10);
    wr(f, PRIORITY(10), 1);
    irq_set(&f->line[10], true);
    assert_true(pending(f, 10));
    assert_true(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 10);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    /* Completed with the line still high: no new request (the level gateway makes one). */
    wr(f, CLAIM(ctx), 10);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 0);
    /* The device signals a new condition while its line stays high: a new request. */
    irq_signal(&f->line[10], true);
    assert_true(pending(f, 10));
    assert_true(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 10);
    /* Signalled again while that request is in flight: pending, masked until completion. */
    irq_signal(&f->line[10], true);
    assert_true(pending(f, 10));
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 0);
    wr(f, CLAIM(ctx), 10);
    assert_true(meip(f, 0));
    /* The line falls before the claim: the request is withdrawn. */
    irq_set(&f->line[10], false);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(ctx)), 0);
    teardown(f);
}

/* The level gateway hears a repeated high signal as nothing new. */
static void test_level_gateway_ignores_signals(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    enable(f, ctx, 10);
    wr(f, PRIORITY(10), 1);
    irq_set(&f->line[10], true);
    assert_int_equal(rd(f, CLAIM(ctx)), 10);
    irq_signal(&f->line[10], true);
    assert_false(pending(f, 10));
    assert_false(meip(f, 0));
    wr(f, CLAIM(ctx), 10);
    assert_true(pending(f, 10)); /* still high at completion */
    teardown(f);
}

static void test_completion_needs_enable(void **state)
{
    struct fixture *f = setup(1);
    unsigned ctx = CTX_M(0);
    enable(f, ctx, 6);
    wr(f, PRIORITY(6), 4);
    irq_set(&f->line[6], true);
    assert_int_equal(rd(f, CLAIM(ctx)), 6);
    /* The completion of a source the context has not enabled is ignored. */
    wr(f, ENABLE(ctx, 0), 0);
    wr(f, CLAIM(ctx), 6);
    struct plic_source_info si;
    assert_true(plic_source_state(f->p, 6, &si));
    assert_true(si.claimed);
    assert_false(pending(f, 6));
    /* Completing from the S context, which does not enable it either, is ignored too. */
    wr(f, CLAIM(CTX_S(0)), 6);
    assert_true(plic_source_state(f->p, 6, &si));
    assert_true(si.claimed);
    enable(f, ctx, 6);
    wr(f, CLAIM(ctx), 6);
    assert_true(pending(f, 6));
    assert_true(meip(f, 0));
    teardown(f);
}

static void test_disabled_sources_do_not_interrupt(void **state)
{
    struct fixture *f = setup(1);
    wr(f, PRIORITY(2), 7);
    irq_set(&f->line[2], true);
    assert_false(meip(f, 0));
    assert_false(seip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 0);
    enable(f, CTX_M(0), 2);
    assert_true(meip(f, 0));
    /* Disabling again lowers EIP without touching the pending bit. */
    wr(f, ENABLE(CTX_M(0), 0), 0);
    assert_false(meip(f, 0));
    assert_true(pending(f, 2));
    teardown(f);
}

static void test_m_and_s_contexts(void **state)
{
    struct fixture *f = setup(2);
    wr(f, PRIORITY(1), 1);
    wr(f, PRIORITY(2), 1);
    enable(f, CTX_M(0), 1);
    enable(f, CTX_S(0), 2);
    enable(f, CTX_S(1), 1);
    irq_set(&f->line[2], true);
    assert_false(meip(f, 0));
    assert_true(seip(f, 0));
    assert_false(meip(f, 1));
    assert_false(seip(f, 1));
    irq_set(&f->line[1], true);
    assert_true(meip(f, 0));
    assert_true(seip(f, 1));
    assert_false(meip(f, 1));
    /* Thresholds are per context. */
    wr(f, THRESHOLD(CTX_M(0)), 1);
    assert_false(meip(f, 0));
    assert_true(seip(f, 1));
    wr(f, THRESHOLD(CTX_M(0)), 0);
    /* A claim by one context takes the source away from every context. */
    assert_int_equal(rd(f, CLAIM(CTX_S(1))), 1);
    assert_false(meip(f, 0));
    assert_false(seip(f, 1));
    assert_true(seip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 0);
    struct plic_context_info ci;
    assert_true(plic_context_state(f->p, CTX_S(0), &ci));
    assert_ptr_equal(ci.hart, machine_hart(f->m, 0));
    assert_int_equal(ci.irq, IRQ_S_EXT);
    assert_true(ci.eip);
    assert_int_equal(ci.next_claim, 2);
    assert_false(plic_context_state(f->p, 4, &ci));
    struct plic_source_info si;
    assert_true(plic_source_state(f->p, 1, &si));
    assert_int_equal(si.enabled, (1u << CTX_M(0)) | (1u << CTX_S(1)));
    assert_false(plic_source_state(f->p, 0, &si));
    assert_false(plic_source_state(f->p, NDEV + 1, &si));
    teardown(f);
}

static void test_guest_garbage(void **state)
{
    struct fixture *f = setup(1);
    wr(f, PRIORITY(1), 1);
    enable(f, CTX_M(0), 1);
    irq_set(&f->line[1], true);
    /* The pending bits are read-only. */
    wr(f, PENDING(0), 0);
    assert_true(pending(f, 1));
    wr(f, PENDING(1), 0xffffffff);
    assert_int_equal(rd(f, PENDING(1)), 0);
    /* Enable bits of source 0 and of sources past ndev are hardwired to zero. */
    wr(f, ENABLE(CTX_M(0), 0), 0xffffffff);
    assert_int_equal(rd(f, ENABLE(CTX_M(0), 0)), 0xfffffffe);
    wr(f, ENABLE(CTX_M(0), 1), 0xffffffff);
    assert_int_equal(rd(f, ENABLE(CTX_M(0), 1)), (1u << (NDEV - 31)) - 1);
    wr(f, ENABLE(CTX_M(0), 5), 0xffffffff);
    assert_int_equal(rd(f, ENABLE(CTX_M(0), 5)), 0);
    /* Contexts that do not exist, reserved words, nonexistent completions. */
    wr(f, ENABLE(7, 0), 0xffffffff);
    assert_int_equal(rd(f, ENABLE(7, 0)), 0);
    wr(f, THRESHOLD(9), 1);
    assert_int_equal(rd(f, THRESHOLD(9)), 0);
    assert_int_equal(rd(f, CLAIM(9)), 0);
    wr(f, BASE + 0x1080, 0xffffffff);
    wr(f, BASE + PLIC_CONTEXT_BASE + 8, 0xffffffff);
    assert_int_equal(rd(f, BASE + PLIC_CONTEXT_BASE + 8), 0);
    wr(f, BASE + 0x1ffffc, 0xffffffff);
    wr(f, PRIORITY(NDEV + 1), 7);
    assert_int_equal(rd(f, PRIORITY(NDEV + 1)), 0);
    wr(f, CLAIM(CTX_M(0)), 0);
    wr(f, CLAIM(CTX_M(0)), 1000);
    wr(f, CLAIM(CTX_M(0)), 0xffffffff);
    /* Wrong sizes never reach the PLIC. */
    bus_store(&f->m->bus, PRIORITY(1), 1, 0);
    bus_store(&f->m->bus, PRIORITY(1), 8, 0);
    assert_int_equal(rd(f, PRIORITY(1)), 1);
    /* The state the guest did set is intact. */
    assert_true(meip(f, 0));
    assert_int_equal(rd(f, CLAIM(CTX_M(0))), 1);
    teardown(f);
}

/* interrupts-extended from a tree like a SiFive FU540's: hart 0 has only an M context, and
 * a -1 cell marks a context that is not connected. */
static void test_create_from_tree(void **state)
{
    struct machine_options o;
    char err[200];
    machine_options_default(&o);
    o.nharts = 2;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    static char buf[4096];
    assert_int_equal(fdt_create(buf, sizeof buf), 0);
    fdt_finish_reservemap(buf);
    fdt_begin_node(buf, "");
    fdt_begin_node(buf, "cpus");
    for (unsigned k = 0; k < 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "cpu@%u", k);
        fdt_begin_node(buf, name);
        fdt_property_u32(buf, "reg", k);
        fdt_begin_node(buf, "interrupt-controller");
        fdt_property_u32(buf, "phandle", 10 + k);
        fdt_end_node(buf);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    fdt_begin_node(buf, "plic@c000000");
    fdt_property_u32(buf, "riscv,ndev", 53);
    fdt32_t ie[] = {
        cpu_to_fdt32(10), cpu_to_fdt32(11), cpu_to_fdt32(11), cpu_to_fdt32(11),
        cpu_to_fdt32(11), cpu_to_fdt32(9),  cpu_to_fdt32(10), cpu_to_fdt32(0xffffffff)
    };
    fdt_property(buf, "interrupts-extended", ie, sizeof ie);
    fdt_end_node(buf);
    fdt_end_node(buf);
    assert_int_equal(fdt_finish(buf), 0);
    int node = fdt_path_offset(buf, "/plic@c000000");
    assert_true(node >= 0);
    /* The window must hold the threshold/claim blocks of all 4 contexts. */
    assert_false(plic_create(m, buf, node, BASE, PLIC_CONTEXT_BASE + 3 * PLIC_CONTEXT_STRIDE, err,
                             sizeof err));
    assert_null(m->irq_input);
    assert_true(plic_create(m, buf, node, BASE, PLIC_CONTEXT_BASE + 4 * PLIC_CONTEXT_STRIDE, err,
                            sizeof err));
    assert_int_equal(m->irq_sources, 53);
    struct plic *p = m->irq_input_opaque;
    assert_int_equal(plic_ncontexts(p), 4);
    struct plic_context_info ci;
    assert_true(plic_context_state(p, 0, &ci));
    assert_ptr_equal(ci.hart, machine_hart(m, 0));
    assert_int_equal(ci.irq, IRQ_M_EXT);
    assert_true(plic_context_state(p, 2, &ci));
    assert_ptr_equal(ci.hart, machine_hart(m, 1));
    assert_int_equal(ci.irq, IRQ_S_EXT);
    assert_true(plic_context_state(p, 3, &ci));
    assert_null(ci.hart);
    /* Source 53 to context 2 (hart 1, S-mode). */
    struct irq_line line = { 0 };
    assert_true(machine_connect_irq(m, &line, 53));
    bus_store(&m->bus, PRIORITY(53), 4, 1);
    bus_store(&m->bus, ENABLE(2, 1), 4, 1u << (53 - 32));
    bus_store(&m->bus, ENABLE(3, 1), 4, 1u << (53 - 32)); /* drives nothing, must not crash */
    irq_set(&line, true);
    assert_true(machine_hart(m, 1)->mip & MIP_SEIP);
    assert_false(machine_hart(m, 1)->mip & MIP_MEIP);
    assert_false(machine_hart(m, 0)->mip & (MIP_MEIP | MIP_SEIP));
    machine_free(m);
}

/* hartlab,gateway in the PLIC node: "level" (the default), "signal", anything else an error
 * that names the property. */
static void test_gateway_property(void **state)
{
    const char *values[] = { "level", "signal", "edge", NULL };
    for (unsigned v = 0; v <= 3; v++) {
        struct machine_options o;
        char err[200] = "";
        machine_options_default(&o);
        struct machine *m = machine_new(&o, err, sizeof err);
        assert_non_null(m);
        static char buf[1024];
        assert_int_equal(fdt_create(buf, sizeof buf), 0);
        fdt_finish_reservemap(buf);
        fdt_begin_node(buf, "");
        fdt_begin_node(buf, "plic@c000000");
        fdt_property_u32(buf, "riscv,ndev", 12);
        if (values[v])
            fdt_property_string(buf, "hartlab,gateway", values[v]);
        fdt_end_node(buf);
        fdt_end_node(buf);
        assert_int_equal(fdt_finish(buf), 0);
        int node = fdt_path_offset(buf, "/plic@c000000");
        bool ok = plic_create(m, buf, node, BASE, PLIC_SIZE_VIRT, err, sizeof err);
        if (v == 2) {
            assert_false(ok);
            assert_non_null(strstr(err, "hartlab,gateway must be \"level\""));
            machine_free(m);
            continue;
        }
        assert_true(ok);
        struct irq_line line = { 0 };
        assert_true(machine_connect_irq(m, &line, 10));
        bus_store(&m->bus, PRIORITY(10), 4, 1);
        bus_store(&m->bus, ENABLE(0, 0), 4, 1u << 10);
        irq_set(&line, true);
        uint64_t id = 0;
        bus_load(&m->bus, CLAIM(0), 4, &id);
        assert_int_equal(id, 10);
        bus_store(&m->bus, CLAIM(0), 4, 10);
        /* Still high after completion: pending again only with the level gateway. */
        bool again = machine_hart(m, 0)->mip & MIP_MEIP;
        assert_int_equal(again, v != 1);
        machine_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_state),
        cmocka_unit_test(test_priority_is_warl_3_bits),
        cmocka_unit_test(test_pending_follows_gateway),
        cmocka_unit_test(test_priority_threshold),
        cmocka_unit_test(test_priority_zero_never_interrupts),
        cmocka_unit_test(test_claim_order),
        cmocka_unit_test(test_peek_claim_claims_nothing),
        cmocka_unit_test(test_claimed_source_waits_for_completion),
        cmocka_unit_test(test_signal_gateway),
        cmocka_unit_test(test_level_gateway_ignores_signals),
        cmocka_unit_test(test_completion_needs_enable),
        cmocka_unit_test(test_disabled_sources_do_not_interrupt),
        cmocka_unit_test(test_m_and_s_contexts),
        cmocka_unit_test(test_guest_garbage),
        cmocka_unit_test(test_create_from_tree),
        cmocka_unit_test(test_gateway_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
