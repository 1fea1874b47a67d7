/* Boards as device trees: opening, reading machine settings, building devices, and handing
 * the tree to the firmware (see board.h). Uses libfdt; the Devicetree Specification 0.4 is
 * the reference for reg/#address-cells and the standard nodes, the RISC-V device-tree
 * bindings for /cpus (riscv,isa, timebase-frequency).
 */
#include "platform/board.h"

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cost.h"
#include "host/log.h"
#include "platform/machine.h"

extern char **environ;

#define MCU_FLASH_BASE 0x20000000ull
#define MCU_FLASH_END  0x30000000ull

static void *read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= (64u << 20))
            break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read it", path);
        return NULL;
    }
    *size = n;
    return buf;
}

/* Compile a .dts with dtc into a temporary file and read the blob. */
static void *compile_dts(const char *path, size_t *size, char *err, size_t errlen)
{
    char tmp[] = "/tmp/hartlab-board-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file for dtc: %s", path,
                 strerror(errno));
        return NULL;
    }
    close(fd);
    char *argv[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", tmp, (char *)path, NULL };
    pid_t pid;
    int status = -1;
    if (posix_spawnp(&pid, "dtc", NULL, NULL, argv, environ) != 0) {
        unlink(tmp);
        snprintf(err, errlen,
                 "%s: needs the device-tree compiler 'dtc' (Debian package "
                 "device-tree-compiler), or give a compiled .dtb",
                 path);
        return NULL;
    }
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(tmp);
        snprintf(err, errlen, "%s: dtc could not compile it (see its messages above)", path);
        return NULL;
    }
    void *blob = read_file(tmp, size, err, errlen);
    unlink(tmp);
    return blob;
}

/* ---- checking a blob before libfdt reads it ----
 *
 * The Devicetree Specification 0.4, chapter 5 (the DTB format): a 40-byte header (version
 * 17), then the memory reservation block (16-byte entries ending with a zero-size one), the
 * structure block (FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP tags ending with FDT_END)
 * and the strings block. libfdt trusts a blob that passes fdt_check_header() far more than
 * it should (a header whose blocks overlap or run past its end makes fdt_open_into move a
 * negative number of bytes), so every offset, size and the order of the blocks is checked
 * here, and every tag of the structure block is walked, before libfdt sees the blob; then
 * libfdt's own fdt_check_full() gives a second opinion. */

#define DTB_HEADER_SIZE 40u
#define DTB_BEGIN_NODE  1u
#define DTB_END_NODE    2u
#define DTB_PROP        3u
#define DTB_NOP         4u
#define DTB_END         9u

static uint32_t be32_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64_at(const unsigned char *p)
{
    return (uint64_t)be32_at(p) << 32 | be32_at(p + 4);
}

/* Walk the structure block [s, s + n); strings block [str, str + nstr). Returns NULL if it
 * is well formed, else what is wrong. */
static const char *check_structure(const unsigned char *s, uint64_t n, const unsigned char *str,
                                   uint64_t nstr)
{
    uint64_t at = 0;
    unsigned long depth = 0;
    bool root_done = false;
    for (;;) {
        if (n - at < 4)
            return "the structure block ends without an FDT_END tag";
        uint32_t tag = be32_at(s + at);
        at += 4;
        if (root_done && tag != DTB_NOP && tag != DTB_END)
            return "the structure block has something after the root node";
        switch (tag) {
        case DTB_BEGIN_NODE: {
            const unsigned char *name = s + at;
            const unsigned char *nul = memchr(name, 0, (size_t)(n - at));
            if (!nul)
                return "a node name runs past the end of the structure block";
            if (depth == 0 && nul != name)
                return "the root node has a name (it must be empty)";
            at = (at + (uint64_t)(nul - name) + 1 + 3) & ~3ull;
            if (at > n)
                return "a node name runs past the end of the structure block";
            depth++;
            break;
        }
        case DTB_END_NODE:
            if (depth == 0)
                return "the structure block closes a node it never opened";
            if (--depth == 0)
                root_done = true;
            break;
        case DTB_PROP: {
            if (depth == 0)
                return "a property outside every node";
            if (n - at < 8)
                return "a property header runs past the end of the structure block";
            uint32_t len = be32_at(s + at), nameoff = be32_at(s + at + 4);
            at += 8;
            if (len > n - at)
                return "a property's value runs past the end of the structure block";
            at = (at + len + 3) & ~3ull;
            if (at > n)
                return "a property's value runs past the end of the structure block";
            if (nameoff >= nstr || !memchr(str + nameoff, 0, (size_t)(nstr - nameoff)))
                return "a property's name lies outside the strings block";
            break;
        }
        case DTB_NOP: break;
        case DTB_END:
            if (!root_done)
                return depth ? "the structure block ends inside a node"
                             : "the structure block has no root node";
            return NULL;
        default: return "the structure block has an unknown tag";
        }
    }
}

