# csr.S: Zicsr instructions and the CSR access rules (Unprivileged ISA ch. 9; Privileged 1.12
# 2.1 CSR address mapping, 3.1.1 misa, 3.1.6 mstatus, 3.1.14 mepc). csrrw/csrrs/csrrc and the
# immediate forms read the old value and write the new one; csrrs/csrrc with rs1 = x0 and
# csrrsi/csrrci with uimm = 0 do not write, so they are legal on read-only CSRs, while any
# writing form (even one writing the same value) of a read-only CSR is illegal; an unknown
# CSR is illegal; an M-mode CSR is illegal from U-mode. mtval = the instruction bits.
#include "test.h"

#define A0 10
#define A1 11
#define CSR_MSCRATCH 0x340
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_CUSTOM_M 0x7c0 /* custom machine-mode read/write space: not implemented */
#define CSR_CUSTOM_U 0x8c0

#define TEST_ILLEGAL_CSR(n, bits)                                              \
  li a0, 0x1234;                                                               \
  li a1, 0;                                                                    \
  TEST_ILLEGAL32(n, bits);                                                     \
  CHECK_EQ_IMM(a0, 0x1234)

RVTEST_CODE_BEGIN
  # Read-modify-write semantics on mscratch.
  TEST_CASE(1, a0, 0x0f0f, li a1, 0x0f0f; csrw mscratch, a1; csrr a0, mscratch)
  TEST_CASE(2, a0, 0x0f0f, li a1, 0x00f0; csrrs a0, mscratch, a1; csrr a2, mscratch; \
            CHECK_EQ_IMM(a2, 0x0fff))
  TEST_CASE(3, a0, 0x0fff, li a1, 0x0ff0; csrrc a0, mscratch, a1; csrr a2, mscratch; \
            CHECK_EQ_IMM(a2, 0x000f))
  TEST_CASE(4, a0, 0x000f, csrrwi a0, mscratch, 31; csrr a2, mscratch; CHECK_EQ_IMM(a2, 31))
  TEST_CASE(5, a0, 31, csrrci a0, mscratch, 5; csrr a2, mscratch; CHECK_EQ_IMM(a2, 26))
  TEST_CASE(6, a0, 26, csrrsi a0, mscratch, 1; csrr a2, mscratch; CHECK_EQ_IMM(a2, 27))
  TEST_CASE(7, a0, -1, li a1, -1; csrw mscratch, a1; csrr a0, mscratch)    # full XLEN
  TEST_CASE(8, a0, XMIN, li a1, XMIN; csrw mscratch, a1; csrr a0, mscratch)
  # rd = rs1: old value out, new value in.
  TEST_CASE(9, a0, XMIN, li a0, 77; csrrw a0, mscratch, a0; csrr a2, mscratch; \
            CHECK_EQ_IMM(a2, 77))
  # rs1 = x0 / uimm = 0: read without write.
  TEST_CASE(10, a0, 77, csrrs a0, mscratch, x0; csrrc a0, mscratch, x0; \
            csrrsi a0, mscratch, 0; csrrci a0, mscratch, 0)
  # rd = x0: the write still happens.
  TEST_CASE(11, a0, 5, csrrw x0, mscratch, x0; csrrsi x0, mscratch, 5; csrr a0, mscratch)
  TEST_CASE(12, x0, 0, csrr x0, mscratch)
  # The trap handler finds its record through mscratch: put it back.
  la a0, trap_rec
  csrw mscratch, a0

  # Read-only machine information CSRs: reading (with non-writing forms) is legal.
  TEST_NO_TRAP(13, csrr a0, mvendorid; csrrs a0, marchid, x0; csrrc a0, mimpid, x0; \
               csrrsi a0, mhartid, 0; csrrci a0, mhartid, 0)
  TEST_CASE(14, a0, 0, csrr a0, mhartid)   # the only hart is hart 0
  TEST_NO_TRAP(15, csrr a0, cycle; csrrs a0, instret, x0; csrrci a0, cycle, 0)

  # Writes to read-only CSRs.
  TEST_ILLEGAL_CSR(16, CSR_INSN(CSR_MVENDORID, A1, F3_CSRRW, A0))
  TEST_ILLEGAL_CSR(17, CSR_INSN(CSR_MHARTID, A1, F3_CSRRW, A0))
#ifndef QEMU /* QEMU 7.2 treats a zero rs1 value like rs1 = x0 (Zicsr 9.1 says it still writes) */
  TEST_ILLEGAL_CSR(18, CSR_INSN(CSR_MHARTID, A1, F3_CSRRS, A0))    # rs1 != x0 though a1 = 0
  TEST_ILLEGAL_CSR(19, CSR_INSN(CSR_MHARTID, A1, F3_CSRRC, A0))
