# Sv32 paging from S- and U-mode (RISC-V Privileged Architecture 1.12 sections 4.3 Sv32:
# the two-level walk, 4 MiB megapages, A/D bits, page faults and their stval; 3.1.6.3
# SUM/MXR; 4.2.1 sfence.vma). RV32 only; the Sv32 counterpart of sv39.S.
#
# M sets up a page table (a 4 MiB identity megapage for the code, an alias megapage with A
# and D clear, a misaligned megapage, and a few 4 KiB pages at VA 0x40000000), delegates page
# faults and U ecalls to S, and drops to S. S-mode traps go to s_trap, which records
# scause/stval in s10/s11 and skips the faulting instruction (all faulting instructions
# here are 4 bytes). Any trap into M is a failure. Result: HTIF tohost (1 = pass,
# (n<<1)|1 = test n failed) and the SiFive test finisher, so the same ELF runs on QEMU virt.
#include "priv.h"
#define VBASE   0x40000000
#define ALIAS   0xc0000000          /* megapage alias of PA 0x80000000 */
#define BADMEGA 0xc0400000          /* megapage whose PPN[0] is not zero */

/* PTE for physical address `reg` (clobbers reg): PPN in bits 31:10. */
#define PTE_OF(reg) srli reg, reg, 12; slli reg, reg, 10

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  la t0, m_trap
  csrw mtvec, t0
  # PMP: entry 15 (NAPOT, whole 34-bit space) grants S/U everything.
  li t0, -1
  csrw pmpaddr15, t0
  li t0, 0x1f << 24
  csrw pmpcfg3, t0
  # Root table (1024 four-byte entries, index = VA[31:22]).
  la t0, root
  li t1, 0xc7               # root[0]: VA 0 - 4 MiB identity, RW A D (the test finisher)
  sw t1, 0(t0)
  la t1, l0                 # root[256] (VA 0x40000000) -> l0
  PTE_OF(t1)
  ori t1, t1, 0x01
  sw t1, 256*4(t0)
  li t2, 2048
  add t0, t0, t2            # t0 = &root[512]
  li t1, (0x80000000 >> 12 << 10) | 0xcf   # root[512]: identity megapage, RWX A D
  sw t1, 0(t0)
  li t1, (0x80000000 >> 12 << 10) | 0x07   # root[768]: alias megapage, RW, A = D = 0
  sw t1, 256*4(t0)
  li t1, (0x80001000 >> 12 << 10) | 0xc7   # root[769]: misaligned megapage
  sw t1, 257*4(t0)
  # l0[0]: data page RW, A=D=0; l0[1]: invalid; l0[2]: read-only; l0[3]: execute-only;
  # l0[4]: user RW (A, D set); l0[5]: RW with A and D already set; l0[6]: user code;
  # l0[7]: W without R (reserved).
  la t0, l0
  la t1, page0
  PTE_OF(t1)
  ori t2, t1, 0x07          # V R W
  sw t2, 0(t0)
  ori t2, t1, 0x43          # V R A
  sw t2, 8(t0)
  ori t2, t1, 0x49          # V X A
  sw t2, 12(t0)
  ori t2, t1, 0xd7          # V R W U A D
  sw t2, 16(t0)
  ori t2, t1, 0xc7          # V R W A D
  sw t2, 20(t0)
  ori t2, t1, 0xc5          # V W A D
  sw t2, 28(t0)
  la t1, ucode
  PTE_OF(t1)
  ori t2, t1, 0x5b          # V R X U A
  sw t2, 24(t0)
  la t0, root
  srli t0, t0, 12
  li t1, 1 << 31
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  # Delegate U ecall and the three page faults to S.
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
  lw a1, 0(a0)
  EXPECT_NO_TRAP
  lw a2, l0
  andi a2, a2, 0xc0
  FAIL_IF_NE(a2, 0x40)
  # 2: first write sets D.
  li TESTNUM, 2
  sw a0, 8(a0)
  EXPECT_NO_TRAP
  lw a2, l0
  andi a2, a2, 0xc0
  FAIL_IF_NE(a2, 0xc0)
  # 3: a write through a second mapping (A, D set) lands in the same physical page.
  li TESTNUM, 3
  li a3, VBASE + 5 * 4096
  li a4, 0x1234
  sw a4, 16(a3)
  lw a5, 16(a0)
  FAIL_IF_NE(a5, 0x1234)
  # 4: an invalid PTE: load page fault, stval = the address.
  li TESTNUM, 4
  li a0, VBASE + 4096 + 0x18
  lw a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 4096 + 0x18)
  # 5: store to a read-only page: store page fault.
  li TESTNUM, 5
  li a0, VBASE + 2 * 4096 + 8
  sw a1, 0(a0)
  EXPECT_TRAP(15, VBASE + 2 * 4096 + 8)
  # 6: AMO on a read-only page: store/AMO page fault.
  li TESTNUM, 6
  amoadd.w a1, a1, (a0)
  EXPECT_TRAP(15, VBASE + 2 * 4096 + 8)
  # 7: reading an execute-only page faults, unless mstatus.MXR.
  li TESTNUM, 7
  li a0, VBASE + 3 * 4096
  lw a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 3 * 4096)
  li t0, 1 << 19
  csrs sstatus, t0
  lw a1, 0(a0)
  EXPECT_NO_TRAP
  csrc sstatus, t0
  # 8: a U page from S: faults without SUM, works with it.
  li TESTNUM, 8
  li a0, VBASE + 4 * 4096
  lw a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 4 * 4096)
  li t0, 1 << 18
  csrs sstatus, t0
  lw a1, 0(a0)
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
  # 10: an invalid first-level entry (VA 0x00400000, root[1] = 0): page fault.
  li TESTNUM, 10
  li a0, 0x00400010
  lw a1, 0(a0)
  EXPECT_TRAP(13, 0x00400010)
  # 11: a 4 MiB megapage: the alias at ALIAS reaches the same bytes as the identity map,
  # VA[21:12] selecting the 4 KiB page within it; its A and D are set by the hardware.
  li TESTNUM, 11
  la a0, page0
  li t0, ALIAS - 0x80000000
  add a1, a0, t0
  li a2, 0x5a5a1234
  sw a2, 32(a0)
  lw a3, 32(a1)
  EXPECT_NO_TRAP
  bne a3, a2, fail
  lw a4, root + 768*4
  andi a4, a4, 0xc0
  FAIL_IF_NE(a4, 0x40)
  li a2, 0x0badcafe
  sw a2, 36(a1)
  EXPECT_NO_TRAP
  lw a3, 36(a0)
  bne a3, a2, fail
  lw a4, root + 768*4
  andi a4, a4, 0xc0
  FAIL_IF_NE(a4, 0xc0)
  # 12: a misaligned megapage (PPN[0] != 0): page fault, for loads and stores.
  li TESTNUM, 12
  li a0, BADMEGA + 0x2344
  lw a1, 0(a0)
  EXPECT_TRAP(13, BADMEGA + 0x2344)
  sw a1, 0(a0)
  EXPECT_TRAP(15, BADMEGA + 0x2344)
  # 13: a leaf with W=1, R=0 is reserved: page fault on load and store.
  li TESTNUM, 13
  li a0, VBASE + 7 * 4096 + 4
  lw a1, 0(a0)
  EXPECT_TRAP(13, VBASE + 7 * 4096 + 4)
  sw a1, 0(a0)
  EXPECT_TRAP(15, VBASE + 7 * 4096 + 4)
  # 14: remap VA page 5 to page1 (different bytes) and fence: the new page is seen.
  li TESTNUM, 14
  la t0, page1
  li t1, 0x77
  sw t1, 16(t0)
  li a3, VBASE + 5 * 4096
  lw a4, 16(a3)
  FAIL_IF_NE(a4, 0x1234)      # still page0 (stored by test 3)
  la t1, page1
  PTE_OF(t1)
  ori t1, t1, 0xc7
  la t0, l0
  sw t1, 20(t0)
  sfence.vma a3
  lw a4, 16(a3)
  EXPECT_NO_TRAP
  FAIL_IF_NE(a4, 0x77)
  # 15: remap VA page 0 read-only; after sfence.vma the store must fault.
  li TESTNUM, 15
  la t0, l0
  lw t1, 0(t0)
  andi t1, t1, ~0x04
  sw t1, 0(t0)
  li a0, VBASE
  sfence.vma a0
  sw a0, 0(a0)
  EXPECT_TRAP(15, VBASE)
  # 16: U-mode (code in the U page at VBASE + 6 pages): its U page works, a supervisor
  # page faults on load and on fetch; it ecalls back (s_trap resumes at s6).
  li TESTNUM, 16
  li a2, 0
  li a3, 0
  la s6, 1f
  li t0, 1 << 8
  csrc sstatus, t0            # SPP = U
  li t0, VBASE + 6 * 4096
  csrw sepc, t0
  sret
