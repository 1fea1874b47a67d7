# div.S: M extension division (Unprivileged ISA 7.2): div divu rem remu, and on RV64 divw
# divuw remw remuw. Covers rounding toward zero, the sign of the remainder (that of the
# dividend), division by zero (quotient all ones, remainder = dividend) and signed overflow
# (XMIN / -1 = XMIN, remainder 0), for both widths; W forms sign-extend their 32-bit results.
#include "test.h"
RVTEST_CODE_BEGIN
  TEST_RR_OP(1, div, 3, 20, 6)
  TEST_RR_OP(2, div, -3, -20, 6)
  TEST_RR_OP(3, div, -3, 20, -6)
  TEST_RR_OP(4, div, 3, -20, -6)
  TEST_RR_OP(5, div, -1, -1, 1)
  TEST_RR_OP(6, div, XMIN, XMIN, 1)
  TEST_RR_OP(7, div, XMIN, XMIN, -1)     # overflow
  TEST_RR_OP(8, div, -1, XMIN, 0)        # by zero
  TEST_RR_OP(9, div, -1, 1, 0)
  TEST_RR_OP(10, div, -1, 0, 0)
  TEST_RR_OP(11, divu, 3, 20, 6)
#if __riscv_xlen == 64
  TEST_RR_OP(12, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
#else
  TEST_RR_OP(12, divu, 0x2aaaaaa7, -20, 6)
#endif
  TEST_RR_OP(13, divu, 0, 20, -6)
  TEST_RR_OP(14, divu, 1, XMIN, XMIN)
  TEST_RR_OP(15, divu, 0, XMIN, -1)
  TEST_RR_OP(16, divu, -1, XMIN, 0)      # by zero: 2^XLEN - 1
  TEST_RR_OP(17, divu, -1, 0, 0)
  TEST_RR_OP(18, rem, 2, 20, 6)
  TEST_RR_OP(19, rem, -2, -20, 6)
  TEST_RR_OP(20, rem, 2, 20, -6)
  TEST_RR_OP(21, rem, -2, -20, -6)
  TEST_RR_OP(22, rem, 0, XMIN, 1)
  TEST_RR_OP(23, rem, 0, XMIN, -1)       # overflow: remainder 0
  TEST_RR_OP(24, rem, XMIN, XMIN, 0)     # by zero: the dividend
  TEST_RR_OP(25, rem, 1, 1, 0)
  TEST_RR_OP(26, rem, 0, 0, 0)
  TEST_RR_OP(27, remu, 2, 20, 6)
  TEST_RR_OP(28, remu, 2, -20, 6)
  TEST_RR_OP(29, remu, 20, 20, -6)
  TEST_RR_OP(30, remu, 0, XMIN, XMIN)
  TEST_RR_OP(31, remu, XMIN, XMIN, -1)
  TEST_RR_OP(32, remu, XMIN, XMIN, 0)    # by zero: the dividend
  TEST_RR_OP(33, remu, -1, -1, 0)
  TEST_RR_OP(34, remu, 0, 0, 0)
  TEST_RR_ZERODEST(35, div, 7, 0)
  TEST_RR_ZERODEST(36, divu, 7, 0)
  TEST_RR_ZERODEST(37, rem, XMIN, -1)
  TEST_RR_ZERODEST(38, remu, 7, 0)
  TEST_RR_SRC1_EQ_DEST(39, div, 4, 9, 2)
  TEST_RR_SRC2_EQ_DEST(40, rem, 1, 9, 2)
#if __riscv_xlen == 64
  TEST_RR_OP(41, divw, 3, 20, 6)
  TEST_RR_OP(42, divw, -3, 0xffffffffffffffec, 6)
  TEST_RR_OP(43, divw, -3, 0x00000000ffffffec, 6)           # only the low 32 bits count
  TEST_RR_OP(44, divw, 0xffffffff80000000, 0x80000000, -1)  # overflow, sign-extended
  TEST_RR_OP(45, divw, -1, 0x80000000, 0)                   # by zero
  TEST_RR_OP(46, divw, -1, 5, 0x100000000)                  # divisor's low 32 bits are 0
  TEST_RR_OP(47, divuw, 0x000000003ffffffb, 0xffffffec, 4)
  TEST_RR_OP(48, divuw, 0xffffffffffffffff, 0xffffffec, 0)  # by zero: 32 ones, sign-extended
  TEST_RR_OP(49, divuw, 0xffffffff80000000, 0x80000000, 1)  # result bit 31 sign-extends
  TEST_RR_OP(50, divuw, 0, 0x80000000, 0xffffffff)
  TEST_RR_OP(51, remw, -2, 0xffffffec, 6)
  TEST_RR_OP(52, remw, 0, 0x80000000, -1)                   # overflow
  TEST_RR_OP(53, remw, 0xffffffff80000000, 0x80000000, 0)   # by zero: sext(dividend[31:0])
  TEST_RR_OP(54, remw, 0x0000000012345678, 0xabcdef0012345678, 0)
  TEST_RR_OP(55, remuw, 0x0000000000000002, 0xffffffec, 6)
  TEST_RR_OP(56, remuw, 0xffffffffffffffec, 0xffffffec, 0)  # by zero: sign-extended dividend
  TEST_RR_OP(57, remuw, 0xffffffff80000000, 0x80000000, 0xffffffff)
  TEST_RR_OP(58, remuw, 0x000000007fffffff, 0x7fffffff, 0x80000000)
  TEST_RR_ZERODEST(59, divw, 1, 0)
  TEST_RR_ZERODEST(60, divuw, 1, 0)
  TEST_RR_ZERODEST(61, remw, 1, 0)
  TEST_RR_ZERODEST(62, remuw, 1, 0)
  TEST_RR_OP(63, div, 0xc000000000000000, 0x8000000000000000, 2)
  TEST_RR_OP(64, divu, 0x4000000000000000, 0x8000000000000000, 2)
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
