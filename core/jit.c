/* The translation tier (core/jit.h): a hand-written x86-64 code generator for decoded
 * blocks. It implements, instruction by instruction, what the bodies of
 * core/exec_template.h do (RISC-V Unprivileged ISA chapters 2, 5 and 7 for the instructions
 * it generates itself), and calls those bodies for every other instruction, so a translated
 * block computes exactly what the interpreter computes: the same registers, memory, counts,
 * traps, block boundaries and links. The encodings are those of the Intel 64 and IA-32
 * Architectures Software Developer's Manual, volume 2; calls follow the System V AMD64 ABI.
 *
 * Host registers inside translated code:
 *   rbx       the hart (struct hart *)
 *   r15, r14  the hart's `cycles` and `retired` (stored back before any call and at exits)
 *   rax, rcx, rdx  scratch
 *   rbp, r12, r13, rsi, rdi, r8-r11  guest registers: loaded at first use in a block, written
 *             back (when changed) before a call into C and at every exit
 * A block's code is entered from C through its first entry (`insns[0].fn`: saves the
 * callee-saved registers, loads rbx/r15/r14) and from other translated blocks at `b->jit`,
 * with the registers already set up. Exits follow the block's links (the same fields and
 * tag checks as exec_chain in core/hart_internal.h) into translated code, or into the
 * interpreter with a tail call, or return to hart_run.
 */
#include "core/jit.h"

#include <stdlib.h>
#include <string.h>

#include "core/hart_internal.h"

#if defined(__x86_64__) && defined(__linux__)

#include <stddef.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ---- x86-64 encoding ---- */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };
enum cc {
    CC_O,
    CC_NO,
    CC_B,
    CC_AE,
    CC_E,
    CC_NE,
    CC_BE,
    CC_A,
    CC_S,
    CC_NS,
    CC_P,
    CC_NP,
    CC_L,
    CC_GE,
    CC_LE,
    CC_G
};
/* Group-1 ALU operations: the /digit of 0x81/0x83 and (times 8, plus 1) the r/m,reg opcode. */
enum alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
/* Group-2 shifts: the /digit of 0xc1/0xd3. */
enum shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

#define HREG_H   RBX
#define HREG_CYC R15
#define HREG_RET R14

struct asmb {
    uint8_t *p, *end;
    bool over;
};

static void put1(struct asmb *a, unsigned v)
{
    if (a->p < a->end)
        *a->p++ = (uint8_t)v;
    else
        a->over = true;
}

static void put4(struct asmb *a, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        put1(a, (v >> (8 * k)) & 0xff);
}

static void put8(struct asmb *a, uint64_t v)
{
    put4(a, (uint32_t)v);
    put4(a, (uint32_t)(v >> 32));
}

/* REX prefix; `force` for byte registers spl..dil. */
static void rex(struct asmb *a, bool w, int r, int x, int b, bool force)
{
    unsigned v = 0x40 | (w ? 8 : 0) | ((r >> 3) & 1) << 2 | ((x >> 3) & 1) << 1 | ((b >> 3) & 1);
    if (v != 0x40 || force)
        put1(a, v);
}

