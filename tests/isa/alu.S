# alu.S: RV32I/RV64I integer register-register and register-immediate arithmetic and logic
# (Unprivileged ISA ch. 2.4 / 5.2): add sub addi slt sltu slti sltiu and or xor andi ori xori
# lui auipc, and on RV64 the *W forms addw subw addiw with their sign extension of bit 31.
# Also checks that writes to x0 are discarded and reads of x0 give zero.
#include "test.h"
RVTEST_CODE_BEGIN

  TEST_RR_OP(1, add, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(2, add, 0x0000000a, 0x00000003, 0x00000007)
  TEST_RR_OP(3, add, -1, 0, -1)
  TEST_RR_OP(4, add, 0, -1, 1)
#if __riscv_xlen == 64
  TEST_RR_OP(5, add, 0x80000000, 0x7fffffff, 1)
  TEST_RR_OP(6, add, XMIN, XMAX, 1)
#else
  TEST_RR_OP(5, add, 0x80000000, 0x7fffffff, 1)
  TEST_RR_OP(6, add, 0x80000000, 0x80000001, -1)
#endif
  TEST_RR_SRC1_EQ_DEST(7, add, 24, 13, 11)
  TEST_RR_SRC2_EQ_DEST(8, add, 25, 14, 11)
  TEST_RR_ZERODEST(9, add, 5, 6)

  TEST_RR_OP(10, sub, 0, 0, 0)
  TEST_RR_OP(11, sub, -1, 0, 1)
  TEST_RR_OP(12, sub, -2, XMAX, XMIN + 1)
  TEST_RR_OP(13, sub, XMAX, XMIN, 1)
  TEST_RR_SRC1_EQ_DEST(14, sub, 2, 13, 11)
  TEST_RR_ZERODEST(15, sub, 5, 6)

  TEST_IMM_OP(16, addi, 0x7ff, 0, 0x7ff)
  TEST_IMM_OP(17, addi, -2048, 0, -2048)
  TEST_IMM_OP(18, addi, 0xfffffffffffff7ff, 0xffffffffffffffff, -2048)
  TEST_IMM_OP(19, addi, 0x80000000, 0x7fffffff, 1)
  TEST_CASE(20, x0, 0, li a1, 5; addi x0, a1, 7)
  TEST_CASE(21, a4, 7, addi a4, x0, 7)

  TEST_RR_OP(22, slt, 0, 0, 0)
  TEST_RR_OP(23, slt, 1, -1, 0)
  TEST_RR_OP(24, slt, 0, 0, -1)
  TEST_RR_OP(25, slt, 1, XMIN, XMAX)
  TEST_RR_OP(26, slt, 0, XMAX, XMIN)
  TEST_RR_OP(27, sltu, 0, -1, 0)
  TEST_RR_OP(28, sltu, 1, 0, -1)
  TEST_RR_OP(29, sltu, 1, XMAX, XMIN)
  TEST_RR_OP(30, sltu, 0, 5, 5)
  TEST_IMM_OP(31, slti, 1, -5, -4)
  TEST_IMM_OP(32, slti, 0, -4, -4)
  TEST_IMM_OP(33, slti, 0, XMAX, -1)
  # sltiu sign-extends the immediate, then compares unsigned: x < 0xfff..ff for all x != -1.
  TEST_IMM_OP(34, sltiu, 1, XMAX, -1)
  TEST_IMM_OP(35, sltiu, 0, -1, -1)
  TEST_IMM_OP(36, sltiu, 1, 0, 1)   # seqz
  TEST_IMM_OP(37, sltiu, 0, 7, 1)
  TEST_CASE(38, a4, 1, li a1, 9; snez a4, a1)
  TEST_RR_ZERODEST(39, slt, -1, 0)

  TEST_RR_OP(40, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(41, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(42, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_IMM_OP(43, andi, 0xff00ff00, 0xff00ff00, -1)
  TEST_IMM_OP(44, andi, 0x00000700, 0xff00ff00, 0x70f)
  TEST_IMM_OP(45, ori, 0xffffffffffffffff, 0x00ff00ff, -241)
  TEST_IMM_OP(46, xori, 0xffffffffff00f00f, 0x00ff0f00, -241)
  TEST_IMM_OP(47, xori, 0xffffffffffffffff, 0, -1)   # not
  TEST_RR_ZERODEST(48, or, 1, 2)
  TEST_RR_ZERODEST(49, xor, 1, 2)

  # lui places imm[31:12] and sign-extends bit 31 on RV64.
  TEST_CASE(50, a4, 0x00000000, lui a4, 0)
  TEST_CASE(51, a4, 0x7ffff000, lui a4, 0x7ffff)
  TEST_CASE(52, a4, 0xffffffff80000000, lui a4, 0x80000)
  TEST_CASE(53, a4, 0xfffffffffffff800, lui a4, 0xfffff; sra a4, a4, 1)
  TEST_CASE(54, x0, 0, lui x0, 0x80000)

  # auipc adds to its own pc.
  TEST_CASE(55, a4, 0x2000, \
    .option push; .option norvc; \
    1: auipc a4, 2; la a1, 1b; sub a4, a4, a1; .option pop)
  TEST_CASE(56, a4, -0x1000, \
    .option push; .option norvc; \
    1: auipc a4, 0xfffff; la a1, 1b; sub a4, a4, a1; .option pop)
  TEST_CASE(57, x0, 0, auipc x0, 1)

#if __riscv_xlen == 64
  TEST_RR_OP(60, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR_OP(61, addw, 0, 0xffffffff, 1)
  TEST_RR_OP(62, addw, 0x000000007fffffff, 0x123456780000000f, 0x7ffffff0)  # upper bits ignored
  TEST_RR_OP(63, addw, 0xffffffffffffffff, 0x00000000ffffffff, 0)
  TEST_RR_OP(64, subw, 0x000000007fffffff, 0x80000000, 1)
  TEST_RR_OP(65, subw, 0xffffffff80000000, 0, 0x80000000)
  TEST_RR_OP(66, subw, 0xffffffffffffffff, 0x100000000, 1)
  TEST_IMM_OP(67, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_IMM_OP(68, addiw, 0x000000007ffff800, 0xffffffff7fffffff, -2047)
  TEST_IMM_OP(69, addiw, 0xffffffffffffffff, 0xffffffff, 0)   # sext.w
  TEST_IMM_OP(70, addiw, 0x0000000012345678, 0xabcdef0012345678, 0)
  TEST_RR_ZERODEST(71, addw, 1, 2)
  TEST_CASE(72, x0, 0, li a1, 3; addiw x0, a1, 1)
  TEST_RR_SRC1_EQ_DEST(73, subw, 0xfffffffffffffffe, 0xffffffff, 1)
#endif

  # Every register but x0 holds what it was given; x0 still reads zero afterwards.
  TEST_CASE(80, a4, 0, li a1, 1; add x0, a1, a1; mv a4, x0)

  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
