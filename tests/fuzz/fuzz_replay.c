/* Fuzz harness: --replay FILE, the record format of host/input.c (format 1, described in
 * host/input.h and docs/ci.md): the input is the file, read through /proc/self/fd/N of a
 * memory file by input_replay on a virt machine (1 MiB of RAM) running the program of
 * fuzz_script.c (UART output and echo, GPIO copy), then a run of at most 30,000 cycles and
 * input_finish. Invariants: a file that does not parse, or names a UART, pin or source the
 * machine lacks, is refused with one line "PATH:LINE: ..."; an accepted one replays
 * without a crash, a hang or a sanitizer report, whatever its cycles and bytes say.
 * Seeds: tests/fuzz/corpus/replay, recordings of the samples and one line of each kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "host/input.h"
#include "platform/board.h"
#include "platform/machine.h"

#define RAM 0x80000000ull

static struct machine_options opts;
static void *board;
static int memfd = -1;
static char path[64];

static const uint32_t program[] = {
    0x100002b7, 0x10060eb7, 0x0ff00313, 0x006ea423, 0x06800313, 0x00628023, 0x0052c383,
    0x0013f393, 0x00038663, 0x0002ce03, 0x01c28023, 0x000eaf03, 0x004f5f13, 0x01eea623,
    0x00130313, 0x07f37313, 0x00a00f93, 0xfdf318e3, 0x02000313, 0xfc9ff06f,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    char err[512];
    size_t size;
    board = board_open("virt", &size, err, sizeof err);
    machine_options_default(&opts);
    opts.serial = "null";
    if (!board || !board_apply_options(board, &opts, err, sizeof err)) {
        fprintf(stderr, "fuzz_replay: %s\n", err);
        exit(1);
    }
    opts.ram_size = 1 << 20;
    opts.fdt = board;
    opts.max_cycles = 30000;
    memfd = memfd_create("fuzz.rec", 0);
    if (memfd < 0) {
        perror("fuzz_replay: memfd_create");
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
    struct machine *m = machine_new(&opts, err, sizeof err);
    if (!m)
        fuzz_fail("machine_new: %s", err);
    machine_write_mem(m, RAM, program, sizeof program);
    machine_reset_harts(m);
    if (!input_replay(m, path, NULL, err, sizeof err)) {
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_replay: refused: %s\n", err);
        if (strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n'))
            fuzz_fail("input_replay: not one line naming the file: '%s'", err);
    } else {
        int status = machine_run(m);
        bool same = input_finish(m, status);
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz_replay: status %d, %s\n", status,
                    same ? "as recorded" : "not as recorded");
    }
    machine_free(m);
    return 0;
}
