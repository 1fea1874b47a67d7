/* Unit tests of the core timings (core/cost.h, core/timing.c): one test per modelled
 * effect, each running a short program on a hart with a given timing and checking its
 * cycles against the figure the effect's source gives (docs/cycles.md): Ibex's stores,
 * upper-half multiplies, divides (and by zero), taken branches, the split fetch of a 32-bit
 * instruction at 2 mod 4 after a jump, loads crossing a word; the E31's load-use,
 * multiply and CSR interlocks, its divider's early out, its branch predictor (BHT, BTB,
 * RAS) and misprediction penalty; fetch wait states of a memory region; load and store
 * wait states of a memory or device region; stepping views keeping the cycles; a checkpoint
 * keeping the predictor; and the table itself
 * (lookup by name, alias and device-tree compatible).
 *
 * The harts sit on the fake bus of testhart.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cost.h"
#include "testhart.h"

#define T(name) core_timing_find(name)

static uint32_t DIV(unsigned rd, unsigned rs1, unsigned rs2)
{
    return enc_r(1, rs2, rs1, 4, rd, OP_OP);
}
static uint32_t MULH(unsigned rd, unsigned rs1, unsigned rs2)
{
    return enc_r(1, rs2, rs1, 1, rd, OP_OP);
}
static uint32_t JALR(unsigned rd, unsigned rs1, int32_t imm)
{
    return enc_i(imm, rs1, 0, rd, OP_JALR);
}
#define C_NOP 0x0001u

/* A test hart with the timing `t` (and misaligned accesses done by hardware); x30 holds
 * a RAM address for data, x31 the finisher's. */
static struct testhart *timed(const struct core_timing *t, unsigned xlen)
{
    struct testhart *th = th_new(xlen);
    hart_free(th->h);
    struct hart_config cfg = { .xlen = xlen,
                               .ext = TH_EXT_IMAC,
                               .misaligned = MISALIGNED_EMULATE,
                               .time_divider = 1,
                               .timing = t };
    th->h = hart_new(&cfg, &th->bus, th->cl);
    hart_boot(th->h, TH_RAM_BASE, 0, 0);
    hart_set_reg(th->h, 30, TH_RAM_BASE + 0x4000);
    hart_set_reg(th->h, 31, TH_FINISHER);
    return th;
}

/* The store that ends a program (it stops the hart; it costs a store). */
#define STOP STORE(4, 0, 31, 0)

/* Run the program at TH_RAM_BASE to its STOP: its cycles, with `n` instructions retired. */
static uint64_t run_all(struct testhart *th, uint64_t n)
{
    hart_run(th->h, UINT64_MAX);
    assert_int_equal(hart_retired(th->h), n);
    return hart_cycles(th->h);
}

static void test_table(void **state)
{
    (void)state;
    assert_ptr_equal(T("simple"), core_timing_default());
    assert_ptr_equal(T("hartlab"), T("simple")); /* the default's earlier name */
    assert_null(T("pentium"));
    for (const struct core_timing *t = core_timings; t->name; t++) {
        assert_non_null(t->what);
        for (unsigned c = 0; c < COST_CLASSES; c++)
            assert_true(t->cycles[c] >= 1); /* every instruction costs at least a cycle */
        assert_true(t->bp.bht <= BP_MAX_BHT && t->bp.btb <= BP_MAX_BTB);
        assert_true(t->bp.ras <= BP_MAX_RAS);
        assert_true(!t->bp.bht || (t->bp.btb && t->bp.mispredict));
    }
    static const char e31[] = "sifive,e31\0riscv";
    static const char ibex[] = "acme,thing\0lowrisc,ibex";
    static const char none[] = "riscv";
    assert_ptr_equal(core_timing_for_compatible(e31, sizeof e31), T("e31"));
    assert_ptr_equal(core_timing_for_compatible(ibex, sizeof ibex), T("ibex"));
    assert_null(core_timing_for_compatible(none, sizeof none));
    assert_null(core_timing_for_compatible("sifive,e3", 9)); /* whole strings only */
    /* Only the default is fully static (and so translated by the JIT). */
    assert_false(core_timing_dynamic(T("simple")));
    assert_true(core_timing_dynamic(T("ibex")));
    assert_true(core_timing_dynamic(T("e31")));
    assert_true(core_timing_dynamic(T("u54")));
}

