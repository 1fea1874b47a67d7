/* Unit tests of the A extension (core/hart.c hart_lr/hart_sc/hart_amo): LR/SC reservations
 * and their invalidation by stores from the same hart, another hart and outside agents, and
 * the AMO arithmetic at both widths.
 *
 * Sources: Unprivileged ISA 20191213 chapter 8: 8.2 (LR/SC: SC writes 0 on success and
 * nonzero on failure; "regardless of success or failure, executing an SC instruction
 * invalidates any reservation held by this hart"; a store by another hart to the reservation
 * set makes SC fail; misaligned LR/SC raise address-misaligned or access-fault) and 8.4
 * (AMOs: rd gets the old value, sign-extended for .W on RV64; min/max signed vs unsigned;
 * misaligned AMOs raise store/AMO exceptions). The reservation granule here is 8 bytes
 * (RESERVATION_SHIFT). Privileged Architecture 1.12 3.3.2: an xRET may clear the
 * reservation; hartlab's does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "testhart.h"

#define VAR   (TH_RAM_BASE + 0x2000) /* the reserved word */
#define OTHER (TH_RAM_BASE + 0x2040) /* same page, another granule */

static void ok(struct testhart *t, uint32_t insn)
{
    if (!th_exec(t, insn)) {
        fprintf(stderr, "%08x trapped, mcause %llu\n", insn, (unsigned long long)t->h->mcause);
        fail();
    }
}

static void test_lr_sc_success(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        for (unsigned size = 4; size <= xlen / 8; size += 4) {
            struct testhart *t = th_new(xlen);
            struct hart *h = t->h;
            th_put64(t, VAR, 0x1111111122222222ull);
            h->x[A0] = VAR;
            h->x[A2] = 0x5555;
            h->x[A1] = 99;
            ok(t, LR(size, A3, A0));
            assert_int_equal(h->x[A3], size == 4 ? 0x22222222 : 0x1111111122222222ull);
            ok(t, SC(size, A1, A0, A2));
            assert_int_equal(h->x[A1], 0);
            assert_int_equal(th_get(t, VAR, size), 0x5555);
            /* Every SC clears the reservation: a second one fails and writes nothing. */
            h->x[A2] = 0x6666;
            ok(t, SC(size, A1, A0, A2));
            assert_int_not_equal(h->x[A1], 0);
            assert_int_equal(th_get(t, VAR, size), 0x5555);
            th_free(t);
        }
    }
}

static void test_lr_sign_extends(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    th_put32(t, VAR, 0x80000001u);
    t->h->x[A0] = VAR;
    ok(t, LR(4, A1, A0));
    assert_int_equal(t->h->x[A1], 0xffffffff80000001ull);
    th_free(t);
}

static void test_sc_without_lr_fails(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    th_put64(t, VAR, 0xabcdef);
    h->x[A0] = VAR;
    h->x[A2] = 1;
    ok(t, SC(8, A1, A0, A2));
    assert_int_equal(h->x[A1], 1);
    assert_int_equal(th_get(t, VAR, 8), 0xabcdef);
    /* SC to an address outside the reservation set fails too. */
    ok(t, LR(8, A3, A0));
    h->x[A4] = OTHER;
    ok(t, SC(8, A1, A4, A2));
    assert_int_not_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, OTHER, 8), 0);
    /* That failed SC also cleared the reservation: an SC to the reserved address fails. */
    ok(t, SC(8, A1, A0, A2));
    assert_int_not_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 0xabcdef);
    th_free(t);
}

static void test_own_store_breaks_reservation(void **state)
{
    (void)state;
    /* Stores of every size that overlap the reserved word. */
    static const struct {
        unsigned size;
        int offset;
    } st[] = { { 1, 3 }, { 2, 2 }, { 4, 0 }, { 8, 0 } };
    for (size_t k = 0; k < 4; k++) {
        struct testhart *t = th_new(64);
        struct hart *h = t->h;
        h->x[A0] = VAR;
        h->x[A2] = 7;
        h->x[A5] = 0x99;
        /* Warm the write translation for the page first, so the store below would take
         * the fast path if LR did not push it onto the slow one. */
        ok(t, STORE(8, X0, A0, 8));
        ok(t, LR(4, A3, A0));
        ok(t, STORE(st[k].size, A2, A0, st[k].offset));
        ok(t, SC(4, A1, A0, A5));
        assert_int_not_equal(h->x[A1], 0);
        assert_int_not_equal(th_get(t, VAR, 4), 0x99);
        th_free(t);
    }
}

