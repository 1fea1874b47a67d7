/* Unit tests of the instruction table (core/insns.def) and the decoder (core/decode.c).
 *
 * The table is checked as data: no two rows valid at the same XLEN may claim the same
 * encoding unless one is a documented specialisation of the other (docs/design.md, decision 1,
 * the overlap rule of riscv-isa-sim's opcode check), and every row must be self-consistent.
 * The decoder is checked against encodings produced by the GNU assembler
 * (riscv64-unknown-elf-as, disassembled with `objdump -d -M no-aliases`; each word below
 * carries the assembly it came from), so encoder and decoder cannot share a mistake. The
 * operand layouts are those of the Unprivileged ISA 20191213, 2.3 (base formats) and 16.2-16.8
 * (compressed formats); the reserved compressed encodings are the ones chapter 16 and its
 * opcode map (table 16.5-16.7) mark "RES", "NSE" or "HINT"-free reserved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/decode.h"
#include "core/hart.h"
#include "testhart.h"

#define EXT_ALL                                                                                    \
    (ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C') | ISA_EXT('F') | ISA_EXT('D'))
#define EXT_IMAC (ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C'))

static bool row_at_xlen(const struct insn_desc *d, unsigned xlen)
{
    return d->xlen == 0 || d->xlen == xlen;
}

static bool row_compressed(const struct insn_desc *d)
{
    return (d->match & 3) != 3;
}

/* (1) Overlaps are allowed only as strict specialisations, and the specific row wins. */
/* insn_lookup finds rows through per-opcode lists; it must find what a search of the whole
 * table finds, for every 16-bit encoding and for every row's own encodings with random
 * operand bits, at both XLENs, with every extension and with only some. */
static void test_lookup_by_opcode(void **state)
{
    (void)state;
    const uint32_t exts[] = { EXT_ALL, ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('C'),
                              ISA_EXT('I') | ISA_EXT('F') | ISA_EXT('C') };
    uint32_t x = 0x12345678u;
    unsigned checked = 0;
    for (unsigned e = 0; e < sizeof exts / sizeof exts[0]; e++)
        for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
            for (uint32_t raw = 0; raw < 0x10000; raw++) {
                if ((raw & 3) == 3)
                    continue;
                assert_ptr_equal(insn_lookup(raw, xlen, exts[e]),
                                 insn_lookup_linear(raw, xlen, exts[e]));
                checked++;
            }
            for (unsigned i = 0; i < INSN_COUNT; i++) {
                const struct insn_desc *d = &insn_table[i];
                for (unsigned r = 0; r < 64; r++) {
                    x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
                    uint32_t raw = d->match | (x & ~d->mask);
                    if (d->ext == EXT_C)
                        raw &= 0xffff;
                    assert_ptr_equal(insn_lookup(raw, xlen, exts[e]),
                                     insn_lookup_linear(raw, xlen, exts[e]));
                    checked++;
                }
            }
            for (unsigned r = 0; r < 20000; r++) { /* any 32-bit word */
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                uint32_t raw = x | 3;
                assert_ptr_equal(insn_lookup(raw, xlen, exts[e]),
                                 insn_lookup_linear(raw, xlen, exts[e]));
                checked++;
            }
        }
    assert_true(checked > 400000); /* 6 configurations: each 16-bit encoding, 64 a row, 20000 */
}

