# mul.S: M extension multiplication (Unprivileged ISA ch. 7.1): mul mulh mulhsu mulhu, and on
# RV64 mulw (low 32 bits of the product, sign-extended). Edge values: XLEN minimum, -1, and
# operand orders that distinguish signed from unsigned high halves.
#include "test.h"
RVTEST_CODE_BEGIN
  TEST_RR_OP(1, mul, 0, 0, 0)
  TEST_RR_OP(2, mul, 56, 7, 8)
  TEST_RR_OP(3, mul, -56, -7, 8)
  TEST_RR_OP(4, mul, 1, -1, -1)
  TEST_RR_OP(5, mul, XMIN, XMIN, -1)        # overflow wraps
  TEST_RR_OP(6, mul, 0, XMIN, 2)
  TEST_RR_OP(7, mul, 1, XMAX, XMAX)          # (2^(n-1)-1)^2 mod 2^n
  TEST_RR_SRC1_EQ_DEST(8, mul, 143, 13, 11)
  TEST_RR_ZERODEST(9, mul, 3, 4)

  # High halves: for XLEN n, mulh(-1,-1)=0, mulhu(-1,-1)=-2 (2^n-2), mulhsu(-1,-1)=-1.
  TEST_RR_OP(10, mulh, 0, -1, -1)
  TEST_RR_OP(11, mulhu, -2, -1, -1)
  TEST_RR_OP(12, mulhsu, -1, -1, -1)
  TEST_RR_OP(13, mulh, -1, -1, 1)
  TEST_RR_OP(14, mulhu, 0, -1, 1)
  TEST_RR_OP(15, mulhsu, 0, 1, -1)          # rs2 unsigned: 1 * (2^n - 1)
  TEST_RR_OP(16, mulh, MASK_XLEN(1 << (__riscv_xlen - 2)), XMIN, XMIN)
  TEST_RR_OP(17, mulhu, MASK_XLEN(1 << (__riscv_xlen - 2)), XMIN, XMIN)
  TEST_RR_OP(18, mulhsu, MASK_XLEN(-1 << (__riscv_xlen - 2)), XMIN, XMIN)
  TEST_RR_OP(19, mulh, MASK_XLEN(-1 << (__riscv_xlen - 2)), XMIN, XMAX)
  TEST_RR_OP(20, mulhu, 0, 0xffff, 0xffff)
  TEST_RR_OP(21, mulh, 0, 0, -1)
  TEST_RR_ZERODEST(22, mulh, -1, -1)
  TEST_RR_ZERODEST(23, mulhu, -1, -1)
  TEST_RR_ZERODEST(24, mulhsu, -1, -1)
#if __riscv_xlen == 64
  TEST_RR_OP(25, mulh, 0x0000000000000000, 0x0000000100000000, 0x00000000ffffffff)
  TEST_RR_OP(26, mulhu, 0x00000000fffffffe, 0xffffffff00000000, 0x00000000ffffffff)
  TEST_RR_OP(27, mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
  TEST_RR_OP(28, mulw, 0xffffffff80000000, 0x40000000, 2)   # sign extension of bit 31
  TEST_RR_OP(29, mulw, 0x0000000000000001, 0xffffffffffffffff, 0x00000000ffffffff)
  TEST_RR_OP(30, mulw, 0x0000000000000006, 0x1234567800000002, 0xabcdef0000000003)  # upper ignored
  TEST_RR_OP(31, mulw, 0xffffffff80000000, 0x80000000, 0xffffffff)
  TEST_RR_OP(32, mulw, 0x000000007ffe8001, 0x7fff, 0xffff)   # 0x7fff * 0xffff fits
  TEST_RR_ZERODEST(33, mulw, 5, 6)
#else
  TEST_RR_OP(25, mulh, 0x00000000, 0x00010000, 0x0000ffff)
  TEST_RR_OP(26, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
  TEST_RR_OP(27, mulhsu, 0xffffffff, 0x80000000, 0x00000001)
  TEST_RR_OP(28, mulhu, 0x00000001, 0x80000000, 0x00000002)
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
