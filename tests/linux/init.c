/* init for the hartlab Linux boot test (tests/linux/): the first and only process of a
 * Linux 6.1 RV64 kernel whose root file system is an ext2 image on a virtio-blk drive.
 * No C library: the few system calls it needs are made directly (RISC-V Linux ABI:
 * number in a7, arguments in a0..a5, `ecall`; numbers from the kernel's generic
 * include/uapi/asm-generic/unistd.h).
 *
 * Each boot it reads /boot-count (absent: 0), prints "boot N", prints what the previous
 * boot left in /note, writes a new /note and /boot-count, syncs, reads /note back and
 * compares, reads 16 bytes of /dev/hwrng (virtio-rng) if it is there, and powers off
 * (syscon-poweroff: the SiFive test finisher ends hartlab with status 0). Any failure
 * prints "FAIL ..." and powers off too; the test reads the console.
 */
#define SYS_openat       56
#define SYS_close        57
#define SYS_read         63
#define SYS_write        64
#define SYS_fsync        82
#define SYS_sync         81
#define SYS_exit         93
#define SYS_reboot       142
#define SYS_mount        40
#define SYS_mkdirat      34
#define AT_FDCWD         (-100)
#define O_RDONLY         0
#define O_WRONLY         1
#define O_CREAT          0100
#define O_TRUNC          01000
#define REBOOT_MAGIC1    0xfee1dead
#define REBOOT_MAGIC2    672274793
#define REBOOT_POWER_OFF 0x4321fedc

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a3 __asm__("a3") = d;
    register long a4 __asm__("a4") = e;
    register long a5 __asm__("a5") = f;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

#define sys(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

static unsigned long len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static void put(const char *s)
{
    sys(SYS_write, 1, s, len(s));
}

static void put_num(unsigned long v)
{
    char b[24];
    int i = 23;
    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(b + i);
}

static void put_hex(unsigned char v)
{
    static const char d[] = "0123456789abcdef";
    char b[4] = { ' ', d[v >> 4], d[v & 15], 0 };
    put(b);
}

static void power_off(void)
{
    sys(SYS_sync, 0, 0, 0);
    sys6(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_POWER_OFF, 0, 0, 0);
    sys(SYS_exit, 0, 0, 0);
}

static void fail(const char *what)
{
    put("FAIL ");
    put(what);
    put("\n");
    power_off();
}

/* Read a whole small file into buf (NUL-terminated); -1 if it cannot be opened. */
static long slurp(const char *path, char *buf, long size)
{
    long fd = sys6(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while (n < size - 1 && (r = sys(SYS_read, fd, buf + n, size - 1 - n)) > 0)
        n += r;
    buf[n] = 0;
    sys(SYS_close, fd, 0, 0);
    return n;
}

static void spit(const char *path, const char *text)
{
    long fd = sys6(SYS_openat, AT_FDCWD, (long)path, O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0);
    if (fd < 0)
        fail("cannot create a file on the root file system");
    if (sys(SYS_write, fd, text, len(text)) != (long)len(text))
        fail("short write");
    if (sys(SYS_fsync, fd, 0, 0) != 0)
        fail("fsync");
    sys(SYS_close, fd, 0, 0);
}

static char *append(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    *p = 0;
    return p;
}

static char *append_num(char *p, unsigned long v)
{
    char b[24];
    int i = 23;
    b[i] = 0;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return append(p, b + i);
}

int main(void)
{
    char buf[256], note[256];
    put("hartlab-init: started\n");
    unsigned long boot = 0;
    if (slurp("/boot-count", buf, sizeof buf) > 0)
        for (char *p = buf; *p >= '0' && *p <= '9'; p++)
            boot = boot * 10 + (unsigned long)(*p - '0');
    boot++;
    put("boot ");
    put_num(boot);
    put("\n");
    if (slurp("/note", buf, sizeof buf) >= 0) {
        put("previous note: ");
        put(buf);
    } else {
        put("no previous note\n");
    }
    char *p = append(note, "written by boot ");
    p = append_num(p, boot);
    append(p, "\n");
    spit("/note", note);
    append_num(buf, boot);
    spit("/boot-count", buf);
    sys(SYS_sync, 0, 0, 0);
    if (slurp("/note", buf, sizeof buf) < 0)
        fail("cannot read /note back");
    for (int i = 0; note[i] || buf[i]; i++)
        if (note[i] != buf[i])
            fail("/note reads back different");
    put("note read back: ");
    put(buf);
    /* /dev is devtmpfs, mounted by the kernel (CONFIG_DEVTMPFS_MOUNT). */
    long fd = sys6(SYS_openat, AT_FDCWD, (long)"/dev/hwrng", O_RDONLY, 0, 0, 0);
    if (fd >= 0) {
        unsigned char r[16];
        long n = sys(SYS_read, fd, r, sizeof r);
        put("hwrng:");
        for (long i = 0; i < n; i++)
            put_hex(r[i]);
        put("\n");
        sys(SYS_close, fd, 0, 0);
    }
    put("hartlab-init: powering off\n");
    power_off();
    return 0;
}

/* The kernel starts init at _start with sp at argc; nothing else is needed here. */
__asm__(".section .text._start\n"
        ".global _start\n"
        "_start:\n"
        "  .option push\n"
        "  .option norelax\n"
        "  lla gp, __global_pointer$\n"
        "  .option pop\n"
        "  call main\n"
        "1: j 1b\n");