static void test_table_overlaps(void **state)
{
    (void)state;
    unsigned specialisations = 0;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        for (unsigned i = 0; i < INSN_COUNT; i++) {
            const struct insn_desc *a = &insn_table[i];
            if (!row_at_xlen(a, xlen))
                continue;
            for (unsigned j = i + 1; j < INSN_COUNT; j++) {
                const struct insn_desc *b = &insn_table[j];
                if (!row_at_xlen(b, xlen) || row_compressed(a) != row_compressed(b))
                    continue;
                if (a->mask & b->mask & (a->match ^ b->match))
                    continue; /* some fixed bit tells them apart */
                const struct insn_desc *wide = NULL, *narrow = NULL;
                if ((a->mask & b->mask) == b->mask && a->mask != b->mask)
                    narrow = a, wide = b;
                else if ((a->mask & b->mask) == a->mask && a->mask != b->mask)
                    narrow = b, wide = a;
                if (!narrow) {
                    fprintf(stderr, "rv%u: rows %s (%08x/%08x) and %s (%08x/%08x) overlap\n", xlen,
                            a->name, a->match, a->mask, b->name, b->match, b->mask);
                    fail();
                }
                specialisations++;
                /* The specific row wins (or a row more specific still: c.ebreak is the
                 * rs1=0 case of c.jalr, itself a specialisation of c.add). */
                const struct insn_desc *got = insn_lookup(narrow->match, xlen, EXT_ALL);
                if (!got || got == wide || (got->mask & narrow->mask) != narrow->mask) {
                    fprintf(stderr, "rv%u: %08x should decode as %s, got %s\n", xlen, narrow->match,
                            narrow->name, got ? got->name : "nothing");
                    fail();
                }
            }
        }
    }
    /* c.addi16sp/c.lui, c.jr/c.mv, c.ebreak/c.jalr/c.add at both XLENs: the check did run. */
    assert_true(specialisations >= 2 * 5);
}

/* (2) Each row is consistent with itself. */
static void test_table_rows_consistent(void **state)
{
    (void)state;
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        assert_non_null(d->name);
        if ((d->match & d->mask) != d->match) {
            fprintf(stderr, "%s: match %08x has bits outside mask %08x\n", d->name, d->match,
                    d->mask);
            fail();
        }
        /* The quadrant bits (and, for 32-bit rows, bits 4:2 != 111) must be fixed by the
         * mask, or the row would also match other lengths. */
        assert_int_equal(d->mask & 3, 3);
        if (d->ext == EXT_C) {
            assert_true((d->match & 3) != 3);
            assert_int_equal(d->mask >> 16, 0);
        } else {
            assert_int_equal(d->match & 3, 3);
            assert_true((d->match & 0x1c) != 0x1c);
            assert_int_equal(d->mask & 0x1c, 0x1c);
        }
        assert_true(d->xlen == 0 || d->xlen == 32 || d->xlen == 64);
        assert_true(d->sem < INSN_COUNT);
        /* A compressed row expands to a base instruction, never to another compressed one. */
        assert_true(insn_table[d->sem].ext != EXT_C || d->sem == i);
        /* Every row is reachable at an XLEN where it exists: its own match, or (when a
         * specialisation owns that exact value) its match with one free bit set. */
        unsigned xlen = d->xlen ? d->xlen : 64;
        bool reached = insn_lookup(d->match, xlen, EXT_ALL) == d;
        uint32_t width = d->ext == EXT_C ? 0xffffu : 0xffffffffu;
        for (unsigned b = 0; b < 32 && !reached; b++) {
            uint32_t bit = 1u << b;
            if ((d->mask & bit) || !(width & bit))
                continue;
            reached = insn_lookup(d->match | bit, xlen, EXT_ALL) == d;
        }
        if (!reached) {
            fprintf(stderr, "rv%u: no encoding decodes as %s\n", xlen, d->name);
            fail();
        }
    }
}

/* ---- (3) operand extraction ---- */

#define ANY  (-1000000)
#define SINK REG_SINK

struct dcase {
    uint32_t raw;
    unsigned xlen; /* 0: both */
    const char *asm_text;
    int id;
    int rd, rs1, rs2;
    int64_t imm;
    unsigned len;
};

