/* A UART firmware that sets its UART up late: it first works for about 300,000 cycles (a
 * C runtime clearing memory, a banner through another channel...), then enables and resets
 * the FIFOs (FCR = 0x07, PC16550D datasheet "FIFO Control Register") and echoes what it
 * receives until a newline, then passes through the SiFive test finisher. Every byte sent
 * to hartlab's stdin must come back: host bytes enter the receiver only once the guest
 * reads it, at the line's character rate (devices/ns16550.c, rx_poll_update). virt board. */
#define UART     0x10000000
#define FINISHER 0x100000

    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 100000           /* ~3 cycles an iteration */
1:  addi t0, t0, -1
    bnez t0, 1b

    li t0, UART
    li t1, 0x80             /* LCR.DLAB */
    sb t1, 3(t0)
    li t1, 2                /* divisor 2: 115200 baud at 3.6864 MHz */
    sb t1, 0(t0)
    sb zero, 1(t0)
    li t1, 0x03             /* 8N1, DLAB off */
    sb t1, 3(t0)
    li t1, 0x07             /* FIFOs on, both reset */
    sb t1, 2(t0)

    li t3, '\n'
echo:
    lbu t1, 5(t0)           /* LSR */
    andi t1, t1, 1          /* DR */
    beqz t1, echo
    lbu t2, 0(t0)           /* RBR */
    sb t2, 0(t0)            /* THR */
    bne t2, t3, echo

    li t0, FINISHER
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
