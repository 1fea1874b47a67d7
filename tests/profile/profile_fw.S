/* profile_fw.S: a program whose profile is known exactly, for the --profile tests
 * (profile_test.py). On the virt board (RAM at 0x80000000, CLINT at 0x2000000, the SiFive
 * test finisher at 0x100000), in machine mode:
 *   - _start calls `outer` 10 times; `outer` calls `leaf` 3 times; `leaf` retires 10
 *     instructions per call (li, 4 x {addi, bnez}, ret), `outer` 8 of its own;
 *   - `recurse` is called with a0 = 5 and calls itself until a0 is 0 (6 activations, 5
 *     of them recursive), 2 instructions when a0 = 0 and 8 otherwise;
 *   - three ecalls enter `trap_entry` (an exception root each time) and one machine timer
 *     interrupt does (an interrupt root) as soon as _start enables it;
 *   - then the finisher ends the run with status 0.
 * Works for RV32 and RV64 (the stack slots are XLEN wide).
 */
#if __riscv_xlen == 64
#define SX sd
#define LX ld
#define SLOT 8
#else
#define SX sw
#define LX lw
#define SLOT 4
#endif
    .section .text.init, "ax"
    .option norvc
    .globl _start
_start:
    la sp, stack_top
    la t0, trap_entry
    csrw mtvec, t0
    li s0, 10
1:  jal outer
    addi s0, s0, -1
    bnez s0, 1b
    li a0, 5
    jal recurse
    ecall
    ecall
    ecall
    /* One timer interrupt: mtimecmp = 0 (mtime is already past it), then MTIE and MIE. */
    li t0, 0x2004000
    sw zero, 0(t0)
    sw zero, 4(t0)
    li t0, 0x80
    csrs mie, t0
    csrsi mstatus, 8
    nop
    csrci mstatus, 8
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b

    .globl outer
outer:
    addi sp, sp, -16
    SX ra, 0(sp)
    jal leaf
    jal leaf
    jal leaf
    LX ra, 0(sp)
    addi sp, sp, 16
    ret

    .globl leaf
leaf:
    li t0, 4
1:  addi t0, t0, -1
    bnez t0, 1b
    ret

    .globl recurse
recurse:
    beqz a0, 1f
    addi sp, sp, -16
    SX ra, 0(sp)
    addi a0, a0, -1
    jal recurse
    LX ra, 0(sp)
    addi sp, sp, 16
1:  ret
    nop

    .balign 4
    .globl trap_entry
trap_entry:
    csrr t0, mcause
    bltz t0, 1f
    csrr t1, mepc
    addi t1, t1, 4
    csrw mepc, t1
    mret
1:  li t0, 0x80
    csrc mie, t0
    mret

    .data
    .balign 16
    .space 1024
stack_top:
