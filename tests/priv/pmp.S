# Physical memory protection (RISC-V Privileged Architecture 1.12 section 3.7: pmpcfg and
# pmpaddr, address matching TOR/NA4/NAPOT with priority by entry number, the R/W/X checks of
# S- and U-mode accesses, the access faults they raise (causes 1, 5, 7; mtval = the
# address), the "no entry matches" rule, and the L bit: a locked entry binds M-mode, ignores
# writes to its pmpcfg and pmpaddr, and a locked TOR entry also locks the pmpaddr below it).
# Built for RV32 and RV64 from this one source.
#
# M drives everything. `run_in` runs one tiny snippet (a load, a store or a call through a0)
# in S or U with translation off, and the snippet's ecall brings it back to M. Every trap
# goes to m_trap, which records mcause/mtval in s10/s11 and skips the faulting instruction
# (for a fetch fault, resumes at ra). Entry 15 grants S/U everything else; entries 0-3 are
# the ones under test. The lock tests come last since only a reset clears L. Result: HTIF
# tohost (1 = pass, (n<<1)|1 = test n failed) and the SiFive test finisher, so the same ELF
# runs on QEMU virt.
#include "priv.h"

#if __riscv_xlen == 64
#define CFG15_CSR pmpcfg2       /* entries 8-15 */
#define CFG15(v)  ((v) << 56)
#else
#define CFG15_CSR pmpcfg3       /* entries 12-15 */
#define CFG15(v)  ((v) << 24)
#endif

/* pmpcfg bits */
#define R 0x01
#define W 0x02
#define X 0x04
#define TOR 0x08
#define NA4 0x10
#define NAPOT 0x18
#define L 0x80
#define MODE_S 1
#define MODE_U 0

