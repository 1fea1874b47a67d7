/* Fuzz harness: the ELF loader (loader/elf.c through libelf, loader/symtab.c), as
 * `hartlab FILE.elf` uses it: elf_probe, then elf_load into a target with 1 MiB of RAM at
 * 0x80000000 and 64 KiB of ROM at 0x20000000, then symbol look-ups. The input is the file,
 * handed to the loader as /proc/self/fd/N of a memory file.
 * Invariants (loader/loader.h): a refused file gets one non-empty line that names it and
 * leaves the target untouched (nothing written before everything was checked); a loaded
 * file wrote only inside memory the target said exists; probe and load agree on the
 * XLEN and entry point. Seeds: tests/elf/gen_corpus.py's good and malformed files and the
 * small test programs of tests/cli.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "loader/loader.h"
#include "loader/symtab.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define ROM_BASE 0x20000000ull
#define ROM_SIZE (64ull << 10)

static uint8_t ram[RAM_SIZE], rom[ROM_SIZE];
static unsigned writes;
static int memfd = -1;
static char path[64];

static uint8_t *where(uint64_t addr, uint64_t len)
{
    if (addr >= RAM_BASE && len <= RAM_SIZE && addr - RAM_BASE <= RAM_SIZE - len)
        return ram + (addr - RAM_BASE);
    if (addr >= ROM_BASE && len <= ROM_SIZE && addr - ROM_BASE <= ROM_SIZE - len)
        return rom + (addr - ROM_BASE);
    return NULL;
}

static bool t_is_memory(void *ctx, uint64_t addr, uint64_t len)
{
    return where(addr, len ? len : 1) != NULL;
}

static void t_write(void *ctx, uint64_t addr, const void *data, uint64_t len)
{
    uint8_t *p = where(addr, len);
    if (!p)
        fuzz_fail("elf_load wrote %llu bytes at 0x%llx, outside memory", (unsigned long long)len,
                  (unsigned long long)addr);
    memcpy(p, data, len);
    writes++;
}

static void t_zero(void *ctx, uint64_t addr, uint64_t len)
{
    uint8_t *p = where(addr, len);
    if (!p)
        fuzz_fail("elf_load zeroed %llu bytes at 0x%llx, outside memory", (unsigned long long)len,
                  (unsigned long long)addr);
    memset(p, 0, len);
    writes++;
}

static const struct load_target target = {
    .is_memory = t_is_memory,
    .write = t_write,
    .zero = t_zero,
};

static void check_message(const char *what, const char *err)
{
    if (!err[0] || strchr(err, '\n') || strncmp(err, path, strlen(path)) != 0)
        fuzz_fail("%s: the error is not one line naming the file: '%s'", what, err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    memfd = memfd_create("fuzz.elf", 0);
    if (memfd < 0) {
        perror("fuzz_elf: memfd_create");
        exit(1);
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        fuzz_fail("cannot write the memory file");
    char err[1024] = "";
    struct elf_info probe, info;
    bool probed = elf_probe(path, &probe, err, sizeof err);
    if (!probed)
        check_message("elf_probe", err);
    err[0] = 0;
    writes = 0;
    memset(&info, 0, sizeof info);
    if (!elf_load(path, &target, &info, err, sizeof err)) {
        check_message("elf_load", err);
        if (writes)
            fuzz_fail("elf_load refused the file after writing %u times", writes);
        return 0;
    }
    if (!probed)
        fuzz_fail("elf_load took a file elf_probe refused (%s)", err);
    if (probe.xlen != info.xlen || probe.entry != info.entry)
        fuzz_fail("elf_probe and elf_load disagree: RV%u 0x%llx vs RV%u 0x%llx", probe.xlen,
                  (unsigned long long)probe.entry, info.xlen, (unsigned long long)info.entry);
    if (info.xlen != 32 && info.xlen != 64)
        fuzz_fail("XLEN %u", info.xlen);
    if (info.symbols) {
        uint64_t a;
        symtab_lookup(info.symbols, info.entry);
        symtab_lookup(info.symbols, info.lowest);
        symtab_lookup(info.symbols, info.highest - 1);
        symtab_find(info.symbols, "tohost", &a);
        symtab_find(info.symbols, "_start", &a);
        symtab_free(info.symbols);
    }
    return 0;
}
