/* Unit tests of the hart's outside API (core/hart.h) and the cluster (core/cluster.h): what
 * devices, the debugger and the views may do to a hart without seeing its insides. Boot
 * (a0/a1), register access with XLEN truncation and the x0 rule (Unprivileged ISA 2.1),
 * moving the pc out of wfi, events with several listeners, the retire limit, idling,
 * checkpoints that restore a hart so that it runs on exactly as it did, and core timings
 * (core/cost.h).
 *
 * The harts sit on the fake bus of testhart.h; every check below goes through hart.h calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "devices/irq.h"
#include "testhart.h"

#define DATA (TH_RAM_BASE + 0x2000)

static void test_boot_sets_a0_a1(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        hart_set_reg(h, 5, 77);
        hart_boot(h, TH_RAM_BASE + 0x100, 3, 0x1234567887654321ull);
        assert_int_equal(hart_pc(h), TH_RAM_BASE + 0x100);
        assert_int_equal(hart_priv(h), PRIV_M);
        assert_int_equal(hart_reg(h, 10), 3);
        assert_int_equal(hart_reg(h, 11), xlen == 32 ? 0x87654321ull : 0x1234567887654321ull);
        assert_int_equal(hart_reg(h, 5), 0); /* the rest is reset */
        assert_false(hart_waiting(h));
        th_free(t);
    }
}

static void test_registers(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        assert_int_equal(hart_xlen(h), xlen);
        hart_set_reg(h, 0, 5);
        assert_int_equal(hart_reg(h, 0), 0);
        hart_set_reg(h, 31, ~0ull);
        assert_int_equal(hart_reg(h, 31), xlen_mask(xlen));
        hart_set_freg(h, 3, 0x4000000000000000ull);
        assert_int_equal(hart_freg(h, 3), 0x4000000000000000ull);
        /* The bodies see what the API wrote: addi x1, x31, 1 wraps at XLEN. */
        assert_true(th_exec(t, ADDI(1, 31, 1)));
        assert_int_equal(hart_reg(h, 1), 0);
        th_free(t);
    }
}

static void test_set_pc_ends_wfi(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    assert_true(th_exec(t, WFI));
    assert_true(hart_waiting(h));
    assert_int_equal(hart_run(h, hart_cycles(h) + 100), HART_STOP_WFI);
    hart_set_pc(h, TH_RAM_BASE + 0x40);
    assert_false(hart_waiting(h));
    assert_int_equal(hart_pc(h), TH_RAM_BASE + 0x40);
    th_free(t);
}

struct seen {
    unsigned traps, returns, steps;
    uint64_t last_cause;
    unsigned order[4], norder;
};

static void on_trap_a(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct seen *s = ctx;
    s->traps++;
    s->last_cause = cause;
    if (s->norder < 4)
        s->order[s->norder++] = 1;
}

static void on_trap_b(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct seen *s = ctx;
    if (s->norder < 4)
        s->order[s->norder++] = 2;
}

static void on_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    ((struct seen *)ctx)->returns++;
}

static void on_step(void *ctx, struct hart *h, const struct insn *ins)
{
    ((struct seen *)ctx)->steps++;
}

/* Any number of listeners, called in the order they subscribed; unsubscribing one leaves
 * the others. */
static void test_trap_listeners(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    struct seen s = { 0 };
    assert_true(hart_listen_trap(h, on_trap_a, &s));
    assert_true(hart_listen_trap(h, on_trap_b, &s));
    assert_true(hart_listen_trap_return(h, on_return, &s));
    TH_PROG(t, TH_TRAP_VEC, MRET);
    assert_false(th_exec(t, ECALL));
    assert_int_equal(s.traps, 1);
    assert_int_equal(s.last_cause, EXC_ECALL_M);
    assert_int_equal(s.norder, 2);
    assert_int_equal(s.order[0], 1);
    assert_int_equal(s.order[1], 2);
    hart_step(h); /* the mret */
    assert_int_equal(s.returns, 1);
    hart_unlisten_trap(h, on_trap_a, &s);
    hart_set_pc(h, TH_RAM_BASE);
    assert_false(th_exec(t, ECALL));
    assert_int_equal(s.traps, 1); /* a is gone */
    assert_int_equal(s.norder, 3);
    assert_int_equal(s.order[2], 2); /* b is still there */
    th_free(t);
}

