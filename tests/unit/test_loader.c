/* Unit tests for loader/elf.c and loader/symtab.c: ELF files built here, byte by byte, from
 * the System V ABI structures in <elf.h>, are loaded into a fake target (a buffer standing
 * for RAM at 0x80000000). Valid files must land where their program headers say, with bss
 * zeroed; every malformed file must be refused with a message naming the file and the
 * problem, without a single write to the target. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader/loader.h"

/* ---- the fake target ---- */

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x10000u
#define RAM_FILL 0xa5

struct fake_ram {
    uint8_t mem[RAM_SIZE];
    unsigned writes, zeros;
};

static struct fake_ram ram;

static bool fake_is_memory(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx;
    return addr >= RAM_BASE && len <= RAM_SIZE && addr - RAM_BASE <= RAM_SIZE - len;
}

static void fake_write(void *ctx, uint64_t addr, const void *data, uint64_t len)
{
    struct fake_ram *r = ctx;
    assert_true(fake_is_memory(ctx, addr, len));
    memcpy(r->mem + (addr - RAM_BASE), data, len);
    r->writes++;
}

static void fake_zero(void *ctx, uint64_t addr, uint64_t len)
{
    struct fake_ram *r = ctx;
    assert_true(fake_is_memory(ctx, addr, len));
    memset(r->mem + (addr - RAM_BASE), 0, len);
    r->zeros++;
}

static void fake_describe(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    snprintf(buf, len, "RAM 0x%x-0x%x", RAM_BASE, RAM_BASE + RAM_SIZE - 1);
}

static const struct load_target target = { &ram, fake_is_memory, fake_write, fake_zero,
                                           fake_describe };

static void ram_reset(void)
{
    memset(ram.mem, RAM_FILL, sizeof ram.mem);
    ram.writes = ram.zeros = 0;
}

static bool ram_untouched(void)
{
    if (ram.writes || ram.zeros)
        return false;
    for (size_t i = 0; i < RAM_SIZE; i++)
        if (ram.mem[i] != RAM_FILL)
            return false;
    return true;
}

/* ---- building ELF files ---- */

struct seg_desc {
    uint64_t paddr;
    const void *data;
    uint64_t filesz, memsz;
    uint64_t sec_skip; /* its section starts this far in (the bytes before: "headers") */
};

struct sym_desc {
    const char *name;
    uint64_t value, size;
    unsigned type, bind, shndx;
};

/* Where build_elf put things, so a test can corrupt one field. */
struct layout {
    unsigned xlen;
    size_t phoff, shoff, symoff, stroff, symtab_index, nsyms;
};

struct buf {
    uint8_t *p;
    size_t len;
};

