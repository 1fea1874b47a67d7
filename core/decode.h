/* The decoder: turns instruction bits into a `struct insn` (operands plus the semantic body
 * to run), driven only by the instruction table in core/insns.def.
 *
 * Usage:
 *     const struct insn_desc *d = insn_lookup(raw, xlen, ext);   // which row, or NULL
 *     struct insn ins;
 *     if (insn_decode(raw, xlen, ext, &ins)) ...                  // false: illegal
 *
 * `insn_decode` fills every field but `fn`, `cost` and the block bookkeeping; the executor
 * adds the cycles of the row's cost class for its core (core/cost.h) and the
 * handler for its XLEN. Reserved encodings of a format (c.addi4spn with a zero immediate,
 * c.lwsp with rd=x0, ...) decode as illegal.
 */
#ifndef HARTLAB_CORE_DECODE_H
#define HARTLAB_CORE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cost.h"

struct hart;
struct insn;
struct block;

enum insn_fmt {
    FMT_NONE,
    FMT_R,
    FMT_I,
    FMT_SHIFT,
    FMT_LOAD,
    FMT_STORE,
    FMT_B,
    FMT_U,
    FMT_J,
    FMT_FENCE,
    FMT_CSR,
    FMT_CSRI,
    FMT_AMO,
    FMT_LR,
    /* compressed */
    FMT_CIW_ADDI4SPN,
    FMT_CL_W,
    FMT_CL_D,
    FMT_CS_W,
    FMT_CS_D,
    FMT_CI_ADDI,
    FMT_CI_ADDIW,
    FMT_CI_LI,
    FMT_CI_ADDI16SP,
    FMT_CI_LUI,
    FMT_CB_SHIFT,
    FMT_CB_ANDI,
    FMT_CA,
    FMT_CJ_J,
    FMT_CJ_JAL,
    FMT_CB_BRANCH,
    FMT_CI_SLLI,
    FMT_CI_LWSP,
    FMT_CI_LDSP,
    FMT_CR_JR,
    FMT_CR_MV,
    FMT_CR_JALR,
    FMT_CR_ADD,
    FMT_CSS_SWSP,
    FMT_CSS_SDSP,
    /* F and D. Register files per operand: F = f register, X = x register. Formats ending
     * in _RM hold the rounding mode (bits 14:12) in imm; R4 holds rm | rs3 << 3. */
    FMT_FLOAD,    /* f rd, imm(x rs1) */
    FMT_FSTORE,   /* f rs2, imm(x rs1) */
    FMT_R4,       /* f rd, f rs1, f rs2, f rs3, rm */
    FMT_F_RRR_RM, /* f rd, f rs1, f rs2, rm */
    FMT_F_RRR,    /* f rd, f rs1, f rs2 */
    FMT_F_RR_RM,  /* f rd, f rs1, rm */
    FMT_F_XF_RM,  /* x rd, f rs1, rm */
    FMT_F_FX_RM,  /* f rd, x rs1, rm */
    FMT_F_XFF,    /* x rd, f rs1, f rs2 */
    FMT_F_XF,     /* x rd, f rs1 */
    FMT_F_FX,     /* f rd, x rs1 */
    /* compressed FP loads and stores: same layouts as their integer twins, f data register */
    FMT_CL_FW,
    FMT_CL_FD,
    FMT_CS_FW,
    FMT_CS_FD,
    FMT_CI_FLWSP,
    FMT_CI_FLDSP,
    FMT_CSS_FSWSP,
    FMT_CSS_FSDSP,
};

/* True when the format's rd names an f register (so f0 is a real destination). */
bool insn_fmt_fp_rd(enum insn_fmt fmt);

enum insn_ext { EXT_I, EXT_M, EXT_A, EXT_C, EXT_F, EXT_D, EXT_ZICSR, EXT_ZIFENCEI };

/* Row flags. */
#define END         (1u << 0) /* ends a decoded block */
#define COND_BRANCH (1u << 1) /* a conditional branch: taken, it leaves by its link */
#define FIXED_JUMP  (1u << 2) /* a jump to a fixed target (pc + imm) */
/* Set by the executor on a decoded instruction: its body may not be fused with another. */
#define NO_FUSE     (1u << 7)

/* Row ids: INSN_lui, INSN_c_addi, ... */
enum insn_id {
#define INSN(id, name, match, mask, fmt, ext, xlen, cost, flags, sem) INSN_##id,
#include "core/insns.def"
#undef INSN
    INSN_COUNT
};

struct insn_desc {
    const char *name;
    uint32_t match, mask;
    enum insn_fmt fmt;
    enum insn_ext ext;
    uint8_t xlen;       /* 0 = both */
    uint8_t cost_class; /* enum cost_class (core/cost.h) */
    uint8_t flags;
    uint16_t sem; /* enum insn_id of the semantic body */
};

extern const struct insn_desc insn_table[INSN_COUNT];

typedef int (*insn_fn)(struct hart *h, const struct insn *ins);

/* A decoded instruction. Register numbers are architectural, except that a destination
 * of x0 is replaced by 32 (the hart's write sink; f-register destinations keep 0). For CSR formats,
 * `imm` holds the CSR number and rs1 the register or 5-bit immediate. For AMOs, `imm` holds aq/rl.
 */
struct insn {
    insn_fn fn;
    uint64_t pc;
    int64_t imm;
    uint32_t raw;
    uint16_t id;  /* the table row that matched */
    uint16_t sem; /* the semantic body */
    uint8_t rd, rs1, rs2;
    uint8_t len;  /* 2 or 4 */
    uint8_t cost; /* cycles, from the hart's core timing (set by the executor) */
    uint8_t flags;
    /* Block bookkeeping: instructions and cycles after this one to the end of its block
     * (all were counted when the block started, so a trap or an early exit gives them
     * back). */
    uint16_t after_n;
    uint32_t after_cost;
    /* For an entry that can leave its block (a jump or branch, the closing fall-through
     * entry): the block that ran after it last time, valid while `link_tag` equals the
     * hart's chain tag (core/hart.c). */
    struct block *link;
    uint64_t link_tag;
};

#define REG_SINK 32

/* Length of the instruction whose low 16 bits are `lo` (2 or 4); 0 for the longer
 * encodings this implementation does not support. */
static inline unsigned insn_length(uint16_t lo)
{
    if ((lo & 3) != 3)
        return 2;
    if ((lo & 0x1c) != 0x1c)
        return 4;
    return 0;
}

/* The table row `raw` matches for this XLEN and set of enabled extensions (misa bits),
 * or NULL. Tries more specific rows first. */
const struct insn_desc *insn_lookup(uint32_t raw, unsigned xlen, uint32_t misa_ext);
/* The same by a search of the whole table, which insn_lookup's per-opcode lists must agree
 * with (tests/unit/test_decode.c). */
const struct insn_desc *insn_lookup_linear(uint32_t raw, unsigned xlen, uint32_t misa_ext);
/* Decode `raw` (a 16- or 32-bit instruction); false if illegal or reserved. */
bool insn_decode(uint32_t raw, unsigned xlen, uint32_t misa_ext, struct insn *out);
/* misa bit needed for a table extension (0 for always-present ones). */
uint32_t insn_ext_misa_bit(enum insn_ext ext);

#endif
