/* Software IEEE 754-2008 binary32/binary64 arithmetic for the RISC-V F and D extensions
 * (Unprivileged ISA 20191213 chapters 11 and 12; IEEE 754-2008 clauses 4 to 7).
 *
 * One generic path serves both formats: an operand is unpacked into sign, class and an exact
 * value sig x 2^exp; each operation computes its exact result (or the result with a sticky
 * bit far below the rounding position) in a 128-bit integer, and `round_pack` rounds it once
 * to the destination format in any of the five rounding modes, raising NX, UF (tininess after
 * rounding, as RISC-V requires) and OF. Special operands (NaN, infinity, zero) are handled
 * before the arithmetic, with RISC-V's rule that every NaN result is the canonical NaN. The
 * host's floating-point environment is never touched; its binary64 arithmetic is used only
 * where it gives the same bits and flags (normal operands and result in round-to-nearest-
 * even once NX is set: see f64_add).
 */
#include "core/fpu.h"

#include <string.h>

typedef unsigned __int128 u128;

/* A format: fraction bits and exponent bits. */
struct fmt {
    int fbits, ebits;
};
static const struct fmt FMT32 = { 23, 8 };
static const struct fmt FMT64 = { 52, 11 };

static inline int f_bias(struct fmt f)
{
    return (1 << (f.ebits - 1)) - 1;
}
static inline int f_emin(struct fmt f)
{
    return 1 - f_bias(f);
}
static inline unsigned f_signpos(struct fmt f)
{
    return (unsigned)(f.fbits + f.ebits);
}
static inline uint64_t f_fmask(struct fmt f)
{
    return (1ull << f.fbits) - 1;
}
static inline uint64_t f_emask(struct fmt f)
{
    return (1ull << f.ebits) - 1;
}

enum fclass { C_ZERO, C_FINITE, C_INF, C_QNAN, C_SNAN };

/* value = (-1)^sign x sig x 2^exp for C_FINITE; sig is not normalised for subnormals. */
struct unp {
    bool sign;
    enum fclass cls;
    int exp;
    uint64_t sig;
};

static struct unp unpack(uint64_t v, struct fmt f)
{
    struct unp u = { .sign = (v >> f_signpos(f)) & 1 };
    uint64_t e = (v >> f.fbits) & f_emask(f), m = v & f_fmask(f);
    if (e == f_emask(f)) {
        u.cls = !m ? C_INF : (m >> (f.fbits - 1)) & 1 ? C_QNAN : C_SNAN;
    } else if (e == 0) {
        u.cls = m ? C_FINITE : C_ZERO;
        u.sig = m;
        u.exp = f_emin(f) - f.fbits;
    } else {
        u.cls = C_FINITE;
        u.sig = m | (1ull << f.fbits);
        u.exp = (int)e - f_bias(f) - f.fbits;
    }
    return u;
}

static inline bool is_nan(struct unp u)
{
    return u.cls == C_QNAN || u.cls == C_SNAN;
}

static inline uint64_t sign_bit(bool s, struct fmt f)
{
    return (uint64_t)s << f_signpos(f);
}
static inline uint64_t pack_zero(bool s, struct fmt f)
{
    return sign_bit(s, f);
}
static inline uint64_t pack_inf(bool s, struct fmt f)
{
    return sign_bit(s, f) | (f_emask(f) << f.fbits);
}
static inline uint64_t canonical_nan(struct fmt f)
{
    return (f_emask(f) << f.fbits) | (1ull << (f.fbits - 1));
}

/* Index of the most significant set bit of a nonzero x. */
static inline int msb128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)x);
}

/* x >> sh with the bits shifted out OR-ed into bit 0 ("jamming"), for sh >= 0. */
static inline u128 shift_jam(u128 x, int sh)
{
    if (sh <= 0)
        return x;
    if (sh >= 128)
        return x != 0;
    return (x >> sh) | ((x & (((u128)1 << sh) - 1)) != 0);
}

