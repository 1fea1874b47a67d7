/* Shared environment for the hartlab assembly ISA tests: start-up code, a recording M-mode
 * trap handler, numbered test-case macros and the PASS/FAIL protocol. Written from the RISC-V
 * Unprivileged ISA manual (20191213) and the Privileged Architecture 1.12 (mstatus, mtvec,
 * mcause, mepc, mtval, PMP). Results are reported twice so the same ELF runs on hartlab and
 * on QEMU virt: HTIF `tohost` (1 = pass, (N<<1)|1 = test N failed) and then the SiFive test
 * finisher at 0x100000 (0x5555 = pass, (N<<16)|0x3333 = exit status N).
 *
 * Register conventions: gp (TESTNUM) holds the current test number; t6 holds expected
 * values inside the macros; t0-t2 are clobbered by the trap-checking macros. Test bodies
 * should keep out of gp and t6. */
/* Assembler macros, laid out by hand for the .S files: */
/* clang-format off */
#ifndef HARTLAB_ISA_TEST_H
#define HARTLAB_ISA_TEST_H

#if __riscv_xlen == 64
#define LREG ld
#define SREG sd
#define REGBYTES 8
#else
#define LREG lw
#define SREG sw
#define REGBYTES 4
#endif

#define TESTNUM gp
/* Truncates a constant to XLEN bits so that `li` accepts 64-bit patterns on RV32. */
#define MASK_XLEN(x) ((x) & ((1 << (__riscv_xlen - 1) << 1) - 1))
/* The most negative and most positive XLEN-bit signed values. */
#define XMIN MASK_XLEN(1 << (__riscv_xlen - 1))
#define XMAX MASK_XLEN((1 << (__riscv_xlen - 1)) - 1)

#define MSTATUS_MIE 0x8
#define MSTATUS_MPIE 0x80
#define MSTATUS_MPP 0x1800
#define MSTATUS_MPP_U 0x0000
#define MSTATUS_MPP_M 0x1800
#define MSTATUS_MPRV 0x20000

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_MACHINE_ECALL 11

#define TEST_FINISHER 0x100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

/* Layout of trap_rec, the record the handler fills in (one XLEN word each). */
#define TR_SAVE_T0 (0 * REGBYTES)
#define TR_SAVE_T1 (1 * REGBYTES)
#define TR_SAVE_T2 (2 * REGBYTES)
#define TR_MCAUSE (3 * REGBYTES)
#define TR_MEPC (4 * REGBYTES)
#define TR_MTVAL (5 * REGBYTES)
#define TR_COUNT (6 * REGBYTES)
#define TR_RESUME (7 * REGBYTES)  /* non-zero: return there instead of skipping */
#define TR_MSTATUS (8 * REGBYTES) /* mstatus as seen on entry (MPP = previous mode) */
#define TR_SIZE (9 * REGBYTES)

/*
 * Start-up: stack, trap vector, and a PMP entry granting U-mode access to all memory (the
 * Privileged spec lets an implementation have no PMP entries; a trap here is tolerated).
 * Every trap returns to M-mode: the handler sets MPP=M before mret, so a test that drops to
 * U-mode with GOTO_UMODE comes back to M-mode at the instruction after the one that trapped.
 */
#define RVTEST_CODE_BEGIN                                                      \
  .section .text.init, "ax", @progbits;                                         \
  .globl _start;                                                               \
  _start:                                                                      \
  la sp, stack_top;                                                            \
  la t0, trap_rec;                                                             \
  csrw mscratch, t0;                                                           \
  la t0, 1f;                                                                   \
  csrw mtvec, t0;                                                              \
  li t0, -1;                                                                   \
  csrw pmpaddr0, t0;                                                           \
  li t0, 0x1f;                                                                 \
  csrw pmpcfg0, t0;                                                            \
  .balign 4;                                                                   \
   1: la t0, trap_vector;                                                      \
  csrw mtvec, t0;                                                              \
  csrwi mie, 0;                                                                \
  li TESTNUM, 0;                                                               \
  j test_body;                                                                 \
  TRAP_HANDLER;                                                                \
  .text;                                                                       \
  /* No linker relaxation: code layout and alignment stay as written. */      \
  .option norelax;                                                             \
  test_body:

#define TRAP_HANDLER                                                           \
  .balign 4;                                                                   \
  .globl trap_vector;                                                          \
  trap_vector:                                                                 \
  csrrw t0, mscratch, t0;                                                      \
  SREG t1, TR_SAVE_T1(t0);                                                     \
  SREG t2, TR_SAVE_T2(t0);                                                     \
  csrr t1, mscratch;                                                           \
  SREG t1, TR_SAVE_T0(t0);                                                     \
  csrw mscratch, t0;                                                           \
  csrr t1, mcause;                                                             \
  SREG t1, TR_MCAUSE(t0);                                                      \
  csrr t1, mepc;                                                               \
  SREG t1, TR_MEPC(t0);                                                        \
  csrr t1, mtval;                                                              \
  SREG t1, TR_MTVAL(t0);                                                       \
  csrr t1, mstatus;                                                            \
  SREG t1, TR_MSTATUS(t0);                                                     \
  LREG t1, TR_COUNT(t0);                                                       \
  addi t1, t1, 1;                                                              \
  SREG t1, TR_COUNT(t0);                                                       \
  li t1, MSTATUS_MPP;                                                          \
  csrs mstatus, t1;                                                            \
  csrr t1, mcause;                                                             \
  bgez t1, 2f;                                                                 \
  /* An interrupt: mask all sources so it cannot recur, resume where it hit. */ \
  csrwi mie, 0;                                                                \
  j 4f;                                                                        \
   2: LREG t1, TR_RESUME(t0);                                                  \
  beqz t1, 3f;                                                                 \
  SREG zero, TR_RESUME(t0);                                                    \
  csrw mepc, t1;                                                               \
  j 4f;                                                                        \
  /* Skip the faulting instruction: 2 or 4 bytes, from its low two bits. */    \
   3: csrr t1, mepc;                                                           \
  lhu t2, 0(t1);                                                               \
  andi t2, t2, 3;                                                              \
  addi t1, t1, 2;                                                              \
  addi t2, t2, -3;                                                             \
  bnez t2, 5f;                                                                 \
  addi t1, t1, 2;                                                              \
   5: csrw mepc, t1;                                                           \
   4: LREG t1, TR_SAVE_T1(t0);                                                 \
  LREG t2, TR_SAVE_T2(t0);                                                     \
  LREG t0, TR_SAVE_T0(t0);                                                     \
  mret

#define RVTEST_CODE_END                                                        \
  fail:                                                                        \
  bnez TESTNUM, 1f;                                                            \
  li TESTNUM, 255;                                                             \
   1: la t0, tohost;                                                           \
  slli t1, TESTNUM, 1;                                                         \
  ori t1, t1, 1;                                                               \
  REPORT_TOHOST(t1, t0);                                                       \
  li t0, TEST_FINISHER;                                                        \
  slli t1, TESTNUM, 16;                                                        \
  li t2, FINISHER_FAIL;                                                        \
  or t1, t1, t2;                                                               \
  sw t1, 0(t0);                                                                \
   2: j 2b;                                                                    \
  pass:                                                                        \
  la t0, tohost;                                                               \
  li t1, 1;                                                                    \
  REPORT_TOHOST(t1, t0);                                                       \
  li t0, TEST_FINISHER;                                                        \
  li t1, FINISHER_PASS;                                                        \
  sw t1, 0(t0);                                                                \
   3: j 3b;

#if __riscv_xlen == 64
#define REPORT_TOHOST(val, addr) sd val, 0(addr)
#else
#define REPORT_TOHOST(val, addr)                                               \
  sw val, 0(addr);                                                             \
  sw zero, 4(addr)
#endif

#define RVTEST_DATA_BEGIN                                                      \
  .section .tohost, "aw", @progbits;                                            \
  .balign 8;                                                                   \
  .globl tohost;                                                               \
  tohost:                                                                      \
  .dword 0;                                                                    \
  .globl fromhost;                                                             \
  fromhost:                                                                    \
  .dword 0;                                                                    \
  .bss;                                                                        \
  .balign 16;                                                                  \
  .globl trap_rec;                                                             \
  trap_rec:                                                                    \
  .skip TR_SIZE;                                                               \
  .balign 16;                                                                  \
  .skip 4096;                                                                  \
  stack_top:                                                                   \
  .data;                                                                       \
  .balign 16;

#define RVTEST_DATA_END

#define RVTEST_PASS j pass
#define RVTEST_FAIL j fail

/* ---- Register comparisons ---------------------------------------------------------- */

