/* A filter for the disassembler comparison test (tests/disasm/compare.py): reads lines
 * "XLEN PC BITS" (PC and BITS in hex) on standard input and prints hartlab's disassembly of
 * each, one line per input line, with every extension hartlab knows enabled, so the output
 * can be set against `riscv64-unknown-elf-objdump -d` line by line.
 *
 * `disasm_tool --table` prints the instruction table instead ("NAME MATCH MASK XLEN" per row),
 * from which the comparison script draws random encodings of every row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/disasm.h"
#include "core/hart.h"

static void print_table(void)
{
    for (unsigned i = 0; i < INSN_COUNT; i++) {
        const struct insn_desc *d = &insn_table[i];
        printf("%s %08" PRIx32 " %08" PRIx32 " %u\n", d->name, d->match, d->mask, d->xlen);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--table") == 0) {
        print_table();
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: disasm_tool [--table] < lines of \"XLEN PC BITS\"\n");
        return 2;
    }

    const uint32_t misa_ext =
        ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('F') | ISA_EXT('D') | ISA_EXT('C');
    char line[256], text[128];
    unsigned long lineno = 0;

    while (fgets(line, sizeof line, stdin)) {
        unsigned xlen;
        uint64_t pc;
        uint32_t raw;
        lineno++;
        if (sscanf(line, "%u %" SCNx64 " %" SCNx32, &xlen, &pc, &raw) != 3 ||
            (xlen != 32 && xlen != 64)) {
            fprintf(stderr, "disasm_tool: line %lu: expected \"XLEN PC BITS\", got: %s", lineno,
                    line);
            return 2;
        }
        puts(disasm_raw(raw, pc, xlen, misa_ext, text, sizeof text));
    }
    return 0;
}
