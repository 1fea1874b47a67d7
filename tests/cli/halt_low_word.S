/* The halt of the RISC-V compliance targets: one 32-bit store of 1 to tohost, repeated.
 * The high word is never written; hartlab must still end the run with status 0. */
.section .text.init
.globl _start
_start:
    li x1, 1
write_tohost:
    sw x1, tohost, t5
    j write_tohost

.section .tohost, "aw", @progbits
.align 6
.globl tohost
tohost: .dword 0
.align 6
.globl fromhost
fromhost: .dword 0