static void test_store_elsewhere_keeps_reservation(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[A0] = VAR;
    h->x[A4] = OTHER;
    h->x[A2] = 7;
    ok(t, LR(8, A3, A0));
    ok(t, STORE(8, A2, A4, 0)); /* same page, another granule */
    ok(t, STORE(4, A2, A4, 8));
    assert_int_equal(th_get(t, OTHER, 8), 7);
    ok(t, SC(8, A1, A0, A2));
    assert_int_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 7);
    th_free(t);
}

/* The same sequences as a program under hart_run (cached blocks, fast paths). */
static void test_reservation_in_blocks(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[A0] = VAR;
    h->x[A4] = OTHER;
    h->x[A2] = 7;
    h->x[S0] = TH_FINISHER;
    TH_PROG(t, TH_RAM_BASE, STORE(8, X0, A0, 0), /* warm the write translation */
            LR(8, A3, A0),                       /* reserve */
            STORE(8, A2, A4, 0),                 /* elsewhere: keeps it */
            SC(8, S1, A0, A2),                   /* succeeds: s1 = 0 */
            LR(8, A3, A0),                       /* reserve again */
            STORE(2, A2, A0, 6),                 /* into the granule: breaks it */
            SC(8, T1, A0, A4),                   /* fails: t1 != 0 */
            STORE(4, X0, S0, 0), JSELF);
    h->x[S1] = 55;
    assert_int_equal(hart_run(h, 1000), HART_STOP_EXIT);
    assert_int_equal(h->traps, 0);
    assert_int_equal(h->x[S1], 0);
    assert_int_not_equal(h->x[T1], 0);
    assert_int_equal(th_get(t, VAR, 8), 0x0007000000000007ull);
    th_free(t);
}

static void test_other_hart_store_breaks_reservation(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    t->h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
    struct hart *h2 = t->h2;
    h2->pc = TH_RAM_BASE + 0x1000;
    h->x[A0] = h2->x[A0] = VAR;
    h2->x[A2] = 9;
    /* hart 1 has the page in its write translation cache before hart 0 reserves. */
    assert_true(th_exec_on(t, h2, STORE(8, X0, A0, 0)));
    ok(t, LR(8, A3, A0));
    assert_true(th_exec_on(t, h2, STORE(1, A2, A0, 7)));
    h->x[A2] = 1;
    ok(t, SC(8, A1, A0, A2));
    assert_int_not_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 0x0900000000000000ull);

    /* Another hart's SC to the granule also breaks it (it is a store when it succeeds). */
    ok(t, LR(8, A3, A0));
    assert_true(th_exec_on(t, h2, LR(8, A3, A0)));
    assert_true(th_exec_on(t, h2, SC(8, A1, A0, A2)));
    assert_int_equal(h2->x[A1], 0);
    ok(t, SC(8, A1, A0, A2));
    assert_int_not_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 9);

    /* The other way round: hart 1 reserves, hart 0 stores. */
    assert_true(th_exec_on(t, h2, LR(8, A3, A0)));
    ok(t, STORE(4, A2, A0, 0));
    assert_true(th_exec_on(t, h2, SC(8, A1, A0, A0)));
    assert_int_not_equal(h2->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 1);

    /* A store from outside the harts (DMA, debugger) also breaks it. */
    ok(t, LR(8, A3, A0));
    cluster_notice_store(h->cl, VAR + 4, 1);
    ok(t, SC(8, A1, A0, A2));
    assert_int_not_equal(h->x[A1], 0);
    th_free(t);
}

/* A store of each width by another hart (after a fast-path warm-up of its write
 * translation), and an AMO of each width by another hart, into the reserved granule: the
 * reservation is broken every time. A store to the next granule is not. */
