/* semihost_files: exercises hartlab's semihosting file and console operations (Arm
 * semihosting v2.0 SYS_OPEN, SYS_FLEN, SYS_READ, SYS_SEEK, SYS_WRITE, SYS_CLOSE, SYS_ISTTY,
 * SYS_ISERROR, SYS_ERRNO, SYS_HEAPINFO, SYS_TIME, SYS_CLOCK and the ":semihosting-features"
 * file) and the --semihost-root policy. run_firmware.py prepares the directory:
 *     ROOT/inside.txt        "hello from inside the root\n"
 *     ROOT/sub/              empty
 *     ROOT/link.txt          symlink to ../outside.txt
 *     ROOT/../outside.txt    "secret\n"
 * and runs `hartlab [--semihost-root ROOT] semihost_files-rvNN.elf -- MODE OUTSIDE_ABS`,
 * MODE being "root" or "noroot". Every check prints one line; the exit status is the number
 * of failed checks, so both the output file and the status prove the behaviour. */
#include <semihost.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SH_EACCES 13

static int failures;

static void check(int ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "FAIL", what);
    if (!ok)
        failures++;
}

static int open_mode(const char *path, int mode)
{
    return sys_semihost_open(path, mode);
}

/* SYS_OPEN mode numbers: 0 = "r", 4 = "w", 8 = "a". */
#define MODE_R 0
#define MODE_W 4
#define MODE_A 8

static void refused(const char *path, const char *what)
{
    int fd = open_mode(path, MODE_R);
    check(fd == -1 && sys_semihost_errno() == SH_EACCES, what);
    if (fd != -1)
        sys_semihost_close(fd);
}

static void with_root(const char *outside)
{
    static const char expect[] = "hello from inside the root\n";
    char buf[64];
    int fd;

    fd = open_mode("inside.txt", MODE_R);
    check(fd > 0, "open inside.txt below the root");
    check(sys_semihost_flen(fd) == sizeof expect - 1, "flen(inside.txt) is its size");
    memset(buf, 0, sizeof buf);
    check(sys_semihost_read(fd, buf, sizeof expect - 1) == 0, "read all of it");
    check(strcmp(buf, expect) == 0, "contents match");
    printf("   read: %s", buf);
    check(sys_semihost_seek(fd, 11) == 0, "seek to offset 11");
    memset(buf, 0, sizeof buf);
    /* Asking for more than is left returns the count not read. */
    check(sys_semihost_read(fd, buf, 32) == 32 - (sizeof expect - 1 - 11),
          "read past the end reports the bytes not read");
    check(strcmp(buf, "inside the root\n") == 0, "data after the seek");
    check(sys_semihost_read(fd, buf, 8) == 8, "read at end of file reads nothing");
    check(sys_semihost_istty(fd) == 0, "a file is not a tty");
    check(sys_semihost_close(fd) == 0, "close");
    check(sys_semihost_close(fd) == -1, "second close fails");

    fd = open_mode("sub/../inside.txt", MODE_R);
    check(fd > 0, "sub/../inside.txt stays below the root");
    sys_semihost_close(fd);

    refused("../outside.txt", "../outside.txt is refused with EACCES");
    refused(outside, "an absolute path outside the root is refused");
    refused("link.txt", "a symlink pointing out of the root is refused");
    refused("sub/../../outside.txt", "sub/../../outside.txt is refused");
    check(open_mode("missing.txt", MODE_R) == -1, "opening a missing file fails");

    fd = open_mode("sub/new.txt", MODE_W);
    check(fd > 0, "create sub/new.txt");
    check(sys_semihost_write(fd, "written by firmware\n", 20) == 0, "write 20 bytes");
    check(sys_semihost_close(fd) == 0, "close it");
    fd = open_mode("sub/new.txt", MODE_A);
    check(fd > 0 && sys_semihost_write(fd, "appended\n", 9) == 0, "append to it");
    sys_semihost_close(fd);
    fd = open_mode("../escape.txt", MODE_W);
    check(fd == -1 && sys_semihost_errno() == SH_EACCES, "creating ../escape.txt is refused");
}

int main(int argc, char **argv)
{
    /* argv[0] is picolibc's "program-name", argv[1] the ELF; ours follow. */
    const char *mode = argc > 2 ? argv[2] : "";
    const char *outside = argc > 3 ? argv[3] : "/nonexistent";
    struct sys_semihost_block heap;
    extern char __bss_end[];
    int fd;

    check(sys_semihost_feature(0) && sys_semihost_feature(1),
          "features: SH_EXT_EXIT_EXTENDED and SH_EXT_STDOUT_STDERR");

    fd = open_mode(":tt", MODE_W);
    check(fd > 0 && sys_semihost_istty(fd) == 1, ":tt for writing is a tty");
    check(sys_semihost_write(fd, "   via :tt w\n", 13) == 0, "write to :tt (stdout)");
    sys_semihost_close(fd);
    fd = open_mode(":tt", MODE_A);
    check(fd > 0 && sys_semihost_write(fd, "via :tt a\n", 10) == 0, "write to :tt a (stderr)");
    sys_semihost_close(fd);
    sys_semihost_write0("   via SYS_WRITE0\n");

    check(sys_semihost_iserror(-1) != 0 && sys_semihost_iserror(0) == 0, "iserror");
    check(sys_semihost_time() >= 946684800u, "time counts from 2000-01-01 or later");
    check(sys_semihost_clock() < 100, "clock: under a second of virtual time so far");

    sys_semihost_heapinfo(&heap);
    check((char *)heap.heap_base >= __bss_end && heap.heap_limit > heap.heap_base &&
              heap.stack_base > heap.heap_limit,
          "heapinfo: heap after the image, below the stack");

    if (strcmp(mode, "root") == 0) {
        with_root(outside);
    } else {
        fd = open_mode("inside.txt", MODE_R);
        check(fd == -1 && sys_semihost_errno() == SH_EACCES,
              "without --semihost-root, opening a file is refused");
    }
    printf("%d failures\n", failures);
    return failures;
}
