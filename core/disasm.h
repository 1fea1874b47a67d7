/* The disassembler: prints a decoded instruction the way GNU objdump does (mnemonics,
 * pseudo-instructions such as `li`/`mv`/`ret`/`csrr`, ABI register names), expanded from the
 * instruction table like the decoder. Used by the instruction trace, the debugger and the
 * classroom views; tests compare it with riscv64-unknown-elf-objdump.
 *
 * Usage:
 *     struct insn ins;
 *     insn_decode(raw, 64, misa_ext, &ins); ins.pc = pc;
 *     char text[96];
 *     disasm_insn(&ins, 64, text, sizeof text);   // "addi sp,sp,-16"
 */
#ifndef HARTLAB_CORE_DISASM_H
#define HARTLAB_CORE_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/decode.h"

/* ABI name of integer register 0..31 ("zero", "ra", "sp", ..., "t6"); 32 prints "zero". */
const char *disasm_reg_name(unsigned reg);
/* Name of a CSR ("mstatus"), or NULL if unknown. */
const char *disasm_csr_name(unsigned csr);
/* Text of a decoded instruction. Branch and jump targets are absolute addresses in hex
 * without 0x, as objdump prints them. An illegal instruction (id == INSN_COUNT) prints
 * as "unimp" for 0 / 0x0000 and ".insn ..." otherwise. Returns `out`. */
char *disasm_insn(const struct insn *ins, unsigned xlen, char *out, size_t outlen);
/* Decode and print raw bits at `pc`. */
char *disasm_raw(uint32_t raw, uint64_t pc, unsigned xlen, uint32_t misa_ext, char *out,
                 size_t outlen);
/* True if the instruction writes an integer destination register (for traces). */
bool disasm_writes_rd(const struct insn *ins);
/* A trap cause in words, as the Privileged Architecture's mcause table names it
 * ("load access fault", "machine timer"); `code` without the interrupt bit. */
const char *disasm_cause_name(uint64_t code, bool irq);
/* A trap in words with what its tval says (Privileged 3.1.16): "load access fault at
 * 0x40000000", "illegal instruction 0x00000000", "ecall from M-mode", "machine timer
 * interrupt". `cause` is an mcause/scause value of an XLEN-bit hart. Returns `out`. */
char *disasm_trap(uint64_t cause, uint64_t tval, unsigned xlen, char *out, size_t outlen);

#endif
