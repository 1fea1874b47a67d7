/* Prints "Hello, UART" on the virt board's NS16550A (0x10000000) by polling LSR.THRE, then
 * passes through the finisher. */
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20
.section .text.init
.globl _start
_start:
    li a0, 0x10000000
    la a1, msg
1:  lbu a2, 0(a1)
    beqz a2, 3f
2:  lbu a3, UART_LSR(a0)
    andi a3, a3, LSR_THRE
    beqz a3, 2b
    sb a2, UART_THR(a0)
    addi a1, a1, 1
    j 1b
3:  li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
4:  j 4b
.data
msg: .asciz "Hello, UART\n"
