/* F (single precision, Unprivileged ISA chapter 11) on RV32 and RV64: arithmetic in every
 * rounding mode, each accrued flag, signed zeros, subnormals and tininess after rounding,
 * infinities, quiet and signalling NaNs, NaN-boxing, min/max, compares, classify, integer
 * conversions at their boundaries, fused multiply-add with one rounding, moves, loads and
 * stores (compressed forms included). */
#include "fp_test.h"

RVTEST_CODE_BEGIN
  FP_ENABLE

  /* fadd.s and the five rounding modes on a tie: 1 + 2^-24 lies halfway between 1 and
   * the next single; -1 - 2^-24 likewise. */
  TEST_FF(1, S(0x40400000), 0, S(0x3f800000), S(0x40000000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(2, S(0x3f800000), NX, S(0x3f800000), S(0x33800000), 0, fadd.s fa3, fa0, fa1, rne)
  TEST_FF(3, S(0x3f800000), NX, S(0x3f800000), S(0x33800000), 0, fadd.s fa3, fa0, fa1, rtz)
  TEST_FF(4, S(0x3f800000), NX, S(0x3f800000), S(0x33800000), 0, fadd.s fa3, fa0, fa1, rdn)
  TEST_FF(5, S(0x3f800001), NX, S(0x3f800000), S(0x33800000), 0, fadd.s fa3, fa0, fa1, rup)
  TEST_FF(6, S(0x3f800001), NX, S(0x3f800000), S(0x33800000), 0, fadd.s fa3, fa0, fa1, rmm)
  TEST_FF(7, S(0xbf800000), NX, S(0xbf800000), S(0xb3800000), 0, fadd.s fa3, fa0, fa1, rne)
  TEST_FF(8, S(0xbf800000), NX, S(0xbf800000), S(0xb3800000), 0, fadd.s fa3, fa0, fa1, rtz)
  TEST_FF(9, S(0xbf800001), NX, S(0xbf800000), S(0xb3800000), 0, fadd.s fa3, fa0, fa1, rdn)
  TEST_FF(10, S(0xbf800000), NX, S(0xbf800000), S(0xb3800000), 0, fadd.s fa3, fa0, fa1, rup)
  TEST_FF(11, S(0xbf800001), NX, S(0xbf800000), S(0xb3800000), 0, fadd.s fa3, fa0, fa1, rmm)
  /* dynamic rounding from frm */
  TEST_FF(12, S(0x3f800001), NX, S(0x3f800000), S(0x33800000), 0, fsrmi 3; fadd.s fa3, fa0, fa1; fsrmi 0)
  TEST_FF(13, S(0xbf800001), NX, S(0xbf800000), S(0xb3800000), 0, fsrmi 4; fadd.s fa3, fa0, fa1, dyn; fsrmi 0)

  /* Exact cancellation gives +0, and -0 when rounding down; signed zero sums. */
  TEST_FF(14, S(0x00000000), 0, S(0x3f800000), S(0x3f800000), 0, fsub.s fa3, fa0, fa1)
  TEST_FF(15, S(0x80000000), 0, S(0x3f800000), S(0x3f800000), 0, fsub.s fa3, fa0, fa1, rdn)
  TEST_FF(16, S(0x80000000), 0, S(0x80000000), S(0x80000000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(17, S(0x00000000), 0, S(0x80000000), S(0x00000000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(18, S(0x80000000), 0, S(0x80000000), S(0x00000000), 0, fadd.s fa3, fa0, fa1, rdn)

  /* Overflow: to infinity or the largest finite value by rounding direction. */
  TEST_FF(20, S(0x7f800000), OF|NX, S(0x7f7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rne)
  TEST_FF(21, S(0x7f7fffff), OF|NX, S(0x7f7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rtz)
  TEST_FF(22, S(0x7f7fffff), OF|NX, S(0x7f7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rdn)
  TEST_FF(23, S(0x7f800000), OF|NX, S(0x7f7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rup)
  TEST_FF(24, S(0xff800000), OF|NX, S(0xff7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rdn)
  TEST_FF(25, S(0xff7fffff), OF|NX, S(0xff7fffff), S(0x40000000), 0, fmul.s fa3, fa0, fa1, rup)

  /* Subnormals and underflow (tininess after rounding). An exact subnormal raises
   * nothing; an inexact tiny result raises UF and NX. */
  TEST_FF(30, S(0x00400000), 0, S(0x00800000), S(0x3f000000), 0, fmul.s fa3, fa0, fa1)
  TEST_FF(31, S(0x00000000), UF|NX, S(0x00000001), S(0x3f000000), 0, fmul.s fa3, fa0, fa1, rne)
  TEST_FF(32, S(0x00000001), UF|NX, S(0x00000001), S(0x3f000000), 0, fmul.s fa3, fa0, fa1, rup)
  TEST_FF(33, S(0x80000001), UF|NX, S(0x80000001), S(0x3f000000), 0, fmul.s fa3, fa0, fa1, rdn)
  /* (2^24-1) x 2^-150 rounds to the smallest normal, but is tiny after rounding to 24
   * bits with an unbounded exponent: UF. */
  TEST_FF(34, S(0x00800000), UF|NX, S(0x00ffffff), S(0x3f000000), 0, fmul.s fa3, fa0, fa1, rne)
  /* (2^25-1) x 2^-151 = 18631 x 2^-14 times 1801 x 2^-137: rounds to 2^-126 even with an
   * unbounded exponent, so not tiny: NX only. Rounded towards zero it stays tiny. */
  TEST_FF(35, S(0x00800000), NX, S(0x3f918e00), S(0x00709000), 0, fmul.s fa3, fa0, fa1, rne)
  TEST_FF(36, S(0x007fffff), UF|NX, S(0x3f918e00), S(0x00709000), 0, fmul.s fa3, fa0, fa1, rtz)
  TEST_FF(37, S(0x00000002), 0, S(0x00000001), S(0x00000001), 0, fadd.s fa3, fa0, fa1)

  /* Division, square root: DZ, NV, signed zeros, infinities. */
  TEST_FF(40, S(0x7f800000), DZ, S(0x3f800000), S(0x00000000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(41, S(0xff800000), DZ, S(0x3f800000), S(0x80000000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(42, S(0x7fc00000), NV, S(0x00000000), S(0x00000000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(43, S(0x7fc00000), NV, S(0x7f800000), S(0xff800000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(44, S(0x3eaaaaab), NX, S(0x3f800000), S(0x40400000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(45, S(0x3eaaaaaa), NX, S(0x3f800000), S(0x40400000), 0, fdiv.s fa3, fa0, fa1, rtz)
  TEST_FF(46, S(0x80000000), 0, S(0x3f800000), S(0xff800000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(47, S(0x40000000), 0, S(0x40800000), 0, 0, fsqrt.s fa3, fa0)
  TEST_FF(48, S(0x3fb504f3), NX, S(0x40000000), 0, 0, fsqrt.s fa3, fa0)
  TEST_FF(49, S(0x3fb504f4), NX, S(0x40000000), 0, 0, fsqrt.s fa3, fa0, rup)
  TEST_FF(50, S(0x80000000), 0, S(0x80000000), 0, 0, fsqrt.s fa3, fa0)
  TEST_FF(51, S(0x7fc00000), NV, S(0xbf800000), 0, 0, fsqrt.s fa3, fa0)
  TEST_FF(52, S(0x7f800000), 0, S(0x7f800000), 0, 0, fsqrt.s fa3, fa0)
  TEST_FF(53, S(0x7fc00000), NV, S(0x7f800000), S(0xff800000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(54, S(0x7fc00000), NV, S(0x7f800000), S(0x00000000), 0, fmul.s fa3, fa0, fa1)

  /* NaNs: results are the canonical NaN; signalling operands raise NV. */
  TEST_FF(60, S(0x7fc00000), 0, S(0x7fc00001), S(0x3f800000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(61, S(0x7fc00000), 0, S(0xffc00000), S(0x3f800000), 0, fmul.s fa3, fa0, fa1)
  TEST_FF(62, S(0x7fc00000), NV, S(0x7f800001), S(0x3f800000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(63, S(0x7fc00000), NV, S(0x3f800000), S(0xffa00000), 0, fdiv.s fa3, fa0, fa1)
  TEST_FF(64, S(0x7fc00000), NV, S(0x7f800001), 0, 0, fsqrt.s fa3, fa0)

  /* NaN-boxing: an operand without all-ones upper bits reads as the canonical NaN. */
  TEST_FF(70, S(0x7fc00000), 0, 0x3f800000, S(0x3f800000), 0, fadd.s fa3, fa0, fa1)
  TEST_FF(71, S(0x7fc00000), 0, 0x7fffffff3f800000, S(0x3f800000), 0, fadd.s fa3, fa1, fa0)
  TEST_FF(72, S(0xffc00000), 0, 0x3f800000, S(0xbf800000), 0, fsgnj.s fa3, fa0, fa1)
  TEST_FX(73, 0x3f800000, 0, 0x123456783f800000, 0, fmv.x.w a0, fa0)
  TEST_FX(74, 0x200, 0, 0x00000000ff800000, 0, fclass.s a0, fa0)
  TEST_FF(75, S(0x3f800000), 0, 0x3f800000, S(0x3f800000), 0, fmax.s fa3, fa0, fa1)
  /* flw boxes; fsw stores the low 32 bits whatever the upper ones are */
  TEST_FF(76, S(0xdeadbeef), 0, 0, 0, 0, la t0, word; flw fa3, 0(t0))
  TEST_FX(77, 0x3f800000, 0, 0x000000003f800000, 0, la t0, word2; fsw fa0, 0(t0); lw a0, 0(t0))

  /* fmin/fmax (2019): -0 < +0, one NaN gives the other operand, sNaN raises NV, two NaNs
   * give the canonical NaN. */
  TEST_FF(80, S(0x80000000), 0, S(0x00000000), S(0x80000000), 0, fmin.s fa3, fa0, fa1)
  TEST_FF(81, S(0x00000000), 0, S(0x80000000), S(0x00000000), 0, fmax.s fa3, fa0, fa1)
  TEST_FF(82, S(0x3f800000), 0, S(0x7fc00000), S(0x3f800000), 0, fmin.s fa3, fa0, fa1)
  TEST_FF(83, S(0x3f800000), NV, S(0x3f800000), S(0x7f800001), 0, fmax.s fa3, fa0, fa1)
  TEST_FF(84, S(0x7fc00000), 0, S(0x7fc00000), S(0xffc00001), 0, fmin.s fa3, fa0, fa1)
  TEST_FF(85, S(0x7fc00000), NV, S(0x7f800001), S(0x7f800001), 0, fmax.s fa3, fa0, fa1)
  TEST_FF(86, S(0xc0000000), 0, S(0xc0000000), S(0x3f800000), 0, fmin.s fa3, fa0, fa1)
  TEST_FF(87, S(0x7f800000), 0, S(0xff800000), S(0x7f800000), 0, fmax.s fa3, fa0, fa1)

  /* Sign injection and its aliases. */
  TEST_FF(90, S(0xbf800000), 0, S(0x3f800000), S(0x80000000), 0, fsgnj.s fa3, fa0, fa1)
  TEST_FF(91, S(0xbf800000), 0, S(0x3f800000), 0, 0, fneg.s fa3, fa0)
  TEST_FF(92, S(0x3f800000), 0, S(0xbf800000), 0, 0, fabs.s fa3, fa0)
  TEST_FF(93, S(0x3f800000), 0, S(0xbf800000), S(0xbf800000), 0, fsgnjx.s fa3, fa0, fa1)
  TEST_FF(94, S(0xffc00001), 0, S(0x7fc00001), 0, 0, fneg.s fa3, fa0)
  TEST_FF(95, S(0x7f800001), 0, S(0x7f800001), 0, 0, fmv.s fa3, fa0)

  /* Compares: feq signals only on sNaN, flt/fle on any NaN; -0 == +0. */
  TEST_FX(100, 1, 0, S(0x80000000), S(0x00000000), feq.s a0, fa0, fa1)
  TEST_FX(101, 0, 0, S(0x80000000), S(0x00000000), flt.s a0, fa0, fa1)
  TEST_FX(102, 1, 0, S(0x80000000), S(0x00000000), fle.s a0, fa0, fa1)
  TEST_FX(103, 0, 0, S(0x7fc00000), S(0x3f800000), feq.s a0, fa0, fa1)
  TEST_FX(104, 0, NV, S(0x7f800001), S(0x3f800000), feq.s a0, fa0, fa1)
  TEST_FX(105, 0, NV, S(0x7fc00000), S(0x3f800000), flt.s a0, fa0, fa1)
  TEST_FX(106, 0, NV, S(0x3f800000), S(0x7fc00000), fle.s a0, fa0, fa1)
  TEST_FX(107, 1, 0, S(0xbf800000), S(0x3f800000), flt.s a0, fa0, fa1)
  TEST_FX(108, 1, 0, S(0xff800000), S(0xff7fffff), flt.s a0, fa0, fa1)
  TEST_FX(109, 0, 0, S(0x3f800000), S(0x3f800000), flt.s a0, fa0, fa1)

  /* fclass, one bit per class. */
  TEST_FX(110, 0x001, 0, S(0xff800000), 0, fclass.s a0, fa0)
  TEST_FX(111, 0x002, 0, S(0xbf800000), 0, fclass.s a0, fa0)
  TEST_FX(112, 0x004, 0, S(0x807fffff), 0, fclass.s a0, fa0)
  TEST_FX(113, 0x008, 0, S(0x80000000), 0, fclass.s a0, fa0)
  TEST_FX(114, 0x010, 0, S(0x00000000), 0, fclass.s a0, fa0)
  TEST_FX(115, 0x020, 0, S(0x00000001), 0, fclass.s a0, fa0)
  TEST_FX(116, 0x040, 0, S(0x7f7fffff), 0, fclass.s a0, fa0)
  TEST_FX(117, 0x080, 0, S(0x7f800000), 0, fclass.s a0, fa0)
  TEST_FX(118, 0x100, 0, S(0x7f800001), 0, fclass.s a0, fa0)
  TEST_FX(119, 0x200, 0, S(0x7fc00000), 0, fclass.s a0, fa0)

  /* Float to integer: rounding, saturation with NV (and then no NX). */
  TEST_FX(120, 2, NX, S(0x3fc00000), 0, fcvt.w.s a0, fa0, rne)
  TEST_FX(121, 2, NX, S(0x40200000), 0, fcvt.w.s a0, fa0, rne)
  TEST_FX(122, 3, NX, S(0x40200000), 0, fcvt.w.s a0, fa0, rmm)
  TEST_FX(123, -1, NX, S(0xbfc00000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(124, -2, NX, S(0xbfc00000), 0, fcvt.w.s a0, fa0, rdn)
  TEST_FX(125, -1, NX, S(0xbfc00000), 0, fcvt.w.s a0, fa0, rup)
  TEST_FX(126, 0x7fffffff, NV, S(0x4f000000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(127, 0xffffffff80000000, 0, S(0xcf000000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(128, 0xffffffff80000000, NV, S(0xcf000001), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(129, 0x7fffffff, NV, S(0x7fc00000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(130, 0x7fffffff, NV, S(0x7f800000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(131, 0xffffffff80000000, NV, S(0xff800000), 0, fcvt.w.s a0, fa0, rtz)
  TEST_FX(132, 0, NV, S(0xbf800000), 0, fcvt.wu.s a0, fa0, rtz)
  TEST_FX(133, 0, NX, S(0xbecccccd), 0, fcvt.wu.s a0, fa0, rne)
  TEST_FX(134, 0xffffffffffffffff, NV, S(0x4f800000), 0, fcvt.wu.s a0, fa0, rtz)
  TEST_FX(135, 0xffffffffffffff00, 0, S(0x4f7fffff), 0, fcvt.wu.s a0, fa0, rtz)
  TEST_FX(136, 0xffffffffffffffff, NV, S(0x7fc00000), 0, fcvt.wu.s a0, fa0, rtz)
  TEST_FX(137, 0, 0, S(0x80000000), 0, fcvt.wu.s a0, fa0, rtz)
  TEST_FX(138, 1, NX, S(0x00000001), 0, fcvt.wu.s a0, fa0, rup)

  /* Integer to float. */
  TEST_XF(140, S(0x4f000000), NX, 0x7fffffff, fcvt.s.w fa3, a0, rne)
  TEST_XF(141, S(0x4effffff), NX, 0x7fffffff, fcvt.s.w fa3, a0, rtz)
  TEST_XF(142, S(0xcf000000), 0, 0x80000000, fcvt.s.w fa3, a0, rtz)
  TEST_XF(143, S(0x4f800000), NX, 0xffffffff, fcvt.s.wu fa3, a0, rne)
  TEST_XF(144, S(0x4f7fffff), NX, 0xffffffff, fcvt.s.wu fa3, a0, rdn)
  TEST_XF(145, S(0x00000000), 0, 0, fcvt.s.w fa3, a0)
  TEST_XF(146, S(0xbf800000), 0, -1, fcvt.s.w fa3, a0)
  TEST_XF(147, S(0x4b800002), NX, 0x1000003, fcvt.s.w fa3, a0, rmm)
  TEST_XF(148, S(0x3f800000), 0, 0x3f800000, fmv.w.x fa3, a0)

  /* Fused multiply-add: one rounding, signs, invalid cases. */
  TEST_FF(150, S(0x28800000), 0, S(0x3f800001), S(0x3f800001), S(0xbf800002), fmadd.s fa3, fa0, fa1, fa2)
  TEST_FF(151, S(0x40a00000), 0, S(0x40000000), S(0x40400000), S(0x3f800000), fmsub.s fa3, fa0, fa1, fa2)
  TEST_FF(152, S(0xc0a00000), 0, S(0x40000000), S(0x40400000), S(0x3f800000), fnmsub.s fa3, fa0, fa1, fa2)
  TEST_FF(153, S(0xc0e00000), 0, S(0x40000000), S(0x40400000), S(0x3f800000), fnmadd.s fa3, fa0, fa1, fa2)
  TEST_FF(154, S(0x00000000), 0, S(0x3f800000), S(0x3f800000), S(0xbf800000), fmadd.s fa3, fa0, fa1, fa2)
  TEST_FF(155, S(0x80000000), 0, S(0x3f800000), S(0x3f800000), S(0xbf800000), fmadd.s fa3, fa0, fa1, fa2, rdn)
  TEST_FF(156, S(0x7fc00000), NV, S(0x7f800000), S(0x00000000), S(0x7fc00000), fmadd.s fa3, fa0, fa1, fa2)
  TEST_FF(157, S(0x7fc00000), NV, S(0x7f800000), S(0x3f800000), S(0xff800000), fmadd.s fa3, fa0, fa1, fa2)
  TEST_FF(158, S(0x80000000), 0, S(0x80000000), S(0x3f800000), S(0x80000000), fmadd.s fa3, fa0, fa1, fa2)
  /* 2 x max - max is exactly max when fused (unfused, the product would overflow). */
  TEST_FF(159, S(0x7f7fffff), 0, S(0x7f7fffff), S(0x40000000), S(0xff7fffff), fmadd.s fa3, fa0, fa1, fa2)

  /* Compressed single loads and stores exist on RV32 only. */
#if __riscv_xlen == 32
  TEST_FF(160, S(0xdeadbeef), 0, 0, 0, 0, la s0, word; c.flw fa3, 0(s0))
  TEST_FX(161, 0x40490fdb, 0, S(0x40490fdb), 0, la s0, word2; c.fsw fa0, 4(s0); lw a0, 4(s0))
  TEST_FF(162, S(0xdeadbeef), 0, 0, 0, 0, mv s1, sp; la sp, word; c.flwsp fa3, 0(sp); mv sp, s1)
  TEST_FX(163, 0x40490fdb, 0, S(0x40490fdb), 0, mv s1, sp; la sp, word2; c.fswsp fa0, 8(sp); mv sp, s1; la t0, word2; lw a0, 8(t0))
#endif
  RVTEST_PASS
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 8
word: .word 0xdeadbeef, 0
word2: .word 0, 0, 0, 0
RVTEST_DATA_END
