/* Fuzz harness: a device-tree blob given as `--board FILE.dtb` (Devicetree Specification
 * 0.4, chapter 5). The input is the blob; fuzz_board.c runs it from board_check_blob to
 * the first instructions. Seeds: the built-in boards compiled by dtc and the reproducers
 * of tests/fuzz/regress/dtb.
 */
#include "fuzz.h"
#include "fuzz_board.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet_stdio();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_board_run(data, size);
    return 0;
}
