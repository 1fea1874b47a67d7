# Self-modifying code across a page boundary (Unprivileged ISA ch. 3 Zifencei; Privileged
# Architecture 1.12 sections 4.2.1 SFENCE.VMA, 4.3/4.4 Sv32/Sv39): what a simulator that
# caches decoded or translated code must get right (issue 17: the translation tier; each
# case runs often enough for its code to be translated at the default threshold, and
# `meson test --setup jit` / `--setup nojit` run it translated at once / never).
#
# The code under test is a function whose 32-bit `addi a0, a0, 4` straddles two pages
# (low half at P0 + 4094, high half, which holds the immediate, at P1 + 0), so a block that
# contains it spans the boundary; it returns a0 = 1 + 2 + imm(straddling) + imm(next).
#  1-3 M-mode, bare: run it hot; rewrite the straddling instruction's high half in the second
#      page with fence.i; rewrite the next instruction (second page only) without fence.i
#      (not required by the ISA; hartlab, like QEMU, sees stores to code at once).
#  4-5 code written into a buffer that crosses a page boundary, run, rewritten, run again.
#  6-8 S-mode, paging: the same function at VA VCODE + 4088, its second page mapped to P1,
#      then remapped to P2 (other bytes: a different high half and next instruction) with a
#      PTE store and sfence.vma, then back to P1.
# Any trap fails (M handles all; S's final ecall passes). Report as priv.h says.
#include "priv.h"

#define VCODE 0x40000000
#define CALLS 300
#define ADDI_A0_A0(imm) (((imm) << 20) | (10 << 15) | (10 << 7) | 0x13)
#define RET_INSN 0x00008067

#if __riscv_xlen == 64
#define SATP_BITS (8 << 60)
#define PTE_STORE sd
#define PTE_SIZE 8
#else
#define SATP_BITS (1 << 31)
#define PTE_STORE sw
#define PTE_SIZE 4
#endif
/* PTE for the physical address in reg (clobbers it): PPN << 10 | flags. */
#define MAKE_PTE(reg, flags) srli reg, reg, 12; slli reg, reg, 10; ori reg, reg, flags

/* s0 = sum of CALLS calls of the function at s1 (a0 = 0 each time). */
#define CALL_MANY          \
  li s0, 0;                \
  li s2, CALLS;            \
1:li a0, 0;                \
  jalr ra, 0(s1);          \
  add s0, s0, a0;          \
  addi s2, s2, -1;         \
  bnez s2, 1b

  .section .text.init, "ax", @progbits
  .option norvc
  .globl _start
_start:
  la t0, m_trap
  csrw mtvec, t0
  li TESTNUM, 0

  # 1: the straddling function, hot.
  li TESTNUM, 1
  la s1, p0 + 4088
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 4 + 8))

  # 2: its high half (the immediate, in the second page) rewritten: addi a0, a0, 32.
  li TESTNUM, 2
  la t0, p1
  li t1, ADDI_A0_A0(32) >> 16
  sh t1, 0(t0)
  fence.i
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 32 + 8))

  # 3: the next instruction (second page only) rewritten without fence.i: addi a0, a0, 16.
  li TESTNUM, 3
  la t0, p1 + 2
  li t1, ADDI_A0_A0(16) & 0xffff
  sh t1, 0(t0)
  li t1, ADDI_A0_A0(16) >> 16
  sh t1, 2(t0)
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 32 + 16))
  # (back to the original bytes for the paging tests)
  la t0, p1
  li t1, ADDI_A0_A0(4) >> 16
  sh t1, 0(t0)
  li t1, ADDI_A0_A0(8) & 0xffff
  sh t1, 2(t0)
  li t1, ADDI_A0_A0(8) >> 16
  sh t1, 4(t0)
  fence.i

  # 4: generated code across a page boundary: eight `addi a0, a0, k` (k = 1..8) from
  # gen + 4096 - 16, then ret; sum 36.
  li TESTNUM, 4
  li a1, 1
  call generate
  la s1, gen + 4096 - 16
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * 36)
  # 5: regenerated with k = 2..16 step 2 (both pages change): sum 72.
  li TESTNUM, 5
  li a1, 2
  call generate
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * 72)

  # Paging: an identity map of RAM (and of the finisher's page) plus VCODE -> p0,
  # VCODE + 4096 -> p1.
  la t0, root
