/* Unit tests of the CSR access rules and WARL fields of an M/U hart (core/csr.c), driven
 * through real csrr* instructions on a hart over a fake bus (testhart.h).
 *
 * Sources: Unprivileged ISA 20191213 chapter 9 (Zicsr: which forms read and which write;
 * "a value written to instret by one instruction will be the value read by the following
 * instruction") and chapter 10 (Zicntr counters); Privileged Architecture 1.12 sections
 * 2.1 (address conventions: bits 11:10 = 3 read-only, bits 9:8 lowest privilege; illegal
 * instruction for absent CSRs and forbidden accesses), 3.1.1 (misa), 3.1.6 (mstatus, MPP WARL,
 * S-mode fields read-only zero without S), 3.1.7 (mtvec modes >= 2 reserved), 3.1.9 (mie),
 * 3.1.11 (mcounteren), 3.1.12 (mcountinhibit), 3.1.14 (mepc), 3.7.1 (pmpcfg: locked entries,
 * odd pmpcfg absent on RV64). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "testhart.h"

/* Cycles of a cost class in the default timing, which the test harts run with. */
#define CYC(class) (core_timing_default()->cycles[class])

static struct testhart *t64(void)
{
    return th_new(64);
}

/* Run `insn` and check it raised illegal instruction with the Privileged spec's tval. */
static void expect_illegal(struct testhart *t, uint32_t insn)
{
    struct hart *h = t->h;
    uint64_t pc = h->pc, rd_before[33];
    memcpy(rd_before, h->x, sizeof rd_before);
    uint64_t retired = hart_minstret(h);
    if (th_exec(t, insn)) {
        fprintf(stderr, "%08x at %llx did not trap\n", insn, (unsigned long long)pc);
        fail();
    }
    assert_int_equal(h->mcause, EXC_ILLEGAL_INSN);
    assert_int_equal(h->mtval, insn);
    assert_int_equal(h->mepc, pc);
    assert_int_equal(h->pc, h->mtvec & ~3ull);
    assert_int_equal(h->priv, PRIV_M);
    /* No register was written, and the trapping instruction did not retire. */
    assert_memory_equal(rd_before, h->x, sizeof rd_before);
    assert_int_equal(hart_minstret(h), retired);
}

static void expect_ok(struct testhart *t, uint32_t insn)
{
    uint64_t pc = t->h->pc;
    if (!th_exec(t, insn)) {
        fprintf(stderr, "%08x at %llx trapped, mcause %llu\n", insn, (unsigned long long)pc,
                (unsigned long long)t->h->mcause);
        fail();
    }
    assert_int_equal(t->h->pc, pc + 4);
}

static void test_unknown_csr_is_illegal(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->x[A0] = 0x1234;
    expect_illegal(t, CSRRS(A0, 0x7c0, X0));       /* custom M-mode read/write number */
    expect_illegal(t, CSRRW(A0, 0x600, X0));       /* no H extension: hstatus absent */
    expect_illegal(t, CSRRS(A0, 0x5a8, X0));       /* no H extension: hgatp absent */
    expect_illegal(t, CSRRS(A0, CSR_MCYCLEH, X0)); /* RV32 only */
    expect_illegal(t, CSRRS(A0, CSR_CYCLEH, X0));
    expect_illegal(t, CSRRS(A0, CSR_MSTATUSH, X0));
    expect_illegal(t, CSRRS(A0, CSR_FCSR, X0)); /* no F */
    th_free(t);
}

static void test_read_only_csrs(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->mhartid = 5;
    h->x[A1] = 0; /* even writing zero is a write */
    expect_illegal(t, CSRRW(X0, CSR_MHARTID, A1));
    expect_illegal(t, CSRRW(A0, CSR_CYCLE, A1));
    expect_illegal(t, CSRRS(A0, CSR_MHARTID, A1)); /* rs1 != x0: a write, whatever its value */
    expect_illegal(t, CSRRC(A0, CSR_INSTRET, A1));
    expect_illegal(t, CSRRWI(A0, CSR_MVENDORID, 0)); /* csrrwi always writes */
    expect_illegal(t, CSRRSI(A0, CSR_TIME, 1));
    expect_illegal(t, CSRRCI(A0, CSR_MIMPID, 4));

    /* The read-only forms: csrrs/csrrc with rs1 = x0, csrrsi/csrrci with uimm = 0. */
    expect_ok(t, CSRRS(RA, CSR_MHARTID, X0));
    assert_int_equal(h->x[RA], 5);
    h->x[RA] = 0;
    expect_ok(t, CSRRSI(RA, CSR_MHARTID, 0));
    assert_int_equal(h->x[RA], 5);
    h->x[RA] = 0;
    expect_ok(t, CSRRCI(RA, CSR_MHARTID, 0));
    assert_int_equal(h->x[RA], 5);
    expect_ok(t, CSRRC(A0, CSR_CYCLE, X0));
    th_free(t);
}