/* Offsets of branches and jumps are relative to the instruction (objdump shows targets). */
static const struct dcase cases[] = {
    /* 32-bit formats */
    { 0xfeb50ee3, 0, "beq a0,a1,.-4", INSN_beq, ANY, 10, 11, -4, 4 },
    { 0x80629063, 0, "bne t0,t1,.-4096", INSN_bne, ANY, 5, 6, -4096, 4 },
    { 0x7f394fe3, 0, "blt s2,s3,.+4094", INSN_blt, ANY, 18, 19, 4094, 4 },
    { 0x800000ef, 0, "jal ra,.-0x100000", INSN_jal, 1, ANY, ANY, -0x100000, 4 },
    { 0x7ffff06f, 0, "jal zero,.+0xffffe", INSN_jal, SINK, ANY, ANY, 0xffffe, 4 },
    { 0xfffff7b7, 0, "lui a5,0xfffff", INSN_lui, 15, ANY, ANY, -4096, 4 },
    { 0x800007b7, 0, "lui a5,0x80000", INSN_lui, 15, ANY, ANY, -0x80000000ll, 4 },
    { 0x12345297, 0, "auipc t0,0x12345", INSN_auipc, 5, ANY, ANY, 0x12345000, 4 },
    { 0xfeb13c23, 64, "sd a1,-8(sp)", INSN_sd, ANY, 2, 11, -8, 4 },
    { 0x7e752fa3, 0, "sw t2,2047(a0)", INSN_sw, ANY, 10, 7, 2047, 4 },
    { 0x80960023, 0, "sb s1,-2048(a2)", INSN_sb, ANY, 12, 9, -2048, 4 },
    { 0x03f59513, 64, "slli a0,a1,0x3f", INSN_slli, 10, 11, ANY, 63, 4 },
    { 0x43f6d613, 64, "srai a2,a3,0x3f", INSN_srai, 12, 13, ANY, 63, 4 },
    { 0x00135293, 64, "srli t0,t1,0x1", INSN_srli, 5, 6, ANY, 1, 4 },
    { 0x00135293, 32, "srli t0,t1,0x1", INSN_srli32, 5, 6, ANY, 1, 4 },
    { 0x80058513, 0, "addi a0,a1,-2048", INSN_addi, 10, 11, ANY, -2048, 4 },
    { 0xfff73683, 64, "ld a3,-1(a4)", INSN_ld, 13, 14, ANY, -1, 4 },
    { 0x340312f3, 0, "csrrw t0,mscratch,t1", INSN_csrrw, 5, 6, ANY, 0x340, 4 },
    { 0x300fe573, 0, "csrrsi a0,mstatus,31", INSN_csrrsi, 10, 31, ANY, 0x300, 4 },
    { 0x0eb6352f, 64, "amoswap.d.aqrl a0,a1,(a2)", INSN_amoswap_d, 10, 12, 11, 3, 4 },
    { 0x140322af, 0, "lr.w.aq t0,(t1)", INSN_lr_w, 5, 6, ANY, 2, 4 },
    { 0x00000013, 0, "addi zero,zero,0", INSN_addi, SINK, 0, ANY, 0, 4 },
    /* compressed formats */
    { 0xbffd, 0, "c.j .-2", INSN_c_j, SINK, ANY, ANY, -2, 2 },
    { 0xaffd, 0, "c.j .+2046", INSN_c_j, SINK, ANY, ANY, 2046, 2 },
    { 0xb001, 0, "c.j .-2048", INSN_c_j, SINK, ANY, ANY, -2048, 2 },
    { 0xd101, 0, "c.beqz a0,.-256", INSN_c_beqz, ANY, 10, 0, -256, 2 },
    { 0xecfd, 0, "c.bnez s1,.+254", INSN_c_bnez, ANY, 9, 0, 254, 2 },
    { 0x7101, 0, "c.addi16sp sp,-512", INSN_c_addi16sp, 2, 2, ANY, -512, 2 },
    { 0x617d, 0, "c.addi16sp sp,496", INSN_c_addi16sp, 2, 2, ANY, 496, 2 },
    { 0x1fe8, 0, "c.addi4spn a0,sp,1020", INSN_c_addi4spn, 10, 2, ANY, 1020, 2 },
    { 0x0040, 0, "c.addi4spn s0,sp,4", INSN_c_addi4spn, 8, 2, ANY, 4, 2 },
    { 0x557e, 0, "c.lwsp a0,252(sp)", INSN_c_lwsp, 10, 2, ANY, 252, 2 },
    { 0xdf86, 0, "c.swsp ra,252(sp)", INSN_c_swsp, ANY, 2, 1, 252, 2 },
    { 0x747e, 64, "c.ldsp s0,504(sp)", INSN_c_ldsp, 8, 2, ANY, 504, 2 },
    { 0xffbe, 64, "c.sdsp a5,504(sp)", INSN_c_sdsp, ANY, 2, 15, 504, 2 },
    { 0x7501, 0, "c.lui a0,0xfffe0", INSN_c_lui, 10, ANY, ANY, -0x20000, 2 },
    { 0x62fd, 0, "c.lui t0,0x1f", INSN_c_lui, 5, ANY, ANY, 0x1f000, 2 },
    { 0x5ff8, 0, "c.lw a4,124(a5)", INSN_c_lw, 14, 15, ANY, 124, 2 },
    { 0xc0a0, 0, "c.sw s0,64(s1)", INSN_c_sw, ANY, 9, 8, 64, 2 },
    { 0x7ef0, 64, "c.ld a2,248(a3)", INSN_c_ld, 12, 13, ANY, 248, 2 },
    { 0xe488, 64, "c.sd a0,8(s1)", INSN_c_sd, ANY, 9, 10, 8, 2 },
    { 0x1501, 0, "c.addi a0,-32", INSN_c_addi, 10, 10, ANY, -32, 2 },
    { 0x25fd, 64, "c.addiw a1,31", INSN_c_addiw, 11, 11, ANY, 31, 2 },
    { 0x537d, 0, "c.li t1,-1", INSN_c_li, 6, 0, ANY, -1, 2 },
    { 0x907d, 64, "c.srli s0,0x3f", INSN_c_srli, 8, 8, ANY, 63, 2 },
    { 0x9781, 64, "c.srai a5,0x20", INSN_c_srai, 15, 15, ANY, 32, 2 },
    { 0x9901, 0, "c.andi a0,-32", INSN_c_andi, 10, 10, ANY, -32, 2 },
    { 0x15fe, 64, "c.slli a1,0x3f", INSN_c_slli, 11, 11, ANY, 63, 2 },
    { 0x852e, 0, "c.mv a0,a1", INSN_c_mv, 10, 0, 11, ANY, 2 },
    { 0x947e, 0, "c.add s0,t6", INSN_c_add, 8, 8, 31, ANY, 2 },
    { 0x8082, 0, "c.jr ra", INSN_c_jr, SINK, 1, ANY, 0, 2 },
    { 0x9282, 0, "c.jalr t0", INSN_c_jalr, 1, 5, ANY, 0, 2 },
    { 0x9002, 0, "c.ebreak", INSN_c_ebreak, ANY, ANY, ANY, ANY, 2 },
    { 0x8c05, 0, "c.sub s0,s1", INSN_c_sub, 8, 8, 9, ANY, 2 },
    { 0x8f7d, 0, "c.and a4,a5", INSN_c_and, 14, 14, 15, ANY, 2 },
    { 0x9d0d, 64, "c.subw a0,a1", INSN_c_subw, 10, 10, 11, ANY, 2 },
    { 0x9e35, 64, "c.addw a2,a3", INSN_c_addw, 12, 12, 13, ANY, 2 },
    /* RV32-only compressed forms (assembled with -march=rv32gc) */
    { 0x3001, 32, "c.jal .-2048", INSN_c_jal, 1, ANY, ANY, -2048, 2 },
    { 0x2095, 32, "c.jal .+100", INSN_c_jal, 1, ANY, ANY, 100, 2 },
    { 0x057e, 32, "c.slli a0,0x1f", INSN_c_slli, 10, 10, ANY, 31, 2 },
    { 0x83fd, 32, "c.srli a5,0x1f", INSN_c_srli, 15, 15, ANY, 31, 2 },
};

