# misaligned_trap.S: misaligned loads and stores that the execution environment does not
# perform (hartlab --misaligned=trap) raise load address-misaligned (cause 4) or store/AMO
# address-misaligned (cause 6), with mepc = the instruction and mtval = the exact faulting
# address (Privileged 1.12 3.1.15-3.1.16; Unprivileged 2.6). The load's rd and the store's
# memory are left unchanged (precise exceptions). Misaligned LR/SC/AMOs trap the same way.
#include "test.h"

#define TEST_MIS_LOAD(n, insn, off)                                            \
  li a4, 0x77;                                                                 \
  la a1, mbuf;                                                                 \
  TEST_TRAP_TADDR(n, CAUSE_MISALIGNED_LOAD, mbuf + off, insn a4, off(a1));     \
  CHECK_EQ_IMM(a4, 0x77)

#define CHECK_MBUF_ZERO                                                        \
  la a1, mbuf;                                                                 \
  lw a2, 0(a1);                                                                \
  bnez a2, fail;                                                               \
  lw a2, 4(a1);                                                                \
  bnez a2, fail;                                                               \
  lw a2, 8(a1);                                                                \
  bnez a2, fail;                                                               \
  lw a2, 12(a1);                                                               \
  bnez a2, fail;                                                               \
  lw a2, 16(a1);                                                               \
  bnez a2, fail

#define TEST_MIS_STORE(n, insn, off)                                           \
  li a3, -1;                                                                   \
  la a1, mbuf;                                                                 \
  TEST_TRAP_TADDR(n, CAUSE_MISALIGNED_STORE, mbuf + off, insn a3, off(a1));    \
  CHECK_MBUF_ZERO

RVTEST_CODE_BEGIN
#ifndef QEMU /* QEMU 7.2 performs misaligned loads and stores instead of trapping */
  TEST_MIS_LOAD(1, lh, 1)
  TEST_MIS_LOAD(2, lhu, 3)
  TEST_MIS_LOAD(3, lh, 7)      /* crosses an 8-byte boundary */
  TEST_MIS_LOAD(4, lw, 1)
  TEST_MIS_LOAD(5, lw, 2)
  TEST_MIS_LOAD(6, lw, 3)
  TEST_MIS_LOAD(7, lw, 6)
  TEST_MIS_STORE(10, sh, 1)
  TEST_MIS_STORE(11, sh, 7)
  TEST_MIS_STORE(12, sw, 1)
  TEST_MIS_STORE(13, sw, 2)
  TEST_MIS_STORE(14, sw, 7)
  # Compressed forms with a misaligned base.
  li a4, 0x77
  la a0, mbuf + 2
  TEST_TRAP_TADDR(15, CAUSE_MISALIGNED_LOAD, mbuf + 2, c.lw a4, 0(a0))
  CHECK_EQ_IMM(a4, 0x77)
  li a3, -1
  la a0, mbuf + 6
  TEST_TRAP_TADDR(16, CAUSE_MISALIGNED_STORE, mbuf + 6, c.sw a3, 0(a0))
  CHECK_MBUF_ZERO
  mv s0, sp
  la sp, mbuf + 1
  li a4, 0x77
  TEST_TRAP_TADDR(17, CAUSE_MISALIGNED_LOAD, mbuf + 5, c.lwsp a4, 4(sp))
  TEST_TRAP_TADDR(18, CAUSE_MISALIGNED_STORE, mbuf + 9, c.swsp a3, 8(sp))
  mv sp, s0
  CHECK_EQ_IMM(a4, 0x77)
  CHECK_MBUF_ZERO
#if __riscv_xlen == 64
  TEST_MIS_LOAD(20, lwu, 2)
  TEST_MIS_LOAD(21, ld, 1)
  TEST_MIS_LOAD(22, ld, 4)
  TEST_MIS_LOAD(23, ld, 7)
  TEST_MIS_STORE(24, sd, 3)
  TEST_MIS_STORE(25, sd, 4)
  li a4, 0x77
  la a0, mbuf + 4
  TEST_TRAP_TADDR(26, CAUSE_MISALIGNED_LOAD, mbuf + 4, c.ld a4, 0(a0))
  CHECK_EQ_IMM(a4, 0x77)
  TEST_TRAP_TADDR(27, CAUSE_MISALIGNED_STORE, mbuf + 4, c.sd a3, 0(a0))
  CHECK_MBUF_ZERO
#endif
  # Aligned accesses of every width still work.
  TEST_CASE(30, a4, -1, la a1, mbuf; li a3, -1; sh a3, 2(a1); lh a4, 2(a1); sh zero, 2(a1))
#endif
  # Misaligned atomics.
  TEST_MISALIGNED_AMO(40, CAUSE_MISALIGNED_LOAD, 2, lr.w a4, (a0))
#ifndef QEMU /* QEMU 7.2: SC fails before the alignment check; AMOs give cause 4 */
  TEST_MISALIGNED_AMO(41, CAUSE_MISALIGNED_STORE, 1, sc.w a4, a3, (a0))
  TEST_MISALIGNED_AMO(42, CAUSE_MISALIGNED_STORE, 3, amoor.w a4, a3, (a0))
#if __riscv_xlen == 64
  TEST_MISALIGNED_AMO(43, CAUSE_MISALIGNED_STORE, 4, amoswap.d a4, a3, (a0))
#endif
#endif
#if __riscv_xlen == 64
  TEST_MISALIGNED_AMO(44, CAUSE_MISALIGNED_LOAD, 4, lr.d a4, (a0))
#endif
  CHECK_MBUF_ZERO
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
mbuf:
  .fill 32, 1, 0
RVTEST_DATA_END