/* sig / 2^sh rounded to an integer in mode rm (sig << -sh when sh <= 0, exact). */
static u128 shift_round(u128 sig, int sh, bool sign, unsigned rm, bool *inexact)
{
    if (sh <= 0) {
        *inexact = false;
        return sig << -sh;
    }
    u128 kept;
    int cmp; /* remainder against one half: -1 below, 0 equal, 1 above */
    bool rem_nonzero;
    if (sh > 128) {
        kept = 0;
        rem_nonzero = sig != 0;
        cmp = -1;
    } else {
        u128 half = (u128)1 << (sh - 1);
        u128 rem = sh == 128 ? sig : sig & ((half << 1) - 1);
        kept = sh == 128 ? 0 : sig >> sh;
        rem_nonzero = rem != 0;
        cmp = rem < half ? -1 : rem == half ? 0 : 1;
    }
    *inexact = rem_nonzero;
    if (!rem_nonzero)
        return kept;
    bool up;
    switch (rm) {
    case FPU_RNE: up = cmp > 0 || (cmp == 0 && (kept & 1)); break;
    case FPU_RTZ: up = false; break;
    case FPU_RDN: up = sign; break;
    case FPU_RUP: up = !sign; break;
    default: up = cmp >= 0; break; /* RMM */
    }
    return kept + up;
}

/* Round (-1)^sign x sig x 2^exp (sig nonzero; a set bit 0 may stand for a sticky remainder
 * when sig has at least two bits more than the format's precision) to format f. */
static uint64_t round_pack(bool sign, int exp, u128 sig, unsigned rm, unsigned *fl, struct fmt f)
{
    if (!sig)
        return pack_zero(sign, f);
    int p = f.fbits + 1, emin = f_emin(f), emax = f_bias(f);
    int top = msb128(sig);
    int e = exp + top; /* value is in [2^e, 2^(e+1)) */
    bool inexact;
    if (e >= emin) {
        u128 m = shift_round(sig, top - f.fbits, sign, rm, &inexact);
        if (m >> p) {
            m >>= 1;
            e++;
        }
        if (e > emax) {
            *fl |= FPU_OF | FPU_NX;
            bool to_inf = rm == FPU_RNE || rm == FPU_RMM || (rm == FPU_RUP && !sign) ||
                          (rm == FPU_RDN && sign);
            return to_inf ? pack_inf(sign, f) : pack_inf(sign, f) - 1;
        }
        if (inexact)
            *fl |= FPU_NX;
        return sign_bit(sign, f) | ((uint64_t)(e + f_bias(f)) << f.fbits) |
               ((uint64_t)m & f_fmask(f));
    }
    /* Subnormal range: the last kept bit weighs 2^(emin - fbits). A carry out of the
     * fraction lands in the exponent field and gives the smallest normal, as it should. */
    u128 m = shift_round(sig, (emin - f.fbits) - exp, sign, rm, &inexact);
    if (inexact) {
        /* Tiny after rounding: the result rounded to p bits with an unbounded exponent
         * would still be below 2^emin. Only e == emin - 1 can round up out of tininess. */
        bool tiny = true;
        if (e == emin - 1) {
            bool unused;
            tiny = !(shift_round(sig, top - f.fbits, sign, rm, &unused) >> p);
        }
        *fl |= FPU_NX | (tiny ? FPU_UF : 0);
    }
    return sign_bit(sign, f) | (uint64_t)m;
}

/* NaN operands: the canonical NaN, NV if any is signalling. */
static uint64_t nan_result(struct unp a, struct unp b, unsigned *fl, struct fmt f)
{
    if (a.cls == C_SNAN || b.cls == C_SNAN)
        *fl |= FPU_NV;
    return canonical_nan(f);
}

static uint64_t invalid(unsigned *fl, struct fmt f)
{
    *fl |= FPU_NV;
    return canonical_nan(f);
}

/* Sum of two nonzero finite values given exactly (sig up to 126 bits). */
static uint64_t add_core(bool sa, int ea, u128 ma, bool sb, int eb, u128 mb, unsigned rm,
                         unsigned *fl, struct fmt f)
{
    /* Normalise both to bit 125: two bits of headroom for the carry, and 70+ guard bits
     * below the rounding position, so jamming the smaller addend is exact enough. */
    int sh = 125 - msb128(ma);
    ma <<= sh, ea -= sh;
    sh = 125 - msb128(mb);
    mb <<= sh, eb -= sh;
    if (ea < eb || (ea == eb && ma < mb)) {
        bool ts = sa;
        sa = sb, sb = ts;
        int te = ea;
        ea = eb, eb = te;
        u128 tm = ma;
        ma = mb, mb = tm;
    }
    mb = shift_jam(mb, ea - eb);
    u128 s = sa == sb ? ma + mb : ma - mb;
    if (!s) /* exact cancellation: +0, or -0 when rounding down (IEEE 754 6.3) */
        return pack_zero(rm == FPU_RDN, f);
    return round_pack(sa, ea, s, rm, fl, f);
}