static void test_div_cycles(void **state)
{
    (void)state;
    const struct core_timing *ibex = T("ibex"), *e31 = T("e31"), *simple = T("simple");
    assert_int_equal(core_timing_div_cycles(ibex, 100, 7, true, 32), 37);
    assert_int_equal(core_timing_div_cycles(ibex, 100, 0, true, 32), 2);
    assert_int_equal(core_timing_div_cycles(simple, 100, 0, true, 32), 20);
    /* E31: 1 + the dividend's significant bits, at least 2, at most XLEN + 1. */
    assert_int_equal(core_timing_div_cycles(e31, 0, 3, true, 32), 2);
    assert_int_equal(core_timing_div_cycles(e31, 1, 3, true, 32), 2);
    assert_int_equal(core_timing_div_cycles(e31, 255, 3, false, 32), 9);
    assert_int_equal(core_timing_div_cycles(e31, (uint64_t)-255, 3, true, 32), 9);
    assert_int_equal(core_timing_div_cycles(e31, 0xffffffffu, 3, false, 32), 33);
    assert_int_equal(core_timing_div_cycles(e31, 0x80000000u, 3, true, 32), 33);
    assert_int_equal(core_timing_div_cycles(e31, 1ull << 63, 3, true, 64), 65);
}

/* Ibex: ALU 1, stores 2, mul 3, mulh 4, div 37 or 2 by zero (its pipeline documentation,
 * the RTL's trace). The same program on the default model for contrast. */
static void test_ibex_classes(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 2; k++) {
        struct testhart *th = timed(T(k ? "simple" : "ibex"), 32);
        TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 100), ADDI(6, 0, 7), STORE(4, 5, 30, 0), MUL(7, 5, 6),
                MULH(8, 5, 6), DIV(9, 5, 6), DIV(10, 5, 0), STOP);
        uint64_t c = run_all(th, 8);
        assert_int_equal(c, k ? 1 + 1 + 1 + 3 + 3 + 20 + 20 + 1 : 1 + 1 + 2 + 3 + 4 + 37 + 2 + 2);
        assert_int_equal(hart_reg(th->h, 9), 14);
        assert_int_equal(hart_reg(th->h, 10), 0xffffffffu);
        th_free(th);
    }
}

/* Ibex: a jump or taken branch to a 32-bit instruction at 2 mod 4 costs a cycle more (two
 * fetches); one at 0 mod 4, or a 16-bit one, does not. */
static void test_ibex_split_fetch(void **state)
{
    (void)state;
    for (unsigned split = 0; split < 2; split++) {
        struct testhart *th = timed(T("ibex"), 32);
        uint64_t at = TH_RAM_BASE;
        /* jal L1; [c.nop]; L1: addi; beq x0, x0, L2; [c.nop; c.nop]; L2: stop. With the
         * c.nops, L1 and L2 are 2 mod 4. */
        th_put32(th, at, JAL(0, split ? 6 : 4));
        at += 4;
        if (split)
            th_put16(th, at, C_NOP), at += 2;
        th_put32(th, at, ADDI(5, 0, 1));
        at += 4;
        th_put32(th, at, BEQ(0, 0, split ? 8 : 4));
        at += 4;
        if (split) {
            th_put16(th, at, C_NOP), at += 2;
            th_put16(th, at, C_NOP), at += 2;
        }
        th_put32(th, at, STOP);
        uint64_t c = run_all(th, 4);
        /* jal 2, addi 1, taken beq 3, sw 2; + 1 per split target */
        assert_int_equal(c, 2 + 1 + 3 + 2 + 2 * split);
        th_free(th);
    }
    /* jalr too */
    struct testhart *th = timed(T("ibex"), 32);
    hart_set_reg(th->h, 6, TH_RAM_BASE + 6);
    th_put32(th, TH_RAM_BASE, JALR(0, 6, 0));
    th_put16(th, TH_RAM_BASE + 4, C_NOP);
    th_put32(th, TH_RAM_BASE + 6, STOP);
    assert_int_equal(run_all(th, 2), 2 + 1 + 2);
    th_free(th);
}

/* Ibex: a misaligned load or store that crosses a word is two bus accesses, a cycle more;
 * one within a word is one. */
