/* start.S: reset code of the bare-metal samples (no C library). The boards start hart 0
 * at the ELF entry in machine mode with a0 = hart id and a1 = the device-tree blob
 * (docs/design.md, decision 7); this sets up gp and the stack, points mtvec at a catch-all that
 * reports an unexpected trap, copies .data from its load address (flash on mcu) to RAM,
 * clears .bss, calls main(hartid, dtb) and ends the run with main's return value through
 * the SiFive test finisher (bsp_exit). Other harts, if any, park in wfi. The linker
 * script (virt.ld or mcu.ld) provides the symbols.
 */
#if __riscv_xlen == 64
#define REG_S sd
#define REG_L ld
#define REGBYTES 8
#else
#define REG_S sw
#define REG_L lw
#define REGBYTES 4
#endif

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    csrr t0, mhartid
    bnez t0, park
    la sp, __stack_top
    la t0, unexpected_trap_entry
    csrw mtvec, t0

    /* .data: copy from its load address when that differs (mcu: flash to RAM). */
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
    call main
    tail bsp_exit

park:
    wfi
    j park

/* A trap no sample expected: report it from C (bsp_unexpected_trap never returns). */
    .text
    .balign 4
unexpected_trap_entry:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    la sp, __stack_top
    tail bsp_unexpected_trap