static void buf_put(struct buf *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    b->p = realloc(b->p, b->len + len);
    assert_non_null(b->p);
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

static void buf_align(struct buf *b, size_t a)
{
    static const uint8_t zeros[16];
    if (b->len % a)
        buf_put(b, zeros, a - b->len % a);
}

static const uint8_t code[16] = { 0xb7, 0x02, 0x10, 0x00, 0x37, 0x53, 0x00, 0x00,
                                  0x13, 0x03, 0x53, 0x55, 0x6f, 0x00, 0x00, 0x00 };
static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static const struct seg_desc default_segs[] = {
    { RAM_BASE, code, sizeof code, sizeof code, 0 },
    { RAM_BASE + 0x1000, data, sizeof data, 0x100, 0 },
};

/* Symbols for the default segments: section 1 is .text, section 2 is .data. */
static const struct sym_desc default_syms[] = {
    { "start.S", 0, 0, STT_FILE, STB_LOCAL, SHN_ABS },
    { "", RAM_BASE, 0, STT_SECTION, STB_LOCAL, 1 },
    { "$x", RAM_BASE, 0, STT_NOTYPE, STB_LOCAL, 1 },
    { "$xrv64i2p1_m2p0", RAM_BASE + 4, 0, STT_NOTYPE, STB_LOCAL, 1 }, /* binutils 2.40 */
    { "loop", RAM_BASE + 0xc, 0, STT_NOTYPE, STB_LOCAL, 1 },
    { "_start", RAM_BASE, sizeof code, STT_FUNC, STB_GLOBAL, 1 },
    { "counter", RAM_BASE + 0x1000, 8, STT_OBJECT, STB_GLOBAL, 2 },
    { "undefined_weak", 0, 0, STT_NOTYPE, STB_WEAK, SHN_UNDEF },
};

struct elf_desc {
    unsigned xlen;
    uint16_t type, machine;
    uint64_t entry;
    uint32_t flags;
    const struct seg_desc *segs;
    size_t nsegs;
    const struct sym_desc *syms;
    size_t nsyms;
};

static struct elf_desc default_desc(unsigned xlen)
{
    return (struct elf_desc){ .xlen = xlen,
                              .type = ET_EXEC,
                              .machine = EM_RISCV,
                              .entry = RAM_BASE,
                              .flags = EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE,
                              .segs = default_segs,
                              .nsegs = 2,
                              .syms = default_syms,
                              .nsyms = sizeof default_syms / sizeof default_syms[0] };
}

/* Sections: 0 null, 1..nsegs one PROGBITS per segment, then .symtab, .strtab. */
static struct buf build_elf(const struct elf_desc *d, struct layout *lay)
{
    bool is64 = d->xlen == 64;
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    size_t phentsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    size_t shentsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    struct buf b = { 0 };
    *lay = (struct layout){ .xlen = d->xlen, .phoff = ehsize };
    uint8_t *zeros = calloc(1, ehsize + phentsize * d->nsegs);
    buf_put(&b, zeros, ehsize + phentsize * d->nsegs);
    free(zeros);

    size_t seg_off[8];
    assert_true(d->nsegs <= 8);
    for (size_t i = 0; i < d->nsegs; i++) {
        buf_align(&b, 16);
        seg_off[i] = b.len;
        buf_put(&b, d->segs[i].data, d->segs[i].filesz);
    }

    struct buf strtab = { 0 };
    buf_put(&strtab, "", 1);
    buf_align(&b, 8);
    lay->symoff = b.len;
    lay->nsyms = d->nsyms + 1;
    for (size_t i = 0; i <= d->nsyms; i++) {
        uint32_t name = 0;
        const struct sym_desc *s = i ? &d->syms[i - 1] : NULL;
        if (s && s->name[0]) {
            name = (uint32_t)strtab.len;
            buf_put(&strtab, s->name, strlen(s->name) + 1);
        }
        unsigned char info = s ? (unsigned char)((s->bind << 4) | s->type) : 0;
        if (is64) {
            Elf64_Sym sym = { .st_name = name,
                              .st_info = info,
                              .st_shndx = s ? (Elf64_Section)s->shndx : 0,
                              .st_value = s ? s->value : 0,
                              .st_size = s ? s->size : 0 };
            buf_put(&b, &sym, sizeof sym);
        } else {
            Elf32_Sym sym = { .st_name = name,
                              .st_info = info,
                              .st_shndx = s ? (Elf32_Section)s->shndx : 0,
                              .st_value = s ? (Elf32_Addr)s->value : 0,
                              .st_size = s ? (Elf32_Word)s->size : 0 };
            buf_put(&b, &sym, sizeof sym);
        }
    }
    size_t symsize = b.len - lay->symoff;
    lay->stroff = b.len;
    buf_put(&b, strtab.p, strtab.len);
    size_t strsize = strtab.len;
    free(strtab.p);

    buf_align(&b, 8);
    lay->shoff = b.len;
    size_t shnum = d->nsegs + 3;
    lay->symtab_index = d->nsegs + 1;
    for (size_t i = 0; i < shnum; i++) {
        uint32_t type = SHT_NULL, link = 0, info = 0;
        uint64_t addr = 0, off = 0, size = 0, entsize = 0;
        uint64_t flags = 0;
        if (i >= 1 && i <= d->nsegs) {
            const struct seg_desc *sd = &d->segs[i - 1];
            type = SHT_PROGBITS;
            flags = SHF_ALLOC;
            addr = sd->paddr + sd->sec_skip;
            off = seg_off[i - 1] + sd->sec_skip;
            size = sd->filesz - sd->sec_skip;
        } else if (i == lay->symtab_index) {
            type = SHT_SYMTAB;
            off = lay->symoff;
            size = symsize;
            link = (uint32_t)i + 1;
            entsize = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
        } else if (i == lay->symtab_index + 1) {
            type = SHT_STRTAB;
            off = lay->stroff;
            size = strsize;
        }
        if (is64) {
            Elf64_Shdr sh = { .sh_type = type,
                              .sh_flags = flags,
                              .sh_addr = addr,
                              .sh_offset = off,
                              .sh_size = size,
                              .sh_link = link,
                              .sh_info = info,
                              .sh_entsize = entsize };
            buf_put(&b, &sh, sizeof sh);
        } else {
            Elf32_Shdr sh = { .sh_type = type,
                              .sh_flags = (Elf32_Word)flags,
                              .sh_addr = (Elf32_Addr)addr,
                              .sh_offset = (Elf32_Off)off,
                              .sh_size = (Elf32_Word)size,
                              .sh_link = link,
                              .sh_info = info,
                              .sh_entsize = (Elf32_Word)entsize };
            buf_put(&b, &sh, sizeof sh);
        }
    }

    unsigned char ident[EI_NIDENT] = {
        ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, is64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB, EV_CURRENT
    };
    if (is64) {
        Elf64_Ehdr eh = { .e_type = d->type,
                          .e_machine = d->machine,
                          .e_version = EV_CURRENT,
                          .e_entry = d->entry,
                          .e_phoff = lay->phoff,
                          .e_shoff = lay->shoff,
                          .e_flags = d->flags,
                          .e_ehsize = (Elf64_Half)ehsize,
                          .e_phentsize = (Elf64_Half)phentsize,
                          .e_phnum = (Elf64_Half)d->nsegs,
                          .e_shentsize = (Elf64_Half)shentsize,
                          .e_shnum = (Elf64_Half)shnum,
                          .e_shstrndx = SHN_UNDEF };
        memcpy(eh.e_ident, ident, EI_NIDENT);
        memcpy(b.p, &eh, sizeof eh);
        for (size_t i = 0; i < d->nsegs; i++) {
            Elf64_Phdr ph = { .p_type = PT_LOAD,
                              .p_flags = PF_R,
                              .p_offset = seg_off[i],
                              .p_vaddr = d->segs[i].paddr,
                              .p_paddr = d->segs[i].paddr,
                              .p_filesz = d->segs[i].filesz,
                              .p_memsz = d->segs[i].memsz,
                              .p_align = 16 };
            memcpy(b.p + lay->phoff + i * phentsize, &ph, sizeof ph);
        }
    } else {
        Elf32_Ehdr eh = { .e_type = d->type,
                          .e_machine = d->machine,
                          .e_version = EV_CURRENT,
                          .e_entry = (Elf32_Addr)d->entry,
                          .e_phoff = (Elf32_Off)lay->phoff,
                          .e_shoff = (Elf32_Off)lay->shoff,
                          .e_flags = d->flags,
                          .e_ehsize = (Elf32_Half)ehsize,
                          .e_phentsize = (Elf32_Half)phentsize,
                          .e_phnum = (Elf32_Half)d->nsegs,
                          .e_shentsize = (Elf32_Half)shentsize,
                          .e_shnum = (Elf32_Half)shnum,
                          .e_shstrndx = SHN_UNDEF };
        memcpy(eh.e_ident, ident, EI_NIDENT);
        memcpy(b.p, &eh, sizeof eh);
        for (size_t i = 0; i < d->nsegs; i++) {
            Elf32_Phdr ph = { .p_type = PT_LOAD,
                              .p_flags = PF_R,
                              .p_offset = (Elf32_Off)seg_off[i],
                              .p_vaddr = (Elf32_Addr)d->segs[i].paddr,
                              .p_paddr = (Elf32_Addr)d->segs[i].paddr,
                              .p_filesz = (Elf32_Word)d->segs[i].filesz,
                              .p_memsz = (Elf32_Word)d->segs[i].memsz,
                              .p_align = 16 };
            memcpy(b.p + lay->phoff + i * phentsize, &ph, sizeof ph);
        }
    }
    return b;
}

/* Little-endian field pokes (the files are little-endian whatever the host is). */
static void poke(struct buf *b, size_t off, uint64_t value, unsigned bytes)
{
    assert_true(off + bytes <= b->len);
    for (unsigned i = 0; i < bytes; i++)
        b->p[off + i] = (uint8_t)(value >> (8 * i));
}

#define EH64(field) offsetof(Elf64_Ehdr, field), sizeof(((Elf64_Ehdr *)0)->field)
#define PH64(lay, i, field)                                                                        \
    (lay)->phoff + (i) * sizeof(Elf64_Phdr) + offsetof(Elf64_Phdr, field),                         \
        sizeof(((Elf64_Phdr *)0)->field)
#define PH32(lay, i, field)                                                                        \
    (lay)->phoff + (i) * sizeof(Elf32_Phdr) + offsetof(Elf32_Phdr, field),                         \
        sizeof(((Elf32_Phdr *)0)->field)
#define SH64(lay, i, field)                                                                        \
    (lay)->shoff + (i) * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, field),                         \
        sizeof(((Elf64_Shdr *)0)->field)