static void test_ibex_split_access(void **state)
{
    (void)state;
    struct testhart *th = timed(T("ibex"), 32);
    TH_PROG(th, TH_RAM_BASE, LOAD(4, 5, 30, 2), LOAD(2, 6, 30, 1), STORE(4, 5, 30, 7),
            STORE(2, 5, 30, 5), STOP);
    assert_int_equal(run_all(th, 5), 3 + 2 + 3 + 2 + 2);
    th_free(th);
}

/* E31: a word load's result is ready 2 cycles after it issues, a byte load's 3, a
 * multiplication's 5, a CSR read's 3: a dependent instruction right after waits. */
static void test_e31_interlocks(void **state)
{
    (void)state;
    const struct {
        uint32_t producer, consumer;
        unsigned stall;
    } cases[] = {
        { LOAD(4, 5, 30, 0), ADD(7, 5, 5), 1 },       /* lw, use */
        { LOAD(4, 5, 30, 0), ADD(7, 6, 6), 0 },       /* lw, independent */
        { LOAD(1, 5, 30, 0), ADD(7, 5, 0), 2 },       /* lb, use */
        { MUL(5, 6, 6), ADD(7, 0, 5), 4 },            /* mul, use */
        { MUL(5, 6, 6), MUL(7, 6, 6), 3 },            /* mul, mul: the unit is busy */
        { CSRRS(5, 0xb00, 0), ADDI(7, 5, 1), 2 },     /* csrr mcycle, use */
        { LOAD(4, 5, 30, 0), STORE(4, 5, 30, 8), 1 }, /* lw, store of it */
        { LOAD(4, 0, 30, 0), ADD(7, 0, 0), 0 },       /* x0 is never waited for */
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct testhart *th = timed(T("e31"), 32);
        TH_PROG(th, TH_RAM_BASE, cases[k].producer, cases[k].consumer, STOP);
        uint64_t c = run_all(th, 3);
        if (c - 3 != cases[k].stall)
            fail_msg("case %u: %u stall cycles, expected %u", k, (unsigned)(c - 3), cases[k].stall);
        th_free(th);
    }
    /* Instructions between a product and its use hide part of its latency. */
    struct testhart *th = timed(T("e31"), 32);
    TH_PROG(th, TH_RAM_BASE, MUL(5, 6, 6), ADDI(8, 0, 1), ADDI(9, 0, 1), ADD(7, 5, 5), STOP);
    assert_int_equal(run_all(th, 5), 5 + 2);
    th_free(th);
}

/* E31's divider: the dividend's significant bits decide (1 + bits, at least 2). */
static void test_e31_divide(void **state)
{
    (void)state;
    struct testhart *th = timed(T("e31"), 32);
    TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 255), ADDI(6, 0, 3), DIV(7, 5, 6), DIV(8, 0, 6), STOP);
    assert_int_equal(run_all(th, 5), 1 + 1 + 9 + 2 + 1);
    assert_int_equal(hart_reg(th->h, 7), 85);
    th_free(th);
}

/* E31's branch predictor on a counted loop: the 2-bit counter needs two taken branches
 * before it predicts taken (each miss costs 3), then the loop's exit is mispredicted once. */
static void test_e31_branch_predictor(void **state)
{
    (void)state;
    for (unsigned n = 4; n <= 12; n += 8) {
        struct testhart *th = timed(T("e31"), 32);
        /* addi x5, x0, n; loop: addi x5, x5, -1; bne x5, x0, loop; stop */
        TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, (int32_t)n), ADDI(5, 5, -1), BNE(5, 0, -4), STOP);
        uint64_t c = run_all(th, 1 + 2 * n + 1);
        assert_int_equal(c, 1 + 2 * n + 1 + 3 * 3);
        th_free(th);
    }
    /* Without a predictor (Ibex), every taken branch costs its taken_extra instead. */
    struct testhart *th = timed(T("ibex"), 32);
    TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 12), ADDI(5, 5, -1), BNE(5, 0, -4), STOP);
    assert_int_equal(run_all(th, 1 + 24 + 1), 1 + 24 + 11 * 2 + 2);
    th_free(th);
}

