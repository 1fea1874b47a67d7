/* Unit tests of the disassembler (core/disasm.c): a few instructions of each kind, with the
 * text riscv64-unknown-elf-objdump -d (binutils 2.40) prints for the same word. The full
 * comparison with objdump, over every table row and every 16-bit encoding, is
 * tests/disasm; these pin down the interface (register and CSR names, targets, truncation,
 * disasm_writes_rd) and the cases a reader would look up first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/decode.h"
#include "core/disasm.h"
#include "core/hart.h"

#define EXT_IMAC (ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C'))

static const char *dis(uint32_t raw, uint64_t pc, unsigned xlen)
{
    static char text[96];
    return disasm_raw(raw, pc, xlen, EXT_IMAC, text, sizeof text);
}

static void test_reg_names(void **state)
{
    (void)state;
    assert_string_equal(disasm_reg_name(0), "zero");
    assert_string_equal(disasm_reg_name(1), "ra");
    assert_string_equal(disasm_reg_name(2), "sp");
    assert_string_equal(disasm_reg_name(8), "s0");
    assert_string_equal(disasm_reg_name(10), "a0");
    assert_string_equal(disasm_reg_name(27), "s11");
    assert_string_equal(disasm_reg_name(31), "t6");
    assert_string_equal(disasm_reg_name(REG_SINK), "zero");
}

static void test_csr_names(void **state)
{
    (void)state;
    assert_string_equal(disasm_csr_name(CSR_MSTATUS), "mstatus");
    assert_string_equal(disasm_csr_name(CSR_MTVEC), "mtvec");
    assert_string_equal(disasm_csr_name(CSR_PMPADDR63), "pmpaddr63");
    assert_string_equal(disasm_csr_name(CSR_MHPMCOUNTER3H), "mhpmcounter3h");
    assert_string_equal(disasm_csr_name(CSR_CYCLE), "cycle");
    assert_null(disasm_csr_name(0x7ff));
    assert_null(disasm_csr_name(0xfff));
}

static void test_base_and_aliases(void **state)
{
    (void)state;
    assert_string_equal(dis(0x00000013, 0, 64), "nop");
    assert_string_equal(dis(0xfe010113, 0, 64), "add sp,sp,-32"); /* sic: binutils 2.40 */
    assert_string_equal(dis(0x00500513, 0, 64), "li a0,5");
    assert_string_equal(dis(0x00058513, 0, 64), "mv a0,a1");
    assert_string_equal(dis(0xfff5c513, 0, 64), "not a0,a1");
    assert_string_equal(dis(0x40c00533, 0, 64), "neg a0,a2");
    assert_string_equal(dis(0x0005851b, 0, 64), "sext.w a0,a1");
    assert_string_equal(dis(0x0015b513, 0, 64), "seqz a0,a1");
    assert_string_equal(dis(0x00b03533, 0, 64), "snez a0,a1");
    assert_string_equal(dis(0x00c5a533, 0, 64), "slt a0,a1,a2");
    assert_string_equal(dis(0x00008067, 0, 64), "ret");
    assert_string_equal(dis(0x000500e7, 0, 64), "jalr a0");
    assert_string_equal(dis(0x00c58503, 0, 64), "lb a0,12(a1)");
    assert_string_equal(dis(0xfea12e23, 0, 64), "sw a0,-4(sp)");
    assert_string_equal(dis(0x12345537, 0, 64), "lui a0,0x12345");
    assert_string_equal(dis(0x00351513, 0, 64), "sll a0,a0,0x3"); /* sic: binutils 2.40 */
    assert_string_equal(dis(0x0ff0000f, 0, 64), "fence");
    assert_string_equal(dis(0x0210000f, 0, 64), "fence r,w");
    assert_string_equal(dis(0x8330000f, 0, 64), "fence.tso");
    assert_string_equal(dis(0x00000073, 0, 64), "ecall");
    assert_string_equal(dis(0x30200073, 0, 64), "mret");
}

static void test_targets(void **state)
{
    (void)state;
    /* Absolute hex addresses without 0x, wrapped to XLEN. */
    assert_string_equal(dis(0x0100006f, 0x80000000, 64), "j 80000010");
    assert_string_equal(dis(0xff9ff0ef, 0x80000100, 64), "jal 800000f8");
    assert_string_equal(dis(0x00b50463, 0x80000000, 32), "beq a0,a1,80000008");
    assert_string_equal(dis(0x00050463, 0x1000, 64), "beqz a0,1008");
    assert_string_equal(dis(0xfe0558e3, 0x1000, 64), "bgez a0,ff0");
    assert_string_equal(dis(0xffdff06f, 0, 32), "j fffffffc");
    assert_string_equal(dis(0xffdff06f, 0, 64), "j fffffffffffffffc");
}

static void test_csr(void **state)
{
    (void)state;
    assert_string_equal(dis(0x30002573, 0, 64), "csrr a0,mstatus");
    assert_string_equal(dis(0x30559073, 0, 64), "csrw mtvec,a1");
    assert_string_equal(dis(0x30046073, 0, 64), "csrs mstatus,8");
    assert_string_equal(dis(0x340595f3, 0, 64), "csrrw a1,mscratch,a1");
    assert_string_equal(dis(0xc0002573, 0, 64), "rdcycle a0");
    assert_string_equal(dis(0xc8002573, 0, 32), "rdcycleh a0");
    assert_string_equal(dis(0xc8002573, 0, 64), "csrr a0,cycleh");
    assert_string_equal(dis(0x7ff02573, 0, 64), "csrr a0,0x7ff");
    assert_string_equal(dis(0xc0001073, 0, 64), "unimp");
}

static void test_atomics(void **state)
{
    (void)state;
    assert_string_equal(dis(0x06b6252f, 0, 64), "amoadd.w.aqrl a0,a1,(a2)");
    assert_string_equal(dis(0x1405a52f, 0, 64), "lr.w.aq a0,(a1)");
    assert_string_equal(dis(0x1ac5a52f, 0, 64), "sc.w.rl a0,a2,(a1)");
    assert_string_equal(dis(0x00b6352f, 0, 64), "amoadd.d a0,a1,(a2)");
}

static void test_compressed(void **state)
{
    (void)state;
    assert_string_equal(dis(0x0001, 0, 64), "nop");
    assert_string_equal(dis(0x4505, 0, 64), "li a0,1");
    assert_string_equal(dis(0x7101, 0, 64), "add sp,sp,-512"); /* c.addi16sp */
    assert_string_equal(dis(0x852e, 0, 64), "mv a0,a1");
    assert_string_equal(dis(0x8082, 0, 64), "ret");
    assert_string_equal(dis(0x9002, 0, 64), "ebreak");
    assert_string_equal(dis(0x4188, 0, 32), "lw a0,0(a1)");
    assert_string_equal(dis(0x2501, 0, 64), "sext.w a0,a0");
    assert_string_equal(dis(0xa001, 0x100, 64), "j 100");
    assert_string_equal(dis(0x2001, 0x100, 32), "jal 100");
    /* HINTs keep their compressed names. */
    assert_string_equal(dis(0x4001, 0, 64), "c.li zero,0");
    assert_string_equal(dis(0x0005, 0, 64), "c.nop 1");
    assert_string_equal(dis(0x8001, 0, 64), "c.srli64 s0");
}

static void test_illegal(void **state)
{
    (void)state;
    assert_string_equal(dis(0x0000, 0, 64), "unimp");
    assert_string_equal(dis(0x8002, 0, 64), ".2byte 0x8002"); /* c.jr zero: reserved */
    assert_string_equal(dis(0x12345677, 0, 64), ".4byte 0x12345677");
    assert_string_equal(dis(0x00b6352f, 0, 32), ".4byte 0xb6352f"); /* amoadd.d on RV32 */
    /* Without C enabled, 16-bit encodings are illegal. */
    char text[32];
    assert_string_equal(disasm_raw(0x4505, 0, 64, ISA_EXT('I'), text, sizeof text),
                        ".2byte 0x4505");
}

static void test_truncation(void **state)
{
    (void)state;
    char small[8];
    memset(small, 'x', sizeof small);
    disasm_raw(0x06b6252f, 0, 64, EXT_IMAC, small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, "amoadd.", 7);
    char none[1] = { 'x' };
    disasm_raw(0x00000013, 0, 64, EXT_IMAC, none, 0);
    assert_int_equal(none[0], 'x');
}

static void test_writes_rd(void **state)
{
    (void)state;
    struct insn ins;
    assert_true(insn_decode(0x00500513, 64, EXT_IMAC, &ins)); /* li a0,5 */
    assert_true(disasm_writes_rd(&ins));
    assert_true(insn_decode(0x00000013, 64, EXT_IMAC, &ins)); /* nop */
    assert_false(disasm_writes_rd(&ins));
    assert_true(insn_decode(0xfea12e23, 64, EXT_IMAC, &ins)); /* sw */
    assert_false(disasm_writes_rd(&ins));
    assert_true(insn_decode(0x00b50463, 64, EXT_IMAC, &ins)); /* beq */
    assert_false(disasm_writes_rd(&ins));
    assert_true(insn_decode(0x9082, 64, EXT_IMAC, &ins)); /* c.jalr ra: writes ra */
    assert_true(disasm_writes_rd(&ins));
    assert_true(insn_decode(0x30002573, 64, EXT_IMAC, &ins)); /* csrr a0,mstatus */
    assert_true(disasm_writes_rd(&ins));
    /* disasm_insn on a decoded struct gives the same text as disasm_raw. */
    char text[32];
    ins.pc = 0;
    assert_string_equal(disasm_insn(&ins, 64, text, sizeof text), "csrr a0,mstatus");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reg_names),
        cmocka_unit_test(test_csr_names),
        cmocka_unit_test(test_base_and_aliases),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_csr),
        cmocka_unit_test(test_atomics),
        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_illegal),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_writes_rd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