/* The last trap had `cause` and mtval = a0. */
#define EXPECT_FAULT(cause) FAIL_IF_NE(s10, cause); bne s11, a0, fail; li s10, -1
/* Run snippet `snip` on address `addr` in `mode` (S or U). */
#define RUN(mode, snip, addr) li a5, mode; la a4, snip; la a0, addr; call run_in
#define OK(mode, snip, addr) RUN(mode, snip, addr); EXPECT_NO_TRAP
#define FAULT(mode, snip, addr, cause) RUN(mode, snip, addr); EXPECT_FAULT(cause)
/* The same check from S and from U. */
#define OK_SU(snip, addr) OK(MODE_S, snip, addr); OK(MODE_U, snip, addr)
#define FAULT_SU(snip, addr, cause) FAULT(MODE_S, snip, addr, cause); FAULT(MODE_U, snip, addr, cause)
/* pmpaddr value: byte address >> 2 (NAPOT: ORed with the size bits). */
#define PMPADDR(reg, sym) la reg, sym; srli reg, reg, 2

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la t0, m_trap
  csrw mtvec, t0
  li s10, -1
  csrw satp, zero
  # Entry 15: NAPOT over everything, RWX, for S and U.
  li t0, -1
  csrw pmpaddr15, t0
  li t0, CFG15(NAPOT | R | W | X)
  csrw CFG15_CSR, t0
  # Entries under test:
  #   0: TOR lower bound (OFF) = tor_rgn
  #   1: TOR [tor_rgn, tor_rgn + 64), R only
  #   2: NA4 over na4_code, X only
  #   3: NAPOT 32 bytes over napot_rgn, R only
  PMPADDR(t0, tor_rgn)
  csrw pmpaddr0, t0
  PMPADDR(t0, tor_rgn + 64)
  csrw pmpaddr1, t0
  PMPADDR(t0, na4_code)
  csrw pmpaddr2, t0
  PMPADDR(t0, napot_rgn)
  ori t0, t0, 3             # 2^(2+3) = 32 bytes
  csrw pmpaddr3, t0
  li t0, ((NAPOT | R) << 24) | ((NA4 | X) << 16) | ((TOR | R) << 8)
  csrw pmpcfg0, t0
  csrr t1, pmpcfg0
  li TESTNUM, 1
  bne t0, t1, fail

  # 2: TOR, R only: loads work over [lo, hi); stores fault at both ends (cause 7, mtval);
  # the words just outside are not matched (entry 15 allows them).
  li TESTNUM, 2
  OK_SU(do_load, tor_rgn)
  OK_SU(do_load, tor_rgn + 60)
  FAULT_SU(do_store, tor_rgn, 7)
  FAULT_SU(do_store, tor_rgn + 60, 7)
  OK_SU(do_store, tor_rgn - 4)
  OK_SU(do_store, tor_rgn + 64)
  # 3: TOR without X: a fetch faults (cause 1, mtval = the target).
  li TESTNUM, 3
  FAULT_SU(do_call, tor_rgn, 1)
  # 4: NA4, X only: the one word executes but is neither readable (5) nor writable (7);
  # its neighbours are not matched.
  li TESTNUM, 4
  OK_SU(do_call, na4_code)
  FAULT_SU(do_load, na4_code, 5)
  FAULT_SU(do_store, na4_code, 7)
  OK_SU(do_load, na4_code - 4)
  OK_SU(do_load, na4_code + 4)
  # 5: NAPOT 32 bytes, R only: first and last word readable, not writable, not executable;
  # the words just outside are not matched.
  li TESTNUM, 5
  OK_SU(do_load, napot_rgn)
  OK_SU(do_load, napot_rgn + 28)
  FAULT_SU(do_store, napot_rgn, 7)
  FAULT_SU(do_store, napot_rgn + 28, 7)
  FAULT_SU(do_call, napot_rgn, 1)
  OK_SU(do_store, napot_rgn - 4)
  OK_SU(do_store, napot_rgn + 32)
  # 6: M is not bound by unlocked entries.
  li TESTNUM, 6
  la a0, napot_rgn
  sw a0, 0(a0)
  la a0, tor_rgn
  sw a0, 0(a0)
  la a0, na4_code
  lw a1, 0(a0)
  EXPECT_NO_TRAP
  # 7: priority: a lower-numbered entry wins. Entry 0 (TOR lower bound until now) becomes
  # NAPOT over the same 32 bytes as entry 3 with R|W: stores there now work.
  li TESTNUM, 7
  PMPADDR(t0, napot_rgn)
  ori t0, t0, 3
  csrw pmpaddr0, t0
  li t0, NAPOT | R | W
  csrs pmpcfg0, t0
  OK_SU(do_store, napot_rgn + 28)
  li t0, 0xff
  csrc pmpcfg0, t0
  FAULT(MODE_S, do_store, napot_rgn + 28, 7)
  # 8: no entry matches: S/U accesses fail, M's succeed. Entry 15 becomes TOR [0, nomatch)
  # (entry 14's pmpaddr is 0).
  li TESTNUM, 8
  PMPADDR(t0, nomatch)
  csrw pmpaddr15, t0
  li t0, CFG15(TOR | R | W | X)
  csrw CFG15_CSR, t0
  OK_SU(do_load, nomatch - 4)
  FAULT_SU(do_load, nomatch, 5)
  FAULT_SU(do_store, nomatch + 8, 7)
  la a0, nomatch
  lw a1, 0(a0)
  sw a1, 0(a0)
  EXPECT_NO_TRAP
  li t0, -1
  csrw pmpaddr15, t0
  li t0, CFG15(NAPOT | R | W | X)
  csrw CFG15_CSR, t0
  OK_SU(do_load, nomatch)

  # Lock tests, in M. Clear entries 0-3 first.
  csrw pmpcfg0, zero
  # 9: entry 0 NA4 over lockword, L|R: binds M (a store faults, cause 7, mtval).
  li TESTNUM, 9
  PMPADDR(t0, lockword)
  csrw pmpaddr0, t0
  li t0, L | NA4 | R
  csrw pmpcfg0, t0
  la a0, lockword
  lw a1, 0(a0)
  EXPECT_NO_TRAP
  sw a1, 0(a0)
  EXPECT_FAULT(7)
  # The word next to it is not covered.
  la a0, lockword + 4
  sw a1, 0(a0)
  EXPECT_NO_TRAP
  # 10: the locked entry ignores writes to its pmpcfg byte and pmpaddr.
  li TESTNUM, 10
  li t0, W | X
  csrs pmpcfg0, t0
  li t0, L | R
  csrc pmpcfg0, t0
  csrr t1, pmpcfg0
  FAIL_IF_NE(t1, L | NA4 | R)
  PMPADDR(t2, lockword)
  addi t0, t2, 4
  csrw pmpaddr0, t0
  csrr t1, pmpaddr0
  bne t1, t2, fail
  la a0, lockword
  sw a1, 0(a0)
  EXPECT_FAULT(7)
  # 11: entry 2 TOR [tor_code, tor_code_end) locked with R|W: M reads the code, but a
  # fetch from it faults (cause 1, mtval = target).
  li TESTNUM, 11
  PMPADDR(t0, tor_code)
  csrw pmpaddr1, t0
  PMPADDR(t0, tor_code_end)
  csrw pmpaddr2, t0
  li t0, ((L | TOR | R | W) << 16) | (L | NA4 | R)
  csrw pmpcfg0, t0
  la a0, tor_code
  lw a1, 0(a0)
  EXPECT_NO_TRAP
  jalr ra, a0
  EXPECT_FAULT(1)
  # 12: the locked TOR entry ignores writes to its own pmpaddr and to pmpaddr1 below it,
  # while entry 1's pmpcfg byte (not locked) still takes writes.
  li TESTNUM, 12
  PMPADDR(t2, tor_code)
  addi t0, t2, 16
  csrw pmpaddr1, t0
  csrr t1, pmpaddr1
  bne t1, t2, fail
  PMPADDR(t2, tor_code_end)
  addi t0, t2, 16
  csrw pmpaddr2, t0
  csrr t1, pmpaddr2
  bne t1, t2, fail
  li t0, R << 8             # entry 1 stays OFF; bytes 0 and 2 are locked
  csrw pmpcfg0, t0
  csrr t1, pmpcfg0
  FAIL_IF_NE(t1, ((L | TOR | R | W) << 16) | (R << 8) | (L | NA4 | R))
  la a0, tor_code
  jalr ra, a0
  EXPECT_FAULT(1)
  # all passed
  li TESTNUM, 0
  j pass