static void test_read_write_semantics(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->x[A1] = 0xf0f0;
    expect_ok(t, CSRRW(A0, CSR_MSCRATCH, A1));
    assert_int_equal(h->x[A0], 0);
    assert_int_equal(h->mscratch, 0xf0f0);
    h->x[A1] = 0x0f0f;
    expect_ok(t, CSRRS(A0, CSR_MSCRATCH, A1));
    assert_int_equal(h->x[A0], 0xf0f0);
    assert_int_equal(h->mscratch, 0xffff);
    h->x[A1] = 0x00ff;
    expect_ok(t, CSRRC(A0, CSR_MSCRATCH, A1));
    assert_int_equal(h->x[A0], 0xffff);
    assert_int_equal(h->mscratch, 0xff00);
    expect_ok(t, CSRRWI(A0, CSR_MSCRATCH, 31));
    assert_int_equal(h->x[A0], 0xff00);
    assert_int_equal(h->mscratch, 31);
    expect_ok(t, CSRRCI(X0, CSR_MSCRATCH, 1));
    assert_int_equal(h->mscratch, 30);
    /* Same register as source and destination: the old value is read before the write. */
    h->x[A2] = 7;
    expect_ok(t, CSRRW(A2, CSR_MSCRATCH, A2));
    assert_int_equal(h->x[A2], 30);
    assert_int_equal(h->mscratch, 7);
    th_free(t);
}

static void test_user_mode_access(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->priv = PRIV_U;
    expect_illegal(t, CSRRS(A0, CSR_MSTATUS, X0));
    h->priv = PRIV_U;
    expect_illegal(t, CSRRS(A0, CSR_MSCRATCH, X0));
    h->priv = PRIV_U;
    expect_illegal(t, CSRRS(A0, CSR_MHARTID, X0));
    th_free(t);
}

/* U-mode counter reads are gated by mcounteren (Privileged 3.1.11) and, with S-mode present,
 * scounteren too (4.1.3); M-mode never is. */
static void test_user_counters_gated(void **state)
{
    (void)state;
    static const struct {
        unsigned csr, bit;
    } ctr[] = {
        { CSR_CYCLE, COUNTER_CY },
        { CSR_TIME, COUNTER_TM },
        { CSR_INSTRET, COUNTER_IR },
        { CSR_HPMCOUNTER3, 1u << 3 },
    };
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->scounteren = 0xffffffffu;
    for (size_t k = 0; k < sizeof ctr / sizeof ctr[0]; k++) {
        h->mcounteren = 0;
        h->priv = PRIV_U;
        expect_illegal(t, CSRRS(A0, ctr[k].csr, X0));
        /* every other bit set is not enough */
        h->mcounteren = 0xffffffffu & ~ctr[k].bit;
        h->priv = PRIV_U;
        expect_illegal(t, CSRRS(A0, ctr[k].csr, X0));
        h->mcounteren = ctr[k].bit;
        h->priv = PRIV_U;
        expect_ok(t, CSRRS(A0, ctr[k].csr, X0));
        assert_int_equal(h->priv, PRIV_U);
        /* M-mode reads regardless of mcounteren. */
        h->mcounteren = 0;
        h->priv = PRIV_M;
        expect_ok(t, CSRRS(A0, ctr[k].csr, X0));
    }
    /* The value a U-mode rdinstret sees is minstret. */
    h->mcounteren = COUNTER_IR;
    h->priv = PRIV_U;
    uint64_t before = hart_minstret(h);
    expect_ok(t, CSRRS(A1, CSR_INSTRET, X0));
    assert_int_equal(h->x[A1], before);
    th_free(t);
}

