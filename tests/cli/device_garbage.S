/* Writes pseudo-random garbage, at every width, to every register offset of the virt
 * board's CLINT, PLIC, UART and GPIO, and reads them all back; then passes through the
 * finisher. The simulator must log the wrong accesses (rate-limited) and go on. Machine
 * interrupts stay disabled (mstatus.MIE = 0), so whatever the garbage enables is harmless. */
#if __riscv_xlen == 64
#define SREG sd
#else
#define SREG sw
#endif
.section .text.init
.globl _start
_start:
    csrw mstatus, zero
    li s0, 0x12345678           /* LCG state */
    la s1, ranges
next_range:
    lw s2, 0(s1)                /* base (all below 2 GiB) */
    lw s3, 4(s1)                /* length */
    lw s4, 8(s1)                /* stride */
    beqz s3, done
    add s3, s3, s2
1:  li t0, 1103515245
    mul s0, s0, t0
    li t0, 12345
    add s0, s0, t0
    sw s0, 0(s2)                /* 32-bit */
    sb s0, 1(s2)                /* 8-bit, odd offset */
    sh s0, 2(s2)                /* 16-bit */
    andi t2, s2, -8
    SREG s0, 0(t2)              /* XLEN-bit, aligned */
    lw t1, 0(s2)
    lbu t1, 3(s2)
    add s2, s2, s4
    bltu s2, s3, 1b
    addi s1, s1, 12
    j next_range
done:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b

.data
.align 2
ranges:
    .word 0x02000000, 0x10000, 0x40       /* CLINT: every 64 bytes */
    .word 0x0c000000, 0x3000, 0x4         /* PLIC: priorities, pending, enables */
    .word 0x0c200000, 0x2000, 0x100       /* PLIC: thresholds/claims of contexts 0,1 */
    .word 0x10000000, 0x100, 0x4          /* UART */
    .word 0x10060000, 0x1000, 0x4         /* GPIO */
    .word 0, 0, 0
