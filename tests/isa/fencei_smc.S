# fencei_smc.S: Zifencei (Unprivileged ISA ch. 3). After a store that overwrites an
# instruction and a fence.i, the hart's instruction fetches see the new instruction, even if
# the old one ran before (and so may be cached), even when the patched instruction follows
# the fence.i directly in the same straight-line code, for 16- and 32-bit instructions,
# for an instruction written by two halfword stores, and for code built in a data buffer.
#include "test.h"

#define ADDI_A0(imm) (((imm) << 20) | 0x513) /* addi a0, x0, imm */
#define RET_INSN 0x00008067                  /* jalr x0, 0(ra) */
#define C_LI_A0(imm) (0x4501 | ((imm) << 2))  /* c.li a0, imm */

RVTEST_CODE_BEGIN
  .option norvc
  # Patch a called function.
  TEST_CASE(1, a0, 1, call patch_fn)
  TEST_CASE(2, a0, 2, la a1, patch_fn; li a2, ADDI_A0(2); sw a2, 0(a1); fence.i; call patch_fn)
  # Many times over: 0 + 1 + ... + 9.
  TEST_CASE(3, s1, 45, li s1, 0; li s2, 0; \
            1: la a1, patch_fn; slli a2, s2, 20; ori a2, a2, 0x513; sw a2, 0(a1); fence.i; \
            call patch_fn; add s1, s1, a0; addi s2, s2, 1; li a3, 10; bne s2, a3, 1b)
  # Straight-line: the instruction right after the fence.i is replaced.
  TEST_CASE(4, a0, 6, la a1, 2f; li a2, ADDI_A0(6); sw a2, 0(a1); fence.i; 2: addi a0, x0, 5)
  # A loop body that has already executed once.
  TEST_CASE(5, a0, 8, li s1, 0; 1: 2: addi a0, x0, 7; bnez s1, 3f; la a1, 2b; \
            li a2, ADDI_A0(8); sw a2, 0(a1); fence.i; li s1, 1; j 1b; 3:)
  # A 16-bit instruction.
  TEST_CASE(6, a0, 4, li s1, 0; 1: .option push; .option rvc; 2: c.li a0, 3; c.nop; .option pop; \
            bnez s1, 3f; la a1, 2b; li a2, C_LI_A0(4); sh a2, 0(a1); fence.i; li s1, 1; \
            j 1b; 3:)
  # A 32-bit instruction written as two halves.
  TEST_CASE(7, a0, 0x123, la a1, patch_fn; li a2, ADDI_A0(0x123) & 0xffff; sh a2, 0(a1); \
            li a2, ADDI_A0(0x123) >> 16; sh a2, 2(a1); fence.i; call patch_fn)
  # Code generated into a data buffer.
  TEST_CASE(8, a0, 0x2a, la a1, code_buf; li a2, ADDI_A0(0x2a); sw a2, 0(a1); \
            li a2, RET_INSN; sw a2, 4(a1); fence.i; jalr ra, 0(a1))
  TEST_CASE(9, a0, 0x2b, la a1, code_buf; li a2, ADDI_A0(0x2b); sw a2, 0(a1); fence.i; \
            jalr ra, 0(a1))
  RVTEST_PASS

  .balign 4
patch_fn:
  addi a0, x0, 1
  ret
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
code_buf:
  .fill 16, 1, 0
RVTEST_DATA_END
