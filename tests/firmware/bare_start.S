/* Minimal start-up for the bare tests (no C library): a stack, then main, then a spin if
 * main returns without the device under test having ended the run. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, stack_top
    call main
1:  j 1b

    .bss
    .balign 16
    .space 4096
stack_top:
