# rvc.S: the C extension (Unprivileged ISA ch. 16): every RV32C/RV64C integer instruction, by
# its explicit c.* mnemonic so each is encoded in 16 bits, plus the HINT encodings of 16.7
# (c.nop with imm, c.addi with imm 0, c.li/c.lui/c.mv/c.add/c.slli with rd = x0, zero
# shift amounts), which must execute without trapping and without changing any state.
#include "test.h"
RVTEST_CODE_BEGIN
  .option rvc
  la s1, rvc_sp_area           # a scratch stack for the sp-relative forms
  mv s0, sp
  mv sp, s1

  TEST_CASE(1, a0, 0, c.addi4spn a0, sp, 16; sub a0, a0, s1; addi a0, a0, -16)
  TEST_CASE(2, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, s1)
  TEST_CASE(3, a2, 0xffffffff87654321, la a0, rvc_data; li a1, 0x87654321; \
            c.sw a1, 4(a0); c.lw a2, 4(a0))
  TEST_CASE(4, a2, 0x11223344, la a0, rvc_data; li a1, 0x11223344; c.sw a1, 124(a0); \
            c.lw a2, 124(a0))
  TEST_CASE(5, a0, 0x1234, li a0, 0x1234; c.nop)
  TEST_CASE(6, a0, 0x1234 - 32, li a0, 0x1234; c.addi a0, -32)
  TEST_CASE(7, a0, 0x1234 + 31, li a0, 0x1234; c.addi a0, 31)
  TEST_CASE(8, a0, -32, c.li a0, -32)
  TEST_CASE(9, a0, 31, c.li a0, 31)
  TEST_CASE(10, a0, -512, mv a1, sp; c.addi16sp sp, -512; sub a0, sp, a1; mv sp, a1)
  TEST_CASE(11, a0, 496, mv a1, sp; c.addi16sp sp, 496; sub a0, sp, a1; mv sp, a1)
  TEST_CASE(12, a0, 0x1f000, c.lui a0, 0x1f)
  TEST_CASE(13, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(14, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
  TEST_CASE(15, a0, MASK_XLEN(-1) >> 4, li a0, -1; c.srli a0, 4)
  TEST_CASE(16, a0, -1, li a0, XMIN; c.srai a0, __riscv_xlen - 1)
  TEST_CASE(17, a0, 0x0f0, li a0, 0x0ff; c.andi a0, -16)
  TEST_CASE(18, a0, 0x00f, li a0, 0x0ff; c.andi a0, 15)
  TEST_CASE(19, a0, -3, li a0, 4; li a1, 7; c.sub a0, a1)
  TEST_CASE(20, a0, 0x0ff0, li a0, 0x0f0f; li a1, 0x00ff; c.xor a0, a1)
  TEST_CASE(21, a0, 0x0fff, li a0, 0x0f0f; li a1, 0x00ff; c.or a0, a1)
  TEST_CASE(22, a0, 0x000f, li a0, 0x0f0f; li a1, 0x00ff; c.and a0, a1)
  TEST_CASE(23, a0, 5, li a0, 0; c.j 1f; li a0, 1; 1: c.addi a0, 5)
  TEST_CASE(24, a0, 5, li a0, 0; c.beqz a0, 1f; li a0, 1; 1: c.addi a0, 5)
  TEST_CASE(25, a0, 2, li a0, 1; c.beqz a0, 1f; c.addi a0, 1; 1:)
  TEST_CASE(26, a0, 6, li a0, 1; c.bnez a0, 1f; li a0, 9; 1: c.addi a0, 5)
  TEST_CASE(27, a0, 1, li a0, 0; c.bnez a0, 1f; c.addi a0, 1; 1:)
  TEST_CASE(28, a0, -2, li a0, -1; c.beqz a0, fail; c.bnez a0, 1f; j fail; 1: c.addi a0, -1)
  TEST_CASE(29, a0, XMIN, li a0, 1; c.slli a0, __riscv_xlen - 1)
  TEST_CASE(30, a2, 0x11223344, li a1, 0x11223344; c.swsp a1, 252(sp); c.lwsp a2, 252(sp))
  TEST_CASE(31, a2, 0xffffffff80000000, li a1, 0x80000000; c.swsp a1, 0(sp); c.lwsp a2, 0(sp))
  TEST_CASE(32, a0, 7, li a0, 0; la a1, 1f; c.jr a1; li a0, 1; 1: c.addi a0, 7)
  TEST_CASE(33, a0, 0x1234, li a1, 0x1234; c.mv a0, a1)
  TEST_CASE(34, a0, 0, la a1, 2f; la a2, 1f; c.jalr a1; 1: j fail; 2: sub a0, ra, a2)
  TEST_CASE(35, a0, 0x3000, li a0, 0x1000; li a1, 0x2000; c.add a0, a1)
#ifndef QEMU /* QEMU 7.2 leaves mtval 0 on breakpoints (allowed, but hartlab writes the pc) */
  TEST_TRAP_TADDR(36, CAUSE_BREAKPOINT, trap_site_36, c.ebreak)
#else
  TEST_TRAP_TVAL(36, CAUSE_BREAKPOINT, 0, c.ebreak)
#endif
#if __riscv_xlen == 32
  TEST_CASE(37, a0, 0, la a2, 1f; c.jal 2f; 1: j fail; 2: sub a0, ra, a2)
#else
  TEST_CASE(38, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(39, a0, 0x0000000012345678, li a0, 0xabcdef0012345678; c.addiw a0, 0)  # sext.w
  TEST_CASE(40, a0, 0xffffffffffffffff, li a0, 0x7fffffff; li a1, 0x80000000; c.addw a0, a1)
  TEST_CASE(41, a0, 0x000000007fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
  TEST_CASE(42, a2, 0x8877665544332211, la a0, rvc_data; li a1, 0x8877665544332211; \
            c.sd a1, 8(a0); c.ld a2, 8(a0))
  TEST_CASE(43, a2, 0x0102030405060708, la a0, rvc_data; li a1, 0x0102030405060708; \
            c.sd a1, 248(a0); c.ld a2, 248(a0))
  TEST_CASE(44, a2, 0x8877665544332211, li a1, 0x8877665544332211; c.sdsp a1, 504(sp); \
            c.ldsp a2, 504(sp))
  TEST_CASE(45, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST_CASE(46, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST_CASE(47, a0, 0xffffffff00000000, li a0, 0x8000000000000000; c.srai a0, 31)
#endif

  # HINTs: no trap, a0/a1 and x0 unchanged.
#define HINT(n, bits) \
  TEST_NO_TRAP(n, li a0, 0x1234; li a1, 0x77; .half bits); \
  CHECK_EQ_IMM(a0, 0x1234); CHECK_EQ_IMM(a1, 0x77); bnez x0, fail
  HINT(50, 0x0005)   /* c.nop with nzimm = 1 (c.addi x0, 1) */
  HINT(51, 0x0501)   /* c.addi a0, 0 */
  HINT(52, 0x4015)   /* c.li x0, 5 */
  HINT(53, 0x6005)   /* c.lui x0, 1 */
  HINT(54, 0x802e)   /* c.mv x0, a1 */
  HINT(55, 0x902e)   /* c.add x0, a1 */
  HINT(56, 0x0006)   /* c.slli x0, 1 */
  HINT(57, 0x0502)   /* c.slli a0, 0 */
  HINT(58, 0x8101)   /* c.srli a0, 0 */
  HINT(59, 0x8501)   /* c.srai a0, 0 */
  HINT(60, 0x107d)   /* c.nop with nzimm = -1 */

  mv sp, s0
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
rvc_data:
  .fill 256, 1, 0
  .balign 16
rvc_sp_area:
  .fill 1024, 1, 0
RVTEST_DATA_END