static void check_case(const struct dcase *c, unsigned xlen)
{
    struct insn ins;
    bool ok = insn_decode(c->raw, xlen, EXT_IMAC, &ins);
    if (!ok || ins.id != c->id || (c->rd != ANY && ins.rd != c->rd) ||
        (c->rs1 != ANY && ins.rs1 != c->rs1) || (c->rs2 != ANY && ins.rs2 != c->rs2) ||
        (c->imm != ANY && ins.imm != c->imm) || ins.len != c->len || ins.raw != c->raw) {
        fprintf(stderr,
                "rv%u %08x (%s): decoded=%d id=%u(%s) rd=%u rs1=%u rs2=%u imm=%lld len=%u; "
                "want id %s rd=%d rs1=%d rs2=%d imm=%lld len=%u\n",
                xlen, c->raw, c->asm_text, ok, ins.id,
                ins.id < INSN_COUNT ? insn_table[ins.id].name : "-", ins.rd, ins.rs1, ins.rs2,
                (long long)ins.imm, ins.len, insn_table[c->id].name, c->rd, c->rs1, c->rs2,
                (long long)c->imm, c->len);
        fail();
    }
    /* The decoded entry carries its row's semantics; its row names a cost class. */
    assert_int_equal(ins.sem, insn_table[c->id].sem);
    assert_true(insn_table[c->id].cost_class < COST_CLASSES);
    assert_int_equal(ins.flags, insn_table[c->id].flags);
}

