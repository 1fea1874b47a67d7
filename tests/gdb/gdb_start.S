/* Start-up for the GDB test firmware (tests/gdb/gdb_fw.c): stack, .bss cleared, FP unit
 * enabled when compiled for F/D, then main; and the machine-mode trap entry, whose call
 * frame information tells GDB that the interrupted pc (mepc) is the caller's pc, so a
 * backtrace from the handler shows "<signal handler called>" and then the interrupted code.
 */
#if __riscv_xlen == 64
#define SREG sd
#define LREG ld
#define R    8
#else
#define SREG sw
#define LREG lw
#define R    4
#endif
#define FRAME (18 * R)

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sb zero, 0(t0)
    addi t0, t0, 1
    j 1b
2:
#ifdef __riscv_flen
    li t0, 0x2000 /* mstatus.FS = Initial */
    csrs mstatus, t0
    fld fa0, fp_seed, t0 /* a known value for the debugger's `p $fa0` */
#endif
    call main
3:  j 3b

    .text
    .globl trap_entry
    .type trap_entry, @function
    .balign 4
trap_entry:
    .cfi_startproc
    .cfi_signal_frame
    /* Until it is saved, the interrupted pc is in mepc (DWARF register 4096 + 0x341). */
    .cfi_register ra, 4929
    addi sp, sp, -FRAME
    .cfi_def_cfa_offset FRAME
    SREG ra, 0*R(sp)
    SREG t0, 1*R(sp)
    SREG t1, 2*R(sp)
    SREG t2, 3*R(sp)
    SREG a0, 4*R(sp)
    SREG a1, 5*R(sp)
    SREG a2, 6*R(sp)
    SREG a3, 7*R(sp)
    SREG a4, 8*R(sp)
    SREG a5, 9*R(sp)
    SREG a6, 10*R(sp)
    SREG a7, 11*R(sp)
    SREG t3, 12*R(sp)
    SREG t4, 13*R(sp)
    SREG t5, 14*R(sp)
    SREG t6, 15*R(sp)
    csrr t0, mepc
    SREG t0, 16*R(sp)
    /* The "return address" of this frame is the interrupted pc. */
    .cfi_offset ra, 16*R - FRAME
    csrr a0, mcause
    call trap_handler
    LREG t0, 16*R(sp)
    csrw mepc, t0
    LREG ra, 0*R(sp)
    LREG t0, 1*R(sp)
    LREG t1, 2*R(sp)
    LREG t2, 3*R(sp)
    LREG a0, 4*R(sp)
    LREG a1, 5*R(sp)
    LREG a2, 6*R(sp)
    LREG a3, 7*R(sp)
    LREG a4, 8*R(sp)
    LREG a5, 9*R(sp)
    LREG a6, 10*R(sp)
    LREG a7, 11*R(sp)
    LREG t3, 12*R(sp)
    LREG t4, 13*R(sp)
    LREG t5, 14*R(sp)
    LREG t6, 15*R(sp)
    addi sp, sp, FRAME
    mret
    .cfi_endproc
    .size trap_entry, . - trap_entry

    .bss
    .balign 16
    .space 8192
stack_top:
