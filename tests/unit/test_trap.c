/* Unit tests of trap entry and return, interrupts and wfi (core/hart.c), on a hart over a
 * fake bus (testhart.h).
 *
 * Sources: Privileged Architecture 1.12 sections 3.1.6.1 (the MIE/MPIE/MPP stack on trap
 * entry and mret), 3.1.7 (mtvec: vectored mode applies to interrupts only), 3.1.9 (mip/mie,
 * when M-mode interrupts are enabled, priority MEI > MSI > MTI), 3.1.14-3.1.16 (mepc, mcause
 * table 3.6, mtval contents), 3.3.2 (mret), 3.3.3 (wfi: resumes on a pending enabled
 * interrupt even when globally disabled; mstatus.TW); Unprivileged ISA 20191213 sections 2.5
 * (instruction-address-misaligned on jumps), 2.6 (misaligned loads and stores may trap or be
 * performed) and chapter 10 (a trapping instruction does not retire). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "testhart.h"

#define DATA (TH_RAM_BASE + 0x2000) /* a data page away from the code */

static uint64_t intbit(const struct hart *h)
{
    return h->xlen == 32 ? MCAUSE32_INTERRUPT : MCAUSE64_INTERRUPT;
}

static void expect_trap(struct testhart *t, uint32_t insn, uint64_t cause, uint64_t tval)
{
    struct hart *h = t->h;
    uint64_t pc = h->pc;
    if (th_exec(t, insn)) {
        fprintf(stderr, "%08x did not trap (want cause %llu)\n", insn, (unsigned long long)cause);
        fail();
    }
    assert_int_equal(h->mcause, cause);
    assert_int_equal(h->mtval, tval);
    assert_int_equal(h->mepc, pc);
    assert_int_equal(h->pc, h->mtvec & ~3ull);
    assert_int_equal(h->priv, PRIV_M);
}

/* Enter U-mode at `pc` the architectural way, with mret. */
static void enter_user(struct testhart *t, uint64_t pc)
{
    struct hart *h = t->h;
    h->mstatus &= ~MSTATUS_MPP;
    h->mepc = pc;
    assert_true(th_exec(t, MRET));
    assert_int_equal(h->priv, PRIV_U);
    assert_int_equal(h->pc, pc);
}

static void test_ecall_from_m(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        h->mtvec = TH_TRAP_VEC | MTVEC_MODE_VECTORED; /* exceptions still go to base */
        h->mstatus |= MSTATUS_MIE;
        h->mstatus &= ~MSTATUS_MPIE;
        expect_trap(t, ECALL, EXC_ECALL_M, 0);
        assert_int_equal(h->pc, TH_TRAP_VEC);
        assert_true(h->mstatus & MSTATUS_MPIE); /* old MIE */
        assert_false(h->mstatus & MSTATUS_MIE);
        assert_int_equal((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_M);
        assert_int_equal(h->traps, 1);
        th_free(t);
    }
}