static void test_operand_extraction(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const struct dcase *c = &cases[k];
        if (c->xlen == 0 || c->xlen == 32)
            check_case(c, 32);
        if (c->xlen == 0 || c->xlen == 64)
            check_case(c, 64);
    }
}

/* Compressed rows expand to the base instruction chapter 16 names. */
static void test_compressed_expansion(void **state)
{
    (void)state;
    static const struct {
        int row, sem;
    } exp[] = {
        { INSN_c_j, INSN_jal },         { INSN_c_jal, INSN_jal },     { INSN_c_beqz, INSN_beq },
        { INSN_c_bnez, INSN_bne },      { INSN_c_jr, INSN_jalr },     { INSN_c_jalr, INSN_jalr },
        { INSN_c_mv, INSN_add },        { INSN_c_add, INSN_add },     { INSN_c_lui, INSN_lui },
        { INSN_c_addi16sp, INSN_addi }, { INSN_c_lwsp, INSN_lw },     { INSN_c_sdsp, INSN_sd },
        { INSN_c_ebreak, INSN_ebreak }, { INSN_c_addiw, INSN_addiw }, { INSN_c_subw, INSN_subw },
    };
    for (size_t k = 0; k < sizeof exp / sizeof exp[0]; k++)
        assert_int_equal(insn_table[exp[k].row].sem, exp[k].sem);
}

/* ---- (4) reserved and wrong-XLEN encodings ---- */

static void assert_illegal(uint32_t raw, unsigned xlen, const char *what)
{
    struct insn ins;
    if (insn_decode(raw, xlen, EXT_IMAC, &ins)) {
        fprintf(stderr, "rv%u %08x (%s) decoded as %s, want illegal\n", xlen, raw, what,
                insn_table[ins.id].name);
        fail();
    }
    /* The length is still known, so the trap's mtval and the next pc are right. */
    assert_int_equal(ins.len, (raw & 3) == 3 ? 4 : 2);
    assert_int_equal(ins.raw, (raw & 3) == 3 ? raw : (raw & 0xffff));
}

static void assert_illegal_both(uint32_t raw, const char *what)
{
    assert_illegal(raw, 32, what);
    assert_illegal(raw, 64, what);
}

