/* Fuzz harness: semihosting calls (devices/semihost.c; RISC-V Semihosting 0.3 over Arm
 * semihosting 2.0) with random operation numbers and parameter blocks, on a bare machine
 * (1 MiB of RAM, no board) whose --semihost-root is a temporary directory.
 *
 * The temporary directory holds root/ (the semihosting root: data.txt, sub/inner.bin, a
 * symlink `escape` to a file outside and `escdir` to the directory outside) and outside/
 * (secret.txt). Guest RAM holds a table of path strings (inside, outside, `..` tricks,
 * absolute paths, symlinks, the special names) and the input's own bytes; each call takes
 * its operation from a table of every operation number (or a raw byte) and fills a
 * parameter block of four fields with pointers to those strings, lengths, modes, handles,
 * addresses at the end of RAM or outside it, or raw values.
 * Invariants: nothing outside root/ is created, changed or read (the secret never appears
 * in guest RAM; outside/ keeps its one file and its contents; the temporary directory
 * keeps its two entries); no host file descriptor outlives the machine. root/ is restored
 * after every input, so every input starts from the same files.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/semihost.h"
#include "fuzz.h"
#include "platform/machine.h"

#define RAM     0x80000000ull
#define RAMSIZE (1ull << 20)
#define STRINGS (RAM + 0x1000)  /* the path table */
#define DATA    (RAM + 0x10000) /* the input's bytes */
#define BLOCK   (RAM + 0x100)   /* the parameter block */

static const char secret[] = "S3CR3T-hartlab-fuzz-outside";
static char top[64], root[96], outside[96];
static char *paths[24];
static size_t pbytes[24]; /* bytes written to guest RAM, the final NUL included */
static unsigned npaths;
static uint64_t path_addr[24];
static int lowest_free_fd;

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        fuzz_fail("cannot write %s", p);
    fputs(text, f);
    fclose(f);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(p);
            rmdir(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
}

/* root/ as every input finds it. */
static void make_root(void)
{
    remove_tree(root);
    char p[256];
    snprintf(p, sizeof p, "%s/sub", root);
    mkdir(p, 0755);
    write_file(root, "data.txt", "hello from the semihosting root\n");
    write_file(p, "inner.bin", "\x01\x02\x03\x04 inner");
    snprintf(p, sizeof p, "%s/escape", root);
    if (symlink("../outside/secret.txt", p) != 0)
        fuzz_fail("symlink %s", p);
    snprintf(p, sizeof p, "%s/escdir", root);
    if (symlink("../outside", p) != 0)
        fuzz_fail("symlink %s", p);
}

static void cleanup(void)
{
    remove_tree(top);
    rmdir(top);
}

static void add_path(const char *fmt, const char *arg)
{
    char buf[512];
    snprintf(buf, sizeof buf, fmt, arg);
    pbytes[npaths] = strlen(buf) + 1;
    paths[npaths++] = strdup(buf);
}

static int free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0)
        close(fd);
    return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    /* tmpfs when there is one: an input creates and removes a few files, and directory
     * updates on a journalling file system cost milliseconds each. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(top, sizeof top, "%s/hartlab-fuzz-semihost-XXXXXX", base);
    if (!mkdtemp(top)) {
        perror("fuzz_semihost: mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    snprintf(root, sizeof root, "%s/root", top);
    snprintf(outside, sizeof outside, "%s/outside", top);
    mkdir(root, 0755);
    mkdir(outside, 0755);
    write_file(outside, "secret.txt", secret);
    make_root();
    add_path("%s", "data.txt");
    add_path("%s", "sub/inner.bin");
    add_path("%s", "new.txt");
    add_path("%s", "sub/new.bin");
    add_path("%s", "sub");
    add_path("%s", ":tt");
    add_path("%s", ":semihosting-features");
    add_path("%s", "escape");
    add_path("%s", "escdir/secret.txt");
    add_path("%s", "escdir/new.txt");
    add_path("%s", "../outside/secret.txt");
    add_path("%s", "../outside/new.txt");
    add_path("%s", "sub/../../outside/secret.txt");
    add_path("%s", "..");
    add_path("%s", "");
    add_path("%s/data.txt", root);
    add_path("%s/secret.txt", outside);
    add_path("%s/new.txt", outside);
    add_path("%s/../outside/secret.txt", root);
    add_path("%s", "/etc/passwd");
    add_path("%s", "/");
    static char nul[] = "nul\0hidden"; /* a NUL inside the length the guest gives */
    pbytes[npaths] = sizeof nul;
    paths[npaths++] = nul;
    add_path("%s", "./data.txt");
    add_path("%s", "sub/./../data.txt");
    return 0;
}

static const uint8_t ops[] = {
    SYS_OPEN,        SYS_CLOSE,    SYS_WRITEC, SYS_WRITE0,        SYS_WRITE,   SYS_READ,
    SYS_READC,       SYS_ISERROR,  SYS_ISTTY,  SYS_SEEK,          SYS_FLEN,    SYS_TMPNAM,
    SYS_REMOVE,      SYS_RENAME,   SYS_CLOCK,  SYS_TIME,          SYS_SYSTEM,  SYS_ERRNO,
    SYS_GET_CMDLINE, SYS_HEAPINFO, SYS_EXIT,   SYS_EXIT_EXTENDED, SYS_ELAPSED, SYS_TICKFREQ,
};