static void test_listener_limit(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct seen s[LISTENERS_MAX + 1];
    for (unsigned k = 0; k < LISTENERS_MAX; k++)
        assert_true(hart_listen_trap(t->h, on_trap_a, &s[k]));
    assert_false(hart_listen_trap(t->h, on_trap_a, &s[LISTENERS_MAX]));
    th_free(t);
}

/* A step listener sees every instruction hart_run executes, and only while it listens. */
static void test_step_listener(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    /* 10 x addi, then spin. */
    for (unsigned k = 0; k < 10; k++)
        th_put32(t, TH_RAM_BASE + 4 * k, ADDI(5, 5, 1));
    th_put32(t, TH_RAM_BASE + 40, JSELF);
    struct seen s = { 0 };
    assert_true(hart_listen_step(h, on_step, &s));
    hart_set_retire_limit(h, 10);
    hart_run(h, UINT64_MAX);
    assert_int_equal(hart_retired(h), 10);
    assert_int_equal(s.steps, 10);
    assert_int_equal(hart_reg(h, 5), 10);
    hart_unlisten_step(h, on_step, &s);
    hart_set_retire_limit(h, 20);
    hart_run(h, UINT64_MAX);
    assert_int_equal(hart_retired(h), 20);
    assert_int_equal(s.steps, 10);
    th_free(t);
}

static void test_idle_until(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    hart_idle_until(t->h, 500);
    assert_int_equal(hart_cycles(h), 500);
    hart_idle_until(t->h, 100); /* never backwards */
    assert_int_equal(hart_cycles(h), 500);
    assert_int_equal(*hart_cycle_counter(h), 500);
    th_free(t);
}

/* A loop that changes registers, memory and a CSR (x6 = DATA). */
static void put_counting_loop(struct testhart *t, unsigned xlen)
{
    hart_set_reg(t->h, 6, DATA);
    TH_PROG(t, TH_RAM_BASE, ADDI(5, 5, 3),      /* loop: x5 += 3 */
            STORE(xlen == 32 ? 4 : 8, 5, 6, 0), /* sw/sd x5, 0(x6) */
            CSRRW(7, CSR_MSCRATCH, 5),          /* mscratch <-> x7 */
            JAL(0, -12));                       /* back to loop */
}

/* Save, run on, restore: the hart then runs exactly as it did after the save. */
static void test_state_restore(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        put_counting_loop(t, xlen);
        hart_set_retire_limit(h, 25);
        hart_run(h, UINT64_MAX);
        void *saved = malloc(hart_state_size());
        hart_state_save(h, saved);
        uint64_t pc = hart_pc(h), cycles = hart_cycles(h), retired = hart_retired(h);
        uint64_t x5 = hart_reg(h, 5), x7 = hart_reg(h, 7);

        hart_set_retire_limit(h, 60);
        hart_run(h, UINT64_MAX);
        uint64_t after_x5 = hart_reg(h, 5), after_cycles = hart_cycles(h);
        uint64_t scratch;
        assert_true(hart_csr_peek(h, CSR_MSCRATCH, &scratch));
        assert_int_not_equal(after_x5, x5);

        hart_state_restore(h, saved);
        assert_int_equal(hart_pc(h), pc);
        assert_int_equal(hart_cycles(h), cycles);
        assert_int_equal(hart_retired(h), retired);
        assert_int_equal(hart_reg(h, 5), x5);
        assert_int_equal(hart_reg(h, 7), x7);
        /* Memory is not part of the state: put back what the loop stored at the save. */
        th_put64(t, DATA, x5);
        hart_run(h, UINT64_MAX);
        assert_int_equal(hart_reg(h, 5), after_x5);
        assert_int_equal(hart_cycles(h), after_cycles);
        uint64_t scratch2;
        assert_true(hart_csr_peek(h, CSR_MSCRATCH, &scratch2));
        assert_int_equal(scratch2, scratch);
        free(saved);
        th_free(t);
    }
}

/* Dirty-page tracking for snapshots (platform/history.c): forgetting the write translations
 * makes the next store to a page ask the bus for it again (so the bus can mark it), and
 * keeps everything else: read translations, the instruction TLB and the block links, so the
 * run goes on at full speed. A checkpoint holds the architectural state only (it is taken
 * every 2 M steps while history is recorded: no TLBs or caches in it). */
static unsigned write_asks;

static uint8_t *counting_page_ptr(void *ctx, uint64_t paddr, bool write)
{
    if (write && paddr == (DATA & ~(uint64_t)(PAGE_SIZE - 1)))
        write_asks++;
    return th_page_ptr(ctx, paddr, write);
}

