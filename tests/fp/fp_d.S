/* D (double precision, Unprivileged ISA chapter 12) on RV32 and RV64: rounding modes,
 * flags, subnormals, NaNs, conversions between formats and to and from integers at their
 * boundaries, fused multiply-add, moves, and the compressed double loads and stores. */
#include "fp_test.h"

RVTEST_CODE_BEGIN
  FP_ENABLE

  /* 1 + 2^-53 is a tie between 1 and 1 + 2^-52. */
  TEST_FF(1, 0x4008000000000000, 0, 0x3ff0000000000000, 0x4000000000000000, 0, fadd.d fa3, fa0, fa1)
  TEST_FF(2, 0x3ff0000000000000, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa3, fa0, fa1, rne)
  TEST_FF(3, 0x3ff0000000000000, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa3, fa0, fa1, rtz)
  TEST_FF(4, 0x3ff0000000000000, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa3, fa0, fa1, rdn)
  TEST_FF(5, 0x3ff0000000000001, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa3, fa0, fa1, rup)
  TEST_FF(6, 0x3ff0000000000001, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fadd.d fa3, fa0, fa1, rmm)
  TEST_FF(7, 0x3ff0000000000001, NX, 0x3ff0000000000000, 0x3ca0000000000000, 0, fsrmi 3; fadd.d fa3, fa0, fa1; fsrmi 0)
  TEST_FF(8, 0x8000000000000000, 0, 0x3ff0000000000000, 0x3ff0000000000000, 0, fsub.d fa3, fa0, fa1, rdn)

  TEST_FF(10, 0x7ff0000000000000, OF|NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa3, fa0, fa1)
  TEST_FF(11, 0x7fefffffffffffff, OF|NX, 0x7fefffffffffffff, 0x4000000000000000, 0, fmul.d fa3, fa0, fa1, rtz)
  TEST_FF(12, 0xffefffffffffffff, OF|NX, 0xffefffffffffffff, 0x4000000000000000, 0, fmul.d fa3, fa0, fa1, rup)
  TEST_FF(13, 0x0000000000000000, UF|NX, 0x0000000000000001, 0x3fe0000000000000, 0, fmul.d fa3, fa0, fa1)
  TEST_FF(14, 0x0008000000000000, 0, 0x0010000000000000, 0x3fe0000000000000, 0, fmul.d fa3, fa0, fa1)
  TEST_FF(15, 0x0010000000000000, UF|NX, 0x001fffffffffffff, 0x3fe0000000000000, 0, fmul.d fa3, fa0, fa1)
  TEST_FF(16, 0x7ff0000000000000, DZ, 0x3ff0000000000000, 0, 0, fdiv.d fa3, fa0, fa1)
  TEST_FF(17, 0x7ff8000000000000, NV, 0, 0, 0, fdiv.d fa3, fa0, fa1)
  TEST_FF(18, 0x3fd5555555555555, NX, 0x3ff0000000000000, 0x4008000000000000, 0, fdiv.d fa3, fa0, fa1)
  TEST_FF(19, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000, 0, 0, fsqrt.d fa3, fa0)
  TEST_FF(20, 0x7ff8000000000000, NV, 0xbff0000000000000, 0, 0, fsqrt.d fa3, fa0)
  TEST_FF(21, 0x7ff8000000000000, 0, 0xfff8000000000123, 0x3ff0000000000000, 0, fadd.d fa3, fa0, fa1)
  TEST_FF(22, 0x7ff8000000000000, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, fmul.d fa3, fa0, fa1)
  TEST_FF(23, 0x8000000000000000, 0, 0x0000000000000000, 0x8000000000000000, 0, fmin.d fa3, fa0, fa1)
  TEST_FF(24, 0x3ff0000000000000, NV, 0x7ff0000000000001, 0x3ff0000000000000, 0, fmin.d fa3, fa0, fa1)
  TEST_FF(25, 0x7ff8000000000000, 0, 0x7ff8000000000000, 0xfff8000000000000, 0, fmax.d fa3, fa0, fa1)
  TEST_FF(26, 0xbff0000000000000, 0, 0x3ff0000000000000, 0, 0, fneg.d fa3, fa0)
  TEST_FF(27, 0x3ff0000000000000, 0, 0xbff0000000000000, 0, 0, fabs.d fa3, fa0)

  /* One rounding: (1+2^-52)^2 - (1+2^-51) = 2^-104 exactly. */
  TEST_FF(30, 0x3970000000000000, 0, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, fmadd.d fa3, fa0, fa1, fa2)
  TEST_FF(31, 0xc01c000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fnmadd.d fa3, fa0, fa1, fa2)
  TEST_FF(32, 0x7ff8000000000000, NV, 0, 0x7ff0000000000000, 0x7ff8000000000000, fmadd.d fa3, fa0, fa1, fa2)
  TEST_FF(33, 0x4014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fmsub.d fa3, fa0, fa1, fa2)
  TEST_FF(34, 0xc014000000000000, 0, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, fnmsub.d fa3, fa0, fa1, fa2)

  /* Compares and classify. */
  TEST_FX(40, 1, 0, 0x8000000000000000, 0, feq.d a0, fa0, fa1)
  TEST_FX(41, 0, NV, 0x7ff8000000000000, 0, fle.d a0, fa0, fa1)
  TEST_FX(42, 0, NV, 0x7ff0000000000001, 0, feq.d a0, fa0, fa1)
  TEST_FX(43, 1, 0, 0xfff0000000000000, 0xffefffffffffffff, flt.d a0, fa0, fa1)
  TEST_FX(44, 0x004, 0, 0x800fffffffffffff, 0, fclass.d a0, fa0)
  TEST_FX(45, 0x100, 0, 0x7ff4000000000000, 0, fclass.d a0, fa0)
  TEST_FX(46, 0x200, 0, 0x7ff8000000000000, 0, fclass.d a0, fa0)
  TEST_FX(47, 0x040, 0, 0x3ff0000000000000, 0, fclass.d a0, fa0)

  /* Double to 32-bit integer at the boundaries. */
  TEST_FX(50, 0x7fffffff, NV, 0x41dfffffffe00000, 0, fcvt.w.d a0, fa0, rne)
  TEST_FX(51, 0x7fffffff, NX, 0x41dfffffffe00000, 0, fcvt.w.d a0, fa0, rtz)
  TEST_FX(52, 0xffffffff80000000, NX, 0xc1e0000000100000, 0, fcvt.w.d a0, fa0, rne)
  TEST_FX(53, 0xffffffff80000000, NV, 0xc1e0000000100000, 0, fcvt.w.d a0, fa0, rmm)
  TEST_FX(54, 0xffffffffffffffff, NX, 0x41effffffff00000, 0, fcvt.wu.d a0, fa0, rtz)
  TEST_FX(55, 0xffffffffffffffff, NV, 0x41effffffff00000, 0, fcvt.wu.d a0, fa0, rup)
  TEST_FX(56, 0, NV, 0xbff0000000000000, 0, fcvt.wu.d a0, fa0, rtz)
  TEST_FX(57, 0x7fffffff, NV, 0x7ff8000000000000, 0, fcvt.w.d a0, fa0, rtz)
  TEST_FX(58, 0, NX, 0x0000000000000001, 0, fcvt.w.d a0, fa0, rne)
  TEST_FX(59, 1, NX, 0x0000000000000001, 0, fcvt.w.d a0, fa0, rup)
  TEST_XF(60, 0xbff0000000000000, 0, -1, fcvt.d.w fa3, a0)
  TEST_XF(61, 0x41efffffffe00000, 0, 0xffffffff, fcvt.d.wu fa3, a0)
  TEST_XF(62, 0xc1e0000000000000, 0, 0x80000000, fcvt.d.w fa3, a0)

  /* Between formats. */
  TEST_FF(70, S(0x3f800000), NX, 0x3ff0000010000000, 0, 0, fcvt.s.d fa3, fa0, rne)
  TEST_FF(71, S(0x3f800001), NX, 0x3ff0000010000000, 0, 0, fcvt.s.d fa3, fa0, rup)
  TEST_FF(72, S(0x7f800000), OF|NX, 0x47f0000000000000, 0, 0, fcvt.s.d fa3, fa0)
  TEST_FF(73, S(0x7f7fffff), OF|NX, 0x47f0000000000000, 0, 0, fcvt.s.d fa3, fa0, rtz)
  TEST_FF(74, S(0x00000000), UF|NX, 0x3690000000000000, 0, 0, fcvt.s.d fa3, fa0)
  TEST_FF(75, S(0x7fc00000), NV, 0x7ff0000000000001, 0, 0, fcvt.s.d fa3, fa0)
  TEST_FF(76, S(0x80000000), 0, 0x8000000000000000, 0, 0, fcvt.s.d fa3, fa0)
  TEST_FF(77, 0x3ff0000000000000, 0, S(0x3f800000), 0, 0, fcvt.d.s fa3, fa0)
  TEST_FF(78, 0x7ff8000000000000, NV, S(0x7f800001), 0, 0, fcvt.d.s fa3, fa0)
  TEST_FF(79, 0x36a0000000000000, 0, S(0x00000001), 0, 0, fcvt.d.s fa3, fa0)
  TEST_FF(80, 0x7ff8000000000000, 0, 0x3f800000, 0, 0, fcvt.d.s fa3, fa0)