static void test_reserved_compressed(void **state)
{
    (void)state;
    assert_illegal_both(0x0000, "all zeros (c.addi4spn nzuimm=0, rd'=x8)");
    assert_illegal_both(0x0004, "c.addi4spn x9, sp, 0");
    assert_illegal_both(0x4002, "c.lwsp x0, 0(sp)");
    assert_illegal_both(0x507e, "c.lwsp x0, 252(sp)");
    assert_illegal(0x6002, 64, "c.ldsp x0, 0(sp)");
    assert_illegal(0x707e, 64, "c.ldsp x0, 504(sp)");
    assert_illegal_both(0x8002, "c.jr x0");
    assert_illegal_both(0x6101, "c.addi16sp sp, 0");
    assert_illegal_both(0x6081, "c.lui ra, 0");
    assert_illegal_both(0x6281, "c.lui t0, 0");
    assert_illegal(0x2001, 64, "c.addiw x0, 0");
    assert_illegal(0x2005, 64, "c.addiw x0, 1");
    assert_illegal(0x1502, 32, "rv32 c.slli a0, 32 (shamt[5]=1)");
    assert_illegal(0x907d, 32, "rv32 c.srli s0, 63");
    assert_illegal(0x9781, 32, "rv32 c.srai a5, 32");
    assert_illegal_both(0x9c41, "reserved CA (funct6 100111, funct2 10)");
    assert_illegal_both(0x9c61, "reserved CA (funct6 100111, funct2 11)");
    /* Floating-point loads/stores without F/D: c.fld, c.fsd, c.fldsp, c.fsdsp. */
    assert_illegal_both(0x2008, "c.fld");
    assert_illegal_both(0xa008, "c.fsd");
    assert_illegal_both(0x2502, "c.fldsp");
    assert_illegal_both(0xa002, "c.fsdsp");
    /* RV32 has no c.ld/c.sd/c.ldsp/c.sdsp: those slots are c.flw/c.fsw/c.flwsp/c.fswsp. */
    assert_illegal(0x7ef0, 32, "rv32 c.ld slot (c.flw)");
    assert_illegal(0xe488, 32, "rv32 c.sd slot (c.fsw)");
    assert_illegal(0x747e, 32, "rv32 c.ldsp slot (c.flwsp)");
    assert_illegal(0xffbe, 32, "rv32 c.sdsp slot (c.fswsp)");
    /* Encodings longer than 32 bits are not supported. */
    assert_illegal_both(0x0000001f, "48-bit encoding prefix");
    assert_illegal_both(0xffffffff, "all ones");
}

/* The legal neighbours of the reserved encodings above still decode. */
static void test_reserved_neighbours(void **state)
{
    (void)state;
    struct insn ins;
    assert_true(insn_decode(0x1502, 64, EXT_IMAC, &ins)); /* rv64 c.slli a0, 32 */
    assert_int_equal(ins.imm, 32);
    assert_true(insn_decode(0x0001, 64, EXT_IMAC, &ins)); /* c.nop */
    assert_int_equal(ins.id, INSN_c_addi);
    assert_true(insn_decode(0x4501, 32, EXT_IMAC, &ins)); /* c.li a0, 0 */
    assert_int_equal(ins.id, INSN_c_li);
    assert_int_equal(ins.rd, 10);
    assert_int_equal(ins.imm, 0);
    assert_true(insn_decode(0x2001, 32, EXT_IMAC, &ins)); /* rv32: c.jal 0, not c.addiw */
    assert_int_equal(ins.id, INSN_c_jal);
    assert_int_equal(ins.imm, 0);
}

static void test_wrong_xlen(void **state)
{
    (void)state;
    assert_illegal(0xfff73683, 32, "ld a3,-1(a4) on rv32");
    assert_illegal(0xfeb13c23, 32, "sd a1,-8(sp) on rv32");
    assert_illegal(0x0005e503, 32, "lwu a0,0(a1) on rv32");
    assert_illegal(0x0015851b, 32, "addiw a0,a1,1 on rv32");
    assert_illegal(0x00b5053b, 32, "addw a0,a0,a1 on rv32");
    assert_illegal(0x0eb6352f, 32, "amoswap.d on rv32");
    assert_illegal(0x03f59513, 32, "slli a0,a1,63 on rv32 (shamt[5]=1)");
    assert_illegal(0x9d0d, 32, "c.subw on rv32");

    /* The quadrant-1 slot 001 is c.jal on RV32 and c.addiw on RV64. */
    struct insn ins;
    assert_true(insn_decode(0x25fd, 64, EXT_IMAC, &ins));
    assert_int_equal(ins.id, INSN_c_addiw);
    assert_int_equal(ins.rd, 11);
    assert_true(insn_decode(0x25fd, 32, EXT_IMAC, &ins));
    assert_int_equal(ins.id, INSN_c_jal);
    assert_int_equal(ins.rd, 1);
    /* rv32 shifts: shamt[5]=0 uses the RV32 rows. */
    assert_true(insn_decode(0x01f59513, 32, EXT_IMAC, &ins)); /* slli a0,a1,31 */
    assert_int_equal(ins.id, INSN_slli32);
    assert_int_equal(ins.imm, 31);
    assert_true(insn_decode(0x41f6d613, 32, EXT_IMAC, &ins)); /* srai a2,a3,31 */
    assert_int_equal(ins.id, INSN_srai32);
    assert_int_equal(ins.imm, 31);
}