static void test_ecall_from_u(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    enter_user(t, TH_RAM_BASE + 0x100);
    assert_true(h->mstatus & MSTATUS_MPIE);
    /* MIE = 1, MPIE = 0 before the trap, so that the copy MIE -> MPIE shows (U-mode ignores
     * MIE for taking interrupts; it is still the bit that the trap stacks). */
    h->mstatus &= ~MSTATUS_MPIE;
    h->mstatus |= MSTATUS_MIE;
    expect_trap(t, ECALL, EXC_ECALL_U, 0);
    assert_int_equal((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_U);
    assert_true(h->mstatus & MSTATUS_MPIE);
    assert_false(h->mstatus & MSTATUS_MIE);
    th_free(t);
}

static void test_ebreak(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    uint64_t pc = t->h->pc;
    expect_trap(t, EBREAK, EXC_BREAKPOINT, pc);
    /* c.ebreak: the same, at a 2-byte aligned pc. */
    t->h->pc = TH_RAM_BASE + 0x202;
    expect_trap(t, 0x9002, EXC_BREAKPOINT, TH_RAM_BASE + 0x202);
    th_free(t);
}

static void test_illegal_instruction(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    expect_trap(t, 0x02b57553, EXC_ILLEGAL_INSN, 0x02b57553); /* fadd.s: no F */
    /* 16-bit: mtval holds only those 16 bits, not the parcel after them. */
    h->pc = TH_RAM_BASE + 0x300;
    th_put16(t, TH_RAM_BASE + 0x302, 0x1234);
    expect_trap(t, 0x9c41, EXC_ILLEGAL_INSN, 0x9c41);
    h->pc = TH_RAM_BASE + 0x310;
    th_put16(t, TH_RAM_BASE + 0x312, 0xffff);
    expect_trap(t, 0x0000, EXC_ILLEGAL_INSN, 0);
    /* mret outside M-mode */
    enter_user(t, TH_RAM_BASE + 0x400);
    expect_trap(t, MRET, EXC_ILLEGAL_INSN, MRET);
    th_free(t);

    /* Without C, a 16-bit encoding is illegal. */
    t = th_new_ext(32, ISA_EXT('I') | ISA_EXT('M'), MISALIGNED_TRAP);
    th_put16(t, TH_RAM_BASE + 2, 0x0000);
    expect_trap(t, 0x852e, EXC_ILLEGAL_INSN, 0x852e);
    th_free(t);
}

static void test_fetch_faults(void **state)
{
    (void)state;
    struct testhart *t = th_new_ext(64, ISA_EXT('I') | ISA_EXT('M'), MISALIGNED_TRAP);
    struct hart *h = t->h;
    /* Without C, a jump to a 2-byte aligned target traps on the jump. */
    uint64_t pc = h->pc;
    expect_trap(t, JAL(RA, 6), EXC_INSN_MISALIGNED, pc + 6);
    assert_int_equal(h->x[RA], 0); /* the link register is not written */
    /* The same for a taken branch; not taken, the misaligned target does not matter (the
     * decoder gives these the checking body: core/hart.c, fill_insn). */
    pc = h->pc;
    expect_trap(t, BEQ(X0, X0, 6), EXC_INSN_MISALIGNED, pc + 6);
    pc = h->pc;
    h->x[A0] = 1;
    assert_true(th_exec(t, BEQ(A0, X0, 6)));
    assert_int_equal(h->pc, pc + 4);
    /* Fetch from nowhere: access fault, epc and tval the target. */
    h->pc = TH_RAM_BASE + 0x100;
    h->x[A0] = TH_NOWHERE;
    th_put32(t, h->pc, enc_i(0, A0, 0, X0, OP_JALR));
    hart_step(h);
    assert_int_equal(h->pc, TH_NOWHERE);
    hart_step(h);
    assert_int_equal(h->mcause, EXC_INSN_ACCESS);
    assert_int_equal(h->mtval, TH_NOWHERE);
    assert_int_equal(h->mepc, TH_NOWHERE);
    assert_int_equal(h->pc, TH_TRAP_VEC);
    th_free(t);
}

static void test_access_faults(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[A1] = TH_NOWHERE;
    h->x[A0] = 0x55;
    expect_trap(t, LOAD(4, A0, A1, 8), EXC_LOAD_ACCESS, TH_NOWHERE + 8);
    assert_int_equal(h->x[A0], 0x55);
    expect_trap(t, STORE(8, A0, A1, -16), EXC_STORE_ACCESS, TH_NOWHERE - 16);
    /* MMIO goes to the device callbacks. */
    h->x[A1] = TH_MMIO_BASE;
    t->mmio_regs[1] = 0xabcd;
    assert_true(th_exec(t, LOAD(4, A0, A1, 8)));
    assert_int_equal(h->x[A0], 0xabcd);
    assert_true(th_exec(t, STORE(4, A0, A1, 16)));
    assert_int_equal(t->mmio_loads, 1);
    assert_int_equal(t->mmio_stores, 1);
    assert_int_equal(t->last_store_addr, TH_MMIO_BASE + 16);
    th_free(t);
}

static void test_misaligned_trap(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[A1] = DATA;
    th_put64(t, DATA, 0x0807060504030201ull);
    h->x[A0] = 0x77;
    expect_trap(t, LOAD(4, A0, A1, 1), EXC_LOAD_MISALIGNED, DATA + 1);
    expect_trap(t, LOAD(2, A0, A1, 3), EXC_LOAD_MISALIGNED, DATA + 3);
    expect_trap(t, LOAD(8, A0, A1, 4), EXC_LOAD_MISALIGNED, DATA + 4);
    assert_int_equal(h->x[A0], 0x77);
    expect_trap(t, STORE(4, A0, A1, 2), EXC_STORE_MISALIGNED, DATA + 2);
    expect_trap(t, STORE(8, A0, A1, 7), EXC_STORE_MISALIGNED, DATA + 7);
    assert_int_equal(th_get(t, DATA, 8), 0x0807060504030201ull);
    /* Aligned accesses are fine. */
    assert_true(th_exec(t, LOAD(2, A0, A1, 2)));
    assert_int_equal(h->x[A0], 0x0403);
    th_free(t);
}

static void test_misaligned_emulate(void **state)
{
    (void)state;
    struct testhart *t = th_new_ext(64, TH_EXT_IMAC, MISALIGNED_EMULATE);
    struct hart *h = t->h;
    h->x[A1] = DATA;
    th_put64(t, DATA, 0x8807060504030201ull);
    th_put64(t, DATA + 8, 0x100f0e0d0c0b0a09ull);
    assert_true(th_exec(t, LOAD(4, A0, A1, 1)));
    assert_int_equal(h->x[A0], 0x05040302);
    assert_true(th_exec(t, LOAD(8, A0, A1, 5)));
    assert_int_equal(h->x[A0], 0x0d0c0b0a09880706ull);
    assert_true(th_exec(t, LOAD(2, A0, A1, 7))); /* lh: 0x0988, positive */
    assert_int_equal(h->x[A0], 0x0988);
    assert_true(th_exec(t, LOAD(4, A0, A1, 6))); /* 0x0a098807: positive */
    assert_int_equal(h->x[A0], 0x0a098807);
    assert_true(th_exec(t, enc_i(3, A1, 5, A0, OP_LOAD))); /* lhu a0, 3(a1) */
    assert_int_equal(h->x[A0], 0x0504);
    h->x[A2] = 0xa1a2a3a4a5a6a7a8ull;
    assert_true(th_exec(t, STORE(8, A2, A1, 3)));
    static const uint8_t want[16] = { 0x01, 0x02, 0x03, 0xa8, 0xa7, 0xa6, 0xa5, 0xa4,
                                      0xa3, 0xa2, 0xa1, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };
    assert_memory_equal(th_mem(t, DATA), want, 16);
    assert_int_equal(h->traps, 0);

    /* Across a page boundary: the two halves come from different host pages. */
    uint64_t edge = TH_RAM_BASE + 0x3000;
    th_put64(t, edge - 8, 0x1122334455667788ull);
    th_put64(t, edge, 0x99aabbccddeeff00ull);
    h->x[A1] = edge - 2;
    assert_true(th_exec(t, LOAD(4, A0, A1, 0)));
    assert_int_equal(h->x[A0], 0xffffffffff001122ull); /* lw sign-extends 0xff001122 */
    assert_true(th_exec(t, LOAD(8, A0, A1, -3)));
    assert_int_equal(h->x[A0], 0xeeff001122334455ull);
    h->x[A2] = 0x0102030405060708ull;
    assert_true(th_exec(t, STORE(8, A2, A1, -1)));
    assert_int_equal(th_get(t, edge - 8, 8), 0x0607084455667788ull);
    assert_int_equal(th_get(t, edge, 8), 0x99aabb0102030405ull);
    assert_int_equal(h->traps, 0);

    /* A misaligned access that runs off the end of RAM faults at the first missing byte. */
    h->x[A1] = TH_RAM_BASE + TH_RAM_SIZE - 2;
    expect_trap(t, LOAD(4, A0, A1, 0), EXC_LOAD_ACCESS, TH_RAM_BASE + TH_RAM_SIZE);
    th_free(t);
}

static void test_mret(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    /* To U with MPIE = 1: MIE = 1 (ignored in U, but restored), MPIE = 1, MPP = U. */
    h->mstatus = (h->mstatus & ~(MSTATUS_MPP | MSTATUS_MIE)) | MSTATUS_MPIE;
    h->mepc = TH_RAM_BASE + 0x500;
    assert_true(th_exec(t, MRET));
    assert_int_equal(h->priv, PRIV_U);
    assert_int_equal(h->pc, TH_RAM_BASE + 0x500);
    assert_true(h->mstatus & MSTATUS_MIE);
    assert_true(h->mstatus & MSTATUS_MPIE);
    assert_int_equal(h->mstatus & MSTATUS_MPP, (uint64_t)PRIV_U << MSTATUS_MPP_SHIFT);

    /* Back to M by a trap, then mret to M with MPIE = 0: MIE = 0, MPIE = 1, MPP = U. */
    expect_trap(t, ECALL, EXC_ECALL_U, 0);
    h->mstatus = (h->mstatus | MSTATUS_MPP | MSTATUS_MIE) & ~MSTATUS_MPIE;
    h->mepc = TH_RAM_BASE + 0x600;
    assert_true(th_exec(t, MRET));
    assert_int_equal(h->priv, PRIV_M);
    assert_int_equal(h->pc, TH_RAM_BASE + 0x600);
    assert_false(h->mstatus & MSTATUS_MIE);
    assert_true(h->mstatus & MSTATUS_MPIE);
    assert_int_equal(h->mstatus & MSTATUS_MPP, (uint64_t)PRIV_U << MSTATUS_MPP_SHIFT);

    /* mret to U clears MPRV. */
    h->mstatus = (h->mstatus & ~MSTATUS_MPP) | MSTATUS_MPRV;
    h->mepc = TH_RAM_BASE + 0x700;
    assert_true(th_exec(t, MRET));
    assert_false(h->mstatus & MSTATUS_MPRV);
    th_free(t);
}

static void test_interrupt_taken(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        uint64_t pc = h->pc;
        th_put32(t, pc, ADDI(A0, A0, 1));
        hart_set_mip(h, IRQ_M_TIMER, true);
        h->mie = MIP_MTIP;
        /* M-mode with MIE = 0: masked, the instruction runs. */
        hart_step(h);
        assert_int_equal(h->x[A0], 1);
        assert_int_equal(h->traps, 0);
        pc = h->pc;
        th_put32(t, pc, ADDI(A0, A0, 1));
        h->mstatus |= MSTATUS_MIE;
        uint64_t retired = hart_minstret(h);
        hart_step(h);
        assert_int_equal(h->x[A0], 1); /* not executed */
        assert_int_equal(h->mcause, intbit(h) | IRQ_M_TIMER);
        assert_int_equal(h->mepc, pc);
        assert_int_equal(h->mtval, 0);
        assert_int_equal(h->pc, TH_TRAP_VEC);
        assert_false(h->mstatus & MSTATUS_MIE);
        assert_true(h->mstatus & MSTATUS_MPIE);
        assert_int_equal(hart_minstret(h), retired);
        th_free(t);
    }
}