# run_in: run the snippet at a4 in privilege a5 (MODE_S/MODE_U) with a0 as its address;
# returns here in M after its ecall, with s10/s11 = the last fault (s10 = -1 if none).
run_in:
  mv s6, ra
  li s10, -1
  li s11, 0
  li t0, 3 << 11
  csrc mstatus, t0
  slli t0, a5, 11
  csrs mstatus, t0
  csrw mepc, a4
  mret

  .align 2
m_trap:
  csrr t5, mcause
  li t4, 8
  beq t5, t4, 2f
  li t4, 9
  beq t5, t4, 2f
  li t4, 11
  beq t5, t4, fail
  mv s10, t5
  csrr s11, mtval
  li t4, 1
  beq t5, t4, 1f
  csrr t4, mepc
  addi t4, t4, 4
  csrw mepc, t4
  mret
1:  # instruction access fault: resume at ra
  csrw mepc, ra
  mret
2:  # ecall from S or U: back to run_in's caller, in M
  jr s6

PRIV_REPORT_CODE

# Snippets run in S or U.
do_load:
  lw a1, 0(a0)
  ecall
do_store:
  sw a1, 0(a0)
  ecall
do_call:
  jalr ra, a0
  ecall

  # Code for the NA4 entry (one word, with plain words around it) and the locked TOR entry.
  .align 6
  .word 0
na4_code:
  jr ra
  .word 0
  .align 6
tor_code:
  jr ra
  .align 6
tor_code_end:

  .data
PRIV_TOHOST_DATA
  .align 6
  .zero 64
tor_rgn:                    # R only; also holds `jr ra`, never executable
  jr ra
  .zero 60
  .zero 64
napot_rgn:                  # NAPOT 32 bytes, R only
  jr ra
  .zero 28
  .zero 64
lockword: .word 0, 0
  .align 6
nomatch:                    # last in memory: no entry covers it in test 8
  .zero 64
