/* Unit tests of the software FPU (core/fpu.c): NaN-boxing, canonical NaNs, rounding in each
 * mode, the accrued flags (tininess after rounding), fmin/fmax and compare rules, and
 * saturating conversions, with expected values worked out from IEEE 754-2008 and the RISC-V
 * Unprivileged ISA 20191213 chapters 11 and 12. (fpu.c uses integer arithmetic only, so the
 * host's floating-point environment is never involved.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/fpu.h"

static void test_boxing(void **state)
{
    (void)state;
    assert_int_equal(fpu_box_s(0x3f800000), 0xffffffff3f800000ull);
    assert_int_equal(fpu_unbox_s(0xffffffff3f800000ull), 0x3f800000);
    /* any upper bit clear: the canonical NaN */
    assert_int_equal(fpu_unbox_s(0x000000003f800000ull), F32_CANONICAL_NAN);
    assert_int_equal(fpu_unbox_s(0xfffffffe3f800000ull), F32_CANONICAL_NAN);
    assert_int_equal(fpu_unbox_s(0x7fffffff00000000ull), F32_CANONICAL_NAN);
}

static void test_canonical_nan(void **state)
{
    (void)state;
    unsigned fl = 0;
    /* a NaN payload and sign are not propagated; a quiet NaN raises nothing */
    assert_int_equal(f32_add(0xffc12345, 0x3f800000, FPU_RNE, &fl), F32_CANONICAL_NAN);
    assert_int_equal(fl, 0);
    assert_int_equal(f64_mul(0x7ff0000000000001ull, 0x3ff0000000000000ull, FPU_RNE, &fl),
                     F64_CANONICAL_NAN);
    assert_int_equal(fl, FPU_NV);
    fl = 0;
    assert_int_equal(f64_to_f32(0xfff8000000000001ull, FPU_RNE, &fl), F32_CANONICAL_NAN);
    assert_int_equal(fl, 0);
    assert_int_equal(f32_to_f64(0x7f800001, &fl), F64_CANONICAL_NAN);
    assert_int_equal(fl, FPU_NV);
    fl = 0;
    assert_int_equal(f32_sqrt(0xbf800000, FPU_RNE, &fl), F32_CANONICAL_NAN);
    assert_int_equal(fl, FPU_NV);
}

static void test_rounding_modes(void **state)
{
    (void)state;
    /* 1 + 2^-24 is halfway between 1 and 1 + 2^-23 */
    static const uint32_t expect[5] = { 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001,
                                        0x3f800001 };
    for (unsigned rm = FPU_RNE; rm <= FPU_RMM; rm++) {
        unsigned fl = 0;
        assert_int_equal(f32_add(0x3f800000, 0x33800000, rm, &fl), expect[rm]);
        assert_int_equal(fl, FPU_NX);
    }
    unsigned fl = 0;
    /* 1/3 in double: RNE rounds down, RUP up */
    assert_int_equal(f64_div(0x3ff0000000000000ull, 0x4008000000000000ull, FPU_RNE, &fl),
                     0x3fd5555555555555ull);
    assert_int_equal(f64_div(0x3ff0000000000000ull, 0x4008000000000000ull, FPU_RUP, &fl),
                     0x3fd5555555555556ull);
    /* exact cancellation: +0, except -0 rounding down */
    assert_int_equal(f64_sub(0x4000000000000000ull, 0x4000000000000000ull, FPU_RNE, &fl), 0);
    assert_int_equal(f64_sub(0x4000000000000000ull, 0x4000000000000000ull, FPU_RDN, &fl),
                     0x8000000000000000ull);
}