static void modrm_rr(struct asmb *a, int reg, int rm)
{
    put1(a, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* [base + index*2^scale + disp], index -1 for none (never rsp). */
static void modrm_mem(struct asmb *a, int reg, int base, int index, int scale, int32_t disp)
{
    int mod = (disp == 0 && (base & 7) != 5) ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    if (index < 0 && (base & 7) != 4) {
        put1(a, mod << 6 | (reg & 7) << 3 | (base & 7));
    } else {
        put1(a, mod << 6 | (reg & 7) << 3 | 4);
        put1(a, scale << 6 | ((index < 0 ? 4 : index) & 7) << 3 | (base & 7));
    }
    if (mod == 1)
        put1(a, (uint8_t)disp);
    else if (mod == 2)
        put4(a, (uint32_t)disp);
}

/* op r/m(reg), reg: 0x01 add, 0x09 or, 0x21 and, 0x29 sub, 0x31 xor, 0x39 cmp, 0x85 test,
 * 0x89 mov. */
static void op_rr(struct asmb *a, unsigned opc, bool w, int dst, int src)
{
    rex(a, w, src, 0, dst, false);
    put1(a, opc);
    modrm_rr(a, src, dst);
}

static void alu_rr(struct asmb *a, enum alu op, bool w, int dst, int src)
{
    op_rr(a, op * 8 + 1, w, dst, src);
}

/* (A register moved to itself is left out even for 32 bits: every 32-bit operation the
 * translator emits writes its destination zero-extended, and RV32 values are kept
 * zero-extended, so the upper half is already clear where it matters.) */
static void mov_rr(struct asmb *a, bool w, int dst, int src)
{
    if (dst != src)
        op_rr(a, 0x89, w, dst, src);
}

static void alu_ri(struct asmb *a, enum alu op, bool w, int dst, int32_t imm)
{
    rex(a, w, 0, 0, dst, false);
    if (imm >= -128 && imm <= 127) {
        put1(a, 0x83);
        modrm_rr(a, op, dst);
        put1(a, (uint8_t)imm);
    } else {
        put1(a, 0x81);
        modrm_rr(a, op, dst);
        put4(a, (uint32_t)imm);
    }
}

/* op reg, [base+disp] with a reg,r/m opcode (0x03 add, 0x2b sub, 0x3b cmp, 0x8b mov). */
static void op_rm(struct asmb *a, unsigned opc, bool w, int reg, int base, int32_t disp)
{
    rex(a, w, reg, 0, base, false);
    put1(a, opc);
    modrm_mem(a, reg, base, -1, 0, disp);
}

static void load64(struct asmb *a, int reg, int base, int32_t disp)
{
    op_rm(a, 0x8b, true, reg, base, disp);
}

static void store64(struct asmb *a, int base, int32_t disp, int reg)
{
    rex(a, true, reg, 0, base, false);
    put1(a, 0x89);
    modrm_mem(a, reg, base, -1, 0, disp);
}

/* A register from a constant, in the shortest form that gives exactly `v`. */
static void mov_imm(struct asmb *a, int reg, uint64_t v)
{
    if (v <= 0xffffffffu) {
        rex(a, false, 0, 0, reg, false);
        put1(a, 0xb8 + (reg & 7));
        put4(a, (uint32_t)v);
    } else if ((int64_t)v == (int32_t)v) {
        rex(a, true, 0, 0, reg, false);
        put1(a, 0xc7);
        modrm_rr(a, 0, reg);
        put4(a, (uint32_t)v);
    } else {
        rex(a, true, 0, 0, reg, false);
        put1(a, 0xb8 + (reg & 7));
        put8(a, v);
    }
}

/* mov rax, [addr]: a load from a 64-bit absolute address. */
static void load_rax_abs(struct asmb *a, const void *addr)
{
    put1(a, 0x48);
    put1(a, 0xa1);
    put8(a, (uint64_t)(uintptr_t)addr);
}

static void lea(struct asmb *a, bool w, int dst, int base, int32_t disp)
{
    rex(a, w, dst, 0, base, false);
    put1(a, 0x8d);
    modrm_mem(a, dst, base, -1, 0, disp);
}

static void shift_ri(struct asmb *a, enum shift op, bool w, int reg, unsigned n)
{
    rex(a, w, 0, 0, reg, false);
    put1(a, 0xc1);
    modrm_rr(a, op, reg);
    put1(a, n);
}

static void shift_rcl(struct asmb *a, enum shift op, bool w, int reg)
{
    rex(a, w, 0, 0, reg, false);
    put1(a, 0xd3);
    modrm_rr(a, op, reg);
}

static void imul_rr(struct asmb *a, bool w, int dst, int src)
{
    rex(a, w, dst, 0, src, false);
    put1(a, 0x0f);
    put1(a, 0xaf);
    modrm_rr(a, dst, src);
}

/* Group 3 on a register: /2 not, /3 neg, /4 mul, /5 imul, /6 div, /7 idiv. */
static void grp3(struct asmb *a, unsigned digit, bool w, int reg)
{
    rex(a, w, 0, 0, reg, false);
    put1(a, 0xf7);
    modrm_rr(a, digit, reg);
}

static void movsxd_rr(struct asmb *a, int dst, int src)
{
    rex(a, true, dst, 0, src, false);
    put1(a, 0x63);
    modrm_rr(a, dst, src);
}

static void setcc_movzx(struct asmb *a, enum cc cc, int dst)
{
    put1(a, 0x0f);
    put1(a, 0x90 + cc);
    modrm_rr(a, 0, RAX);
    rex(a, false, dst, 0, RAX, false);
    put1(a, 0x0f);
    put1(a, 0xb6);
    modrm_rr(a, dst, RAX);
}

/* A jump or conditional jump with a 32-bit displacement; returns where to patch it. */
static uint8_t *jcc32(struct asmb *a, enum cc cc)
{
    put1(a, 0x0f);
    put1(a, 0x80 + cc);
    uint8_t *at = a->p;
    put4(a, 0);
    return at;
}

static uint8_t *jmp32(struct asmb *a)
{
    put1(a, 0xe9);
    uint8_t *at = a->p;
    put4(a, 0);
    return at;
}

static void patch(struct asmb *a, uint8_t *at, const uint8_t *target)
{
    if (a->over || !at)
        return;
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

static void jmp_to(struct asmb *a, const uint8_t *target)
{
    patch(a, jmp32(a), target);
}

static void jcc_to(struct asmb *a, enum cc cc, const uint8_t *target)
{
    patch(a, jcc32(a, cc), target);
}

static void jmp_reg(struct asmb *a, int reg)
{
    rex(a, false, 0, 0, reg, false);
    put1(a, 0xff);
    modrm_rr(a, 4, reg);
}

static void call_abs(struct asmb *a, const void *fn)
{
    mov_imm(a, RAX, (uint64_t)(uintptr_t)fn);
    put1(a, 0xff);
    modrm_rr(a, 2, RAX);
}

static void push(struct asmb *a, int reg)
{
    rex(a, false, 0, 0, reg, false);
    put1(a, 0x50 + (reg & 7));
}

static void pop(struct asmb *a, int reg)
{
    rex(a, false, 0, 0, reg, false);
    put1(a, 0x58 + (reg & 7));
}

/* ---- the tier's state ---- */

#define X_OFF(g) ((int32_t)(offsetof(struct hart, x) + 8 * (g)))
#define H_OFF(f) ((int32_t)offsetof(struct hart, f))

/* Host registers that hold guest registers, in the order they are handed out. */
#define NHOST 9
static const int host_regs[NHOST] = { RBP, R12, R13, RSI, RDI, R8, R9, R10, R11 };

static bool caller_saved(int r)
{
    return r == RSI || r == RDI || (r >= R8 && r <= R11);
}

struct rstate {
    int8_t host[33];  /* guest register -> host register, -1 if not held */
    bool dirty[33];   /* the host copy is newer than h->x */
    int8_t guest[16]; /* host register -> guest register, -1 if free */
};

enum stub_kind {
    STUB_TAKEN,    /* a taken branch: adjust the counts, pc = target, follow its link */
    STUB_LEAVE,    /* a block boundary the run loop must see: exec_leave_after, pc = next */
    STUB_LOAD,     /* a load's slow path */
    STUB_STORE,    /* a store's slow path */
    STUB_TRAP_RAX, /* exec_trap with tval in rax (jalr to a misaligned target) */
};

struct stub {
    enum stub_kind kind;
    uint8_t *from;   /* the jump to patch */
    uint8_t *resume; /* where the slow paths go back to */
    const struct insn *ins;
    uint64_t pc; /* STUB_TAKEN/STUB_LEAVE: the new pc */
    int reg;     /* STUB_LOAD: destination host register (-1: none); STUB_STORE: value */
    unsigned op; /* STUB_LOAD/STUB_STORE: the semantic row; STUB_TRAP_RAX: the cause */
    struct rstate rs;
};

#define MAX_STUBS    (3 * SUPERBLOCK_MAX_INSNS + 8)
/* Blocks translated together (see jit_heat). */
#define JIT_BATCH    32
/* Room for one block's code: emission stops (and the block stays interpreted) past it. */
#define BLOCK_WINDOW (256u << 10)
/* Generic calls: a copy of the entry followed by an entry that returns 0, so that a body
 * that goes on (NEXT) comes back to the translated code. */
#define DATA_ENTRIES (1u << 18)

bool jit_host_supported(void)
{
    return true;
}

/* ---- translation of one block ---- */

struct tr {
    struct jit *j;
    struct asmb a;
    struct block *b;
    unsigned xlen;
    bool w; /* 64-bit guest */
    struct rstate rs;
    uint32_t stamp[16], clock;
    uint16_t locked; /* host registers the current instruction is using */
    unsigned nstubs;
    bool fail;
    insn_fn const *dispatch;
    int32_t taken_extra; /* the hart's core timing: cycles a taken branch adds */
    /* A block with a conditional branch back to its own start (`loop_branch`) runs that
     * loop inside its code: the registers the loop uses most stay in host registers across
     * iterations (loaded before `loop`, where the state is `loop_rs`), and the back edge
     * checks one bound kept in the stack slot [rsp] (emit_loop_bound). */
    const struct insn *loop_branch;
    uint8_t *loop;
    uint32_t loop_set; /* guest registers held at `loop` */
    struct rstate loop_rs;
    unsigned cur;      /* the instruction being translated (index in b->insns) */
    unsigned loop_end; /* index of loop_branch */
};

struct jit {
    unsigned threshold;
    uint64_t max_blocks;
    const char *dump_dir;
    uint8_t *code;
    size_t code_size, code_used, code_base; /* code_base: after the shared routines */
    bool full;
    /* Hot blocks waiting for translation: they are translated together, so that one pair of
     * mprotect calls (a TLB flush each, expensive under a hypervisor) covers many. */
    struct block *queue[JIT_BATCH];
    unsigned nqueue;
    long page;
    struct insn *data;
    size_t data_used;
    /* Shared routines (see emit_shared). */
    uint8_t *r_exit_mem, *r_exit_loop, *r_exit_link, *r_enter_interp;
    struct jit_stats st;
    /* Translation scratch. */
    struct stub stubs[MAX_STUBS];
};

static struct stub *add_stub(struct tr *t, enum stub_kind kind, uint8_t *from,
                             const struct insn *ins)
{
    if (t->nstubs == MAX_STUBS) {
        t->fail = true;
        return &t->j->stubs[0];
    }
    struct stub *s = &t->j->stubs[t->nstubs++];
    s->kind = kind;
    s->from = from;
    s->resume = NULL;
    s->ins = ins;
    s->pc = 0;
    s->reg = -1;
    s->op = 0;
    s->rs = t->rs;
    return s;
}

static void rs_init(struct rstate *rs)
{
    memset(rs->host, -1, sizeof rs->host);
    memset(rs->dirty, 0, sizeof rs->dirty);
    memset(rs->guest, -1, sizeof rs->guest);
}

/* Store the changed guest registers of `rs` (emits code; changes no state). */
static void emit_writeback(struct asmb *a, const struct rstate *rs)
{
    for (int g = 1; g < 32; g++)
        if (rs->host[g] >= 0 && rs->dirty[g])
            store64(a, HREG_H, X_OFF(g), rs->host[g]);
}

/* Reload the guest registers `rs` holds in caller-saved host registers (after a call, once
 * everything was written back). */
static void emit_reload_caller_saved(struct asmb *a, const struct rstate *rs)
{
    for (int g = 0; g < 33; g++)
        if (rs->host[g] >= 0 && caller_saved(rs->host[g]) && g != REG_SINK)
            load64(a, rs->host[g], HREG_H, X_OFF(g));
}

/* Write back and forget every guest register (before a call that may read or write any). */
static void flush_regs(struct tr *t)
{
    emit_writeback(&t->a, &t->rs);
    rs_init(&t->rs);
}

static bool native(const struct tr *t, unsigned sem);
static bool is_branch(unsigned sem);

#define NEXT_USE_WINDOW 64u
#define NEXT_USE_NEVER  (2u * NEXT_USE_WINDOW + 2u)

/* How many instructions after the current one guest register g is next read: the eviction
 * choice (the register read farthest ahead goes, Belady's rule). The scan stops at a call
 * into a body or the block's end, after which every register is written back anyway
 * (NEXT_USE_NEVER), or at a write of g, which makes the value dead; inside a loop it goes
 * round through the loop's start. */
static unsigned next_use(const struct tr *t, int g)
{
    const struct block *b = t->b;
    bool in_loop = t->loop_branch && t->cur <= t->loop_end, wrapped = false;
    unsigned end = in_loop ? t->loop_end + 1 : b->n;
    unsigned k = t->cur + 1, steps = 0;
    while (steps < NEXT_USE_WINDOW) {
        if (k >= end) {
            if (!in_loop || wrapped)
                return NEXT_USE_NEVER;
            k = 0; /* round the loop */
            wrapped = true;
        }
        if (wrapped && k > t->cur)
            return NEXT_USE_NEVER; /* round the whole loop without a read */
        const struct insn *i = &b->insns[k];
        if (i->id != INSN_COUNT && i->sem == INSN_jalr)
            return i->rs1 == g ? steps : NEXT_USE_NEVER; /* it ends the block */
        if (i->id == INSN_COUNT ||
            (!native(t, i->sem) && !is_branch(i->sem) && i->sem != INSN_lui &&
             i->sem != INSN_auipc && i->sem != INSN_jal))
            return NEXT_USE_NEVER;
        if (i->rs1 == g || i->rs2 == g)
            return steps;
        if (i->rd == g && !is_branch(i->sem))
            return NEXT_USE_NEVER;
        k++;
        steps++;
    }
    return NEXT_USE_NEVER;
}

static int alloc_host(struct tr *t)
{
    int best = -1;
    unsigned best_dist = 0;
    for (int k = 0; k < NHOST; k++) {
        int r = host_regs[k];
        if (t->locked & (1u << r))
            continue;
        if (t->rs.guest[r] < 0)
            return r;
        /* In a loop block the farthest next read goes (among equals a clean one, which
         * needs no store), then the least recently used; elsewhere the least recently
         * used. Measured (host instructions per guest instruction, cachegrind): next-use
         * in loops takes sha256 from 4.29 to 3.83 (rv32), while in straight-line blocks
         * it cost CoreMark 1.5 % against LRU. */
        int g = t->rs.guest[r];
        unsigned d = t->loop_branch ? 2 * next_use(t, g) + (t->rs.dirty[g] ? 0 : 1) : 0;
        if (best < 0 || d > best_dist || (d == best_dist && t->stamp[r] < t->stamp[best])) {
            best = r;
            best_dist = d;
        }
    }
    int g = t->rs.guest[best];
    if (t->rs.dirty[g] && g != REG_SINK)
        store64(&t->a, HREG_H, X_OFF(g), best);
    t->rs.host[g] = -1;
    t->rs.dirty[g] = false;
    t->rs.guest[best] = -1;
    return best;
}

static void touch(struct tr *t, int r)
{
    t->stamp[r] = ++t->clock;
    t->locked |= (uint16_t)(1u << r);
}

/* The host register holding guest register g, loaded if needed (x0 reads h->x[0], always
 * zero). */
static int use(struct tr *t, int g)
{
    int r = t->rs.host[g];
    if (r < 0) {
        r = alloc_host(t);
        load64(&t->a, r, HREG_H, X_OFF(g));
        t->rs.host[g] = (int8_t)r;
        t->rs.guest[r] = (int8_t)g;
    }
    touch(t, r);
    return r;
}

/* The host register that will hold the new value of guest register g. */
static int def(struct tr *t, int g)
{
    int r = t->rs.host[g];
    if (r < 0) {
        r = alloc_host(t);
        t->rs.host[g] = (int8_t)r;
        t->rs.guest[r] = (int8_t)g;
    }
    t->rs.dirty[g] = true;
    touch(t, r);
    return r;
}

static void store_counters(struct asmb *a)
{
    store64(a, HREG_H, H_OFF(cycles), HREG_CYC);
    store64(a, HREG_H, H_OFF(retired), HREG_RET);
}

static void load_counters(struct asmb *a)
{
    load64(a, HREG_CYC, HREG_H, H_OFF(cycles));
    load64(a, HREG_RET, HREG_H, H_OFF(retired));
}

static void epilogue_pops(struct asmb *a)
{
    alu_ri(a, ALU_ADD, true, RSP, 8);
    pop(a, R15);
    pop(a, R14);
    pop(a, R13);
    pop(a, R12);
    pop(a, RBX);
    pop(a, RBP);
}

static void store_pc(struct tr *t, uint64_t pc)
{
    mov_imm(&t->a, RAX, pc);
    store64(&t->a, HREG_H, H_OFF(pc), RAX);
}

static uint64_t xmask(const struct tr *t, uint64_t v)
{
    return t->w ? v : (uint32_t)v;
}

/* Stop at a block boundary unless the run loop has nothing to check there: the
 * interpreter's `h->cycles - i->after_cost < h->fast_until`. */
static void boundary_check(struct tr *t, const struct insn *ins, uint64_t next_pc)
{
    struct asmb *a = &t->a;
    int reg = HREG_CYC;
    if (ins->after_cost) {
        lea(a, true, RAX, HREG_CYC, -(int32_t)ins->after_cost);
        reg = RAX;
    }
    op_rm(a, 0x3b, true, reg, HREG_H, H_OFF(fast_until));
    struct stub *s = add_stub(t, STUB_LEAVE, jcc32(a, CC_AE), ins);
    s->pc = next_pc;
}

/* The loop's bound in the stack slot [rsp]: the run loop's deadline (fast_until) when the
 * loop branch's link leads back to this block under the hart's chain tag, else 0, so that the
 * back edge (emit_branch) needs one compare: going round again is then exactly what
 * exec_chain_adjust does when it follows that link. Computed when the block starts and again
 * after every call into C, the only code that can change the deadline, the tag or the link. */
static void emit_loop_bound(struct tr *t)
{
    if (!t->loop_branch)
        return;
    struct asmb *a = &t->a;
    load_rax_abs(a, &t->loop_branch->link_tag);
    op_rm(a, 0x3b, true, RAX, HREG_H, H_OFF(chain_tag));
    uint8_t *no1 = jcc32(a, CC_NE);
    load_rax_abs(a, &t->loop_branch->link);
    mov_imm(a, RCX, (uint64_t)(uintptr_t)t->b);
    alu_rr(a, ALU_CMP, true, RAX, RCX);
    uint8_t *no2 = jcc32(a, CC_NE);
    load64(a, RAX, HREG_H, H_OFF(fast_until));
    uint8_t *done = jmp32(a);
    patch(a, no1, a->p);
    patch(a, no2, a->p);
    alu_rr(a, ALU_XOR, false, RAX, RAX);
    patch(a, done, a->p);
    store64(a, RSP, 0, RAX);
}

/* Enter block rax, whose link was checked: its translated code (which counts it), or the
 * interpreter by r_enter_interp. */
static void emit_enter_rax(struct tr *t)
{
    struct asmb *a = &t->a;
    load64(a, RCX, RAX, (int32_t)offsetof(struct block, jit));
    op_rr(a, 0x85, true, RCX, RCX);
    jcc_to(a, CC_E, t->j->r_enter_interp);
    jmp_reg(a, RCX);
}

/* Leave by exit `x`, which has one target `pc` (registers written back, counts adjusted):
 * exec_chain's checks, then the linked block, or back to hart_run (r_exit_link). Inline at
 * each exit, so that each has an indirect jump of its own, which the host predicts. */
static void emit_link_exit(struct tr *t, const struct insn *x, uint64_t pc)
{
    struct asmb *a = &t->a;
    store_pc(t, pc);
    load_rax_abs(a, &x->link_tag);
    op_rm(a, 0x3b, true, RAX, HREG_H, H_OFF(chain_tag));
    uint8_t *out1 = jcc32(a, CC_NE);
    op_rm(a, 0x3b, true, HREG_CYC, HREG_H, H_OFF(fast_until));
    uint8_t *out2 = jcc32(a, CC_AE);
    load_rax_abs(a, &x->link);
    emit_enter_rax(t);
    patch(a, out1, a->p);
    patch(a, out2, a->p);
    mov_imm(a, RSI, (uint64_t)(uintptr_t)x);
    jmp_to(a, t->j->r_exit_link);
}

/* At the loop's back edge: move the registers to where `loop` expects them. Everything
 * held elsewhere is written back first, then the loop's registers are loaded, so no move
 * can overwrite a value still needed. */
static void emit_reconcile(struct tr *t)
{
    struct asmb *a = &t->a;
    const struct rstate *want = &t->loop_rs;
    for (int g = 1; g < 32; g++) {
        int r = t->rs.host[g];
        if (r >= 0 && r != want->host[g] && t->rs.dirty[g])
            store64(a, HREG_H, X_OFF(g), r);
    }
    for (int g = 0; g < 32; g++)
        if (want->host[g] >= 0 && t->rs.host[g] != want->host[g])
            load64(a, want->host[g], HREG_H, X_OFF(g));
    t->rs = *want;
}

/* rd = rs1 op rs2 for the two-operand x86 forms. */
static void emit_alu3(struct tr *t, const struct insn *i, enum alu op, bool commutative, bool w)
{
    if (i->rd == REG_SINK)
        return;
    struct asmb *a = &t->a;
    int h1 = use(t, i->rs1), h2 = use(t, i->rs2), hd = def(t, i->rd);
    if (hd == h1) {
        alu_rr(a, op, w, hd, h2);
    } else if (hd == h2) {
        if (commutative) {
            alu_rr(a, op, w, hd, h1);
        } else {
            mov_rr(a, w, RAX, h1);
            alu_rr(a, op, w, RAX, h2);
            mov_rr(a, true, hd, RAX);
        }
    } else {
        mov_rr(a, w, hd, h1);
        alu_rr(a, op, w, hd, h2);
    }
}

/* rd = rs1 op imm. */
static void emit_alui(struct tr *t, const struct insn *i, enum alu op, bool w)
{
    if (i->rd == REG_SINK)
        return;
    struct asmb *a = &t->a;
    int32_t imm = (int32_t)i->imm;
    if (i->rs1 == 0 && (op == ALU_ADD || op == ALU_OR || op == ALU_XOR)) {
        int hd = def(t, i->rd);
        mov_imm(a, hd, w ? (uint64_t)(int64_t)imm : (uint32_t)imm);
        return;
    }
    int h1 = use(t, i->rs1), hd = def(t, i->rd);
    if (op == ALU_ADD && hd != h1) {
        lea(a, w, hd, h1, imm);
        return;
    }
    mov_rr(a, w, hd, h1);
    if (imm != 0 || op == ALU_AND)
        alu_ri(a, op, w, hd, imm);
}

static void emit_shifti(struct tr *t, const struct insn *i, enum shift op, bool w)
{
    if (i->rd == REG_SINK)
        return;
    unsigned n = (unsigned)i->imm & (w ? 63 : 31);
    int h1 = use(t, i->rs1), hd = def(t, i->rd);
    mov_rr(&t->a, w, hd, h1);
    if (n)
        shift_ri(&t->a, op, w, hd, n);
}

static void emit_shiftr(struct tr *t, const struct insn *i, enum shift op, bool w)
{
    if (i->rd == REG_SINK)
        return;
    int h1 = use(t, i->rs1), h2 = use(t, i->rs2), hd = def(t, i->rd);
    mov_rr(&t->a, false, RCX, h2);
    mov_rr(&t->a, w, hd, h1);
    shift_rcl(&t->a, op, w, hd);
}

static void emit_setcc(struct tr *t, const struct insn *i, enum cc cc, bool imm)
{
    if (i->rd == REG_SINK)
        return;
    int h1 = use(t, i->rs1);
    if (imm)
        alu_ri(&t->a, ALU_CMP, t->w, h1, (int32_t)i->imm);
    else
        alu_rr(&t->a, ALU_CMP, t->w, h1, use(t, i->rs2));
    setcc_movzx(&t->a, cc, def(t, i->rd));
}

/* Sign-extend the low 32 bits of a result on RV64 (the W instructions). */
static void sext32(struct tr *t, int hd)
{
    movsxd_rr(&t->a, hd, hd);
}

static void emit_mul(struct tr *t, const struct insn *i, bool w32)
{
    if (i->rd == REG_SINK)
        return;
    bool w = t->w && !w32;
    int h1 = use(t, i->rs1), h2 = use(t, i->rs2), hd = def(t, i->rd);
    if (hd == h2)
        imul_rr(&t->a, w, hd, h1);
    else {
        mov_rr(&t->a, w, hd, h1);
        imul_rr(&t->a, w, hd, h2);
    }
    if (w32 && t->w)
        sext32(t, hd);
}

/* mulh, mulhu, mulhsu. */
static void emit_mulh(struct tr *t, const struct insn *i)
{
    if (i->rd == REG_SINK)
        return;
    struct asmb *a = &t->a;
    int h1 = use(t, i->rs1), h2 = use(t, i->rs2), hd = def(t, i->rd);
    if (!t->w) {
        /* 64-bit product of the extended operands, high half. */
        if (i->sem == INSN_mulhu)
            mov_rr(a, false, RAX, h1);
        else
            movsxd_rr(a, RAX, h1);
        if (i->sem == INSN_mulh)
            movsxd_rr(a, RCX, h2);
        else
            mov_rr(a, false, RCX, h2);
        imul_rr(a, true, RAX, RCX);
        shift_ri(a, SH_SHR, true, RAX, 32);
        mov_rr(a, false, hd, RAX);
        return;
    }
    mov_rr(a, true, RAX, h1);
    if (i->sem == INSN_mulh) {
        grp3(a, 5, true, h2); /* imul: rdx:rax = rax * h2, signed */
    } else {
        grp3(a, 4, true, h2); /* mul: unsigned */
        if (i->sem == INSN_mulhsu) {
            /* signed x unsigned: the unsigned high half, less rs2 when rs1 < 0 */
            mov_rr(a, true, RCX, h1);
            shift_ri(a, SH_SAR, true, RCX, 63);
            alu_rr(a, ALU_AND, true, RCX, h2);
            alu_rr(a, ALU_SUB, true, RDX, RCX);
        }
    }
    mov_rr(a, true, hd, RDX);
}

/* div, divu, rem, remu and their W forms: chapter 7.2's results for a zero divisor and for
 * signed overflow. */
static void emit_div(struct tr *t, const struct insn *i, bool is_signed, bool rem, bool w32)
{
    if (i->rd == REG_SINK)
        return;
    struct asmb *a = &t->a;
    bool w = t->w && !w32;
    int h1 = use(t, i->rs1), h2 = use(t, i->rs2), hd = def(t, i->rd);
    mov_rr(a, w, RCX, h2);
    mov_rr(a, w, RAX, h1);
    op_rr(a, 0x85, w, RCX, RCX); /* test */
    uint8_t *to_zero = jcc32(a, CC_E);
    uint8_t *to_neg = NULL;
    if (is_signed) {
        alu_ri(a, ALU_CMP, w, RCX, -1);
        to_neg = jcc32(a, CC_E);
        if (w)
            put1(a, 0x48);
        put1(a, 0x99); /* cqo / cdq */
        grp3(a, 7, w, RCX);
    } else {
        alu_rr(a, ALU_XOR, false, RDX, RDX);
        grp3(a, 6, w, RCX);
    }
    uint8_t *done1 = jmp32(a), *done2 = NULL;
    if (is_signed) {
        patch(a, to_neg, a->p);
        if (rem)
            alu_rr(a, ALU_XOR, false, RDX, RDX);
        else
            grp3(a, 3, w, RAX); /* neg: x / -1, wrapping at the most negative value */
        done2 = jmp32(a);
    }
    patch(a, to_zero, a->p);
    if (rem)
        mov_rr(a, w, RDX, RAX); /* x % 0 = x */
    else
        mov_imm(a, RAX, w ? UINT64_MAX : 0xffffffffu); /* x / 0 = all ones */
    patch(a, done1, a->p);
    patch(a, done2, a->p);
    mov_rr(a, w, hd, rem ? RDX : RAX);
    if (w32 && t->w)
        sext32(t, hd);
}

/* Loads and stores: the translation-cache hit inline (core/hart_internal.h,
 * mem_load_fast/mem_store_fast), the rest in a stub that calls hart_load_slow or
 * hart_store_slow. Leaves the guest address in rax (which the slow path takes) and, on a
 * hit, the entry's addend in rdx: the host address is [rax + rdx], so the access does not
 * wait for an add after the addend's load. */
static uint8_t *emit_tlb_check(struct tr *t, const struct insn *i, int h1, unsigned size,
                               bool store)
{
    struct asmb *a = &t->a;
    if (i->imm)
        lea(a, t->w, RAX, h1, (int32_t)i->imm);
    else
        mov_rr(a, t->w, RAX, h1); /* (a register move the host renames away) */
    /* entry offset = ((addr >> 12) & 255) * 32 */
    mov_rr(a, false, RCX, RAX);
    shift_ri(a, SH_SHR, false, RCX, PAGE_SHIFT - 5);
    alu_ri(a, ALU_AND, false, RCX, (TLB_SIZE - 1) << 5);
    /* rdx = addr masked to its page and alignment bits */
    mov_rr(a, true, RDX, RAX);
    alu_ri(a, ALU_AND, true, RDX, (int32_t)(~(PAGE_SIZE - 1) | (size - 1)));
    int32_t base = store ? H_OFF(tlb_write) : H_OFF(tlb_read);
    rex(a, true, RDX, RCX, HREG_H, false);
    put1(a, 0x3b); /* cmp rdx, [rbx + rcx + tag] */
    modrm_mem(a, RDX, HREG_H, RCX, 0, base + (int32_t)offsetof(struct tlb_entry, tag));
    uint8_t *slow = jcc32(a, CC_NE);
    rex(a, true, RDX, RCX, HREG_H, false);
    put1(a, 0x8b); /* mov rdx, [rbx + rcx + addend] */
    modrm_mem(a, RDX, HREG_H, RCX, 0, base + (int32_t)offsetof(struct tlb_entry, addend));
    return slow;
}

static unsigned mem_size(unsigned sem)
{
    switch (sem) {
    case INSN_lb:
    case INSN_lbu:
    case INSN_sb: return 1;
    case INSN_lh:
    case INSN_lhu:
    case INSN_sh: return 2;
    case INSN_lw:
    case INSN_lwu:
    case INSN_sw: return 4;
    default: return 8;
    }
}

/* dst = the value of the load `sem` at [base + index + disp] (index -1: none), extended as
 * the instruction says. */
static void emit_load_ext(struct tr *t, unsigned sem, int dst, int base, int index, int32_t disp)
{
    struct asmb *a = &t->a;
    bool w = t->w;
    switch (sem) {
    case INSN_lb:
    case INSN_lh:
        rex(a, w, dst, index < 0 ? 0 : index, base, false);
        put1(a, 0x0f);
        put1(a, sem == INSN_lb ? 0xbe : 0xbf);
        break;
    case INSN_lbu:
    case INSN_lhu:
        rex(a, false, dst, index < 0 ? 0 : index, base, false);
        put1(a, 0x0f);
        put1(a, sem == INSN_lbu ? 0xb6 : 0xb7);
        break;
    case INSN_lw:
        if (w) {
            rex(a, true, dst, index < 0 ? 0 : index, base, false);
            put1(a, 0x63); /* movsxd */
        } else {
            rex(a, false, dst, index < 0 ? 0 : index, base, false);
            put1(a, 0x8b);
        }
        break;
    case INSN_lwu:
        rex(a, false, dst, index < 0 ? 0 : index, base, false);
        put1(a, 0x8b);
        break;
    default: /* ld */
        rex(a, true, dst, index < 0 ? 0 : index, base, false);
        put1(a, 0x8b);
        break;
    }
    modrm_mem(a, dst, base, index, 0, disp);
}

static void emit_load(struct tr *t, const struct insn *i)
{
    unsigned size = mem_size(i->sem);
    /* Every register is allocated (and anything evicted stored) before the jump to the slow
     * path, so that both paths see the same stores. */
    int h1 = use(t, i->rs1);
    int hd;
    struct rstate before;
    if (i->rd == REG_SINK) {
        hd = RAX;
        before = t->rs;
    } else {
        bool held = t->rs.host[i->rd] >= 0, was_dirty = t->rs.dirty[i->rd];
        hd = def(t, i->rd);
        before = t->rs;
        /* The slow path must not write back a value this load has not produced. */
        before.dirty[i->rd] = was_dirty;
        if (!held) {
            before.host[i->rd] = -1;
            before.guest[hd] = -1;
        }
    }
    uint8_t *slow = emit_tlb_check(t, i, h1, size, false);
    emit_load_ext(t, i->sem, hd, RAX, RDX, 0);
    struct stub *s = add_stub(t, STUB_LOAD, slow, i);
    s->rs = before;
    s->reg = i->rd == REG_SINK ? -1 : hd;
    s->op = i->sem;
    s->resume = t->a.p;
}

static void emit_store(struct tr *t, const struct insn *i)
{
    unsigned size = mem_size(i->sem);
    int h2 = use(t, i->rs2), h1 = use(t, i->rs1);
    uint8_t *slow = emit_tlb_check(t, i, h1, size, true);
    struct asmb *a = &t->a;
    switch (size) {
    case 1:
        rex(a, false, h2, RDX, RAX, h2 >= 4 && h2 < 8);
        put1(a, 0x88);
        break;
    case 2:
        put1(a, 0x66);
        rex(a, false, h2, RDX, RAX, false);
        put1(a, 0x89);
        break;
    case 4:
        rex(a, false, h2, RDX, RAX, false);
        put1(a, 0x89);
        break;
    default:
        rex(a, true, h2, RDX, RAX, false);
        put1(a, 0x89);
        break;
    }
    modrm_mem(a, h2, RAX, RDX, 0, 0); /* [rax + rdx] */
    struct stub *s = add_stub(t, STUB_STORE, slow, i);
    s->reg = h2;
    s->op = i->sem;
    s->resume = t->a.p;
}

static enum cc branch_cc(unsigned sem)
{
    switch (sem) {
    case INSN_beq: return CC_E;
    case INSN_bne: return CC_NE;
    case INSN_blt: return CC_L;
    case INSN_bge: return CC_GE;
    case INSN_bltu: return CC_B;
    default: return CC_AE;
    }
}

/* The condition with the operands of the compare swapped. */
static enum cc swap_cc(enum cc cc)
{
    switch (cc) {
    case CC_L: return CC_G;
    case CC_GE: return CC_LE;
    case CC_B: return CC_A;
    case CC_AE: return CC_BE;
    default: return cc;
    }
}

static void emit_branch(struct tr *t, const struct insn *i)
{
    struct asmb *a = &t->a;
    uint64_t target = xmask(t, i->pc + (uint64_t)i->imm);
    enum cc cc = branch_cc(i->sem);
    if (i->rs2 == 0) {
        int h1 = use(t, i->rs1);
        op_rr(a, 0x85, t->w, h1, h1); /* test: the flags of a compare with 0 */
    } else if (i->rs1 == 0) {
        int h2 = use(t, i->rs2);
        op_rr(a, 0x85, t->w, h2, h2);
        cc = swap_cc(cc);
    } else {
        int h1 = use(t, i->rs1), h2 = use(t, i->rs2);
        alu_rr(a, ALU_CMP, t->w, h1, h2);
    }
    if (i == t->loop_branch) {
        /* Taken: round the loop again, as exec_chain_adjust following the link back to this
         * block would (the bound says whether it would), else leave as any taken branch. */
        uint8_t *not_taken = jcc32(a, (enum cc)(cc ^ 1));
        struct rstate keep = t->rs;
        emit_reconcile(t);
        int32_t adj = t->taken_extra - (int32_t)i->after_cost;
        lea(a, true, RAX, HREG_CYC, adj);
        op_rm(a, 0x3b, true, RAX, RSP, 0);
        struct stub *s = add_stub(t, STUB_TAKEN, jcc32(a, CC_AE), i);
        s->pc = target;
        lea(a, true, HREG_CYC, HREG_CYC, adj + (int32_t)t->b->cost);
        int32_t dn = (int32_t)t->b->n - (int32_t)i->after_n;
        if (dn)
            alu_ri(a, ALU_ADD, true, HREG_RET, dn);
        jmp_to(a, t->loop);
        patch(a, not_taken, a->p);
        t->rs = keep;
    } else {
        struct stub *s = add_stub(t, STUB_TAKEN, jcc32(a, cc), i);
        s->pc = target;
    }
    boundary_check(t, i, xmask(t, i->pc + i->len));
}

static void emit_jal(struct tr *t, const struct insn *i)
{
    if (i->rd != REG_SINK)
        mov_imm(&t->a, def(t, i->rd), xmask(t, i->pc + i->len));
    boundary_check(t, i, xmask(t, i->pc + (uint64_t)i->imm));
}

static void emit_jalr(struct tr *t, const struct insn *i)
{
    struct asmb *a = &t->a;
    int h1 = use(t, i->rs1);
    lea(a, t->w, RAX, h1, (int32_t)i->imm);
    alu_ri(a, ALU_AND, t->w, RAX, -2);
    /* test al, [rbx + ialign_mask] */
    put1(a, 0x84);
    modrm_mem(a, RAX, HREG_H, -1, 0, H_OFF(ialign_mask));
    struct stub *s = add_stub(t, STUB_TRAP_RAX, jcc32(a, CC_NE), i);
    s->op = EXC_INSN_MISALIGNED;
    store64(a, HREG_H, H_OFF(pc), RAX);
    if (i->rd != REG_SINK)
        mov_imm(a, def(t, i->rd), xmask(t, i->pc + i->len));
    emit_writeback(a, &t->rs);
    /* exec_chain_indirect: the link when it holds the target (in rdx), else the hart's jump
     * cache; inline, so that each jalr has an indirect jump of its own. */
    mov_rr(a, true, RDX, RAX);
    int32_t pc0 = (int32_t)(offsetof(struct block, insns) + offsetof(struct insn, pc));
    load_rax_abs(a, &i->link_tag);
    op_rm(a, 0x3b, true, RAX, HREG_H, H_OFF(chain_tag));
    uint8_t *no_link = jcc32(a, CC_NE);
    load_rax_abs(a, &i->link);
    op_rm(a, 0x3b, true, RDX, RAX, pc0);
    uint8_t *found = jcc32(a, CC_E);
    patch(a, no_link, a->p);
    mov_rr(a, false, RCX, RDX);
    shift_ri(a, SH_SHR, false, RCX, 1);
    alu_ri(a, ALU_AND, false, RCX, HART_JUMP_CACHE_SIZE - 1);
    shift_ri(a, SH_SHL, false, RCX, 4);
    int32_t jc = H_OFF(jump_cache);
    rex(a, true, RAX, RCX, HREG_H, false);
    put1(a, 0x8b); /* mov rax, [rbx + rcx + tag] */
    modrm_mem(a, RAX, HREG_H, RCX, 0, jc + (int32_t)offsetof(struct jump_cache_entry, tag));
    op_rm(a, 0x3b, true, RAX, HREG_H, H_OFF(chain_tag));
    uint8_t *out1 = jcc32(a, CC_NE);
    rex(a, true, RAX, RCX, HREG_H, false);
    put1(a, 0x8b); /* mov rax, [rbx + rcx + block] */
    modrm_mem(a, RAX, HREG_H, RCX, 0, jc + (int32_t)offsetof(struct jump_cache_entry, block));
    op_rm(a, 0x3b, true, RDX, RAX, pc0);
    uint8_t *out2 = jcc32(a, CC_NE);
    patch(a, found, a->p);
    op_rm(a, 0x3b, true, HREG_CYC, HREG_H, H_OFF(fast_until));
    uint8_t *out3 = jcc32(a, CC_AE);
    emit_enter_rax(t);
    patch(a, out1, a->p);
    patch(a, out2, a->p);
    patch(a, out3, a->p);
    mov_imm(a, RSI, (uint64_t)(uintptr_t)i);
    jmp_to(a, t->j->r_exit_link);
}

static int jit_trap(struct hart *h, const struct insn *i, uint64_t cause, uint64_t tval)
{
    return exec_trap(h, i, cause, tval);
}

static int stop_entry(struct hart *h, const struct insn *i)
{
    (void)h;
    (void)i;
    return 0;
}

/* The interpreter's body for one entry, unfused. */
static insn_fn body_of(const struct tr *t, const struct hart *h, const struct insn *i)
{
    if (i->id == INSN_COUNT)
        return t->xlen == 32 ? rv32_exec_illegal : rv64_exec_illegal;
    insn_fn check = t->xlen == 32 ? rv32_check_fn(i->sem) : rv64_check_fn(i->sem);
    if (check && ((i->pc + (uint64_t)i->imm) & h->ialign_mask))
        return check;
    return t->dispatch[i->id];
}

/* An instruction the translator leaves to its body: everything written back, the body
 * called on a copy of its entry followed by an entry that returns 0; nonzero means the
 * block ended there (a trap, a system instruction, a store into code, ...). */
static bool emit_call_body(struct tr *t, const struct hart *h, const struct insn *i, bool ends)
{
    struct jit *j = t->j;
    if (j->data_used + 2 > DATA_ENTRIES) {
        j->full = true;
        return false;
    }
    struct insn *pair = &j->data[j->data_used];
    j->data_used += 2;
    pair[0] = *i;
    pair[0].fn = body_of(t, h, i);
    pair[1] = (struct insn){ .fn = stop_entry, .pc = i->pc + i->len, .id = INSN_COUNT };
    struct asmb *a = &t->a;
    flush_regs(t);
    store_counters(a);
    mov_rr(a, true, RDI, HREG_H);
    mov_imm(a, RSI, (uint64_t)(uintptr_t)pair);
    call_abs(a, (const void *)pair[0].fn);
    load_counters(a);
    if (ends) {
        jmp_to(a, j->r_exit_mem);
    } else {
        op_rr(a, 0x85, false, RAX, RAX);
        jcc_to(a, CC_NE, j->r_exit_mem);
        emit_loop_bound(t);
    }
    j->st.helper_insns++;
    return true;
}

static bool is_branch(unsigned sem)
{
    return (insn_table[sem].flags & COND_BRANCH) != 0; /* `sem` is the base row's id */
}

/* One instruction. False when the block cannot be translated. */
static bool emit_insn(struct tr *t, const struct hart *h, const struct insn *i)
{
    bool w = t->w;
    if (i->id == INSN_COUNT)
        return emit_call_body(t, h, i, true);
    if (body_of(t, h, i) != t->dispatch[i->id])
        /* a jump or branch to a misaligned target: its check form traps */
        return emit_call_body(t, h, i, (insn_table[i->id].flags & END) && !is_branch(i->sem));
    switch (i->sem) {
    case INSN_lui:
        if (i->rd != REG_SINK)
            mov_imm(&t->a, def(t, i->rd), xmask(t, (uint64_t)i->imm));
        return true;
    case INSN_auipc:
        if (i->rd != REG_SINK)
            mov_imm(&t->a, def(t, i->rd), xmask(t, i->pc + (uint64_t)i->imm));
        return true;
    case INSN_jal: emit_jal(t, i); return true;
    case INSN_jalr: emit_jalr(t, i); return true;
    case INSN_beq:
    case INSN_bne:
    case INSN_blt:
    case INSN_bge:
    case INSN_bltu:
    case INSN_bgeu: emit_branch(t, i); return true;
    case INSN_lb:
    case INSN_lh:
    case INSN_lw:
    case INSN_ld:
    case INSN_lbu:
    case INSN_lhu:
    case INSN_lwu: emit_load(t, i); return true;
    case INSN_sb:
    case INSN_sh:
    case INSN_sw:
    case INSN_sd: emit_store(t, i); return true;
    case INSN_addi: emit_alui(t, i, ALU_ADD, w); return true;
    case INSN_xori: emit_alui(t, i, ALU_XOR, w); return true;
    case INSN_ori: emit_alui(t, i, ALU_OR, w); return true;
    case INSN_andi: emit_alui(t, i, ALU_AND, w); return true;
    case INSN_slti: emit_setcc(t, i, CC_L, true); return true;
    case INSN_sltiu: emit_setcc(t, i, CC_B, true); return true;
    case INSN_slli: emit_shifti(t, i, SH_SHL, w); return true;
    case INSN_srli: emit_shifti(t, i, SH_SHR, w); return true;
    case INSN_srai: emit_shifti(t, i, SH_SAR, w); return true;
    case INSN_add: emit_alu3(t, i, ALU_ADD, true, w); return true;
    case INSN_sub: emit_alu3(t, i, ALU_SUB, false, w); return true;
    case INSN_and: emit_alu3(t, i, ALU_AND, true, w); return true;
    case INSN_or: emit_alu3(t, i, ALU_OR, true, w); return true;
    case INSN_xor: emit_alu3(t, i, ALU_XOR, true, w); return true;
    case INSN_slt: emit_setcc(t, i, CC_L, false); return true;
    case INSN_sltu: emit_setcc(t, i, CC_B, false); return true;
    case INSN_sll: emit_shiftr(t, i, SH_SHL, w); return true;
    case INSN_srl: emit_shiftr(t, i, SH_SHR, w); return true;
    case INSN_sra: emit_shiftr(t, i, SH_SAR, w); return true;
    case INSN_fence: return true;
    case INSN_mul: emit_mul(t, i, false); return true;
    case INSN_mulh:
    case INSN_mulhu:
    case INSN_mulhsu: emit_mulh(t, i); return true;
    case INSN_div: emit_div(t, i, true, false, false); return true;
    case INSN_divu: emit_div(t, i, false, false, false); return true;
    case INSN_rem: emit_div(t, i, true, true, false); return true;
    case INSN_remu: emit_div(t, i, false, true, false); return true;
    default: break;
    }
    if (w) {
        switch (i->sem) {
        case INSN_addiw:
            if (i->rd != REG_SINK && i->imm == 0 && i->rs1 != 0) {
                /* sext.w: one sign-extending move */
                int h1 = use(t, i->rs1), hd = def(t, i->rd);
                movsxd_rr(&t->a, hd, h1);
            } else if (i->rd != REG_SINK) {
                emit_alui(t, i, ALU_ADD, false);
                sext32(t, t->rs.host[i->rd]);
            }
            return true;
        case INSN_slliw:
        case INSN_srliw:
        case INSN_sraiw:
            if (i->rd != REG_SINK) {
                emit_shifti(t, i,
                            i->sem == INSN_slliw   ? SH_SHL
                            : i->sem == INSN_srliw ? SH_SHR
                                                   : SH_SAR,
                            false);
                /* a logical right shift by 1..31 leaves bit 31 clear: the 32-bit result
                 * is already its own sign extension */
                if (i->sem != INSN_srliw || (i->imm & 31) == 0)
                    sext32(t, t->rs.host[i->rd]);
            }
            return true;
        case INSN_addw:
        case INSN_subw:
            if (i->rd != REG_SINK) {
                emit_alu3(t, i, i->sem == INSN_addw ? ALU_ADD : ALU_SUB, i->sem == INSN_addw,
                          false);
                sext32(t, t->rs.host[i->rd]);
            }
            return true;
        case INSN_sllw:
        case INSN_srlw:
        case INSN_sraw:
            if (i->rd != REG_SINK) {
                emit_shiftr(t, i,
                            i->sem == INSN_sllw   ? SH_SHL
                            : i->sem == INSN_srlw ? SH_SHR
                                                  : SH_SAR,
                            false);
                sext32(t, t->rs.host[i->rd]);
            }
            return true;
        case INSN_mulw: emit_mul(t, i, true); return true;
        case INSN_divw: emit_div(t, i, true, false, true); return true;
        case INSN_divuw: emit_div(t, i, false, false, true); return true;
        case INSN_remw: emit_div(t, i, true, true, true); return true;
        case INSN_remuw: emit_div(t, i, false, true, true); return true;
        default: break;
        }
    }
    return emit_call_body(t, h, i, insn_table[i->id].flags & END);
}

static void emit_stub(struct tr *t, struct stub *s)
{
    struct asmb *a = &t->a;
    struct jit *j = t->j;
    patch(a, s->from, a->p);
    const struct insn *i = s->ins;
    switch (s->kind) {
    case STUB_TAKEN:
        emit_writeback(a, &s->rs);
        lea(a, true, HREG_CYC, HREG_CYC, t->taken_extra - (int32_t)i->after_cost);
        if (i->after_n)
            alu_ri(a, ALU_SUB, true, HREG_RET, i->after_n);
        emit_link_exit(t, i, s->pc);
        break;
    case STUB_LEAVE:
        emit_writeback(a, &s->rs);
        if (i->after_cost)
            lea(a, true, HREG_CYC, HREG_CYC, -(int32_t)i->after_cost);
        if (i->after_n)
            alu_ri(a, ALU_SUB, true, HREG_RET, i->after_n);
        store_pc(t, s->pc);
        jmp_to(a, j->r_exit_loop);
        break;
    case STUB_LOAD:
    case STUB_STORE: {
        /* rax = the address */
        emit_writeback(a, &s->rs);
        store_counters(a);
        unsigned size = mem_size(s->op);
        if (s->kind == STUB_STORE) {
            mov_rr(a, true, R8, s->reg);
        } else {
            lea(a, true, R8, HREG_H, H_OFF(load_tmp));
        }
        mov_rr(a, true, RDX, RAX);
        mov_imm(a, RCX, size);
        mov_rr(a, true, RDI, HREG_H);
        mov_imm(a, RSI, (uint64_t)(uintptr_t)i);
        call_abs(a, s->kind == STUB_STORE ? (const void *)hart_store_slow
                                          : (const void *)hart_load_slow);
        op_rr(a, 0x85, false, RAX, RAX);
        jcc_to(a, CC_NE, j->r_exit_mem);
        /* The slow path may add cycles: a region's wait states (core/hart.c, load_at). */
        load64(a, HREG_CYC, HREG_H, H_OFF(cycles));
        emit_loop_bound(t);
        emit_reload_caller_saved(a, &s->rs);
        if (s->kind == STUB_LOAD && s->reg >= 0)
            emit_load_ext(t, s->op, s->reg, HREG_H, -1, H_OFF(load_tmp));
        jmp_to(a, s->resume);
        break;
    }
    case STUB_TRAP_RAX:
        emit_writeback(a, &s->rs);
        store_counters(a);
        mov_rr(a, true, RCX, RAX);
        mov_imm(a, RDX, s->op);
        mov_rr(a, true, RDI, HREG_H);
        mov_imm(a, RSI, (uint64_t)(uintptr_t)i);
        call_abs(a, (const void *)jit_trap);
        jmp_to(a, j->r_exit_mem);
        break;
    }
}

/* ---- shared routines ---- */

static void emit_shared(struct jit *j, struct asmb *a)
{
    /* Return 1 to whoever called the block's entry; the counts are in the hart already. */
    j->r_exit_mem = a->p;
    epilogue_pops(a);
    mov_imm(a, RAX, 1);
    put1(a, 0xc3);
    /* The same, storing the counts first (exec_leave_after and the like). */
    j->r_exit_loop = a->p;
    store_counters(a);
    jmp_to(a, j->r_exit_mem);
    /* Leave by exit rsi without following its link: hart_run links it (h->exit). */
    j->r_exit_link = a->p;
    store64(a, HREG_H, H_OFF(exit), RSI);
    load64(a, RAX, HREG_H, H_OFF(chain_tag));
    store64(a, HREG_H, H_OFF(exit_tag), RAX);
    jmp_to(a, j->r_exit_loop);
    /* Enter block rax (its link was checked) in the interpreter: count it, then its first
     * body by a tail call. (Translated code counts its own block: emit_enter_rax.) */
    j->r_enter_interp = a->p;
    op_rm(a, 0x8b, false, RCX, RAX, (int32_t)offsetof(struct block, cost));
    alu_rr(a, ALU_ADD, true, HREG_CYC, RCX);
    op_rm(a, 0x8b, false, RCX, RAX, (int32_t)offsetof(struct block, n));
    alu_rr(a, ALU_ADD, true, HREG_RET, RCX);
    lea(a, true, RSI, RAX, (int32_t)offsetof(struct block, insns));
    load64(a, RAX, RSI, (int32_t)offsetof(struct insn, fn));
    store_counters(a);
    mov_rr(a, true, RDI, HREG_H);
    epilogue_pops(a);
    jmp_reg(a, RAX);
}

/* ---- the code buffer ---- */

/* The thread's CPU time: what translating costs the run, even on a loaded host (where the
 * wall time also counts the time other processes had the CPU). */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Make [lo, hi) of the buffer writable (not executable) or executable (not writable). */
static bool set_writable(struct jit *j, uint8_t *lo, uint8_t *hi, bool writable)
{
    uintptr_t p0 = (uintptr_t)lo & ~(uintptr_t)(j->page - 1);
    uintptr_t p1 = ((uintptr_t)hi + (uintptr_t)j->page - 1) & ~(uintptr_t)(j->page - 1);
    return mprotect((void *)p0, p1 - p0,
                    writable ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC) == 0;
}

/* The instructions emit_insn generates inline (the others call their bodies). */
static bool native(const struct tr *t, unsigned sem)
{
    switch (sem) {
    case INSN_lb:
    case INSN_lh:
    case INSN_lw:
    case INSN_lbu:
    case INSN_lhu:
    case INSN_sb:
    case INSN_sh:
    case INSN_sw:
    case INSN_addi:
    case INSN_xori:
    case INSN_ori:
    case INSN_andi:
    case INSN_slti:
    case INSN_sltiu:
    case INSN_slli:
    case INSN_srli:
    case INSN_srai:
    case INSN_add:
    case INSN_sub:
    case INSN_and:
    case INSN_or:
    case INSN_xor:
    case INSN_slt:
    case INSN_sltu:
    case INSN_sll:
    case INSN_srl:
    case INSN_sra:
    case INSN_mul:
    case INSN_mulh:
    case INSN_mulhu:
    case INSN_mulhsu:
    case INSN_div:
    case INSN_divu:
    case INSN_rem:
    case INSN_remu: return true;
    case INSN_ld:
    case INSN_lwu:
    case INSN_sd:
    case INSN_addiw:
    case INSN_slliw:
    case INSN_srliw:
    case INSN_sraiw:
    case INSN_addw:
    case INSN_subw:
    case INSN_sllw:
    case INSN_srlw:
    case INSN_sraw:
    case INSN_mulw:
    case INSN_divw:
    case INSN_divuw:
    case INSN_remw:
    case INSN_remuw: return t->w;
    default: return false;
    }
}

/* A conditional branch back to the block's start makes the block a loop (the first such
 * branch): the guest registers the instructions up to it use most (at most NHOST) stay in
 * host registers across iterations. */
static void plan_loop(struct tr *t, const struct hart *h, const struct block *b)
{
    unsigned count[33] = { 0 };
    const struct insn *back = NULL;
    for (unsigned k = 0; k < b->n && !back; k++) {
        const struct insn *i = &b->insns[k];
        if (i->id == INSN_COUNT || body_of(t, h, i) != t->dispatch[i->id])
            return; /* it traps or ends the block here */
        if (is_branch(i->sem) && xmask(t, i->pc + (uint64_t)i->imm) == b->insns[0].pc)
            back = i;
        if (!is_branch(i->sem) && !native(t, i->sem))
            continue; /* a call: it takes no registers */
        count[i->rs1]++;
        count[i->rs2]++; /* (0 in I-type entries) */
        if (i->rd != REG_SINK && !is_branch(i->sem))
            count[i->rd]++;
    }
    if (!back)
        return;
    t->loop_branch = back;
    t->loop_end = (unsigned)(back - b->insns);
    t->loop_set = 0;
    count[0] = count[REG_SINK] = 0; /* x0 is read from h->x[0] like the others, when used */
    for (unsigned n = 0; n < NHOST; n++) {
        int best = 0;
        for (int g = 1; g < 32; g++)
            if (count[g] > count[best])
                best = g;
        if (!count[best])
            break;
        t->loop_set |= 1u << best;
        count[best] = 0;
    }
}

static bool has_fallthrough(const struct insn *last)
{
    if (!(last->flags & END))
        return true;
    if (last->id == INSN_COUNT || (last->flags & NO_FUSE))
        return false;
    return is_branch(last->sem) || last->sem == INSN_jal;
}

/* HARTLAB_JIT_DUMP: the block's code in a file of its own, and a line of perf's map. */
static void dump_block(const struct jit *j, const struct block *b, const uint8_t *lo,
                       const uint8_t *end)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/jit-%ld-%p.bin", j->dump_dir, (long)getpid(), (void *)lo);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(lo, 1, (size_t)(end - lo), f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/perf-%ld.map", j->dump_dir, (long)getpid());
    f = fopen(path, "a");
    if (f) {
        fprintf(f, "%lx %lx guest_%llx_n%u\n", (unsigned long)(uintptr_t)lo,
                (unsigned long)(end - lo), (unsigned long long)b->insns[0].pc, b->n);
        fclose(f);
    }
}

/* Translate `b` into [code_used, hi), which is writable: true with the code in place, false
 * when it did not fit (`*over`) or cannot be translated. */
static bool translate_in(struct jit *j, struct hart *h, struct block *b, uint8_t *hi, bool *over);

static int jit_heat(struct hart *h, const struct insn *i);

/* Translate the queued blocks: one writable window for all of them, then executable again.
 * A block that does not fit stays interpreted, and the buffer counts as full. */
static void drain(struct jit *j, struct hart *h)
{
    uint64_t t0 = now_ns();
    size_t start = (j->code_used + 15) & ~(size_t)15, need = BLOCK_WINDOW;
    for (unsigned k = 0; k < j->nqueue; k++)
        need += 2048 + (size_t)j->queue[k]->n * 640;
    if (start + need > j->code_size)
        need = j->code_size - start;
    uint8_t *lo = j->code + start, *hi = lo + need;
    bool writable = need > 0 && set_writable(j, lo, hi, true);
    for (unsigned k = 0; k < j->nqueue; k++) {
        struct block *b = j->queue[k];
        if (b->insns[0].fn != jit_heat)
            continue;
        b->insns[0].fn = b->first_fn;
        bool over = true;
        if (writable && b->valid && !j->full && translate_in(j, h, b, hi, &over))
            continue;
        j->st.refused++;
        if (over)
            j->full = true;
    }
    j->nqueue = 0;
    if (writable && !set_writable(j, lo, hi, false))
        j->full = true; /* (cannot happen: the pages were executable before) */
    j->st.translate_ns += now_ns() - t0;
}

static bool translate_in(struct jit *j, struct hart *h, struct block *b, uint8_t *hi, bool *over)
{
    size_t start = (j->code_used + 15) & ~(size_t)15;
    uint8_t *lo = j->code + start;
    *over = false;
    if (lo + 64 > hi) {
        *over = true;
        return false;
    }
    struct tr t;
    memset(&t, 0, sizeof t);
    t.j = j;
    t.a = (struct asmb){ lo, hi, false };
    t.b = b;
    t.xlen = h->xlen;
    t.w = h->xlen == 64;
    t.dispatch = h->xlen == 32 ? rv32_dispatch : rv64_dispatch;
    t.taken_extra = (int32_t)h->taken_extra;
    rs_init(&t.rs);
    size_t data_mark = j->data_used;

    struct asmb *a = &t.a;
    uint8_t *entry = a->p;
    push(a, RBP);
    push(a, RBX);
    push(a, R12);
    push(a, R13);
    push(a, R14);
    push(a, R15);
    alu_ri(a, ALU_SUB, true, RSP, 8);
    mov_rr(a, true, HREG_H, RDI);
    load_counters(a);
    /* Other translated blocks enter at `internal` with the block not yet counted (the C
     * entry's caller counted it). */
    uint8_t *to_body = jmp32(a);
    uint8_t *internal = a->p;
    alu_ri(a, ALU_ADD, true, HREG_CYC, (int32_t)b->cost);
    alu_ri(a, ALU_ADD, true, HREG_RET, (int32_t)b->n);
    patch(a, to_body, a->p);
    plan_loop(&t, h, b);
    if (t.loop_branch) {
        emit_loop_bound(&t);
        /* Load the loop's registers; all count as changed from here on, so that every exit
         * writes them back whatever the iteration did. */
        for (int g = 1; g < 32; g++)
            if (t.loop_set >> g & 1) {
                t.locked = 0;
                use(&t, g);
                t.rs.dirty[g] = true;
            }
        t.loop = a->p;
        t.loop_rs = t.rs;
    }
    bool ok = true;
    for (unsigned k = 0; k < b->n && ok; k++) {
        t.locked = 0;
        t.cur = k;
        ok = emit_insn(&t, h, &b->insns[k]);
    }
    if (ok && has_fallthrough(&b->insns[b->n - 1])) {
        const struct insn *ft = &b->insns[b->n];
        emit_writeback(a, &t.rs);
        emit_link_exit(&t, ft, ft->pc);
    }
    for (unsigned k = 0; k < t.nstubs && ok; k++)
        emit_stub(&t, &j->stubs[k]);
    ok = ok && !t.fail && !a->over;
    uint8_t *end = a->p;
    if (!ok) {
        j->data_used = data_mark;
        *over = a->over;
        return false;
    }
    j->code_used = (size_t)(end - j->code);
    j->st.code_bytes += (size_t)(end - lo);
    if (j->code_used > j->st.code_peak)
        j->st.code_peak = j->code_used;
    j->st.translated++;
    j->st.guest_insns += b->n;
    if (j->dump_dir)
        dump_block(j, b, lo, end);
    b->jit = internal;
    b->insns[0].fn = (insn_fn)(void *)entry;
    return true;
}

/* The first entry of a watched block until it is translated: count, translate when hot. */
static int jit_heat(struct hart *h, const struct insn *i)
{
    struct block *b = (struct block *)((char *)i - offsetof(struct block, insns));
    struct jit *j = h->cc->jit;
    uint32_t heat = ++b->heat;
    if (heat == j->threshold) {
        if (!b->valid || j->full ||
            (j->max_blocks && j->st.translated + j->nqueue >= j->max_blocks))
            b->insns[0].fn = b->first_fn; /* stays interpreted */
        else
            j->queue[j->nqueue++] = b;
    }
    /* Translate the queue when it is full, when one of its blocks has waited as long again
     * as it took to get hot, or at once with a threshold of 1 (tests). */
    if (j->nqueue && (j->nqueue == JIT_BATCH || j->threshold == 1 || heat >= 2 * j->threshold))
        drain(j, h);
    insn_fn fn = b->insns[0].fn == jit_heat ? b->first_fn : b->insns[0].fn;
    MUSTTAIL return fn(h, i);
}

struct jit *jit_new(const struct jit_config *cfg)
{
    struct jit *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->threshold = cfg && cfg->threshold ? cfg->threshold : JIT_DEFAULT_THRESHOLD;
    j->max_blocks = cfg ? cfg->max_blocks : 0;
    j->dump_dir = cfg ? cfg->dump_dir : NULL;
    j->code_size = cfg && cfg->code_size ? cfg->code_size : JIT_DEFAULT_CODE_SIZE;
    j->page = sysconf(_SC_PAGESIZE);
    if (j->page <= 0)
        j->page = 4096;
    j->code_size = (j->code_size + (size_t)j->page - 1) & ~(size_t)(j->page - 1);
    if (j->code_size < 2 * BLOCK_WINDOW)
        j->code_size = 2 * BLOCK_WINDOW;
    j->code =
        mmap(NULL, j->code_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    j->data = mmap(NULL, DATA_ENTRIES * sizeof(struct insn), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (j->code == MAP_FAILED || j->data == MAP_FAILED) {
        if (j->code != MAP_FAILED)
            munmap(j->code, j->code_size);
        if (j->data != MAP_FAILED)
            munmap(j->data, DATA_ENTRIES * sizeof(struct insn));
        free(j);
        return NULL;
    }
    uint8_t *lo = j->code, *hi = lo + (size_t)j->page;
    struct asmb a = { lo, hi, false };
    if (!set_writable(j, lo, hi, true)) {
        jit_free(j);
        return NULL;
    }
    emit_shared(j, &a);
    if (a.over || !set_writable(j, lo, hi, false)) {
        jit_free(j);
        return NULL;
    }
    j->code_base = j->code_used = (size_t)j->page;
    return j;
}

void jit_free(struct jit *j)
{
    if (!j)
        return;
    if (j->code && j->code != MAP_FAILED)
        munmap(j->code, j->code_size);
    if (j->data && j->data != MAP_FAILED)
        munmap(j->data, DATA_ENTRIES * sizeof(struct insn));
    free(j);
}

void jit_watch(struct jit *j, struct block *b)
{
    (void)j;
    b->heat = 0;
    b->jit = NULL;
    b->first_fn = b->insns[0].fn;
    b->insns[0].fn = jit_heat;
}

bool jit_full(const struct jit *j)
{
    return j->full;
}

void jit_flush(struct jit *j)
{
    j->nqueue = 0; /* the queued blocks are gone with the cache */
    j->code_used = j->code_base;
    j->data_used = 0;
    j->full = false;
    j->st.flushes++;
}

void jit_get_stats(const struct jit *j, struct jit_stats *st)
{
    *st = j->st;
}

#else /* no translator for this host */

bool jit_host_supported(void)
{
    return false;
}

struct jit *jit_new(const struct jit_config *cfg)
{
    (void)cfg;
    return NULL;
}

void jit_free(struct jit *j)
{
    (void)j;
}

void jit_watch(struct jit *j, struct block *b)
{
    (void)j;
    (void)b;
}

bool jit_full(const struct jit *j)
{
    (void)j;
    return false;
}

void jit_flush(struct jit *j)
{
    (void)j;
}

void jit_get_stats(const struct jit *j, struct jit_stats *st)
{
    (void)j;
    memset(st, 0, sizeof *st);
}

#endif