static void test_misa(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    expect_ok(t, CSRRS(A0, CSR_MISA, X0));
    uint64_t misa = t->h->x[A0];
    assert_int_equal(misa >> 30, MISA_MXL_32);
    uint32_t want =
        ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C') | ISA_EXT('S') | ISA_EXT('U');
    assert_int_equal(misa & 0x03ffffff, want);
    /* WARL: a write is legal and leaves the (fixed) value. */
    t->h->x[A1] = 0;
    expect_ok(t, CSRRW(X0, CSR_MISA, A1));
    expect_ok(t, CSRRS(A0, CSR_MISA, X0));
    assert_int_equal(t->h->x[A0], misa);
    th_free(t);

    t = th_new_ext(64, ISA_EXT('I') | ISA_EXT('M'), MISALIGNED_TRAP);
    expect_ok(t, CSRRS(A0, CSR_MISA, X0));
    misa = t->h->x[A0];
    assert_int_equal(misa >> 62, MISA_MXL_64);
    assert_int_equal(misa & 0x03ffffff, ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('S') | ISA_EXT('U'));
    assert_int_equal((misa >> 26) & 0xfffffffffull, 0); /* between MXL and the letters */
    th_free(t);
}

static void test_mstatus_warl(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    /* MPP holds only implemented modes: M (3), S (1) and U (0). */
    h->x[A1] = 0;
    expect_ok(t, CSRRW(X0, CSR_MSTATUS, A1));
    assert_int_equal(th_csr(t, CSR_MSTATUS) & MSTATUS_MPP, 0);
    h->x[A1] = 3ull << MSTATUS_MPP_SHIFT;
    expect_ok(t, CSRRW(X0, CSR_MSTATUS, A1));
    assert_int_equal(th_csr(t, CSR_MSTATUS) & MSTATUS_MPP, MSTATUS_MPP);
    h->x[A1] = 1ull << MSTATUS_MPP_SHIFT;
    expect_ok(t, CSRRW(X0, CSR_MSTATUS, A1));
    assert_int_equal((th_csr(t, CSR_MSTATUS) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_S);
    h->x[A1] = 2ull << MSTATUS_MPP_SHIFT; /* reserved: MPP keeps its value */
    expect_ok(t, CSRRW(X0, CSR_MSTATUS, A1));
    assert_int_equal((th_csr(t, CSR_MSTATUS) & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_S);
    /* SIE, SPIE, SPP, MIE and MPIE are writable (3.1.6.1). */
    h->x[A1] = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPIE | MSTATUS_MIE;
    expect_ok(t, CSRRS(X0, CSR_MSTATUS, A1));
    uint64_t s = th_csr(t, CSR_MSTATUS);
    assert_int_equal(s & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP),
                     MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
    assert_int_equal(s & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MIE | MSTATUS_MPIE);
    /* RV64: UXL reads 2 (U-mode is 64-bit) and is not writable. */
    assert_int_equal((s & MSTATUS_UXL) >> 32, MISA_MXL_64);
    h->x[A1] = MSTATUS_UXL;
    expect_ok(t, CSRRC(X0, CSR_MSTATUS, A1));
    assert_int_equal((th_csr(t, CSR_MSTATUS) & MSTATUS_UXL) >> 32, MISA_MXL_64);
    th_free(t);
}

static void test_mtvec_modes(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->x[A1] = 0x80001000;
    expect_ok(t, CSRRW(X0, CSR_MTVEC, A1));
    assert_int_equal(th_csr(t, CSR_MTVEC), 0x80001000);
    h->x[A1] = 0x80002001; /* vectored */
    expect_ok(t, CSRRW(X0, CSR_MTVEC, A1));
    assert_int_equal(th_csr(t, CSR_MTVEC), 0x80002001);
    h->x[A1] = 0x80003002; /* reserved mode 2: the write is ignored */
    expect_ok(t, CSRRW(X0, CSR_MTVEC, A1));
    assert_int_equal(th_csr(t, CSR_MTVEC), 0x80002001);
    h->x[A1] = 0x80003003; /* reserved mode 3 */
    expect_ok(t, CSRRW(X0, CSR_MTVEC, A1));
    assert_int_equal(th_csr(t, CSR_MTVEC), 0x80002001);
    th_free(t);
}

static void test_mepc_alignment(void **state)
{
    (void)state;
    struct testhart *t = t64();
    t->h->x[A1] = 0x80000103;
    expect_ok(t, CSRRW(X0, CSR_MEPC, A1));
    expect_ok(t, CSRRS(A0, CSR_MEPC, X0));
    assert_int_equal(t->h->x[A0], 0x80000102); /* IALIGN 16: bit 0 reads zero */
    th_free(t);

    /* Without C, IALIGN is 32 and mepc[1] reads zero too (Privileged 3.1.14). */
    t = th_new_ext(32, ISA_EXT('I') | ISA_EXT('M'), MISALIGNED_TRAP);
    t->h->x[A1] = 0x80000103;
    expect_ok(t, CSRRW(X0, CSR_MEPC, A1));
    expect_ok(t, CSRRS(A0, CSR_MEPC, X0));
    assert_int_equal(t->h->x[A0], 0x80000100);
    th_free(t);
}

static void test_mie_writable_bits(void **state)
{
    (void)state;
    struct testhart *t = t64();
    t->h->x[A1] = ~0ull;
    expect_ok(t, CSRRW(X0, CSR_MIE, A1));
    expect_ok(t, CSRRS(A0, CSR_MIE, X0));
    uint64_t all = MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SSIP | MIP_STIP | MIP_SEIP;
    assert_int_equal(t->h->x[A0], all);
    t->h->x[A1] = MIP_MTIP;
    expect_ok(t, CSRRC(X0, CSR_MIE, A1));
    assert_int_equal(th_csr(t, CSR_MIE), all & ~MIP_MTIP);
    th_free(t);
}

/* Zicsr: "a value written to instret by one instruction will be the value read by the
 * following instruction"; the write replaces the writing instruction's own increment. The
 * same holds for mcycle, whose increment is the instruction's cycle cost. */
static void test_counter_write_replaces_increment(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->x[A1] = 1000;
    expect_ok(t, CSRRW(X0, CSR_MINSTRET, A1));
    expect_ok(t, CSRRS(A0, CSR_MINSTRET, X0));
    assert_int_equal(h->x[A0], 1000);
    expect_ok(t, ADDI(T0, T0, 1));
    expect_ok(t, ADDI(T0, T0, 1));
    expect_ok(t, CSRRS(A0, CSR_MINSTRET, X0));
    assert_int_equal(h->x[A0], 1000 + 3); /* the csrr, two addi */

    h->x[A1] = 5000;
    expect_ok(t, CSRRW(X0, CSR_MCYCLE, A1));
    expect_ok(t, CSRRS(A0, CSR_MCYCLE, X0));
    assert_int_equal(h->x[A0], 5000);
    expect_ok(t, ADDI(T0, T0, 1));
    expect_ok(t, CSRRS(A0, CSR_MCYCLE, X0));
    assert_int_equal(h->x[A0], 5000 + CYC(COST_CSR) + CYC(COST_ALU));
    th_free(t);
}

/* The same rule when the instructions run as a cached block (hart_run), where counters are
 * added per block up front. */
static void test_counter_write_in_blocks(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    h->x[A1] = 1000;
    h->x[A2] = 5000;
    h->x[S0] = TH_FINISHER;
    TH_PROG(t, TH_RAM_BASE, CSRRW(X0, CSR_MINSTRET, A1), /* ends its block */
            ADDI(T0, T0, 1), ADDI(T0, T0, 1), ADDI(T0, T0, 1),
            CSRRS(A3, CSR_MINSTRET, X0), /* 1003 */
            CSRRW(X0, CSR_MCYCLE, A2), ADDI(T0, T0, 1), ADDI(T0, T0, 1),
            CSRRS(A4, CSR_MCYCLE, X0), /* 5000 + 2 addi */
            STORE(4, X0, S0, 0), JSELF);
    assert_int_equal(hart_run(h, 10000), HART_STOP_EXIT);
    assert_int_equal(h->traps, 0);
    assert_int_equal(h->x[T0], 5);
    assert_int_equal(h->x[A3], 1003);
    assert_int_equal(h->x[A4], 5000 + 2 * CYC(COST_ALU));
    th_free(t);
}

static void test_mcountinhibit(void **state)
{
    (void)state;
    struct testhart *t = t64();
    struct hart *h = t->h;
    expect_ok(t, CSRRWI(X0, CSR_MCOUNTINHIBIT, 7));
    /* TM is read-only zero (time is not a hart counter). */
    assert_int_equal(th_csr(t, CSR_MCOUNTINHIBIT), COUNTER_CY | COUNTER_IR);
    uint64_t c0 = th_csr(t, CSR_MCYCLE), i0 = th_csr(t, CSR_MINSTRET);
    for (int k = 0; k < 5; k++)
        expect_ok(t, ADDI(T0, T0, 1));
    expect_ok(t, CSRRS(A0, CSR_MCYCLE, X0));
    expect_ok(t, CSRRS(A1, CSR_MINSTRET, X0));
    assert_int_equal(h->x[A0], c0);
    assert_int_equal(h->x[A1], i0);
    /* A write while inhibited sticks and stays frozen. */
    h->x[A2] = 77;
    expect_ok(t, CSRRW(X0, CSR_MINSTRET, A2));
    expect_ok(t, ADDI(T0, T0, 1));
    assert_int_equal(th_csr(t, CSR_MINSTRET), 77);
    /* Released: counting resumes from the frozen values. */
    expect_ok(t, CSRRWI(X0, CSR_MCOUNTINHIBIT, 0));
    expect_ok(t, ADDI(T0, T0, 1));
    expect_ok(t, ADDI(T0, T0, 1));
    uint64_t i1 = th_csr(t, CSR_MINSTRET);
    assert_true(i1 > 77 && i1 <= 77 + 3);
    assert_true(th_csr(t, CSR_MCYCLE) > c0);
    /* The virtual clock (and so mtime) never stops. */
    assert_true(h->cycles > 0);
    th_free(t);
}

static void test_rv32_high_halves(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    h->x[A1] = 1;
    h->x[A2] = 0x10;
    expect_ok(t, CSRRW(X0, CSR_MCYCLEH, A1));
    expect_ok(t, CSRRW(X0, CSR_MCYCLE, A2));
    expect_ok(t, CSRRS(A3, CSR_MCYCLEH, X0));
    expect_ok(t, CSRRS(A4, CSR_MCYCLE, X0));
    assert_int_equal(h->x[A3], 1);
    assert_int_equal(h->x[A4], 0x10 + CYC(COST_CSR));
    assert_int_equal(hart_mcycle(h), 0x100000010ull + 2 * CYC(COST_CSR));

    h->x[A1] = 2;
    h->x[A2] = 0xfffffffe;
    expect_ok(t, CSRRW(X0, CSR_MINSTRETH, A1));
    expect_ok(t, CSRRW(X0, CSR_MINSTRET, A2));
    expect_ok(t, CSRRS(A3, CSR_MINSTRET, X0));
    expect_ok(t, CSRRS(A4, CSR_MINSTRETH, X0));
    assert_int_equal(h->x[A3], 0xfffffffe);
    /* One more instruction retired since the write: 0x2_ffffffff, high half still 2. */
    assert_int_equal(h->x[A4], 2);
    expect_ok(t, CSRRS(A3, CSR_MINSTRET, X0));
    expect_ok(t, CSRRS(A4, CSR_MINSTRETH, X0));
    assert_int_equal(h->x[A3], 0); /* carried into the high half */
    assert_int_equal(h->x[A4], 3);
    /* Registers stay 32-bit on RV32. */
    expect_ok(t, CSRRS(A3, CSR_MSTATUS, X0));
    assert_int_equal(h->x[A3] >> 32, 0);

    /* U-mode cycleh is gated by the same mcounteren bit as cycle. */
    h->scounteren = COUNTER_CY;
    h->priv = PRIV_U;
    expect_illegal(t, CSRRS(A0, CSR_CYCLEH, X0));
    h->mcounteren = COUNTER_CY;
    h->priv = PRIV_U;
    expect_ok(t, CSRRS(A0, CSR_CYCLEH, X0));
    th_free(t);
}

/* KNOWN CORE BUG (reported to the lead; this test documents the right behaviour and fails
 * until core/csr.c is fixed). Zicsr: "If a CSR access instruction writes such a CSR, the
 * write is done instead of the increment." On RV32 a write to one half of mcycle/minstret
 * keeps the other half as it was before the writing instruction. core/csr.c merges with
 * the value after the instruction's own increment, so when that increment carries across
 * bit 32 the kept half is off by one. */
static void test_rv32_half_write_replaces_increment(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    /* minstret = 0x0_ffffffff; csrw minstreth, 7 -> 0x7_ffffffff, not 0x7_00000000. */
    assert_true(hart_csr_poke(h, CSR_MINSTRETH, 0));
    assert_true(hart_csr_poke(h, CSR_MINSTRET, 0xffffffff));
    h->x[A1] = 7;
    expect_ok(t, CSRRW(X0, CSR_MINSTRETH, A1));
    expect_ok(t, CSRRS(A2, CSR_MINSTRET, X0));
    expect_ok(t, CSRRS(A3, CSR_MINSTRETH, X0));
    assert_int_equal(h->x[A2], 0xffffffff);
    assert_int_equal(h->x[A3], 8); /* 0x7_ffffffff + the csrr above */

    /* minstret = 0x1_ffffffff; csrw minstret, 5 -> 0x1_00000005, not 0x2_00000005. */
    assert_true(hart_csr_poke(h, CSR_MINSTRETH, 1));
    assert_true(hart_csr_poke(h, CSR_MINSTRET, 0xffffffff));
    h->x[A1] = 5;
    expect_ok(t, CSRRW(X0, CSR_MINSTRET, A1));
    expect_ok(t, CSRRS(A3, CSR_MINSTRETH, X0));
    assert_int_equal(h->x[A3], 1);

    /* The same for mcycle, whose increment is the instruction's cost. */
    assert_true(hart_csr_poke(h, CSR_MCYCLEH, 0));
    assert_true(hart_csr_poke(h, CSR_MCYCLE, 0xffffffff));
    h->x[A1] = 3;
    expect_ok(t, CSRRW(X0, CSR_MCYCLEH, A1));
    expect_ok(t, CSRRS(A2, CSR_MCYCLE, X0));
    assert_int_equal(h->x[A2], 0xffffffff);
    th_free(t);
}

static void test_pmp_rules(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    /* entry 0: locked NAPOT RWX; entry 1: unlocked TOR R */
    h->x[A1] = 0x00000000 | (uint32_t)(PMP_TOR | PMP_R) << 8 | (PMP_L | PMP_A | 7);
    h->x[A2] = 0x12345;
    expect_ok(t, CSRRW(X0, CSR_PMPADDR0, A2));
    expect_ok(t, CSRRW(X0, CSR_PMPCFG0, A1));
    assert_int_equal(th_csr(t, CSR_PMPCFG0), h->x[A1]);
    /* Locked: entry 0's cfg and address ignore writes; entry 1 still changes. */
    h->x[A1] = 0x00000000;
    expect_ok(t, CSRRW(X0, CSR_PMPCFG0, A1));
    assert_int_equal(th_csr(t, CSR_PMPCFG0), PMP_L | PMP_A | 7);
    h->x[A2] = 0x777;
    expect_ok(t, CSRRW(X0, CSR_PMPADDR0, A2));
    assert_int_equal(th_csr(t, CSR_PMPADDR0), 0x12345);
    /* A locked TOR entry also locks the address register below it. */
    h->x[A1] = (uint32_t)(PMP_L | PMP_TOR | PMP_R) << 16; /* entry 2 */
    h->x[A2] = 0x100;
    expect_ok(t, CSRRW(X0, CSR_PMPADDR0 + 1, A2));
    expect_ok(t, CSRRS(X0, CSR_PMPCFG0, A1));
    h->x[A2] = 0x200;
    expect_ok(t, CSRRW(X0, CSR_PMPADDR0 + 1, A2));
    assert_int_equal(th_csr(t, CSR_PMPADDR0 + 1), 0x100);
    /* R=0, W=1 is reserved: it must not read back as W without R. */
    h->x[A1] = PMP_W << 24; /* entry 3 */
    expect_ok(t, CSRRS(X0, CSR_PMPCFG0, A1));
    assert_true(((th_csr(t, CSR_PMPCFG0) >> 24) & (PMP_R | PMP_W)) != PMP_W);
    /* RV32: the odd pmpcfg registers exist. */
    expect_ok(t, CSRRS(A0, CSR_PMPCFG0 + 1, X0));
    th_free(t);

    /* RV64: pmpcfg1/3/... do not exist; pmpcfg2 holds entries 8-15. */
    t = t64();
    expect_illegal(t, CSRRS(A0, CSR_PMPCFG0 + 1, X0));
    expect_illegal(t, CSRRS(A0, CSR_PMPCFG0 + 3, X0));
    t->h->x[A1] = 0x0101010101010101ull; /* R in all eight entries */
    expect_ok(t, CSRRW(X0, CSR_PMPCFG0 + 2, A1));
    assert_int_equal(th_csr(t, CSR_PMPCFG0 + 2), 0x0101010101010101ull);
    assert_int_equal(t->h->pmpcfg[8], PMP_R);
    assert_int_equal(t->h->pmpcfg[15], PMP_R);
    th_free(t);
}

/* The CSR table (core/csrs.def) is what exists: every CSR_IMPL row reads on a hart of its
 * XLEN with its extension and is absent elsewhere; CSR_NAME rows and numbers the table does
 * not list are absent (an illegal instruction for csrr). */
static const struct {
    unsigned number, xlen, ext;
    bool implemented;
} table_rows[] = {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write) { number, xlen, ext, true },
#define CSR_NAME(id, name, number)                               { number, 0, 0, false },
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
};

static void test_table_is_what_exists(void **state)
{
    (void)state;
    const uint32_t exts[] = { TH_EXT_IMAC, TH_EXT_IMAC | ISA_EXT('F') | ISA_EXT('D') };
    unsigned implemented = 0;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        for (unsigned e = 0; e < 2; e++) {
            struct testhart *t = th_new_ext(xlen, exts[e], MISALIGNED_TRAP);
            for (unsigned csr = 0; csr < 4096; csr++) {
                bool expect = false;
                for (size_t r = 0; r < sizeof table_rows / sizeof table_rows[0]; r++) {
                    if (table_rows[r].number != csr)
                        continue;
                    expect = table_rows[r].implemented &&
                             (table_rows[r].xlen == 0 || table_rows[r].xlen == xlen) &&
                             (table_rows[r].ext == 0 || (exts[e] & ISA_EXT(table_rows[r].ext)));
                }
                uint64_t v;
                if (hart_csr_peek(t->h, csr, &v) != expect) {
                    fprintf(stderr, "CSR 0x%03x on RV%u (ext %u): peek %s\n", csr, xlen, e,
                            expect ? "failed" : "succeeded");
                    fail();
                }
                implemented += expect;
            }
            th_free(t);
        }
    }
    /* 275 rows; on RV64 the 73 RV32-only ones are absent, without F the 3 FP ones. */
    assert_int_equal(implemented, (275 - 3) + 275 + (275 - 73 - 3) + (275 - 73));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_csr_is_illegal),
        cmocka_unit_test(test_table_is_what_exists),
        cmocka_unit_test(test_read_only_csrs),
        cmocka_unit_test(test_read_write_semantics),
        cmocka_unit_test(test_user_mode_access),
        cmocka_unit_test(test_user_counters_gated),
        cmocka_unit_test(test_misa),
        cmocka_unit_test(test_mstatus_warl),
        cmocka_unit_test(test_mtvec_modes),
        cmocka_unit_test(test_mepc_alignment),
        cmocka_unit_test(test_mie_writable_bits),
        cmocka_unit_test(test_counter_write_replaces_increment),
        cmocka_unit_test(test_counter_write_in_blocks),
        cmocka_unit_test(test_mcountinhibit),
        cmocka_unit_test(test_rv32_high_halves),
        cmocka_unit_test(test_rv32_half_write_replaces_increment),
        cmocka_unit_test(test_pmp_rules),
    };
    return cmocka_run_group_tests_name("csr", tests, NULL, NULL);
}
