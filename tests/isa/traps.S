# traps.S: synchronous exception entry and return (Privileged 1.12 3.1.6 mstatus, 3.1.15
# mcause, 3.1.14 mepc, 3.1.16 mtval, 3.3.2 mret; Unprivileged 2.8 ecall/ebreak): illegal
# instructions (mtval = the instruction bits, rd unchanged), ecall from M (cause 11) and from
# U (cause 8), ebreak (cause 3, mtval = pc), the MIE/MPIE/MPP stack on entry and on mret
# (MPP becomes U, the least-privileged mode), MPRV cleared by an mret to U, and that
# fence, fence.tso, pause and fence.i do not trap.
#include "test.h"

#define A0 10
#define TEST_ILL32(n, bits)                                                    \
  li a0, 0x1234;                                                               \
  TEST_ILLEGAL32(n, bits);                                                     \
  CHECK_EQ_IMM(a0, 0x1234)

RVTEST_CODE_BEGIN
  TEST_ILL32(1, 0x0000050b)   /* custom-0 opcode, rd = a0: not implemented */
  TEST_ILL32(2, 0x40001533)   /* OP funct7 0100000 funct3 001 (sll form): reserved */
  TEST_ILL32(4, 0x0600d533)   /* OP funct7 0000011 funct3 101: reserved */
  TEST_ILL32(5, 0x00003503 | (7 << 12))  /* LOAD funct3 111: reserved */
  TEST_ILL32(6, 0x00000563 | (2 << 12))  /* BRANCH funct3 010: reserved */
  TEST_ILL32(7, 0x00000567 | (1 << 12))  /* JALR funct3 001: reserved */
  TEST_ILL32(8, 0x00000073 | (4 << 12))  /* SYSTEM funct3 100: reserved */
#if __riscv_xlen == 32
  TEST_ILL32(9, 0x00003503)   /* ld: RV64 only */
  TEST_ILL32(10, 0x0000051b)  /* addiw: RV64 only */
  TEST_ILL32(11, 0x02051513)  /* slli a0, a0, 32: shamt[5] = 1 is reserved on RV32 */
#endif

  # ecall from M-mode: cause 11, mepc = the ecall, mtval = 0, execution continues after it.
  TEST_TRAP_TVAL(20, CAUSE_MACHINE_ECALL, 0, ecall)
  # ecall from U-mode: cause 8, recorded MPP = U.
  TEST_UMODE_TRAP(21, CAUSE_USER_ECALL, 0, ecall)
  # ebreak: cause 3, mtval = the address of the ebreak.
#ifndef QEMU /* QEMU 7.2 writes mtval = 0 for breakpoints */
  TEST_TRAP_TADDR(22, CAUSE_BREAKPOINT, trap_site_22, .option push; .option norvc; ebreak; \
                  .option pop)
#else
  TEST_TRAP_TVAL(23, CAUSE_BREAKPOINT, 0, .option push; .option norvc; ebreak; .option pop)
#endif
  # mret from U-mode is illegal.
  TEST_UMODE_TRAP(24, CAUSE_ILLEGAL_INSTRUCTION, 0x30200073, mret)

  # Trap entry: MPIE <- MIE, MIE <- 0, MPP <- M. (mie = 0: no interrupt can be taken.)
  TEST_CASE(30, a0, MSTATUS_MPIE | MSTATUS_MPP_M, csrwi mie, 0; csrsi mstatus, MSTATUS_MIE; \
            ecall; la a1, trap_rec; LREG a1, TR_MSTATUS(a1); \
            li a2, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; and a0, a1, a2)
  # mret: MIE <- MPIE, MPIE <- 1, MPP <- U (least-privileged supported mode).
  TEST_CASE(31, a0, MSTATUS_MIE | MSTATUS_MPIE, csrr a1, mstatus; \
            li a2, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; and a0, a1, a2; csrci mstatus, MSTATUS_MIE)
  # With MIE = 0 the trap records MPIE = 0, and mret leaves MIE = 0.
  TEST_CASE(32, a0, MSTATUS_MPP_M, csrci mstatus, MSTATUS_MIE; ecall; la a1, trap_rec; \
            LREG a1, TR_MSTATUS(a1); li a2, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; and a0, a1, a2)
  TEST_CASE(33, a0, MSTATUS_MPIE, csrr a1, mstatus; \
            li a2, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP; and a0, a1, a2)
  # An mret to U clears MPRV (new in Privileged 1.12).
#ifndef QEMU /* QEMU 7.2 leaves MPRV set */
  TEST_CASE(34, a0, 0, li a1, MSTATUS_MPRV; csrs mstatus, a1; GOTO_UMODE(1f); 1: ecall; \
            la a1, trap_rec; LREG a1, TR_MSTATUS(a1); li a2, MSTATUS_MPRV; and a0, a1, a2)
#endif
  li a1, MSTATUS_MPRV
  csrc mstatus, a1
  # mret to an explicit mepc in M-mode.
  TEST_CASE(35, a0, 5, li a0, 0; li a1, MSTATUS_MPP; csrs mstatus, a1; la a1, 1f; \
            csrw mepc, a1; mret; li a0, 1; 1: addi a0, a0, 5)
  # A trap from U-mode and mret back to U-mode at an address of our choice.
  TEST_CASE(36, a0, 3, li a0, 0; GOTO_UMODE(1f); 1: addi a0, a0, 1; ecall; \
            CHECK_TRAP_FROM_U; addi a0, a0, 2)

  # Memory-ordering instructions and hints that must simply execute.
  TEST_NO_TRAP(40, fence; fence rw, rw; fence r, w; fence iorw, iorw; fence.i; \
               .word 0x8330000f /* fence.tso */; .word 0x0100000f /* pause */)
  TEST_UMODE_NO_TRAP(41, fence; fence.i; .word 0x8330000f; .word 0x0100000f)

  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
