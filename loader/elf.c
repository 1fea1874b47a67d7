/* ELF and raw-image loader. Implements the parts of the System V ABI "Object Files" and
 * "Program Loading" chapters (ELF header, program headers, PT_LOAD, symbol table) that
 * bare-metal RISC-V firmware uses, for the RISC-V ELF psABI (EM_RISCV, little-endian,
 * ELFCLASS32 for RV32, ELFCLASS64 for RV64, e_flags RVC/float ABI kept for the caller).
 *
 * The whole file is read into memory and handed to libelf with elf_memory(), so every
 * offset can be checked against the real file size. All checks run before the first
 * byte is written to the target: a bad file leaves the machine exactly as it was. Policy
 * (ET_DYN, p_paddr, skipped symbols) is documented in loader.h.
 */
#include "loader/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Larger than any firmware or disk image a simulated board could hold; beyond this the
 * file is almost certainly not what the user meant to load. */
#define LOADER_MAX_FILE  (1ull << 30)
/* Real firmware has a handful of segments; thousands means a corrupt e_phnum. */
#define LOADER_MAX_PHNUM 1024

struct image {
    char *data;
    uint64_t size;
};

struct segment {
    size_t index; /* program header number, as readelf -l counts them */
    uint64_t addr, end, offset, filesz, memsz;
    uint64_t vaddr; /* p_vaddr: where its sections' addresses are */
    /* The part loaded, [lo, hi): the whole segment, or its part in memory (loader.h). */
    uint64_t lo, hi;
};

/* Where the per-board compiler lines are (named by the "not in memory" message). */
#define RECIPES_DOC       "docs/usage.md, \"Your own firmware\""
/* A partly-outside segment is examined page by page, up to this many pages. */
#define PARTIAL_MAX_PAGES (1ull << 20)

static void fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    int n = snprintf(err, errlen, "%s: ", path);
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    /* The caller prints exactly one line, whatever a path or libelf message contains. */
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

static bool read_file(const char *path, struct image *img, char *err, size_t errlen)
{
    img->data = NULL;
    img->size = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT)
            fail(err, errlen, path, "no such file");
        else
            fail(err, errlen, path, "cannot open: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fail(err, errlen, path, "cannot read: %s", strerror(errno));
        close(fd);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        fail(err, errlen, path, "is a directory, not a file");
        close(fd);
        return false;
    }
    /* Read to EOF rather than trusting st_size, so pipes and /dev/fd work too. */
    uint64_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (uint64_t)st.st_size + 1 : 65536;
    if (cap > LOADER_MAX_FILE + 1)
        cap = LOADER_MAX_FILE + 1;
    char *buf = malloc(cap);
    uint64_t len = 0;
    for (;;) {
        if (!buf) {
            fail(err, errlen, path, "out of memory reading the file");
            close(fd);
            return false;
        }
        if (len == cap) {
            if (cap > LOADER_MAX_FILE) {
                fail(err, errlen, path, "larger than %llu MiB; not a firmware image",
                     LOADER_MAX_FILE >> 20);
                free(buf);
                close(fd);
                return false;
            }
            cap *= 2;
            char *nbuf = realloc(buf, cap);
            if (!nbuf)
                free(buf);
            buf = nbuf;
            continue;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fail(err, errlen, path, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return false;
        }
        if (r == 0)
            break;
        len += (uint64_t)r;
    }
    close(fd);
    if (len > LOADER_MAX_FILE) {
        fail(err, errlen, path, "larger than %llu MiB; not a firmware image",
             LOADER_MAX_FILE >> 20);
        free(buf);
        return false;
    }
    img->data = buf;
    img->size = len;
    return true;
}

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_NONE: return "no machine (e_machine 0)";
    case EM_SPARC: return "SPARC";
    case EM_386: return "x86 (i386)";
    case EM_68K: return "m68k";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "s390";
    case EM_ARM: return "ARM (32-bit)";
    case EM_SH: return "SuperH";
    case EM_SPARCV9: return "SPARC v9";
    case EM_IA_64: return "IA-64";
    case EM_X86_64: return "x86-64";
    case EM_AVR: return "AVR";
    case EM_XTENSA: return "Xtensa";
    case EM_MSP430: return "MSP430";
    case EM_AARCH64: return "AArch64";
    case EM_BPF: return "eBPF";
    case 258: return "LoongArch"; /* EM_LOONGARCH, missing from older <elf.h> */
    default: return NULL;
    }
}