/* ---- (5) misa gates ---- */

static void test_extension_gates(void **state)
{
    (void)state;
    struct insn ins;
    uint32_t no_c = EXT_IMAC & ~ISA_EXT('C');
    uint32_t no_m = EXT_IMAC & ~ISA_EXT('M');
    uint32_t no_a = EXT_IMAC & ~ISA_EXT('A');

    assert_true(insn_decode(0x852e, 64, EXT_IMAC, &ins)); /* c.mv a0,a1 */
    assert_false(insn_decode(0x852e, 64, no_c, &ins));
    assert_int_equal(ins.len, 2);
    assert_false(insn_decode(0x0001, 32, no_c, &ins)); /* c.nop */
    assert_null(insn_lookup(0x852e, 64, no_c));

    uint32_t mul = 0x02b50533; /* mul a0,a0,a1 */
    assert_true(insn_decode(mul, 64, EXT_IMAC, &ins));
    assert_int_equal(ins.id, INSN_mul);
    assert_false(insn_decode(mul, 64, no_m, &ins));
    assert_false(insn_decode(mul, 32, no_m, &ins));
    assert_false(insn_decode(0x02b5453b, 64, no_m, &ins)); /* divw a0,a0,a1 */

    uint32_t amoadd = 0x00b5252f; /* amoadd.w a0,a1,(a0) */
    assert_true(insn_decode(amoadd, 32, EXT_IMAC, &ins));
    assert_false(insn_decode(amoadd, 32, no_a, &ins));

    /* Base, Zicsr and Zifencei need no misa bit. */
    assert_true(insn_decode(0x00000013, 32, 0, &ins));
    assert_true(insn_decode(0x340312f3, 32, 0, &ins));
    assert_true(insn_decode(0x0000100f, 32, 0, &ins));
}

/* insn_length follows the length encoding of Unprivileged 1.5. */
static void test_insn_length(void **state)
{
    (void)state;
    assert_int_equal(insn_length(0x0000), 2);
    assert_int_equal(insn_length(0x0001), 2);
    assert_int_equal(insn_length(0x0002), 2);
    assert_int_equal(insn_length(0x0013), 4);
    assert_int_equal(insn_length(0x001b), 4);
    assert_int_equal(insn_length(0x001f), 0);
    assert_int_equal(insn_length(0x003f), 0);
    assert_int_equal(insn_length(0x007f), 0);
}

/* The encoders the other core tests write their programs with (testhart.h) agree with the
 * assembler, so those tests run the instructions they say they run. */
