/* Unit tests of the translation tier (core/jit.h): random instruction streams run by the
 * interpreter and by translated code side by side, with the architectural state compared
 * at every point where a run can stop (a block boundary), and the tier's bounds on memory.
 *
 * The random programs use the RV32I/RV64I, M and Zicsr instructions of the Unprivileged ISA
 * (chapters 2, 5, 7, 9): ALU operations on random values (with zero, -1 and the most negative
 * number among them, for the division rules of 7.2), loads and stores of every width at
 * aligned, misaligned and page-crossing addresses, to MMIO and to nothing (access faults),
 * forward branches, jal and jalr, ecall, and counter reads; a trap handler skips the
 * instruction that trapped. Each program repeats its body so that its blocks chain through
 * their links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/jit.h"
#include "testhart.h"

#define CODE_AT    TH_RAM_BASE
#define SCRATCH    (TH_RAM_BASE + 0x4000) /* a page boundary: s0 +- 2 KiB crosses it */
#define BODY_MAX   160
#define LOOP_TIMES 6

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64*: a fixed seed per program, so a failure repeats */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_n(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* Registers the programs compute with: everything but s0 (x8, the scratch base), s1 (x9, the
 * MMIO base), t5 (x30, the finisher) and t6 (x31, the loop counter); x0 too, as a source and
 * as a destination. */
static bool small_regs; /* loops: a handful of registers, so that they stay in host ones */

static unsigned rnd_reg(void)
{
    if (small_regs) {
        static const unsigned set[] = { 0, 5, 6, 10, 11, 12 };
        return set[rnd_n(6)];
    }
    for (;;) {
        unsigned r = rnd_n(32);
        if (r != 8 && r != 9 && r != 30 && r != 31)
            return r;
    }
}

static uint64_t rnd_value(void)
{
    switch (rnd_n(8)) {
    case 0: return 0;
    case 1: return UINT64_MAX;
    case 2: return 1ull << 63;
    case 3: return 0x80000000ull;
    case 4: return rnd_n(64);
    case 5: return (uint64_t)(int64_t)(int32_t)rnd();
    default: return rnd();
    }
}

enum { F3_ADD, F3_SLL, F3_SLT, F3_SLTU, F3_XOR, F3_SR, F3_OR, F3_AND };

/* Forward branches and jal are encoded once the body is complete, so that none lands on the
 * jalr of an auipc/jalr pair (which needs its auipc). */
struct fwd {
    unsigned at, target; /* instruction indices */
    bool jal, jalr;      /* jalr: relative to its auipc at `at` - 1; f3 = 2 adds 2 bytes */
    unsigned rd, rs1, rs2, f3;
};
static struct fwd fwds[BODY_MAX];
static unsigned nfwds;
static bool pair_second[BODY_MAX + 8];

/* One random instruction at index k of a body of n; forward branches and jumps stay in the
 * body. Writes one or two words (returns how many). */
static unsigned gen_insn(uint32_t *w, unsigned k, unsigned n, unsigned xlen)
{
    unsigned rd = rnd_reg(), rs1 = rnd_reg(), rs2 = rnd_reg();
    unsigned left = n - k - 1; /* instructions after this one */
    switch (small_regs ? rnd_n(13) : rnd_n(20)) {
    case 0:
    case 1:
    case 2: { /* OP: the base ALU, sub/sra */
        unsigned f3 = rnd_n(8);
        unsigned f7 = (f3 == F3_ADD || f3 == F3_SR) && rnd_n(2) ? 0x20 : 0;
        w[0] = enc_r(f7, rs2, rs1, f3, rd, OP_OP);
        return 1;
    }
    case 3:
    case 4: { /* OP-IMM */
        unsigned f3 = rnd_n(8);
        int32_t imm = (int32_t)rnd_n(4096) - 2048;
        if (f3 == F3_SLL || f3 == F3_SR)
            imm = (int32_t)(rnd_n(xlen) | (f3 == F3_SR && rnd_n(2) ? 0x400 : 0));
        w[0] = enc_i(imm, rs1, f3, rd, OP_IMM);
        return 1;
    }
    case 5: /* M */ w[0] = enc_r(1, rs2, rs1, rnd_n(8), rd, OP_OP); return 1;
    case 6: /* the W forms (RV64) */
        if (xlen == 64) {
            static const unsigned f3s[] = { 0, 1, 5 };
            switch (rnd_n(4)) {
            case 0: /* addiw, a quarter of them sext.w */
                w[0] = enc_i(rnd_n(4) ? (int32_t)rnd_n(4096) - 2048 : 0, rs1, 0, rd, OP_IMM32);
                break;
            case 1: {
                unsigned f3 = f3s[rnd_n(3)];
                w[0] = enc_i((int32_t)(rnd_n(32) | (f3 == 5 && rnd_n(2) ? 0x400 : 0)), rs1, f3, rd,
                             OP_IMM32);
                break;
            }
            case 2: {
                unsigned f3 = f3s[rnd_n(3)];
                unsigned f7 = (f3 == 0 || f3 == 5) && rnd_n(2) ? 0x20 : 0;
                w[0] = enc_r(f7, rs2, rs1, f3, rd, 0x3b);
                break;
            }
            default: {
                static const unsigned m3[] = { 0, 4, 5, 6, 7 };
                w[0] = enc_r(1, rs2, rs1, m3[rnd_n(5)], rd, 0x3b);
                break;
            }
            }
            return 1;
        }
        w[0] = LUI(rd, (uint32_t)rnd() & 0xfffff);
        return 1;
    case 7:
        w[0] = rnd_n(2) ? LUI(rd, (uint32_t)rnd() & 0xfffff)
                        : (((uint32_t)rnd() & 0xfffff000u) | (rd << 7) | OP_AUIPC);
        return 1;
    case 8:
    case 9:
    case 10: { /* loads: scratch (aligned or not, across the page), MMIO, nothing */
        static const unsigned f3s[] = { 0, 1, 2, 3, 4, 5, 6 };
        unsigned f3 = f3s[rnd_n(xlen == 64 ? 7 : 6)];
        if (xlen == 32 && f3 == 3)
            f3 = 2;
        unsigned base = 8;
        int32_t imm = (int32_t)rnd_n(4096) - 2048;
        if (rnd_n(4) == 0)
            imm &= ~7;
        if (rnd_n(12) == 0) {
            base = 9;
            imm = (int32_t)(rnd_n(64) * 8);
        } else if (rnd_n(30) == 0) {
            base = 0; /* address 0..: nothing there, an access fault */
            imm = (int32_t)rnd_n(2048);
        }
        w[0] = enc_i(imm, base, f3, rd, OP_LOAD);
        return 1;
    }
    case 11:
    case 12: { /* stores */
        unsigned f3 = rnd_n(xlen == 64 ? 4 : 3);
        unsigned base = 8;
        int32_t imm = (int32_t)rnd_n(4096) - 2048;
        if (rnd_n(4) == 0)
            imm &= ~7;
        if (rnd_n(12) == 0) {
            base = 9;
            imm = (int32_t)(rnd_n(64) * 8);
        }
        w[0] = enc_s(imm, rs2, base, f3, OP_STORE);
        return 1;
    }
    case 13:
    case 14: /* a forward branch */
        if (left >= 2) {
            static const unsigned f3s[] = { 0, 1, 4, 5, 6, 7 };
            unsigned skip = 1 + rnd_n(left < 8 ? left : 8);
            fwds[nfwds++] = (struct fwd){ k, k + skip, false, false, 0, rs1, rs2, f3s[rnd_n(6)] };
            w[0] = NOP;
            return 1;
        }
        w[0] = NOP;
        return 1;
    case 15: /* jal forward */
        if (left >= 2) {
            fwds[nfwds++] =
                (struct fwd){ k, k + 1 + rnd_n(left < 6 ? left : 6), true, false, rd, 0, 0, 0 };
            w[0] = NOP;
            return 1;
        }
        w[0] = NOP;
        return 1;
    case 16: /* auipc + jalr forward (sometimes misaligned by 2: a trap without C) */
        if (left >= 4) {
            unsigned tmp = rnd_reg();
            while (tmp == 0)
                tmp = rnd_reg();
            unsigned skip = 2 + rnd_n(left - 2 < 5 ? left - 2 : 5);
            w[0] = (tmp << 7) | OP_AUIPC;
            pair_second[k + 1] = true;
            fwds[nfwds++] =
                (struct fwd){ k + 1, k + skip, false, true, rd, tmp, 0, rnd_n(16) == 0 ? 2 : 0 };
            w[1] = NOP;
            return 2;
        }
        w[0] = NOP;
        return 1;
    case 17: /* counters: cycle/instret as seen mid-block */
        w[0] = CSRRS(rd, rnd_n(2) ? 0xc00 : 0xc02, 0);
        return 1;
    case 18: w[0] = rnd_n(3) ? ECALL : 0x0000000fu /* fence */; return 1;
    default: /* an illegal instruction now and then */
        w[0] = rnd_n(6) ? ADDI(rd, rs1, (int32_t)rnd_n(4096) - 2048) : 0;
        return 1;
    }
}

/* Trap handler at TH_TRAP_VEC: mepc += 4, return (every instruction here is 4 bytes; a
 * misaligned jalr traps on the jalr itself). */
static void put_handler(struct testhart *t)
{
    TH_PROG(t, TH_TRAP_VEC, CSRRS(T0, 0x341, 0), ADDI(T0, T0, 4), CSRRW(X0, 0x341, T0), MRET);
}

/* Body, then the loop back, then a store to the finisher. Same program in both harts. In
 * `small_regs` mode the body is a short loop of its own (back to its second instruction, so
 * that the loop is a block that branches to its own start) over a few registers. */
static void put_program(struct testhart *t, uint64_t seed, unsigned xlen)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    uint32_t w[BODY_MAX + 8];
    unsigned n = small_regs ? 4 + rnd_n(24) : 20 + rnd_n(BODY_MAX - 20), k = 0;
    if (small_regs)
        w[k++] = NOP;
    nfwds = 0;
    memset(pair_second, 0, sizeof pair_second);
    while (k < n)
        k += gen_insn(&w[k], k, n, xlen);
    for (unsigned f = 0; f < nfwds; f++) {
        struct fwd *d = &fwds[f];
        if (pair_second[d->target])
            d->target--; /* to the pair's auipc, still after the jump */
        if (d->jalr) {
            int32_t off = (int32_t)(4 * (d->target - (d->at - 1)) + d->f3);
            w[d->at] = enc_i(off, d->rs1, 0, d->rd, OP_JALR);
            continue;
        }
        int32_t off = (int32_t)(4 * (d->target - d->at));
        w[d->at] = d->jal ? JAL(d->rd, off) : enc_b(off, d->rs2, d->rs1, d->f3);
    }
    w[k++] = ADDI(31, 31, -1);
    unsigned head = small_regs ? 1 : 0;
    w[k] = BNE(31, X0, -(int32_t)(4 * (k - head)));
    k++;
    w[k++] = STORE(4, X0, 30, 0); /* x30 = the finisher */
    th_prog(t, CODE_AT, w, k);
    put_handler(t);
}

