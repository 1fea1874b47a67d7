# branch.S: conditional branches beq bne blt bge bltu bgeu (Unprivileged ISA 2.5.2), taken and
# not taken, forwards and backwards, with signed/unsigned edge values.
#include "test.h"

/* Test n: branch must be taken (reaches 2f with a4 = 1, not the fall-through). */
#define TEST_BR_TAKEN(n, inst, v1, v2)                                         \
  TEST_CASE(n, a4, 1, li a4, 0; li a1, MASK_XLEN(v1); li a2, MASK_XLEN(v2);    \
            inst a1, a2, 2f; j fail; 1: li a4, 1; j 3f; 2: inst a1, a2, 1b;   \
            j fail; 3:)
#define TEST_BR_NOT_TAKEN(n, inst, v1, v2)                                     \
  TEST_CASE(n, a4, 2, li a4, 0; li a1, MASK_XLEN(v1); li a2, MASK_XLEN(v2);    \
            inst a1, a2, 1f; addi a4, a4, 1; inst a1, a2, 1f; addi a4, a4, 1;  \
            j 2f; 1: j fail; 2:)

RVTEST_CODE_BEGIN
  TEST_BR_TAKEN(1, beq, 0, 0)
  TEST_BR_TAKEN(2, beq, -1, -1)
  TEST_BR_NOT_TAKEN(3, beq, 0, 1)
  TEST_BR_NOT_TAKEN(4, beq, XMIN, 0)
  TEST_BR_TAKEN(5, bne, 0, 1)
  TEST_BR_TAKEN(6, bne, XMIN, 0)
  TEST_BR_NOT_TAKEN(7, bne, -1, -1)
  TEST_BR_TAKEN(8, blt, -1, 0)
  TEST_BR_TAKEN(9, blt, XMIN, XMAX)
  TEST_BR_NOT_TAKEN(10, blt, 0, -1)
  TEST_BR_NOT_TAKEN(11, blt, 5, 5)
  TEST_BR_NOT_TAKEN(12, blt, XMAX, XMIN)
  TEST_BR_TAKEN(13, bge, 0, -1)
  TEST_BR_TAKEN(14, bge, 5, 5)
  TEST_BR_TAKEN(15, bge, XMAX, XMIN)
  TEST_BR_NOT_TAKEN(16, bge, -1, 0)
  TEST_BR_NOT_TAKEN(17, bge, XMIN, XMAX)
  TEST_BR_TAKEN(18, bltu, 0, -1)
  TEST_BR_TAKEN(19, bltu, XMAX, XMIN)
  TEST_BR_NOT_TAKEN(20, bltu, -1, 0)
  TEST_BR_NOT_TAKEN(21, bltu, 7, 7)
  TEST_BR_TAKEN(22, bgeu, -1, 0)
  TEST_BR_TAKEN(23, bgeu, 7, 7)
  TEST_BR_TAKEN(24, bgeu, XMIN, XMAX)
  TEST_BR_NOT_TAKEN(25, bgeu, 0, -1)
  # x0 as an operand reads zero.
  TEST_CASE(26, a4, 1, li a4, 0; beq x0, x0, 1f; j fail; 1: li a4, 1)
  TEST_CASE(27, a4, 1, li a4, 0; li a1, -1; blt a1, x0, 1f; j fail; 1: li a4, 1)
  # A backward loop: counts 10 iterations.
  TEST_CASE(28, a4, 10, li a4, 0; li a1, 10; 1: addi a4, a4, 1; bne a4, a1, 1b)
  # Far branch targets (full 13-bit range, not compressible).
  TEST_CASE(29, a4, 3, li a4, 0; .option push; .option norvc; beq x0, x0, 1f; \
            li a4, 1; .skip 4000; 1: addi a4, a4, 3; .option pop)
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
