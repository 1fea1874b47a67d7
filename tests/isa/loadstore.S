# loadstore.S: lb lh lw lbu lhu sb sh sw, and on RV64 ld lwu sd (Unprivileged ISA 2.6, 5.3).
# Checks sign and zero extension, positive and negative offsets, little-endian byte order,
# that a narrow store touches only its bytes, and that a load into x0 is discarded.
#include "test.h"

#define TEST_LD(n, inst, result, off, base)                                    \
  TEST_CASE(n, a4, result, la a1, base; inst a4, off(a1))
#define TEST_ST(n, sinst, linst, result, val, off, base)                       \
  TEST_CASE(n, a4, result, la a1, base; li a2, MASK_XLEN(val);                 \
            sinst a2, off(a1); linst a4, off(a1))

RVTEST_CODE_BEGIN
  TEST_LD(1, lb, 0xffffffffffffff80, 0, tdat)
  TEST_LD(2, lb, 0x0000000000000001, 1, tdat)
  TEST_LD(3, lbu, 0x80, 0, tdat)
  TEST_LD(4, lbu, 0xff, 2, tdat)
  TEST_LD(5, lh, 0x0000000000000180, 0, tdat)
  TEST_LD(6, lh, 0xffffffffffff80ff, 2, tdat)
  TEST_LD(7, lhu, 0x80ff, 2, tdat)
  TEST_LD(8, lw, 0xffffffff80ff0180, 0, tdat)
  TEST_LD(9, lw, 0x7f00ff01, 4, tdat)
  TEST_LD(10, lb, 0xffffffffffffff80, -8, tdat2)
  TEST_LD(11, lw, 0x7f00ff01, -4, tdat2)
  TEST_LD(12, lhu, 0x7f00, -2, tdat2)
  TEST_CASE(13, x0, 0, la a1, tdat; lw x0, 0(a1))

  TEST_ST(14, sb, lb, 0xffffffffffffffaa, 0xaa, 0, sdat)
  TEST_ST(15, sb, lbu, 0x55, 0x1234555, 1, sdat)
  TEST_ST(16, sh, lh, 0xffffffffffffbeef, 0xdeadbeef, 2, sdat)
  TEST_ST(17, sh, lhu, 0xbeef, 0xbeef, -2, sdat + 8)
  TEST_ST(18, sw, lw, 0xffffffffdeadbeef, 0x12345678deadbeef, 4, sdat)
  # Little-endian: the word 0x11223344 is bytes 44 33 22 11; a byte store changes one byte.
  TEST_CASE(19, a4, 0x11aa3344, la a1, sdat + 16; li a2, 0x11223344; sw a2, 0(a1); \
            li a2, 0xaa; sb a2, 2(a1); lw a4, 0(a1))
  TEST_CASE(20, a4, 0x22, la a1, sdat + 16; li a2, 0x11223344; sw a2, 0(a1); lbu a4, 2(a1))
  TEST_CASE(21, a4, 0x1122beef, la a1, sdat + 16; li a2, 0x11223344; sw a2, 0(a1); \
            li a2, 0x5555beef; sh a2, 0(a1); lw a4, 0(a1))
  # Loading into the base register.
  TEST_CASE(22, a1, 0x7f00ff01, la a1, tdat; lw a1, 4(a1))
#if __riscv_xlen == 64
  TEST_LD(23, ld, 0x7f00ff0180ff0180, 0, tdat)
  TEST_LD(24, lwu, 0x0000000080ff0180, 0, tdat)
  TEST_LD(25, lwu, 0x7f00ff01, 4, tdat)
  TEST_LD(26, ld, 0x0123456789abcdef, -8, tdat3)
  TEST_ST(27, sd, ld, 0xfedcba9876543210, 0xfedcba9876543210, 8, sdat)
  TEST_CASE(28, a4, 0xfedcba98aabbccdd, la a1, sdat; li a2, 0xfedcba9876543210; sd a2, 24(a1); \
            li a2, 0xaabbccdd; sw a2, 24(a1); ld a4, 24(a1))
  TEST_CASE(29, x0, 0, la a1, tdat; ld x0, 0(a1))
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 8
tdat:
  .byte 0x80, 0x01, 0xff, 0x80, 0x01, 0xff, 0x00, 0x7f
tdat2:
  .dword 0x0123456789abcdef
tdat3:
  .dword 0
sdat:
  .fill 32, 1, 0
RVTEST_DATA_END
