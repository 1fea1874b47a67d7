/* Test macros for the F and D assembly tests, on top of the ISA-test environment
 * (tests/isa/env/test.h: start-up, trap recorder, tohost + finisher reporting). Operands and
 * expected results are 64-bit patterns placed in .data next to each test, so one macro serves
 * both XLENs and both formats: a single operand is written NaN-boxed (S(x) below), and a
 * single result must come back NaN-boxed. fa0..fa2 hold the operands, fa3 the FP result, a0
 * an integer result; fflags is cleared before the instruction and checked after it.
 * Written from the RISC-V Unprivileged ISA 20191213 chapters 11 and 12. */
/* Assembler macros, laid out by hand for the .S files: */
/* clang-format off */
#include "test.h"

#define S(x) (0xffffffff00000000 | (x))

#define MSTATUS_FS 0x6000
#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

/* FS = Initial, the FPU usable (it is Off after reset). */
#define FP_ENABLE                                                              \
  li t0, MSTATUS_FS;                                                           \
  csrc mstatus, t0;                                                            \
  li t0, 0x2000;                                                               \
  csrs mstatus, t0

/* Test n: code computes fa3 from fa0..fa2 = a, b, c; fa3 must be res, fflags fl. */
#define TEST_FF(n, res, fl, a, b, c, code...)                                  \
  test_##n: li TESTNUM, n;                                                    \
  .pushsection .data; .balign 8;                                               \
  fdata_##n: .dword a, b, c, res, 0;                                           \
  .popsection;                                                                 \
  la t0, fdata_##n;                                                            \
  fld fa0, 0(t0); fld fa1, 8(t0); fld fa2, 16(t0);                             \
  fsflags zero;                                                                \
  code;                                                                        \
  frflags a1;                                                                  \
  la t0, fdata_##n;                                                            \
  fsd fa3, 32(t0);                                                             \
  lw t1, 24(t0); lw t2, 32(t0); bne t1, t2, fail;                              \
  lw t1, 28(t0); lw t2, 36(t0); bne t1, t2, fail;                              \
  li t6, fl; bne a1, t6, fail
/* Test n: code computes integer a0 from fa0, fa1 = a, b; a0 must be res, fflags fl. */
#define TEST_FX(n, res, fl, a, b, code...)                                     \
  test_##n: li TESTNUM, n;                                                    \
  .pushsection .data; .balign 8;                                               \
  fdata_##n: .dword a, b;                                                      \
  .popsection;                                                                 \
  la t0, fdata_##n;                                                            \
  fld fa0, 0(t0); fld fa1, 8(t0);                                              \
  fsflags zero;                                                                \
  code;                                                                        \
  frflags a1;                                                                  \
  li t6, MASK_XLEN(res); bne a0, t6, fail;                                     \
  li t6, fl; bne a1, t6, fail

/* Test n: code computes fa3 from integer a0 = a; fa3 must be res, fflags fl. */
#define TEST_XF(n, res, fl, a, code...)                                        \
  test_##n: li TESTNUM, n;                                                    \
  .pushsection .data; .balign 8;                                               \
  fdata_##n: .dword res, 0;                                                    \
  .popsection;                                                                 \
  li a0, MASK_XLEN(a);                                                         \
  fsflags zero;                                                                \
  code;                                                                        \
  frflags a1;                                                                  \
  la t0, fdata_##n;                                                            \
  fsd fa3, 8(t0);                                                              \
  lw t1, 0(t0); lw t2, 8(t0); bne t1, t2, fail;                                \
  lw t1, 4(t0); lw t2, 12(t0); bne t1, t2, fail;                               \
  li t6, fl; bne a1, t6, fail