static void set_regs(struct testhart *t, uint64_t seed, unsigned xlen)
{
    struct hart *h = t->h;
    rng_state = seed * 0x51ed2701u + 7;
    for (unsigned r = 1; r < 32; r++)
        hart_set_reg(h, r, rnd_value());
    hart_set_reg(h, 8, SCRATCH);
    hart_set_reg(h, 9, TH_MMIO_BASE);
    hart_set_reg(h, 30, TH_FINISHER);
    hart_set_reg(h, 31, small_regs ? 40 + rnd_n(40) : LOOP_TIMES);
    for (unsigned k = 0; k < 0x1000; k += 8)
        th_put64(t, SCRATCH - 0x800 + k, rnd());
    (void)xlen;
}

static void compare(const struct testhart *a, const struct testhart *b, uint64_t seed,
                    uint64_t until)
{
    const struct hart *x = a->h, *y = b->h;
    if (getenv("JIT_TEST_DUMP"))
        fprintf(stderr,
                "until %llu: pc %llx/%llx cycles %llu/%llu retired %llu/%llu x7 %llx/%llx\n",
                (unsigned long long)until, (unsigned long long)x->pc, (unsigned long long)y->pc,
                (unsigned long long)x->cycles, (unsigned long long)y->cycles,
                (unsigned long long)x->retired, (unsigned long long)y->retired,
                (unsigned long long)x->x[7], (unsigned long long)y->x[7]);
    bool same = x->pc == y->pc && x->cycles == y->cycles && x->retired == y->retired &&
                x->traps == y->traps && x->mcause == y->mcause && x->mepc == y->mepc &&
                x->mtval == y->mtval && x->stop == y->stop &&
                memcmp(x->x, y->x, 32 * sizeof x->x[0]) == 0 &&
                memcmp(a->ram, b->ram, TH_RAM_SIZE) == 0 && a->mmio_loads == b->mmio_loads &&
                a->mmio_stores == b->mmio_stores &&
                memcmp(a->mmio_regs, b->mmio_regs, sizeof a->mmio_regs) == 0;
    if (!same) {
        fprintf(stderr,
                "seed %llu, until %llu: interpreter pc %llx cycles %llu retired %llu traps %llu; "
                "translated pc %llx cycles %llu retired %llu traps %llu\n",
                (unsigned long long)seed, (unsigned long long)until, (unsigned long long)x->pc,
                (unsigned long long)x->cycles, (unsigned long long)x->retired,
                (unsigned long long)x->traps, (unsigned long long)y->pc,
                (unsigned long long)y->cycles, (unsigned long long)y->retired,
                (unsigned long long)y->traps);
        for (unsigned r = 0; r < 32; r++)
            if (x->x[r] != y->x[r])
                fprintf(stderr, "  x%u: %llx vs %llx\n", r, (unsigned long long)x->x[r],
                        (unsigned long long)y->x[r]);
        fail();
    }
}

