/* deep_fw.S: recursion 3000 calls deep, deeper than the profiler keeps frames (1024), for
 * profile_test.py: the profile must still add up to the run's counts, and the calls that
 * return from below the kept frames must not unwind the kept ones. virt board, finisher
 * exit. */
#if __riscv_xlen == 64
#define SX sd
#define LX ld
#else
#define SX sw
#define LX lw
#endif
    .section .text.init, "ax"
    .option norvc
    .globl _start
_start:
    la sp, stack_top
    li a0, 3000
    jal deep
    jal after
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

    .globl deep
deep:
    beqz a0, 1f
    addi sp, sp, -16
    SX ra, 0(sp)
    addi a0, a0, -1
    jal deep
    LX ra, 0(sp)
    addi sp, sp, 16
1:  ret

    .globl after
after:
    li t0, 100
1:  addi t0, t0, -1
    bnez t0, 1b
    ret

    .data
    .balign 16
    .space 65536
stack_top:
