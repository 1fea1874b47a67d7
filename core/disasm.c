/* The disassembler: prints decoded instructions as GNU objdump (binutils 2.40) does, driven
 * by the instruction table (core/insns.def) and the operands the decoder extracted.
 *
 * A compressed row carries the operands of the base instruction it expands to (RISC-V
 * Unprivileged ISA chapter 16), so it is printed through its base row, as objdump does
 * (`c.addi16sp` prints as `addi sp,sp,-32`). Printing is one function per operand format of
 * the base row, after an alias step that picks the pseudo-instructions of the assembly
 * programmer's handbook (Unprivileged ISA chapter 25, tables "RISC-V pseudoinstructions"
 * and "Pseudoinstructions for accessing control and status registers") where objdump does.
 * Register names are the ABI names of the RISC-V psABI; CSR names those of the Privileged
 * Architecture "CSR Listing".
 */
#include "core/disasm.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/csr.h"
#include "core/hart.h"

static const char *const abi_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *disasm_reg_name(unsigned reg)
{
    return reg < 32 ? abi_names[reg] : "zero";
}

/* CSR names. Numbered families (pmpaddr0..63, hpmcounter3..31, ...) are ranges whose
 * name is printed with the number `first_index + (csr - lo)`. */
struct csr_name {
    uint16_t lo, hi;
    const char *name; /* printf format with %u for ranges */
    uint8_t first_index;
};

static const struct csr_name csr_names[] = {
    { CSR_FFLAGS, CSR_FFLAGS, "fflags", 0 },
    { CSR_FRM, CSR_FRM, "frm", 0 },
    { CSR_FCSR, CSR_FCSR, "fcsr", 0 },
    { CSR_CYCLE, CSR_CYCLE, "cycle", 0 },
    { CSR_TIME, CSR_TIME, "time", 0 },
    { CSR_INSTRET, CSR_INSTRET, "instret", 0 },
    { CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, "hpmcounter%u", 3 },
    { CSR_CYCLEH, CSR_CYCLEH, "cycleh", 0 },
    { CSR_TIMEH, CSR_TIMEH, "timeh", 0 },
    { CSR_INSTRETH, CSR_INSTRETH, "instreth", 0 },
    { CSR_HPMCOUNTER3H, CSR_HPMCOUNTER31H, "hpmcounter%uh", 3 },
    { CSR_SSTATUS, CSR_SSTATUS, "sstatus", 0 },
    { CSR_SIE, CSR_SIE, "sie", 0 },
    { CSR_STVEC, CSR_STVEC, "stvec", 0 },
    { CSR_SCOUNTEREN, CSR_SCOUNTEREN, "scounteren", 0 },
    { CSR_SENVCFG, CSR_SENVCFG, "senvcfg", 0 },
    { CSR_SSCRATCH, CSR_SSCRATCH, "sscratch", 0 },
    { CSR_SEPC, CSR_SEPC, "sepc", 0 },
    { CSR_SCAUSE, CSR_SCAUSE, "scause", 0 },
    { CSR_STVAL, CSR_STVAL, "stval", 0 },
    { CSR_SIP, CSR_SIP, "sip", 0 },
    { CSR_SATP, CSR_SATP, "satp", 0 },
    { CSR_MVENDORID, CSR_MVENDORID, "mvendorid", 0 },
    { CSR_MARCHID, CSR_MARCHID, "marchid", 0 },
    { CSR_MIMPID, CSR_MIMPID, "mimpid", 0 },
    { CSR_MHARTID, CSR_MHARTID, "mhartid", 0 },
    { CSR_MCONFIGPTR, CSR_MCONFIGPTR, "mconfigptr", 0 },
    { CSR_MSTATUS, CSR_MSTATUS, "mstatus", 0 },
    { CSR_MISA, CSR_MISA, "misa", 0 },
    { CSR_MEDELEG, CSR_MEDELEG, "medeleg", 0 },
    { CSR_MIDELEG, CSR_MIDELEG, "mideleg", 0 },
    { CSR_MIE, CSR_MIE, "mie", 0 },
    { CSR_MTVEC, CSR_MTVEC, "mtvec", 0 },
    { CSR_MCOUNTEREN, CSR_MCOUNTEREN, "mcounteren", 0 },
    { CSR_MENVCFG, CSR_MENVCFG, "menvcfg", 0 },
    { CSR_MSTATUSH, CSR_MSTATUSH, "mstatush", 0 },
    { CSR_MENVCFGH, CSR_MENVCFGH, "menvcfgh", 0 },
    { CSR_MCOUNTINHIBIT, CSR_MCOUNTINHIBIT, "mcountinhibit", 0 },
    { CSR_MHPMEVENT3, CSR_MHPMEVENT31, "mhpmevent%u", 3 },
    { CSR_MSCRATCH, CSR_MSCRATCH, "mscratch", 0 },
    { CSR_MEPC, CSR_MEPC, "mepc", 0 },
    { CSR_MCAUSE, CSR_MCAUSE, "mcause", 0 },
    { CSR_MTVAL, CSR_MTVAL, "mtval", 0 },
    { CSR_MIP, CSR_MIP, "mip", 0 },
    { CSR_PMPCFG0, CSR_PMPCFG15, "pmpcfg%u", 0 },
    { CSR_PMPADDR0, CSR_PMPADDR63, "pmpaddr%u", 0 },
    { CSR_TSELECT, CSR_TSELECT, "tselect", 0 },
    { CSR_TDATA1, CSR_TDATA1, "tdata1", 0 },
    { CSR_TDATA2, CSR_TDATA2, "tdata2", 0 },
    { CSR_TDATA3, CSR_TDATA3, "tdata3", 0 },
    { CSR_TINFO, CSR_TINFO, "tinfo", 0 },
    { CSR_MCYCLE, CSR_MCYCLE, "mcycle", 0 },
    { CSR_MINSTRET, CSR_MINSTRET, "minstret", 0 },
    { CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, "mhpmcounter%u", 3 },
    { CSR_MCYCLEH, CSR_MCYCLEH, "mcycleh", 0 },
    { CSR_MINSTRETH, CSR_MINSTRETH, "minstreth", 0 },
    { CSR_MHPMCOUNTER3H, CSR_MHPMCOUNTER31H, "mhpmcounter%uh", 3 },
};

const char *disasm_csr_name(unsigned csr)
{
    /* Names of numbered CSRs are built on first use; the strings never change, so a
     * process-wide cache is safe to share between machines. */
    static char numbered[4096][16];
    for (size_t i = 0; i < sizeof csr_names / sizeof csr_names[0]; i++) {
        const struct csr_name *c = &csr_names[i];
        if (csr < c->lo || csr > c->hi)
            continue;
        if (c->lo == c->hi)
            return c->name;
        if (!numbered[csr][0])
            snprintf(numbered[csr], sizeof numbered[csr], c->name, c->first_index + (csr - c->lo));
        return numbered[csr];
    }
    return NULL;
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

/* fence's predecessor/successor sets, "iorw" order (Unprivileged ISA 2.7). */
static void put_fence_set(struct out *o, unsigned set)
{
    if (!set) {
        put(o, "0");
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

/* Base mnemonic and format of a decoded instruction (compressed rows print as the base
 * instruction they expand to). */
static const struct insn_desc *base_desc(const struct insn *ins)
{
    return &insn_table[ins->sem < INSN_COUNT ? ins->sem : ins->id];
}

/* Pseudo-instructions objdump prints instead of the base form. Returns true if printed. */
static bool put_alias(struct out *o, const struct insn *ins, unsigned xlen)
{
    unsigned rd = ins->rd, rs1 = ins->rs1, rs2 = ins->rs2;
    int64_t imm = ins->imm;
    const char *name = insn_table[ins->id].name;
    enum insn_fmt fmt = insn_table[ins->id].fmt;

    switch (ins->sem) {
    case INSN_addi:
        if (is_zero(rd) && is_zero(rs1) && imm == 0) {
            put(o, "nop");
            return true;
        }
        if (is_zero(rs1)) {
            put(o, "li %s,%lld", reg(rd), (long long)imm);
            return true;
        }
        if (imm == 0) {
            put(o, "mv %s,%s", reg(rd), reg(rs1));
            return true;
        }
        return false;
    case INSN_add:
        if (fmt == FMT_CR_MV) {
            put(o, "mv %s,%s", reg(rd), reg(rs2));
            return true;
        }
        return false;
    case INSN_addiw:
        if (imm == 0) {
            put(o, "sext.w %s,%s", reg(rd), reg(rs1));
            return true;
        }
        return false;
    case INSN_xori:
        if (imm == -1) {
            put(o, "not %s,%s", reg(rd), reg(rs1));
            return true;
        }
        return false;
    case INSN_sub:
    case INSN_subw:
        if (is_zero(rs1)) {
            put(o, "%s %s,%s", ins->sem == INSN_sub ? "neg" : "negw", reg(rd), reg(rs2));
            return true;
        }
        return false;
    case INSN_sltiu:
        if (imm == 1) {
            put(o, "seqz %s,%s", reg(rd), reg(rs1));
            return true;
        }
        return false;
    case INSN_sltu:
        if (is_zero(rs1)) {
            put(o, "snez %s,%s", reg(rd), reg(rs2));
            return true;
        }
        return false;
    case INSN_slt:
        if (is_zero(rs2)) {
            put(o, "sltz %s,%s", reg(rd), reg(rs1));
            return true;
        }
        if (is_zero(rs1)) {
            put(o, "sgtz %s,%s", reg(rd), reg(rs2));
            return true;
        }
        return false;
    case INSN_beq:
    case INSN_bne:
        if (is_zero(rs2)) {
            put(o, "%sz %s,%" PRIx64, base_desc(ins)->name, reg(rs1), target(ins, xlen));
            return true;
        }
        return false;
    case INSN_blt:
    case INSN_bge:
        if (is_zero(rs2)) {
            put(o, "%s %s,%" PRIx64, ins->sem == INSN_blt ? "bltz" : "bgez", reg(rs1),
                target(ins, xlen));
            return true;
        }
        if (is_zero(rs1)) {
            put(o, "%s %s,%" PRIx64, ins->sem == INSN_blt ? "bgtz" : "blez", reg(rs2),
                target(ins, xlen));
            return true;
        }
        return false;
    case INSN_jal:
        if (is_zero(rd)) {
            put(o, "j %" PRIx64, target(ins, xlen));
            return true;
        }
        if (rd == 1) {
            put(o, "jal %" PRIx64, target(ins, xlen));
            return true;
        }
        return false;
    case INSN_jalr:
        if (is_zero(rd) && rs1 == 1 && imm == 0) {
            put(o, "ret");
            return true;
        }
        if (is_zero(rd) || rd == 1) {
            const char *mn = is_zero(rd) ? "jr" : "jalr";
            if (imm == 0)
                put(o, "%s %s", mn, reg(rs1));
            else
                put(o, "%s %lld(%s)", mn, (long long)imm, reg(rs1));
            return true;
        }
        return false;
    case INSN_fence:
        if ((imm & 0xfff) == 0x0ff) {
            put(o, "fence");
            return true;
        }
        if ((imm & 0xfff) == 0x833) {
            put(o, "fence.tso");
            return true;
        }
        if ((imm & 0xfff) == 0x010) {
            put(o, "pause");
            return true;
        }
        return false;
    case INSN_csrrs:
        if (is_zero(rs1)) {
            if ((imm == CSR_CYCLE || imm == CSR_TIME || imm == CSR_INSTRET ||
                 (xlen == 32 && (imm == CSR_CYCLEH || imm == CSR_TIMEH || imm == CSR_INSTRETH)))) {
                put(o, "rd%s %s", disasm_csr_name((unsigned)imm), reg(rd));
                return true;
            }
            put(o, "csrr %s,", reg(rd));
            put_csr(o, (unsigned)imm);
            return true;
        }
        /* fallthrough */
    case INSN_csrrw:
    case INSN_csrrc:
    case INSN_csrrsi:
    case INSN_csrrwi:
    case INSN_csrrci:
        if (is_zero(rd)) {
            bool uimm = base_desc(ins)->fmt == FMT_CSRI;
            /* "csrrw" -> "csrw", "csrrsi" -> "csrsi": drop the second 'r'. */
            put(o, "csr%s ", base_desc(ins)->name + 4);
            put_csr(o, (unsigned)imm);
            if (uimm)
                put(o, ",%u", rs1);
            else
                put(o, ",%s", reg(rs1));
            return true;
        }
        return false;
    default: (void)name; return false;
    }
}

/* Base forms, one per operand format of the base row. */
static void put_base(struct out *o, const struct insn *ins, unsigned xlen)
{
    const struct insn_desc *d = base_desc(ins);
    const char *rd = reg(ins->rd), *rs1 = reg(ins->rs1), *rs2 = reg(ins->rs2);
    long long imm = (long long)ins->imm;

    switch (d->fmt) {
    case FMT_R: put(o, "%s %s,%s,%s", d->name, rd, rs1, rs2); break;
    case FMT_I:
        if (ins->sem == INSN_jalr)
            put(o, "%s %s,%lld(%s)", d->name, rd, imm, rs1);
        else
            put(o, "%s %s,%s,%lld", d->name, rd, rs1, imm);
        break;
    case FMT_SHIFT: put(o, "%s %s,%s,0x%llx", d->name, rd, rs1, imm); break;
    case FMT_LOAD: put(o, "%s %s,%lld(%s)", d->name, rd, imm, rs1); break;
    case FMT_STORE: put(o, "%s %s,%lld(%s)", d->name, rs2, imm, rs1); break;
    case FMT_B: put(o, "%s %s,%s,%" PRIx64, d->name, rs1, rs2, target(ins, xlen)); break;
    case FMT_U: put(o, "%s %s,0x%llx", d->name, rd, (imm >> 12) & 0xfffff); break;
    case FMT_J: put(o, "%s %s,%" PRIx64, d->name, rd, target(ins, xlen)); break;
    case FMT_FENCE:
        put(o, "%s ", d->name);
        put_fence_set(o, (unsigned)(imm >> 4) & 15);
        put(o, ",");
        put_fence_set(o, (unsigned)imm & 15);
        break;
    case FMT_CSR:
    case FMT_CSRI:
        put(o, "%s %s,", d->name, rd);
        put_csr(o, (unsigned)imm);
        if (d->fmt == FMT_CSR)
            put(o, ",%s", rs1);
        else
            put(o, ",%u", ins->rs1);
        break;
    case FMT_AMO: put(o, "%s%s %s,%s,(%s)", d->name, aqrl_suffix(imm), rd, rs2, rs1); break;
    case FMT_LR: put(o, "%s%s %s,(%s)", d->name, aqrl_suffix(imm), rd, rs1); break;
    default: put(o, "%s", d->name); break;
    }
}

static void put_illegal(struct out *o, const struct insn *ins)
{
    if (ins->len == 2)
        put(o, ins->raw == 0 ? "unimp" : ".insn 2, 0x%04x", ins->raw & 0xffff);
    else
        put(o, ".insn 4, 0x%08x", ins->raw);
}

char *disasm_insn(const struct insn *ins, unsigned xlen, char *out, size_t outlen)
{
    struct out o = { out, 0, outlen };
    if (!outlen)
        return out;
    out[0] = '\0';
    if (ins->id >= INSN_COUNT) {
        put_illegal(&o, ins);
        return out;
    }
    if (!put_alias(&o, ins, xlen))
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
    case FMT_LR: return true;
    default: return false;
    }
}