/* One parameter field. */
static uint64_t field(struct fz *f, unsigned *last_path)
{
    uint8_t kind = fz_u8(f);
    switch (kind % 10) {
    case 0: /* a path string */ *last_path = fz_u8(f) % npaths; return path_addr[*last_path];
    case 1: /* the length of the last path (what a C library passes) */
        return pbytes[*last_path] - 1;
    case 2: return fz_u8(f) % 12;                 /* an open mode */
    case 3: return 1 + fz_u8(f) % 8;              /* a handle */
    case 4: return DATA + fz_u16(f) % 0x8000;     /* a buffer in RAM */
    case 5: return RAM + RAMSIZE - fz_u8(f) % 64; /* at the end of RAM */
    case 6: return fz_u8(f);                      /* a small count */
    case 7: return fz_u16(f);                     /* a larger count */
    case 8: return 0x10000000ull + fz_u8(f);      /* no memory there */
    default: return fz_u64(f);                    /* anything */
    }
}

static bool outside_untouched(void)
{
    char p[256], buf[sizeof secret + 8];
    snprintf(p, sizeof p, "%s/secret.txt", outside);
    FILE *f = fopen(p, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    if (n != sizeof secret - 1 || memcmp(buf, secret, n) != 0)
        return false;
    unsigned entries = 0;
    DIR *d = opendir(outside);
    struct dirent *e;
    while (d && (e = readdir(d)))
        entries++;
    if (d)
        closedir(d);
    unsigned top_entries = 0;
    d = opendir(top);
    while (d && (e = readdir(d)))
        top_entries++;
    if (d)
        closedir(d);
    return entries == 3 && top_entries == 4; /* ., .., and the files */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memmem(data, size, "S3CR3T", 6))
        return 0;               /* the secret must come only from the outside file */
    lowest_free_fd = free_fd(); /* here: libFuzzer opens files of its own after set-up */
    struct fz f = { data, size };
    struct machine_options o;
    machine_options_default(&o);
    uint8_t cfg = fz_u8(&f);
    o.xlen = cfg & 1 ? 32 : 64;
    o.ram_size = RAMSIZE;
    o.semihost_root = cfg & 2 ? NULL : root;
    o.cmdline = "fuzz.elf one two";
    char err[256];
    struct machine *m = machine_new(&o, err, sizeof err);
    if (!m)
        fuzz_fail("machine_new: %s", err);
    uint64_t at = STRINGS;
    for (unsigned k = 0; k < npaths; k++) {
        path_addr[k] = at;
        machine_write_mem(m, at, paths[k], pbytes[k]);
        at += pbytes[k];
    }
    const uint8_t *bytes;
    size_t n = fz_bytes(&f, fz_u16(&f) % 2048, &bytes);
    machine_write_mem(m, DATA, bytes, n);
    struct hart *h = machine_hart(m, 0);
    unsigned last_path = 0;
    uint64_t time = 0;
    for (unsigned call = 0; call < 64 && fz_more(&f); call++) {
        uint8_t sel = fz_u8(&f);
        uint64_t op = sel < 240 ? ops[sel % sizeof ops] : fz_u8(&f);
        uint64_t block[4];
        for (unsigned k = 0; k < 4; k++)
            block[k] = field(&f, &last_path);
        for (unsigned k = 0; k < 4; k++)
            machine_write_mem(m, BLOCK + k * (o.xlen / 8), &block[k], o.xlen / 8);
        uint8_t where = fz_u8(&f);
        hart_set_reg(h, 10, op);
        hart_set_reg(h, 11,
                     where < 200   ? BLOCK
                     : where < 230 ? field(&f, &last_path)
                                   : RAM + RAMSIZE - o.xlen / 8 * (where % 5));
        if (!semihost_call(m->semihost, h))
            fuzz_fail("semihost_call refused operation 0x%llx", (unsigned long long)op);
        time += fz_u8(&f); /* time passes between calls (mtime ticks) */
        hart_set_time_offset(h, time);
    }
    /* Where calls can write: the low 160 KiB (block, paths, buffers up to 64 KiB past the
     * data) and the last 64 KiB; read in place, the rest of RAM is never touched. */
    const uint8_t *low = bus_ram_ptr(&m->bus, RAM, 0x28000);
    const uint8_t *high = bus_ram_ptr(&m->bus, RAM + RAMSIZE - 0x10000, 0x10000);
    if ((low && memmem(low, 0x28000, "S3CR3T", 6)) || (high && memmem(high, 0x10000, "S3CR3T", 6)))
        fuzz_fail("the secret outside the semihosting root reached guest RAM");
    machine_free(m);
    if (!outside_untouched())
        fuzz_fail("something outside the semihosting root was created or changed");
    if (free_fd() != lowest_free_fd)
        fuzz_fail("a host file descriptor outlived the machine");
    make_root();
    return 0;
}
