# counters.S: Zicntr counters and their machine-mode controls (Unprivileged ISA ch. 10 and
# 9.1; Privileged 1.12 3.1.10-3.1.12). cycle/time/instret are readable in M-mode; instret
# counts retired instructions exactly; a value written to minstret is the value read by the
# next instruction ("the write is done instead of the increment", Zicsr 9.1); mcycle after a
# write is close to the written value; time never goes backwards; in U-mode each of cycle,
# time and instret (and their RV32 high halves) is legal only when its mcounteren bit is set
# (and, if S-mode exists, its scounteren bit: set here so the test runs on QEMU too).
#include "test.h"

#define A0 10
#define RD_CSR(csr) CSR_INSN(csr, 0, F3_CSRRS, A0)
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_CYCLEH 0xc80
#define CSR_TIMEH 0xc81
#define CSR_INSTRETH 0xc82

/* mcounteren (and scounteren where S-mode exists) = v. */
#define SET_COUNTEREN(v)                                                       \
  li a1, v;                                                                    \
  csrw mcounteren, a1;                                                         \
  csrr a2, misa;                                                               \
  srli a2, a2, 18;                                                             \
  andi a2, a2, 1;                                                              \
  beqz a2, 1f;                                                                 \
  csrw scounteren, a1;                                                         \
  1:

#define TEST_U_DENIED(n, csr)                                                  \
  TEST_UMODE_TRAP(n, CAUSE_ILLEGAL_INSTRUCTION, RD_CSR(csr), .word RD_CSR(csr))
#define TEST_U_ALLOWED(n, csr) TEST_UMODE_NO_TRAP(n, .word RD_CSR(csr))

RVTEST_CODE_BEGIN
  TEST_NO_TRAP(1, rdcycle a0; rdtime a0; rdinstret a0; csrr a0, mcycle; csrr a0, minstret)
#if __riscv_xlen == 32
  TEST_NO_TRAP(2, rdcycleh a0; rdtimeh a0; rdinstreth a0; csrr a0, mcycleh; csrr a0, minstreth)
#endif
  # cycle advances.
  TEST_CASE(3, a0, 1, rdcycle a1; li a3, 100; 1: addi a3, a3, -1; bnez a3, 1b; rdcycle a2; \
            sltu a0, a1, a2)
  # time does not go backwards.
  TEST_CASE(4, a0, 0, rdtime a1; li a3, 100; 1: addi a3, a3, -1; bnez a3, 1b; rdtime a2; \
            sltu a0, a2, a1)
#ifndef QEMU /* QEMU 7.2 without -icount derives instret from host ticks */
  # instret counts exactly: the first read, two nops, then the second read.
  TEST_CASE(5, a0, 3, .option push; .option norvc; rdinstret a1; nop; nop; rdinstret a2; \
            .option pop; sub a0, a2, a1)
  TEST_CASE(6, a0, 3, csrr a1, minstret; nop; nop; csrr a2, minstret; sub a0, a2, a1)
  # A write to minstret replaces that instruction's increment.
  TEST_CASE(7, a0, 1000, li a1, 1000; csrw minstret, a1; csrr a0, minstret)
  TEST_CASE(8, a0, 1001, li a1, 1000; csrw minstret, a1; nop; csrr a0, minstret)
  TEST_CASE(9, a0, 1000, li a1, 1000; csrw minstret, a1; rdinstret a0)
  TEST_CASE(10, a0, 1000, li a1, 1000; csrrw a0, minstret, a1; csrrs a0, minstret, x0)
#if __riscv_xlen == 64
  TEST_CASE(11, a0, 0x123456789, li a1, 0x123456789; csrw minstret, a1; csrr a0, minstret)
#else
  TEST_CASE(11, a0, 0x12, li a1, 0x12; csrw minstreth, a1; csrw minstret, zero; \
            csrr a0, minstreth)
  TEST_CASE(12, a0, 0x34, li a1, 0x34; csrw minstreth, a1; li a1, 0x100; csrw minstret, a1; \
            csrr a2, minstret; CHECK_EQ_IMM(a2, 0x100); rdinstreth a0)
#endif
#endif
  # mcycle after a write starts from the written value.
#ifndef QEMU /* QEMU 7.2 counts host TSC ticks: thousands pass between two instructions */
  TEST_CASE(13, a0, 1, li a1, 0x10000; csrw mcycle, a1; csrr a2, mcycle; sub a2, a2, a1; \
            sltiu a0, a2, 1000)
#endif
  TEST_CASE(14, a0, 0, li a1, 0x10000; csrw mcycle, a1; csrr a2, mcycle; sltu a0, a2, a1)

  # mcounteren gating of U-mode reads.
  TEST_CASE(20, a0, 7, SET_COUNTEREN(7); csrr a0, mcounteren; andi a0, a0, 7)
  TEST_U_ALLOWED(21, CSR_CYCLE)
  TEST_U_ALLOWED(22, CSR_TIME)
  TEST_U_ALLOWED(23, CSR_INSTRET)
#if __riscv_xlen == 32
  TEST_U_ALLOWED(24, CSR_CYCLEH)
  TEST_U_ALLOWED(25, CSR_TIMEH)
  TEST_U_ALLOWED(26, CSR_INSTRETH)
#endif
  test_30: SET_COUNTEREN(0)
  TEST_U_DENIED(31, CSR_CYCLE)
  TEST_U_DENIED(32, CSR_TIME)
  TEST_U_DENIED(33, CSR_INSTRET)
#if __riscv_xlen == 32
  TEST_U_DENIED(34, CSR_CYCLEH)
  TEST_U_DENIED(35, CSR_TIMEH)
  TEST_U_DENIED(36, CSR_INSTRETH)
#endif
  # One bit at a time: only the enabled counter is readable.
  test_40: SET_COUNTEREN(1)
  TEST_U_ALLOWED(41, CSR_CYCLE)
  TEST_U_DENIED(42, CSR_TIME)
  TEST_U_DENIED(43, CSR_INSTRET)
  test_44: SET_COUNTEREN(2)
  TEST_U_DENIED(45, CSR_CYCLE)
  TEST_U_ALLOWED(46, CSR_TIME)
  TEST_U_DENIED(47, CSR_INSTRET)
  test_48: SET_COUNTEREN(4)
  TEST_U_DENIED(49, CSR_CYCLE)
  TEST_U_DENIED(50, CSR_TIME)
  TEST_U_ALLOWED(51, CSR_INSTRET)
  # The machine counters are never accessible from U-mode.
  test_52: SET_COUNTEREN(7)
  TEST_U_DENIED(53, 0xb00)   /* mcycle */
  TEST_U_DENIED(54, 0xb02)   /* minstret */
  TEST_U_DENIED(55, 0x306)   /* mcounteren */
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
RVTEST_DATA_END