/* The identification bytes, checked by hand so that each problem gets its own message
 * (libelf would only say "invalid file"). Returns the XLEN, or 0 after fail(). */
static unsigned check_ident(const char *path, const struct image *img, char *err, size_t errlen)
{
    const unsigned char *d = (const unsigned char *)img->data;
    static const unsigned char magic[SELFMAG] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3 };
    if (img->size == 0) {
        fail(err, errlen, path, "empty file (0 bytes); expected a RISC-V ELF executable");
        return 0;
    }
    uint64_t n = img->size < SELFMAG ? img->size : SELFMAG;
    if (memcmp(d, magic, n) != 0) {
        fail(err, errlen, path, "not an ELF file; for a raw binary image use --load FILE@ADDR");
        return 0;
    }
    if (img->size < EI_NIDENT) {
        fail(err, errlen, path, "truncated: %" PRIu64 " bytes, too short for an ELF header",
             img->size);
        return 0;
    }
    unsigned xlen;
    switch (d[EI_CLASS]) {
    case ELFCLASS32: xlen = 32; break;
    case ELFCLASS64: xlen = 64; break;
    default:
        fail(err, errlen, path, "invalid ELF class %u (neither 32- nor 64-bit); file is corrupt",
             d[EI_CLASS]);
        return 0;
    }
    switch (d[EI_DATA]) {
    case ELFDATA2LSB: break;
    case ELFDATA2MSB:
        fail(err, errlen, path, "big-endian ELF; RISC-V firmware must be little-endian");
        return 0;
    default:
        fail(err, errlen, path, "invalid ELF byte order %u; file is corrupt", d[EI_DATA]);
        return 0;
    }
    if (d[EI_VERSION] != EV_CURRENT) {
        fail(err, errlen, path, "unsupported ELF version %u; file is corrupt", d[EI_VERSION]);
        return 0;
    }
    uint64_t ehsize = xlen == 32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
    if (img->size < ehsize) {
        fail(err, errlen, path,
             "truncated: %" PRIu64 " bytes, the ELF%u header alone needs %" PRIu64, img->size, xlen,
             ehsize);
        return 0;
    }
    return xlen;
}

/* Identification, header, machine and type: everything elf_probe needs. */
static Elf *open_elf(const char *path, struct image *img, unsigned *xlen, GElf_Ehdr *eh, char *err,
                     size_t errlen)
{
    *xlen = check_ident(path, img, err, errlen);
    if (!*xlen)
        return NULL;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fail(err, errlen, path, "libelf is out of date: %s", elf_errmsg(-1));
        return NULL;
    }
    Elf *e = elf_memory(img->data, img->size);
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, eh)) {
        fail(err, errlen, path, "not a valid ELF file (libelf: %s)", elf_errmsg(-1));
        if (e)
            elf_end(e);
        return NULL;
    }
    if (eh->e_machine != EM_RISCV) {
        const char *name = machine_name(eh->e_machine);
        if (name)
            fail(err, errlen, path,
                 "built for %s, not RISC-V; build it with a RISC-V toolchain "
                 "(riscv64-unknown-elf-gcc)",
                 name);
        else
            fail(err, errlen, path,
                 "built for machine %u, not RISC-V (%u); build it with a RISC-V toolchain "
                 "(riscv64-unknown-elf-gcc)",
                 eh->e_machine, EM_RISCV);
        elf_end(e);
        return NULL;
    }
    switch (eh->e_type) {
    case ET_EXEC:
    case ET_DYN: break;
    case ET_REL:
        fail(err, errlen, path, "an object file (ET_REL), not an executable; link it first");
        elf_end(e);
        return NULL;
    case ET_CORE:
        fail(err, errlen, path, "a core dump, not an executable");
        elf_end(e);
        return NULL;
    default:
        fail(err, errlen, path, "unknown ELF type %u; expected an executable", eh->e_type);
        elf_end(e);
        return NULL;
    }
    return e;
}