static uint64_t g_add(uint64_t a, uint64_t b, bool negb, unsigned rm, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    y.sign ^= negb;
    if (is_nan(x) || is_nan(y))
        return nan_result(x, y, fl, f);
    if (x.cls == C_INF) {
        if (y.cls == C_INF && x.sign != y.sign)
            return invalid(fl, f);
        return pack_inf(x.sign, f);
    }
    if (y.cls == C_INF)
        return pack_inf(y.sign, f);
    if (x.cls == C_ZERO && y.cls == C_ZERO)
        return pack_zero(x.sign == y.sign ? x.sign : rm == FPU_RDN, f);
    if (x.cls == C_ZERO)
        return b ^ sign_bit(negb, f);
    if (y.cls == C_ZERO)
        return a;
    return add_core(x.sign, x.exp, x.sig, y.sign, y.exp, y.sig, rm, fl, f);
}

static uint64_t g_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    bool s = x.sign ^ y.sign;
    if (is_nan(x) || is_nan(y))
        return nan_result(x, y, fl, f);
    if (x.cls == C_INF || y.cls == C_INF) {
        if (x.cls == C_ZERO || y.cls == C_ZERO)
            return invalid(fl, f);
        return pack_inf(s, f);
    }
    if (x.cls == C_ZERO || y.cls == C_ZERO)
        return pack_zero(s, f);
    return round_pack(s, x.exp + y.exp, (u128)x.sig * y.sig, rm, fl, f);
}

static uint64_t g_fma(uint64_t a, uint64_t b, uint64_t c, unsigned neg, unsigned rm, unsigned *fl,
                      struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f), z = unpack(c, f);
    bool ps = x.sign ^ y.sign ^ ((neg & FPU_NEG_PROD) != 0);
    bool zs = z.sign ^ ((neg & FPU_NEG_C) != 0);
    bool inf_zero = (x.cls == C_INF && y.cls == C_ZERO) || (x.cls == C_ZERO && y.cls == C_INF);
    if (is_nan(x) || is_nan(y) || is_nan(z)) {
        /* 0 x inf is invalid even with a quiet NaN addend (Unprivileged ISA 11.6). */
        if (inf_zero || x.cls == C_SNAN || y.cls == C_SNAN || z.cls == C_SNAN)
            *fl |= FPU_NV;
        return canonical_nan(f);
    }
    if (inf_zero)
        return invalid(fl, f);
    if (x.cls == C_INF || y.cls == C_INF) {
        if (z.cls == C_INF && zs != ps)
            return invalid(fl, f);
        return pack_inf(ps, f);
    }
    if (z.cls == C_INF)
        return pack_inf(zs, f);
    if (x.cls == C_ZERO || y.cls == C_ZERO) {
        if (z.cls == C_ZERO)
            return pack_zero(ps == zs ? ps : rm == FPU_RDN, f);
        return c ^ sign_bit((neg & FPU_NEG_C) != 0, f);
    }
    u128 prod = (u128)x.sig * y.sig;
    if (z.cls == C_ZERO)
        return round_pack(ps, x.exp + y.exp, prod, rm, fl, f);
    return add_core(ps, x.exp + y.exp, prod, zs, z.exp, z.sig, rm, fl, f);
}

/* Shift a nonzero finite significand so its top bit is bit 63. */
static void normalise64(struct unp *u)
{
    int sh = 63 - msb128(u->sig);
    u->sig <<= sh;
    u->exp -= sh;
}

static uint64_t g_div(uint64_t a, uint64_t b, unsigned rm, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    bool s = x.sign ^ y.sign;
    if (is_nan(x) || is_nan(y))
        return nan_result(x, y, fl, f);
    if (x.cls == C_INF)
        return y.cls == C_INF ? invalid(fl, f) : pack_inf(s, f);
    if (y.cls == C_INF)
        return pack_zero(s, f);
    if (y.cls == C_ZERO) {
        if (x.cls == C_ZERO)
            return invalid(fl, f);
        *fl |= FPU_DZ;
        return pack_inf(s, f);
    }
    if (x.cls == C_ZERO)
        return pack_zero(s, f);
    normalise64(&x);
    normalise64(&y);
    u128 num = (u128)x.sig << 64;
    u128 q = num / y.sig;
    if (num % y.sig)
        q |= 1; /* q has 64 or 65 bits: bit 0 is far below the rounding position */
    return round_pack(s, x.exp - y.exp - 64, q, rm, fl, f);
}

