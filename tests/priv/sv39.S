# Supervisor mode, delegation and Sv39 paging (RISC-V Privileged Architecture 1.12 sections
# 3.1.8 medeleg/mideleg, 3.1.9 interrupt priority, 3.1.6.3 SUM/MXR/MPRV, 4.3-4.4 the page
# walk, A/D bits, page faults and their stval, 3.7 PMP). RV64 only (Sv39).
#
# M sets up a page table (a 1 GiB identity superpage for the code, a few 4 KiB pages at
# VA 0x40000000), delegates page faults and U ecalls to S, and drops to S. S-mode traps go
# to s_trap, which records scause/stval in s10/s11 and skips the faulting instruction (all
# faulting instructions here are 4 bytes). Result: HTIF tohost (1 = pass, (n<<1)|1 = test n
# failed) and the SiFive test finisher, so the same ELF runs on QEMU virt.
#include "priv.h"
#define VBASE   0x40000000


  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la t0, m_trap
  csrw mtvec, t0
  # PMP: entry 15 grants S/U everything; entries below are used by the PMP tests.
  li t0, -1
  csrw pmpaddr15, t0
  li t0, 0x1f << 56
  csrw pmpcfg2, t0
  # Page table: root[2] = 1 GiB superpage VA 0x80000000 -> PA 0x80000000 (RWX, A, D);
  # root[1] -> l1 -> l0 for VA 0x40000000.
  la t0, root
  la t1, l1
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0x01
  sd t1, 8(t0)
  li t1, (0x80000000 >> 12 << 10) | 0xcf
  sd t1, 16(t0)
  li t1, 0xc7               # root[0]: VA 0 - 1 GiB identity, RW (the test finisher)
  sd t1, 0(t0)
  la t0, l1
  la t1, l0
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, 0x01
  sd t1, 0(t0)
  # l0[0]: data page RW, A=D=0; l0[1]: invalid; l0[2]: read-only; l0[3]: execute-only;
  # l0[4]: user RW (A, D set); l0[5]: RW with A and D already set.
  la t0, l0
  la t1, page0
  srli t1, t1, 12
  slli t1, t1, 10
  ori t2, t1, 0x07          # V R W
  sd t2, 0(t0)
  ori t2, t1, 0x43          # V R A
  sd t2, 16(t0)
  ori t2, t1, 0x49          # V X A
  sd t2, 24(t0)
  ori t2, t1, 0xd7          # V R W U A D
  sd t2, 32(t0)
  ori t2, t1, 0xc7          # V R W A D
  sd t2, 40(t0)
  la t0, root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  # Delegate U ecall and the three page faults to S; not S ecall.
  li t0, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  la t0, s_trap
  csrw stvec, t0
  li s10, -1
  # mret to S.
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  la t0, s_main
  csrw mepc, t0
  mret

s_main:
  # 1: first read of a page sets A, not D.
  li TESTNUM, 1
  li a0, VBASE
  ld a1, 0(a0)
  EXPECT_NO_TRAP
  ld a2, l0
  andi a2, a2, 0xc0
  FAIL_IF_NE(a2, 0x40)
  # 2: first write sets D.
  li TESTNUM, 2
  sd a0, 8(a0)
  EXPECT_NO_TRAP
  ld a2, l0
  andi a2, a2, 0xc0
  FAIL_IF_NE(a2, 0xc0)
  # 3: a write through a second mapping (A, D set) lands in the same physical page.
  li TESTNUM, 3
  li a3, VBASE + 5 * 4096
  li a4, 0x1234
  sd a4, 16(a3)
  ld a5, 16(a0)
  FAIL_IF_NE(a5, 0x1234)
  # 4: an invalid PTE: load page fault, stval = the address.
  li TESTNUM, 4
  li a0, VBASE + 4096 + 0x18
  ld a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 4096 + 0x18)
  # 5: store to a read-only page: store page fault.
  li TESTNUM, 5
  li a0, VBASE + 2 * 4096 + 8
  sd a1, 0(a0)
  EXPECT_TRAP(15, VBASE + 2 * 4096 + 8)
  # 6: AMO on a read-only page: store/AMO page fault.
  li TESTNUM, 6
  amoadd.d a1, a1, (a0)
  EXPECT_TRAP(15, VBASE + 2 * 4096 + 8)
  # 7: reading an execute-only page faults, unless mstatus.MXR.
  li TESTNUM, 7
  li a0, VBASE + 3 * 4096
  ld a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 3 * 4096)
  li t0, 1 << 19
  csrs sstatus, t0
  ld a1, 0(a0)
  EXPECT_NO_TRAP
  csrc sstatus, t0
  # 8: a U page from S: faults without SUM, works with it.
  li TESTNUM, 8
  li a0, VBASE + 4 * 4096
  ld a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 4 * 4096)
  li t0, 1 << 18
  csrs sstatus, t0
  ld a1, 0(a0)
  EXPECT_NO_TRAP
  csrc sstatus, t0
  # 9: fetch from a non-executable page: instruction page fault, stval = sepc = target.
  li TESTNUM, 9
  la ra, 1f
  li a0, VBASE + 5 * 4096
  jr a0
