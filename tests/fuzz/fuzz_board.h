/* Shared by the device-tree harnesses: run a board blob through hartlab (fuzz_board.c). */
#ifndef HARTLAB_TESTS_FUZZ_FUZZ_BOARD_H
#define HARTLAB_TESTS_FUZZ_FUZZ_BOARD_H

#include <stddef.h>

void fuzz_board_run(const void *blob, size_t size);

#endif