/* Integer square root of r, and whether it was exact. */
static u128 isqrt128(u128 r, bool *exact)
{
    u128 res = 0, one = (u128)1 << 126;
    while (one > r)
        one >>= 2;
    while (one) {
        if (r >= res + one) {
            r -= res + one;
            res = (res >> 1) + one;
        } else {
            res >>= 1;
        }
        one >>= 2;
    }
    *exact = r == 0;
    return res;
}

static uint64_t g_sqrt(uint64_t a, unsigned rm, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f);
    if (is_nan(x))
        return nan_result(x, x, fl, f);
    if (x.cls == C_ZERO)
        return a;
    if (x.sign)
        return invalid(fl, f);
    if (x.cls == C_INF)
        return a;
    normalise64(&x);
    /* Make the exponent even; the radicand keeps 127 or 128 bits, so the root has 63+ bits
     * and its sticky bit is far below the rounding position. */
    int k = (x.exp & 1) ? 63 : 64;
    bool exact;
    u128 root = isqrt128((u128)x.sig << k, &exact);
    if (!exact)
        root |= 1;
    return round_pack(false, (x.exp - k) / 2, root, rm, fl, f);
}

/* Total order of two non-NaN values with -0 < +0. */
static bool order_lt(uint64_t a, uint64_t b, struct fmt f)
{
    bool sa = (a >> f_signpos(f)) & 1, sb = (b >> f_signpos(f)) & 1;
    if (sa != sb)
        return sa;
    return sa ? a > b : a < b;
}

static bool both_zero(uint64_t a, uint64_t b, struct fmt f)
{
    uint64_t mag = sign_bit(1, f) - 1;
    return !(a & mag) && !(b & mag);
}

static uint64_t g_minmax(uint64_t a, uint64_t b, bool max, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    if (x.cls == C_SNAN || y.cls == C_SNAN)
        *fl |= FPU_NV;
    if (is_nan(x) && is_nan(y))
        return canonical_nan(f);
    if (is_nan(x))
        return b;
    if (is_nan(y))
        return a;
    return order_lt(a, b, f) != max ? a : b;
}

static bool g_eq(uint64_t a, uint64_t b, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    if (is_nan(x) || is_nan(y)) {
        if (x.cls == C_SNAN || y.cls == C_SNAN)
            *fl |= FPU_NV;
        return false;
    }
    return a == b || both_zero(a, b, f);
}

static bool g_lt(uint64_t a, uint64_t b, bool or_eq, unsigned *fl, struct fmt f)
{
    struct unp x = unpack(a, f), y = unpack(b, f);
    if (is_nan(x) || is_nan(y)) {
        *fl |= FPU_NV;
        return false;
    }
    if (a == b || both_zero(a, b, f))
        return or_eq ;
    return order_lt(a, b, f);
}

static unsigned g_classify(uint64_t a, struct fmt f)
{
    struct unp x = unpack(a, f);
    switch (x.cls) {
    case C_INF: return x.sign ? 1u << 0 : 1u << 7;
    case C_ZERO: return x.sign ? 1u << 3 : 1u << 4;
    case C_SNAN: return 1u << 8;
    case C_QNAN: return 1u << 9;
    default: break;
    }
    bool sub = !((a >> f.fbits) & f_emask(f));
    if (x.sign)
        return sub ? 1u << 2 : 1u << 1;
    return sub ? 1u << 5 : 1u << 6;
}

/* Float to a `bits`-wide integer, saturating; the result as a 64-bit pattern (32-bit
 * results sign-extended). */
