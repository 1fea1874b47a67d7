/* Semihosting host side: the operations of the Arm "Semihosting for AArch32 and AArch64"
 * specification (version 2.0, chapter "Semihosting operations"), reached through the
 * RISC-V Semihosting specification's trap sequence, with XLEN/8-byte parameter fields.
 * Policy choices (console streams, file root, virtual time, heap layout, exit statuses)
 * are listed in semihost.h. Every guest pointer goes through machine_read_mem() /
 * machine_write_mem(), so a bad pointer is an error result for the guest, never a crash. */
#include "devices/semihost.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hart.h"
#include "host/log.h"
#include "host/input.h"
#include "platform/machine.h"
#include "loader/symtab.h"

/* Longest path or string the guest can hand us; longer ones are an error (ENAMETOOLONG). */
#define SEMIHOST_MAX_STR  PATH_MAX
#define SEMIHOST_MAX_OPEN 64

enum sh_kind { SH_FREE, SH_STDIN, SH_STDOUT, SH_STDERR, SH_FEATURES, SH_HOST };

struct sh_handle {
    enum sh_kind kind;
    int fd;       /* SH_HOST */
    uint64_t pos; /* SH_FEATURES */
};

struct semihost {
    struct machine *m;
    /* Index i is guest handle i + 1: the specification wants handles to be nonzero. */
    struct sh_handle files[SEMIHOST_MAX_OPEN];
    int guest_errno;
    bool refused_noted;
    char *root; /* realpath of m->opts.semihost_root, or NULL */
};

/* The ":semihosting-features" file: SHFB_MAGIC_0..3, then feature byte 0. */
static const uint8_t sh_features[] = { 'S', 'H', 'F', 'B',
                                       SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR };

/* SYS_OPEN's modes 0..11 are the fopen() modes r, rb, r+, r+b, w, wb, w+, w+b, a, ab, a+,
 * a+b: a binary mode is its text mode on a POSIX host, so index by mode / 2. */
static const int sh_open_flags[6] = { O_RDONLY,
                                      O_RDWR,
                                      O_WRONLY | O_CREAT | O_TRUNC,
                                      O_RDWR | O_CREAT | O_TRUNC,
                                      O_WRONLY | O_CREAT | O_APPEND,
                                      O_RDWR | O_CREAT | O_APPEND };

struct semihost *semihost_new(struct machine *m)
{
    struct semihost *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = m;
    if (m->opts.semihost_root) {
        s->root = realpath(m->opts.semihost_root, NULL);
        if (!s->root)
            fprintf(stderr, "hartlab: --semihost-root %s: %s; semihosting file access stays off\n",
                    m->opts.semihost_root, strerror(errno));
    }
    return s;
}

void semihost_free(struct semihost *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < SEMIHOST_MAX_OPEN; i++) {
        if (s->files[i].kind == SH_HOST)
            close(s->files[i].fd);
    }
    free(s->root);
    free(s);
}

/* ---- guest memory and parameter blocks ---- */

static unsigned field_bytes(const struct hart *h)
{
    return hart_xlen(h) / 8;
}

static bool get_field(struct semihost *s, struct hart *h, uint64_t block, unsigned i, uint64_t *v)
{
    unsigned n = field_bytes(h);
    uint64_t raw = 0;

    if (!machine_read_mem(s->m, block + (uint64_t)i * n, &raw, n))
        return false;
    *v = raw;
    return true;
}

static bool put_field(struct semihost *s, struct hart *h, uint64_t block, unsigned i, uint64_t v)
{
    return machine_write_mem(s->m, block + (uint64_t)i * field_bytes(h), &v, field_bytes(h));
}

/* Read `len` bytes of guest memory as a NUL-terminated host string (caller frees). */
static char *read_guest_str(struct semihost *s, uint64_t addr, uint64_t len)
{
    char *str;

    if (len >= SEMIHOST_MAX_STR) {
        s->guest_errno = ENAMETOOLONG;
        return NULL;
    }
    str = malloc(len + 1);
    if (!str || !machine_read_mem(s->m, addr, str, len)) {
        free(str);
        s->guest_errno = EFAULT;
        return NULL;
    }
    str[len] = '\0';
    return str;
}

/* An XLEN-wide -1 and friends: results are signed values truncated to XLEN. */
static uint64_t sh_error(struct semihost *s, int err)
{
    s->guest_errno = err;
    return (uint64_t)-1;
}