bool elf_probe(const char *path, struct elf_info *info, char *err, size_t errlen)
{
    struct image img;
    if (!read_file(path, &img, err, errlen))
        return false;
    unsigned xlen;
    GElf_Ehdr eh;
    Elf *e = open_elf(path, &img, &xlen, &eh, err, errlen);
    if (e) {
        *info = (struct elf_info){ .xlen = xlen, .entry = eh.e_entry, .flags = eh.e_flags };
        elf_end(e);
    }
    free(img.data);
    return e != NULL;
}

/* offset+len within the file, without overflowing. */
static bool in_file(const struct image *img, uint64_t offset, uint64_t len)
{
    return offset <= img->size && len <= img->size - offset;
}

static int segment_cmp(const void *pa, const void *pb)
{
    const struct segment *a = pa, *b = pb;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The refusal of segment `index` [addr, end): it is not in memory, naming the target's
 * memory and the documented compiler lines; `why` adds what lies outside. */
static void not_in_memory(char *err, size_t errlen, const char *path, const struct load_target *t,
                          size_t index, uint64_t addr, uint64_t end, const char *why)
{
    char map[200] = "";
    if (t->describe)
        t->describe(t->ctx, map, sizeof map);
    fail(err, errlen, path,
         "segment %zu (0x%" PRIx64 "-0x%" PRIx64 ") is not in memory on this board%s%s%s%s; "
         "link it for the board's memory (compiler lines per board: " RECIPES_DOC
         "), give more RAM with -m SIZE, or pick another board with --board",
         index, addr, end - 1, map[0] ? " (" : "", map, map[0] ? ")" : "", why ? why : "");
}

/* For a segment [addr, end) not wholly in memory: its longest part from the first page in
 * memory on that lies in memory, [*lo, *hi). False if no page of it is in memory. */
static bool memory_part(const struct load_target *t, uint64_t addr, uint64_t end, uint64_t *lo,
                        uint64_t *hi)
{
    const uint64_t page = 4096;
    if ((end - addr) / page > PARTIAL_MAX_PAGES)
        return false;
    uint64_t a = addr;
    while (a < end && !t->is_memory(t->ctx, a, 1))
        a = (a | (page - 1)) + 1;
    if (a >= end)
        return false;
    uint64_t b = a;
    while (b < end) {
        uint64_t next = (b | (page - 1)) + 1;
        if (next > end || next == 0)
            next = end;
        if (!t->is_memory(t->ctx, a, next - a))
            break;
        b = next;
    }
    *lo = a;
    *hi = b;
    return b > a;
}

/* Collect and check the PT_LOAD segments. Returns the count (0 after fail()). */
static size_t read_segments(const char *path, Elf *e, const GElf_Ehdr *eh, unsigned xlen,
                            const struct image *img, const struct load_target *t,
                            struct segment **out, char *err, size_t errlen)
{
    *out = NULL;
    /* Counted by hand: libelf quietly shrinks a count that does not fit in the file,
     * which would turn a corrupt header into a plausible one. PN_XNUM means the real
     * count is in section 0's sh_info (System V ABI, "Program Header"). */
    uint64_t phnum = eh->e_phnum;
    if (phnum == PN_XNUM) {
        uint64_t shentsize = xlen == 32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
        Elf_Scn *scn0 = NULL;
        GElf_Shdr sh0;
        if (eh->e_shentsize == shentsize && in_file(img, eh->e_shoff, shentsize))
            scn0 = elf_getscn(e, 0);
        if (!scn0 || !gelf_getshdr(scn0, &sh0)) {
            fail(err, errlen, path,
                 "program header count is in section 0, which cannot be read; file is "
                 "corrupt");
            return 0;
        }
        phnum = sh0.sh_info;
    }
    if (phnum == 0) {
        fail(err, errlen, path,
             "no program headers, so nothing to load; is it a linked executable?");
        return 0;
    }
    uint64_t phentsize = xlen == 32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
    if (eh->e_phentsize != phentsize) {
        fail(err, errlen, path,
             "program header size is %u bytes, ELF%u needs %" PRIu64 "; file is corrupt",
             eh->e_phentsize, xlen, phentsize);
        return 0;
    }
    if (phnum > LOADER_MAX_PHNUM) {
        fail(err, errlen, path,
             "claims %" PRIu64 " program headers (more than %d); file is corrupt", phnum,
             LOADER_MAX_PHNUM);
        return 0;
    }
    if (!in_file(img, eh->e_phoff, phnum * phentsize)) {
        fail(err, errlen, path,
             "program headers (offset %" PRIu64 ", %" PRIu64 " entries) run past the end of "
             "the file "
             "(%" PRIu64 " bytes); file is truncated or corrupt",
             (uint64_t)eh->e_phoff, phnum, img->size);
        return 0;
    }
    struct segment *segs = calloc(phnum, sizeof *segs);
    if (!segs) {
        fail(err, errlen, path, "out of memory");
        return 0;
    }
    /* ELF32 addresses live in a 32-bit space: a segment may end at 2^32 but not beyond. */
    uint64_t space_end = xlen == 32 ? UINT64_C(1) << 32 : 0;
    size_t n = 0;
    for (size_t i = 0; i < (size_t)phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            fail(err, errlen, path, "cannot read program header %zu (libelf: %s)", i,
                 elf_errmsg(-1));
            goto bad;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz) {
            fail(err, errlen, path,
                 "segment %zu has more file bytes (0x%" PRIx64 ") than memory bytes (0x%" PRIx64
                 "); file is corrupt",
                 i, (uint64_t)ph.p_filesz, (uint64_t)ph.p_memsz);
            goto bad;
        }
        if (!in_file(img, ph.p_offset, ph.p_filesz)) {
            fail(err, errlen, path,
                 "segment %zu data (offset %" PRIu64 ", %" PRIu64 " bytes) runs past the end of "
                 "the file (%" PRIu64 " bytes); file is truncated",
                 i, (uint64_t)ph.p_offset, (uint64_t)ph.p_filesz, img->size);
            goto bad;
        }
        uint64_t addr = ph.p_paddr, end = addr + ph.p_memsz;
        bool wraps = xlen == 32 ? end > space_end : end <= addr;
        if (wraps) {
            fail(err, errlen, path,
                 "segment %zu at 0x%" PRIx64 " with size 0x%" PRIx64
                 " wraps around the end of the address space; file is corrupt",
                 i, addr, (uint64_t)ph.p_memsz);
            goto bad;
        }
        uint64_t lo = addr, hi = end;
        if (!t->is_memory(t->ctx, addr, ph.p_memsz) && !memory_part(t, addr, end, &lo, &hi)) {
            not_in_memory(err, errlen, path, t, i, addr, end, NULL);
            goto bad;
        }
        segs[n++] = (struct segment){ .index = i,
                                      .addr = addr,
                                      .end = end,
                                      .offset = ph.p_offset,
                                      .filesz = ph.p_filesz,
                                      .memsz = ph.p_memsz,
                                      .vaddr = ph.p_vaddr,
                                      .lo = lo,
                                      .hi = hi };
    }
    if (n == 0) {
        fail(err, errlen, path,
             "no loadable segment (no PT_LOAD with a size); is it a linked executable?");
        goto bad;
    }
    qsort(segs, n, sizeof *segs, segment_cmp);
    for (size_t i = 1; i < n; i++) {
        const struct segment *a = &segs[i - 1], *b = &segs[i];
        if (b->addr < a->end) {
            fail(err, errlen, path,
                 "segments %zu (0x%" PRIx64 "-0x%" PRIx64 ") and %zu (0x%" PRIx64 "-0x%" PRIx64
                 ") overlap; check the linker script",
                 a->index, a->addr, a->end - 1, b->index, b->addr, b->end - 1);
            goto bad;
        }
    }
    *out = segs;
    return n;
bad:
    free(segs);
    return 0;
}

