/* Waits for an interrupt with none enabled: hartlab must report a hang (exit 125). */
.section .text.init
.globl _start
_start:
    csrw mie, zero
1:  wfi
    j 1b