bool board_check_blob(const void *blob, size_t size, char *err, size_t errlen)
{
    const unsigned char *b = blob;
    if (size < DTB_HEADER_SIZE) {
        snprintf(err, errlen, "%zu bytes, too short for a device-tree header (%u bytes)", size,
                 DTB_HEADER_SIZE);
        return false;
    }
    uint32_t magic = be32_at(b), total = be32_at(b + 4), off_struct = be32_at(b + 8),
             off_strings = be32_at(b + 12), off_rsv = be32_at(b + 16), version = be32_at(b + 20),
             last_comp = be32_at(b + 24), size_strings = be32_at(b + 32),
             size_struct = be32_at(b + 36);
    if (magic != FDT_MAGIC) {
        snprintf(err, errlen, "no device-tree magic number (0x%08x) at its start", FDT_MAGIC);
        return false;
    }
    if (version < 17 || last_comp > 17) {
        snprintf(err, errlen,
                 "device-tree format version %" PRIu32 " (readable by %" PRIu32
                 "); hartlab reads version 17, which dtc writes",
                 version, last_comp);
        return false;
    }
    if (total > size || total < DTB_HEADER_SIZE) {
        snprintf(err, errlen, "its header says it is %" PRIu32 " bytes long, but it has %zu", total,
                 size);
        return false;
    }
    /* Each block inside the blob, then the blocks in the order the specification gives
     * (header, memory reservations, structure, strings), none overlapping. */
    uint64_t struct_end = (uint64_t)off_struct + size_struct,
             strings_end = (uint64_t)off_strings + size_strings;
    if (struct_end > total || strings_end > total || off_rsv > total - 16) {
        snprintf(err, errlen,
                 "a block lies past its end (%" PRIu32 " bytes): memory reservations at %" PRIu32
                 ", structure %" PRIu32 " bytes at %" PRIu32 ", strings %" PRIu32
                 " bytes at %" PRIu32,
                 total, off_rsv, size_struct, off_struct, size_strings, off_strings);
        return false;
    }
    if (off_rsv < DTB_HEADER_SIZE || off_rsv % 8 || off_struct % 4 ||
        (uint64_t)off_rsv + 16 > off_struct || struct_end > off_strings) {
        snprintf(err, errlen,
                 "its blocks overlap, are misaligned or out of order (memory reservations at "
                 "%" PRIu32 ", structure at %" PRIu32 ", strings at %" PRIu32
                 "; dtc writes them in that order)",
                 off_rsv, off_struct, off_strings);
        return false;
    }
    uint64_t rsv_end = off_struct;
    uint64_t at = off_rsv;
    for (;; at += 16) {
        if (at + 16 > rsv_end) {
            snprintf(err, errlen,
                     "the memory reservation list runs into the structure block (no "
                     "terminating entry)");
            return false;
        }
        if (be64_at(b + at + 8) == 0)
            break;
    }
    const char *why = check_structure(b + off_struct, size_struct, b + off_strings, size_strings);
    if (why) {
        snprintf(err, errlen, "%s", why);
        return false;
    }
    int r = fdt_check_full(blob, size);
    if (r != 0) {
        snprintf(err, errlen, "libfdt's check fails: %s", fdt_strerror(r));
        return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void *board_open(const char *spec, size_t *size, char *err, size_t errlen)
{
    void *blob = NULL;
    char why[240];
    for (const struct board_blob *b = board_builtins; b->name; b++) {
        if (strcmp(b->name, spec) == 0) {
            blob = malloc(b->size);
            if (!blob) {
                snprintf(err, errlen, "board %s: out of memory", spec);
                return NULL;
            }
            memcpy(blob, b->data, b->size);
            *size = b->size;
            if (!board_check_blob(blob, *size, why, sizeof why)) {
                snprintf(err, errlen, "built-in board %s: not a valid device-tree blob: %s", spec,
                         why);
                free(blob);
                return NULL;
            }
            return blob;
        }
    }
    if (ends_with(spec, ".dts")) {
        blob = compile_dts(spec, size, err, errlen);
    } else if (ends_with(spec, ".dtb")) {
        blob = read_file(spec, size, err, errlen);
    } else {
        char names[128] = "";
        for (const struct board_blob *b = board_builtins; b->name; b++) {
            if (names[0])
                strncat(names, ", ", sizeof names - strlen(names) - 1);
            strncat(names, b->name, sizeof names - strlen(names) - 1);
        }
        snprintf(err, errlen, "--board %s: not a built-in board (%s) nor a .dts/.dtb file", spec,
                 names);
        return NULL;
    }
    if (!blob)
        return NULL;
    if (!board_check_blob(blob, *size, why, sizeof why)) {
        snprintf(err, errlen, "%s: not a valid device-tree blob: %s%s", spec, why,
                 ends_with(spec, ".dts") ? " (as dtc compiled it)"
                                         : "; compile its .dts again with dtc -O dtb");
        free(blob);
        return NULL;
    }
    return blob;
}

const char *board_default_for(const struct elf_info *info)
{
    if (info && info->entry >= MCU_FLASH_BASE && info->entry < MCU_FLASH_END)
        return "mcu";
    return "virt";
}

/* Read a property of 1 or 2 cells. */
static bool prop_cells(const void *fdt, int node, const char *name, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    if (!p || (len != 4 && len != 8))
        return false;
    *out =
        len == 4 ? fdt32_to_cpu(p[0]) : ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
    return true;
}

/* First reg range of `node`, in the parent's address/size cells (ranges taken as identity,
 * which holds for the simple buses boards use here). */
static bool node_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
    int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
    if (!p || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < 4 * (ac + sc))
        return false;
    uint64_t v = 0;
    for (int k = 0; k < ac; k++)
        v = (v << 32) | fdt32_to_cpu(p[k]);
    *base = v;
    v = 0;
    for (int k = 0; k < sc; k++)
        v = (v << 32) | fdt32_to_cpu(p[ac + k]);
    *size = v;
    return true;
}

static int first_cpu(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0)
        return -1;
    int node;
    fdt_for_each_subnode(node, fdt, cpus)
    {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        if (type && strcmp(type, "cpu") == 0)
            return node;
    }
    return -1;
}