static uint64_t g_to_int(uint64_t a, bool is_signed, int bits, unsigned rm, unsigned *fl,
                         struct fmt f)
{
    struct unp x = unpack(a, f);
    uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t pos_max = is_signed ? umax >> 1 : umax;
    uint64_t neg_max = is_signed ? pos_max + 1 : 0; /* magnitude of the most negative */
    uint64_t res;
    if (is_nan(x) || (x.cls == C_INF && !x.sign)) {
        *fl |= FPU_NV;
        res = pos_max;
    } else if (x.cls == C_INF) {
        *fl |= FPU_NV;
        res = -neg_max;
    } else if (x.cls == C_ZERO) {
        res = 0;
    } else {
        bool inexact = false, over = false;
        uint64_t mag = 0;
        if (x.exp >= 0) {
            if (msb128(x.sig) + x.exp >= 64)
                over = true;
            else
                mag = x.sig << x.exp;
        } else {
            mag = (uint64_t)shift_round(x.sig, -x.exp, x.sign, rm, &inexact);
        }
        if (!over && (x.sign ? mag > neg_max : mag > pos_max))
            over = true;
        if (over) {
            *fl |= FPU_NV;
            res = x.sign ? -neg_max : pos_max;
        } else {
            if (inexact)
                *fl |= FPU_NX;
            res = x.sign ? -mag : mag;
        }
    }
    if (bits == 32)
        res = (uint64_t)(int64_t)(int32_t)(uint32_t)res;
    return res;
}

static uint64_t g_from_int(uint64_t mag, bool sign, unsigned rm, unsigned *fl, struct fmt f)
{
    return round_pack(sign, 0, mag, rm, fl, f);
}

/* Conversion between formats: exact or rounded, NaNs canonical. */
static uint64_t g_convert(uint64_t a, struct fmt from, struct fmt to, unsigned rm, unsigned *fl)
{
    struct unp x = unpack(a, from);
    if (is_nan(x))
        return nan_result(x, x, fl, to);
    if (x.cls == C_INF)
        return pack_inf(x.sign, to);
    if (x.cls == C_ZERO)
        return pack_zero(x.sign, to);
    return round_pack(x.sign, x.exp, x.sig, rm, fl, to);
}

/* The public entry points. */
uint32_t f32_add(uint32_t a, uint32_t b, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_add(a, b, false, rm, fl, FMT32);
}
uint32_t f32_sub(uint32_t a, uint32_t b, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_add(a, b, true, rm, fl, FMT32);
}
uint32_t f32_mul(uint32_t a, uint32_t b, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_mul(a, b, rm, fl, FMT32);
}
uint32_t f32_div(uint32_t a, uint32_t b, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_div(a, b, rm, fl, FMT32);
}
uint32_t f32_sqrt(uint32_t a, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_sqrt(a, rm, fl, FMT32);
}
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, unsigned neg, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_fma(a, b, c, neg, rm, fl, FMT32);
}
uint32_t f32_min(uint32_t a, uint32_t b, unsigned *fl)
{
    return (uint32_t)g_minmax(a, b, false, fl, FMT32);
}
uint32_t f32_max(uint32_t a, uint32_t b, unsigned *fl)
{
    return (uint32_t)g_minmax(a, b, true, fl, FMT32);
}
bool f32_eq(uint32_t a, uint32_t b, unsigned *fl)
{
    return g_eq(a, b, fl, FMT32);
}
bool f32_lt(uint32_t a, uint32_t b, unsigned *fl)
{
    return g_lt(a, b, false, fl, FMT32);
}
bool f32_le(uint32_t a, uint32_t b, unsigned *fl)
{
    return g_lt(a, b, true, fl, FMT32);
}
unsigned f32_classify(uint32_t a)
{
    return g_classify(a, FMT32);
}

/* The host's binary64 arithmetic (SSE2 on x86-64, IEEE 754 round-to-nearest-even, which
 * hartlab never changes) gives the same bits as the path above for normal operands and a
 * normal result, and such an operation can raise no flag but NX. So when the rounding mode
 * is RNE and the caller says NX is set already (it passes fflags' NX in *fl), the host
 * computes it; everything else (subnormals, zeros where they matter, infinities, NaNs, other
 * rounding modes, a first inexact result) takes the exact path. */
static inline double f64_host(uint64_t v)
{
    double d;
    memcpy(&d, &v, 8);
    return d;
}
static inline uint64_t f64_bits(double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    return v;
}
static inline bool f64_normal(uint64_t v)
{
    uint64_t e = (v >> 52) & 0x7ff;
    return e != 0 && e != 0x7ff;
}
#define F64_FAST(rm, fl) ((rm) == FPU_RNE && (*(fl)&FPU_NX))