static void test_forget_writes(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        t->bus.page_ptr = counting_page_ptr;
        put_counting_loop(t, xlen);
        write_asks = 0;
        hart_set_retire_limit(h, 30);
        hart_run(h, UINT64_MAX);
        unsigned asks = write_asks;
        assert_true(asks > 0);
        hart_set_retire_limit(h, 45);
        hart_run(h, UINT64_MAX);
        assert_int_equal(write_asks, asks); /* the write translation does it */
        uint64_t vpage = DATA >> PAGE_SHIFT, tag = h->chain_tag;
        const struct tlb_entry *w = &h->tlb_write[vpage & (TLB_SIZE - 1)];
        assert_int_equal(w->tag, DATA & ~(uint64_t)(PAGE_SIZE - 1));
        unsigned itlb_valid = 0;
        for (unsigned k = 0; k < ITLB_SIZE; k++)
            itlb_valid += h->mmu.itlb[k].vpage != ITLB_INVALID;
        assert_true(itlb_valid > 0);

        cluster_forget_writes(t->cl);
        assert_int_equal(w->tag, TLB_INVALID);
        assert_int_equal(h->chain_tag, tag); /* links kept */
        unsigned itlb_after = 0;
        for (unsigned k = 0; k < ITLB_SIZE; k++)
            itlb_after += h->mmu.itlb[k].vpage != ITLB_INVALID;
        assert_int_equal(itlb_after, itlb_valid);

        hart_set_retire_limit(h, 60);
        hart_run(h, UINT64_MAX);
        assert_true(write_asks > asks); /* asked again, after the forget */
        assert_int_equal(hart_retired(h), 60);
        th_free(t);
    }
    assert_true(hart_state_size() < sizeof(struct hart) / 4);
}

/* The cluster lists its harts in the order they joined; a freed hart leaves it. */
static void test_cluster_harts(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    assert_int_equal(cluster_nharts(t->cl), 1);
    struct hart *h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
    assert_int_equal(cluster_nharts(t->cl), 2);
    assert_ptr_equal(cluster_hart(t->cl, 0), t->h);
    assert_ptr_equal(cluster_hart(t->cl, 1), h2);
    assert_null(cluster_hart(t->cl, 2));
    assert_int_equal(hart_id(h2), 1);
    hart_free(t->h);
    t->h = h2;
    assert_int_equal(cluster_nharts(t->cl), 1);
    assert_ptr_equal(cluster_hart(t->cl, 0), h2);
    th_free(t);
}

/* A store from outside the harts breaks the reservation of every hart on those bytes. */
static void test_cluster_notice_store_breaks_reservations(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
    hart_set_reg(t->h, 6, DATA);
    hart_set_reg(h2, 6, DATA);
    assert_true(th_exec_on(t, t->h, LR(8, 7, 6)));
    assert_true(th_exec_on(t, h2, LR(8, 7, 6)));
    cluster_notice_store(t->cl, DATA + 2, 1);
    hart_set_reg(t->h, 8, 5);
    assert_true(th_exec_on(t, t->h, SC(8, 9, 6, 8)));
    assert_true(th_exec_on(t, h2, SC(8, 9, 6, 8)));
    assert_int_equal(hart_reg(t->h, 9), 1); /* failed */
    assert_int_equal(hart_reg(h2, 9), 1);
    th_free(t);
}

struct blocks {
    uint64_t insns;
    unsigned calls;
};

static void on_block(void *ctx, struct hart *h, const struct insn *ins, unsigned n)
{
    struct blocks *b = ctx;
    b->calls++;
    b->insns += n;
    for (unsigned k = 0; k + 1 < n; k++)
        assert_true(ins[k].pc < ins[k + 1].pc || (ins[k].flags & END)); /* in order */
}