/* E31: calls fill the return-address stack, returns are predicted from it; a jump's
 * target is predicted by the BTB once it has been seen. */
static void test_e31_calls_and_returns(void **state)
{
    (void)state;
    struct testhart *th = timed(T("e31"), 32);
    /* 0: addi x5,x0,2; 4: jal ra, f (+16); 8: addi x5,x5,-1; 12: bne x5,x0,4 (-8);
     * 16: stop; 20: f: jalr x0, 0(ra) */
    TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 2), JAL(1, 16), ADDI(5, 5, -1), BNE(5, 0, -8), STOP,
            JALR(0, 1, 0));
    uint64_t c = run_all(th, 1 + 2 * 4 + 1);
    /* Two rounds of jal, jalr, addi, bne. Mispredicted: the first jal (BTB empty), the
     * first taken bne (counter 0). The returns come from the RAS; the second jal hits the
     * BTB; the last bne is not taken and predicted not taken (counter 1). */
    assert_int_equal(c, 10 + 2 * 3);
    th_free(th);
}

/* Fetch wait states of a region (hart_bus.fetch_wait): every instruction fetched from it
 * costs that much more, on any timing; other memory is not affected. */
static unsigned wait_in_low_half(void *ctx, uint64_t paddr)
{
    (void)ctx;
    return paddr < TH_RAM_BASE + TH_RAM_SIZE / 2 ? 3 : 0;
}

static void test_fetch_wait_states(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 2; k++) {
        struct testhart *th = timed(T(k ? "e31" : "simple"), 32);
        th->bus.fetch_wait = wait_in_low_half;
        /* three ALU instructions in the slow half, then a jump to the fast half */
        TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 1), ADDI(6, 0, 1), ADDI(7, 0, 1),
                JAL(0, (int32_t)(TH_RAM_SIZE / 2 - 12)));
        TH_PROG(th, TH_RAM_BASE + TH_RAM_SIZE / 2, ADDI(8, 0, 1), STOP);
        uint64_t c = run_all(th, 6);
        /* simple: 3 + jal 2 + 1 + sw 1; e31: 3 + jal 1 (+3: the BTB is cold) + 1 + 1 */
        assert_int_equal(c, (k ? 3 + 4 + 1 + 1 : 3 + 2 + 1 + 1) + 4 * 3);
        th_free(th);
    }
}

/* A stepping view (the instruction trace, --profile: a step listener) runs each block one
 * instruction at a time; the cycles must be those of the run without it (docs/design.md,
 * decision 11), on a timing whose stalls depend on an instruction's neighbours. */
static unsigned steps_seen;
static void count_step(void *ctx, struct hart *h, const struct insn *ins)
{
    (void)ctx;
    (void)h;
    (void)ins;
    steps_seen++;
}

static void test_stepping_keeps_cycles(void **state)
{
    (void)state;
    /* 1. a product used three instructions later (the stall is 2, not the 4 of a
     *    neighbour); 2. a load used right after a branch that is not taken, where the
     *    superblock goes on into the next block: registers are ready again there, whether
     *    the superblock went on or hart_run stopped at the branch. */
    const uint32_t progs[][6] = {
        { MUL(5, 6, 6), ADDI(8, 0, 1), ADDI(9, 0, 1), ADD(7, 5, 5), STOP, NOP },
        { ADDI(6, 0, 1), LOAD(4, 5, 30, 0), BEQ(6, 0, 8), ADD(7, 5, 5), STOP, NOP },
    };
    const uint64_t expect[] = { 5 + 2, 5 };
    for (unsigned p = 0; p < 2; p++) {
        uint64_t cycles[2];
        for (unsigned stepping = 0; stepping < 2; stepping++) {
            struct testhart *th = timed(T("e31"), 32);
            th_prog(th, TH_RAM_BASE, progs[p], 6);
            steps_seen = 0;
            if (stepping)
                assert_true(hart_listen_step(th->h, count_step, NULL));
            cycles[stepping] = run_all(th, 5);
            assert_int_equal(steps_seen, stepping ? 5 : 0);
            th_free(th);
        }
        if (cycles[0] != expect[p] || cycles[1] != expect[p])
            fail_msg("program %u: %llu cycles run, %llu stepped, expected %llu", p,
                     (unsigned long long)cycles[0], (unsigned long long)cycles[1],
                     (unsigned long long)expect[p]);
    }
}

