/* Instruction semantics, one short body per base instruction, compiled twice: exec32.c and
 * exec64.c define XLEN and include this file (docs/design.md, decision 2: no run-time XLEN tests
 * in hot code). Bodies follow the RISC-V Unprivileged ISA chapters 2 (RV32I), 5 (RV64I),
 * 7 (M) and 8 (A); the privileged ones call into hart.c.
 *
 * A body goes on with the next entry of its block by a tail call (NEXT), so that a block
 * runs as a chain of jumps; it returns (nonzero) when the block ends with h->pc set: jumps
 * and branches that leave it (after following a link into the next block, when they can:
 * exec_chain in hart_internal.h), traps, system instructions. Helpers in hart.c and csr.c
 * still return 0 to go on (CONT); the jump and branch helpers here return the entry to go
 * on with (GO). Registers are stored zero-extended to 64 bits on RV32.
 * Writes to x0 land in the sink register (decode.c).
 */
#ifndef XLEN
#error "define XLEN (32 or 64) before including exec_template.h"
#endif

#include "core/fpu.h"
#include "core/hart_internal.h"

#if XLEN == 32
typedef uint32_t uxlen;
typedef int32_t sxlen;
#define PFX(name)  rv32_##name
#define SHAMT_MASK 31u
#else
typedef uint64_t uxlen;
typedef int64_t sxlen;
#define PFX(name)  rv64_##name
#define SHAMT_MASK 63u
#endif

#define RS1      ((uxlen)h->x[i->rs1])
#define RS2      ((uxlen)h->x[i->rs2])
#define SRS1     ((sxlen)h->x[i->rs1])
#define SRS2     ((sxlen)h->x[i->rs2])
#define IMM      ((uxlen)i->imm)
#define WRD(v)   (h->x[i->rd] = (uint64_t)(uxlen)(v))
/* Sign-extend a 32-bit result to XLEN (the *W instructions). */
#define WRD32(v) WRD((sxlen)(int32_t)(uint32_t)(v))

#define BODY(name) static int PFX(sem_##name)(struct hart * h, const struct insn *i)

/* Go on with the next entry of the block: a tail call, which the compiler turns into a
 * jump, so that a block runs as a chain of jumps without returning to a loop (threaded
 * dispatch). MUSTTAIL (core/hart_internal.h) makes it a jump at every optimisation level
 * where the compiler has it; elsewhere an -O0 build nests one frame per instruction, which
 * a block's bounded length and CHAIN_MAX_CYCLES keep small. Every call from a body to a
 * body is one of these. */
#define NEXT     MUSTTAIL return i[1].fn(h, i + 1)
/* Go on with the entry a helper chose, or end the block when it chose none (NULL). The
 * helpers of jumps and branches return their choice instead of making the call: a
 * guaranteed tail call (MUSTTAIL, core/hart_internal.h) needs a caller with the body's own
 * signature, and once inlined the choice costs nothing. */
#define GO(next) EXEC_GO(h, next)
/* An instruction that never traps nor ends its block: its semantics in op_NAME (which
 * fused pairs use too, see below), its body runs that and goes on. */