bool board_parse_isa(const char *s, bool strict, unsigned *xlen, uint32_t *ext, char *why,
                     size_t whylen)
{
    if (!strict) {
        /* A tree's riscv,isa: RV32 or else RV64; of the single-letter extensions, those
         * hartlab has (the rest, and multi-letter ones after '_', are not modelled). */
        *xlen = strncmp(s, "rv32", 4) == 0 ? 32 : 64;
        uint32_t e = 0;
        for (const char *p = s + (strlen(s) >= 4 ? 4 : strlen(s)); *p && *p != '_'; p++) {
            if (*p == 'g')
                e |= ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('F') | ISA_EXT('D');
            else if (*p >= 'a' && *p <= 'z')
                e |= ISA_EXT(*p - 'a' + 'A');
        }
        *ext = e & (ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('F') | ISA_EXT('D') |
                    ISA_EXT('C'));
        return true;
    }
    if (strncmp(s, "rv32", 4) == 0)
        *xlen = 32;
    else if (strncmp(s, "rv64", 4) == 0)
        *xlen = 64;
    else {
        snprintf(why, whylen, "must start with rv32 or rv64");
        return false;
    }
    uint32_t e = 0;
    const char *p = s + 4;
    if (*p != 'i' && *p != 'g') {
        snprintf(why, whylen, "the base must be 'i' (or 'g')");
        return false;
    }
    for (; *p && *p != '_'; p++) {
        switch (*p) {
        case 'i': e |= ISA_EXT('I'); break;
        case 'm': e |= ISA_EXT('M'); break;
        case 'a': e |= ISA_EXT('A'); break;
        case 'c': e |= ISA_EXT('C'); break;
        case 'f': e |= ISA_EXT('F'); break;
        case 'd': e |= ISA_EXT('D'); break;
        /* G is IMAFD plus Zicsr and Zifencei (always present here). */
        case 'g':
            e |= ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('F') | ISA_EXT('D');
            break;
        default:
            snprintf(why, whylen, "unknown extension '%c' (supported: i, m, a, f, d, c, g)", *p);
            return false;
        }
    }
    if ((e & ISA_EXT('D')) && !(e & ISA_EXT('F'))) {
        snprintf(why, whylen, "'d' needs 'f' (the D extension extends F)");
        return false;
    }
    /* Zicsr and Zifencei are always present; accept them spelled out. */
    while (*p == '_') {
        const char *next = strchr(p + 1, '_');
        size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
        if (!((n == 5 && strncmp(p + 1, "zicsr", 5) == 0) ||
              (n == 8 && strncmp(p + 1, "zifencei", 8) == 0))) {
            snprintf(why, whylen, "unknown extension '%.*s'", (int)n, p + 1);
            return false;
        }
        p += 1 + n;
    }
    *ext = e;
    return true;
}

uint64_t board_timebase(const void *fdt)
{
    uint64_t timebase = 0;
    if (fdt) {
        prop_cells(fdt, fdt_path_offset(fdt, "/cpus"), "timebase-frequency", &timebase);
        int cpu = first_cpu(fdt);
        if (cpu >= 0)
            prop_cells(fdt, cpu, "timebase-frequency", &timebase);
    }
    return timebase ? timebase : BOARD_DEFAULT_TIMEBASE;
}

uint64_t board_hart_hz(const void *fdt, uint32_t cycles_per_tick)
{
    return board_timebase(fdt) * cycles_per_tick;
}

static int memory_node(const void *fdt)
{
    int node;
    fdt_for_each_subnode(node, fdt, 0)
    {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);
        if (type && strcmp(type, "memory") == 0)
            return node;
    }
    return -1;
}

/* A tree handed to the library directly (not through board_open) is checked all the same;
 * its header's total size is all there is to go by. */
static bool tree_ok(const void *fdt, char *err, size_t errlen)
{
    char why[240];
    if (board_check_blob(fdt, fdt_totalsize(fdt), why, sizeof why))
        return true;
    snprintf(err, errlen, "board: not a valid device-tree blob: %s", why);
    return false;
}

/* A cpu node the machine runs: device_type "cpu" and not disabled. */
static bool is_hart_node(const void *fdt, int node)
{
    const char *type = fdt_getprop(fdt, node, "device_type", NULL);
    const char *status = fdt_getprop(fdt, node, "status", NULL);
    return type && strcmp(type, "cpu") == 0 &&
           (!status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0);
}

/* A copy of one property, to write it again after the tree has moved. */
struct prop_copy {
    char name[32];
    void *data;
    int len;
};

/* Copy every property of `node` except `skip` (NULL: none); returns how many, -1 if out of
 * memory. */
static int copy_props(const void *fdt, int node, const char *skip, struct prop_copy *out, int cap)
{
    int n = 0, off;
    fdt_for_each_property_offset(off, fdt, node)
    {
        const char *name;
        int len;
        const void *data = fdt_getprop_by_offset(fdt, off, &name, &len);
        if (!data || (skip && strcmp(name, skip) == 0) || strcmp(name, "linux,phandle") == 0)
            continue;
        if (n == cap || strlen(name) >= sizeof out[n].name)
            return -1;
        snprintf(out[n].name, sizeof out[n].name, "%s", name);
        out[n].len = len;
        out[n].data = malloc(len ? (size_t)len : 1);
        if (!out[n].data)
            return -1;
        memcpy(out[n].data, data, (size_t)len);
        n++;
    }
    return n;
}

static void free_props(struct prop_copy *p, int n)
{
    for (int k = 0; k < n; k++)
        free(p[k].data);
}

#define MAX_CPU_PROPS 48

/* Grow a board whose /cpus has one cpu node and says hartlab,max-harts into `n` harts, as
 * QEMU's virt builds its tree for -smp N: cpu@0 .. cpu@N-1 with reg = hart id, each with
 * its own riscv,cpu-intc (hart 0 keeps the template's phandle), and every
 * interrupts-extended list that names only hart 0's intc (the CLINT's <intc 3 intc 7>, the
 * PLIC's <intc 11 intc 9>) repeated for each hart in hart order: the CLINT gets a slot and
 * the PLIC an M and an S context per hart. `src` is not changed; returns the new tree. */