1:
  FAIL_IF_NE(s10, 12)
  li t6, VBASE + 5 * 4096
  bne s11, t6, fail
  li s10, -1
  # 10: a non-canonical address (bit 38 != bits 63:39): page fault.
  li TESTNUM, 10
  li a0, 0x0000004000000000
  ld a1, 0(a0)
  EXPECT_TRAP(13, 0x0000004000000000)
  # 11: remap VA page 0 read-only; without sfence.vma the old translation may stay, after
  # it the store must fault.
  li TESTNUM, 11
  la t0, l0
  ld t1, 0(t0)
  andi t1, t1, ~0x04
  sd t1, 0(t0)
  li a0, VBASE
  sfence.vma a0
  sd a0, 0(a0)
  EXPECT_TRAP(15, VBASE)
  # 12: ecall from S is not delegated: M sees cause 9 and returns to S.
  li TESTNUM, 12
  ecall
  FAIL_IF_NE(s9, 9)
  # 13: sret from S with mstatus.TSR: illegal instruction to M (via m_trap, cause 2).
  li TESTNUM, 13
  li s9, 0
  ecall                       # M sets TSR (s8 = 1 asks for it)
  FAIL_IF_NE(s9, 9)
  li s8, 1
  ecall
  sret
  FAIL_IF_NE(s9, 2)
  li s8, 2
  ecall                       # M clears TSR
  li s8, 0
  # 14: supervisor interrupts: SSIP and STIP pending and delegated; with SIE, SSI (1) is
  # taken before STI (5).
  li TESTNUM, 14
  li s8, 3
  ecall                       # M: mideleg = SSIP|STIP, mip.STIP = mip.SSIP = 1
  li s8, 0
  li t0, (1 << 1) | (1 << 5)
  csrs sie, t0
  li s7, 0
  csrsi sstatus, 2            # SIE: take them now
  nop
  csrci sstatus, 2
  FAIL_IF_NE(s7, 0x15)        # order: 1 then 5
  # 15: PMP: entry 0 (NA4 over `guard`, no permissions) denies S a read: access fault 5.
  li TESTNUM, 15
  li s8, 4
  ecall
  li s8, 0
  la a0, guard
  ld a1, 0(a0)
  FAIL_IF_NE(s9, 5)
  # all passed
  li TESTNUM, 0
  j pass

  .align 2
s_trap:
  csrr s10, scause
  bltz s10, s_irq
  csrr s11, stval
  li t5, 12
  beq s10, t5, 1f
  csrr t5, sepc
  addi t5, t5, 4
  csrw sepc, t5
  sret
1:  # instruction page fault: return to ra
  csrw sepc, ra
  sret
s_irq:
  # Record the interrupt order in s7 (4 bits each) and clear the source through M (a7).
  slli s7, s7, 4
  andi a7, s10, 0xf
  or s7, s7, a7
  li s10, -1
  mv t4, s8
  li s8, 5
  ecall                      # M clears mip bit (t5)
  mv s8, t4
  sret

  .align 2
m_trap:
  csrr s9, mcause
  li t5, 9
  bne s9, t5, 2f
  # ecall from S: s8 selects a service.
  li t5, 1
  bne s8, t5, 1f
  li t5, 1 << 22
  csrs mstatus, t5
  j 9f
1:li t5, 2
  bne s8, t5, 1f
  li t5, 1 << 22
  csrc mstatus, t5
  j 9f
1:li t5, 3
  bne s8, t5, 1f
  li t5, (1 << 1) | (1 << 5)
  csrs mideleg, t5
  csrs mip, t5
  j 9f
1:li t5, 4
  bne s8, t5, 1f
  la t5, guard
  srli t5, t5, 2
  csrw pmpaddr0, t5
  li t5, 0x10              # NA4, no R/W/X
  csrs pmpcfg0, t5
  j 9f
1:li t5, 5
  bne s8, t5, 9f
  li t5, 1
  sll t5, t5, a7
  csrc mip, t5
9:csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
2:li t5, 5
  bne s9, t5, 3f
  # load access fault from S (not delegated): skip the load.
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
3:li t5, 2
  bne s9, t5, fail
  # illegal instruction (sret with TSR): skip it.
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret

PRIV_REPORT_CODE

  .data
PRIV_TOHOST_DATA
  .align 3
guard: .dword 0
  .align 12
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
page0: .zero 4096
