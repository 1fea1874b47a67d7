/* Every instruction form of hartlab's instruction table (core/insns.def), for the
 * disassembler comparison (tests/disasm/compare.py): each base and compressed row, the
 * operand combinations that make objdump pick a pseudo-instruction (RISC-V Unprivileged ISA
 * chapter 25, "RISC-V Assembly Programmer's Handbook"), the compressed HINTs (chapter 16.7),
 * and edge immediates. Assembled twice, for RV32 and RV64 (__riscv_xlen); base
 * instructions are kept uncompressed with `.option norvc`, so the compressed forms are only
 * the explicit c.* ones. Never run: only disassembled.
 */
    .text
    .globl _start
_start:
    .option push
    .option norvc

/* RV32I / RV64I: upper immediates, jumps, branches */
    lui     a0, 0x12345
    lui     t6, 0xfffff
    lui     zero, 1
    auipc   a0, 0
    auipc   s11, 0x80000
back:
    jal     zero, back
    jal     ra, fwd
    jal     t0, back
    jalr    zero, 0(ra)
    jalr    zero, 0(a0)
    jalr    zero, 12(a0)
    jalr    ra, 0(a0)
    jalr    ra, -4(a0)
    jalr    t0, 0(a1)
    jalr    t0, 2047(a1)
    jalr    a0, -2048(ra)
    beq     a0, a1, back
    beq     a0, zero, back
    beq     zero, a0, fwd
    beq     zero, zero, fwd
    bne     a0, zero, fwd
    bne     zero, a0, back
    bne     s0, s1, fwd
    blt     a0, zero, back
    blt     zero, a0, back
    blt     a0, a1, fwd
    bge     a0, zero, fwd
    bge     zero, a0, fwd
    bge     zero, zero, fwd
    blt     zero, zero, fwd
    bge     a0, a1, back
    bltu    a0, a1, back
    bltu    zero, a1, back
    bgeu    a0, zero, fwd
    bgeu    t3, t4, fwd
fwd:

/* loads and stores */
    lb      a0, 0(a1)
    lh      a0, -1(sp)
    lw      ra, 2047(sp)
    lbu     t0, -2048(t1)
    lhu     s2, 16(s3)
    sb      a0, 0(a1)
    sh      zero, -2(sp)
    sw      ra, 2047(gp)
#if __riscv_xlen == 64
    ld      a0, 8(sp)
    lwu     a1, -8(tp)
    sd      s0, -16(s1)
#endif

/* register-immediate, with every pseudo-instruction trigger */
    addi    zero, zero, 0
    addi    a0, zero, 5
    addi    a0, zero, -2048
    addi    a0, a1, 0
    addi    sp, sp, -32
    addi    a0, a1, 2047
    addi    zero, a0, 1
    slti    a0, a1, -1
    slti    a0, zero, 0
    sltiu   a0, a1, 1
    sltiu   a0, a1, 2
    sltiu   a0, a1, -1
    xori    a0, a1, -1
    xori    a0, a1, 255
    ori     a0, a1, 0
    ori     a0, zero, 1
    andi    a0, a1, 255
    andi    a0, a1, -1
    slli    a0, a1, 0
    slli    a0, a1, 31
    srli    a0, a1, 1
    srai    a0, a1, 31
#if __riscv_xlen == 64
    slli    a0, a1, 63
    srli    a0, a1, 32
    srai    a0, a1, 63
    addiw   a0, a1, 0
    addiw   a0, a1, -1
    addiw   a0, zero, 3
    slliw   a0, a1, 31
    srliw   a0, a1, 0
    sraiw   a0, a1, 5
#endif

/* register-register */
    add     a0, a1, a2
    add     a0, zero, a2
    add     a0, a1, zero
    sub     a0, a1, a2
    sub     a0, zero, a2
    sll     a0, a1, a2
    slt     a0, a1, a2
    slt     a0, a1, zero
    slt     a0, zero, a1
    slt     a0, zero, zero
    sltu    a0, a1, a2
    sltu    a0, zero, a1
    sltu    a0, a1, zero
    xor     a0, a1, a2
    srl     a0, a1, a2
    sra     a0, a1, a2
    or      a0, a1, a2
    and     a0, a1, a2
#if __riscv_xlen == 64
    addw    a0, a1, a2
    subw    a0, a1, a2
    subw    a0, zero, a2
    sllw    a0, a1, a2
    srlw    a0, a1, a2
    sraw    a0, a1, a2