static void *grow_harts(const void *src, unsigned n, char *err, size_t errlen)
{
    int room = (int)fdt_totalsize(src) + (int)n * 1024 + 4096;
    void *fdt = malloc((size_t)room);
    struct prop_copy cpu[MAX_CPU_PROPS], intc[MAX_CPU_PROPS];
    int ncpu = 0, nintc = 0;
    if (!fdt || fdt_open_into(src, fdt, room) != 0) {
        free(fdt);
        snprintf(err, errlen, "board: cannot edit the device tree");
        return NULL;
    }
    int cpus = fdt_path_offset(fdt, "/cpus");
    int tmpl = first_cpu(fdt), ic = -1, node;
    fdt_for_each_subnode(node, fdt, tmpl)
    {
        if (fdt_getprop(fdt, node, "interrupt-controller", NULL))
            ic = node;
    }
    uint32_t phandle0 = ic >= 0 ? fdt_get_phandle(fdt, ic) : 0;
    uint32_t maxph = 0;
    const char *tmpl_name = fdt_get_name(fdt, tmpl, NULL);
    const char *ic_name = ic >= 0 ? fdt_get_name(fdt, ic, NULL) : NULL;
    char ic_base[64];
    int ac = fdt_address_cells(fdt, cpus);
    if (!phandle0 || fdt_find_max_phandle(fdt, &maxph) != 0 || ac < 1 || ac > 2) {
        free(fdt);
        snprintf(err, errlen,
                 "board: its cpu node %s has no interrupt-controller with a phandle (or /cpus "
                 "has #address-cells other than 1 or 2): hartlab cannot give it more harts",
                 tmpl_name ? tmpl_name : "?");
        return NULL;
    }
    snprintf(ic_base, sizeof ic_base, "%s", ic_name);
    ncpu = copy_props(fdt, tmpl, NULL, cpu, MAX_CPU_PROPS);
    nintc = copy_props(fdt, ic, "phandle", intc, MAX_CPU_PROPS);
    int r = ncpu < 0 || nintc < 0 ? -FDT_ERR_NOSPACE : 0;
    if (!r)
        r = fdt_del_node(fdt, tmpl);
    /* fdt_add_subnode puts a node first among its siblings: add the last hart first. */
    for (unsigned k = n; k-- > 0 && !r;) {
        char name[32];
        snprintf(name, sizeof name, "cpu@%x", k);
        cpus = fdt_path_offset(fdt, "/cpus");
        int c = fdt_add_subnode(fdt, cpus, name);
        if (c < 0) {
            r = c;
            break;
        }
        for (int p = 0; p < ncpu && !r; p++) {
            if (strcmp(cpu[p].name, "reg") == 0) {
                fdt32_t reg[2] = { 0, cpu_to_fdt32(k) };
                r = fdt_setprop(fdt, c, "reg", ac == 2 ? reg : reg + 1, 4 * ac);
            } else {
                r = fdt_setprop(fdt, c, cpu[p].name, cpu[p].data, cpu[p].len);
            }
        }
        int i = r ? r : fdt_add_subnode(fdt, c, ic_base);
        if (i < 0) {
            r = i;
            break;
        }
        for (int p = 0; p < nintc && !r; p++)
            r = fdt_setprop(fdt, i, intc[p].name, intc[p].data, intc[p].len);
        if (!r)
            r = fdt_setprop_u32(fdt, i, "phandle", k == 0 ? phandle0 : maxph + k);
    }
    /* Devices that serve hart 0 serve every hart. */
    for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && !r;
         node = fdt_next_node(fdt, node, NULL)) {
        int len;
        const fdt32_t *ie = fdt_getprop(fdt, node, "interrupts-extended", &len);
        if (!ie || len < 8 || len % 8)
            continue;
        bool only0 = true;
        for (int k = 0; k < len / 4; k += 2)
            only0 &= fdt32_to_cpu(ie[k]) == phandle0;
        if (!only0)
            continue;
        fdt32_t *list = malloc((size_t)len * n);
        if (!list) {
            r = -FDT_ERR_NOSPACE;
            break;
        }
        for (unsigned h = 0; h < n; h++) {
            memcpy(list + h * (unsigned)len / 4, ie, (size_t)len);
            for (int k = 0; k < len / 4; k += 2)
                list[h * (unsigned)len / 4 + (unsigned)k] =
                    cpu_to_fdt32(h == 0 ? phandle0 : maxph + h);
        }
        r = fdt_setprop(fdt, node, "interrupts-extended", list, len * (int)n);
        free(list);
    }
    free_props(cpu, ncpu > 0 ? ncpu : 0);
    free_props(intc, nintc > 0 ? nintc : 0);
    if (!r)
        r = fdt_pack(fdt);
    if (r) {
        free(fdt);
        snprintf(err, errlen, "board: cannot give the device tree %u harts: %s", n,
                 fdt_strerror(r));
        return NULL;
    }
    return fdt;
}

static bool fit_hartids(const void *fdt, unsigned count, struct machine_options *o, char *err,
                        size_t errlen);

void *board_fit_harts(void *fdt, unsigned smp, struct machine_options *o, char *err, size_t errlen)
{
    if (!tree_ok(fdt, err, errlen))
        return NULL;
    int cpus = fdt_path_offset(fdt, "/cpus");
    unsigned count = 0;
    int node;
    if (cpus >= 0) {
        fdt_for_each_subnode(node, fdt, cpus)
        {
            count += is_hart_node(fdt, node);
        }
    }
    if (count == 0) {
        snprintf(err, errlen, "board: no cpu node under /cpus");
        return NULL;
    }
    if (smp && smp != count) {
        /* The virt board (and trees made from it) grows as QEMU's virt does. */
        uint64_t max =
            fdt_node_check_compatible(fdt, 0, "hartlab,virt") == 0 ? MACHINE_MAX_HARTS : 0;
        if (count != 1 || max == 0) {
            snprintf(err, errlen,
                     "this board has %u hart%s (cpu nodes in its device tree) and cannot have "
                     "another number; use --board virt (1 to %d harts) or a .dts with %u cpu "
                     "nodes",
                     count, count == 1 ? "" : "s", MACHINE_MAX_HARTS, smp);
            return NULL;
        }
        if (smp > max) {
            snprintf(err, errlen, "this board holds at most %u harts", (unsigned)max);
            return NULL;
        }
        void *grown = grow_harts(fdt, smp, err, errlen);
        if (!grown)
            return NULL;
        if (!fit_hartids(grown, smp, o, err, errlen)) {
            free(grown);
            return NULL;
        }
        free(fdt);
        return grown;
    }
    return fit_hartids(fdt, count, o, err, errlen) ? fdt : NULL;
}

