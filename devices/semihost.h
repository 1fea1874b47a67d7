/* Semihosting: the firmware asks the host to do I/O for it, through the Arm semihosting
 * interface (version 2.0) as the RISC-V Semihosting specification (version 0.3) carries it
 * over to RISC-V: the hart executes `slli x0, x0, 0x1f; ebreak; srai x0, x0, 7` with the
 * operation number in a0 and a parameter (a value or the address of a block of XLEN/8-byte
 * fields) in a1; the result comes back in a0.
 *
 * What the host gives the firmware:
 *   - the console: SYS_WRITEC/SYS_WRITE0 and ":tt" opened for writing go to stdout, ":tt"
 *     opened for appending to stderr (SH_EXT_STDOUT_STDERR), ":tt" for reading and
 *     SYS_READC read stdin;
 *   - the ":semihosting-features" file, with SH_EXT_EXIT_EXTENDED and
 *     SH_EXT_STDOUT_STDERR set, as QEMU 7.2 reports them;
 *   - files, only below the directory `--semihost-root` names (m->opts.semihost_root);
 *     without it every SYS_OPEN of a real path fails with EACCES and one note on stderr;
 *   - SYS_GET_CMDLINE from m->opts.cmdline;
 *   - deterministic time: SYS_CLOCK, SYS_TIME, SYS_ELAPSED and SYS_TICKFREQ count virtual
 *     time from mtime (SEMIHOST_MTIME_HZ ticks per second), and SYS_TIME starts at
 *     SEMIHOST_EPOCH (2000-01-01 00:00:00 UTC): the same firmware reads the same times on
 *     every run;
 *   - SYS_HEAPINFO: the heap runs from the end of the loaded image (the ELF symbol `_end`
 *     or `end`, or else the middle of RAM, as QEMU picks) to SEMIHOST_STACK_SIZE below
 *     the top of RAM, and the stack occupies that top (the parameter is the address of
 *     a pointer to the four fields, or, as picolibc passes it, of the fields themselves);
 *   - SYS_EXIT and SYS_EXIT_EXTENDED end the run (see semihost_call for exit statuses).
 * SYS_SYSTEM, SYS_REMOVE, SYS_RENAME and SYS_TMPNAM are refused (-1).
 *
 * Usage:
 *     m->semihost = semihost_new(m);
 *     // in the hart's semihost hook, M or S mode only:
 *     handled = semihost_call(m->semihost, h);
 *     semihost_free(m->semihost);
 */
#ifndef HARTLAB_DEVICES_SEMIHOST_H
#define HARTLAB_DEVICES_SEMIHOST_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct hart;
struct semihost;

/* Operation numbers (Arm semihosting v2.0, "Semihosting operations"). */
enum semihost_op {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_TMPNAM = 0x0d,
    SYS_REMOVE = 0x0e,
    SYS_RENAME = 0x0f,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

/* SYS_EXIT reason codes used here (the spec's ADP_Stopped_* list). */
#define ADP_Stopped_ApplicationExit 0x20026

/* Feature bits of ":semihosting-features" byte 0. */
#define SH_EXT_EXIT_EXTENDED 0x01
#define SH_EXT_STDOUT_STDERR 0x02

/* Virtual time: the virt board's mtime frequency (its device tree's timebase-frequency). */
#define SEMIHOST_MTIME_HZ   10000000ull
#define SEMIHOST_EPOCH      946684800ull /* 2000-01-01T00:00:00Z in Unix time */
#define SEMIHOST_STACK_SIZE (1ull << 20)

struct semihost *semihost_new(struct machine *m);
void semihost_free(struct semihost *s);

/* Perform the call the hart `h` asks for (a0 = operation, a1 = parameter) and put the
 * result in a0, XLEN wide. Returns true: every operation number is answered, an unknown
 * one with -1 and a guest error. An exit request calls machine_exit() with the status:
 * ADP_Stopped_ApplicationExit gives the subcode (RV64 SYS_EXIT, SYS_EXIT_EXTENDED) or 0
 * (RV32 SYS_EXIT), any other reason 1, as QEMU does; a subcode outside 0..255 keeps its
 * low 8 bits, as a host exit() would, except that it becomes 255 where those are 0. */
bool semihost_call(struct semihost *s, struct hart *h);

#endif