#endif

/* fences and system */
    fence
    fence   iorw, iorw
    fence   rw, rw
    fence   r, w
    fence   i, o
    fence   w, iorw
    fence.tso
    .insn   0x0100000f      /* pause (Zihintpause): objdump without it prints `fence w,0` */
    fence.i
    ecall
    ebreak
    mret
    wfi

/* Zicsr, with the csrr/csrw/csrs/csrc, rdcycle... and unimp pseudo-instructions */
    csrrw   a0, mstatus, a1
    csrrw   zero, mstatus, a1
    csrrw   zero, cycle, zero
    csrrw   a0, 0x7ff, zero
    csrrs   a0, mstatus, zero
    csrrs   a0, mstatus, a1
    csrrs   zero, mie, a1
    csrrs   a0, cycle, zero
    csrrs   a0, time, zero
    csrrs   a0, instret, zero
    csrrs   a0, cycleh, zero
    csrrs   a0, timeh, zero
    csrrs   a0, instreth, zero
    csrrs   a0, mhartid, zero
    csrrs   a0, fflags, zero
    csrrs   a0, 0x123, zero
    csrrs   zero, mcause, zero
    csrrc   a0, mip, a1
    csrrc   zero, mie, a1
    csrrwi  a0, mtvec, 0
    csrrwi  zero, mscratch, 31
    csrrsi  a0, mstatus, 8
    csrrsi  zero, mstatus, 8
    csrrsi  a0, mstatus, 0
    csrrci  a0, mstatus, 8
    csrrci  zero, mstatus, 8
    csrrw   t0, satp, t1
    csrrs   t0, pmpaddr63, zero
    csrrs   t0, pmpcfg15, zero
    csrrs   t0, mhpmcounter31h, zero
    csrrs   t0, hpmcounter3, zero
    csrrs   t0, tdata1, zero
    csrrs   t0, sstatus, zero
    csrrs   t0, 0xfff, zero

/* M */
    mul     a0, a1, a2
    mulh    a0, a1, a2
    mulhsu  a0, a1, a2
    mulhu   a0, a1, a2
    div     a0, a1, a2
    divu    a0, a1, a2
    rem     a0, a1, a2
    remu    a0, a1, a2
#if __riscv_xlen == 64
    mulw    a0, a1, a2
    divw    a0, a1, a2
    divuw   a0, a1, a2
    remw    a0, a1, a2
    remuw   a0, a1, a2
#endif

/* A, with every aq/rl combination */
    lr.w        a0, (a1)
    lr.w.aq     a0, (a1)
    lr.w.rl     a0, (a1)
    lr.w.aqrl   a0, (a1)
    sc.w        a0, a2, (a1)
    sc.w.aq     a0, a2, (a1)
    sc.w.rl     a0, a2, (a1)
    sc.w.aqrl   a0, a2, (a1)
    amoswap.w   a0, a1, (a2)
    amoadd.w    a0, a1, (a2)
    amoadd.w.aqrl a0, a1, (a2)
    amoxor.w.aq a0, a1, (a2)
    amoand.w.rl a0, a1, (a2)
    amoor.w     zero, a1, (a2)
    amomin.w    a0, a1, (sp)
    amomax.w    a0, a1, (a2)
    amominu.w   a0, a1, (a2)
    amomaxu.w   a0, a1, (a2)
#if __riscv_xlen == 64
    lr.d        a0, (a1)
    lr.d.aqrl   a0, (a1)
    sc.d        a0, a2, (a1)
    sc.d.aq     a0, a2, (a1)
    amoswap.d   a0, a1, (a2)
    amoadd.d    a0, a1, (a2)
    amoxor.d    a0, a1, (a2)
    amoand.d    a0, a1, (a2)
    amoor.d     a0, a1, (a2)
    amomin.d    a0, a1, (a2)
    amomax.d.rl a0, a1, (a2)
    amominu.d   a0, a1, (a2)
    amomaxu.d.aq a0, a1, (a2)
#endif