/* The harts in tree order, hart id = the cpu node's reg. */
static bool fit_hartids(const void *fdt, unsigned count, struct machine_options *o, char *err,
                        size_t errlen)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node;
    if (count > MACHINE_MAX_HARTS) {
        snprintf(err, errlen,
                 "board: its device tree has %u cpu nodes; hartlab runs at most %d harts", count,
                 MACHINE_MAX_HARTS);
        return false;
    }
    unsigned k = 0;
    fdt_for_each_subnode(node, fdt, cpus)
    {
        if (!is_hart_node(fdt, node))
            continue;
        int len = 0;
        const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len < 4) {
            snprintf(err, errlen, "board: cpu node %s has no reg (its hart id)",
                     fdt_get_name(fdt, node, NULL));
            return false;
        }
        uint32_t id = fdt32_to_cpu(reg[len / 4 - 1]);
        for (unsigned j = 0; j < k; j++) {
            if (o->hartids[j] == id) {
                snprintf(err, errlen, "board: two cpu nodes have hart id %u (reg)", id);
                return false;
            }
        }
        o->hartids[k++] = id;
    }
    o->nharts = count;
    return true;
}

bool board_apply_options(const void *fdt, struct machine_options *o, char *err, size_t errlen)
{
    if (!tree_ok(fdt, err, errlen))
        return false;
    int mem = memory_node(fdt);
    uint64_t base, size;
    if (mem < 0 || !node_reg(fdt, mem, &base, &size) || size == 0) {
        snprintf(err, errlen, "board: no /memory node with a reg property");
        return false;
    }
    o->ram_base = base;
    if (!o->ram_size) {
        if (size > MACHINE_MAX_RAM) {
            snprintf(err, errlen,
                     "board: /memory is %" PRIu64 " GiB; hartlab gives a guest at most %llu GiB "
                     "(-m SIZE sets less)",
                     size >> 30, MACHINE_MAX_RAM >> 30);
            return false;
        }
        o->ram_size = size;
    }

    int cpu = first_cpu(fdt);
    if (cpu < 0) {
        snprintf(err, errlen, "board: no cpu node under /cpus");
        return false;
    }
    /* riscv,isa is the board's default; a board whose hart has one XLEN only says so with
     * hartlab,fixed-xlen, and then firmware of the other XLEN is refused. */
    const char *isa = fdt_getprop(fdt, cpu, "riscv,isa", NULL);
    unsigned xlen = 64;
    uint32_t isa_ext = 0;
    if (isa)
        board_parse_isa(isa, false, &xlen, &isa_ext, NULL, 0);
    bool fixed = fdt_getprop(fdt, cpu, "hartlab,fixed-xlen", NULL) != NULL;
    if (o->xlen && !fixed)
        xlen = o->xlen;
    if (o->xlen && o->xlen != xlen && isa) {
        snprintf(err, errlen, "the board's hart is %.4s (riscv,isa \"%s\"), the firmware is RV%u",
                 isa, isa, o->xlen);
        return false;
    }
    o->xlen = xlen;
    /* The extensions the board's harts have, unless --isa said otherwise. */
    if (!o->ext_set && isa)
        o->ext = isa_ext;

    uint64_t timebase = board_timebase(fdt), hz = 0;
    if (!prop_cells(fdt, cpu, "clock-frequency", &hz))
        hz = timebase * 10;
    if (hz < timebase || hz % timebase) {
        snprintf(err, errlen,
                 "board: the cpu clock-frequency (%" PRIu64 ") must be a multiple of the "
                 "timebase-frequency (%" PRIu64 ")",
                 hz, timebase);
        return false;
    }
    o->time_divider = (uint32_t)(hz / timebase);

    /* The core the cpu node names (its compatible list, e.g. "sifive,e31") sets the timing,
     * unless --cpu chose one (core/cost.h). */
    if (!o->timing) {
        int clen;
        const char *compat = fdt_getprop(fdt, cpu, "compatible", &clen);
        o->timing = compat ? core_timing_for_compatible(compat, clen) : NULL;
    }

    const char *mis = fdt_getprop(fdt, cpu, "hartlab,misaligned", NULL);
    if (!o->misaligned_set && mis)
        o->misaligned = strcmp(mis, "trap") == 0 ? MISALIGNED_TRAP : MISALIGNED_EMULATE;
    return true;
}

