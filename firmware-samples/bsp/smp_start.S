/* smp_start.S: reset code of the bare-metal samples that use several harts (counter.c and
 * the SMP tests). Every hart starts at the ELF entry in machine mode with a0 = its hart id
 * and a1 = the device-tree blob (as on QEMU's virt with -smp N). Each hart gets its own
 * 2 KiB stack below __stack_top (hart id 0 to 7) and mtvec pointing at a catch-all that
 * reports an unexpected trap. Hart 0 copies .data, clears .bss, releases the others through
 * `smp_released` and calls main(hartid, dtb), whose return value ends the run (bsp_exit);
 * the other harts wait for the release and call smp_main(hartid, dtb), then park in wfi.
 */
#if __riscv_xlen == 64
#define REG_S sd
#else
#define REG_S sw
#endif
#define STACK_SHIFT 11 /* 2 KiB per hart */
#define MAX_HARTS   8

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv s0, a0
    mv s1, a1
    li t0, MAX_HARTS
    bgeu s0, t0, park /* no stack for it */
    la sp, __stack_top
    slli t0, s0, STACK_SHIFT
    sub sp, sp, t0
    la t0, smp_unexpected_trap_entry
    csrw mtvec, t0
    bnez s0, secondary

    la t0, __data_load
    la t1, __data_start
    la t2, __data_end
    beq t0, t1, 2f
1:  bgeu t1, t2, 2f
    lw t3, 0(t0)
    sw t3, 0(t1)
    addi t0, t0, 4
    addi t1, t1, 4
    j 1b
2:
    la t0, __bss_start
    la t1, __bss_end
3:  bgeu t0, t1, 4f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 3b
4:
    /* Publish .data and .bss before the release (a store-release: RVWMO, Unprivileged
     * ISA 17). */
    fence rw, w
    la t0, smp_released
    li t1, 1
    sw t1, 0(t0)
    mv a0, s0
    mv a1, s1
    call main
    tail bsp_exit

secondary:
    la t0, smp_released
5:  lw t1, 0(t0)
    beqz t1, 5b
    fence r, rw
    mv a0, s0
    mv a1, s1
    call smp_main
park:
    wfi
    j park

    .text
    .balign 4
smp_unexpected_trap_entry:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    tail bsp_unexpected_trap

/* Set by hart 0 once memory is ready; in .data so that clearing .bss does not touch it. */
    .data
    .balign 4
    .globl smp_released
smp_released:
    .word 0