/* F and D: every row, each rounding mode (DYN prints none, the reserved 5 and 6 print
 * "unknown"), every f register name, the fmv/fneg/fabs aliases and the fflags/frm/fcsr
 * pseudo-instructions */
    flw         ft0, 0(a0)
    flw         fs11, -2048(sp)
    fsw         ft11, 2047(a1)
    fld         fa0, 8(t0)
    fsd         fs1, -8(s0)
    fadd.s      fa3, fa0, fa1
    fadd.s      fa3, fa0, fa1, rne
    fadd.s      fa3, fa0, fa1, rtz
    fadd.s      fa3, fa0, fa1, rdn
    fadd.s      fa3, fa0, fa1, rup
    fadd.s      fa3, fa0, fa1, rmm
    .insn       0x00b556d3      /* fadd.s rm=5: reserved */
    .insn       0x00b566d3      /* fadd.s rm=6: reserved */
    fsub.s      ft1, ft2, ft3
    fmul.s      ft4, ft5, ft6, rtz
    fdiv.s      ft7, fs0, fs1
    fsqrt.s     fa0, fa1
    fsqrt.s     fa0, fa1, rmm
    fmadd.s     fa2, fa3, fa4, fa5
    fmsub.s     fa6, fa7, fs2, fs3, rdn
    fnmsub.s    fs4, fs5, fs6, fs7
    fnmadd.s    fs8, fs9, fs10, fs11, rup
    fsgnj.s     ft8, ft9, ft10
    fsgnjn.s    ft11, ft0, ft1
    fsgnjx.s    ft2, ft3, ft4
    fmv.s       fa0, fa1
    fneg.s      fa0, fa1
    fabs.s      fa0, fa1
    fmin.s      fa0, fa1, fa2
    fmax.s      fa0, fa1, fa2
    feq.s       a0, fa1, fa2
    flt.s       zero, fa1, fa2
    fle.s       t6, ft11, ft0
    fclass.s    a0, fa0
    fcvt.w.s    a0, fa0
    fcvt.w.s    a0, fa0, rtz
    fcvt.wu.s   a1, ft0, rne
    fcvt.s.w    fa0, a0
    fcvt.s.w    fa0, a0, rmm
    fcvt.s.wu   fa0, zero, rdn
    fmv.x.w     a0, ft11
    fmv.w.x     fs11, a0
    fmv.w.x     ft0, zero
    fadd.d      fa3, fa0, fa1
    fadd.d      fa3, fa0, fa1, rtz
    fsub.d      ft1, ft2, ft3, rmm
    fmul.d      ft4, ft5, ft6
    fdiv.d      ft7, fs0, fs1, rdn
    fsqrt.d     fa0, fa1, rup
    fmadd.d     fa2, fa3, fa4, fa5, rne
    fmsub.d     fa6, fa7, fs2, fs3
    fnmsub.d    fs4, fs5, fs6, fs7, rtz
    fnmadd.d    fs8, fs9, fs10, fs11
    fsgnj.d     ft8, ft9, ft10
    fsgnjn.d    ft11, ft0, ft1
    fsgnjx.d    ft2, ft3, ft4
    fmv.d       fa0, fa1
    fneg.d      fa0, fa1
    fabs.d      fa0, fa1
    fmin.d      fa0, fa1, fa2
    fmax.d      fa0, fa1, fa2
    fcvt.s.d    fa0, fa1
    fcvt.s.d    fa0, fa1, rtz
    fcvt.d.s    fa0, fa1
    .insn       0x42058553      /* fcvt.d.s rm=0 */
    .insn       0x4205f553      /* fcvt.d.s rm=DYN: objdump only knows rm=0 */
    feq.d       a0, fa1, fa2
    flt.d       a0, fa1, fa2
    fle.d       a0, fa1, fa2
    fclass.d    a0, fa0
    fcvt.w.d    a0, fa0
    fcvt.w.d    a0, fa0, rup
    fcvt.wu.d   a0, fa0, rtz
    fcvt.d.w    fa0, a0
    fcvt.d.wu   fa0, a0
    .insn       0xd2057553      /* fcvt.d.w rm=DYN: objdump only knows rm=0 */
    frflags     a0
    frflags     zero
    fsflags     a0
    fsflags     a1, a0
    frrm        a0
    fsrm        a0
    fsrm        a1, a0
    frcsr       a0
    fscsr       a0
    fscsr       a1, a0
    fsflagsi    3
    fsflagsi    a0, 31
    fsrmi       2
    fsrmi       a0, 4
    csrs        fflags, a0
    csrwi       fcsr, 1
    csrrsi      a0, frm, 1
