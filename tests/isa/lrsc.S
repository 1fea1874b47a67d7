# lrsc.S: A extension load-reserved / store-conditional (Unprivileged ISA 8.2): lr.w sc.w and
# on RV64 lr.d sc.d. A successful SC writes 0 to rd and stores; a failed SC writes exactly 1
# (the only defined failure code) and does not store. Checked failure paths: SC with no
# reservation, SC after another SC (every SC, successful or not, invalidates the reservation),
# and SC after a store by this hart to the reserved granule. The last one is allowed rather
# than required by the spec (an SC "may" fail for many reasons); hartlab invalidates the
# reservation on any store into its granule, and QEMU fails it too because the value changed.
#include "test.h"
RVTEST_CODE_BEGIN
  # lr.w returns the (sign-extended) word; sc.w succeeds right after it.
  TEST_CASE(1, a4, 0xffffffff80000001, la a1, buf; li a2, 0x80000001; sw a2, 0(a1); \
            lr.w a4, (a1))
  TEST_CASE(2, a4, 0, la a1, buf; li a3, 42; sc.w a4, a3, (a1); lw a2, 0(a1); \
            CHECK_EQ_IMM(a2, 42))
  # No reservation (the SC of test 2 consumed it): fails with 1, memory unchanged.
  TEST_CASE(3, a4, 1, la a1, buf; li a3, 77; sc.w a4, a3, (a1); lw a2, 0(a1); \
            CHECK_EQ_IMM(a2, 42))
  # A successful SC clears the reservation: the second SC fails.
  TEST_CASE(4, a4, 1, la a1, buf; lr.w a2, (a1); li a3, 5; sc.w a5, a3, (a1); \
            CHECK_EQ_IMM(a5, 0); li a3, 6; sc.w a4, a3, (a1); lw a2, 0(a1); CHECK_EQ_IMM(a2, 5))
  # A failed SC also leaves no reservation behind: the SC to an address outside the
  # reservation set fails, and then the SC to the reserved address fails too.
  TEST_CASE(11, a4, 1, la a1, buf; lr.w a2, (a1); la a0, far_buf; li a3, 8; \
            sc.w a5, a3, (a0); CHECK_EQ_IMM(a5, 1); lw a2, 0(a0); CHECK_EQ_IMM(a2, 0); \
            sc.w a4, a3, (a1); lw a2, 0(a1); CHECK_EQ_IMM(a2, 5))
  TEST_CASE(5, a4, 1, la a1, buf; li a3, 8; sc.w a5, a3, (a1); CHECK_EQ_IMM(a5, 1); \
            sc.w a4, a3, (a1); lw a2, 0(a1); CHECK_EQ_IMM(a2, 5))
  # A store by this hart into the reserved word: the SC fails and does not store.
  TEST_CASE(6, a4, 1, la a1, buf; lr.w a2, (a1); li a3, 0x1234; sw a3, 0(a1); \
            li a3, 9; sc.w a4, a3, (a1); lw a2, 0(a1); CHECK_EQ_IMM(a2, 0x1234))
  # sc.w stores only 32 bits.
  TEST_CASE(7, a4, 0x5a5a5a5a, la a1, buf; li a2, 0x5a5a5a5a; sw a2, 4(a1); lr.w a2, (a1); \
            li a3, -1; sc.w a5, a3, (a1); CHECK_EQ_IMM(a5, 0); lw a2, 0(a1); \
            CHECK_EQ_IMM(a2, -1); lw a4, 4(a1))
  # sc with rd = x0 still stores.
  TEST_CASE(8, a4, 3, la a1, buf; lr.w a2, (a1); li a3, 3; sc.w x0, a3, (a1); lw a4, 0(a1))
  # aq/rl variants and the usual retry loop: atomic increment, ten times.
  TEST_CASE(9, a4, 13, li a5, 10; la a1, buf; \
            1: lr.w.aq a2, (a1); addi a2, a2, 1; sc.w.rl a3, a2, (a1); bnez a3, 1b; \
            addi a5, a5, -1; bnez a5, 1b; lw a4, 0(a1))
  # lr.w into x0 still sets a reservation.
  TEST_CASE(10, a4, 0, la a1, buf; lr.w x0, (a1); li a3, 4; sc.w a4, a3, (a1))
#if __riscv_xlen == 64
  TEST_CASE(20, a4, 0x8000000000000001, la a1, buf; li a2, 0x8000000000000001; sd a2, 0(a1); \
            lr.d a4, (a1))
  TEST_CASE(21, a4, 0, la a1, buf; li a3, 0x123456789; sc.d a4, a3, (a1); ld a2, 0(a1); \
            CHECK_EQ_IMM(a2, 0x123456789))
  TEST_CASE(22, a4, 1, la a1, buf; li a3, 77; sc.d a4, a3, (a1); ld a2, 0(a1); \
            CHECK_EQ_IMM(a2, 0x123456789))
  TEST_CASE(23, a4, 1, la a1, buf; lr.d a2, (a1); li a3, 5; sc.d a5, a3, (a1); \
            CHECK_EQ_IMM(a5, 0); li a3, 6; sc.d a4, a3, (a1); ld a2, 0(a1); CHECK_EQ_IMM(a2, 5))
  TEST_CASE(24, a4, 1, la a1, buf; lr.d a2, (a1); li a3, 0x1234; sd a3, 0(a1); \
            li a3, 9; sc.d a4, a3, (a1); ld a2, 0(a1); CHECK_EQ_IMM(a2, 0x1234))
  # lr.w on RV64 sign-extends; sc.w after lr.w succeeds.
  TEST_CASE(25, a4, 0xffffffffffffffff, la a1, buf; li a2, -1; sd a2, 0(a1); lr.w a4, (a1); \
            sc.w a5, zero, (a1); CHECK_EQ_IMM(a5, 0); ld a2, 0(a1); \
            CHECK_EQ_IMM(a2, 0xffffffff00000000))
#endif
  RVTEST_PASS
RVTEST_CODE_END
RVTEST_DATA_BEGIN
  .balign 16
buf:
  .dword 0, 0
  .skip 4096
far_buf:
  .dword 0
RVTEST_DATA_END
