# superblock.S: what the run loop's fast paths (superblocks through not-taken branches and
# jal targets, links between blocks, the jump cache, fused pairs) must not change. Stores
# that overwrite code the hart has already run take effect without a fence.i (hartlab and
# QEMU both watch stores into cached code; the specification would allow stale code here,
# so this file checks the simulator's promise, not the ISA's), including code below the
# start of the superblock that runs it and code the superblock reaches through a jal.
# minstret and mcycle read the same across every kind of block boundary as they do inside
# one, and a loop that runs through links many times computes what it should.
#include "test.h"

#define ADDI_A0(imm) (((imm) << 20) | 0x513) /* addi a0, x0, imm */

RVTEST_CODE_BEGIN
  .option norvc
  # A call into `entry`, whose superblock runs `j low` back into lower addresses; then
  # `low` is patched with a plain store and the call repeated.
  TEST_CASE(1, a0, 1, call entry)
  TEST_CASE(2, a0, 9, la a1, low; li a2, ADDI_A0(9); sw a2, 0(a1); call entry)
  # The same after the code has run often enough to be linked from its callers.
  TEST_CASE(3, s1, 45, li s1, 0; li s2, 0; \
            1: la a1, low; slli a2, s2, 20; ori a2, a2, 0x513; sw a2, 0(a1); \
            call entry; add s1, s1, a0; addi s2, s2, 1; li a3, 10; bne s2, a3, 1b)
  # A not-taken branch followed by code that is patched while it is in the superblock
  # that is running: the store is the instruction before it.
  TEST_CASE(4, a0, 12, li s1, 0; la a1, 2f; li a2, ADDI_A0(12); \
            1: sw a2, 0(a1); bnez s1, 3f; 2: addi a0, x0, 11; 3:)
  # A counted loop through links: 1000 iterations of a block that ends in a taken branch.
  TEST_CASE(5, a0, 500500, li a0, 0; li a1, 1000; 1: add a0, a0, a1; addi a1, a1, -1; \
            bnez a1, 1b)
  # Indirect jumps through a table (the jump cache): sum of 0..7 dispatched by index.
  TEST_CASE(6, s1, 28, li s1, 0; li s2, 0; \
            1: la a1, jump_table; li a3, REGBYTES; mul a2, s2, a3; add a1, a1, a2; \
            LREG a1, 0(a1); jalr ra, 0(a1); add s1, s1, a0; addi s2, s2, 1; li a3, 8; \
            bne s2, a3, 1b)
#ifndef QEMU /* QEMU's minstret is not an exact count without -icount */
  # minstret counts every instruction, across not-taken branches (superblock boundaries)
  # and a jal the superblock goes on after: the first csrr, beqz, bnez, j and one nop.
  TEST_CASE(7, a0, 5, li a1, 1; csrr s2, minstret; beqz a1, fail; bnez x0, fail; \
            j 5f; nop; 5: nop; csrr s3, minstret; sub a0, s3, s2)
#endif
  RVTEST_PASS

  .balign 4
low:
  addi a0, x0, 1
  ret
  # Far enough from `low` that the two are in different 64-byte chunks of cached code.
  .skip 256, 0
entry:
  j low

  .balign 4
case0: li a0, 0; ret
case1: li a0, 1; ret
case2: li a0, 2; ret
case3: li a0, 3; ret
case4: li a0, 4; ret
case5: li a0, 5; ret
case6: li a0, 6; ret
case7: li a0, 7; ret
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 8
jump_table:
#if __riscv_xlen == 64
  .dword case0, case1, case2, case3, case4, case5, case6, case7
#else
  .word case0, case1, case2, case3, case4, case5, case6, case7
#endif
RVTEST_DATA_END