/* A loop with a branch, a jal and a store, and an interrupt raised half-way. */
static uint64_t run_loop(unsigned xlen, struct blocks *b)
{
    struct testhart *t = th_new(xlen);
    struct hart *h = t->h;
    hart_set_reg(h, 6, DATA);
    TH_PROG(t, TH_RAM_BASE, ADDI(5, 5, 1), /* loop: */
            STORE(4, 5, 6, 0), BNE(5, 0, 8), ADDI(7, 7, 1), JAL(0, 4), ADDI(8, 8, 1), JAL(0, -24));
    TH_PROG(t, TH_TRAP_VEC, ADDI(9, 9, 1), MRET);
    if (b)
        assert_true(hart_listen_block(h, on_block, b));
    uint64_t mie = MIP_MSIP, mstatus = MSTATUS_MIE;
    assert_true(hart_csr_poke(h, CSR_MIE, mie));
    assert_true(hart_csr_poke(h, CSR_MSTATUS, mstatus));
    hart_run(h, 1000);
    hart_set_mip(h, IRQ_M_SOFT, true);
    hart_run(h, 1010);
    hart_set_mip(h, IRQ_M_SOFT, false);
    hart_run(h, 5000);
    uint64_t sig = hart_cycles(h) ^ (hart_retired(h) << 20) ^ (hart_pc(h) << 40) ^
                   (hart_reg(h, 5) << 8) ^ (hart_reg(h, 9) << 50) ^ hart_traps(h);
    if (b)
        assert_int_equal(b->insns, hart_retired(h));
    assert_true(hart_reg(h, 9) >= 1); /* the handler ran */
    th_free(t);
    return sig;
}

/* A block listener sees every retired instruction, and the run is the same as without it:
 * the interrupt is taken at the same instruction, the counts are the same. */
static void test_block_listener(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct blocks b = { 0 };
        uint64_t with = run_loop(xlen, &b);
        assert_int_equal(with, run_loop(xlen, NULL));
        assert_true(b.calls > 10);
    }
}

/* An interrupt line tells every listener, in order, before its receiver; unlistening one
 * leaves the others. */
struct line_seen {
    unsigned n;
    bool level;
};

static void probe(void *ctx, const struct irq_line *line, bool level)
{
    struct line_seen *s = ctx;
    s->n++;
    s->level = level;
}

static void receiver(void *opaque, unsigned n, bool level)
{
    struct line_seen *s = opaque;
    s->n += 10;
    s->level = level;
}

static void test_irq_listeners(void **state)
{
    (void)state;
    struct irq_line l = { 0 };
    struct line_seen a = { 0 }, b = { 0 }, r = { 0 };
    irq_connect(&l, receiver, &r, 3);
    assert_true(irq_listen(&l, probe, &a));
    assert_true(irq_listen(&l, probe, &b));
    irq_set(&l, true);
    irq_set(&l, true); /* no change: nobody is told */
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 1);
    assert_int_equal(r.n, 10);
    assert_true(a.level && b.level && r.level);
    irq_unlisten(&l, probe, &a);
    irq_set(&l, false);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 2);
    assert_false(b.level);
    assert_int_equal(r.n, 20);
}

/* A hart runs with its core's timing: each class's cycles, and the taken-branch penalty. */
static void test_core_timing(void **state)
{
    (void)state;
    assert_ptr_equal(core_timing_find("hartlab"), core_timing_default());
    assert_null(core_timing_find("no-such-core"));
    static const struct core_timing odd = {
        .name = "test",
        .cycles = { [COST_ALU] = 5, [COST_BRANCH] = 7, [COST_JUMP] = 11 },
        .taken_extra = 13,
    };
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        hart_free(t->h);
        struct hart_config cfg = { .xlen = xlen, .ext = TH_EXT_IMAC, .timing = &odd };
        struct hart *h = t->h = hart_new(&cfg, &t->bus, t->cl);
        hart_boot(h, TH_RAM_BASE, 0, 0);
        TH_PROG(t, TH_RAM_BASE, ADDI(5, 0, 1), BEQ(0, 0, 8), ADDI(6, 0, 1), JSELF);
        hart_set_retire_limit(h, 3); /* addi, the taken beq, one jal */
        hart_run(h, UINT64_MAX);
        assert_int_equal(hart_retired(h), 3);
        assert_int_equal(hart_cycles(h), 5 + 7 + 13 + 11);
        assert_int_equal(hart_reg(h, 6), 0);
        th_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boot_sets_a0_a1),
        cmocka_unit_test(test_registers),
        cmocka_unit_test(test_set_pc_ends_wfi),
        cmocka_unit_test(test_trap_listeners),
        cmocka_unit_test(test_listener_limit),
        cmocka_unit_test(test_step_listener),
        cmocka_unit_test(test_idle_until),
        cmocka_unit_test(test_state_restore),
        cmocka_unit_test(test_forget_writes),
        cmocka_unit_test(test_cluster_harts),
        cmocka_unit_test(test_cluster_notice_store_breaks_reservations),
        cmocka_unit_test(test_core_timing),
        cmocka_unit_test(test_block_listener),
        cmocka_unit_test(test_irq_listeners),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
