# rvc_reserved.S: reserved and illegal 16-bit encodings (Unprivileged ISA 16.8 opcode map and
# the "reserved" notes of 16.3-16.6) must raise an illegal-instruction exception (Privileged
# 3.1.15: mcause 2) with mtval holding the instruction bits (3.1.16), and must not change
# the destination register.
#include "test.h"

#define TEST_ILL16(n, bits)                                                    \
  li a0, 0x1234;                                                               \
  TEST_ILLEGAL16(n, bits);                                                     \
  CHECK_EQ_IMM(a0, 0x1234)

RVTEST_CODE_BEGIN
  TEST_ILL16(1, 0x0000)   /* all zeros: defined illegal */
  TEST_ILL16(2, 0x0008)   /* c.addi4spn a0, sp, 0 (nzuimm = 0) */
  TEST_ILL16(3, 0x4002)   /* c.lwsp x0 (rd = 0) */
  TEST_ILL16(4, 0x4012)   /* c.lwsp x0, 4(sp) */
  TEST_ILL16(5, 0x8002)   /* c.jr x0 (rs1 = 0) */
  TEST_ILL16(6, 0x6101)   /* c.addi16sp with nzimm = 0 */
  TEST_ILL16(7, 0x6501)   /* c.lui a0, 0 */
  TEST_ILL16(8, 0x9c41)   /* CA: funct6 100111, funct2 10: reserved */
  TEST_ILL16(9, 0x9c61)   /* CA: funct6 100111, funct2 11: reserved */
  TEST_ILL16(10, 0x6002)  /* c.ldsp x0 on RV64; c.flwsp on RV32 without F */
#if __riscv_xlen == 64
  TEST_ILL16(11, 0x2001)  /* c.addiw x0, 0 (rd = 0) */
  TEST_ILL16(12, 0x2005)  /* c.addiw x0, 1 */
#else
  TEST_ILL16(13, 0x1502)  /* c.slli a0, 32: shamt[5] = 1 on RV32 */
  TEST_ILL16(14, 0x9101)  /* c.srli a0, 32 */
  TEST_ILL16(15, 0x9501)  /* c.srai a0, 32 */
  TEST_ILL16(16, 0x9c01)  /* c.subw a0, a0: RV64 only */
  TEST_ILL16(17, 0x9c21)  /* c.addw a0, a0: RV64 only */
  TEST_ILL16(18, 0x6000)  /* c.ld (c.flw on RV32 without F) */
  TEST_ILL16(19, 0x2002)  /* c.fldsp: RV32IMAC has no D */
  TEST_ILL16(20, 0xa002)  /* c.fsdsp: RV32IMAC has no D */
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
