/* start.S: reset code of the calibration kernels (tests/cycles/README.md). The same ELF
 * runs on Ibex's simple_system under Verilator and on hartlab's `ibex-simple.dts` board,
 * which mirrors its memory map: RAM at 0x100000, where Ibex's boot address points; the
 * vector table at the start of RAM (mtvec's reset value on Ibex, vectored mode) and the
 * reset entry 0x80 bytes in. Every register is cleared so that both start alike (hartlab
 * passes a hart id and a device tree in a0/a1), the stack and mtvec are set, .bss cleared,
 * main() called and the run ended through calib_exit (calib.c). An ecall from M-mode
 * returns to the instruction after it (the trap kernel); other traps are reported.
 */
    .section .vectors, "ax"
    .option push
    .option norvc
    .globl _vectors
_vectors:
    j exception          /* vectored mode: exceptions at the base */
    .rept 31
    j unexpected_trap
    .endr
    /* boot address + 0x80: Ibex's reset entry, the ELF entry on hartlab */
    .globl _start
_start:
    j reset
    .option pop

    .text
    .balign 4
reset:
    .irp r,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    li x\r, 0
    .endr
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    /* mtvec: these vectors, vectored (Ibex's reset value; hartlab's must be set). */
    la t0, _vectors
    ori t0, t0, 1
    csrw mtvec, t0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call main
    tail calib_exit

    /* An ecall from M-mode (the ecall kernel) returns to the next instruction; any other
     * exception is unexpected. Only t0 is used, saved in mscratch. */
    .balign 4
exception:
    csrw mscratch, t0
    csrr t0, mcause
    addi t0, t0, -11
    bnez t0, 1f
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    csrr t0, mscratch
    mret
1:  csrr t0, mscratch
    .balign 4
unexpected_trap:
    csrr a0, mcause
    csrr a1, mepc
    tail calib_trap