/* Test n: run code, then testreg must equal correctval (truncated to XLEN). */
#define TEST_CASE(n, testreg, correctval, code...)                             \
  test_##n: li TESTNUM, n;                                                    \
  code;                                                                        \
  li t6, MASK_XLEN(correctval);                                                \
  bne testreg, t6, fail;

/* Compare a register with another register or with a symbol's address. */
#define CHECK_EQ_REG(a, b) bne a, b, fail
#define CHECK_EQ_IMM(reg, val)                                                 \
  li t6, MASK_XLEN(val);                                                       \
  bne reg, t6, fail
#define CHECK_EQ_ADDR(reg, sym)                                                \
  la t6, sym;                                                                  \
  bne reg, t6, fail

#define TEST_RR_OP(n, inst, result, val1, val2)                                \
  TEST_CASE(n, a4, result, li a1, MASK_XLEN(val1); li a2, MASK_XLEN(val2);     \
            inst a4, a1, a2)
#define TEST_IMM_OP(n, inst, result, val1, imm)                                \
  TEST_CASE(n, a4, result, li a1, MASK_XLEN(val1); inst a4, a1, imm)
/* Destination equal to a source: the read must happen before the write. */
#define TEST_RR_SRC1_EQ_DEST(n, inst, result, val1, val2)                      \
  TEST_CASE(n, a1, result, li a1, MASK_XLEN(val1); li a2, MASK_XLEN(val2);     \
            inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, result, val1, val2)                      \
  TEST_CASE(n, a2, result, li a1, MASK_XLEN(val1); li a2, MASK_XLEN(val2);     \
            inst a2, a1, a2)
/* Writes to x0 are discarded. */
#define TEST_RR_ZERODEST(n, inst, val1, val2)                                  \
  TEST_CASE(n, x0, 0, li a1, MASK_XLEN(val1); li a2, MASK_XLEN(val2);          \
            inst x0, a1, a2)

/* ---- Trap checks ------------------------------------------------------------------- */

/* Clear the trap record before an instruction that is (or is not) expected to trap. */
#define TRAP_ARM                                                               \
  la t0, trap_rec;                                                             \
  SREG zero, TR_COUNT(t0);                                                     \
  li t1, -1;                                                                   \
  SREG t1, TR_MCAUSE(t0);                                                      \
  SREG zero, TR_MEPC(t0);                                                      \
  SREG t1, TR_MTVAL(t0)

/* Exactly one trap since TRAP_ARM, with this cause and mepc at label `site`. */
#define CHECK_TRAP_CAUSE_EPC(cause, site)                                      \
  la t0, trap_rec;                                                             \
  LREG t1, TR_COUNT(t0);                                                       \
  li t2, 1;                                                                    \
  bne t1, t2, fail;                                                            \
  LREG t1, TR_MCAUSE(t0);                                                      \
  li t2, MASK_XLEN(cause);                                                     \
  bne t1, t2, fail;                                                            \
  LREG t1, TR_MEPC(t0);                                                        \
  la t2, site;                                                                 \
  bne t1, t2, fail

#define CHECK_TVAL_IMM(val)                                                    \
  la t0, trap_rec;                                                             \
  LREG t1, TR_MTVAL(t0);                                                       \
  li t2, MASK_XLEN(val);                                                       \
  bne t1, t2, fail
#define CHECK_TVAL_ADDR(sym)                                                   \
  la t0, trap_rec;                                                             \
  LREG t1, TR_MTVAL(t0);                                                       \
  la t2, sym;                                                                  \
  bne t1, t2, fail

#define CHECK_NO_TRAP                                                          \
  la t0, trap_rec;                                                             \
  LREG t1, TR_COUNT(t0);                                                       \
  bnez t1, fail