static struct sh_handle *lookup(struct semihost *s, uint64_t handle)
{
    if (handle == 0 || handle > SEMIHOST_MAX_OPEN || s->files[handle - 1].kind == SH_FREE)
        return NULL;
    return &s->files[handle - 1];
}

static uint64_t alloc_handle(struct semihost *s, enum sh_kind kind, int fd)
{
    for (unsigned i = 0; i < SEMIHOST_MAX_OPEN; i++) {
        if (s->files[i].kind == SH_FREE) {
            s->files[i] = (struct sh_handle){ .kind = kind, .fd = fd, .pos = 0 };
            return i + 1;
        }
    }
    if (fd >= 0)
        close(fd);
    return sh_error(s, EMFILE);
}

/* ---- files ---- */

static bool below_root(const char *root, const char *path)
{
    size_t n = strlen(root);
    /* "/" as root holds everything; otherwise the next character must end a component. */
    if (strcmp(root, "/") == 0)
        return true;
    return strncmp(root, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Resolve a guest path against the root: relative paths are taken from the root, absolute
 * ones must already lie below it. The directory part goes through realpath() (so `..` and
 * symlinked directories cannot lead out) and an existing file is resolved too (a symlink
 * pointing out is refused); a file that does not exist yet is opened with O_NOFOLLOW.
 * Returns a malloc'd host path, or NULL with s->guest_errno set. */
static char *resolve_path(struct semihost *s, const char *guest)
{
    char *joined, *slash, *dir, *full = NULL, *resolved;
    const char *base;
    size_t need;

    if (guest[0] == '\0') {
        s->guest_errno = ENOENT;
        return NULL;
    }
    need = strlen(s->root) + strlen(guest) + 2;
    joined = malloc(need);
    if (!joined) {
        s->guest_errno = ENOMEM;
        return NULL;
    }
    if (guest[0] == '/')
        snprintf(joined, need, "%s", guest);
    else
        snprintf(joined, need, "%s/%s", s->root, guest);

    resolved = realpath(joined, NULL);
    if (resolved) {
        free(joined);
        if (!below_root(s->root, resolved)) {
            free(resolved);
            s->guest_errno = EACCES;
            return NULL;
        }
        return resolved;
    }
    if (errno != ENOENT) {
        s->guest_errno = errno;
        free(joined);
        return NULL;
    }

    /* The file does not exist (yet): check where it would be created. */
    slash = strrchr(joined, '/');
    *slash = '\0';
    base = slash + 1;
    dir = realpath(joined[0] ? joined : "/", NULL);
    if (!dir) {
        s->guest_errno = errno;
    } else if (!below_root(s->root, dir) || strcmp(base, "..") == 0 || base[0] == '\0') {
        s->guest_errno = EACCES;
    } else {
        need = strlen(dir) + strlen(base) + 2;
        full = malloc(need);
        if (full)
            snprintf(full, need, "%s/%s", dir, base);
        else
            s->guest_errno = ENOMEM;
    }
    free(dir);
    free(joined);
    return full;
}

static uint64_t sys_open(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t name_addr, mode, len;
    char *name, *path;
    struct stat st;
    int fd;

    if (!get_field(s, h, block, 0, &name_addr) || !get_field(s, h, block, 1, &mode) ||
        !get_field(s, h, block, 2, &len))
        return sh_error(s, EFAULT);
    if (mode >= 12)
        return sh_error(s, EINVAL);
    name = read_guest_str(s, name_addr, len);
    if (!name)
        return (uint64_t)-1;

    if (strcmp(name, ":tt") == 0) {
        free(name);
        return alloc_handle(s, mode < 4 ? SH_STDIN : mode < 8 ? SH_STDOUT : SH_STDERR, -1);
    }
    if (strcmp(name, ":semihosting-features") == 0) {
        free(name);
        if (mode > 1)
            return sh_error(s, EACCES);
        return alloc_handle(s, SH_FEATURES, -1);
    }
    if (!s->root) {
        if (!s->refused_noted)
            fprintf(stderr,
                    "hartlab: note: the firmware tried to open \"%s\" through semihosting; "
                    "file access is off (give --semihost-root DIR to allow files below "
                    "DIR)\n",
                    name);
        s->refused_noted = true;
        free(name);
        return sh_error(s, EACCES);
    }
    path = resolve_path(s, name);
    if (!path) {
        if (s->guest_errno == EACCES && !s->refused_noted) {
            fprintf(stderr,
                    "hartlab: note: the firmware tried to open \"%s\" through semihosting, "
                    "outside --semihost-root %s; refused\n",
                    name, s->root);
            s->refused_noted = true;
        }
        free(name);
        return (uint64_t)-1;
    }
    free(name);
    fd = open(path, sh_open_flags[mode / 2] | O_NOFOLLOW | O_CLOEXEC, 0644);
    free(path);
    if (fd < 0)
        return sh_error(s, errno == ELOOP ? EACCES : errno);
    /* Only regular files: a directory or device node is no file for a C library. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sh_error(s, S_ISDIR(st.st_mode) ? EISDIR : EACCES);
    }
    return alloc_handle(s, SH_HOST, fd);
}

static uint64_t sys_close(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle;
    struct sh_handle *f;

    if (!get_field(s, h, block, 0, &handle))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f)
        return sh_error(s, EBADF);
    if (f->kind == SH_HOST && close(f->fd) != 0) {
        f->kind = SH_FREE;
        return sh_error(s, errno);
    }
    f->kind = SH_FREE;
    return 0;
}

/* Copy `len` bytes from guest memory to a stream or fd. Returns bytes NOT written. */
static uint64_t sys_write(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle, buf, len, done = 0;
    struct sh_handle *f;
    uint8_t chunk[4096];

    if (!get_field(s, h, block, 0, &handle) || !get_field(s, h, block, 1, &buf) ||
        !get_field(s, h, block, 2, &len))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f || f->kind == SH_STDIN || f->kind == SH_FEATURES) {
        s->guest_errno = EBADF;
        return len;
    }
    while (done < len) {
        size_t n = len - done < sizeof chunk ? (size_t)(len - done) : sizeof chunk;
        ssize_t w;
        if (!machine_read_mem(s->m, buf + done, chunk, n)) {
            s->guest_errno = EFAULT;
            break;
        }
        if (f->kind == SH_HOST) {
            w = write(f->fd, chunk, n);
            if (w < 0) {
                s->guest_errno = errno;
                break;
            }
        } else {
            w = s->m->replaying /* re-executed history printed it the first time */
                    ? (ssize_t)n
                    : (ssize_t)fwrite(chunk, 1, n, f->kind == SH_STDOUT ? stdout : stderr);
            if (f->kind == SH_STDOUT && w > 0)
                machine_console_output(s->m, chunk, (size_t)w);
        }
        done += (uint64_t)w;
        if ((size_t)w < n)
            break;
    }
    return len - done;
}

/* Returns bytes NOT read: 0 when the buffer was filled, `len` at end of file. */
static uint64_t sys_read(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle, buf, len, done = 0;
    struct sh_handle *f;
    uint8_t chunk[4096];

    if (!get_field(s, h, block, 0, &handle) || !get_field(s, h, block, 1, &buf) ||
        !get_field(s, h, block, 2, &len))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f || f->kind == SH_STDOUT || f->kind == SH_STDERR) {
        s->guest_errno = EBADF;
        return len;
    }
    if (f->kind == SH_STDIN)
        fflush(stdout); /* a prompt should be visible before we wait for input */
    while (done < len) {
        size_t n = len - done < sizeof chunk ? (size_t)(len - done) : sizeof chunk;
        ssize_t r;
        if (f->kind == SH_FEATURES) {
            uint64_t left = f->pos < sizeof sh_features ? sizeof sh_features - f->pos : 0;
            r = (ssize_t)(n < left ? n : left);
            memcpy(chunk, sh_features + f->pos, (size_t)r);
            f->pos += (uint64_t)r;
        } else {
            r = f->kind == SH_STDIN ? input_stdin_read(s->m, chunk, n) : read(f->fd, chunk, n);
            if (r < 0) {
                s->guest_errno = errno;
                break;
            }
        }
        if (r > 0 && !machine_write_mem(s->m, buf + done, chunk, (uint64_t)r)) {
            s->guest_errno = EFAULT;
            break;
        }
        done += (uint64_t)r;
        /* A console read returns what one line gave rather than wait for more. */
        if ((size_t)r < n || f->kind == SH_STDIN)
            break;
    }
    return len - done;
}

static uint64_t sys_seek(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle, pos;
    struct sh_handle *f;

    if (!get_field(s, h, block, 0, &handle) || !get_field(s, h, block, 1, &pos))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f)
        return sh_error(s, EBADF);
    switch (f->kind) {
    case SH_FEATURES:
        if (pos > sizeof sh_features)
            return sh_error(s, EINVAL);
        f->pos = pos;
        return 0;
    case SH_HOST:
        if (lseek(f->fd, (off_t)pos, SEEK_SET) < 0)
            return sh_error(s, errno);
        return 0;
    default: return sh_error(s, ESPIPE);
    }
}