1:
  FAIL_IF_NE(s10, 8)
  li s10, -1
  FAIL_IF_NE(a2, -1)          # U load and store on the U page: no trap
  li t6, 0x600d
  bne a7, t6, fail            # the value it stored and read back
  FAIL_IF_NE(a3, 13)          # U load from a supervisor page
  li t6, VBASE + 5 * 4096 + 8
  bne a4, t6, fail
  FAIL_IF_NE(a5, 12)          # U fetch from a supervisor (megapage) code page
  la t6, pass
  bne a6, t6, fail
  # all passed
  li TESTNUM, 0
  j pass

  .align 2
s_trap:
  csrr s10, scause
  csrr s11, stval
  li t5, 8
  beq s10, t5, 2f
  li t5, 12
  beq s10, t5, 1f
  csrr t5, sepc
  addi t5, t5, 4
  csrw sepc, t5
  sret
1:  # instruction page fault: return to ra
  csrw sepc, ra
  sret
2:  # ecall from U: back to the S test, staying in S
  jr s6

  .align 2
m_trap:
  j fail

PRIV_REPORT_CODE

  # U-mode code, run at VA VBASE + 6 pages: only pc-relative branches and absolute
  # constants. Results go to registers that S checks after the ecall.
  .align 12
ucode:
  li a0, VBASE + 4 * 4096
  li t0, 0x600d
  sw t0, 12(a0)
  lw a7, 12(a0)
  mv a2, s10
  li a0, VBASE + 5 * 4096 + 8
  lw a1, 0(a0)
  mv a3, s10
  mv a4, s11
  li s10, -1
  lui t1, %hi(pass)           # absolute: its identity VA (a supervisor page)
  addi t1, t1, %lo(pass)
  jalr ra, t1
  mv a5, s10
  mv a6, s11
  li s10, -1
  ecall
3:j 3b

  .data
PRIV_TOHOST_DATA
  .align 12
root: .zero 4096
l0: .zero 4096
page0: .zero 4096
page1: .zero 4096