/* Test n: the first instruction of code traps with cause; mtval must equal tval. */
#define TEST_TRAP_TVAL(n, cause, tval, code...)                                \
  test_##n: li TESTNUM, n;                                                    \
  TRAP_ARM;                                                                    \
  trap_site_##n: code;                                                        \
  CHECK_TRAP_CAUSE_EPC(cause, trap_site_##n);                                  \
  CHECK_TVAL_IMM(tval)

/* As TEST_TRAP_TVAL, but mtval must equal the address of symbol (plus offset). */
#define TEST_TRAP_TADDR(n, cause, sym, code...)                                \
  test_##n: li TESTNUM, n;                                                    \
  TRAP_ARM;                                                                    \
  trap_site_##n: code;                                                        \
  CHECK_TRAP_CAUSE_EPC(cause, trap_site_##n);                                  \
  CHECK_TVAL_ADDR(sym)

/* Illegal instruction given as raw bits: mcause 2, mtval = the instruction bits. */
#define TEST_ILLEGAL16(n, bits)                                                \
  TEST_TRAP_TVAL(n, CAUSE_ILLEGAL_INSTRUCTION, bits, .half bits)
#define TEST_ILLEGAL32(n, bits)                                                \
  TEST_TRAP_TVAL(n, CAUSE_ILLEGAL_INSTRUCTION, bits, .word bits)

/* Test n: code runs without any trap. */
#define TEST_NO_TRAP(n, code...)                                               \
  test_##n: li TESTNUM, n;                                                    \
  TRAP_ARM;                                                                    \
  code;                                                                        \
  CHECK_NO_TRAP

/* Drop to U-mode at label `target` (which then runs until it traps back to M-mode). */
#define GOTO_UMODE(target)                                                     \
  li t0, MSTATUS_MPP;                                                          \
  csrc mstatus, t0;                                                            \
  la t0, target;                                                               \
  csrw mepc, t0;                                                               \
  mret

/* Test n: in U-mode, the first instruction of insn traps to M-mode with cause and
 * mtval = tval; the trap record shows MPP = U. Execution continues in M-mode. */
#define TEST_UMODE_TRAP(n, cause, tval, insn...)                               \
  test_##n: li TESTNUM, n;                                                     \
  TRAP_ARM;                                                                    \
  GOTO_UMODE(trap_site_##n);                                                   \
  trap_site_##n: insn;                                                         \
  CHECK_TRAP_CAUSE_EPC(cause, trap_site_##n);                                  \
  CHECK_TVAL_IMM(tval);                                                        \
  CHECK_TRAP_FROM_U

/* Test n: insn runs in U-mode without trapping; an ecall then returns to M-mode. */
#define TEST_UMODE_NO_TRAP(n, insn...)                                         \
  test_##n: li TESTNUM, n;                                                     \
  TRAP_ARM;                                                                    \
  GOTO_UMODE(umode_##n);                                                       \
  umode_##n: insn;                                                             \
  trap_site_##n: ecall;                                                        \
  CHECK_TRAP_CAUSE_EPC(CAUSE_USER_ECALL, trap_site_##n);                       \
  CHECK_TRAP_FROM_U

#define CHECK_TRAP_FROM_U                                                      \
  la t0, trap_rec;                                                             \
  LREG t1, TR_MSTATUS(t0);                                                     \
  li t2, MSTATUS_MPP;                                                          \
  and t1, t1, t2;                                                              \
  bnez t1, fail

/* Test n: a misaligned atomic at mbuf + off traps with cause (address misaligned) or
 * cause + 1 (access fault, also allowed by Unprivileged 8.4), mtval = the address; rd and
 * memory are unchanged. */
#define TEST_MISALIGNED_AMO(n, cause, off, insn...)                            \
  test_##n: li TESTNUM, n;                                                     \
  la a0, mbuf + off;                                                           \
  li a4, 0x77;                                                                 \
  li a3, -1;                                                                   \
  TRAP_ARM;                                                                    \
  trap_site_##n: insn;                                                         \
  CHECK_EQ_IMM(a4, 0x77);                                                      \
  la t0, trap_rec;                                                             \
  LREG t1, TR_COUNT(t0);                                                       \
  li t2, 1;                                                                    \
  bne t1, t2, fail;                                                            \
  LREG t1, TR_MEPC(t0);                                                        \
  la t2, trap_site_##n;                                                        \
  bne t1, t2, fail;                                                            \
  CHECK_TVAL_ADDR(mbuf + off);                                                 \
  LREG t1, TR_MCAUSE(t0);                                                      \
  addi t1, t1, -(cause);                                                       \
  srli t1, t1, 1;                                                              \
  bnez t1, fail

/* Raw encoding of a SYSTEM-opcode CSR instruction, for mtval checks. */
#define CSR_INSN(csr, rs1, funct3, rd)                                         \
  (((csr) << 20) | ((rs1) << 15) | ((funct3) << 12) | ((rd) << 7) | 0x73)
#define F3_CSRRW 1
#define F3_CSRRS 2
#define F3_CSRRC 3
#define F3_CSRRWI 5
#define F3_CSRRSI 6
#define F3_CSRRCI 7

#endif