static uint64_t sys_flen(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle;
    struct sh_handle *f;
    struct stat st;

    if (!get_field(s, h, block, 0, &handle))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f)
        return sh_error(s, EBADF);
    if (f->kind == SH_FEATURES)
        return sizeof sh_features;
    if (f->kind != SH_HOST)
        return sh_error(s, EINVAL);
    if (fstat(f->fd, &st) != 0)
        return sh_error(s, errno);
    return (uint64_t)st.st_size;
}

static uint64_t sys_istty(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t handle;
    struct sh_handle *f;

    if (!get_field(s, h, block, 0, &handle))
        return sh_error(s, EFAULT);
    f = lookup(s, handle);
    if (!f)
        return sh_error(s, EBADF);
    /* The console is interactive from the firmware's point of view whatever the host's
     * stdio is redirected to, so output does not change with how hartlab is run. */
    return f->kind == SH_STDIN || f->kind == SH_STDOUT || f->kind == SH_STDERR;
}

/* ---- the rest ---- */

static uint64_t sys_get_cmdline(struct semihost *s, struct hart *h, uint64_t block)
{
    const char *cmd = s->m->opts.cmdline ? s->m->opts.cmdline : "";
    uint64_t buf, size, len = strlen(cmd);

    if (!get_field(s, h, block, 0, &buf) || !get_field(s, h, block, 1, &size))
        return sh_error(s, EFAULT);
    if (len + 1 > size)
        return sh_error(s, E2BIG);
    if (!machine_write_mem(s->m, buf, cmd, len + 1) || !put_field(s, h, block, 1, len))
        return sh_error(s, EFAULT);
    return 0;
}