static void test_other_hart_each_width_and_amo(void **state)
{
    (void)state;
    static const struct {
        unsigned size;
        int offset;
    } st[] = { { 1, 0 }, { 1, 7 }, { 2, 2 }, { 2, 6 }, { 4, 0 }, { 4, 4 }, { 8, 0 } };
    for (size_t k = 0; k < sizeof st / sizeof st[0] + 2 + 1; k++) {
        struct testhart *t = th_new(64);
        struct hart *h = t->h;
        struct hart *h2 = t->h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
        h2->pc = TH_RAM_BASE + 0x1000;
        h->x[A0] = h2->x[A0] = VAR;
        h2->x[A2] = 0x77;
        h2->x[A4] = VAR + 8; /* the next granule */
        assert_true(th_exec_on(t, h2, STORE(8, X0, A4, 0)));
        ok(t, LR(4, A3, A0));
        bool breaks = true;
        if (k < sizeof st / sizeof st[0]) {
            assert_true(th_exec_on(t, h2, STORE(st[k].size, A2, A0, st[k].offset)));
        } else if (k < sizeof st / sizeof st[0] + 2) {
            unsigned size = k == sizeof st / sizeof st[0] ? 4 : 8;
            assert_true(th_exec_on(t, h2, AMO(AMO_ADD, size, A5, A0, A2)));
        } else {
            assert_true(th_exec_on(t, h2, STORE(8, A2, A4, 0)));
            breaks = false;
        }
        h->x[A2] = 0x1234;
        ok(t, SC(4, A1, A0, A2));
        if (breaks) {
            assert_int_not_equal(h->x[A1], 0);
            assert_int_not_equal(th_get(t, VAR, 4), 0x1234);
            assert_int_equal(hart_sc_failures(h), 1);
        } else {
            assert_int_equal(h->x[A1], 0);
            assert_int_equal(th_get(t, VAR, 4), 0x1234);
        }
        th_free(t);
    }
}

/* Trap entry keeps a reservation (a handler may itself use LR/SC... or not touch it), an
 * xRET drops it: the Privileged Architecture allows an xRET to clear it (3.3.2) and hartlab
 * does, so that an interrupted LR/SC sequence cannot succeed in another context. */
static void test_xret_drops_reservation(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->mtvec = TH_TRAP_VEC;
    h->x[A0] = VAR;
    h->x[A2] = 5;
    ok(t, LR(8, A3, A0));
    assert_false(th_exec(t, ECALL));
    assert_int_equal(h->pc, TH_TRAP_VEC);
    assert_int_equal(hart_reservation(h), VAR);
    h->mepc = TH_RAM_BASE + 0x100;
    assert_true(th_exec(t, MRET));
    assert_int_equal(hart_reservation(h), UINT64_MAX);
    ok(t, SC(8, A1, A0, A2));
    assert_int_not_equal(h->x[A1], 0);
    assert_int_equal(th_get(t, VAR, 8), 0);
    th_free(t);
}

struct seen {
    unsigned n;
    struct {
        struct hart *h;
        struct hart_atomic_event ev;
    } e[16];
};

static void record(void *ctx, struct hart *h, const struct hart_atomic_event *ev)
{
    struct seen *s = ctx;
    if (s->n < 16) {
        s->e[s->n].h = h;
        s->e[s->n++].ev = *ev;
    }
}

/* The events --trace=amo prints: LR, reservation lost (naming the storing hart, or none for
 * a store from outside), SC outcomes, AMO values; and hart_lrsc_retrying, which the
 * machine's forward-progress rule uses. */
static void test_atomic_events(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    struct hart *h2 = t->h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
    struct seen s = { 0 };
    assert_true(hart_listen_atomic(h, record, &s));
    assert_true(hart_listen_atomic(h2, record, &s));
    h2->pc = TH_RAM_BASE + 0x1000;
    h->x[A0] = h2->x[A0] = VAR;
    h->x[A2] = 3;
    h2->x[A2] = 9;
    th_put64(t, VAR, 40);
    ok(t, LR(8, A3, A0));                                /* 0: LR */
    assert_true(th_exec_on(t, h2, STORE(2, A2, A0, 2))); /* 1: lost, by hart 1 */
    ok(t, SC(8, A1, A0, A2));                            /* 2: SC fails */
    assert_false(hart_lrsc_retrying(h));                 /* no reservation now */
    ok(t, LR(8, A3, A0));                                /* 3: LR */
    assert_true(hart_lrsc_retrying(h));                  /* after a failed SC */
    ok(t, SC(8, A1, A0, A2));                            /* 4: SC ok */
    assert_false(hart_lrsc_retrying(h));
    assert_true(th_exec_on(t, h2, AMO(AMO_ADD, 8, A5, A0, A2))); /* 5: AMO 3 -> 12 */
    assert_true(th_exec_on(t, h2, LR(8, A3, A0)));               /* 6: LR by hart 1 */
    cluster_notice_store(h->cl, VAR, 8);                         /* 7: lost, from outside */
    assert_int_equal(s.n, 8);
    assert_ptr_equal(s.e[0].h, h);
    assert_int_equal(s.e[0].ev.kind, HART_LR);
    assert_int_equal(s.e[0].ev.paddr, VAR);
    assert_ptr_equal(s.e[1].h, h);
    assert_int_equal(s.e[1].ev.kind, HART_RESV_LOST);
    assert_ptr_equal(s.e[1].ev.by, h2);
    assert_int_equal(s.e[1].ev.paddr, VAR);
    assert_int_equal(s.e[2].ev.kind, HART_SC_FAIL);
    assert_int_equal(s.e[3].ev.kind, HART_LR);
    assert_int_equal(s.e[4].ev.kind, HART_SC_OK);
    assert_ptr_equal(s.e[5].h, h2);
    assert_int_equal(s.e[5].ev.kind, HART_AMO);
    assert_int_equal(s.e[5].ev.old, 3);
    assert_int_equal(s.e[5].ev.val, 12);
    assert_ptr_equal(s.e[6].h, h2);
    assert_int_equal(s.e[6].ev.kind, HART_LR);
    assert_ptr_equal(s.e[7].h, h2);
    assert_int_equal(s.e[7].ev.kind, HART_RESV_LOST);
    assert_null(s.e[7].ev.by);
    assert_int_equal(hart_sc_failures(h), 1);
    hart_unlisten_atomic(h, record, &s);
    hart_unlisten_atomic(h2, record, &s);
    th_free(t);
}