/* Run one random program both ways; stop both after every few cycles (each hart_run ends
 * at the first block boundary past its budget) and compare. */
static void run_seed(unsigned xlen, enum misaligned_policy mis, uint64_t seed)
{
    /* Without C every instruction is 4 bytes (the handler relies on it) and a jump to a
     * 2-byte boundary traps. */
    const uint32_t ext = ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A');
    struct testhart *a = th_new_ext(xlen, ext, mis);
    struct testhart *b = th_new_ext(xlen, ext, mis);
    assert_true(cluster_set_jit(b->cl, &(struct jit_config){ .threshold = 1 }));
    put_program(a, seed, xlen);
    put_program(b, seed, xlen);
    set_regs(a, seed, xlen);
    set_regs(b, seed, xlen);
    if (getenv("JIT_TEST_TRACE"))
        hart_set_trace(a->h, stderr); /* single steps: the reference, instruction by instruction */
    uint64_t until = 0;
    enum hart_stop sa = HART_RUNNING;
    for (unsigned step = 0; step < 20000 && sa != HART_STOP_EXIT; step++) {
        until += getenv("JIT_TEST_STEP1") ? 1 : 1 + rnd_n(step % 3 ? 8 : 200);
        sa = hart_run(a->h, until);
        enum hart_stop sb = hart_run(b->h, until);
        assert_int_equal(sa, sb);
        compare(a, b, seed, until);
    }
    if (sa != HART_STOP_EXIT)
        fprintf(stderr, "seed %llu: no exit: pc %llx retired %llu traps %llu mcause %llx\n",
                (unsigned long long)seed, (unsigned long long)a->h->pc,
                (unsigned long long)a->h->retired, (unsigned long long)a->h->traps,
                (unsigned long long)a->h->mcause);
    assert_int_equal(sa, HART_STOP_EXIT);
    struct jit_stats st;
    assert_true(cluster_jit_stats(b->cl, &st));
    assert_true(st.translated > 0);
    th_free(a);
    th_free(b);
}