#if __riscv_xlen == 64
  /* RV64: 64-bit conversions and moves. */
  TEST_FX(90, 0x7fffffffffffffff, NV, 0x43e0000000000000, 0, fcvt.l.d a0, fa0, rtz)
  TEST_FX(91, 0x8000000000000000, 0, 0xc3e0000000000000, 0, fcvt.l.d a0, fa0, rtz)
  TEST_FX(92, 0, NV, 0xbff0000000000000, 0, fcvt.lu.d a0, fa0, rtz)
  TEST_FX(93, 0xfffffffffffff800, 0, 0x43efffffffffffff, 0, fcvt.lu.d a0, fa0, rtz)
  TEST_FX(94, 0xffffffffffffffff, NV, 0x7ff8000000000000, 0, fcvt.lu.d a0, fa0, rtz)
  TEST_FX(95, 0x7fffffffffffffff, NV, S(0x5f000000), 0, fcvt.l.s a0, fa0, rtz)
  TEST_FX(96, 0xffffff0000000000, 0, S(0x5f7fffff), 0, fcvt.lu.s a0, fa0, rtz)
  TEST_XF(97, 0x43e0000000000000, NX, 0x7fffffffffffffff, fcvt.d.l fa3, a0, rne)
  TEST_XF(98, 0x43dfffffffffffff, NX, 0x7fffffffffffffff, fcvt.d.l fa3, a0, rtz)
  TEST_XF(99, 0x43f0000000000000, NX, 0xffffffffffffffff, fcvt.d.lu fa3, a0)
  TEST_XF(100, S(0x5f800000), NX, 0xffffffffffffffff, fcvt.s.lu fa3, a0)
  TEST_XF(101, S(0xdf000000), 0, 0x8000000000000000, fcvt.s.l fa3, a0)
  TEST_FX(102, 0x7ff0000000000001, 0, 0x7ff0000000000001, 0, fmv.x.d a0, fa0)
  TEST_XF(103, 0x123456789abcdef0, 0, 0x123456789abcdef0, fmv.d.x fa3, a0)