static bool is_mapping_symbol(const char *name)
{
    /* RISC-V psABI mapping symbols mark code/data runs: "$x", "$d", and with the ISA
     * appended, "$x.rv64i2p1..." or, as binutils 2.40 writes it, "$xrv64i2p1...". */
    return name[0] == '$' && (name[1] == 'x' || name[1] == 'd');
}

static enum sym_type symbol_type(unsigned stt)
{
    switch (stt) {
    case STT_FUNC: return SYM_FUNC;
    case STT_OBJECT: return SYM_OBJECT;
    default: return SYM_OTHER;
    }
}

/* Check the section header table and every section's extent, then read .symtab. Returns
 * the (finished) table, possibly empty, or NULL after fail(). */
static struct symtab *read_symbols(const char *path, Elf *e, const GElf_Ehdr *eh, unsigned xlen,
                                   const struct image *img, char *err, size_t errlen)
{
    struct symtab *st = symtab_new();
    if (!st) {
        fail(err, errlen, path, "out of memory");
        return NULL;
    }
    if (eh->e_shoff == 0) {
        symtab_finish(st);
        return st; /* no section headers (stripped with objcopy -O elf): no symbols */
    }
    uint64_t shentsize = xlen == 32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
    if (eh->e_shentsize != shentsize) {
        fail(err, errlen, path,
             "section header size is %u bytes, ELF%u needs %" PRIu64 "; file is corrupt",
             eh->e_shentsize, xlen, shentsize);
        goto bad;
    }
    /* Section 0 holds the real count when e_shnum overflows, so check it is readable
     * before asking libelf for the count. */
    if (!in_file(img, eh->e_shoff, shentsize)) {
        fail(err, errlen, path,
             "section headers (offset %" PRIu64 ") lie beyond the end of the file (%" PRIu64
             " bytes); file is truncated or corrupt",
             (uint64_t)eh->e_shoff, img->size);
        goto bad;
    }
    /* As for program headers, libelf would treat a count that does not fit as zero. */
    if (eh->e_shnum != 0 && !in_file(img, eh->e_shoff, (uint64_t)eh->e_shnum * shentsize)) {
        fail(err, errlen, path,
             "section headers (offset %" PRIu64 ", %u entries) run past the end of the file "
             "(%" PRIu64 " bytes); file is truncated or corrupt",
             (uint64_t)eh->e_shoff, eh->e_shnum, img->size);
        goto bad;
    }
    size_t shnum;
    if (elf_getshdrnum(e, &shnum) != 0) {
        fail(err, errlen, path, "cannot count sections (libelf: %s); file is corrupt",
             elf_errmsg(-1));
        goto bad;
    }
    if ((eh->e_shnum != 0 && shnum != eh->e_shnum) || shnum > img->size / shentsize ||
        !in_file(img, eh->e_shoff, shnum * shentsize)) {
        fail(err, errlen, path,
             "section headers (offset %" PRIu64 ", %zu entries) run past the end of the file "
             "(%" PRIu64 " bytes); file is truncated or corrupt",
             (uint64_t)eh->e_shoff, shnum, img->size);
        goto bad;
    }
    Elf_Scn *symscn = NULL;
    GElf_Shdr symsh;
    for (size_t i = 1; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(e, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh)) {
            fail(err, errlen, path, "cannot read section header %zu (libelf: %s)", i,
                 elf_errmsg(-1));
            goto bad;
        }
        if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
            !in_file(img, sh.sh_offset, sh.sh_size)) {
            fail(err, errlen, path,
                 "section %zu (offset %" PRIu64 ", %" PRIu64 " bytes) runs past the end of "
                 "the file (%" PRIu64 " bytes); file is truncated or corrupt",
                 i, (uint64_t)sh.sh_offset, (uint64_t)sh.sh_size, img->size);
            goto bad;
        }
        if (sh.sh_type == SHT_SYMTAB && !symscn) {
            symscn = scn;
            symsh = sh;
        }
    }
    if (!symscn) {
        symtab_finish(st);
        return st;
    }

    uint64_t symentsize = xlen == 32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym);
    if (symsh.sh_entsize != symentsize || symsh.sh_size % symentsize != 0) {
        fail(err, errlen, path,
             "symbol table entry size %" PRIu64 " (table %" PRIu64 " bytes) is not the "
             "ELF%u size %" PRIu64 "; file is corrupt (strip it with riscv64-unknown-elf-strip)",
             (uint64_t)symsh.sh_entsize, (uint64_t)symsh.sh_size, xlen, symentsize);
        goto bad;
    }
    Elf_Scn *strscn =
        symsh.sh_link > 0 && symsh.sh_link < shnum ? elf_getscn(e, symsh.sh_link) : NULL;
    GElf_Shdr strsh;
    if (!strscn || !gelf_getshdr(strscn, &strsh) || strsh.sh_type != SHT_STRTAB) {
        fail(err, errlen, path,
             "symbol table links to section %u, which is not a string table; file is corrupt "
             "(strip it with riscv64-unknown-elf-strip)",
             (unsigned)symsh.sh_link);
        goto bad;
    }
    Elf_Data *symdata = elf_getdata(symscn, NULL);
    Elf_Data *strdata = elf_getdata(strscn, NULL);
    if (!symdata || !strdata) {
        fail(err, errlen, path, "cannot read the symbol table (libelf: %s); file is corrupt",
             elf_errmsg(-1));
        goto bad;
    }
    const char *strs = strdata->d_buf;
    size_t strsize = strs ? strdata->d_size : 0;
    size_t nsyms = symdata->d_size / symentsize;
    for (size_t i = 1; i < nsyms; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(symdata, (int)i, &sym)) {
            fail(err, errlen, path, "cannot read symbol %zu (libelf: %s)", i, elf_errmsg(-1));
            goto bad;
        }
        if (sym.st_name == 0)
            continue;
        /* The name must start inside the string table and end with a NUL inside it. */
        if (sym.st_name >= strsize || !memchr(strs + sym.st_name, '\0', strsize - sym.st_name)) {
            fail(err, errlen, path,
                 "symbol %zu has name offset %u outside its string table (%zu bytes); file is "
                 "corrupt (strip it with riscv64-unknown-elf-strip, or rebuild it)",
                 i, (unsigned)sym.st_name, strsize);
            goto bad;
        }
        const char *name = strs + sym.st_name;
        unsigned stt = GELF_ST_TYPE(sym.st_info);
        if (stt == STT_SECTION || stt == STT_FILE || sym.st_shndx == SHN_UNDEF || name[0] == '\0' ||
            is_mapping_symbol(name))
            continue;
        symtab_add(st, name, sym.st_value, sym.st_size, symbol_type(stt));
    }
    symtab_finish(st);
    if (st->out_of_memory) {
        fail(err, errlen, path, "out of memory reading %zu symbols", nsyms);
        goto bad;
    }
    return st;