static void test_testhart_encoders(void **state)
{
    (void)state;
    const struct {
        uint32_t got, want;
        const char *asm_text;
    } enc[] = {
        { ADDI(A0, A0, 100), 0x06450513, "addi a0,a0,100" },
        { STORE(8, A3, A4, 1024), 0x40d73023, "sd a3,1024(a4)" },
        { STORE(4, X0, S0, 0), 0x00042023, "sw zero,0(s0)" },
        { STORE(1, A2, A0, -1), 0xfec50fa3, "sb a2,-1(a0)" },
        { LOAD(4, A2, A1, 8), 0x0085a603, "lw a2,8(a1)" },
        { LOAD(8, A0, A1, -3), 0xffd5b503, "ld a0,-3(a1)" },
        { enc_i(3, A1, 5, A0, OP_LOAD), 0x0035d503, "lhu a0,3(a1)" },
        { BEQ(S1, X0, 8), 0x00048463, "beq s1,zero,.+8" },
        { BNE(A0, A1, -4), 0xfeb51ee3, "bne a0,a1,.-4" },
        { JAL(X0, -20), 0xfedff06f, "jal zero,.-20" },
        { JAL(RA, 0x7fe), 0x7fe000ef, "jal ra,.+0x7fe" },
        { CSRRW(X0, CSR_MINSTRET, A1), 0xb0259073, "csrrw zero,minstret,a1" },
        { CSRRSI(A0, CSR_MCYCLE, 0), 0xb0006573, "csrrsi a0,mcycle,0" },
        { CSRRC(A0, CSR_MSCRATCH, A1), 0x3405b573, "csrrc a0,mscratch,a1" },
        { AMO(AMO_ADD, 8, A2, A0, A1), 0x00b5362f, "amoadd.d a2,a1,(a0)" },
        { AMO(AMO_MAXU, 4, A2, A0, A1), 0xe0b5262f, "amomaxu.w a2,a1,(a0)" },
        { LR(4, A3, A0), 0x100526af, "lr.w a3,(a0)" },
        { SC(8, A1, A0, A2), 0x18c535af, "sc.d a1,a2,(a0)" },
        { LUI(A0, 0x12345), 0x12345537, "lui a0,0x12345" },
        { MUL(A0, A1, A2), 0x02c58533, "mul a0,a1,a2" },
        { enc_i(0, A0, 0, X0, OP_JALR), 0x00050067, "jalr zero,0(a0)" },
    };
    for (size_t k = 0; k < sizeof enc / sizeof enc[0]; k++) {
        if (enc[k].got != enc[k].want) {
            fprintf(stderr, "%s: encoded %08x, assembler says %08x\n", enc[k].asm_text, enc[k].got,
                    enc[k].want);
            fail();
        }
    }
}

/* The row flags are the one statement of what is a conditional branch and what is a jump to
 * a fixed target: the semantic bodies agree with them, and exactly those rows have a body
 * that checks a misaligned target. */
static void test_control_flow_flags(void **state)
{
    (void)state;
    for (unsigned k = 0; k < INSN_COUNT; k++) {
        const struct insn_desc *d = &insn_table[k];
        bool branch = d->sem == INSN_beq || d->sem == INSN_bne || d->sem == INSN_blt ||
                      d->sem == INSN_bge || d->sem == INSN_bltu || d->sem == INSN_bgeu;
        bool jal = d->sem == INSN_jal;
        if (branch != ((d->flags & COND_BRANCH) != 0) || jal != ((d->flags & FIXED_JUMP) != 0)) {
            fprintf(stderr, "row %s: flags 0x%x disagree with its body\n", d->name, d->flags);
            fail();
        }
        if ((d->flags & (COND_BRANCH | FIXED_JUMP)) && !(d->flags & END)) {
            fprintf(stderr, "row %s: a branch or jump must end its block\n", d->name);
            fail();
        }
        bool checked = (d->flags & (COND_BRANCH | FIXED_JUMP)) != 0;
        assert_int_equal(rv32_check_fn(d->sem) != NULL, checked);
        assert_int_equal(rv64_check_fn(d->sem) != NULL, checked);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_overlaps),      cmocka_unit_test(test_table_rows_consistent),
        cmocka_unit_test(test_operand_extraction),  cmocka_unit_test(test_compressed_expansion),
        cmocka_unit_test(test_reserved_compressed), cmocka_unit_test(test_reserved_neighbours),
        cmocka_unit_test(test_wrong_xlen),          cmocka_unit_test(test_extension_gates),
        cmocka_unit_test(test_insn_length),         cmocka_unit_test(test_testhart_encoders),
        cmocka_unit_test(test_control_flow_flags),  cmocka_unit_test(test_lookup_by_opcode),
    };
    return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
