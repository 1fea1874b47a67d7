# shift.S: RV32I/RV64I shifts (Unprivileged ISA 2.4, 5.2): sll srl sra slli srli srai, and on
# RV64 sllw srlw sraw slliw srliw sraiw. Register shifts use only the low log2(XLEN) bits of
# rs2 (5 for the W forms); W forms operate on the low 32 bits and sign-extend the result.
#include "test.h"
RVTEST_CODE_BEGIN

  TEST_RR_OP(1, sll, 0x00000001, 0x00000001, 0)
  TEST_RR_OP(2, sll, 0x00000080, 0x00000001, 7)
  TEST_RR_OP(3, sll, XMIN, 1, __riscv_xlen - 1)
  TEST_RR_OP(4, sll, 0x00000002, 0x00000001, __riscv_xlen + 1)   # only low bits of rs2
  TEST_RR_OP(5, sll, 0x00000001, 0x00000001, -__riscv_xlen)       # shamt 0
  TEST_RR_OP(6, srl, XMIN >> 7, XMIN, 7)
  TEST_RR_OP(7, srl, 1, -1, __riscv_xlen - 1)
  TEST_RR_OP(8, srl, MASK_XLEN(-1) >> 1, -1, __riscv_xlen + 1)
  TEST_RR_OP(9, sra, -1, XMIN, __riscv_xlen - 1)
  TEST_RR_OP(10, sra, MASK_XLEN(-1 << (__riscv_xlen - 2)), XMIN, 1)
  TEST_RR_OP(11, sra, 0x3fffffff, 0x7fffffff, 1)
  TEST_RR_OP(12, sra, -1, -1, -1)
  TEST_IMM_OP(13, slli, 0x00000100, 1, 8)
  TEST_IMM_OP(14, slli, XMIN, 1, __riscv_xlen - 1)
  TEST_IMM_OP(15, srli, 1, XMIN, __riscv_xlen - 1)
  TEST_IMM_OP(16, srli, 0x7fffffff, 0xffffffff, 1)
  TEST_IMM_OP(17, srai, -1, XMIN, __riscv_xlen - 1)
  TEST_IMM_OP(18, srai, 0x0fffffff, 0x7fffffff, 3)
  TEST_IMM_OP(19, srai, -2, -3, 1)
  TEST_RR_SRC1_EQ_DEST(20, sll, 0x00000040, 1, 6)
  TEST_RR_SRC2_EQ_DEST(21, srl, 0x00000001, 0x80, 7)
  TEST_RR_ZERODEST(22, sra, -1, 3)
  TEST_CASE(23, x0, 0, li a1, 1; slli x0, a1, 3)
  TEST_CASE(24, x0, 0, li a1, 8; srli x0, a1, 3)
  TEST_CASE(25, x0, 0, li a1, 8; srai x0, a1, 3)
#if __riscv_xlen == 64
  TEST_IMM_OP(26, slli, 0x8000000000000000, 1, 63)
  TEST_IMM_OP(27, srli, 0x00000000ffffffff, 0xffffffffffffffff, 32)
  TEST_IMM_OP(28, srai, 0xffffffff80000000, 0x8000000000000000, 32)

  TEST_RR_OP(30, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR_OP(31, sllw, 0x0000000000000002, 1, 33)              # rs2[4:0] only
  TEST_RR_OP(32, sllw, 0x0000000012345678, 0xffffffff12345678, 0) # sign-extends bit 31
  TEST_RR_OP(33, srlw, 0x0000000000000001, 0x80000000, 31)
  TEST_RR_OP(34, srlw, 0xffffffff80000000, 0xffffffff80000000, 0)
  TEST_RR_OP(35, srlw, 0x000000007fffffff, 0x12345678ffffffff, 1) # upper bits ignored
  TEST_RR_OP(36, srlw, 0x000000007fffffff, 0xffffffff, 33)
  TEST_RR_OP(37, sraw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_RR_OP(38, sraw, 0x0000000000000000, 0xffffffff7fffffff, 31)
  TEST_RR_OP(39, sraw, 0xffffffffc0000000, 0x80000000, 33)
  TEST_IMM_OP(40, slliw, 0xffffffff80000000, 1, 31)
  TEST_IMM_OP(41, slliw, 0x0000000000000000, 0xffffffff00000000, 1)
  TEST_IMM_OP(42, srliw, 0x0000000000000001, 0xffffffff80000000, 31)
  TEST_IMM_OP(43, srliw, 0xffffffff80000000, 0x80000000, 0)
  TEST_IMM_OP(44, sraiw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_IMM_OP(45, sraiw, 0x0000000001234567, 0xffffffff12345678, 4)
  TEST_RR_ZERODEST(46, sllw, 1, 1)
  TEST_CASE(47, x0, 0, li a1, 1; slliw x0, a1, 3)
#endif

  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