static void test_interrupt_in_user_mode_ignores_mie(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    enter_user(t, TH_RAM_BASE + 0x100);
    h->mstatus &= ~MSTATUS_MIE; /* M-mode interrupts are always enabled below M */
    h->mie = MIP_MSIP;
    hart_set_mip(h, IRQ_M_SOFT, true);
    hart_step(h);
    assert_int_equal(h->mcause, intbit(h) | IRQ_M_SOFT);
    assert_int_equal(h->mepc, TH_RAM_BASE + 0x100);
    assert_int_equal((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_U);
    assert_int_equal(h->priv, PRIV_M);
    th_free(t);
}

static void test_vectored_interrupts(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->mtvec = TH_TRAP_VEC | MTVEC_MODE_VECTORED;
    h->mstatus |= MSTATUS_MIE;
    h->mie = MIP_MTIP | MIP_MEIP;
    hart_set_mip(h, IRQ_M_TIMER, true);
    th_put32(t, h->pc, NOP);
    hart_step(h);
    assert_int_equal(h->pc, TH_TRAP_VEC + 4 * IRQ_M_TIMER);
    hart_set_mip(h, IRQ_M_TIMER, false);
    hart_set_mip(h, IRQ_M_EXT, true);
    h->pc = TH_RAM_BASE;
    h->mstatus |= MSTATUS_MIE;
    hart_step(h);
    assert_int_equal(h->pc, TH_TRAP_VEC + 4 * IRQ_M_EXT);
    th_free(t);
}

static void test_interrupt_priority(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    h->mie = MIP_MSIP | MIP_MTIP | MIP_MEIP;
    hart_set_mip(h, IRQ_M_TIMER, true);
    hart_set_mip(h, IRQ_M_SOFT, true);
    hart_set_mip(h, IRQ_M_EXT, true);
    static const unsigned order[] = { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER };
    for (size_t k = 0; k < 3; k++) {
        h->pc = TH_RAM_BASE;
        th_put32(t, h->pc, NOP);
        h->mstatus |= MSTATUS_MIE;
        hart_step(h);
        assert_int_equal(h->mcause, intbit(h) | order[k]);
        hart_set_mip(h, (enum irq_num)order[k], false);
    }
    /* Nothing left: the next step executes. */
    h->pc = TH_RAM_BASE;
    h->mstatus |= MSTATUS_MIE;
    uint64_t traps = h->traps;
    hart_step(h);
    assert_int_equal(h->traps, traps);
    assert_int_equal(h->pc, TH_RAM_BASE + 4);
    th_free(t);
}

/* Interrupts reach a hart running cached blocks under hart_run. */
static void test_interrupt_during_run(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    TH_PROG(t, TH_RAM_BASE, ADDI(A0, A0, 1), JAL(X0, -4));
    h->x[S0] = TH_FINISHER;
    TH_PROG(t, TH_TRAP_VEC, STORE(4, X0, S0, 0), JSELF);
    h->mie = MIP_MTIP;
    h->mstatus |= MSTATUS_MIE;
    assert_int_equal(hart_run(h, 100), HART_STOP_BUDGET);
    assert_int_equal(h->traps, 0);
    uint64_t count = h->x[A0];
    assert_true(count > 10);
    hart_set_mip(h, IRQ_M_TIMER, true);
    assert_int_equal(hart_run(h, 200), HART_STOP_EXIT);
    assert_int_equal(h->traps, 1);
    assert_int_equal(h->mcause, intbit(h) | IRQ_M_TIMER);
    assert_true(h->mepc == TH_RAM_BASE || h->mepc == TH_RAM_BASE + 4);
    th_free(t);
}

static void test_wfi(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    TH_PROG(t, TH_RAM_BASE, WFI, ADDI(A0, A0, 1), STORE(4, X0, S0, 0), JSELF);
    assert_int_equal(hart_run(h, 1000), HART_STOP_WFI);
    assert_int_equal(h->pc, TH_RAM_BASE + 4);
    assert_int_equal(h->x[A0], 0);
    /* Still waiting: the time budget is not used up by waiting, and stepping stays put. */
    assert_int_equal(hart_run(h, 1000), HART_STOP_WFI);
    assert_int_equal(hart_step(h), HART_STOP_WFI);
    assert_int_equal(h->x[A0], 0);
    /* Pending but not enabled in mie: no wake-up. */
    hart_set_mip(h, IRQ_M_TIMER, true);
    assert_int_equal(hart_run(h, 1000), HART_STOP_WFI);
    /* Enabled in mie with mstatus.MIE = 0: wakes, no trap, execution goes on after wfi. */
    h->mie = MIP_MTIP;
    assert_false(h->mstatus & MSTATUS_MIE);
    assert_int_equal(hart_run(h, 1000), HART_STOP_EXIT);
    assert_int_equal(h->x[A0], 1);
    assert_int_equal(h->traps, 0);
    th_free(t);
}

static void test_wfi_interrupt_taken(void **state)
{
    (void)state;
    struct testhart *t = th_new(32);
    struct hart *h = t->h;
    TH_PROG(t, TH_RAM_BASE, WFI, ADDI(A0, A0, 1));
    h->mstatus |= MSTATUS_MIE;
    h->mie = MIP_MEIP;
    assert_true(th_exec(t, WFI));
    assert_int_equal(hart_step(h), HART_STOP_WFI);
    hart_set_mip(h, IRQ_M_EXT, true);
    hart_step(h);
    /* The interrupt is taken with mepc pointing after the wfi. */
    assert_int_equal(h->mcause, intbit(h) | IRQ_M_EXT);
    assert_int_equal(h->mepc, TH_RAM_BASE + 4);
    assert_int_equal(h->x[A0], 0);
    th_free(t);
}

static void test_wfi_tw(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->mstatus |= MSTATUS_TW;
    enter_user(t, TH_RAM_BASE + 0x100);
    expect_trap(t, WFI, EXC_ILLEGAL_INSN, WFI);
    th_free(t);
}

/* A trapping instruction does not retire (and neither does what follows it in its block). */
static void test_trap_does_not_retire(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    h->x[S0] = TH_FINISHER;
    h->x[A1] = TH_NOWHERE;
    TH_PROG(t, TH_RAM_BASE, ADDI(A0, A0, 1), ADDI(A0, A0, 1), LOAD(4, A2, A1, 0), ADDI(A0, A0, 1),
            ADDI(A0, A0, 1), JSELF);
    TH_PROG(t, TH_TRAP_VEC, STORE(4, X0, S0, 0), JSELF);
    assert_int_equal(hart_run(h, 1000), HART_STOP_EXIT);
    assert_int_equal(h->traps, 1);
    assert_int_equal(h->mcause, EXC_LOAD_ACCESS);
    assert_int_equal(h->mepc, TH_RAM_BASE + 8);
    assert_int_equal(h->x[A0], 2);
    /* two addi and the handler's store */
    assert_int_equal(hart_minstret(h), 3);

    /* The same one step at a time. */
    struct testhart *u = th_new(64);
    uint64_t before = hart_minstret(u->h);
    expect_trap(u, ECALL, EXC_ECALL_M, 0);
    assert_int_equal(hart_minstret(u->h), before);
    assert_true(th_exec(u, NOP));
    assert_int_equal(hart_minstret(u->h), before + 1);
    th_free(u);
    th_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecall_from_m),
        cmocka_unit_test(test_ecall_from_u),
        cmocka_unit_test(test_ebreak),
        cmocka_unit_test(test_illegal_instruction),
        cmocka_unit_test(test_fetch_faults),
        cmocka_unit_test(test_access_faults),
        cmocka_unit_test(test_misaligned_trap),
        cmocka_unit_test(test_misaligned_emulate),
        cmocka_unit_test(test_mret),
        cmocka_unit_test(test_interrupt_taken),
        cmocka_unit_test(test_interrupt_in_user_mode_ignores_mie),
        cmocka_unit_test(test_vectored_interrupts),
        cmocka_unit_test(test_interrupt_priority),
        cmocka_unit_test(test_interrupt_during_run),
        cmocka_unit_test(test_wfi),
        cmocka_unit_test(test_wfi_interrupt_taken),
        cmocka_unit_test(test_wfi_tw),
        cmocka_unit_test(test_trap_does_not_retire),
    };
    return cmocka_run_group_tests_name("trap", tests, NULL, NULL);
}