/* Data wait states of a region (hart_bus.access_wait): a device costing 5 per load and 7
 * per store, a RAM page costing 2 per load and 3 per store, the rest none. Every access is
 * charged, also the second to the same page (it stays out of the translation cache), and a
 * misaligned access done byte by byte is charged once. */
#define WAIT_PAGE (TH_RAM_BASE + 0xc000)
static unsigned data_waits(void *ctx, uint64_t paddr, bool write)
{
    (void)ctx;
    if (paddr >= TH_MMIO_BASE && paddr < TH_MMIO_BASE + TH_MMIO_SIZE)
        return write ? 7 : 5;
    if (paddr >> PAGE_SHIFT == WAIT_PAGE >> PAGE_SHIFT)
        return write ? 3 : 2;
    return 0;
}

static void test_access_wait_states(void **state)
{
    (void)state;
    for (unsigned k = 0; k < 2; k++) {
        struct testhart *th = timed(T(k ? "e31" : "simple"), 32);
        th->bus.access_wait = data_waits;
        TH_PROG(th, TH_RAM_BASE, LUI(29, TH_MMIO_BASE >> 12), LUI(28, WAIT_PAGE >> 12),
                LOAD(4, 5, 29, 0), STORE(4, 5, 29, 8),   /* device: 5, 7 */
                LOAD(4, 6, 28, 0), LOAD(4, 6, 28, 4),    /* slow page: 2, 2 */
                STORE(4, 6, 28, 8), STORE(4, 6, 28, 12), /* 3, 3 */
                LOAD(4, 7, 28, 2),                       /* misaligned: 2 once */
                LOAD(4, 8, 30, 0),                       /* plain RAM: 0 */
                STOP);
        uint64_t c = run_all(th, 11);
        /* simple: lui 1, load 2, store 1; e31: every class 1, and two stores of a word
         * loaded right before (a load-use stall each) */
        uint64_t base = k ? 11 + 2 : 2 + 5 * 2 + 4;
        assert_int_equal(c, base + 5 + 7 + 2 + 2 + 3 + 3 + 2);
        assert_int_equal(th->mmio_loads, 1);
        assert_int_equal(th->mmio_stores, 1);
        th_free(th);
    }
}

/* A checkpoint holds the predictor: a restored hart runs on with the same cycles. */
static void test_predictor_in_checkpoint(void **state)
{
    (void)state;
    struct testhart *th = timed(T("e31"), 32);
    TH_PROG(th, TH_RAM_BASE, ADDI(5, 0, 8), ADDI(5, 5, -1), BNE(5, 0, -4), ADDI(5, 0, 8),
            ADDI(5, 5, -1), BNE(5, 0, -4), STOP);
    hart_set_retire_limit(th->h, 9); /* in the middle of the first loop: trained */
    hart_run(th->h, UINT64_MAX);
    void *snap = malloc(hart_state_size());
    hart_state_save(th->h, snap);
    hart_set_retire_limit(th->h, UINT64_MAX);
    hart_run(th->h, UINT64_MAX);
    uint64_t first = hart_cycles(th->h);
    /* Scramble the predictor, restore, run the rest again. */
    memset(th->h->bp.bht, 0, sizeof th->h->bp.bht);
    memset(th->h->bp.btb, 0, sizeof th->h->bp.btb);
    hart_state_restore(th->h, snap);
    code_cache_flush(th->cc);
    hart_run(th->h, UINT64_MAX);
    assert_int_equal(hart_cycles(th->h), first);
    free(snap);
    th_free(th);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_div_cycles),
        cmocka_unit_test(test_ibex_classes),
        cmocka_unit_test(test_ibex_split_fetch),
        cmocka_unit_test(test_ibex_split_access),
        cmocka_unit_test(test_e31_interlocks),
        cmocka_unit_test(test_e31_divide),
        cmocka_unit_test(test_e31_branch_predictor),
        cmocka_unit_test(test_e31_calls_and_returns),
        cmocka_unit_test(test_fetch_wait_states),
        cmocka_unit_test(test_access_wait_states),
        cmocka_unit_test(test_predictor_in_checkpoint),
        cmocka_unit_test(test_stepping_keeps_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
