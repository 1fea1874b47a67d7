# amo.S: A extension atomic memory operations (Unprivileged ISA 8.4): amoswap amoadd amoxor
# amoand amoor amomin amomax amominu amomaxu, .w on RV32/RV64 and .d on RV64. Each case checks
# the value returned in rd (the old memory value; sign-extended for .w on RV64) and the new
# memory value, with signed/unsigned min/max edge values, that .w uses only rs2[31:0], that a
# .w AMO leaves the neighbouring word alone, and that rd = x0 and rd = rs2 behave.
#include "test.h"

/* init: memory before; op: rs2; old: expected rd; new: expected memory afterwards. */
#define TEST_AMO_W(n, inst, init, op, old, new)                                \
  TEST_CASE(n, a4, new, la a1, amo_buf; li a2, MASK_XLEN(init); sw a2, 0(a1);  \
            li a2, 0x5a5a5a5a; sw a2, 4(a1); li a3, MASK_XLEN(op);             \
            inst a5, a3, (a1); CHECK_EQ_IMM(a5, old); lw a2, 4(a1);            \
            CHECK_EQ_IMM(a2, 0x5a5a5a5a); lw a4, 0(a1))
#define TEST_AMO_D(n, inst, init, op, old, new)                                \
  TEST_CASE(n, a4, new, la a1, amo_buf; li a2, init; sd a2, 0(a1);             \
            li a3, op; inst a5, a3, (a1); CHECK_EQ_IMM(a5, old); ld a4, 0(a1))

RVTEST_CODE_BEGIN
  TEST_AMO_W(1, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
  TEST_AMO_W(2, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000)
  TEST_AMO_W(3, amoadd.w, 0xffffffff, 1, -1, 0)
  TEST_AMO_W(4, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfffffffff0f0f0f0)
  TEST_AMO_W(5, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
  TEST_AMO_W(6, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfffffffffff0fff0)
  TEST_AMO_W(7, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
  TEST_AMO_W(8, amomin.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0xffffffff80000000)
  TEST_AMO_W(9, amomin.w, 1, -1, 1, -1)
  TEST_AMO_W(10, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO_W(11, amomax.w, -1, 0, -1, 0)
  TEST_AMO_W(12, amomax.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0x7fffffff)
  TEST_AMO_W(13, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO_W(14, amominu.w, -1, 0, -1, 0)
  TEST_AMO_W(15, amominu.w, 0, -1, 0, 0)
  TEST_AMO_W(16, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff80000000)
  TEST_AMO_W(17, amomaxu.w, 0, -1, 0, -1)
  TEST_AMO_W(18, amomaxu.w, 0x7fffffff, 0x80000000, 0x7fffffff, 0xffffffff80000000)
  # rd = x0: memory still updated.
  TEST_CASE(19, a4, 12, la a1, amo_buf; li a2, 5; sw a2, 0(a1); li a3, 7; \
            amoadd.w x0, a3, (a1); lw a4, 0(a1))
  # rd = rs2: rs2 is read before rd is written.
  TEST_CASE(20, a3, 5, la a1, amo_buf; li a2, 5; sw a2, 0(a1); li a3, 9; \
            amoswap.w a3, a3, (a1); lw a2, 0(a1); CHECK_EQ_IMM(a2, 9))
  # Ordering bits do not change the result.
  TEST_CASE(21, a4, 3, la a1, amo_buf; li a2, 1; sw a2, 0(a1); li a3, 2; \
            amoadd.w.aqrl a5, a3, (a1); lw a4, 0(a1))
  TEST_CASE(22, a4, 2, la a1, amo_buf; li a2, 1; sw a2, 0(a1); li a3, 2; \
            amoswap.w.aq a5, a3, (a1); amoor.w.rl a5, x0, (a1); lw a4, 0(a1))
#if __riscv_xlen == 64
  # .w uses rs2[31:0] only.
  TEST_AMO_W(30, amominu.w, 2, 0xffffffff00000001, 2, 1)
  TEST_AMO_W(31, amomax.w, 0, 0x00000000ffffffff, 0, 0)
  TEST_AMO_W(32, amoadd.w, 0xffffffff, 0x0000000100000001, -1, 0)
  TEST_AMO_W(33, amomin.w, 0, 0x0000000080000000, 0, 0xffffffff80000000)

  TEST_AMO_D(40, amoswap.d, 0x8000000000000000, 0x0123456789abcdef, 0x8000000000000000, 0x0123456789abcdef)
  TEST_AMO_D(41, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO_D(42, amoadd.d, 0x00000000ffffffff, 1, 0x00000000ffffffff, 0x0000000100000000)
  TEST_AMO_D(43, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
  TEST_AMO_D(44, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
  TEST_AMO_D(45, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
  TEST_AMO_D(46, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO_D(47, amomin.d, 0x7fffffffffffffff, -1, 0x7fffffffffffffff, -1)
  TEST_AMO_D(48, amomin.d, 0x0000000080000000, 0, 0x0000000080000000, 0)   # not a 32-bit compare
  TEST_AMO_D(49, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO_D(50, amomax.d, -1, 0, -1, 0)
  TEST_AMO_D(51, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO_D(52, amominu.d, -1, 0, -1, 0)
  TEST_AMO_D(53, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO_D(54, amomaxu.d, 0, -1, 0, -1)
  TEST_AMO_D(55, amomaxu.d, 0x00000000ffffffff, 0x0000000100000000, 0x00000000ffffffff, 0x0000000100000000)
  TEST_CASE(56, a4, 12, la a1, amo_buf; li a2, 5; sd a2, 0(a1); li a3, 7; \
            amoadd.d x0, a3, (a1); ld a4, 0(a1))
  TEST_CASE(57, a3, 5, la a1, amo_buf; li a2, 5; sd a2, 0(a1); li a3, 9; \
            amoswap.d a3, a3, (a1); ld a2, 0(a1); CHECK_EQ_IMM(a2, 9))
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 8
amo_buf:
  .dword 0, 0
RVTEST_DATA_END
