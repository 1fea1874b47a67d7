/* The decoder, expanded from the instruction table (core/insns.def).
 *
 * Operand layouts follow the RISC-V Unprivileged ISA: base formats in chapter 2.3 ("Immediate
 * Encoding Variants"), compressed formats in chapter 16 (tables "Compressed 16-bit RVC
 * instruction formats" and the per-instruction immediate bit orders). A compressed row
 * extracts its operands into the fields of the base instruction it expands to, so one
 * semantic body serves both encodings.
 */
#include "core/decode.h"

#include <stdlib.h>

#include "core/hart.h"

const struct insn_desc insn_table[INSN_COUNT] = {
#define INSN(id, nm, mt, mk, fm, ex, xl, co, fl, se)                                               \
    [INSN_##id] = { .name = nm,                                                                    \
                    .match = mt,                                                                   \
                    .mask = mk,                                                                    \
                    .fmt = fm,                                                                     \
                    .ext = ex,                                                                     \
                    .xlen = xl,                                                                    \
                    .cost_class = co,                                                              \
                    .flags = fl,                                                                   \
                    .sem = INSN_##se },
#include "core/insns.def"
#undef INSN
};

/* Bits hi..lo of x, shifted down. */
static inline uint32_t bits(uint32_t x, unsigned hi, unsigned lo)
{
    return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Bit `from` of x moved to position `to`. */
static inline uint32_t bit_to(uint32_t x, unsigned from, unsigned to)
{
    return ((x >> from) & 1u) << to;
}

uint32_t insn_ext_misa_bit(enum insn_ext ext)
{
    switch (ext) {
    case EXT_M: return ISA_EXT('M');
    case EXT_A: return ISA_EXT('A');
    case EXT_C: return ISA_EXT('C');
    case EXT_F: return ISA_EXT('F');
    case EXT_D: return ISA_EXT('D');
    case EXT_I:
    case EXT_ZICSR:
    case EXT_ZIFENCEI: return 0;
    }
    return 0;
}

bool insn_fmt_fp_rd(enum insn_fmt fmt)
{
    switch (fmt) {
    case FMT_FLOAD:
    case FMT_R4:
    case FMT_F_RRR_RM:
    case FMT_F_RRR:
    case FMT_F_RR_RM:
    case FMT_F_FX_RM:
    case FMT_F_FX:
    case FMT_CL_FW:
    case FMT_CL_FD:
    case FMT_CI_FLWSP:
    case FMT_CI_FLDSP: return true;
    default: return false;
    }
}

/* The extension a compressed FP load/store needs besides C. */
static uint32_t cfp_misa_bit(enum insn_fmt fmt)
{
    switch (fmt) {
    case FMT_CL_FW:
    case FMT_CS_FW:
    case FMT_CI_FLWSP:
    case FMT_CSS_FSWSP: return ISA_EXT('F');
    case FMT_CL_FD:
    case FMT_CS_FD:
    case FMT_CI_FLDSP:
    case FMT_CSS_FSDSP: return ISA_EXT('D');
    default: return 0;
    }
}

static bool row_enabled(const struct insn_desc *d, unsigned xlen, uint32_t misa_ext)
{
    if (d->xlen && d->xlen != xlen)
        return false;
    uint32_t need = insn_ext_misa_bit(d->ext) | cfp_misa_bit(d->fmt);
    return (misa_ext & need) == need;
}

const struct insn_desc *insn_lookup_linear(uint32_t raw, unsigned xlen, uint32_t misa_ext)
{
    bool compressed = (raw & 3) != 3;
    const struct insn_desc *best = NULL;
    int best_bits = -1;
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        if ((d->ext == EXT_C) != compressed)
            continue;
        if ((raw & d->mask) != d->match || !row_enabled(d, xlen, misa_ext))
            continue;
        int n = __builtin_popcount(d->mask);
        if (n > best_bits) {
            best = d;
            best_bits = n;
        }
    }
    return best;
}

/* The rows that can match an encoding, by its major opcode: bits 6..0 of a 32-bit
 * instruction (128 keys), bits 1..0 and 15..13 of a compressed one (32 keys after those).
 * A row is in a key's list when some encoding with those key bits matches it, in table
 * order, so that searching a list as insn_lookup_linear searches the table finds the same
 * row. Each row's popcount is kept beside it. Built once, before main (a constructor). */
#define KEYS_32 128u
#define KEYS    (KEYS_32 + 32u)
static struct {
    uint16_t first[KEYS + 1]; /* list of key k: rows[first[k] .. first[k + 1]) */
    uint16_t *rows;
    uint8_t *bits;
} by_key;

static unsigned key_of(uint32_t raw)
{
    return (raw & 3) == 3 ? (raw & 0x7f) : KEYS_32 + ((raw & 3) | ((raw >> 13) & 7) << 2);
}

/* Whether row d can match some encoding whose key is k. */
static bool row_in_key(const struct insn_desc *d, unsigned k)
{
    if (k < KEYS_32)
        return d->ext != EXT_C && (k & d->mask & 0x7f) == (d->match & 0x7f);
    uint32_t kb = ((k - KEYS_32) & 3) | (((k - KEYS_32) >> 2) & 7) << 13, km = 0xe003;
    return d->ext == EXT_C && (kb & d->mask & km) == (d->match & km) && (kb & 3) != 3;
}

__attribute__((constructor)) static void build_keys(void)
{
    size_t n = 0;
    for (unsigned k = 0; k < KEYS; k++)
        for (unsigned i = 0; i < INSN_COUNT; i++)
            n += row_in_key(&insn_table[i], k);
    if (n > UINT16_MAX)
        return; /* cannot happen with this table; insn_lookup would search all of it */
    by_key.rows = malloc(n * sizeof *by_key.rows);
    by_key.bits = malloc(n);
    if (!by_key.rows || !by_key.bits) {
        free(by_key.rows);
        free(by_key.bits);
        by_key.rows = NULL; /* insn_lookup searches the whole table */
        return;
    }
    n = 0;
    for (unsigned k = 0; k < KEYS; k++) {
        by_key.first[k] = (uint16_t)n;
        for (unsigned i = 0; i < INSN_COUNT; i++)
            if (row_in_key(&insn_table[i], k)) {
                by_key.bits[n] = (uint8_t)__builtin_popcount(insn_table[i].mask);
                by_key.rows[n++] = (uint16_t)i;
            }
    }
    by_key.first[KEYS] = (uint16_t)n;
}

const struct insn_desc *insn_lookup(uint32_t raw, unsigned xlen, uint32_t misa_ext)
{
    if (!by_key.rows)
        return insn_lookup_linear(raw, xlen, misa_ext);
    unsigned k = key_of(raw);
    const struct insn_desc *best = NULL;
    int best_bits = -1;
    for (unsigned j = by_key.first[k]; j < by_key.first[k + 1]; j++) {
        const struct insn_desc *d = &insn_table[by_key.rows[j]];
        if ((raw & d->mask) != d->match || by_key.bits[j] <= best_bits ||
            !row_enabled(d, xlen, misa_ext))
            continue;
        best = d;
        best_bits = by_key.bits[j];
    }
    return best;
}

/* Register fields of the compressed formats that name x8..x15 with three bits. */
static inline uint8_t creg(uint32_t raw, unsigned lo)
{
    return (uint8_t)(8 + bits(raw, lo + 2, lo));
}

/* Extract operands for `fmt`; false for reserved encodings of that format. */
static bool extract(struct insn *o, uint32_t raw, enum insn_fmt fmt, unsigned xlen)
{
    uint32_t rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
    uint32_t v;

    switch (fmt) {
    case FMT_NONE: break;
    case FMT_F_RRR:
    case FMT_F_XFF:
    case FMT_F_XF:
    case FMT_F_FX:
    case FMT_R:
    case FMT_AMO:
        o->rd = rd, o->rs1 = rs1, o->rs2 = rs2;
        o->imm = fmt == FMT_AMO ? bits(raw, 26, 25) : 0;
        break;
    case FMT_LR:
        o->rd = rd, o->rs1 = rs1;
        o->imm = bits(raw, 26, 25);
        break;
    case FMT_F_RRR_RM:
    case FMT_F_RR_RM:
    case FMT_F_XF_RM:
    case FMT_F_FX_RM:
        o->rd = rd, o->rs1 = rs1, o->rs2 = rs2;
        o->imm = bits(raw, 14, 12);
        break;
    case FMT_R4:
        o->rd = rd, o->rs1 = rs1, o->rs2 = rs2;
        o->imm = bits(raw, 14, 12) | (bits(raw, 31, 27) << 3);
        break;
    case FMT_I:
    case FMT_LOAD:
    case FMT_FLOAD:
        o->rd = rd, o->rs1 = rs1;
        o->imm = sext(raw >> 20, 12);
        break;
    case FMT_SHIFT:
        o->rd = rd, o->rs1 = rs1;
        o->imm = bits(raw, 25, 20);
        break;
    case FMT_STORE:
    case FMT_FSTORE:
        o->rs1 = rs1, o->rs2 = rs2;
        o->imm = sext((bits(raw, 31, 25) << 5) | bits(raw, 11, 7), 12);
        break;
    case FMT_B:
        o->rs1 = rs1, o->rs2 = rs2;
        v = bit_to(raw, 31, 12) | bit_to(raw, 7, 11) | (bits(raw, 30, 25) << 5) |
            (bits(raw, 11, 8) << 1);
        o->imm = sext(v, 13);
        break;
    case FMT_U:
        o->rd = rd;
        o->imm = sext(raw & 0xfffff000u, 32);
        break;
    case FMT_J:
        o->rd = rd;
        v = bit_to(raw, 31, 20) | (bits(raw, 19, 12) << 12) | bit_to(raw, 20, 11) |
            (bits(raw, 30, 21) << 1);
        o->imm = sext(v, 21);
        break;
    case FMT_FENCE: o->imm = raw >> 20; break;
    case FMT_CSR:
    case FMT_CSRI:
        o->rd = rd, o->rs1 = rs1;
        o->imm = raw >> 20;
        break;

    case FMT_CIW_ADDI4SPN:
        o->rd = creg(raw, 2), o->rs1 = 2;
        o->imm = (bits(raw, 12, 11) << 4) | (bits(raw, 10, 7) << 6) | bit_to(raw, 6, 2) |
                 bit_to(raw, 5, 3);
        return o->imm != 0;
    case FMT_CL_W:
    case FMT_CS_W:
    case FMT_CL_FW:
    case FMT_CS_FW:
        o->rs1 = creg(raw, 7);
        if (fmt == FMT_CL_W || fmt == FMT_CL_FW)
            o->rd = creg(raw, 2);
        else
            o->rs2 = creg(raw, 2);
        o->imm = (bits(raw, 12, 10) << 3) | bit_to(raw, 6, 2) | bit_to(raw, 5, 6);
        break;
    case FMT_CL_D:
    case FMT_CS_D:
    case FMT_CL_FD:
    case FMT_CS_FD:
        o->rs1 = creg(raw, 7);
        if (fmt == FMT_CL_D || fmt == FMT_CL_FD)
            o->rd = creg(raw, 2);
        else
            o->rs2 = creg(raw, 2);
        o->imm = (bits(raw, 12, 10) << 3) | (bits(raw, 6, 5) << 6);
        break;
    case FMT_CI_ADDI:
    case FMT_CI_ADDIW:
        o->rd = rd, o->rs1 = rd;
        o->imm = sext(bit_to(raw, 12, 5) | bits(raw, 6, 2), 6);
        return fmt == FMT_CI_ADDI || rd != 0;
    case FMT_CI_LI:
        o->rd = rd, o->rs1 = 0;
        o->imm = sext(bit_to(raw, 12, 5) | bits(raw, 6, 2), 6);
        break;
    case FMT_CI_ADDI16SP:
        o->rd = 2, o->rs1 = 2;
        v = bit_to(raw, 12, 9) | bit_to(raw, 6, 4) | bit_to(raw, 5, 6) | (bits(raw, 4, 3) << 7) |
            bit_to(raw, 2, 5);
        o->imm = sext(v, 10);
        return o->imm != 0;
    case FMT_CI_LUI:
        o->rd = rd;
        o->imm = sext(bit_to(raw, 12, 17) | (bits(raw, 6, 2) << 12), 18);
        return o->imm != 0;
    case FMT_CB_SHIFT:
        o->rd = o->rs1 = creg(raw, 7);
        o->imm = bit_to(raw, 12, 5) | bits(raw, 6, 2);
        return xlen == 64 || !(raw & (1u << 12));
    case FMT_CB_ANDI:
        o->rd = o->rs1 = creg(raw, 7);
        o->imm = sext(bit_to(raw, 12, 5) | bits(raw, 6, 2), 6);
        break;
    case FMT_CA:
        o->rd = o->rs1 = creg(raw, 7);
        o->rs2 = creg(raw, 2);
        break;
    case FMT_CJ_J:
    case FMT_CJ_JAL:
        o->rd = fmt == FMT_CJ_JAL ? 1 : 0;
        v = bit_to(raw, 12, 11) | bit_to(raw, 11, 4) | (bits(raw, 10, 9) << 8) |
            bit_to(raw, 8, 10) | bit_to(raw, 7, 6) | bit_to(raw, 6, 7) | (bits(raw, 5, 3) << 1) |
            bit_to(raw, 2, 5);
        o->imm = sext(v, 12);
        break;
    case FMT_CB_BRANCH:
        o->rs1 = creg(raw, 7), o->rs2 = 0;
        v = bit_to(raw, 12, 8) | (bits(raw, 11, 10) << 3) | (bits(raw, 6, 5) << 6) |
            (bits(raw, 4, 3) << 1) | bit_to(raw, 2, 5);
        o->imm = sext(v, 9);
        break;
    case FMT_CI_SLLI:
        o->rd = rd, o->rs1 = rd;
        o->imm = bit_to(raw, 12, 5) | bits(raw, 6, 2);
        return xlen == 64 || !(raw & (1u << 12));
    case FMT_CI_LWSP:
    case FMT_CI_FLWSP:
        o->rd = rd, o->rs1 = 2;
        o->imm = bit_to(raw, 12, 5) | (bits(raw, 6, 4) << 2) | (bits(raw, 3, 2) << 6);
        return rd != 0 || fmt == FMT_CI_FLWSP;
    case FMT_CI_LDSP:
    case FMT_CI_FLDSP:
        o->rd = rd, o->rs1 = 2;
        o->imm = bit_to(raw, 12, 5) | (bits(raw, 6, 5) << 3) | (bits(raw, 4, 2) << 6);
        return rd != 0 || fmt == FMT_CI_FLDSP;
    case FMT_CR_JR: o->rd = 0, o->rs1 = rd, o->imm = 0; return rd != 0;
    case FMT_CR_JALR: o->rd = 1, o->rs1 = rd, o->imm = 0; return rd != 0;
    case FMT_CR_MV: o->rd = rd, o->rs1 = 0, o->rs2 = bits(raw, 6, 2); break;
    case FMT_CR_ADD: o->rd = rd, o->rs1 = rd, o->rs2 = bits(raw, 6, 2); break;
    case FMT_CSS_SWSP:
    case FMT_CSS_FSWSP:
        o->rs1 = 2, o->rs2 = bits(raw, 6, 2);
        o->imm = (bits(raw, 12, 9) << 2) | (bits(raw, 8, 7) << 6);
        break;
    case FMT_CSS_SDSP:
    case FMT_CSS_FSDSP:
        o->rs1 = 2, o->rs2 = bits(raw, 6, 2);
        o->imm = (bits(raw, 12, 10) << 3) | (bits(raw, 9, 7) << 6);
        break;
    }
    return true;
}

bool insn_decode(uint32_t raw, unsigned xlen, uint32_t misa_ext, struct insn *out)
{
    *out = (struct insn){ .id = INSN_COUNT };
    unsigned len = insn_length((uint16_t)raw);
    if (len == 2)
        raw &= 0xffff;
    out->raw = raw;
    out->len = (uint8_t)(len ? len : 4);
    if (!len || (len == 2 && !(misa_ext & ISA_EXT('C'))))
        return false;
    const struct insn_desc *d = insn_lookup(raw, xlen, misa_ext);
    if (!d)
        return false;
    out->id = (uint16_t)(d - insn_table);
    out->sem = d->sem;
    out->cost = 0; /* the executor gives it its core's cycles for d->cost_class */
    out->flags = d->flags;
    if (!extract(out, raw, d->fmt, xlen)) {
        out->id = INSN_COUNT;
        return false;
    }
    /* Bodies write rd unconditionally; writes to x0 go to the sink. */
    if (out->rd == 0 && !insn_fmt_fp_rd(d->fmt))
        out->rd = REG_SINK;
    return true;
}
