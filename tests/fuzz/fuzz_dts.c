/* Fuzz harness: a device-tree source given as `--board FILE.dts`, compiled by dtc as
 * hartlab does at run time (platform/board.c), then run by fuzz_board.c. dtc checks the
 * syntax, so mutations of the built-in boards' sources reach hartlab as well-formed trees
 * with odd contents: missing or oversized `reg`, zero clock frequencies, interrupt
 * numbers past the controller, phandles to nowhere. Inputs that pull in other host files
 * (`/include/`, `/incbin/`) are skipped: dtc would read whatever they name.
 * Seeds: the built-in boards' sources (tests/fuzz/corpus/dts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_board.h"
#include "platform/board.h"

static char path[64];

static void remove_dir(void)
{
    unlink(path);
    *strrchr(path, '/') = 0;
    rmdir(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    char dir[] = "/tmp/hartlab-fuzz-dts-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("fuzz_dts: mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/board.dts", dir);
    atexit(remove_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memmem(data, size, "/include/", 9) || memmem(data, size, "/incbin/", 8))
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        fuzz_fail("cannot write %s", path);
    fwrite(data, 1, size, f);
    fclose(f);
    char err[1024] = "";
    size_t blob_size = 0;
    void *blob = board_open(path, &blob_size, err, sizeof err);
    if (!blob) {
        if (!err[0] || strchr(err, '\n'))
            fuzz_fail("board_open: the error is not one line: '%s'", err);
        return 0;
    }
    fuzz_board_run(blob, blob_size);
    free(blob);
    return 0;
}