/* Compatible strings that describe structure, not devices hartlab must create. */
static const char *const structural[] = {
    "simple-bus",    "riscv",        "riscv,cpu-intc",
    "gpio-leds",     "gpio-keys",    "syscon-poweroff",
    "syscon-reboot", "riscv-virtio", "hartlab,virt",
    "hartlab,mcu",   NULL,
};

static bool is_structural(const char *c)
{
    for (unsigned k = 0; structural[k]; k++)
        if (strcmp(structural[k], c) == 0)
            return true;
    return false;
}

static const struct device_desc *find_desc(const void *fdt, int node)
{
    int len;
    const char *list = fdt_getprop(fdt, node, "compatible", &len);
    if (!list || len <= 0)
        return NULL;
    for (const char *c = list; c < list + len; c += strlen(c) + 1)
        for (const struct device_desc *d = device_table; d->compatible; d++)
            if (strcmp(d->compatible, c) == 0)
                return d;
    return NULL;
}

static bool node_enabled(const void *fdt, int node)
{
    const char *status = fdt_getprop(fdt, node, "status", NULL);
    return !status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* `hartlab,access-wait-states = <LOAD STORE>` (or one cell for both) on a memory or device
 * node: its loads and stores cost that many cycles more (docs/cycles.md, memory latency per
 * region). */
static bool access_waits(struct machine *m, const void *fdt, int node, uint64_t base, char *err,
                         size_t errlen)
{
    int len;
    const fdt32_t *ws = fdt_getprop(fdt, node, "hartlab,access-wait-states", &len);
    if (!ws)
        return true;
    uint32_t load = len == 4 || len == 8 ? fdt32_to_cpu(ws[0]) : 256;
    uint32_t store = len == 8 ? fdt32_to_cpu(ws[1]) : load;
    if (load > 255 || store > 255) {
        snprintf(err, errlen,
                 "board: %s: hartlab,access-wait-states must be <LOAD STORE> or <BOTH>, each 0 "
                 "to 255",
                 fdt_get_name(fdt, node, NULL));
        return false;
    }
    bus_set_access_wait(&m->bus, base, load, store);
    return true;
}

static bool create_pass(struct machine *m, const void *fdt, bool controllers, char *err,
                        size_t errlen)
{
    int node;
    for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        bool ctrl = fdt_getprop(fdt, node, "interrupt-controller", NULL) != NULL;
        if (ctrl != controllers || !node_enabled(fdt, node))
            continue;
        const struct device_desc *d = find_desc(fdt, node);
        if (!d)
            continue;
        uint64_t base, size;
        const char *name = fdt_get_name(fdt, node, NULL);
        if (!node_reg(fdt, node, &base, &size)) {
            snprintf(err, errlen, "board: node %s has no usable reg property", name);
            return false;
        }
        char why[256] = "";
        if (!d->create(m, fdt, node, base, size, why, sizeof why)) {
            snprintf(err, errlen, "board: cannot create %s (%s) at 0x%" PRIx64 ": %s", name,
                     d->compatible, base, why[0] ? why : "failed");
            return false;
        }
        if (!access_waits(m, fdt, node, base, err, errlen))
            return false;
        log_info("device %s (%s) at 0x%" PRIx64, name, d->compatible, base);
    }
    return true;
}

struct hart *board_intc_hart(struct machine *m, const void *fdt, uint32_t phandle)
{
    /* The intc's parent is the cpu node, whose `reg` is the hart ID. */
    int intc = fdt_node_offset_by_phandle(fdt, phandle);
    int cpu = intc >= 0 ? fdt_parent_offset(fdt, intc) : -1;
    int len = 0;
    const fdt32_t *reg = cpu >= 0 ? fdt_getprop(fdt, cpu, "reg", &len) : NULL;
    if (!reg || len < 4)
        return NULL;
    uint32_t hartid = fdt32_to_cpu(reg[len / 4 - 1]);
    for (unsigned k = 0; k < machine_nharts(m); k++)
        if (hart_id(machine_hart(m, k)) == hartid)
            return machine_hart(m, k);
    return NULL;
}