static uint64_t sys_heapinfo(struct semihost *s, struct hart *h, uint64_t param)
{
    uint64_t block, ram_base = s->m->opts.ram_base, ram_end = ram_base + s->m->opts.ram_size;
    uint64_t heap_base = 0, stack_base = ram_end, stack_limit, heap_limit;

    /* The specification passes the address of a pointer to the four-field block, and
     * QEMU and OpenOCD follow it; picolibc (1.8) passes the block itself, zero-filled. A
     * first field that does not point at memory for four fields is taken as picolibc's
     * layout, so both work. */
    if (!get_field(s, h, param, 0, &block))
        return sh_error(s, EFAULT);
    if (block == 0 || !machine_read_mem(s->m, block, (uint8_t[32]){ 0 }, 4 * field_bytes(h)))
        block = param;
    if (s->m->symbols && !symtab_find(s->m->symbols, "_end", &heap_base))
        symtab_find(s->m->symbols, "end", &heap_base);
    if (heap_base <= ram_base || heap_base >= ram_end)
        heap_base = ram_base + s->m->opts.ram_size / 2;
    heap_base = (heap_base + 15) & ~15ull;
    stack_limit = s->m->opts.ram_size > 2 * SEMIHOST_STACK_SIZE
                      ? ram_end - SEMIHOST_STACK_SIZE
                      : ram_base + s->m->opts.ram_size / 2;
    heap_limit = stack_limit > heap_base ? stack_limit : heap_base;
    if (!put_field(s, h, block, 0, heap_base) || !put_field(s, h, block, 1, heap_limit) ||
        !put_field(s, h, block, 2, stack_base) || !put_field(s, h, block, 3, stack_limit))
        return sh_error(s, EFAULT);
    return 0;
}

static int exit_status(int64_t code)
{
    if (code >= 0 && code <= 255)
        return (int)code;
    return (code & 0xff) ? (int)(code & 0xff) : 255;
}

static uint64_t sys_exit(struct semihost *s, struct hart *h, uint64_t param, bool extended)
{
    uint64_t reason = param, subcode = 0;
    int status;

    if (extended || hart_xlen(h) == 64) {
        if (!get_field(s, h, param, 0, &reason) || !get_field(s, h, param, 1, &subcode))
            return sh_error(s, EFAULT);
        status =
            reason == ADP_Stopped_ApplicationExit ? exit_status(sext(subcode, hart_xlen(h))) : 1;
    } else {
        status = reason == ADP_Stopped_ApplicationExit ? 0 : 1;
    }
    fflush(stdout);
    machine_exit(s->m, status, "semihosting exit");
    return 0;
}

static uint64_t sys_writec(struct semihost *s, uint64_t addr)
{
    uint8_t c;
    if (machine_read_mem(s->m, addr, &c, 1)) {
        if (!s->m->replaying)
            putchar(c);
        machine_console_output(s->m, &c, 1);
    } else
        guest_error("semihost-writec", "semihosting: SYS_WRITEC from 0x%llx, not memory",
                    (unsigned long long)addr);
    return 0;
}

static uint64_t sys_write0(struct semihost *s, uint64_t addr)
{
    uint8_t c;
    for (uint64_t i = 0; i < SEMIHOST_MAX_STR * 16; i++) {
        if (!machine_read_mem(s->m, addr + i, &c, 1)) {
            guest_error("semihost-write0",
                        "semihosting: SYS_WRITE0 string at 0x%llx "
                        "runs out of memory",
                        (unsigned long long)addr);
            break;
        }
        if (c == 0)
            break;
        if (!s->m->replaying)
            putchar(c);
        machine_console_output(s->m, &c, 1);
    }
    return 0;
}

static uint64_t sys_readc(struct semihost *s)
{
    uint8_t c;
    fflush(stdout);
    if (input_stdin_read(s->m, &c, 1) != 1)
        return sh_error(s, EIO);
    return c;
}

static uint64_t sys_elapsed(struct semihost *s, struct hart *h, uint64_t block)
{
    uint64_t t = hart_mtime(h);
    /* 64 bits in one field (RV64) or two, least significant first (RV32): the same bytes. */
    if (!machine_write_mem(s->m, block, &t, sizeof t))
        return sh_error(s, EFAULT);
    return 0;
}

bool semihost_call(struct semihost *s, struct hart *h)
{
    /* Registers are XLEN bits wide: hart_reg gives them zero-extended. */
    uint64_t op = hart_reg(h, 10), param = hart_reg(h, 11), ret = 0;
    uint64_t v;

    switch (op) {
    case SYS_OPEN: ret = sys_open(s, h, param); break;
    case SYS_CLOSE: ret = sys_close(s, h, param); break;
    case SYS_WRITEC: ret = sys_writec(s, param); break;
    case SYS_WRITE0: ret = sys_write0(s, param); break;
    case SYS_WRITE: ret = sys_write(s, h, param); break;
    case SYS_READ: ret = sys_read(s, h, param); break;
    case SYS_READC: ret = sys_readc(s); break;
    case SYS_ISERROR:
        ret = get_field(s, h, param, 0, &v) ? (sext(v, hart_xlen(h)) < 0) : sh_error(s, EFAULT);
        break;
    case SYS_ISTTY: ret = sys_istty(s, h, param); break;
    case SYS_SEEK: ret = sys_seek(s, h, param); break;
    case SYS_FLEN: ret = sys_flen(s, h, param); break;
    case SYS_CLOCK: ret = hart_mtime(h) / (SEMIHOST_MTIME_HZ / 100); break;
    case SYS_TIME: ret = SEMIHOST_EPOCH + hart_mtime(h) / SEMIHOST_MTIME_HZ; break;
    case SYS_ERRNO: ret = (uint64_t)s->guest_errno; break;
    case SYS_GET_CMDLINE: ret = sys_get_cmdline(s, h, param); break;
    case SYS_HEAPINFO: ret = sys_heapinfo(s, h, param); break;
    case SYS_EXIT: ret = sys_exit(s, h, param, false); break;
    case SYS_EXIT_EXTENDED: ret = sys_exit(s, h, param, true); break;
    case SYS_ELAPSED: ret = sys_elapsed(s, h, param); break;
    case SYS_TICKFREQ: ret = SEMIHOST_MTIME_HZ; break;
    case SYS_SYSTEM:
    case SYS_REMOVE:
    case SYS_RENAME:
    case SYS_TMPNAM:
        guest_error("semihost-refused",
                    "semihosting: operation 0x%02llx refused (hartlab does not run host "
                    "commands or remove, rename or name host files)",
                    (unsigned long long)op);
        ret = sh_error(s, EACCES);
        break;
    default:
        guest_error("semihost-unknown", "semihosting: unknown operation 0x%llx at pc 0x%llx",
                    (unsigned long long)op, (unsigned long long)hart_pc(h));
        ret = sh_error(s, ENOSYS);
        break;
    }
    hart_set_reg(h, 10, ret);
    return true;
}