static void poke_f(struct buf *b, size_t off, size_t size, uint64_t value)
{
    poke(b, off, value, (unsigned)size);
}

/* ---- temporary files ---- */

static char tmpdir[64];

static int group_setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/hartlab-test-loader-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes the bytes to tmpdir/name and returns the path (static storage, one at a time). */
static const char *write_file(const char *name, const void *bytes, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static const char *write_buf(const char *name, struct buf *b)
{
    const char *path = write_file(name, b->p, b->len);
    free(b->p);
    b->p = NULL;
    return path;
}

/* ---- valid files ---- */

static void test_load_elf64(void **state)
{
    (void)state;
    struct layout lay;
    struct elf_desc d = default_desc(64);
    struct buf b = build_elf(&d, &lay);
    const char *path = write_buf("ok64.elf", &b);
    ram_reset();
    struct elf_info info;
    char err[256] = "";
    assert_true(elf_load(path, &target, &info, err, sizeof err));
    assert_string_equal(err, "");
    assert_int_equal(info.xlen, 64);
    assert_int_equal(info.entry, RAM_BASE);
    assert_int_equal(info.flags, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE);
    assert_int_equal(info.lowest, RAM_BASE);
    assert_int_equal(info.highest, RAM_BASE + 0x1100);

    /* Segments at their addresses, bss zeroed, nothing around them touched. */
    assert_memory_equal(ram.mem, code, sizeof code);
    assert_int_equal(ram.mem[sizeof code], RAM_FILL);
    assert_memory_equal(ram.mem + 0x1000, data, sizeof data);
    for (size_t i = 0x1000 + sizeof data; i < 0x1100; i++)
        assert_int_equal(ram.mem[i], 0);
    assert_int_equal(ram.mem[0x1100], RAM_FILL);
    assert_int_equal(ram.mem[0xfff], RAM_FILL);

    /* Symbols: file, section, mapping and undefined ones are dropped. */
    struct symtab *st = info.symbols;
    assert_non_null(st);
    assert_int_equal(st->n, 3);
    uint64_t addr = 0;
    assert_true(symtab_find(st, "_start", &addr));
    assert_int_equal(addr, RAM_BASE);
    assert_true(symtab_find(st, "counter", &addr));
    assert_int_equal(addr, RAM_BASE + 0x1000);
    assert_true(symtab_find(st, "loop", &addr));
    assert_int_equal(addr, RAM_BASE + 0xc);
    assert_false(symtab_find(st, "$x", &addr));
    assert_false(symtab_find(st, "$xrv64i2p1_m2p0", &addr));
    assert_false(symtab_find(st, "start.S", &addr));
    assert_false(symtab_find(st, "undefined_weak", &addr));

    const struct symbol *s = symtab_lookup(st, RAM_BASE + 0xe); /* inside _start, past loop */
    assert_non_null(s);
    assert_string_equal(s->name, "_start");
    assert_int_equal(s->type, SYM_FUNC);
    s = symtab_lookup(st, RAM_BASE + 0x1004);
    assert_string_equal(s->name, "counter");
    assert_int_equal(s->type, SYM_OBJECT);
    s = symtab_lookup(st, RAM_BASE + 0x800); /* in no symbol: nearest below */
    assert_string_equal(s->name, "loop");
    assert_int_equal(s->type, SYM_OTHER);
    assert_null(symtab_lookup(st, RAM_BASE - 1));
    symtab_free(st);
}

static void test_load_elf32(void **state)
{
    (void)state;
    struct layout lay;
    struct elf_desc d = default_desc(32);
    d.entry = RAM_BASE + 4;
    d.flags = EF_RISCV_RVC;
    struct buf b = build_elf(&d, &lay);
    const char *path = write_buf("ok32.elf", &b);
    ram_reset();
    struct elf_info info;
    char err[256] = "";
    assert_true(elf_load(path, &target, &info, err, sizeof err));
    assert_int_equal(info.xlen, 32);
    assert_int_equal(info.entry, RAM_BASE + 4);
    assert_int_equal(info.flags, EF_RISCV_RVC);
    assert_memory_equal(ram.mem, code, sizeof code);
    assert_memory_equal(ram.mem + 0x1000, data, sizeof data);
    assert_int_equal(ram.mem[0x10ff], 0);
    uint64_t addr;
    assert_true(symtab_find(info.symbols, "counter", &addr));
    assert_int_equal(addr, RAM_BASE + 0x1000);
    symtab_free(info.symbols);
}

/* ET_DYN is loaded at its link addresses; a pure-bss segment only zeroes. */
static void test_load_dyn_and_pure_bss(void **state)
{
    (void)state;
    static const struct seg_desc segs[] = { { RAM_BASE + 0x100, code, sizeof code, sizeof code, 0 },
                                            { RAM_BASE + 0x2000, NULL, 0, 0x40, 0 } };
    struct elf_desc d = default_desc(64);
    d.type = ET_DYN;
    d.segs = segs;
    d.nsyms = 0;
    struct layout lay;
    struct buf b = build_elf(&d, &lay);
    const char *path = write_buf("dyn.elf", &b);
    ram_reset();
    struct elf_info info;
    char err[256] = "";
    assert_true(elf_load(path, &target, &info, err, sizeof err));
    assert_memory_equal(ram.mem + 0x100, code, sizeof code);
    for (size_t i = 0x2000; i < 0x2040; i++)
        assert_int_equal(ram.mem[i], 0);
    assert_int_equal(ram.mem[0x2040], RAM_FILL);
    assert_int_equal(ram.writes, 1);
    assert_int_equal(ram.zeros, 1);
    assert_int_equal(info.lowest, RAM_BASE + 0x100);
    assert_int_equal(info.highest, RAM_BASE + 0x2040);
    assert_int_equal(info.symbols->n, 0);
    symtab_free(info.symbols);
}

static void test_probe(void **state)
{
    (void)state;
    struct layout lay;
    struct elf_desc d = default_desc(32);
    d.entry = 0x80000010;
    struct buf b = build_elf(&d, &lay);
    const char *path = write_buf("probe.elf", &b);
    ram_reset();
    struct elf_info info;
    char err[256] = "";
    assert_true(elf_probe(path, &info, err, sizeof err));
    assert_int_equal(info.xlen, 32);
    assert_int_equal(info.entry, 0x80000010);
    assert_null(info.symbols);
    assert_true(ram_untouched());

    d = default_desc(64);
    d.machine = EM_X86_64;
    b = build_elf(&d, &lay);
    path = write_buf("probe-x86.elf", &b);
    assert_false(elf_probe(path, &info, err, sizeof err));
    assert_non_null(strstr(err, "built for x86-64, not RISC-V"));
}

/* ---- malformed files ---- */

struct bad_case {
    const char *name;
    unsigned xlen;
    /* Changes the description before building, or the bytes after. */
    void (*desc)(struct elf_desc *d);
    void (*bytes)(struct buf *b, const struct layout *lay);
    const char *fragment; /* must appear in the message */
    const char *fragment2;
};

static void d_machine_x86_64(struct elf_desc *d)
{
    d->machine = EM_X86_64;
}
static void d_machine_arm(struct elf_desc *d)
{
    d->machine = EM_ARM;
}
static void d_type_rel(struct elf_desc *d)
{
    d->type = ET_REL;
}

static const struct seg_desc outside_segs[] = {
    { RAM_BASE, code, sizeof code, sizeof code, 0 },
    { 0x90000000, data, sizeof data, 0x10, 0 },
};
static void d_outside(struct elf_desc *d)
{
    d->segs = outside_segs;
}

static const struct seg_desc overlap_segs[] = {
    { RAM_BASE + 0x100, code, sizeof code, 0x100, 0 },
    { RAM_BASE + 0x180, data, sizeof data, 0x10, 0 },
};
static void d_overlap(struct elf_desc *d)
{
    d->segs = overlap_segs;
}

static const struct seg_desc wrap64_segs[] = {
    { RAM_BASE, code, sizeof code, sizeof code, 0 },
    { UINT64_MAX - 0xf, data, sizeof data, 0x20, 0 },
};
static void d_wrap64(struct elf_desc *d)
{
    d->segs = wrap64_segs;
}

static const struct seg_desc wrap32_segs[] = {
    { RAM_BASE, code, sizeof code, sizeof code, 0 },
    { 0xfffffff0, data, sizeof data, 0x20, 0 },
};
static void d_wrap32(struct elf_desc *d)
{
    d->segs = wrap32_segs;
}

static void b_empty(struct buf *b, const struct layout *lay)
{
    b->len = 0;
}
static void b_not_elf(struct buf *b, const struct layout *lay)
{
    memcpy(b->p, "#!/bin/sh\n", 10);
}
static void b_truncated_header(struct buf *b, const struct layout *lay)
{
    b->len = 40;
}
static void b_class(struct buf *b, const struct layout *lay)
{
    b->p[EI_CLASS] = 3;
}
static void b_big_endian(struct buf *b, const struct layout *lay)
{
    b->p[EI_DATA] = ELFDATA2MSB;
}
static void b_no_load(struct buf *b, const struct layout *lay)
{
    poke_f(b, PH64(lay, 0, p_type), PT_NOTE);
    poke_f(b, PH64(lay, 1, p_type), PT_NOTE);
}
static void b_phdrs_beyond_eof(struct buf *b, const struct layout *lay)
{
    poke_f(b, EH64(e_phoff), b->len - 8);
}
static void b_segment_beyond_eof(struct buf *b, const struct layout *lay)
{
    poke_f(b, PH64(lay, 1, p_offset), b->len - 4);
}
static void b_truncated_segment(struct buf *b, const struct layout *lay)
{
    /* Cut four bytes into the first segment's data, which follows the program headers. */
    b->len = lay->phoff + 2 * sizeof(Elf64_Phdr) + 4;
}
static void b_filesz_gt_memsz(struct buf *b, const struct layout *lay)
{
    poke_f(b, PH64(lay, 1, p_memsz), 4);
}
static void b_phentsize(struct buf *b, const struct layout *lay)
{
    poke_f(b, EH64(e_phentsize), 3);
}
static void b_phnum(struct buf *b, const struct layout *lay)
{
    poke_f(b, EH64(e_phnum), 60000);
}
static void b_shoff(struct buf *b, const struct layout *lay)
{
    poke_f(b, EH64(e_shoff), 0x10000000);
}
static void b_sym_name(struct buf *b, const struct layout *lay)
{
    poke(b, lay->symoff + 5 * sizeof(Elf64_Sym) + offsetof(Elf64_Sym, st_name), 0xfffff, 4);
}
static void b_sym_link(struct buf *b, const struct layout *lay)
{
    poke_f(b, SH64(lay, lay->symtab_index, sh_link), 1);
}

static const struct bad_case bad_cases[] = {
    { "empty.elf", 64, NULL, b_empty, "empty file", NULL },
    { "script.sh", 64, NULL, b_not_elf, "not an ELF file", NULL },
    { "short.elf", 64, NULL, b_truncated_header, "truncated", NULL },
    { "class.elf", 64, NULL, b_class, "ELF class", NULL },
    { "be.elf", 64, NULL, b_big_endian, "big-endian", NULL },
    { "x86.elf", 64, d_machine_x86_64, NULL, "built for x86-64, not RISC-V", NULL },
    { "arm.elf", 32, d_machine_arm, NULL, "built for ARM", "not RISC-V" },
    { "obj.o", 64, d_type_rel, NULL, "object file", "link it" },
    { "noload.elf", 64, NULL, b_no_load, "no loadable segment", NULL },
    { "phoff.elf", 64, NULL, b_phdrs_beyond_eof, "program headers", "end of the file" },
    { "segoff.elf", 64, NULL, b_segment_beyond_eof, "segment 1 data", "end of the file" },
    { "cut.elf", 64, NULL, b_truncated_segment, "segment 0 data", "truncated" },
    { "filesz.elf", 64, NULL, b_filesz_gt_memsz, "segment 1 has more file bytes", NULL },
    { "phentsize.elf", 64, NULL, b_phentsize, "program header size is 3 bytes", NULL },
    { "phnum.elf", 64, NULL, b_phnum, "claims 60000 program headers", NULL },
    { "outside.elf", 64, d_outside, NULL, "0x90000000-0x9000000f", "-m SIZE" },
    { "overlap.elf", 64, d_overlap, NULL, "0x80000100-0x800001ff", "0x80000180-0x8000018f" },
    { "wrap64.elf", 64, d_wrap64, NULL, "wraps around", NULL },
    { "wrap32.elf", 32, d_wrap32, NULL, "wraps around", NULL },
    { "shoff.elf", 64, NULL, b_shoff, "section headers", "end of the file" },
    { "symname.elf", 64, NULL, b_sym_name, "name offset", "string table" },
    { "symlink.elf", 64, NULL, b_sym_link, "not a string table", NULL },
};

/* A segment that starts 0x100 bytes below RAM, as GNU ld's -Ttext makes one (its first
 * bytes are the headers); `skip` is where its section starts. */
static struct buf partial_elf(unsigned xlen, uint64_t skip, bool sections, struct layout *lay)
{
    static uint8_t bytes[0x100 + sizeof code];
    memset(bytes, 0x7f, 0x100); /* stands for the ELF and program headers */
    memcpy(bytes + 0x100, code, sizeof code);
    static struct seg_desc segs[2];
    segs[0] = (struct seg_desc){ RAM_BASE - 0x100, bytes, sizeof bytes, sizeof bytes + 0x20, skip };
    segs[1] = default_segs[1];
    struct elf_desc d = default_desc(xlen);
    d.segs = segs;
    struct buf b = build_elf(&d, lay);
    if (!sections) /* no section header table (objcopy -O elf32-littleriscv --strip-all) */
        poke(&b, xlen == 64 ? offsetof(Elf64_Ehdr, e_shoff) : offsetof(Elf32_Ehdr, e_shoff), 0,
             xlen == 64 ? 8 : 4);
    return b;
}

/* The part of a segment outside memory holds only headers: the rest is loaded, with one
 * warning line naming the segment and the part left out. */
static void test_partial_headers_only(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct layout lay;
        struct buf b = partial_elf(xlen, 0x100, true, &lay);
        const char *path = write_buf(xlen == 64 ? "partial64.elf" : "partial32.elf", &b);
        ram_reset();
        struct elf_info info;
        char err[512] = "";
        assert_true(elf_load(path, &target, &info, err, sizeof err));
        print_message("%s\n", info.warning);
        assert_memory_equal(ram.mem, code, sizeof code);
        for (size_t i = sizeof code; i < sizeof code + 0x20; i++)
            assert_int_equal(ram.mem[i], 0); /* its bss, in memory */
        assert_int_equal(info.lowest, RAM_BASE);
        assert_non_null(strstr(info.warning, "warning"));
        assert_non_null(strstr(info.warning, "0x7fffff00-0x7fffffff"));
        assert_null(strchr(info.warning, '\n'));
        symtab_free(info.symbols);
    }
    /* A file that fits has no warning. */
    struct layout lay;
    struct elf_desc d = default_desc(64);
    struct buf b = build_elf(&d, &lay);
    const char *path = write_buf("whole.elf", &b);
    struct elf_info info;
    char err[512] = "";
    assert_true(elf_load(path, &target, &info, err, sizeof err));
    assert_string_equal(info.warning, "");
    symtab_free(info.symbols);
}