bool board_build_devices(struct machine *m, const void *fdt, char *err, size_t errlen)
{
    if (!tree_ok(fdt, err, errlen))
        return false;
    /* Interrupt controllers first, so that devices can connect their lines. */
    if (!create_pass(m, fdt, true, err, errlen) || !create_pass(m, fdt, false, err, errlen))
        return false;
    int mem = memory_node(fdt);
    if (mem >= 0 && !access_waits(m, fdt, mem, m->opts.ram_base, err, errlen))
        return false;
    char unknown[512] = "";
    int node;
    /* The root node's compatible names the board itself, never a device: start below it. */
    node = fdt_next_node(fdt, -1, NULL);
    for (node = fdt_next_node(fdt, node, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        int len;
        const char *c = fdt_getprop(fdt, node, "compatible", &len);
        if (!c || len <= 0 || !node_enabled(fdt, node) || find_desc(fdt, node) || is_structural(c))
            continue;
        if (core_timing_for_compatible(c, len)) /* a cpu node naming a core hartlab times */
            continue;
        if (unknown[0])
            strncat(unknown, ", ", sizeof unknown - strlen(unknown) - 1);
        strncat(unknown, fdt_get_name(fdt, node, NULL), sizeof unknown - strlen(unknown) - 1);
        strncat(unknown, " (", sizeof unknown - strlen(unknown) - 1);
        strncat(unknown, c, sizeof unknown - strlen(unknown) - 1);
        strncat(unknown, ")", sizeof unknown - strlen(unknown) - 1);
    }
    if (unknown[0])
        snprintf(m->board_warning, sizeof m->board_warning,
                 "warning: the board names devices hartlab does not model: %.440s", unknown);
    return true;
}

/* The ISA string of the harts, as the riscv,isa binding spells it. */
static void isa_string(const struct machine *m, char *out, size_t outlen)
{
    static const char order[] = "imafdc";
    size_t n = (size_t)snprintf(out, outlen, "rv%u", m->opts.xlen);
    for (const char *p = order; *p && n + 1 < outlen; p++)
        if (m->opts.ext & ISA_EXT(*p - 'a' + 'A'))
            out[n++] = *p;
    out[n] = 0;
    strncat(out, "_zicsr_zifencei", outlen - strlen(out) - 1);
}

bool board_place(struct machine *m, const char *bootargs, char *err, size_t errlen)
{
    const void *src = m->opts.fdt;
    if (!src)
        return true;
    int room = (int)fdt_totalsize(src) + 4096 + 256 * MACHINE_MAX_HARTS +
               (bootargs ? (int)strlen(bootargs) : 0);
    void *fdt = malloc((size_t)room);
    if (!fdt || fdt_open_into(src, fdt, room) != 0) {
        free(fdt);
        snprintf(err, errlen, "board: cannot edit the device tree");
        return false;
    }
    int r = 0;
    int mem = memory_node(fdt);
    if (mem >= 0) {
        int parent_ac = fdt_address_cells(fdt, 0), parent_sc = fdt_size_cells(fdt, 0);
        fdt32_t cells[4];
        int n = 0;
        if (parent_ac == 2)
            cells[n++] = cpu_to_fdt32((uint32_t)(m->opts.ram_base >> 32));
        cells[n++] = cpu_to_fdt32((uint32_t)m->opts.ram_base);
        if (parent_sc == 2)
            cells[n++] = cpu_to_fdt32((uint32_t)(m->opts.ram_size >> 32));
        cells[n++] = cpu_to_fdt32((uint32_t)m->opts.ram_size);
        r |= fdt_setprop(fdt, mem, "reg", cells, n * 4);
    }
    int cpus = fdt_path_offset(fdt, "/cpus"), cpu;
    if (cpus >= 0) {
        char isa[64];
        isa_string(m, isa, sizeof isa);
        /* Every hart's node (a property that grows moves only what follows it). */
        fdt_for_each_subnode(cpu, fdt, cpus)
        {
            if (!is_hart_node(fdt, cpu))
                continue;
            r |= fdt_setprop_string(fdt, cpu, "riscv,isa", isa);
            /* The harts translate with Sv32 or Sv39/Sv48 (core/mmu.c). OpenSBI disables cpu
             * nodes that have no mmu-type before it hands the tree to S-mode. */
            r |= fdt_setprop_string(fdt, cpu, "mmu-type",
                                    m->opts.xlen == 32 ? "riscv,sv32" : "riscv,sv48");
        }
    }
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (chosen >= 0 && bootargs)
        r |= fdt_setprop_string(fdt, chosen, "bootargs", bootargs);
    r |= fdt_pack(fdt);
    if (r != 0) {
        free(fdt);
        snprintf(err, errlen, "board: cannot fill in the device tree");
        return false;
    }
    /* At the top of RAM, page aligned, where firmware linked at the bottom does not reach. */
    uint64_t size = fdt_totalsize(fdt);
    uint64_t addr = (m->opts.ram_base + m->opts.ram_size - size) & ~0xfffull;
    bool ok = size < m->opts.ram_size / 2 && machine_write_mem(m, addr, fdt, size);
    free(fdt);
    if (!ok) {
        snprintf(err, errlen, "board: the device tree (%" PRIu64 " bytes) does not fit in RAM",
                 size);
        return false;
    }
    m->fdt_addr = addr;
    machine_boot(m); /* a1 = its address from now on */
    log_info("device tree at 0x%" PRIx64 " (%" PRIu64 " bytes), a1 = its address", addr, size);
    return true;
}