struct amo_case {
    unsigned f5, size;
    uint64_t mem, src, want_rd, want_mem;
};

static void run_amos(unsigned xlen, const struct amo_case *c, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        th_put64(t, VAR, 0xa5a5a5a5a5a5a5a5ull);
        th_put64(t, VAR + 8, 0x5a5a5a5a5a5a5a5aull);
        host_write(th_mem(t, VAR), c[k].size, c[k].mem);
        h->x[A0] = VAR;
        h->x[A1] = c[k].src;
        ok(t, AMO(c[k].f5, c[k].size, A2, A0, A1));
        if (h->x[A2] != c[k].want_rd || th_get(t, VAR, c[k].size) != c[k].want_mem) {
            fprintf(stderr, "rv%u amo f5=%#x size %u: mem %llx src %llx -> rd %llx mem %llx\n",
                    xlen, c[k].f5, c[k].size, (unsigned long long)c[k].mem,
                    (unsigned long long)c[k].src, (unsigned long long)h->x[A2],
                    (unsigned long long)th_get(t, VAR, c[k].size));
            fail();
        }
        /* Nothing beyond the operand changes. */
        if (c[k].size == 4)
            assert_int_equal(th_get(t, VAR + 4, 4), 0xa5a5a5a5u);
        assert_int_equal(th_get(t, VAR + 8, 8), 0x5a5a5a5a5a5a5a5aull);
        th_free(t);
    }
}

static void test_amo_word(void **state)
{
    (void)state;
    /* RV64: the .W result in rd is sign-extended; rs2's upper half is ignored. */
    static const struct amo_case c64[] = {
        { AMO_SWAP, 4, 0x80000000, 0x12345678, 0xffffffff80000000ull, 0x12345678 },
        { AMO_ADD, 4, 0xffffffff, 0xdead000000000001ull, 0xffffffffffffffffull, 0 },
        { AMO_XOR, 4, 0x0ff00ff0, 0xffff0000, 0x0ff00ff0, 0xf00f0ff0 },
        { AMO_AND, 4, 0x0ff00ff0, 0xffff0000, 0x0ff00ff0, 0x0ff00000 },
        { AMO_OR, 4, 0x0ff00ff0, 0xffff0000, 0x0ff00ff0, 0xffff0ff0 },
        { AMO_MIN, 4, 0x80000000, 0xdeadbeef7fffffffull, 0xffffffff80000000ull, 0x80000000 },
        { AMO_MAX, 4, 0x80000000, 0xdeadbeef7fffffffull, 0xffffffff80000000ull, 0x7fffffff },
        { AMO_MINU, 4, 0x80000000, 0xdeadbeef7fffffffull, 0xffffffff80000000ull, 0x7fffffff },
        { AMO_MAXU, 4, 0x80000000, 0xdeadbeef7fffffffull, 0xffffffff80000000ull, 0x80000000 },
        { AMO_MIN, 4, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000 },
        { AMO_MAXU, 4, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000 },
    };
    run_amos(64, c64, sizeof c64 / sizeof c64[0]);
    /* RV32: registers are 32 bits. */
    static const struct amo_case c32[] = {
        { AMO_MIN, 4, 0x80000000, 0x7fffffff, 0x80000000, 0x80000000 },
        { AMO_MAX, 4, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff },
        { AMO_MINU, 4, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff },
        { AMO_MAXU, 4, 0x80000000, 0x7fffffff, 0x80000000, 0x80000000 },
        { AMO_ADD, 4, 0xfffffffe, 3, 0xfffffffe, 1 },
        { AMO_SWAP, 4, 0xcafef00d, 0, 0xcafef00d, 0 },
    };
    run_amos(32, c32, sizeof c32 / sizeof c32[0]);
}