/* Code in the part outside memory, or no section headers to tell: refused as before, the
 * target untouched, the message naming the memory and the documented recipes. */
static void test_partial_refused(void **state)
{
    (void)state;
    struct {
        uint64_t skip;
        bool sections;
        const char *fragment;
    } cases[] = {
        { 0x80, true, "(0x7fffff80-0x8000000f) lies outside memory" },
        { 0x100, false, "without section headers" },
    };
    for (size_t k = 0; k < 2; k++) {
        struct layout lay;
        struct buf b = partial_elf(64, cases[k].skip, cases[k].sections, &lay);
        const char *path = write_buf("partial-bad.elf", &b);
        ram_reset();
        struct elf_info info;
        char err[512] = "";
        assert_false(elf_load(path, &target, &info, err, sizeof err));
        print_message("%s\n", err);
        assert_true(ram_untouched());
        assert_non_null(strstr(err, "segment 0 (0x7fffff00-0x8000002f) is not in memory"));
        assert_non_null(strstr(err, cases[k].fragment));
        assert_non_null(strstr(err, "(RAM 0x80000000-0x8000ffff)"));
        assert_non_null(strstr(err, "docs/usage.md"));
        assert_null(strchr(err, '\n'));
    }
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct elf_desc d = default_desc(c->xlen);
        if (c->desc)
            c->desc(&d);
        struct layout lay;
        struct buf b = build_elf(&d, &lay);
        if (c->bytes)
            c->bytes(&b, &lay);
        const char *path = write_buf(c->name, &b);
        ram_reset();
        struct elf_info info = { .xlen = 99 };
        char err[512] = "";
        bool ok = elf_load(path, &target, &info, err, sizeof err);
        print_message("%-14s -> %s\n", c->name, err);
        assert_false(ok);
        assert_true(ram_untouched());
        assert_int_equal(info.xlen, 99); /* info untouched too */
        /* One line: "<path>: <problem>". */
        assert_true(strncmp(err, path, strlen(path)) == 0);
        assert_true(strncmp(err + strlen(path), ": ", 2) == 0);
        assert_null(strchr(err, '\n'));
        assert_non_null(strstr(err, c->fragment));
        if (c->fragment2)
            assert_non_null(strstr(err, c->fragment2));
    }
}