#endif
  TEST_ILLEGAL_CSR(20, CSR_INSN(CSR_MARCHID, 0, F3_CSRRWI, A0))    # csrrwi always writes
  TEST_ILLEGAL_CSR(21, CSR_INSN(CSR_MIMPID, 1, F3_CSRRSI, A0))
  TEST_ILLEGAL_CSR(22, CSR_INSN(CSR_MHARTID, 1, F3_CSRRCI, A0))
  TEST_ILLEGAL_CSR(23, CSR_INSN(CSR_CYCLE, A1, F3_CSRRW, 0))        # csrw cycle (= unimp)
  TEST_ILLEGAL_CSR(24, CSR_INSN(CSR_INSTRET, A1, F3_CSRRW, A0))
  TEST_ILLEGAL_CSR(25, CSR_INSN(CSR_TIME, 0, F3_CSRRWI, A0))
  # Unknown CSRs, read-only forms included.
  TEST_ILLEGAL_CSR(26, CSR_INSN(CSR_CUSTOM_M, 0, F3_CSRRS, A0))
  TEST_ILLEGAL_CSR(27, CSR_INSN(CSR_CUSTOM_M, A1, F3_CSRRW, A0))
  TEST_ILLEGAL_CSR(28, CSR_INSN(CSR_CUSTOM_U, 0, F3_CSRRS, A0))

  # U-mode may not touch M-mode CSRs, even read-only ones.
  TEST_UMODE_TRAP(30, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(CSR_MSCRATCH, 0, F3_CSRRS, A0), \
                  .word CSR_INSN(CSR_MSCRATCH, 0, F3_CSRRS, A0))
  TEST_UMODE_TRAP(31, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(CSR_MHARTID, 0, F3_CSRRS, A0), \
                  .word CSR_INSN(CSR_MHARTID, 0, F3_CSRRS, A0))
  TEST_UMODE_TRAP(32, CAUSE_ILLEGAL_INSTRUCTION, CSR_INSN(0x300, A1, F3_CSRRW, A0), \
                  .word CSR_INSN(0x300, A1, F3_CSRRW, A0))
  # The U-mode attempt did not write mscratch (which still points at the trap record).
  TEST_CASE(33, a0, 0, li a1, 0x66; GOTO_UMODE(1f); 1: csrw mscratch, a1; \
            csrr a0, mscratch; la a1, trap_rec; sub a0, a0, a1)

  # misa: MXL matches XLEN; I, M, A, C and U are reported.
#if __riscv_xlen == 64
  TEST_CASE(40, a0, 2, csrr a1, misa; srli a0, a1, 62)
#else
  TEST_CASE(40, a0, 1, csrr a1, misa; srli a0, a1, 30)
#endif
  TEST_CASE(41, a0, 0x101105, csrr a1, misa; li a2, 0x101105; and a0, a1, a2)

  # mstatus.MPP is WARL: M (3) and U (0) are legal here and read back; the reserved value 2
  # never reads back; S (1) reads back only if misa says S-mode exists.
#define SET_MPP(v) li a1, MSTATUS_MPP; csrc mstatus, a1; li a1, (v) << 11; csrs mstatus, a1; \
  csrr a0, mstatus; li a1, MSTATUS_MPP; and a0, a0, a1; srli a0, a0, 11
  TEST_CASE(42, a0, 3, SET_MPP(3))
  TEST_CASE(43, a0, 0, SET_MPP(0))
#ifndef QEMU /* QEMU 7.2 stores the reserved MPP value 2 as written */
  TEST_CASE(44, a0, 0, SET_MPP(2); addi a0, a0, -2; seqz a0, a0)
#endif
  test_45: li TESTNUM, 45
  csrr a2, misa
  srli a2, a2, 18
  andi a2, a2, 1
  bnez a2, 1f
  SET_MPP(1)
  li a1, 1
  beq a0, a1, fail
1:
  # mepc[0] is always zero (IALIGN = 16 with C).
#ifndef QEMU /* QEMU 7.2 keeps bit 0 of a value written to mepc */
  TEST_CASE(46, a0, 0, la a1, 1f + 3; csrw mepc, a1; csrr a2, mepc; la a1, 1f + 2; \
            sub a0, a2, a1; 1: nop)
#endif
  # mtvec in direct mode holds a 4-byte aligned base.
  TEST_CASE(47, a0, 0, la a1, trap_vector; csrw mtvec, a1; csrr a2, mtvec; sub a0, a2, a1)

  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