#endif

  /* Loads and stores, compressed forms included. */
  TEST_FF(110, 0x0123456789abcdef, 0, 0, 0, 0, la t0, dword; fld fa3, 0(t0))
  TEST_FF(111, 0x0123456789abcdef, 0, 0, 0, 0, la s0, dword; c.fld fa3, 0(s0))
  TEST_FF(112, 0x0123456789abcdef, 0, 0, 0, 0, mv s1, sp; la sp, dword; c.fldsp fa3, 0(sp); mv sp, s1)
  TEST_FF(113, 0x400921fb54442d18, 0, 0x400921fb54442d18, 0, 0, la s0, dbuf; c.fsd fa0, 8(s0); fld fa3, 8(s0))
  TEST_FF(114, 0xc00921fb54442d18, 0, 0xc00921fb54442d18, 0, 0, mv s1, sp; la sp, dbuf; c.fsdsp fa0, 16(sp); mv sp, s1; la t0, dbuf; fld fa3, 16(t0))
  TEST_FF(115, 0x7ff0000000000001, 0, 0x7ff0000000000001, 0, 0, la t0, dbuf; fsd fa0, 0(t0); fld fa3, 0(t0))
  RVTEST_PASS
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 8
dword: .dword 0x0123456789abcdef
dbuf: .dword 0, 0, 0, 0
RVTEST_DATA_END
