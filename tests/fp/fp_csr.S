/* FP control state: mstatus.FS (Privileged Architecture 1.12 section 3.1.6.6) and fcsr
 * (Unprivileged ISA 11.2). With FS = Off every FP instruction and FP CSR access is illegal;
 * an instruction that writes FP state makes FS Dirty and SD reads as 1; reserved static
 * rounding modes and DYN with frm = 5..7 are illegal; fcsr = frm << 5 | fflags; misa
 * reports F and D. */
#include "fp_test.h"

#define MISA_F (1 << 5)
#define MISA_D (1 << 3)
#define FADD_RM(rm) (0x00000053 | ((rm) << 12) | (13 << 7) | (10 << 15) | (11 << 20))

RVTEST_CODE_BEGIN
  /* misa has F and D. */
  TEST_CASE(1, a0, MISA_F | MISA_D, csrr a0, misa; andi a0, a0, MISA_F | MISA_D)

  /* FS Off: instructions and CSRs trap with the instruction bits in mtval. */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  TEST_CASE(2, a0, 0, csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_TRAP_TVAL(3, CAUSE_ILLEGAL_INSTRUCTION, FADD_RM(0), .word FADD_RM(0))
  TEST_TRAP_TVAL(4, CAUSE_ILLEGAL_INSTRUCTION, 0x0002a507, flw fa0, 0(t0))
  TEST_TRAP_TVAL(5, CAUSE_ILLEGAL_INSTRUCTION, 0x001025f3, csrr a1, fflags)
  TEST_TRAP_TVAL(6, CAUSE_ILLEGAL_INSTRUCTION, 0x00301073, csrw fcsr, zero)
  TEST_TRAP_TVAL(7, CAUSE_ILLEGAL_INSTRUCTION, 0xe0050553, fmv.x.w a0, fa0)
  TEST_TRAP_TVAL(8, CAUSE_ILLEGAL_INSTRUCTION, 0x2000, .half 0x2000 /* c.fld fs0,0(s0) */)

  /* FS Initial: usable, SD clear. */
  li t0, 0x2000
  csrs mstatus, t0
  TEST_CASE(10, a0, 0, csrr a0, mstatus; srli a0, a0, __riscv_xlen - 1)
  /* A write to an f register makes FS Dirty, and SD reads as 1. */
  TEST_CASE(11, a0, MSTATUS_FS, fmv.w.x fa0, zero; csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_CASE(12, a0, 1, csrr a0, mstatus; srli a0, a0, __riscv_xlen - 1)
  /* Writing fflags also dirties FS. */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, 0x4000
  csrs mstatus, t0
  TEST_CASE(13, a0, MSTATUS_FS, csrwi fflags, 1; csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)

  /* fcsr, frm and fflags are views of one register. */
  TEST_CASE(20, a0, 0xff, li t0, 0x1ff; csrw fcsr, t0; csrr a0, fcsr)
  TEST_CASE(21, a0, 7, frrm a0)
  TEST_CASE(22, a0, 0x1f, frflags a0)
  TEST_CASE(23, a0, 0x45, fsrmi 2; fsflagsi 5; frcsr a0)
  TEST_CASE(24, a0, 0x45, fscsr a0, zero; frcsr t1; bnez t1, fail)
  /* Accrued flags accumulate: OR-ed, never cleared by an instruction. */
  TEST_CASE(25, a0, NV|DZ, fmv.w.x fa0, zero; fdiv.s fa1, fa0, fa0; li t0, 0x3f800000; fmv.w.x fa2, t0; fdiv.s fa1, fa2, fa0; fadd.s fa1, fa2, fa2; frflags a0)

  /* Reserved rounding modes. */
  TEST_TRAP_TVAL(30, CAUSE_ILLEGAL_INSTRUCTION, FADD_RM(5), .word FADD_RM(5))
  TEST_TRAP_TVAL(31, CAUSE_ILLEGAL_INSTRUCTION, FADD_RM(6), .word FADD_RM(6))
  /* DYN with frm holding 5, 6 or 7 is illegal; static modes still work; so does an
   * instruction without a rounding mode. */
  fsrmi 5
  TEST_TRAP_TVAL(32, CAUSE_ILLEGAL_INSTRUCTION, FADD_RM(7), .word FADD_RM(7))
  fsrmi 7
  TEST_TRAP_TVAL(33, CAUSE_ILLEGAL_INSTRUCTION, FADD_RM(7), .word FADD_RM(7))
  TEST_NO_TRAP(34, .word FADD_RM(0); fsgnj.s fa3, fa0, fa1; fmin.s fa3, fa0, fa1)
  fsrmi 0
  TEST_NO_TRAP(35, .word FADD_RM(7))

  RVTEST_PASS
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
