/* calib.h: the calibration kernels' shared declarations (tests/cycles/README.md). Each
 * kernel is a function `void k_NAME(void)` that calib.c times with mcycle and minstret
 * read around its call; the same ELF runs on Ibex's RTL and on hartlab. */
#ifndef CALIB_H
#define CALIB_H

#include <stdint.h>

/* Assembly kernels (kernels.S). */
void k_alu_chain(void);
void k_alu_indep(void);
void k_load_use(void);
void k_store_burst(void);
void k_mul(void);
void k_mulh(void);
void k_div(void);
void k_div_zero(void);
void k_jumps(void);
void k_misaligned_fetch(void);
void k_misaligned_data(void);
void k_csr(void);
void k_ecall(void);
void k_compressed(void);

/* C kernels (kernels.c, coremark_like.c). */
void k_pointer_chase(void);
void k_branches(void);
void k_calls(void);
void k_memcpy_words(void);
void k_memcpy_bytes(void);
void k_bubble_sort(void);
void k_crc32(void);
void k_coremark_like(void);

/* A checksum each C kernel leaves, printed so that both runs can be compared. */
extern volatile uint32_t calib_sink;

#endif