uint64_t f64_add(uint64_t a, uint64_t b, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && f64_normal(b)) {
        uint64_t r = f64_bits(f64_host(a) + f64_host(b));
        if (f64_normal(r) || (r << 1) == 0) /* an exact cancellation gives +0 both ways */
            return r;
    }
    return g_add(a, b, false, rm, fl, FMT64);
}
uint64_t f64_sub(uint64_t a, uint64_t b, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && f64_normal(b)) {
        uint64_t r = f64_bits(f64_host(a) - f64_host(b));
        if (f64_normal(r) || (r << 1) == 0)
            return r;
    }
    return g_add(a, b, true, rm, fl, FMT64);
}
uint64_t f64_mul(uint64_t a, uint64_t b, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && f64_normal(b)) {
        uint64_t r = f64_bits(f64_host(a) * f64_host(b));
        if (f64_normal(r))
            return r;
    }
    return g_mul(a, b, rm, fl, FMT64);
}
uint64_t f64_div(uint64_t a, uint64_t b, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && f64_normal(b)) {
        uint64_t r = f64_bits(f64_host(a) / f64_host(b));
        if (f64_normal(r))
            return r;
    }
    return g_div(a, b, rm, fl, FMT64);
}
uint64_t f64_sqrt(uint64_t a, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && !(a >> 63))
        return f64_bits(__builtin_sqrt(f64_host(a))); /* the root of a normal is normal */
    return g_sqrt(a, rm, fl, FMT64);
}
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, unsigned neg, unsigned rm, unsigned *fl)
{
    if (F64_FAST(rm, fl) && f64_normal(a) && f64_normal(b) && f64_normal(c)) {
        double x = f64_host(a), z = f64_host(c);
        if (neg & FPU_NEG_PROD)
            x = -x;
        if (neg & FPU_NEG_C)
            z = -z;
        uint64_t r = f64_bits(__builtin_fma(x, f64_host(b), z));
        if (f64_normal(r))
            return r;
    }
    return g_fma(a, b, c, neg, rm, fl, FMT64);
}
uint64_t f64_min(uint64_t a, uint64_t b, unsigned *fl)
{
    return g_minmax(a, b, false, fl, FMT64);
}
uint64_t f64_max(uint64_t a, uint64_t b, unsigned *fl)
{
    return g_minmax(a, b, true, fl, FMT64);
}
bool f64_eq(uint64_t a, uint64_t b, unsigned *fl)
{
    return g_eq(a, b, fl, FMT64);
}
bool f64_lt(uint64_t a, uint64_t b, unsigned *fl)
{
    return g_lt(a, b, false, fl, FMT64);
}
bool f64_le(uint64_t a, uint64_t b, unsigned *fl)
{
    return g_lt(a, b, true, fl, FMT64);
}
unsigned f64_classify(uint64_t a)
{
    return g_classify(a, FMT64);
}

uint32_t f64_to_f32(uint64_t a, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_convert(a, FMT64, FMT32, rm, fl);
}
uint64_t f32_to_f64(uint32_t a, unsigned *fl)
{
    return g_convert(a, FMT32, FMT64, FPU_RNE, fl);
}

int64_t f32_to_i32(uint32_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, true, 32, rm, fl, FMT32);
}
int64_t f32_to_u32(uint32_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, false, 32, rm, fl, FMT32);
}
int64_t f32_to_i64(uint32_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, true, 64, rm, fl, FMT32);
}
uint64_t f32_to_u64(uint32_t a, unsigned rm, unsigned *fl)
{
    return g_to_int(a, false, 64, rm, fl, FMT32);
}
int64_t f64_to_i32(uint64_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, true, 32, rm, fl, FMT64);
}
int64_t f64_to_u32(uint64_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, false, 32, rm, fl, FMT64);
}
int64_t f64_to_i64(uint64_t a, unsigned rm, unsigned *fl)
{
    return (int64_t)g_to_int(a, true, 64, rm, fl, FMT64);
}
uint64_t f64_to_u64(uint64_t a, unsigned rm, unsigned *fl)
{
    return g_to_int(a, false, 64, rm, fl, FMT64);
}

uint32_t i64_to_f32(int64_t v, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_from_int(v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, rm, fl, FMT32);
}
uint32_t u64_to_f32(uint64_t v, unsigned rm, unsigned *fl)
{
    return (uint32_t)g_from_int(v, false, rm, fl, FMT32);
}
uint64_t i64_to_f64(int64_t v, unsigned rm, unsigned *fl)
{
    return g_from_int(v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, rm, fl, FMT64);
}
uint64_t u64_to_f64(uint64_t v, unsigned rm, unsigned *fl)
{
    return g_from_int(v, false, rm, fl, FMT64);
}