#if __riscv_xlen == 64
  li t1, (0x80000000 >> 12 << 10) | 0xcf   # root[2]: 1 GiB superpage at 0x80000000, RWXAD
  sd t1, 16(t0)
  li t1, 0xc7                              # root[0]: 0 - 1 GiB, RW (the finisher)
  sd t1, 0(t0)
  la t1, l1                                # root[1] -> l1 -> l0 (VCODE = 1 GiB)
  MAKE_PTE(t1, 0x01)
  sd t1, 8(t0)
  la t0, l1
  la t1, l0
  MAKE_PTE(t1, 0x01)
  sd t1, 0(t0)
#else
  li t1, (0x80000000 >> 12 << 10) | 0xcf   # root[0x200]: 4 MiB megapage at 0x80000000
  li t2, 0x200 * 4
  add t2, t2, t0
  sw t1, 0(t2)
  li t1, 0xc7                              # root[0]: 0 - 4 MiB, RW (the finisher)
  sw t1, 0(t0)
  la t1, l0                                # root[0x100] -> l0 (VCODE = 1 GiB)
  MAKE_PTE(t1, 0x01)
  li t2, 0x100 * 4
  add t2, t2, t0
  sw t1, 0(t2)
#endif
  la t0, l0
  la t1, p0
  MAKE_PTE(t1, 0x4b)                       # V R X A
  PTE_STORE t1, 0(t0)
  la t1, p1
  MAKE_PTE(t1, 0x4b)
  PTE_STORE t1, PTE_SIZE(t0)
  la t0, root
  srli t0, t0, 12
  li t1, SATP_BITS
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, -1                                # PMP entry 0: S may use everything
  csrw pmpaddr0, t0
  li t0, 0x1f                              # NAPOT, R W X
  csrw pmpcfg0, t0
  li t0, 3 << 11                           # mret to S
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  la t0, s_main
  csrw mepc, t0
  mret

s_main:
  # 6: through the mapping, second page p1.
  li TESTNUM, 6
  li s1, VCODE + 4088
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 4 + 8))
  # 7: second page remapped to p2 (high half: 64; next: addi a0, a0, 128).
  li TESTNUM, 7
  la t0, l0
  la t1, p2
  MAKE_PTE(t1, 0x4b)
  PTE_STORE t1, PTE_SIZE(t0)
  sfence.vma
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 64 + 128))
  # 8: and back.
  li TESTNUM, 8
  la t0, l0
  la t1, p1
  MAKE_PTE(t1, 0x4b)
  PTE_STORE t1, PTE_SIZE(t0)
  sfence.vma
  CALL_MANY
  FAIL_IF_NE(s0, CALLS * (1 + 2 + 4 + 8))
  ecall                                     # to M: pass

# generate: writes `addi a0, a0, a1 * k` for k = 1..8 from gen + 4096 - 16, then ret; fence.i.
generate:
  la t0, gen + 4096 - 16
  li t1, 1
  li t3, 9
1:mul t2, a1, t1
  slli t2, t2, 20
  li t4, (10 << 15) | (10 << 7) | 0x13
  or t2, t2, t4
  sw t2, 0(t0)
  addi t0, t0, 4
  addi t1, t1, 1
  bne t1, t3, 1b
  li t2, RET_INSN
  sw t2, 0(t0)
  fence.i
  ret

m_trap:
  csrr t0, mcause
  li t1, 9                                  # ecall from S: the end
  beq t0, t1, pass
  j fail

PRIV_REPORT_CODE

  .data
PRIV_TOHOST_DATA
  .align 12
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
gen: .zero 8192
  # p0, p1: the straddling function (physically contiguous); p2: another second page.
p0:
  .zero 4088
  addi a0, a0, 1                            # p0 + 4088
  .option push
  .option rvc
  c.addi a0, 2                              # p0 + 4092
  .option pop
  .2byte ADDI_A0_A0(4) & 0xffff             # p0 + 4094: addi a0, a0, 4 (low half)
p1:
  .2byte ADDI_A0_A0(4) >> 16                # p1 + 0: its high half
  addi a0, a0, 8                            # p1 + 2
  ret                                       # p1 + 6
  .balign 4096
p2:
  .2byte ADDI_A0_A0(64) >> 16
  addi a0, a0, 128
  ret
  .balign 4096
