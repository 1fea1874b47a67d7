# mtvec_vectored.S: mtvec MODE (Privileged 1.12 3.1.7). In vectored mode (MODE = 1)
# synchronous exceptions still go to BASE, while interrupts go to BASE + 4 * cause; in direct
# mode (MODE = 0) everything goes to BASE. Interrupts are raised through the CLINT of the
# QEMU-virt memory map: machine software interrupt (msip at 0x2000000, cause 3) and machine
# timer interrupt (mtimecmp at 0x2004000 set to 0, cause 7). Also wfi (Privileged 3.3.3): with
# mstatus.MIE = 0 it still resumes once an interrupt enabled in mie is pending, without
# taking it, both for one already pending (msip) and for a timer that fires later.
#include "test.h"

#define CLINT_MSIP 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#if __riscv_xlen == 64
#define ZEXT32(r) slli r, r, 32; srli r, r, 32
#else
#define ZEXT32(r)
#endif
#define MIP_MSIP 0x8
#define MIP_MTIP 0x80
#define IRQ_BIT MASK_XLEN(1 << (__riscv_xlen - 1))

/* Spin (bounded) until the vector entry handler has run. */
#define WAIT_FOR_IRQ                                                           \
  li a3, 10000;                                                                \
  la a2, vec_entry;                                                            \
  1: LREG a1, 0(a2);                                                           \
  bgez a1, 2f;                                                                 \
  addi a3, a3, -1;                                                             \
  bnez a3, 1b;                                                                 \
  2:

#define RESET_VEC_ENTRY                                                        \
  la a2, vec_entry;                                                            \
  li a1, -1;                                                                   \
  SREG a1, 0(a2)

RVTEST_CODE_BEGIN
  # Vectored mode is accepted and reads back.
  TEST_CASE(1, a0, 0, la a1, vec_table; ori a1, a1, 1; csrw mtvec, a1; csrr a2, mtvec; \
            sub a0, a2, a1)
  # Exceptions go to BASE: entry 0 runs, then the ordinary handler.
  test_2: li TESTNUM, 2
  RESET_VEC_ENTRY
  TEST_TRAP_TVAL(3, CAUSE_MACHINE_ECALL, 0, ecall)
  TEST_CASE(4, a1, 0, la a2, vec_entry; LREG a1, 0(a2))
  test_5: li TESTNUM, 5
  RESET_VEC_ENTRY
  TEST_TRAP_TVAL(6, CAUSE_ILLEGAL_INSTRUCTION, 0x0000000b, .word 0x0000000b)
  TEST_CASE(7, a1, 0, la a2, vec_entry; LREG a1, 0(a2))
  test_8: li TESTNUM, 8
  RESET_VEC_ENTRY
  TEST_UMODE_TRAP(9, CAUSE_USER_ECALL, 0, ecall)
  TEST_CASE(10, a1, 0, la a2, vec_entry; LREG a1, 0(a2))

  # Machine software interrupt: BASE + 12.
  test_11: li TESTNUM, 11
  RESET_VEC_ENTRY
  li a1, CLINT_MSIP
  li a2, 1
  sw a2, 0(a1)
  li a1, MIP_MSIP
  csrs mie, a1
  csrsi mstatus, MSTATUS_MIE
  WAIT_FOR_IRQ
  csrci mstatus, MSTATUS_MIE
  csrw mie, zero
  TEST_CASE(12, a1, 3, la a2, vec_entry; LREG a1, 0(a2))
  TEST_CASE(13, a1, IRQ_BIT | 3, la a2, vec_cause; LREG a1, 0(a2))
  # Machine timer interrupt: BASE + 28.
  test_14: li TESTNUM, 14
  RESET_VEC_ENTRY
  li a1, CLINT_MTIMECMP
  sw zero, 4(a1)
  sw zero, 0(a1)
  li a1, MIP_MTIP
  csrs mie, a1
  csrsi mstatus, MSTATUS_MIE
  WAIT_FOR_IRQ
  csrci mstatus, MSTATUS_MIE
  csrw mie, zero
  TEST_CASE(15, a1, 7, la a2, vec_entry; LREG a1, 0(a2))
  TEST_CASE(16, a1, IRQ_BIT | 7, la a2, vec_cause; LREG a1, 0(a2))
  # The pending bit went away when the handler moved mtimecmp.
  TEST_CASE(17, a1, 0, csrr a1, mip; andi a1, a1, MIP_MTIP)

  # Direct mode: an interrupt goes to BASE (the recording handler, which masks mie).
  test_18: li TESTNUM, 18
  la a1, trap_vector
  csrw mtvec, a1
  TRAP_ARM
  li a1, CLINT_MSIP
  li a2, 1
  sw a2, 0(a1)
  li a1, MIP_MSIP
  csrs mie, a1
  csrsi mstatus, MSTATUS_MIE
  li a3, 10000