#if __riscv_xlen == 64
    fcvt.l.s    a0, fa0
    fcvt.lu.s   a0, fa0, rtz
    fcvt.s.l    fa0, a0, rne
    fcvt.s.lu   fa0, a0
    fcvt.l.d    a0, fa0, rmm
    fcvt.lu.d   a0, fa0
    fcvt.d.l    fa0, a0
    fcvt.d.lu   fa0, a0, rdn
    fmv.x.d     a0, fa0
    fmv.d.x     fa0, a0
#endif

/* illegal encodings */
    .insn   0x12345677      /* an unknown major opcode */

    .option pop
    .option push
    .option rvc

/* C: every compressed row, and the HINTs */
    c.addi4spn  s0, sp, 4
    c.addi4spn  a5, sp, 1020
    c.lw        a0, 0(a1)
    c.lw        s1, 124(a5)
    c.sw        a0, 4(a1)
    c.sw        s1, 124(a5)
    c.nop
    .insn   0x0005          /* c.nop 1: HINT */
    c.addi      a0, 1
    c.addi      sp, -32
    c.addi      a0, 31
    .insn   0x0501          /* c.addi a0,0: HINT */
    c.li        a0, 0
    c.li        a0, -32
    c.li        t6, 31
    .insn   0x4001          /* c.li zero,0: HINT */
    .insn   0x407d          /* c.li zero,31: HINT */
    c.addi16sp  sp, 16
    c.addi16sp  sp, -512
    c.addi16sp  sp, 496
    c.lui       a0, 1
    c.lui       s0, 0xfffe0
    c.lui       t6, 31
    .insn   0x6005          /* c.lui zero,1: HINT */
    c.srli      s0, 1
    c.srai      a5, 7
    .insn   0x8001          /* c.srli64 s0: HINT */
    .insn   0x8401          /* c.srai64 s0: HINT */
    c.andi      a0, -1
    c.andi      s0, 0
    c.sub       a0, a1
    c.xor       s0, s1
    c.or        a4, a5
    c.and       a0, a0
    c.j         fwd
    c.beqz      a0, back
    c.bnez      s1, cfwd
    c.slli      a0, 1
    c.slli      ra, 31
    .insn   0x0006          /* c.slli zero,1: HINT */
    .insn   0x0502          /* c.slli64 a0: HINT */
    c.lwsp      a0, 0(sp)
    c.lwsp      ra, 252(sp)
    c.jr        ra
    c.jr        a0
    c.mv        a0, a1
    c.mv        ra, sp
    .insn   0x802e          /* c.mv zero,a1: HINT */
    c.ebreak
    c.jalr      a0
    c.jalr      ra
    c.add       a0, a1
    c.add       sp, a0
    .insn   0x902e          /* c.add zero,a1: HINT */
    c.swsp      a0, 0(sp)
    c.swsp      ra, 252(sp)
    .insn   0x0000          /* c.unimp */
    .insn   0x8002          /* c.jr zero: reserved */
    .insn   0x4002          /* c.lwsp zero: reserved */
    /* C: floating-point loads and stores */
    c.fld       fs0, 0(a0)
    c.fld       fa5, 248(s1)
    c.fsd       fa0, 8(a1)
    c.fldsp     ft0, 0(sp)
    c.fldsp     fs11, 504(sp)
    c.fsdsp     fa0, 8(sp)
#if __riscv_xlen == 32
    c.flw       fs0, 0(a0)
    c.flw       fa5, 124(s1)
    c.fsw       fa0, 4(a1)
    c.flwsp     ft0, 0(sp)
    c.flwsp     fs11, 252(sp)
    c.fswsp     fa0, 4(sp)
#endif
#if __riscv_xlen == 64
    c.ld        a0, 0(a1)
    c.ld        s1, 248(a5)
    c.sd        a0, 8(a1)
    c.sd        s1, 248(a5)
    c.addiw     a0, 0
    c.addiw     a0, -1
    c.addiw     t6, 31
    c.subw      a0, a1
    c.addw      s0, s1
    c.ldsp      a0, 0(sp)
    c.ldsp      ra, 504(sp)
    c.sdsp      a0, 8(sp)
    c.sdsp      ra, 504(sp)
    c.slli      a0, 63
    c.srli      s0, 32
    c.srai      a5, 63
    .insn   0x2001          /* c.addiw zero: reserved */
#else
    c.jal       back
    c.jal       cfwd
#endif
cfwd:
    .option pop