bad:
    symtab_free(st);
    return NULL;
}

/* Segments partly outside memory (loader.h, "Partly outside"): the parts outside must hold
 * no allocated section's bytes. Sections are matched by their addresses (sh_addr, in the
 * segment's p_vaddr space). The section header table was checked by read_symbols. On
 * success, `warning` gets the one line for the user (untouched if no segment is partial). */
static bool check_partial(const char *path, Elf *e, const GElf_Ehdr *eh, const struct segment *segs,
                          size_t n, const struct load_target *t, char *warning, size_t warnlen,
                          char *err, size_t errlen)
{
    size_t partial = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (segs[i].lo != segs[i].addr || segs[i].hi != segs[i].end)
            partial++ == 0 ? (void)(first = i) : (void)0;
    if (partial == 0)
        return true;
    size_t shnum = 0;
    if (eh->e_shoff == 0 || elf_getshdrnum(e, &shnum) != 0 || shnum == 0) {
        const struct segment *s = &segs[first];
        not_in_memory(err, errlen, path, t, s->index, s->addr, s->end,
                      ": part of it is, but without section headers hartlab cannot tell whether "
                      "the rest holds code or data");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const struct segment *s = &segs[i];
        if (s->lo == s->addr && s->hi == s->end)
            continue;
        /* Zero-filled memory (bss) outside: the program expects it, section or not. */
        uint64_t zf = s->addr + s->filesz;
        uint64_t bad_from = UINT64_MAX, bad_to = 0;
        if (zf < s->lo) { /* the part below memory */
            bad_from = zf;
            bad_to = s->lo;
        } else if (s->hi < s->end && (zf > s->hi ? zf : s->hi) < s->end) { /* above memory */
            bad_from = zf > s->hi ? zf : s->hi;
            bad_to = s->end;
        }
        if (bad_from != UINT64_MAX) {
            char why[160];
            snprintf(why, sizeof why,
                     ": its zero-filled part (bss) 0x%" PRIx64 "-0x%" PRIx64 " lies outside memory",
                     bad_from, bad_to - 1);
            not_in_memory(err, errlen, path, t, s->index, s->addr, s->end, why);
            return false;
        }
        for (size_t k = 1; k < shnum; k++) {
            Elf_Scn *scn = elf_getscn(e, k);
            GElf_Shdr sh;
            if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_size == 0 ||
                ((sh.sh_flags & SHF_TLS) && sh.sh_type == SHT_NOBITS))
                continue;
            /* The section's bytes in the segment's load addresses. */
            if (sh.sh_addr < s->vaddr || sh.sh_addr - s->vaddr >= s->memsz)
                continue;
            uint64_t a = s->addr + (sh.sh_addr - s->vaddr);
            uint64_t b = a + (sh.sh_size < s->end - a ? sh.sh_size : s->end - a);
            if (a < s->lo || b > s->hi) {
                size_t namendx;
                const char *name = NULL;
                if (elf_getshdrstrndx(e, &namendx) == 0)
                    name = elf_strptr(e, namendx, sh.sh_name);
                char why[160];
                snprintf(why, sizeof why,
                         ": its section %s (0x%" PRIx64 "-0x%" PRIx64 ") lies outside memory",
                         name && *name ? name : "(unnamed)", a, b - 1);
                not_in_memory(err, errlen, path, t, s->index, s->addr, s->end, why);
                return false;
            }
        }
    }
    const struct segment *s = &segs[first];
    char outside[80];
    if (s->lo != s->addr && s->hi != s->end)
        snprintf(outside, sizeof outside,
                 "0x%" PRIx64 "-0x%" PRIx64 " and 0x%" PRIx64 "-0x%" PRIx64, s->addr, s->lo - 1,
                 s->hi, s->end - 1);
    else if (s->lo != s->addr)
        snprintf(outside, sizeof outside, "0x%" PRIx64 "-0x%" PRIx64, s->addr, s->lo - 1);
    else
        snprintf(outside, sizeof outside, "0x%" PRIx64 "-0x%" PRIx64, s->hi, s->end - 1);
    char more[64] = "";
    if (partial > 1)
        snprintf(more, sizeof more, " (and %zu more segments like it)", partial - 1);
    snprintf(warning, warnlen,
             "%s: warning: segment %zu (0x%" PRIx64 "-0x%" PRIx64 ") is partly outside memory: "
             "%s holds no section, only the ELF headers or padding, and is not loaded%s",
             path, s->index, s->addr, s->end - 1, outside, more);
    return true;
}

