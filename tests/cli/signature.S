/* Writes known words into the signature region, then passes through the finisher. The
 * expected file lists them as the compliance frameworks do: one 32-bit word per line. */
.section .text.init
.globl _start
_start:
    la t0, begin_signature
    li t1, 0x12345678
    sw t1, 0(t0)
    li t1, -1
    sw t1, 4(t0)
    li t1, 7
    add t1, t1, t1
    sw t1, 8(t0)
    li t1, 0x00abcdef
    sh t1, 12(t0)
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

.data
.align 4
.globl begin_signature
begin_signature:
    .word 0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef
.globl end_signature
end_signature:
