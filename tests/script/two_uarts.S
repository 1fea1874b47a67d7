/* For --script's `uart N` on tests/script/two_uarts.dts: prints "zero\n" on uart 0 and
 * "one\n" on uart 1, then waits (polling LSR.DR) for a byte on uart 1, answers "got X\n" on
 * uart 1 and "done\n" on uart 0, and passes through the finisher. Written from the
 * NS16550A registers (THR/RBR at 0, LSR at 5: DR bit 0, THRE bit 5). */
#define UART0 0x10000000
#define UART1 0x10001000
.section .text.init
.globl _start
_start:
    li s0, UART0
    li s1, UART1
    mv a0, s0
    la a1, zero
    call puts
    mv a0, s1
    la a1, one
    call puts
1:  lbu t0, 5(s1)               /* wait for a byte on uart 1 */
    andi t0, t0, 1
    beqz t0, 1b
    lbu s2, 0(s1)
    mv a0, s1
    la a1, got
    call puts
    mv a0, s1
    mv a2, s2
    call putc
    li a2, '\n'
    call putc
    mv a0, s0
    la a1, done
    call puts
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b

/* putc(a0 = uart, a2 = byte) */
putc:
    lbu t0, 5(a0)
    andi t0, t0, 0x20
    beqz t0, putc
    sb a2, 0(a0)
    ret

/* puts(a0 = uart, a1 = string) */
puts:
    mv t2, ra
3:  lbu a2, 0(a1)
    beqz a2, 4f
    call putc
    addi a1, a1, 1
    j 3b
4:  mv ra, t2
    ret

.data
zero: .asciz "zero\n"
one:  .asciz "one\n"
got:  .asciz "got "
done: .asciz "done\n"
