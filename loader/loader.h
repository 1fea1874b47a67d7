/* Loading firmware into a machine: ELF files (through libelf) and raw images.
 *
 * The loader validates everything before it writes anything: ELF32/ELF64, little-endian,
 * EM_RISCV, at least one PT_LOAD, segments that lie in memory the target says exists and
 * that do not overlap each other. A problem is reported as one line in `err` naming the
 * file and what is wrong, and the call returns false with the target untouched.
 *
 * Message format: "<path>: <problem>" or "<path>: <problem>; <what to do>", one line, no
 * trailing newline, e.g. "fw.elf: built for x86-64, not RISC-V; build it with a RISC-V
 * toolchain (riscv64-unknown-elf-gcc)". Callers print it as it is (prefixed with the
 * program name if they like).
 *
 * Policy: ET_EXEC and ET_DYN are accepted; both are loaded at the addresses in the file
 * and no relocation is applied (a bare-metal PIE must have been linked for where it runs).
 * ET_REL (an object file) and ET_CORE are refused. Segments are placed at p_paddr, the
 * load address, as QEMU and Spike do, so .data linked to run in RAM but stored in ROM
 * lands in ROM. PT_LOAD entries with p_memsz == 0 are ignored. Symbols come from .symtab;
 * section, file and mapping ("$x", "$d") symbols and empty names are skipped.
 *
 * Partly outside memory: GNU ld's default script puts the ELF and program headers in the
 * first segment, so `-Ttext=0x80000000` makes a segment that starts a page below RAM. A
 * segment that is only partly in memory is loaded (its in-memory part) when the part
 * outside holds no allocated section's bytes, only headers or padding; `info->warning`
 * says so in one line. If code or data would be lost, or the file has no section headers
 * to tell, it is refused as a segment wholly outside memory is. The refusal names the
 * target's memory (load_target.describe) and where the per-board compiler lines are
 * documented.
 *
 * Usage:
 *     struct elf_info info;
 *     if (!elf_load(path, &target, &info, err, sizeof err)) { fprintf(stderr, "%s\n", err); ... }
 */
#ifndef HARTLAB_LOADER_LOADER_H
#define HARTLAB_LOADER_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/symtab.h"

/* Where loaded bytes go. */
struct load_target {
    void *ctx;
    /* True if [addr, addr+len) is memory that can be loaded (RAM or ROM). */
    bool (*is_memory)(void *ctx, uint64_t addr, uint64_t len);
    /* Copy bytes in (ROM included). */
    void (*write)(void *ctx, uint64_t addr, const void *data, uint64_t len);
    /* Zero-fill [addr, addr+len) (bss). */
    void (*zero)(void *ctx, uint64_t addr, uint64_t len);
    /* Optional: the target's memory in words for messages ("RAM 0x80000000-0x87ffffff"). */
    void (*describe)(void *ctx, char *buf, size_t len);
};

struct elf_info {
    unsigned xlen; /* 32 or 64, from the ELF class */
    uint64_t entry;
    uint32_t flags;           /* e_flags (RVC, float ABI) */
    struct symtab *symbols;   /* owned by the caller after a successful load */
    uint64_t lowest, highest; /* span of loaded segments: [lowest, highest) */
    char warning[400];        /* one line for the user ("" if none): see "Partly outside" */
};

/* Read only the header: XLEN, entry point and flags (symbols NULL, span 0). Checks the
 * identification, class, byte order, machine and type as elf_load does. */
bool elf_probe(const char *path, struct elf_info *info, char *err, size_t errlen);
/* Validate and load. On success, info->symbols holds the symbol table. */
bool elf_load(const char *path, const struct load_target *t, struct elf_info *info, char *err,
              size_t errlen);
/* Load a raw image at `addr`; returns its size through `size`. An empty file, or one
 * that does not fit in memory at `addr`, is refused with the target untouched. */
bool raw_load(const char *path, uint64_t addr, const struct load_target *t, uint64_t *size,
              char *err, size_t errlen);

#endif