static void test_flags(void **state)
{
    (void)state;
    unsigned fl = 0;
    assert_int_equal(f32_div(0x3f800000, 0, FPU_RNE, &fl), 0x7f800000);
    assert_int_equal(fl, FPU_DZ);
    fl = 0;
    assert_int_equal(f32_mul(0x7f7fffff, 0x40000000, FPU_RTZ, &fl), 0x7f7fffff);
    assert_int_equal(fl, FPU_OF | FPU_NX);
    fl = 0;
    /* tiny after rounding although the result is the smallest normal */
    assert_int_equal(f32_mul(0x00ffffff, 0x3f000000, FPU_RNE, &fl), 0x00800000);
    assert_int_equal(fl, FPU_UF | FPU_NX);
    fl = 0;
    /* rounds to 2^-126 even with an unbounded exponent: not tiny */
    assert_int_equal(f32_mul(0x3f918e00, 0x00709000, FPU_RNE, &fl), 0x00800000);
    assert_int_equal(fl, FPU_NX);
    fl = 0;
    /* an exact subnormal raises nothing */
    assert_int_equal(f64_mul(0x0010000000000000ull, 0x3fe0000000000000ull, FPU_RNE, &fl),
                     0x0008000000000000ull);
    assert_int_equal(fl, 0);
    /* fused multiply-add: one rounding; 0 x inf is invalid even with a quiet NaN addend */
    assert_int_equal(f32_fma(0x3f800001, 0x3f800001, 0xbf800002, 0, FPU_RNE, &fl), 0x28800000);
    assert_int_equal(fl, 0);
    assert_int_equal(f32_fma(0x7f800000, 0, 0x7fc00000, 0, FPU_RNE, &fl), F32_CANONICAL_NAN);
    assert_int_equal(fl, FPU_NV);
}

static void test_minmax_compare(void **state)
{
    (void)state;
    unsigned fl = 0;
    assert_int_equal(f32_min(0x00000000, 0x80000000, &fl), 0x80000000);
    assert_int_equal(f32_max(0x80000000, 0x00000000, &fl), 0x00000000);
    assert_int_equal(f32_min(0x7fc00000, 0x3f800000, &fl), 0x3f800000);
    assert_int_equal(fl, 0);
    assert_int_equal(f64_max(0x7ff0000000000001ull, 0x7ff0000000000001ull, &fl), F64_CANONICAL_NAN);
    assert_int_equal(fl, FPU_NV);
    fl = 0;
    assert_true(f32_eq(0x80000000, 0x00000000, &fl));
    assert_false(f32_eq(0x7fc00000, 0x7fc00000, &fl));
    assert_int_equal(fl, 0);
    assert_false(f32_le(0x7fc00000, 0x3f800000, &fl));
    assert_int_equal(fl, FPU_NV);
    assert_int_equal(f64_classify(0x8000000000000001ull), 1u << 2);
    assert_int_equal(f32_classify(0x7f800001), 1u << 8);
}

static void test_conversions(void **state)
{
    (void)state;
    unsigned fl = 0;
    assert_int_equal(f32_to_i32(0x4f000000, FPU_RTZ, &fl), INT32_MAX);
    assert_int_equal(fl, FPU_NV);
    fl = 0;
    assert_int_equal(f32_to_i32(0x7fc00000, FPU_RTZ, &fl), INT32_MAX);
    assert_int_equal(f32_to_u32(0xbf800000, FPU_RTZ, &fl), 0);
    /* a 32-bit unsigned result is sign-extended, as fcvt.wu writes it on RV64 */
    assert_int_equal(f32_to_u32(0x4f800000, FPU_RTZ, &fl), -1);
    assert_int_equal(f64_to_i64(0xc3e0000000000000ull, FPU_RTZ, &fl), INT64_MIN);
    fl = 0;
    assert_int_equal(f64_to_u32(0xbfd999999999999aull, FPU_RNE, &fl), 0); /* -0.4 */
    assert_int_equal(fl, FPU_NX);
    assert_int_equal(f32_to_i32(0x40200000, FPU_RNE, &fl), 2); /* 2.5 ties to even */
    assert_int_equal(f32_to_i32(0x40200000, FPU_RMM, &fl), 3);
    assert_int_equal(i64_to_f32(0x7fffffff, FPU_RTZ, &fl), 0x4effffff);
    assert_int_equal(u64_to_f64(UINT64_MAX, FPU_RNE, &fl), 0x43f0000000000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boxing),         cmocka_unit_test(test_canonical_nan),
        cmocka_unit_test(test_rounding_modes), cmocka_unit_test(test_flags),
        cmocka_unit_test(test_minmax_compare), cmocka_unit_test(test_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
