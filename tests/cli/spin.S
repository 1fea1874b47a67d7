/* Loops forever: for --max-insns / --max-cycles. */
.section .text.init
.globl _start
_start:
1:  addi a0, a0, 1
    j 1b