/* JIT_TEST_SEEDS=FIRST[:COUNT] runs other seeds (a longer campaign, or one failing seed). */
static void seeds(uint64_t *first, uint64_t *count)
{
    const char *e = getenv("JIT_TEST_SEEDS");
    if (e && *e) {
        char *end;
        *first = strtoull(e, &end, 0);
        *count = *end == ':' ? strtoull(end + 1, NULL, 0) : 1;
    }
}

static void test_random_rv32(void **state)
{
    (void)state;
    uint64_t first = 1, count = 150;
    seeds(&first, &count);
    for (uint64_t seed = first; seed < first + count; seed++)
        run_seed(32, seed % 2 ? MISALIGNED_TRAP : MISALIGNED_EMULATE, seed);
}

static void test_random_rv64(void **state)
{
    (void)state;
    uint64_t first = 1000, count = 150;
    seeds(&first, &count);
    for (uint64_t seed = first; seed < first + count; seed++)
        run_seed(64, seed % 2 ? MISALIGNED_TRAP : MISALIGNED_EMULATE, seed);
}

/* Tight loops over a few registers: translated, they keep their registers in host
 * registers from one iteration to the next (core/jit.c, plan_loop). */
static void test_loops(void **state)
{
    (void)state;
    small_regs = true;
    uint64_t first = 5000, count = 150;
    seeds(&first, &count);
    for (uint64_t seed = first; seed < first + count; seed++)
        run_seed(seed % 4 < 2 ? 32 : 64, seed % 2 ? MISALIGNED_TRAP : MISALIGNED_EMULATE, seed);
    small_regs = false;
}

/* A guest that keeps writing new code (as a JIT in the guest would) and running it: every
 * piece is hot, so each is translated; with a small code buffer the tier must flush rather
 * than grow. */
static void test_guest_jit_bounded(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    const size_t size = 1u << 20;
    assert_true(cluster_set_jit(t->cl, &(struct jit_config){ .threshold = 1, .code_size = size }));
    /* The "generator" at the start of RAM copies a 4-instruction function template to a new
     * place each round (a3), patches its immediate with the round number, runs it 3 times
     * (a2 counts), and goes on. The template: addi a0, a0, IMM; addi a0, a0, 1; jalr x0, 0(ra);
     * nop. */
    uint64_t tmpl = TH_RAM_BASE + 0x3000;
    TH_PROG(t, tmpl, ADDI(A0, A0, 0), ADDI(A0, A0, 1), enc_i(0, RA, 0, X0, OP_JALR), NOP);
    h->x[A3] = TH_RAM_BASE + 0x5000; /* where the next copy goes */
    h->x[A4] = tmpl;
    h->x[A5] = 1500; /* rounds */
    h->x[S0] = TH_FINISHER;
    h->x[S1] = TH_RAM_BASE + 0x5000;
    TH_PROG(t, TH_RAM_BASE,
            /* 0x00 */ LOAD(8, T0, A4, 0), STORE(8, T0, A3, 0),
            /* 0x08 */ LOAD(8, T0, A4, 8), STORE(8, T0, A3, 8),
            /* 0x10 */ enc_i(0x7ff, A5, 7, T1, OP_IMM),                    /* andi t1, a5, 0x7ff */
            /* 0x14 */ enc_i(20, T1, 1, T1, OP_IMM),                       /* slli t1, t1, 20 */
            /* 0x18 */ LOAD(4, T2, A3, 0), enc_r(0, T1, T2, 6, T2, OP_OP), /* or */
            /* 0x20 */ STORE(4, T2, A3, 0), FENCE_I,
            /* 0x28 */ ADDI(A2, X0, 3),
            /* 0x2c */ enc_i(0, A3, 0, RA, OP_JALR), /* jalr ra, 0(a3) */
            /* 0x30 */ ADDI(A2, A2, -1), BNE(A2, X0, -8),
            /* 0x38 */ ADDI(A3, A3, 16), ADDI(A5, A5, -1),
            /* 0x40 */ enc_i(0x7ff, A3, 7, A3, OP_IMM),     /* keep a3 in 0x80005000..0x800057ff */
            /* 0x44 */ enc_i(0x1ff, X0, 4, X0, OP_IMM),     /* nop-like */
            /* 0x48 */ NOP, enc_r(0, S1, A3, 6, A3, OP_OP), /* or a3, a3, s1 */
            /* 0x50 */ BNE(A5, X0, -0x50), STORE(4, X0, S0, 0));
    h->pc = TH_RAM_BASE;
    assert_int_equal(hart_run(h, 50000000), HART_STOP_EXIT);
    /* sum over rounds of 3 * ((round & 0x7ff) + 1) */
    uint64_t want = 0;
    for (uint64_t r = 1500; r > 0; r--)
        want += 3 * ((r & 0x7ff) + 1);
    assert_int_equal(h->x[A0], want);
    struct jit_stats st;
    assert_true(cluster_jit_stats(t->cl, &st));
    assert_true(st.translated > 1000);
    assert_true(st.code_peak <= size);
    /* fence.i drops every translation each round: the buffer never fills */
    assert_true(t->cc->flushes >= 1500);
    th_free(t);
}