#define OP(name)                                                                                   \
    ALWAYS_INLINE void PFX(op_##name)(struct hart * h, const struct insn *i);                      \
    BODY(name)                                                                                     \
    {                                                                                              \
        PFX(op_##name)(h, i);                                                                      \
        NEXT;                                                                                      \
    }                                                                                              \
    ALWAYS_INLINE bool PFX(try_##name)(struct hart * h, const struct insn *i)                      \
    {                                                                                              \
        PFX(op_##name)(h, i);                                                                      \
        return true;                                                                               \
    }                                                                                              \
    ALWAYS_INLINE void PFX(op_##name)(struct hart * h, const struct insn *i)
/* Go on unless `status`, a helper's result, says the block ends here. */
#define CONT(status)                                                                               \
    do {                                                                                           \
        if (status)                                                                                \
            return 1;                                                                              \
        NEXT;                                                                                      \
    } while (0)

/* IALIGN is 16 bits with C and 32 without: a jump or taken branch to a target that is not
 * IALIGN-aligned raises instruction-address-misaligned on the jump itself, with the target
 * in mtval (Unprivileged ISA 2.5). */
static inline bool PFX(misaligned_target)(const struct hart *h, uxlen target)
{
    return target & h->ialign_mask;
}

/* RV32I / RV64I */
OP(lui)
{
    WRD(IMM);
}
OP(auipc)
{
    WRD(i->pc + IMM);
}
/* jal and the conditional branches have a fixed target: the decoder gives the few whose
 * target is misaligned (possible only without C) the `check` form of the body, which is
 * not fused (core/hart.c, fill_insn). */
ALWAYS_INLINE const struct insn *PFX(jal)(struct hart *h, const struct insn *i, bool check,
                                          bool timed)
{
    uxlen target = (uxlen)(i->pc + IMM);
    if (check && PFX(misaligned_target)(h, target)) {
        exec_trap(h, i, EXC_INSN_MISALIGNED, target);
        return NULL;
    }
    if (timed)
        hart_timing_jump(h, i, target);
    WRD(i->pc + i->len);
    /* The next entry is the target's first instruction, when the superblock goes on there,
     * or the fall-through entry to the target (core/hart.c, build_block): as at a
     * conditional branch, going on needs a block boundary with nothing to check. */
    if (likely(h->cycles - i->after_cost < h->fast_until))
        return i + 1;
    exec_leave_after(h, i);
    h->pc = target;
    return NULL;
}
BODY(jal)
{
    GO(PFX(jal)(h, i, false, false));
}
static int PFX(check_jal)(struct hart *h, const struct insn *i)
{
    GO(PFX(jal)(h, i, true, false));
}
/* The `timed` bodies apply the core timing's run-time effects (core/cost.h): the decoder
 * gives them to a hart whose timing has such effects (h->dyn), so that the others' bodies
 * do not even test for them (PFX(timed_fn) below). */
static int PFX(timed_jal)(struct hart *h, const struct insn *i)
{
    GO(PFX(jal)(h, i, true, true));
}
ALWAYS_INLINE const struct insn *PFX(jalr)(struct hart *h, const struct insn *i, bool timed)
{
    uxlen target = (uxlen)(RS1 + IMM) & ~(uxlen)1;
    uxlen link = (uxlen)(i->pc + i->len);
    if (unlikely(PFX(misaligned_target)(h, target))) {
        exec_trap(h, i, EXC_INSN_MISALIGNED, target);
        return NULL;
    }
    if (timed)
        hart_timing_jump(h, i, target);
    h->pc = target;
    WRD(link);
    return exec_chain_indirect(h, i);
}
BODY(jalr)
{
    GO(PFX(jalr)(h, i, false));
}
static int PFX(timed_jalr)(struct hart *h, const struct insn *i)
{
    GO(PFX(jalr)(h, i, true));
}
/* A conditional branch. Blocks end at one, but a superblock (core/hart.c, build_block)
 * goes on after it into the next block, whose instructions were counted when the
 * superblock started; a branch that ends its superblock is followed by the fall-through
 * entry. Not taken, the branch goes on unless what is a block boundary here needs the run
 * loop's checks (h->fast_until); taken, it gives back what it skips and follows its link. */
ALWAYS_INLINE const struct insn *PFX(branch)(struct hart *h, const struct insn *i, bool taken,
                                             bool check, bool timed)
{
    if (!taken) {
        if (timed)
            h->cycles += (uint64_t)hart_timing_branch(h, i, false, 0);
        if (likely(h->cycles - i->after_cost < h->fast_until))
            return i + 1;
        exec_leave_after(h, i);
        return NULL;
    }
    uxlen target = (uxlen)(i->pc + IMM);
    if (check && PFX(misaligned_target)(h, target)) {
        exec_trap(h, i, EXC_INSN_MISALIGNED, target);
        return NULL;
    }
    h->pc = target;
    int64_t extra = timed ? hart_timing_branch(h, i, true, target) : h->taken_extra;
    return exec_chain_adjust(h, i, extra - (int64_t)i->after_cost, i->after_n);
}

#define BRANCH_BODY(name, cond)                                                                    \
    BODY(name)                                                                                     \
    {                                                                                              \
        GO(PFX(branch)(h, i, cond, false, false));                                                 \
    }                                                                                              \
    static int PFX(check_##name)(struct hart * h, const struct insn *i)                            \
    {                                                                                              \
        GO(PFX(branch)(h, i, cond, true, false));                                                  \
    }                                                                                              \
    static int PFX(timed_##name)(struct hart * h, const struct insn *i)                            \
    {                                                                                              \
        GO(PFX(branch)(h, i, cond, true, true));                                                   \
    }
BRANCH_BODY(beq, RS1 == RS2)
BRANCH_BODY(bne, RS1 != RS2)
BRANCH_BODY(blt, SRS1 < SRS2)
BRANCH_BODY(bge, SRS1 >= SRS2)
BRANCH_BODY(bltu, RS1 < RS2)
BRANCH_BODY(bgeu, RS1 >= RS2)

/* The `check` body of a row with a fixed jump target, NULL for other rows. */
insn_fn PFX(check_fn)(unsigned sem)
{
    switch (sem) {
    case INSN_jal: return PFX(check_jal);
    case INSN_beq: return PFX(check_beq);
    case INSN_bne: return PFX(check_bne);
    case INSN_blt: return PFX(check_blt);
    case INSN_bge: return PFX(check_bge);
    case INSN_bltu: return PFX(check_bltu);
    case INSN_bgeu: return PFX(check_bgeu);
    default: return NULL;
    }
}

/* Loads and stores: the translation-cache hit inline, everything else in a separate body
 * (so the fast one needs no stack frame and ends in a jump like the others). */
#define LOAD_BODY(name, size, type)                                                                \
    static __attribute__((noinline)) int PFX(slow_##name)(struct hart * h, const struct insn *i)   \
    {                                                                                              \
        if (hart_load_slow(h, i, (uxlen)(RS1 + IMM), size, &h->load_tmp))                          \
            return 1;                                                                              \
        WRD((sxlen)(type)h->load_tmp);                                                             \
        NEXT;                                                                                      \
    }                                                                                              \
    ALWAYS_INLINE bool PFX(try_##name)(struct hart * h, const struct insn *i)                      \
    {                                                                                              \
        uint64_t v;                                                                                \
        if (!mem_load_fast(h, (uxlen)(RS1 + IMM), size, &v))                                       \
            return false;                                                                          \
        WRD((sxlen)(type)v);                                                                       \
        return true;                                                                               \
    }                                                                                              \
    BODY(name)                                                                                     \
    {                                                                                              \
        if (likely(PFX(try_##name)(h, i)))                                                         \
            NEXT;                                                                                  \
        MUSTTAIL return PFX(slow_##name)(h, i);                                                    \
    }
LOAD_BODY(lb, 1, int8_t)
LOAD_BODY(lh, 2, int16_t)
LOAD_BODY(lw, 4, int32_t)
LOAD_BODY(ld, 8, int64_t)
LOAD_BODY(lbu, 1, uint8_t)
LOAD_BODY(lhu, 2, uint16_t)
LOAD_BODY(lwu, 4, uint32_t)

#define STORE_BODY(name, size)                                                                     \
    static __attribute__((noinline)) int PFX(slow_##name)(struct hart * h, const struct insn *i)   \
    {                                                                                              \
        CONT(hart_store_slow(h, i, (uxlen)(RS1 + IMM), size, RS2));                                \
    }                                                                                              \
    ALWAYS_INLINE bool PFX(try_##name)(struct hart * h, const struct insn *i)                      \
    {                                                                                              \
        return mem_store_fast(h, (uxlen)(RS1 + IMM), size, RS2);                                   \
    }                                                                                              \
    BODY(name)                                                                                     \
    {                                                                                              \
        if (likely(PFX(try_##name)(h, i)))                                                         \
            NEXT;                                                                                  \
        MUSTTAIL return PFX(slow_##name)(h, i);                                                    \
    }
STORE_BODY(sb, 1)
STORE_BODY(sh, 2)
STORE_BODY(sw, 4)
STORE_BODY(sd, 8)

OP(addi)
{
    WRD(RS1 + IMM);
}
OP(slti)
{
    WRD(SRS1 < (sxlen)IMM);
}
OP(sltiu)
{
    WRD(RS1 < IMM);
}
OP(xori)
{
    WRD(RS1 ^ IMM);
}
OP(ori)
{
    WRD(RS1 | IMM);
}
OP(andi)
{
    WRD(RS1 & IMM);
}
OP(slli)
{
    WRD(RS1 << (IMM & SHAMT_MASK));
}
OP(srli)
{
    WRD(RS1 >> (IMM & SHAMT_MASK));
}
OP(srai)
{
    WRD(SRS1 >> (IMM & SHAMT_MASK));
}
OP(add)
{
    WRD(RS1 + RS2);
}
OP(sub)
{
    WRD(RS1 - RS2);
}
OP(sll)
{
    WRD(RS1 << (RS2 & SHAMT_MASK));
}
OP(slt)
{
    WRD(SRS1 < SRS2);
}
OP(sltu)
{
    WRD(RS1 < RS2);
}
OP(xor)
{
    WRD(RS1 ^ RS2);
}
OP(srl)
{
    WRD(RS1 >> (RS2 & SHAMT_MASK));
}
OP(sra)
{
    WRD(SRS1 >> (RS2 & SHAMT_MASK));
}
OP(or)
{
    WRD(RS1 | RS2);
}
OP(and)
{
    WRD(RS1 & RS2);
}

/* RV64I word instructions (never decoded on RV32; compiled there for table symmetry). */
OP(addiw)
{
    WRD32((uint32_t)RS1 + (uint32_t)IMM);
}
OP(slliw)
{
    WRD32((uint32_t)RS1 << (IMM & 31));
}
OP(srliw)
{
    WRD32((uint32_t)RS1 >> (IMM & 31));
}
OP(sraiw)
{
    WRD32((int32_t)RS1 >> (IMM & 31));
}
OP(addw)
{
    WRD32((uint32_t)RS1 + (uint32_t)RS2);
}
OP(subw)
{
    WRD32((uint32_t)RS1 - (uint32_t)RS2);
}
BODY(sllw)
{
    WRD32((uint32_t)RS1 << (RS2 & 31));
    NEXT;
}
BODY(srlw)
{
    WRD32((uint32_t)RS1 >> (RS2 & 31));
    NEXT;
}
BODY(sraw)
{
    WRD32((int32_t)RS1 >> (RS2 & 31));
    NEXT;
}

/* fence orders memory for other observers; one hart's accesses here are already performed
 * in order and devices see them as they happen, so it has nothing to do. */
BODY(fence)
{
    NEXT;
}
BODY(fence_i)
{
    return hart_exec_fence_i(h, i);
}
BODY(ecall)
{
    return exec_trap(h, i, EXC_ECALL_U + h->priv, 0);
}
BODY(ebreak)
{
    return hart_exec_ebreak(h, i);
}
BODY(mret)
{
    return hart_exec_mret(h, i);
}
BODY(wfi)
{
    return hart_exec_wfi(h, i);
}
BODY(sret)
{
    return hart_exec_sret(h, i);
}
BODY(sfence_vma)
{
    return hart_exec_sfence_vma(h, i);
}

BODY(csrrw)
{
    return csr_exec(h, i, INSN_csrrw);
}
BODY(csrrs)
{
    return csr_exec(h, i, INSN_csrrs);
}
BODY(csrrc)
{
    return csr_exec(h, i, INSN_csrrc);
}
BODY(csrrwi)
{
    return csr_exec(h, i, INSN_csrrwi);
}
BODY(csrrsi)
{
    return csr_exec(h, i, INSN_csrrsi);
}
BODY(csrrci)
{
    return csr_exec(h, i, INSN_csrrci);
}

/* M: the high halves of products, and division as chapter 7.2 defines it for zero
 * divisors and signed overflow (no traps). */
#if XLEN == 32
static inline uint32_t PFX(mulhu_x)(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
}
static inline uint32_t PFX(mulh_x)(int32_t a, int32_t b)
{
    return (uint32_t)(((int64_t)a * b) >> 32);
}
static inline uint32_t PFX(mulhsu_x)(int32_t a, uint32_t b)
{
    return (uint32_t)(((int64_t)a * (int64_t)(uint64_t)b) >> 32);
}
#else
static inline uint64_t PFX(mulhu_x)(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static inline uint64_t PFX(mulh_x)(int64_t a, int64_t b)
{
    return (uint64_t)(((__int128)a * b) >> 64);
}
static inline uint64_t PFX(mulhsu_x)(int64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)a * (__int128)(unsigned __int128)b) >> 64);
}
#endif
#define SXLEN_MIN ((sxlen)((uxlen)1 << (XLEN - 1)))

OP(mul)
{
    WRD(RS1 * RS2);
}
BODY(mulh)
{
    WRD(PFX(mulh_x)(SRS1, SRS2));
    NEXT;
}
BODY(mulhsu)
{
    WRD(PFX(mulhsu_x)(SRS1, RS2));
    NEXT;
}
BODY(mulhu)
{
    WRD(PFX(mulhu_x)(RS1, RS2));
    NEXT;
}
/* Divisions: a plain body and a `timed` one that adds the operand-dependent cycles of
 * the hart's core (core/cost.h; see timed_jal). */
#define TIMED_BODY(name)                                                                           \
    ALWAYS_INLINE void PFX(do_##name)(struct hart * h, const struct insn *i, bool timed);          \
    BODY(name)                                                                                     \
    {                                                                                              \
        PFX(do_##name)(h, i, false);                                                               \
        NEXT;                                                                                      \
    }                                                                                              \
    static int PFX(timed_##name)(struct hart * h, const struct insn *i)                            \
    {                                                                                              \
        PFX(do_##name)(h, i, true);                                                                \
        NEXT;                                                                                      \
    }                                                                                              \
    ALWAYS_INLINE void PFX(do_##name)(struct hart * h, const struct insn *i, bool timed)
#define DIV_TIMING(a, b, is_signed, bits)                                                          \
    do {                                                                                           \
        if (timed)                                                                                 \
            hart_timing_div(h, (uint64_t)(a), (uint64_t)(b), is_signed, bits);                     \
    } while (0)
TIMED_BODY(div)
{
    sxlen a = SRS1, b = SRS2;
    DIV_TIMING(a, b, true, XLEN);
    WRD(b == 0 ? (uxlen)-1 : (a == SXLEN_MIN && b == -1) ? (uxlen)a : (uxlen)(a / b));
}
TIMED_BODY(divu)
{
    DIV_TIMING(RS1, RS2, false, XLEN);
    WRD(RS2 == 0 ? (uxlen)-1 : RS1 / RS2);
}
TIMED_BODY(rem)
{
    sxlen a = SRS1, b = SRS2;
    DIV_TIMING(a, b, true, XLEN);
    WRD(b == 0 ? (uxlen)a : (a == SXLEN_MIN && b == -1) ? 0 : (uxlen)(a % b));
}
TIMED_BODY(remu)
{
    DIV_TIMING(RS1, RS2, false, XLEN);
    WRD(RS2 == 0 ? RS1 : RS1 % RS2);
}
OP(mulw)
{
    WRD32((uint32_t)RS1 * (uint32_t)RS2);
}
TIMED_BODY(divw)
{
    int32_t a = (int32_t)RS1, b = (int32_t)RS2;
    DIV_TIMING((uint32_t)a, (uint32_t)b, true, 32);
    WRD32(b == 0 ? -1 : (a == INT32_MIN && b == -1) ? a : a / b);
}
TIMED_BODY(divuw)
{
    uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
    DIV_TIMING(a, b, false, 32);
    WRD32(b == 0 ? UINT32_MAX : a / b);
}
TIMED_BODY(remw)
{
    int32_t a = (int32_t)RS1, b = (int32_t)RS2;
    DIV_TIMING((uint32_t)a, (uint32_t)b, true, 32);
    WRD32(b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 : a % b);
}
TIMED_BODY(remuw)
{
    uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
    DIV_TIMING(a, b, false, 32);
    WRD32(b == 0 ? a : a % b);
}

/* The `timed` body of a row, for harts whose timing has run-time effects; NULL for rows
 * without one. */
insn_fn PFX(timed_fn)(unsigned sem)
{
    switch (sem) {
    case INSN_jal: return PFX(timed_jal);
    case INSN_jalr: return PFX(timed_jalr);
    case INSN_beq: return PFX(timed_beq);
    case INSN_bne: return PFX(timed_bne);
    case INSN_blt: return PFX(timed_blt);
    case INSN_bge: return PFX(timed_bge);
    case INSN_bltu: return PFX(timed_bltu);
    case INSN_bgeu: return PFX(timed_bgeu);
    case INSN_div: return PFX(timed_div);
    case INSN_divu: return PFX(timed_divu);
    case INSN_rem: return PFX(timed_rem);
    case INSN_remu: return PFX(timed_remu);
    case INSN_divw: return PFX(timed_divw);
    case INSN_divuw: return PFX(timed_divuw);
    case INSN_remw: return PFX(timed_remw);
    case INSN_remuw: return PFX(timed_remuw);
    default: return NULL;
    }
}

/* A: the address is rs1; hart.c does the access, the reservation and the arithmetic. */
BODY(lr_w)
{
    CONT(hart_lr(h, i, RS1, 4));
}
BODY(lr_d)
{
    CONT(hart_lr(h, i, RS1, 8));
}
BODY(sc_w)
{
    CONT(hart_sc(h, i, RS1, 4));
}
BODY(sc_d)
{
    CONT(hart_sc(h, i, RS1, 8));
}
#define AMO_BODY(name, size)                                                                       \
    BODY(name)                                                                                     \
    {                                                                                              \
        CONT(hart_amo(h, i, RS1, size, INSN_##name));                                              \
    }
AMO_BODY(amoswap_w, 4)
AMO_BODY(amoadd_w, 4)
AMO_BODY(amoxor_w, 4)
AMO_BODY(amoand_w, 4)
AMO_BODY(amoor_w, 4)
AMO_BODY(amomin_w, 4)
AMO_BODY(amomax_w, 4)
AMO_BODY(amominu_w, 4)
AMO_BODY(amomaxu_w, 4)
AMO_BODY(amoswap_d, 8)
AMO_BODY(amoadd_d, 8)
AMO_BODY(amoxor_d, 8)
AMO_BODY(amoand_d, 8)
AMO_BODY(amoor_d, 8)
AMO_BODY(amomin_d, 8)
AMO_BODY(amomax_d, 8)
AMO_BODY(amominu_d, 8)
AMO_BODY(amomaxu_d, 8)

/* F and D (chapters 11 and 12): operand plumbing here, arithmetic in fpu.c. Every FP
 * instruction is illegal while mstatus.FS is Off; one that writes FP state (an f register
 * or fflags) makes FS Dirty. A DYN rounding mode takes frm, and frm values 5..7 make the
 * instruction illegal (11.2). Singles are read through the NaN-box check, except by the
 * transfers (flw, fsw, fmv), which move bits unmodified (12.2). */
#define FP_ENABLED()                                                                               \
    if (unlikely(!(h->mstatus & MSTATUS_FS)))                                                      \
    return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw)
#define FP_RM(rm)                                                                                  \
    FP_ENABLED();                                                                                  \
    unsigned rm = (unsigned)i->imm & 7;                                                            \
    if (rm == FPU_DYN)                                                                             \
        rm = h->frm;                                                                               \
    if (unlikely(rm > FPU_RMM))                                                                    \
    return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw)
#define FS1    fpu_unbox_s(h->f[i->rs1])
#define FS2    fpu_unbox_s(h->f[i->rs2])
#define FS3    fpu_unbox_s(h->f[(unsigned)i->imm >> 3])
#define FD1    (h->f[i->rs1])
#define FD2    (h->f[i->rs2])
#define FD3    (h->f[(unsigned)i->imm >> 3])
#define WFS(v) (h->f[i->rd] = fpu_box_s(v), h->mstatus |= MSTATUS_FS)
#define WFD(v) (h->f[i->rd] = (v), h->mstatus |= MSTATUS_FS)

static inline void PFX(fp_flags)(struct hart *h, unsigned fl)
{
    if (fl) {
        h->fflags |= fl;
        h->mstatus |= MSTATUS_FS;
    }
}

BODY(flw)
{
    FP_ENABLED();
    uint64_t v;
    if (mem_load(h, i, (uxlen)(RS1 + IMM), 4, &v))
        return 1;
    WFS((uint32_t)v);
    NEXT;
}
BODY(fld)
{
    FP_ENABLED();
    uint64_t v;
    if (mem_load(h, i, (uxlen)(RS1 + IMM), 8, &v))
        return 1;
    WFD(v);
    NEXT;
}
BODY(fsw)
{
    FP_ENABLED();
    CONT(mem_store(h, i, (uxlen)(RS1 + IMM), 4, (uint32_t)h->f[i->rs2]));
}
BODY(fsd)
{
    FP_ENABLED();
    CONT(mem_store(h, i, (uxlen)(RS1 + IMM), 8, h->f[i->rs2]));
}

/* Two-operand arithmetic with a rounding mode: fadd.s ... fdiv.d. */
/* These write an f register (FS becomes Dirty anyway): they pass fflags' NX to the
 * arithmetic, which may then take the host's fast path (core/fpu.c, f64_add). */
#define FP_OP2(name, W, A, B, fn)                                                                  \
    BODY(name)                                                                                     \
    {                                                                                              \
        FP_RM(rm);                                                                                 \
        unsigned fl = h->fflags & FPU_NX;                                                          \
        W(fn(A, B, rm, &fl));                                                                      \
        PFX(fp_flags)(h, fl);                                                                      \
        NEXT;                                                                                      \
    }
FP_OP2(fadd_s, WFS, FS1, FS2, f32_add)
FP_OP2(fsub_s, WFS, FS1, FS2, f32_sub)
FP_OP2(fmul_s, WFS, FS1, FS2, f32_mul)
FP_OP2(fdiv_s, WFS, FS1, FS2, f32_div)
FP_OP2(fadd_d, WFD, FD1, FD2, f64_add)
FP_OP2(fsub_d, WFD, FD1, FD2, f64_sub)
FP_OP2(fmul_d, WFD, FD1, FD2, f64_mul)
FP_OP2(fdiv_d, WFD, FD1, FD2, f64_div)

/* One operand with a rounding mode: sqrt, the conversions. */
#define FP_OP1(name, W, A, fn)                                                                     \
    BODY(name)                                                                                     \
    {                                                                                              \
        FP_RM(rm);                                                                                 \
        unsigned fl = 0;                                                                           \
        W(fn(A, rm, &fl));                                                                         \
        PFX(fp_flags)(h, fl);                                                                      \
        NEXT;                                                                                      \
    }
FP_OP1(fsqrt_s, WFS, FS1, f32_sqrt)
BODY(fsqrt_d)
{
    FP_RM(rm);
    unsigned fl = h->fflags & FPU_NX; /* (as FP_OP2) */
    WFD(f64_sqrt(FD1, rm, &fl));
    PFX(fp_flags)(h, fl);
    NEXT;
}
FP_OP1(fcvt_s_d, WFS, FD1, f64_to_f32)
FP_OP1(fcvt_w_s, WRD, FS1, f32_to_i32)
FP_OP1(fcvt_wu_s, WRD, FS1, f32_to_u32)
FP_OP1(fcvt_l_s, WRD, FS1, f32_to_i64)
FP_OP1(fcvt_lu_s, WRD, FS1, f32_to_u64)
FP_OP1(fcvt_w_d, WRD, FD1, f64_to_i32)
FP_OP1(fcvt_wu_d, WRD, FD1, f64_to_u32)
FP_OP1(fcvt_l_d, WRD, FD1, f64_to_i64)
FP_OP1(fcvt_lu_d, WRD, FD1, f64_to_u64)
FP_OP1(fcvt_s_w, WFS, (int32_t)RS1, i64_to_f32)
FP_OP1(fcvt_s_wu, WFS, (uint32_t)RS1, u64_to_f32)
FP_OP1(fcvt_s_l, WFS, (int64_t)RS1, i64_to_f32)
FP_OP1(fcvt_s_lu, WFS, (uint64_t)RS1, u64_to_f32)
FP_OP1(fcvt_d_w, WFD, (int32_t)RS1, i64_to_f64)
FP_OP1(fcvt_d_wu, WFD, (uint32_t)RS1, u64_to_f64)
FP_OP1(fcvt_d_l, WFD, (int64_t)RS1, i64_to_f64)
FP_OP1(fcvt_d_lu, WFD, (uint64_t)RS1, u64_to_f64)
BODY(fcvt_d_s)
{
    FP_RM(rm);
    (void)rm; /* exact: the rounding mode is only checked */
    unsigned fl = 0;
    WFD(f32_to_f64(FS1, &fl));
    PFX(fp_flags)(h, fl);
    NEXT;
}

/* Fused multiply-add: one rounding of +-(rs1 x rs2) +- rs3. */
#define FP_FMA(name, W, A, B, C, fn, neg)                                                          \
    BODY(name)                                                                                     \
    {                                                                                              \
        FP_RM(rm);                                                                                 \
        unsigned fl = h->fflags & FPU_NX;                                                          \
        W(fn(A, B, C, neg, rm, &fl));                                                              \
        PFX(fp_flags)(h, fl);                                                                      \
        NEXT;                                                                                      \
    }
FP_FMA(fmadd_s, WFS, FS1, FS2, FS3, f32_fma, 0)
FP_FMA(fmsub_s, WFS, FS1, FS2, FS3, f32_fma, FPU_NEG_C)
FP_FMA(fnmsub_s, WFS, FS1, FS2, FS3, f32_fma, FPU_NEG_PROD)
FP_FMA(fnmadd_s, WFS, FS1, FS2, FS3, f32_fma, FPU_NEG_PROD | FPU_NEG_C)
FP_FMA(fmadd_d, WFD, FD1, FD2, FD3, f64_fma, 0)
FP_FMA(fmsub_d, WFD, FD1, FD2, FD3, f64_fma, FPU_NEG_C)
FP_FMA(fnmsub_d, WFD, FD1, FD2, FD3, f64_fma, FPU_NEG_PROD)
FP_FMA(fnmadd_d, WFD, FD1, FD2, FD3, f64_fma, FPU_NEG_PROD | FPU_NEG_C)

/* Sign injection: bit operations, no flags, no rounding. */
#define FP_SGNJ(name, W, A, B, T, signbit, expr)                                                   \
    BODY(name)                                                                                     \
    {                                                                                              \
        FP_ENABLED();                                                                              \
        T a = A, b = B, sb = signbit;                                                              \
        W((a & ~sb) | ((expr)&sb));                                                                \
        NEXT;                                                                                      \
    }
FP_SGNJ(fsgnj_s, WFS, FS1, FS2, uint32_t, 0x80000000u, b)
FP_SGNJ(fsgnjn_s, WFS, FS1, FS2, uint32_t, 0x80000000u, ~b)
FP_SGNJ(fsgnjx_s, WFS, FS1, FS2, uint32_t, 0x80000000u, a ^ b)
FP_SGNJ(fsgnj_d, WFD, FD1, FD2, uint64_t, 1ull << 63, b)
FP_SGNJ(fsgnjn_d, WFD, FD1, FD2, uint64_t, 1ull << 63, ~b)
FP_SGNJ(fsgnjx_d, WFD, FD1, FD2, uint64_t, 1ull << 63, a ^ b)

/* Two operands, no rounding mode: min/max into f, compares into x. */
#define FP_NORM2(name, W, A, B, fn)                                                                \
    BODY(name)                                                                                     \
    {                                                                                              \
        FP_ENABLED();                                                                              \
        unsigned fl = 0;                                                                           \
        W(fn(A, B, &fl));                                                                          \
        PFX(fp_flags)(h, fl);                                                                      \
        NEXT;                                                                                      \
    }
FP_NORM2(fmin_s, WFS, FS1, FS2, f32_min)
FP_NORM2(fmax_s, WFS, FS1, FS2, f32_max)
FP_NORM2(fmin_d, WFD, FD1, FD2, f64_min)
FP_NORM2(fmax_d, WFD, FD1, FD2, f64_max)
FP_NORM2(feq_s, WRD, FS1, FS2, f32_eq)
FP_NORM2(flt_s, WRD, FS1, FS2, f32_lt)
FP_NORM2(fle_s, WRD, FS1, FS2, f32_le)
FP_NORM2(feq_d, WRD, FD1, FD2, f64_eq)
FP_NORM2(flt_d, WRD, FD1, FD2, f64_lt)
FP_NORM2(fle_d, WRD, FD1, FD2, f64_le)

BODY(fclass_s)
{
    FP_ENABLED();
    WRD(f32_classify(FS1));
    NEXT;
}
BODY(fclass_d)
{
    FP_ENABLED();
    WRD(f64_classify(FD1));
    NEXT;
}
BODY(fmv_x_w)
{
    FP_ENABLED();
    WRD((sxlen)(int32_t)(uint32_t)h->f[i->rs1]);
    NEXT;
}
BODY(fmv_w_x)
{
    FP_ENABLED();
    WFS((uint32_t)RS1);
    NEXT;
}
BODY(fmv_x_d)
{
    FP_ENABLED();
    WRD(h->f[i->rs1]);
    NEXT;
}
BODY(fmv_d_x)
{
    FP_ENABLED();
    WFD((uint64_t)RS1);
    NEXT;
}

/* Fused pairs. A block entry whose instruction and the next form one of the pairs of
 * core/fusion.def runs both: the first through its try_ form (the same semantics as its body;
 * false when a load or store needs its slow path, which then runs the usual way, unfused),
 * the second by a direct call of its body with its own entry, so traps, counts and the rest
 * of the block are exactly as unfused. One dispatch instead of two; the pairs are chosen by
 * build_block (core/hart.c). */

/* Each row's flags, to check fusion.def's kinds against the instruction table. */
enum {
#define INSN(id, name, match, mask, fmt, ext, xlen, cost, flags, sem) PFX(flags_##id) = (flags),
#include "core/insns.def"
#undef INSN
};

/* FUSE: a second that never ends the block runs inline too (its fast path; the usual body
 * when that misses). FUSE_JUMP: the second is a jump or branch, called with its own entry. */
#define FUSE(a, b)                                                                                 \
    _Static_assert(!(PFX(flags_##b) & END), "fusion.def: " #b " ends a block: FUSE_JUMP");         \
    static int PFX(fuse_##a##__##b)(struct hart * h, const struct insn *i)                         \
    {                                                                                              \
        if (unlikely(!PFX(try_##a)(h, i)))                                                         \
            MUSTTAIL return PFX(sem_##a)(h, i);                                                    \
        if (unlikely(!PFX(try_##b)(h, i + 1)))                                                     \
            MUSTTAIL return PFX(sem_##b)(h, i + 1);                                                \
        MUSTTAIL return i[2].fn(h, i + 2);                                                         \
    }
#define FUSE_JUMP(a, b)                                                                            \
    _Static_assert(PFX(flags_##b) & END, "fusion.def: " #b " does not end a block: FUSE");         \
    static int PFX(fuse_##a##__##b)(struct hart * h, const struct insn *i)                         \
    {                                                                                              \
        if (unlikely(!PFX(try_##a)(h, i)))                                                         \
            MUSTTAIL return PFX(sem_##a)(h, i);                                                    \
        MUSTTAIL return PFX(sem_##b)(h, i + 1);                                                    \
    }
#include "core/fusion.def"
#undef FUSE
#undef FUSE_JUMP

#define FUSE_KEY(first, second) ((first) * (unsigned)INSN_COUNT + (second))
insn_fn PFX(fuse_fn)(unsigned first_sem, unsigned second_sem)
{
    switch (FUSE_KEY(first_sem, second_sem)) {
#define FUSE(a, b)                                                                                 \
    case FUSE_KEY(INSN_##a, INSN_##b):                                                             \
        return PFX(fuse_##a##__##b);
#define FUSE_JUMP(a, b) FUSE(a, b)
#include "core/fusion.def"
#undef FUSE
#undef FUSE_JUMP
    default: return NULL;
    }
}
#undef FUSE_KEY

int PFX(exec_illegal)(struct hart *h, const struct insn *i)
{
    return exec_trap(h, i, EXC_ILLEGAL_INSN, i->raw);
}

/* The dispatch table: every row runs the body its `sem` column names. */
const insn_fn PFX(dispatch)[INSN_COUNT] = {
#define INSN(id, name, match, mask, fmt, ext, xlen, cost, flags, sem) [INSN_##id] = PFX(sem_##sem),
#include "core/insns.def"
#undef INSN
};
