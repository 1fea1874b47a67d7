/* The disassembler: prints decoded instructions as GNU objdump (binutils 2.40) does, driven
 * by the instruction table (core/insns.def) and the operands the decoder extracted.
 *
 * A compressed row carries the operands of the base instruction it expands to (RISC-V
 * Unprivileged ISA chapter 16), so it is printed through its base row, as objdump does
 * (`c.mv` prints as `mv`, `c.jr ra` as `ret`). Printing is one function per operand format of
 * the base row, after an alias step that picks the pseudo-instructions of the assembly
 * programmer's handbook (Unprivileged ISA chapter 25, tables "RISC-V pseudoinstructions"
 * and "Pseudoinstructions for accessing control and status registers") where objdump does.
 * Register names are the ABI names of the RISC-V psABI; CSR names those of the Privileged
 * Architecture "CSR Listing". Trap causes are named as in the Privileged Architecture's
 * mcause table, with what tval holds for each (section 3.1.16, "Machine Trap Value").
 */
#include "core/disasm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/csr.h"
#include "core/hart.h"

/* Fields of FENCE that are reserved for future use (Unprivileged ISA 2.7): the hart executes
 * such encodings as a plain fence, but objdump only knows the canonical ones. */
#define FENCE_FM_SHIFT 28
#define FENCE_RS1_RD   0x000f8f80u
#define FENCE_TSO      0x8330000fu

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *disasm_reg_name(unsigned reg)
{
    return reg < 32 ? abi_names[reg] : "zero";
}

/* f registers by their psABI names. */
static const char *const fabi_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *freg(unsigned r)
{
    return fabi_names[r & 31];
}

/* The rounding-mode operand as objdump prints it: nothing for DYN, "unknown" for the
 * reserved 5 and 6. */
static const char *rm_suffix(int64_t rm)
{
    static const char *const s[8] = {
        ",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", "",
    };
    return s[rm & 7];
}

/* CSR names as objdump prints them (binutils 2.40, Privileged Architecture 1.12 names): the
 * CSR table's rows, those hartlab implements and those it only names (core/csrs.def). */
const char *disasm_csr_name(unsigned csr)
{
    switch (csr) {
#define CSR_IMPL(id, name, number, xlen, ext, gate, read, write) CSR_NAME(id, name, number)
#define CSR_NAME(id, name, number)                                                                 \
    case number:                                                                                   \
        return #name;
#include "core/csrs.def"
#undef CSR_IMPL
#undef CSR_NAME
    default: return NULL;
    }
}