static void test_amo_double(void **state)
{
    (void)state;
    const uint64_t minus = 0x8000000000000000ull, plus = 0x7fffffffffffffffull;
    const struct amo_case c[] = {
        { AMO_SWAP, 8, minus, 1, minus, 1 },
        { AMO_ADD, 8, 0xffffffffffffffffull, 2, 0xffffffffffffffffull, 1 },
        { AMO_ADD, 8, 0x00000000ffffffffull, 1, 0x00000000ffffffffull, 0x100000000ull },
        { AMO_XOR, 8, 0xff00ull, 0x0ff0ull, 0xff00ull, 0xf0f0ull },
        { AMO_AND, 8, 0xff00ull, 0x0ff0ull, 0xff00ull, 0x0f00ull },
        { AMO_OR, 8, 0xff00ull, 0x0ff0ull, 0xff00ull, 0xfff0ull },
        { AMO_MIN, 8, minus, plus, minus, minus },
        { AMO_MAX, 8, minus, plus, minus, plus },
        { AMO_MINU, 8, minus, plus, minus, plus },
        { AMO_MAXU, 8, minus, plus, minus, minus },
        /* 32-bit boundaries mean nothing at 64 bits */
        { AMO_MIN, 8, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff },
    };
    run_amos(64, c, sizeof c / sizeof c[0]);
}

static void test_amo_rd_x0(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    th_put64(t, VAR, 40);
    t->h->x[A0] = VAR;
    t->h->x[A1] = 2;
    ok(t, AMO(AMO_ADD, 8, X0, A0, A1));
    assert_int_equal(t->h->x[0], 0);
    assert_int_equal(th_get(t, VAR, 8), 42);
    th_free(t);
}

static void expect_cause(struct testhart *t, uint32_t insn, uint64_t cause, uint64_t tval)
{
    uint64_t pc = t->h->pc;
    assert_false(th_exec(t, insn));
    assert_int_equal(t->h->mcause, cause);
    assert_int_equal(t->h->mtval, tval);
    assert_int_equal(t->h->mepc, pc);
}

static void test_misaligned_and_faulting_atomics(void **state)
{
    (void)state;
    /* Even with misaligned loads/stores emulated, atomics are not split. */
    struct testhart *t = th_new_ext(64, TH_EXT_IMAC, MISALIGNED_EMULATE);
    struct hart *h = t->h;
    th_put64(t, VAR, 0x1122334455667788ull);
    h->x[A0] = VAR + 4;
    h->x[A1] = 1;
    expect_cause(t, AMO(AMO_ADD, 8, A2, A0, A1), EXC_STORE_MISALIGNED, VAR + 4);
    h->x[A0] = VAR + 2;
    expect_cause(t, AMO(AMO_SWAP, 4, A2, A0, A1), EXC_STORE_MISALIGNED, VAR + 2);
    expect_cause(t, SC(4, A2, A0, A1), EXC_STORE_MISALIGNED, VAR + 2);
    expect_cause(t, LR(4, A2, A0), EXC_LOAD_MISALIGNED, VAR + 2);
    assert_int_equal(th_get(t, VAR, 8), 0x1122334455667788ull);
    /* Nothing there: AMOs report store/AMO access faults, LR a load access fault. */
    h->x[A0] = TH_NOWHERE;
    expect_cause(t, AMO(AMO_OR, 4, A2, A0, A1), EXC_STORE_ACCESS, TH_NOWHERE);
    expect_cause(t, LR(8, A2, A0), EXC_LOAD_ACCESS, TH_NOWHERE);
    th_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lr_sc_success),
        cmocka_unit_test(test_lr_sign_extends),
        cmocka_unit_test(test_sc_without_lr_fails),
        cmocka_unit_test(test_own_store_breaks_reservation),
        cmocka_unit_test(test_store_elsewhere_keeps_reservation),
        cmocka_unit_test(test_reservation_in_blocks),
        cmocka_unit_test(test_other_hart_store_breaks_reservation),
        cmocka_unit_test(test_other_hart_each_width_and_amo),
        cmocka_unit_test(test_xret_drops_reservation),
        cmocka_unit_test(test_atomic_events),
        cmocka_unit_test(test_amo_word),
        cmocka_unit_test(test_amo_double),
        cmocka_unit_test(test_amo_rd_x0),
        cmocka_unit_test(test_misaligned_and_faulting_atomics),
    };
    return cmocka_run_group_tests_name("lrsc", tests, NULL, NULL);
}