/* The same without fence.i: the new code is on pages that already hold code, so every
 * store drops those pages' blocks; translations pile up until the buffer is full, then the
 * whole cache is flushed. */
static void test_smc_without_fence_bounded(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    const size_t size = 1u << 20;
    assert_true(cluster_set_jit(t->cl, &(struct jit_config){ .threshold = 1, .code_size = size }));
    /* Loop: patch the immediate of the addi at 0x100 with the counter, run it, repeat. */
    TH_PROG(t, TH_RAM_BASE + 0x100, ADDI(A0, A0, 0), enc_i(0, RA, 0, X0, OP_JALR));
    h->x[A3] = TH_RAM_BASE + 0x100;
    h->x[A5] = 3000;
    h->x[S0] = TH_FINISHER;
    TH_PROG(t, TH_RAM_BASE,
            /* 0x00 */ enc_i(0x7ff, A5, 7, T1, OP_IMM), enc_i(20, T1, 1, T1, OP_IMM),
            /* 0x08 */ ADDI(T2, X0, 0x513), /* addi a0, a0, 0: 0x00050513 */
            /* 0x0c */ LUI(T0, 0x50), enc_r(0, T0, T2, 6, T2, OP_OP),
            /* 0x14 */ enc_r(0, T1, T2, 6, T2, OP_OP), STORE(4, T2, A3, 0),
            /* 0x1c */ enc_i(0, A3, 0, RA, OP_JALR),
            /* 0x20 */ ADDI(A5, A5, -1), BNE(A5, X0, -0x24), STORE(4, X0, S0, 0));
    h->pc = TH_RAM_BASE;
    assert_int_equal(hart_run(h, 100000000), HART_STOP_EXIT);
    uint64_t want = 0;
    for (uint64_t r = 3000; r > 0; r--)
        want += r & 0x7ff;
    assert_int_equal(h->x[A0], want);
    struct jit_stats st;
    assert_true(cluster_jit_stats(t->cl, &st));
    assert_true(st.translated > 3000);
    assert_true(st.flushes >= 1);
    assert_true(st.code_peak <= size);
    th_free(t);
}

int main(void)
{
    if (!jit_host_supported()) {
        fprintf(stderr, "no translator on this host: the interpreter runs everything\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_rv32),
        cmocka_unit_test(test_random_rv64),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_guest_jit_bounded),
        cmocka_unit_test(test_smc_without_fence_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
