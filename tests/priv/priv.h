/* Shared by the privileged-architecture tests (sv39.S, sv32.S, pmp.S): the checks, and the
 * report that makes one ELF pass/fail on both hartlab and QEMU virt: HTIF tohost (1 = pass,
 * (n<<1)|1 = test n failed) and the SiFive test finisher at 0x100000 (0x5555 = pass,
 * (n<<16)|0x3333 = test n failed). The tests keep the last trap's cause in s10 (-1 = none)
 * and its tval in s11; TESTNUM holds the current test number. */
#ifndef HARTLAB_PRIV_H
#define HARTLAB_PRIV_H

/* Assembler macros: clang-format would split the labels ("1 : sw"). */
/* clang-format off */

#define TESTNUM gp

#define FAIL_IF_NE(reg, val) li t6, val; bne reg, t6, fail
#define EXPECT_TRAP(cause, tval) FAIL_IF_NE(s10, cause); li t6, tval; bne s11, t6, fail; li s10, -1
#define EXPECT_NO_TRAP li t6, -1; bne s10, t6, fail

#if __riscv_xlen == 64
#define STORE_TOHOST(r, a) sd r, 0(a)
#else
#define STORE_TOHOST(r, a) sw r, 0(a); sw zero, 4(a)
#endif

/* The fail/pass/report code: `j fail` or `j pass` from anywhere in the test. */
#define PRIV_REPORT_CODE         \
fail:                            \
  slli a0, TESTNUM, 1;           \
  ori a0, a0, 1;                 \
  j report;                      \
pass:                            \
  li a0, 1;                      \
report:                          \
  la t0, tohost;                 \
  STORE_TOHOST(a0, t0);          \
  li t0, 0x100000;               \
  li t1, 0x5555;                 \
  li t2, 1;                      \
  beq a0, t2, 1f;                \
  srli t1, a0, 1;                \
  slli t1, t1, 16;               \
  li t2, 0x3333;                 \
  or t1, t1, t2;                 \
1:sw t1, 0(t0);                  \
2:j 2b

/* tohost/fromhost, in the current (data) section. */
#define PRIV_TOHOST_DATA         \
  .align 6;                      \
  .globl tohost;                 \
tohost: .dword 0;                \
  .globl fromhost;               \
fromhost: .dword 0

/* clang-format on */

#endif