bool elf_load(const char *path, const struct load_target *t, struct elf_info *info, char *err,
              size_t errlen)
{
    struct image img;
    if (!read_file(path, &img, err, errlen))
        return false;
    bool ok = false;
    unsigned xlen;
    GElf_Ehdr eh;
    struct segment *segs = NULL;
    struct symtab *st = NULL;
    Elf *e = open_elf(path, &img, &xlen, &eh, err, errlen);
    if (!e)
        goto out;
    size_t n = read_segments(path, e, &eh, xlen, &img, t, &segs, err, errlen);
    if (n == 0)
        goto out;
    st = read_symbols(path, e, &eh, xlen, &img, err, errlen);
    if (!st)
        goto out;
    char warning[sizeof info->warning] = "";
    if (!check_partial(path, e, &eh, segs, n, t, warning, sizeof warning, err, errlen))
        goto out;

    /* Everything is checked: from here on nothing can fail. Each segment's loaded part,
     * [lo, hi): file bytes up to addr + filesz, zeros after. */
    for (size_t i = 0; i < n; i++) {
        const struct segment *s = &segs[i];
        uint64_t file_end = s->addr + s->filesz;
        if (s->lo < file_end) {
            uint64_t to = file_end < s->hi ? file_end : s->hi;
            t->write(t->ctx, s->lo, img.data + s->offset + (s->lo - s->addr), to - s->lo);
        }
        uint64_t z = file_end > s->lo ? file_end : s->lo;
        if (z < s->hi)
            t->zero(t->ctx, z, s->hi - z);
    }
    *info = (struct elf_info){ .xlen = xlen,
                               .entry = eh.e_entry,
                               .flags = eh.e_flags,
                               .symbols = st,
                               .lowest = segs[0].lo,
                               .highest = segs[n - 1].hi };
    snprintf(info->warning, sizeof info->warning, "%s", warning);
    st = NULL;
    ok = true;
out:
    symtab_free(st);
    free(segs);
    if (e)
        elf_end(e);
    free(img.data);
    return ok;
}

bool raw_load(const char *path, uint64_t addr, const struct load_target *t, uint64_t *size,
              char *err, size_t errlen)
{
    struct image img;
    if (!read_file(path, &img, err, errlen))
        return false;
    bool ok = false;
    uint64_t end = addr + img.size;
    if (img.size == 0) {
        fail(err, errlen, path, "empty file (0 bytes); nothing to load");
    } else if (end < addr) {
        fail(err, errlen, path,
             "%" PRIu64 " bytes at 0x%" PRIx64 " wrap around the end of the address space",
             img.size, addr);
    } else if (!t->is_memory(t->ctx, addr, img.size)) {
        char map[200] = "";
        if (t->describe)
            t->describe(t->ctx, map, sizeof map);
        fail(err, errlen, path,
             "%" PRIu64 " bytes at 0x%" PRIx64 "-0x%" PRIx64 " do not fit in memory on this "
             "board%s%s%s; choose another address, or give more RAM with -m SIZE",
             img.size, addr, end - 1, map[0] ? " (" : "", map, map[0] ? ")" : "");
    } else {
        t->write(t->ctx, addr, img.data, img.size);
        if (size)
            *size = img.size;
        ok = true;
    }
    free(img.data);
    return ok;
}
