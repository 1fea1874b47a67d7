/* The floating-point unit: IEEE 754-2008 binary32 and binary64 arithmetic as the RISC-V F and
 * D extensions define it (Unprivileged ISA 20191213 chapters 11 and 12), in software.
 *
 * Every function is pure: operands and results are raw bit patterns, the rounding mode is
 * one of FPU_RNE..FPU_RMM (already resolved from the instruction's rm or frm), and the
 * exception flags the operation raises are OR-ed into *fl (FPU_NX..FPU_NV, the fflags bit
 * layout). Nothing touches the host's floating-point environment, so results and flags are
 * the same on every host. RISC-V rules built in: tininess is detected after rounding, NaN
 * results are the canonical NaN, fmin/fmax follow the 2019 (IEEE minimumNumber) semantics,
 * conversions to integers saturate, and fused multiply-add rounds once (and raises NV for
 * 0 x inf even when the addend is a quiet NaN).
 *
 * Usage:
 *     unsigned fl = 0;
 *     uint64_t r = f64_add(a, b, FPU_RNE, &fl);   // then fflags |= fl
 *     uint32_t s = fpu_unbox_s(h->f[n]);          // single operand from a 64-bit register
 */
#ifndef HARTLAB_CORE_FPU_H
#define HARTLAB_CORE_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, as encoded in rm and frm (Unprivileged ISA table 11.1). */
enum fpu_rm {
    FPU_RNE = 0,
    FPU_RTZ = 1,
    FPU_RDN = 2,
    FPU_RUP = 3,
    FPU_RMM = 4,
    FPU_DYN = 7, /* rm only: use frm */
};

/* Accrued exception flags, as laid out in fflags (Unprivileged ISA figure 11.2). */
#define FPU_NX 0x01u
#define FPU_UF 0x02u
#define FPU_OF 0x04u
#define FPU_DZ 0x08u
#define FPU_NV 0x10u

#define F32_CANONICAL_NAN 0x7fc00000u
#define F64_CANONICAL_NAN 0x7ff8000000000000ull
#define F32_BOX           0xffffffff00000000ull

/* NaN-boxing (Unprivileged ISA 12.2): a single value in a 64-bit register has its upper 32
 * bits all ones; anything else reads as the canonical NaN. */
static inline uint64_t fpu_box_s(uint32_t v)
{
    return F32_BOX | v;
}
static inline uint32_t fpu_unbox_s(uint64_t r)
{
    return (r & F32_BOX) == F32_BOX ? (uint32_t)r : F32_CANONICAL_NAN;
}

/* Fused multiply-add variants: which signs to flip (fmsub negates c, fnmsub the product,
 * fnmadd both). */
#define FPU_NEG_C    1u
#define FPU_NEG_PROD 2u

uint32_t f32_add(uint32_t a, uint32_t b, unsigned rm, unsigned *fl);
uint32_t f32_sub(uint32_t a, uint32_t b, unsigned rm, unsigned *fl);
uint32_t f32_mul(uint32_t a, uint32_t b, unsigned rm, unsigned *fl);
uint32_t f32_div(uint32_t a, uint32_t b, unsigned rm, unsigned *fl);
uint32_t f32_sqrt(uint32_t a, unsigned rm, unsigned *fl);
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, unsigned neg, unsigned rm, unsigned *fl);
uint32_t f32_min(uint32_t a, uint32_t b, unsigned *fl);
uint32_t f32_max(uint32_t a, uint32_t b, unsigned *fl);
bool f32_eq(uint32_t a, uint32_t b, unsigned *fl);
bool f32_lt(uint32_t a, uint32_t b, unsigned *fl);
bool f32_le(uint32_t a, uint32_t b, unsigned *fl);
unsigned f32_classify(uint32_t a);

uint64_t f64_add(uint64_t a, uint64_t b, unsigned rm, unsigned *fl);
uint64_t f64_sub(uint64_t a, uint64_t b, unsigned rm, unsigned *fl);
uint64_t f64_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *fl);
uint64_t f64_div(uint64_t a, uint64_t b, unsigned rm, unsigned *fl);
uint64_t f64_sqrt(uint64_t a, unsigned rm, unsigned *fl);
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, unsigned neg, unsigned rm, unsigned *fl);
uint64_t f64_min(uint64_t a, uint64_t b, unsigned *fl);
uint64_t f64_max(uint64_t a, uint64_t b, unsigned *fl);
bool f64_eq(uint64_t a, uint64_t b, unsigned *fl);
bool f64_lt(uint64_t a, uint64_t b, unsigned *fl);
bool f64_le(uint64_t a, uint64_t b, unsigned *fl);
unsigned f64_classify(uint64_t a);

uint32_t f64_to_f32(uint64_t a, unsigned rm, unsigned *fl);
uint64_t f32_to_f64(uint32_t a, unsigned *fl);

/* Float to integer, saturating: NaN and +overflow give the largest value, -overflow the
 * smallest, with NV (and then no NX). 32-bit results are returned sign-extended to 64 bits
 * as fcvt.w[u] writes them on RV64. */
int64_t f32_to_i32(uint32_t a, unsigned rm, unsigned *fl);
int64_t f32_to_u32(uint32_t a, unsigned rm, unsigned *fl);
int64_t f32_to_i64(uint32_t a, unsigned rm, unsigned *fl);
uint64_t f32_to_u64(uint32_t a, unsigned rm, unsigned *fl);
int64_t f64_to_i32(uint64_t a, unsigned rm, unsigned *fl);
int64_t f64_to_u32(uint64_t a, unsigned rm, unsigned *fl);
int64_t f64_to_i64(uint64_t a, unsigned rm, unsigned *fl);
uint64_t f64_to_u64(uint64_t a, unsigned rm, unsigned *fl);

/* Integer to float. */
uint32_t i64_to_f32(int64_t v, unsigned rm, unsigned *fl);
uint32_t u64_to_f32(uint64_t v, unsigned rm, unsigned *fl);
uint64_t i64_to_f64(int64_t v, unsigned rm, unsigned *fl);
uint64_t u64_to_f64(uint64_t v, unsigned rm, unsigned *fl);

#endif