static void test_missing_and_unreadable(void **state)
{
    (void)state;
    char err[512];
    struct elf_info info;
    char path[300];
    snprintf(path, sizeof path, "%s/no-such-file.elf", tmpdir);
    ram_reset();
    assert_false(elf_load(path, &target, &info, err, sizeof err));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "no such file"));
    assert_false(elf_load(tmpdir, &target, &info, err, sizeof err));
    assert_non_null(strstr(err, "is a directory"));
    assert_true(ram_untouched());

    /* A too-small buffer still gets a terminated prefix of the message. */
    char tiny[8];
    assert_false(elf_probe(path, &info, tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), sizeof tiny - 1);

    if (geteuid() == 0)
        return; /* root reads anything: unreadable files cannot be made */
    struct layout lay;
    struct elf_desc d = default_desc(64);
    struct buf b = build_elf(&d, &lay);
    const char *p = write_buf("noperm.elf", &b);
    assert_int_equal(chmod(p, 0), 0);
    assert_false(elf_load(p, &target, &info, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
    assert_true(ram_untouched());
}

/* ---- raw images ---- */

static void test_raw_load(void **state)
{
    (void)state;
    char err[512] = "";
    uint64_t size = 0;
    const char *path = write_file("image.bin", data, sizeof data);
    ram_reset();
    assert_true(raw_load(path, RAM_BASE + 0x20, &target, &size, err, sizeof err));
    assert_int_equal(size, sizeof data);
    assert_memory_equal(ram.mem + 0x20, data, sizeof data);
    assert_int_equal(ram.mem[0x1f], RAM_FILL);

    ram_reset();
    assert_false(raw_load(path, RAM_BASE + RAM_SIZE - 4, &target, &size, err, sizeof err));
    assert_non_null(strstr(err, "do not fit in memory"));
    assert_false(raw_load(path, UINT64_MAX - 2, &target, &size, err, sizeof err));
    assert_non_null(strstr(err, "wrap"));
    path = write_file("empty.bin", NULL, 0);
    assert_false(raw_load(path, RAM_BASE, &target, &size, err, sizeof err));
    assert_non_null(strstr(err, "empty file"));
    assert_true(ram_untouched());
}

/* ---- symtab on its own ---- */

static void test_symtab(void **state)
{
    (void)state;
    struct symtab *st = symtab_new();
    assert_null(symtab_lookup(st, 0x1000));
    assert_false(symtab_find(st, "x", NULL));
    symtab_add(st, "data_label", 0x3000, 0, SYM_OTHER);
    symtab_add(st, "big", 0x1000, 0x1000, SYM_FUNC);
    symtab_add(st, "inner_label", 0x1800, 0, SYM_OTHER);
    symtab_add(st, "table", 0x1900, 0x100, SYM_OBJECT);
    symtab_add(st, "alias", 0x3000, 0x10, SYM_FUNC);
    symtab_finish(st);
    for (size_t i = 1; i < st->n; i++)
        assert_true(st->syms[i - 1].addr <= st->syms[i].addr);

    uint64_t a;
    assert_true(symtab_find(st, "table", &a));
    assert_int_equal(a, 0x1900);
    assert_false(symtab_find(st, "tabl", &a));

    assert_null(symtab_lookup(st, 0xfff));
    assert_string_equal(symtab_lookup(st, 0x1000)->name, "big");
    /* A function containing the address wins over a nearer label or object inside it. */
    assert_string_equal(symtab_lookup(st, 0x1810)->name, "big");
    assert_string_equal(symtab_lookup(st, 0x1950)->name, "big");
    /* Past every sized symbol: the nearest below. */
    assert_string_equal(symtab_lookup(st, 0x2800)->name, "table");
    /* Two symbols at one address: the function first. */
    assert_string_equal(symtab_lookup(st, 0x3000)->name, "alias");
    assert_string_equal(symtab_lookup(st, 0x3008)->name, "alias");
    assert_string_equal(symtab_lookup(st, 0x9000)->name, "alias");
    symtab_free(st);
    symtab_free(NULL);
}

/* Many symbols: the lookup's early stop must not miss a large enclosing function. */
static void test_symtab_many(void **state)
{
    (void)state;
    struct symtab *st = symtab_new();
    symtab_add(st, "outer", 0x0, 0x100000, SYM_FUNC);
    char name[32];
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "obj%u", i);
        symtab_add(st, name, 0x200000 - 0x100 * i, 0x10, SYM_OBJECT);
        snprintf(name, sizeof name, "lbl%u", i);
        symtab_add(st, name, 0x100 + 0x100 * i, 0, SYM_OTHER);
    }
    symtab_finish(st);
    assert_int_equal(st->n, 2001);
    assert_string_equal(symtab_lookup(st, 0x50080)->name, "outer");
    assert_string_equal(symtab_lookup(st, 0x200005)->name, "obj0");
    assert_string_equal(symtab_lookup(st, 0x200050)->name, "obj0");
    uint64_t a;
    assert_true(symtab_find(st, "obj999", &a));
    assert_int_equal(a, 0x200000 - 0x100 * 999);
    symtab_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_elf64),
        cmocka_unit_test(test_load_elf32),
        cmocka_unit_test(test_load_dyn_and_pure_bss),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_partial_headers_only),
        cmocka_unit_test(test_partial_refused),
        cmocka_unit_test(test_missing_and_unreadable),
        cmocka_unit_test(test_raw_load),
        cmocka_unit_test(test_symtab),
        cmocka_unit_test(test_symtab_many),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