/* An output buffer that truncates safely. */
struct out {
    char *p;
    size_t len, cap;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
put(struct out *o, const char *fmt, ...)
{
    if (o->len >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static const char *reg(unsigned r)
{
    return disasm_reg_name(r);
}

static bool is_zero(unsigned r)
{
    return r == 0 || r == REG_SINK;
}

/* Branch/jump target, wrapped to XLEN as the hart computes it. */
static uint64_t target(const struct insn *ins, unsigned xlen)
{
    uint64_t t = ins->pc + (uint64_t)ins->imm;
    return xlen == 32 ? (uint32_t)t : t;
}

static void put_csr(struct out *o, unsigned csr)
{
    const char *name = disasm_csr_name(csr);
    if (name)
        put(o, "%s", name);
    else
        put(o, "0x%x", csr);
}

/* fence's predecessor/successor sets, "iorw" order (Unprivileged ISA 2.7); objdump calls
 * the empty set "unknown". */
static void put_fence_set(struct out *o, unsigned set)
{
    if (!set) {
        put(o, "unknown");
        return;
    }
    static const char letters[] = "iorw";
    for (unsigned i = 0; i < 4; i++)
        if (set & (8u >> i))
            put(o, "%c", letters[i]);
}

static const char *aqrl_suffix(int64_t aqrl)
{
    static const char *const s[4] = { "", ".rl", ".aq", ".aqrl" };
    return s[aqrl & 3];
}

/* The row whose mnemonic and operand format print a decoded instruction: compressed rows
 * print as the base instruction they expand to. */
static const struct insn_desc *base_desc(const struct insn *ins)
{
    return &insn_table[ins->sem < INSN_COUNT ? ins->sem : ins->id];
}

/* binutils 2.40 lists `add rd,rs1,imm`, `csrw csr,uimm`, ... as aliases of the immediate
 * forms, before the forms themselves, and its disassembler prints the first entry that
 * matches: so these immediate instructions print under the register form's name. */
static const struct {
    uint16_t sem;
    const char *name;
} imm_form_names[] = {
    { INSN_addi, "add" },     { INSN_andi, "and" },     { INSN_xori, "xor" },
    { INSN_ori, "or" },       { INSN_slli, "sll" },     { INSN_srli, "srl" },
    { INSN_srai, "sra" },     { INSN_addiw, "addw" },   { INSN_slliw, "sllw" },
    { INSN_srliw, "srlw" },   { INSN_sraiw, "sraw" },   { INSN_csrrwi, "csrrw" },
    { INSN_csrrsi, "csrrs" }, { INSN_csrrci, "csrrc" },
};

static const char *mnemonic(const struct insn *ins)
{
    for (size_t i = 0; i < sizeof imm_form_names / sizeof imm_form_names[0]; i++)
        if (imm_form_names[i].sem == ins->sem)
            return imm_form_names[i].name;
    return base_desc(ins)->name;
}

/* The name part of the F CSR pseudo-instructions (frflags, fsrm, fscsr, ...), or NULL. */
static const char *fp_csr_alias(unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS: return "flags";
    case CSR_FRM: return "rm";
    case CSR_FCSR: return "csr";
    default: return NULL;
    }
}

/* Conversions to double that are always exact (their rm field is not printed). */
static bool fp_exact_cvt(unsigned sem)
{
    return sem == INSN_fcvt_d_s || sem == INSN_fcvt_d_w || sem == INSN_fcvt_d_wu;
}

/* What the alias step decided. */
enum alias {
    ALIAS_NONE,    /* no alias: try the next step */
    ALIAS_PRINTED, /* printed */
    ALIAS_BASE,    /* print the base form, without the pseudo-instruction step */
};

/* Compressed HINTs (Unprivileged ISA 16.7, "HINT Instructions") and the few compressed
 * forms objdump prints under their own name rather than the base instruction's. */
static enum alias put_compressed(struct out *o, const struct insn *ins)
{
    const struct insn_desc *row = &insn_table[ins->id];
    const char *rd = reg(ins->rd), *rs2 = reg(ins->rs2);
    long long imm = (long long)ins->imm;
    bool rd0 = is_zero(ins->rd);

    switch (row->fmt) {
    case FMT_CI_ADDI:
        if (rd0 && imm == 0)
            put(o, "nop");
        else if (rd0)
            put(o, "c.nop %lld", imm);
        else
            return imm == 0 ? ALIAS_BASE : ALIAS_NONE; /* not `mv rd,rd` */
        return ALIAS_PRINTED;
    case FMT_CI_LI:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.li %s,%lld", rd, imm);
        return ALIAS_PRINTED;
    case FMT_CI_LUI:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.lui %s,0x%llx", rd, (imm >> 12) & 0xfffff);
        return ALIAS_PRINTED;
    case FMT_CI_SLLI:
    case FMT_CB_SHIFT:
        /* A zero shift amount is the RV128 64-bit shift, a HINT below RV128. */
        if (imm == 0)
            put(o, "%s64 %s", row->name, rd);
        else if (rd0)
            put(o, "%s %s,0x%llx", row->name, rd, imm);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case FMT_CR_MV: put(o, "%s %s,%s", rd0 ? "c.mv" : "mv", rd, rs2); return ALIAS_PRINTED;
    case FMT_CR_ADD:
        if (!rd0)
            return ALIAS_NONE;
        put(o, "c.add %s,%s", rd, rs2);
        return ALIAS_PRINTED;
    default: return ALIAS_NONE;
    }
}

/* The counters with a `rdNAME` pseudo-instruction; the high halves only on RV32. */
static bool has_rd_alias(unsigned csr, unsigned xlen)
{
    switch (csr) {
    case CSR_CYCLE:
    case CSR_TIME:
    case CSR_INSTRET: return true;
    case CSR_CYCLEH:
    case CSR_TIMEH:
    case CSR_INSTRETH: return xlen == 32;
    default: return false;
    }
}

static void put_target(struct out *o, const char *mn, const char *r, uint64_t t)
{
    if (r)
        put(o, "%s %s,%" PRIx64, mn, r, t);
    else
        put(o, "%s %" PRIx64, mn, t);
}

/* Pseudo-instructions of the base instructions (Unprivileged ISA chapter 25). */
static enum alias put_pseudo(struct out *o, const struct insn *ins, unsigned xlen)
{
    unsigned rd = ins->rd, rs1 = ins->rs1, rs2 = ins->rs2;
    long long imm = (long long)ins->imm;
    unsigned csr = (unsigned)ins->imm;
    uint64_t t = target(ins, xlen);

    switch (ins->sem) {
    case INSN_addi:
        if (is_zero(rd) && is_zero(rs1) && imm == 0)
            put(o, "nop");
        else if (is_zero(rs1))
            put(o, "li %s,%lld", reg(rd), imm);
        else if (imm == 0)
            put(o, "mv %s,%s", reg(rd), reg(rs1));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_addiw:
        if (imm != 0)
            return ALIAS_NONE;
        put(o, "sext.w %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_xori:
        if (imm != -1)
            return ALIAS_NONE;
        put(o, "not %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sub:
    case INSN_subw:
        if (!is_zero(rs1))
            return ALIAS_NONE;
        put(o, "%s %s,%s", ins->sem == INSN_sub ? "neg" : "negw", reg(rd), reg(rs2));
        return ALIAS_PRINTED;
    case INSN_andi:
        if (imm != 0xff)
            return ALIAS_NONE;
        put(o, "zext.b %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sltiu:
        if (imm != 1)
            return ALIAS_NONE;
        put(o, "seqz %s,%s", reg(rd), reg(rs1));
        return ALIAS_PRINTED;
    case INSN_sltu:
        if (!is_zero(rs1))
            return ALIAS_NONE;
        put(o, "snez %s,%s", reg(rd), reg(rs2));
        return ALIAS_PRINTED;
    case INSN_slt:
        if (is_zero(rs2))
            put(o, "sltz %s,%s", reg(rd), reg(rs1));
        else if (is_zero(rs1))
            put(o, "sgtz %s,%s", reg(rd), reg(rs2));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_beq:
    case INSN_bne:
        if (!is_zero(rs2))
            return ALIAS_NONE;
        put_target(o, ins->sem == INSN_beq ? "beqz" : "bnez", reg(rs1), t);
        return ALIAS_PRINTED;
    case INSN_blt:
        if (is_zero(rs2))
            put_target(o, "bltz", reg(rs1), t);
        else if (is_zero(rs1))
            put_target(o, "bgtz", reg(rs2), t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_bge: /* objdump tries blez first: `bge zero,zero` is `blez zero` */
        if (is_zero(rs1))
            put_target(o, "blez", reg(rs2), t);
        else if (is_zero(rs2))
            put_target(o, "bgez", reg(rs1), t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_jal:
        if (is_zero(rd))
            put_target(o, "j", NULL, t);
        else if (rd == 1)
            put_target(o, "jal", NULL, t);
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_jalr:
        if (is_zero(rd) && rs1 == 1 && imm == 0)
            put(o, "ret");
        else if ((is_zero(rd) || rd == 1) && imm == 0)
            put(o, "%s %s", is_zero(rd) ? "jr" : "jalr", reg(rs1));
        else if (is_zero(rd) || rd == 1)
            put(o, "%s %lld(%s)", is_zero(rd) ? "jr" : "jalr", imm, reg(rs1));
        else if (imm == 0)
            put(o, "jalr %s,%s", reg(rd), reg(rs1));
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_fence:
        if (ins->raw == FENCE_TSO)
            put(o, "fence.tso");
        else if ((csr & 0xff) == 0xff) /* iorw,iorw */
            put(o, "fence");
        else
            return ALIAS_NONE;
        return ALIAS_PRINTED;
    case INSN_fsgnj_s:
    case INSN_fsgnj_d:
    case INSN_fsgnjn_s:
    case INSN_fsgnjn_d:
    case INSN_fsgnjx_s:
    case INSN_fsgnjx_d: {
        /* fmv/fneg/fabs: sign injection from the operand itself (chapter 25). */
        if (ins->rs1 != ins->rs2)
            return ALIAS_NONE;
        const char *mn = base_desc(ins)->name; /* "fsgnj.s", "fsgnjn.d", ... */
        const char *alias = mn[5] == '.' ? "fmv" : mn[5] == 'n' ? "fneg" : "fabs";
        put(o, "%s%s %s,%s", alias, strchr(mn, '.'), freg(rd), freg(rs1));
        return ALIAS_PRINTED;
    }
    case INSN_csrrw:
        /* The canonical 32-bit "unimp": a write of zero to the read-only `cycle`. */
        if (ins->raw == 0xc0001073u) {
            put(o, "unimp");
            return ALIAS_PRINTED;
        }
        if (fp_csr_alias(csr)) { /* fsflags/fsrm/fscsr [rd,]rs */
            if (is_zero(rd))
                put(o, "fs%s %s", fp_csr_alias(csr), reg(rs1));
            else
                put(o, "fs%s %s,%s", fp_csr_alias(csr), reg(rd), reg(rs1));
            return ALIAS_PRINTED;
        }
        break;
    case INSN_csrrwi:
        if (csr == CSR_FFLAGS || csr == CSR_FRM) { /* fsflagsi/fsrmi rd,imm */
            put(o, "fs%si %s,%u", fp_csr_alias(csr), reg(rd), rs1);
            return ALIAS_PRINTED;
        }
        break;
    case INSN_csrrs:
        if (!is_zero(rs1))
            break;
        if (fp_csr_alias(csr)) { /* frflags/frrm/frcsr rd */
            put(o, "fr%s %s", fp_csr_alias(csr), reg(rd));
            return ALIAS_PRINTED;
        }
        if (has_rd_alias(csr, xlen))
            put(o, "rd%s %s", disasm_csr_name(csr), reg(rd));
        else {
            put(o, "csrr %s,", reg(rd));
            put_csr(o, csr);
        }
        return ALIAS_PRINTED;
    case INSN_csrrc:
    case INSN_csrrsi:
    case INSN_csrrci: break;
    default: return ALIAS_NONE;
    }

    /* csrrw/csrrs/csrrc and their immediate forms that discard the old value. */
    if (!is_zero(rd))
        return ALIAS_NONE;
    put(o, "csr%s ", mnemonic(ins) + 4); /* "csrrw" -> "csrw" */
    put_csr(o, csr);
    if (base_desc(ins)->fmt == FMT_CSRI)
        put(o, ",%u", rs1);
    else
        put(o, ",%s", reg(rs1));
    return ALIAS_PRINTED;
}

/* Base forms, one printer per operand format of the base row. */
static void put_base(struct out *o, const struct insn *ins, unsigned xlen)
{
    const char *mn = mnemonic(ins);
    const char *rd = reg(ins->rd), *rs1 = reg(ins->rs1), *rs2 = reg(ins->rs2);
    long long imm = (long long)ins->imm;
    enum insn_fmt fmt = base_desc(ins)->fmt;

    switch (fmt) {
    case FMT_R:
        if (ins->sem == INSN_sfence_vma) { /* rd is zero; objdump omits zero operands */
            if (ins->rs2)
                put(o, "%s %s,%s", mn, rs1, rs2);
            else if (ins->rs1)
                put(o, "%s %s", mn, rs1);
            else
                put(o, "%s", mn);
        } else {
            put(o, "%s %s,%s,%s", mn, rd, rs1, rs2);
        }
        break;
    case FMT_I:
        if (ins->sem == INSN_jalr)
            put(o, "%s %s,%lld(%s)", mn, rd, imm, rs1);
        else
            put(o, "%s %s,%s,%lld", mn, rd, rs1, imm);
        break;
    case FMT_SHIFT: put(o, "%s %s,%s,0x%llx", mn, rd, rs1, imm); break;
    case FMT_LOAD: put(o, "%s %s,%lld(%s)", mn, rd, imm, rs1); break;
    case FMT_STORE: put(o, "%s %s,%lld(%s)", mn, rs2, imm, rs1); break;
    case FMT_B: put(o, "%s %s,%s,%" PRIx64, mn, rs1, rs2, target(ins, xlen)); break;
    case FMT_U: put(o, "%s %s,0x%llx", mn, rd, (imm >> 12) & 0xfffff); break;
    case FMT_J: put(o, "%s %s,%" PRIx64, mn, rd, target(ins, xlen)); break;
    case FMT_FENCE:
        put(o, "%s ", mn);
        put_fence_set(o, (unsigned)(imm >> 4) & 15);
        put(o, ",");
        put_fence_set(o, (unsigned)imm & 15);
        break;
    case FMT_CSR:
    case FMT_CSRI:
        put(o, "%s %s,", mn, rd);
        put_csr(o, (unsigned)imm);
        if (fmt == FMT_CSR)
            put(o, ",%s", rs1);
        else
            put(o, ",%u", ins->rs1);
        break;
    case FMT_AMO: put(o, "%s%s %s,%s,(%s)", mn, aqrl_suffix(imm), rd, rs2, rs1); break;
    case FMT_LR: put(o, "%s%s %s,(%s)", mn, aqrl_suffix(imm), rd, rs1); break;
    case FMT_FLOAD: put(o, "%s %s,%lld(%s)", mn, freg(ins->rd), imm, rs1); break;
    case FMT_FSTORE: put(o, "%s %s,%lld(%s)", mn, freg(ins->rs2), imm, rs1); break;
    case FMT_R4:
        put(o, "%s %s,%s,%s,%s%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2),
            freg((unsigned)imm >> 3), rm_suffix(imm));
        break;
    case FMT_F_RRR_RM:
        put(o, "%s %s,%s,%s%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2), rm_suffix(imm));
        break;
    case FMT_F_RRR: put(o, "%s %s,%s,%s", mn, freg(ins->rd), freg(ins->rs1), freg(ins->rs2)); break;
    case FMT_F_RR_RM:
        /* fcvt.d.s is exact: objdump knows it only with rm = 0 and prints no mode. */
        put(o, "%s %s,%s%s", mn, freg(ins->rd), freg(ins->rs1),
            ins->sem == INSN_fcvt_d_s ? "" : rm_suffix(imm));
        break;
    case FMT_F_XF_RM: put(o, "%s %s,%s%s", mn, rd, freg(ins->rs1), rm_suffix(imm)); break;
    case FMT_F_FX_RM:
        put(o, "%s %s,%s%s", mn, freg(ins->rd), rs1, fp_exact_cvt(ins->sem) ? "" : rm_suffix(imm));
        break;
    case FMT_F_XFF: put(o, "%s %s,%s,%s", mn, rd, freg(ins->rs1), freg(ins->rs2)); break;
    case FMT_F_XF: put(o, "%s %s,%s", mn, rd, freg(ins->rs1)); break;
    case FMT_F_FX: put(o, "%s %s,%s", mn, freg(ins->rd), rs1); break;
    default: put(o, "%s", mn); break;
    }
}

/* False for encodings the hart accepts but objdump prints as raw words: FENCE with reserved
 * fields set, and fixed-encoding instructions (fence.i) with non-zero ignored fields. */
static bool objdump_knows(const struct insn *ins)
{
    const struct insn_desc *row = &insn_table[ins->id];
    switch (row->fmt) {
    case FMT_NONE: return ins->raw == row->match;
    case FMT_F_RR_RM:
    case FMT_F_FX_RM:
        /* binutils lists the exact conversions to double with rm = 0 only. */
        return !fp_exact_cvt(ins->sem) || (ins->imm & 7) == 0;
    case FMT_FENCE:
        return ins->raw == FENCE_TSO ||
               ((ins->raw >> FENCE_FM_SHIFT) == 0 && (ins->raw & FENCE_RS1_RD) == 0);
    default: return true;
    }
}

/* What objdump prints for words it cannot decode: the canonical all-zero "unimp", else
 * the raw bits. Encodings longer than 32 bits (which hartlab does not implement) show their
 * first 16-bit parcel, as objdump does when it cannot take the whole instruction. */
static void put_illegal(struct out *o, const struct insn *ins)
{
    unsigned len = insn_length((uint16_t)ins->raw);
    if (len == 2 && ins->raw == 0)
        put(o, "unimp");
    else if (len == 4)
        put(o, ".4byte 0x%" PRIx32, ins->raw);
    else /* 16-bit, or the first parcel of an encoding longer than 32 bits */
        put(o, ".2byte 0x%" PRIx32, ins->raw & 0xffff);
}

char *disasm_insn(const struct insn *ins, unsigned xlen, char *out, size_t outlen)
{
    struct out o = { out, 0, outlen };
    if (!outlen)
        return out;
    out[0] = '\0';
    if (ins->id >= INSN_COUNT || !objdump_knows(ins)) {
        put_illegal(&o, ins);
        return out;
    }
    enum alias a = insn_table[ins->id].ext == EXT_C ? put_compressed(&o, ins) : ALIAS_NONE;
    if (a == ALIAS_NONE)
        a = put_pseudo(&o, ins, xlen);
    if (a != ALIAS_PRINTED)
        put_base(&o, ins, xlen);
    return out;
}

char *disasm_raw(uint32_t raw, uint64_t pc, unsigned xlen, uint32_t misa_ext, char *out,
                 size_t outlen)
{
    struct insn ins;
    if (!insn_decode(raw, xlen, misa_ext, &ins))
        ins.id = INSN_COUNT;
    ins.pc = pc;
    return disasm_insn(&ins, xlen, out, outlen);
}

bool disasm_writes_rd(const struct insn *ins)
{
    if (ins->id >= INSN_COUNT || ins->rd == REG_SINK || ins->rd == 0)
        return false;
    switch (base_desc(ins)->fmt) {
    case FMT_R:
    case FMT_I:
    case FMT_SHIFT:
    case FMT_LOAD:
    case FMT_U:
    case FMT_J:
    case FMT_CSR:
    case FMT_CSRI:
    case FMT_AMO:
    case FMT_LR:
    case FMT_F_XF_RM:
    case FMT_F_XFF:
    case FMT_F_XF: return true;
    default: return false;
    }
}

/* ---- traps in words (Privileged Architecture, "Machine Cause Register" table) ---- */

const char *disasm_cause_name(uint64_t code, bool irq)
{
    static const char *const irqs[16] = {
        [IRQ_S_SOFT] = "supervisor software", [IRQ_M_SOFT] = "machine software",
        [IRQ_S_TIMER] = "supervisor timer",   [IRQ_M_TIMER] = "machine timer",
        [IRQ_S_EXT] = "supervisor external",  [IRQ_M_EXT] = "machine external",
    };
    static const char *const excs[16] = {
        [EXC_INSN_MISALIGNED] = "instruction address misaligned",
        [EXC_INSN_ACCESS] = "instruction access fault",
        [EXC_ILLEGAL_INSN] = "illegal instruction",
        [EXC_BREAKPOINT] = "breakpoint",
        [EXC_LOAD_MISALIGNED] = "load address misaligned",
        [EXC_LOAD_ACCESS] = "load access fault",
        [EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
        [EXC_STORE_ACCESS] = "store/AMO access fault",
        [EXC_ECALL_U] = "ecall from U-mode",
        [EXC_ECALL_S] = "ecall from S-mode",
        [EXC_ECALL_M] = "ecall from M-mode",
        [EXC_INSN_PAGE] = "instruction page fault",
        [EXC_LOAD_PAGE] = "load page fault",
        [EXC_STORE_PAGE] = "store/AMO page fault",
    };
    const char *n = code < 16 ? (irq ? irqs : excs)[code] : NULL;
    return n ? n : (irq ? "interrupt" : "exception");
}

char *disasm_trap(uint64_t cause, uint64_t tval, unsigned xlen, char *out, size_t outlen)
{
    bool irq = (cause >> (xlen - 1)) & 1;
    uint64_t code = cause & ~(1ull << (xlen - 1));
    const char *name = disasm_cause_name(code, irq);
    tval &= xlen == 32 ? 0xffffffffull : ~0ull;
    if (irq) {
        snprintf(out, outlen, "%s interrupt", name);
        return out;
    }
    switch (code) {
    case EXC_ILLEGAL_INSN:
        /* tval holds the instruction's bits (0 when the hart does not provide them). */
        snprintf(out, outlen, "%s 0x%0*" PRIx64, name, (tval & 3) == 3 ? 8 : 4, tval);
        break;
    case EXC_INSN_MISALIGNED:
    case EXC_INSN_ACCESS:
    case EXC_LOAD_MISALIGNED:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_MISALIGNED:
    case EXC_STORE_ACCESS:
    case EXC_INSN_PAGE:
    case EXC_LOAD_PAGE:
    case EXC_STORE_PAGE: snprintf(out, outlen, "%s at 0x%" PRIx64, name, tval); break;
    default: snprintf(out, outlen, "%s", name); break;
    }
    return out;
}
