# jump.S: jal and jalr (Unprivileged ISA 2.5.1). Link register = pc of the jump + 4; jalr
# computes (rs1 + imm) & ~1 from rs1 read before rd is written; rd = x0 discards the link.
# With C (IALIGN = 16) a 2-byte-aligned target is legal, and a target with bit 0 set via jalr
# has that bit cleared rather than trapping (Privileged 3.1.15, Unprivileged 2.5.1).
#include "test.h"
RVTEST_CODE_BEGIN
  .option norvc

  # jal: link value and target.
  TEST_CASE(1, a4, 0, la a1, 1f; jal ra, 2f; 1: j fail; 2: sub a4, ra, a1)
  # jal with rd = x0 (j) links nothing.
  TEST_CASE(2, a4, 5, li a4, 0; jal x0, 1f; li a4, 1; 1: addi a4, a4, 5)
  # jal backwards.
  TEST_CASE(3, a4, 2, li a4, 0; j 2f; 1: addi a4, a4, 1; j 3f; 2: addi a4, a4, 1; jal x0, 1b; 3:)

  # jalr: link = pc + 4, target = rs1 + imm.
  TEST_CASE(4, a4, 0, la a2, 2f; la a1, 1f; jalr ra, 0(a2); 1: j fail; 2: sub a4, ra, a1)
  TEST_CASE(5, a4, 7, li a4, 0; la a2, 1f - 8; jalr x0, 8(a2); li a4, 1; 1: addi a4, a4, 7)
  TEST_CASE(6, a4, 7, li a4, 0; la a2, 1f + 16; jalr x0, -16(a2); li a4, 1; 1: addi a4, a4, 7)
  # rd == rs1: the target uses the old rs1.
  TEST_CASE(7, a4, 0, la a2, 2f; la a1, 1f; jalr a2, 0(a2); 1: j fail; 2: sub a4, a2, a1)
  # Bit 0 of the target is cleared: odd addresses are fine, no trap.
  TEST_NO_TRAP(8, la a2, 1f + 1; jalr ra, 0(a2); j fail; 1: nop)
  TEST_NO_TRAP(9, la a2, 1f; jalr ra, 1(a2); j fail; 1: nop)
  # 2-byte aligned target with C enabled: legal.
  TEST_NO_TRAP(10, la a2, 1f; jalr ra, 0(a2); j fail; .balign 4; .half 0x0001; \
               1: .option push; .option rvc; c.nop; c.j 2f; c.nop; .option pop; 2: nop)
  TEST_CASE(11, a4, 9, li a4, 0; la a2, 1f; andi a1, a2, 3; beqz a1, fail; \
            jalr ra, 0(a2); li a4, 1; .balign 4; .half 0x0001; 1: addi a4, a4, 9)
  # jal to a 2-byte aligned target.
  TEST_NO_TRAP(12, jal ra, 1f; j fail; .balign 4; .half 0x0001; 1: nop)
  # jalr rd = x0 (ret): no link written.
  TEST_CASE(13, ra, 0x1234, li ra, 0x1234; la a2, 1f; jalr x0, 0(a2); 1: nop)
  # call/ret round trip.
  TEST_CASE(14, a0, 42, li a0, 0; call sub42; addi a0, a0, 0)

  RVTEST_PASS

sub42:
  li a0, 42
  ret
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
