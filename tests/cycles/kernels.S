/* kernels.S: the calibration kernels written in assembly (tests/cycles/README.md), each
 * isolating one timing effect of an in-order RV32IMC core: dependent and independent ALU
 * chains, load-use pairs, stores, multiplies, divides (and divide by zero), jumps, 32-bit
 * instructions at 2-byte-aligned addresses, misaligned loads and stores, CSR accesses,
 * trap entry and return, and compressed code. Every kernel is a leaf function with a
 * counted loop; encodings are fixed (.option norvc) except where compressed instructions
 * are the point. */
    .option norvc
    .text

#define LOOP_BEGIN(n) li t6, n; .balign 4; 1:
#define LOOP_END      addi t6, t6, -1; bnez t6, 1b

/* Eight dependent ALU operations per iteration. */
    .globl k_alu_chain
    .balign 4
k_alu_chain:
    li a0, 1
    LOOP_BEGIN(200)
    add  a0, a0, t6
    xor  a0, a0, t6
    slli a0, a0, 3
    srli a0, a0, 1
    sub  a0, a0, t6
    or   a0, a0, t6
    sltu a1, a0, t6
    add  a0, a0, a1
    LOOP_END
    ret

/* Eight independent ALU operations per iteration. */
    .globl k_alu_indep
    .balign 4
k_alu_indep:
    LOOP_BEGIN(200)
    addi a0, t6, 1
    addi a1, t6, 2
    xori a2, t6, 3
    ori  a3, t6, 4
    andi a4, t6, 5
    slli a5, t6, 6
    srai a6, t6, 7
    lui  a7, 0x12345
    LOOP_END
    ret

/* Loads whose result the next instruction uses. */
    .globl k_load_use
    .balign 4
k_load_use:
    la a0, kdata
    li a2, 0
    LOOP_BEGIN(200)
    lw   a1, 0(a0)
    add  a2, a2, a1
    lw   a1, 4(a0)
    xor  a2, a2, a1
    lw   a1, 8(a0)
    add  a2, a2, a1
    lbu  a1, 13(a0)
    add  a2, a2, a1
    lh   a1, 18(a0)
    sub  a2, a2, a1
    LOOP_END
    ret

/* Back-to-back stores. */
    .globl k_store_burst
    .balign 4
k_store_burst:
    la a0, kbuf
    LOOP_BEGIN(100)
    sw t6, 0(a0)
    sw t6, 4(a0)
    sw t6, 8(a0)
    sw t6, 12(a0)
    sh t6, 16(a0)
    sb t6, 19(a0)
    sw t6, 20(a0)
    sw t6, 24(a0)
    LOOP_END
    ret

/* Dependent multiplies (mul). */
    .globl k_mul
    .balign 4
k_mul:
    li a0, 3
    li a1, 0x10001
    LOOP_BEGIN(100)
    mul a0, a0, a1
    mul a0, a0, t6
    mul a2, a0, a0
    add a0, a0, a2
    LOOP_END
    ret

/* Upper-half multiplies. */
    .globl k_mulh
    .balign 4
k_mulh:
    li a0, 0x12345678
    li a1, -7
    LOOP_BEGIN(100)
    mulh   a2, a0, a1
    mulhu  a3, a0, a1
    mulhsu a4, a1, a0
    add    a0, a0, a2
    xor    a0, a0, a3
    LOOP_END
    ret

/* Divides and remainders with varied operands, including the signed overflow case. */
    .globl k_div
    .balign 4
k_div:
    li a0, 1000000007
    li a1, 7
    li a4, 0x80000000
    li a5, -1
    LOOP_BEGIN(40)
    div  a2, a0, a1
    divu a3, a0, t6
    rem  a2, a0, t6
    remu a3, a1, a0
    div  a2, a4, a5
    rem  a3, a4, a5
    divu a2, t6, a0
    LOOP_END
    ret

/* Divides by zero. */
    .globl k_div_zero
    .balign 4
k_div_zero:
    li a0, 12345
    LOOP_BEGIN(40)
    div  a2, a0, zero
    divu a3, a0, zero
    rem  a2, a0, zero
    remu a3, a0, zero
    LOOP_END
    ret

/* jal and jalr to word-aligned targets. */
    .globl k_jumps
    .balign 4
k_jumps:
    la a1, 3f
    LOOP_BEGIN(100)
    j 2f
    nop
2:  jalr a2, 0(a1)
    nop
3:  jal a3, 4f
    nop
4:  addi a0, a0, 1
    LOOP_END
    ret

/* Jumps to 32-bit instructions that start 2 bytes into a word, and straight-line
 * 32-bit instructions that straddle words after a compressed one. Only the c.nop padding
 * and one c.addi are compressed (the assembler would otherwise compress the addi's). */
#define RVC(...) .option push; .option rvc; __VA_ARGS__; .option pop
    .globl k_misaligned_fetch
    .balign 4
k_misaligned_fetch:
    LOOP_BEGIN(100)
    j 2f
    .balign 4
    RVC(c.nop)
2:  addi a0, a0, 1
    addi a1, a1, 1
    RVC(c.addi a2, 1)
    addi a3, a3, 1
    addi a4, a4, 1
    j 3f
    .balign 4
    RVC(c.nop)
3:  add a5, a5, a0
    RVC(c.nop)
    LOOP_END
    ret

/* Loads and stores of words and halfwords that cross their natural alignment. */
    .globl k_misaligned_data
    .balign 4
k_misaligned_data:
    la a0, kbuf
    LOOP_BEGIN(50)
    sw t6, 1(a0)
    lw a1, 1(a0)
    sh t6, 7(a0)
    lhu a2, 7(a0)
    sw t6, 10(a0)
    lw a3, 10(a0)
    add a1, a1, a2
    LOOP_END
    ret

/* CSR reads and writes. */
    .globl k_csr
    .balign 4
k_csr:
    LOOP_BEGIN(100)
    csrw mscratch, t6
    csrr a0, mscratch
    csrrs a1, mscratch, a0
    csrr a2, mcause
    csrrw a3, mscratch, a2
    LOOP_END
    ret

/* Trap entry and return: ecall, through the vector table to the handler in start.S,
 * and mret back. */
    .globl k_ecall
    .balign 4
k_ecall:
    LOOP_BEGIN(20)
    ecall
    LOOP_END
    ret

/* Compressed code: a loop of compressed ALU operations and a compressed branch. */
    .globl k_compressed
    .balign 4
k_compressed:
    .option push
    .option rvc
    li a5, 150
    li a0, 0
    li a1, 1
    .balign 4
1:  c.add a0, a1
    c.slli a1, 1
    c.srli a1, 1
    c.addi a1, 1
    c.mv a2, a0
    c.and a2, a1
    c.xor a0, a2
    c.addi a5, -1
    c.bnez a5, 1b
    c.jr ra
    .option pop

    .data
    .balign 8
kdata:
    .word 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666
    .bss
    .balign 8
kbuf:
    .space 32
