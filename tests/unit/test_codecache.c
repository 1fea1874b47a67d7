/* Unit tests of the code cache (core/codecache.c) and its coherence with stores (core/hart.c
 * store slow path), on harts over a fake bus (testhart.h).
 *
 * docs/design.md, decision 3: decoded blocks are cached by physical address and dropped on fence.i
 * and on stores into the 64-byte chunks of a page that hold cached code; a store to data
 * that only shares the page with code must not drop anything. The architectural side is the
 * Unprivileged ISA 20191213 chapter 3 (Zifencei: fence.i makes earlier stores visible to
 * instruction fetch); hartlab goes further and makes a hart's own stores into code visible
 * at once, as QEMU does, so self-modifying code without fence.i also runs the new
 * instructions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "testhart.h"

#define NEW_INSN ADDI(A0, A0, 100)

static void run_to_exit(struct testhart *t, struct hart *h, uint64_t pc)
{
    h->pc = pc;
    if (hart_run(h, h->cycles + 10000) != HART_STOP_EXIT) {
        fprintf(stderr, "no exit: pc %llx, traps %llu, mcause %llu\n", (unsigned long long)h->pc,
                (unsigned long long)h->traps, (unsigned long long)h->mcause);
        fail();
    }
    assert_int_equal(h->traps, 0);
    (void)t;
}

/* A program patches an instruction of a block it has already run, then runs it again. */
static void test_self_modifying_code(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    h->x[A3] = NEW_INSN;
    h->x[A4] = TH_RAM_BASE;
    TH_PROG(t, TH_RAM_BASE, ADDI(A0, A0, 1), /* 0x00: patched to addi a0, a0, 100 */
            BEQ(S1, X0, 8),                  /* 0x04: first time round -> 0x0c */
            STORE(4, X0, S0, 0),             /* 0x08: second time: stop */
            ADDI(S1, X0, 1),                 /* 0x0c */
            STORE(4, A3, A4, 0),             /* 0x10: the patch, no fence.i */
            JAL(X0, -0x14));                 /* 0x14: back to 0x00 */
    run_to_exit(t, h, TH_RAM_BASE);
    assert_int_equal(h->x[A0], 1 + 100);
    assert_int_equal(th_get(t, TH_RAM_BASE, 4), NEW_INSN);
    /* 5 instructions the first time round, 3 the second: the store that ended its block
     * early retired exactly once. */
    assert_int_equal(hart_minstret(h), 8);
    /* Dropping the page's blocks is not a whole-cache flush. */
    assert_int_equal(t->cc->flushes, 0);
    th_free(t);
}

/* A store patching the very next instruction of the running block takes effect too (the
 * store ends the block, so the rest is decoded afresh). */
static void test_patch_next_instruction(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    h->x[A3] = NEW_INSN;
    h->x[A4] = TH_RAM_BASE + 0x100;
    TH_PROG(t, TH_RAM_BASE + 0x100, STORE(4, A3, A4, 4), ADDI(A0, A0, 1), STORE(4, X0, S0, 0));
    /* The block is decoded (old addi included) and cached before it runs. */
    run_to_exit(t, h, TH_RAM_BASE + 0x100);
    assert_int_equal(h->x[A0], 100);
    assert_int_equal(hart_minstret(h), 3);
    th_free(t);
}

/* Data next to code (same page, another 64-byte chunk) is written without dropping code. */
static void test_data_store_keeps_blocks(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    h->x[A4] = TH_RAM_BASE;
    h->x[A3] = 0x1234;
    TH_PROG(t, TH_RAM_BASE, STORE(8, A3, A4, 0x400), ADDI(A0, A0, 1), STORE(4, X0, S0, 0));
    run_to_exit(t, h, TH_RAM_BASE);
    assert_int_equal(th_get(t, TH_RAM_BASE + 0x400, 8), 0x1234);
    struct block *b = code_cache_lookup(t->cc, TH_RAM_BASE);
    assert_non_null(b);
    assert_true(b->valid);
    assert_true(code_cache_is_code_page(t->cc, TH_RAM_BASE >> PAGE_SHIFT));
    /* Again: the same block object runs, nothing was dropped or rebuilt. */
    h->x[A3] = 0x5678;
    run_to_exit(t, h, TH_RAM_BASE);
    assert_ptr_equal(code_cache_lookup(t->cc, TH_RAM_BASE), b);
    assert_true(b->valid);
    assert_int_equal(t->cc->flushes, 0);
    assert_int_equal(th_get(t, TH_RAM_BASE + 0x400, 8), 0x5678);
    assert_int_equal(h->x[A0], 2);
    /* A store into the code chunk itself does drop the block. */
    h->x[A3] = NEW_INSN;
    assert_true(th_exec(t, STORE(4, A3, A4, 4))); /* hart_step runs uncached at h->pc */
    assert_null(code_cache_lookup(t->cc, TH_RAM_BASE));
    assert_false(b->valid);
    th_free(t);
}