1:
  la a2, trap_rec
  LREG a1, TR_COUNT(a2)
  bnez a1, 2f
  addi a3, a3, -1
  bnez a3, 1b
2:
  csrci mstatus, MSTATUS_MIE
  li a1, CLINT_MSIP
  sw zero, 0(a1)
  TEST_CASE(19, a1, IRQ_BIT | 3, la a2, trap_rec; LREG a1, TR_MCAUSE(a2))
  TEST_CASE(20, a1, 1, la a2, trap_rec; LREG a1, TR_COUNT(a2))

  # wfi with an interrupt already pending and enabled in mie, globally disabled: no trap.
  test_21: li TESTNUM, 21
  TRAP_ARM
  li a1, CLINT_MSIP
  li a2, 1
  sw a2, 0(a1)
  li a1, MIP_MSIP
  csrw mie, a1
  wfi
  TEST_CASE(22, a1, MIP_MSIP, csrr a1, mip; andi a1, a1, MIP_MSIP)
  CHECK_NO_TRAP
  TEST_CASE(23, a1, 0, li a1, CLINT_MSIP; sw zero, 0(a1); csrr a1, mip; andi a1, a1, MIP_MSIP)
  # wfi until a timer 1000 ticks ahead fires: afterwards mtime has passed mtimecmp.
  test_24: li TESTNUM, 24
  TRAP_ARM
  li a1, CLINT_MTIMECMP
  li a2, -1
  sw a2, 4(a1)
  li a0, CLINT_MTIME
  lw s1, 0(a0)              /* low word only: the deltas below are small */
  addi s2, s1, 1000
  sw s2, 0(a1)
  lw a3, 4(a0)
  sltu a4, s2, s1           /* carry out of the low word */
  add a3, a3, a4
  sw a3, 4(a1)
  li a1, MIP_MTIP
  csrw mie, a1
  li a3, 1000
1:
  wfi
  csrr a1, mip
  andi a1, a1, MIP_MTIP
  bnez a1, 2f
  addi a3, a3, -1
  bnez a3, 1b
2:
  csrw mie, zero
  TEST_CASE(25, a1, MIP_MTIP, csrr a1, mip; andi a1, a1, MIP_MTIP)
  TEST_CASE(26, a1, 0, li a0, CLINT_MTIME; lw a2, 0(a0); sub a2, a2, s1; ZEXT32(a2); \
            sltiu a1, a2, 1000)
  CHECK_NO_TRAP
  TEST_CASE(27, a1, 0, li a1, CLINT_MTIMECMP; li a2, -1; sw a2, 0(a1); sw a2, 4(a1); \
            csrr a1, mip; andi a1, a1, MIP_MTIP)
  RVTEST_PASS

/* The vector table: 4-byte jumps, so no compression here. */
  .balign 256
vec_table:
  .option push
  .option norvc
  j vec_exception   /* 0: all exceptions */
  j vec_bad         /* 1 */
  j vec_bad         /* 2 */
  j vec_msi         /* 3: machine software */
  j vec_bad         /* 4 */
  j vec_bad         /* 5 */
  j vec_bad         /* 6 */
  j vec_mti         /* 7: machine timer */
  j vec_bad         /* 8 */
  j vec_bad         /* 9 */
  j vec_bad         /* 10 */
  j vec_bad         /* 11 */
  .option pop

/* Record entry 0, then hand over to the ordinary recording handler. */
vec_exception:
  csrrw t0, mscratch, t0
  SREG t1, TR_SAVE_T1(t0)
  la t1, vec_entry
  SREG zero, 0(t1)
  LREG t1, TR_SAVE_T1(t0)
  csrrw t0, mscratch, t0
  j trap_vector

/* A wrong vector entry: fail with the current test number. */
vec_bad:
  j fail

vec_msi:
  csrrw t0, mscratch, t0
  SREG t1, TR_SAVE_T1(t0)
  SREG t2, TR_SAVE_T2(t0)
  li t1, CLINT_MSIP
  sw zero, 0(t1)
  li t2, 3
  j vec_record

vec_mti:
  csrrw t0, mscratch, t0
  SREG t1, TR_SAVE_T1(t0)
  SREG t2, TR_SAVE_T2(t0)
  li t1, CLINT_MTIMECMP
  li t2, -1
  sw t2, 0(t1)
  sw t2, 4(t1)
  li t2, 7
  /* fall through */
vec_record:
  la t1, vec_entry
  SREG t2, 0(t1)
  csrr t2, mcause
  la t1, vec_cause
  SREG t2, 0(t1)
  LREG t1, TR_SAVE_T1(t0)
  LREG t2, TR_SAVE_T2(t0)
  csrrw t0, mscratch, t0
  mret
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 8
vec_entry:
  .dword -1
vec_cause:
  .dword 0
RVTEST_DATA_END