static void test_fence_i_flushes(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    uint64_t p = TH_RAM_BASE + 0x100, f = TH_RAM_BASE + 0x200;
    TH_PROG(t, p, ADDI(A0, A0, 1), STORE(4, X0, S0, 0));
    TH_PROG(t, f, FENCE_I, STORE(4, X0, S0, 0));
    run_to_exit(t, h, p);
    assert_int_equal(h->x[A0], 1);
    assert_non_null(code_cache_lookup(t->cc, p));
    /* New code written behind the cache's back (no coherence notice), then fence.i. */
    th_put32(t, p, NEW_INSN);
    uint64_t flushes = t->cc->flushes;
    run_to_exit(t, h, f);
    assert_int_equal(t->cc->flushes, flushes + 1);
    assert_null(code_cache_lookup(t->cc, p));
    run_to_exit(t, h, p);
    assert_int_equal(h->x[A0], 101);
    th_free(t);
}

/* A store from outside the hart, reported through cluster_notice_store, drops cached code. */
static void test_notice_store_invalidates(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    uint64_t p = TH_RAM_BASE + 0x300;
    TH_PROG(t, p, ADDI(A0, A0, 1), STORE(4, X0, S0, 0));
    run_to_exit(t, h, p);
    th_put32(t, p, NEW_INSN);
    cluster_notice_store(h->cl, p, 4);
    assert_null(code_cache_lookup(t->cc, p));
    run_to_exit(t, h, p);
    assert_int_equal(h->x[A0], 101);
    th_free(t);
}

/* Harts share the code cache: one hart's store into code another has cached is seen. */
static void test_cross_hart_code_store(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    t->h2 = th_add_hart(t, 64, TH_EXT_IMAC, MISALIGNED_TRAP, 1);
    struct hart *h2 = t->h2;
    h->x[S0] = TH_FINISHER;
    uint64_t p = TH_RAM_BASE + 0x400;
    TH_PROG(t, p, ADDI(A0, A0, 1), STORE(4, X0, S0, 0));
    run_to_exit(t, h, p);
    /* hart 1, running elsewhere, writes over hart 0's cached block */
    h2->pc = TH_RAM_BASE + 0x1000;
    h2->x[A3] = NEW_INSN;
    h2->x[A4] = p;
    assert_true(th_exec_on(t, h2, STORE(4, A3, A4, 0)));
    run_to_exit(t, h, p);
    assert_int_equal(h->x[A0], 101);
    th_free(t);
}

/* The frame a device access is made from, for test_chains_are_jumps. */
static uintptr_t frame_lo = UINTPTR_MAX, frame_hi;

static enum bus_status load_noting_frame(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                                         uint64_t *val)
{
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    if (paddr >= TH_MMIO_BASE) {
        frame_lo = frame < frame_lo ? frame : frame_lo;
        frame_hi = frame > frame_hi ? frame : frame_hi;
    }
    return th_load(ctx, h, paddr, size, val);
}

/* A block goes on into the next instruction's body, and a taken branch into the linked block,
 * by tail calls that are jumps (core/exec_template.h, NEXT and GO): a device load reached
 * through a chain of hundreds of linked blocks is made from the same stack depth as one reached
 * straight from hart_run. Guaranteed where the compiler has MUSTTAIL (clang, the sanitizer
 * and fuzz builds), and what an optimising GCC does; only GCC 12 at -O0 nests. */
static void test_chains_are_jumps(void **state)
{
    (void)state;
#if !HART_TAILS_GUARANTEED && !defined(__OPTIMIZE__)
    skip(); /* GCC without musttail at -O0: every call nests (CHAIN_MAX_CYCLES bounds it) */
#endif
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    t->bus.load = load_noting_frame;
    h->x[S0] = TH_FINISHER;
    h->x[A2] = TH_MMIO_BASE;
    TH_PROG(t, TH_RAM_BASE, ADDI(S1, X0, 300), /* 0x00: 300 passes */
            ADDI(T0, X0, 20),                  /* 0x04: of an inner loop of 20 */
            ADDI(T0, T0, -1),                  /* 0x08 */
            BNE(T0, X0, -4),                   /* 0x0c: back to 0x08 */
            LOAD(8, A1, A2, 0),                /* 0x10: the device */
            ADDI(S1, S1, -1),                  /* 0x14 */
            BNE(S1, X0, -0x14),                /* 0x18: back to 0x04 */
            STORE(4, X0, S0, 0));              /* 0x1c: stop */
    h->pc = TH_RAM_BASE;
    assert_int_equal(hart_run(h, h->cycles + 1000000), HART_STOP_EXIT);
    assert_int_equal(t->mmio_loads, 300);
    /* Most passes ran as links followed from block to block (the chain budget is thousands of
     * cycles), so a nesting call per block would have moved the frame by kilobytes. */
    assert_true(frame_hi != 0);
    assert_int_equal(frame_hi - frame_lo, 0);
    th_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_modifying_code),
        cmocka_unit_test(test_patch_next_instruction),
        cmocka_unit_test(test_data_store_keeps_blocks),
        cmocka_unit_test(test_fence_i_flushes),
        cmocka_unit_test(test_notice_store_invalidates),
        cmocka_unit_test(test_cross_hart_code_store),
        cmocka_unit_test(test_chains_are_jumps),
    };
    return cmocka_run_group_tests_name("codecache", tests, NULL, NULL);
}
