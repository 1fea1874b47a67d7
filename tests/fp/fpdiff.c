/* Guest side of the F/D differential test (fpdiff.py): a freestanding RV32/RV64 program that
 * draws COUNT random operations from a xorshift generator seeded with SEED, executes each
 * with every operand as a raw bit pattern (singles NaN-boxed, now and then improperly), in a
 * static rounding mode or DYN with a random frm, and prints one line per operation through
 * semihosting SYS_WRITE0: mnemonic, rm, frm, operands, result and fflags. The same ELF runs
 * on QEMU and on hartlab; the host compares the lines. Operands lean towards the values
 * IEEE 754 treats specially: zeros, subnormals, the normal range's ends, infinities, quiet
 * and signalling NaNs, integer-conversion boundaries, and operands close to each other (for
 * cancellation in add and fused multiply-add).
 */
#include <stdint.h>

#ifndef SEED
#define SEED 1
#endif
#ifndef COUNT
#define COUNT 1000
#endif

#if __riscv_xlen == 64
typedef uint64_t uxlen;
#else
typedef uint32_t uxlen;
#endif

__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  la sp, stack_top\n"
        "  li t0, 0x6000\n" /* mstatus.FS = Dirty: the FPU is Off after reset */
        "  csrs mstatus, t0\n"
        "  call main\n"
        "1: j 1b\n"
        ".bss\n"
        ".balign 16\n"
        ".space 8192\n"
        "stack_top:\n"
        ".text\n");

static uint64_t rng = SEED * 0x9e3779b97f4a7c15ull + 1;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void semihost(uxlen op, const void *arg)
{
    register uxlen a0 __asm__("a0") = op;
    register const void *a1 __asm__("a1") = arg;
    __asm__ volatile(".option push\n.option norvc\n"
                     ".balign 16\n"
                     "slli x0, x0, 0x1f\n"
                     "ebreak\n"
                     "srai x0, x0, 7\n"
                     ".option pop\n"
                     : "+r"(a0)
                     : "r"(a1)
                     : "memory");
}

static char obuf[4096];
static unsigned olen;
static void flush(void)
{
    obuf[olen] = 0;
    semihost(0x04, obuf); /* SYS_WRITE0 */
    olen = 0;
}
static void puts_(const char *s)
{
    while (*s) {
        if (olen >= sizeof obuf - 1)
            flush();
        obuf[olen++] = *s++;
    }
}
static void hex(uint64_t v, int digits)
{
    char t[17];
    for (int i = digits - 1; i >= 0; i--, v >>= 4)
        t[i] = "0123456789abcdef"[v & 15];
    t[digits] = 0;
    puts_(t);
}

static const uint32_t s_special[] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000,
    0x7f800001, 0xff800001, 0x7fffffff, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
    0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3f000000,
    0xbf000000, 0x3fc00000, 0x40200000, 0xbfc00000, 0x4effffff, 0x4f000000, 0xcf000000,
    0xcf000001, 0x4f7fffff, 0x4f800000, 0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001,
    0x5f7fffff, 0x5f800000, 0x3f7fffff, 0x00400000, 0x34000000, 0x4b000000, 0x4b7fffff,
};
static const uint64_t d_special[] = {
    0x0000000000000000, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
    0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000000, 0x7ff0000000000001,
    0xfff0000000000001, 0x7fffffffffffffff, 0x0000000000000001, 0x8000000000000001,
    0x000fffffffffffff, 0x800fffffffffffff, 0x0010000000000000, 0x8010000000000000,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fe0000000000000, 0xbfe0000000000000, 0x3ff8000000000000, 0x4004000000000000,
    0x41dfffffffc00000, 0x41dfffffffe00000, 0x41e0000000000000, 0xc1e0000000000000,
    0xc1e0000000200000, 0xc1e0000000100000, 0x41efffffffe00000, 0x41effffffff00000,
    0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000, 0xc3e0000000000000,
    0xc3e0000000000001, 0x43efffffffffffff, 0x43f0000000000000, 0x3fefffffffffffff,
    0x0008000000000000, 0x3ca0000000000000, 0x4330000000000000, 0x36a0000000000000,
    0x47efffffe0000000, 0x47effffff0000000, 0x3810000000000000, 0x380fffffffffffff,
};
static const uint64_t i_special[] = {
    0,
    1,
    (uint64_t)-1,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffffffff80000000ull,
    0x1000001,
    0xffffff,
    0x20000000000001ull,
    0x1fffffffffffffull,
    0xfffffffffffff800ull,
    0x7ffffffffffffc00ull,
    0x7ffffffffffffdffull,
};
#define N(a) (sizeof a / sizeof a[0])

/* A single operand: special, random, near 1.0, subnormal, near `near`, or huge/tiny. */
static uint32_t gen_s(uint32_t near)
{
    uint32_t r = (uint32_t)rnd();
    switch (rnd() % 8) {
    case 0:
    case 1: return s_special[rnd() % N(s_special)];
    case 2: return r;
    case 3: return (r & 0x807fffff) | ((uint32_t)(127 - 24 + rnd() % 48) << 23);
    case 4: return r & 0x807fffff;
    case 5: return (near ^ (r & 0x1f)) ^ ((rnd() & 1) << 31);
    case 6: return (near & 0xff800000) ^ (r & 0x807fffff) ^ (uint32_t)((rnd() % 3) << 23);
    default:
        return (r & 0x807fffff) | ((uint32_t)(rnd() & 1 ? rnd() % 24 : 230 + rnd() % 25) << 23);
    }
}
static uint64_t gen_d(uint64_t near)
{
    uint64_t r = rnd();
    switch (rnd() % 8) {
    case 0:
    case 1: return d_special[rnd() % N(d_special)];
    case 2: return r;
    case 3: return (r & 0x800fffffffffffffull) | ((1023 - 60 + rnd() % 120) << 52);
    case 4: return r & 0x800fffffffffffffull;
    case 5: return (near ^ (r & 0x3f)) ^ ((rnd() & 1) << 63);
    case 6:
        return (near & 0xfff0000000000000ull) ^ (r & 0x800fffffffffffffull) ^ ((rnd() % 3) << 52);
    default:
        return (r & 0x800fffffffffffffull) | ((rnd() & 1 ? rnd() % 60 : 1990 + rnd() % 57) << 52);
    }
}
/* A single in a 64-bit register: NaN-boxed, once in 32 times not. */
static uint64_t box(uint32_t v)
{
    if (rnd() % 32 == 0)
        return (rnd() << 32) | v;
    return 0xffffffff00000000ull | v;
}
static uint64_t gen_i(void)
{
    switch (rnd() % 4) {
    case 0: return i_special[rnd() % N(i_special)];
    case 1: return rnd() >> (rnd() % 64);
    case 2: return -(rnd() >> (rnd() % 64));
    default: return rnd();
    }
}

static uint64_t in[3], out;
static uxlen xres;

/* One instruction with f operands in ft0..ft2 and an f result in ft3. */
#define FF(insn)                                                                                   \
    __asm__ volatile("fld ft0,0(%1)\n fld ft1,8(%1)\n fld ft2,16(%1)\n csrw fflags,zero\n" insn    \
                     "\n fsd ft3,0(%2)\n csrr %0,fflags"                                           \
                     : "=r"(fl)                                                                    \
                     : "r"(in), "r"(&out)                                                          \
                     : "memory", "ft0", "ft1", "ft2", "ft3")
/* f operands, x result in t3. */
#define FX(insn)                                                                                   \
    __asm__ volatile("fld ft0,0(%2)\n fld ft1,8(%2)\n csrw fflags,zero\n" insn                     \
                     "\n mv %1,t3\n csrr %0,fflags"                                                \
                     : "=r"(fl), "=r"(xres)                                                        \
                     : "r"(in)                                                                     \
                     : "memory", "ft0", "ft1", "t3")
/* x operand in t3, f result in ft3. */
#define XF(insn)                                                                                   \
    __asm__ volatile("mv t3,%1\n csrw fflags,zero\n" insn "\n fsd ft3,0(%2)\n csrr %0,fflags"      \
                     : "=r"(fl)                                                                    \
                     : "r"((uxlen)in[0]), "r"(&out)                                                \
                     : "memory", "t3", "ft3")

/* Expand an instruction-string macro once per rounding mode. */
#define RMSW(M)                                                                                    \
    switch (rmsel) {                                                                               \
    case 0: M("rne"); break;                                                                       \
    case 1: M("rtz"); break;                                                                       \
    case 2: M("rdn"); break;                                                                       \
    case 3: M("rup"); break;                                                                       \
    case 4: M("rmm"); break;                                                                       \
    default: M("dyn"); break;                                                                      \
    }

enum kind { K_S, K_D, K_I }; /* operand kind: single, double, integer */

struct op {
    const char *name;
    unsigned char nsrc, src, dst; /* dst: K_S/K_D f result, K_I x result */
    unsigned char rm;             /* has a rounding mode */
};

static const struct op ops[] = {
    { "fadd.s", 2, K_S, K_S, 1 },    { "fsub.s", 2, K_S, K_S, 1 },
    { "fmul.s", 2, K_S, K_S, 1 },    { "fdiv.s", 2, K_S, K_S, 1 },
    { "fsqrt.s", 1, K_S, K_S, 1 },   { "fmadd.s", 3, K_S, K_S, 1 },
    { "fmsub.s", 3, K_S, K_S, 1 },   { "fnmsub.s", 3, K_S, K_S, 1 },
    { "fnmadd.s", 3, K_S, K_S, 1 },  { "fsgnj.s", 2, K_S, K_S, 0 },
    { "fsgnjn.s", 2, K_S, K_S, 0 },  { "fsgnjx.s", 2, K_S, K_S, 0 },
    { "fmin.s", 2, K_S, K_S, 0 },    { "fmax.s", 2, K_S, K_S, 0 },
    { "feq.s", 2, K_S, K_I, 0 },     { "flt.s", 2, K_S, K_I, 0 },
    { "fle.s", 2, K_S, K_I, 0 },     { "fclass.s", 1, K_S, K_I, 0 },
    { "fmv.x.w", 1, K_S, K_I, 0 },   { "fcvt.w.s", 1, K_S, K_I, 1 },
    { "fcvt.wu.s", 1, K_S, K_I, 1 }, { "fcvt.s.w", 1, K_I, K_S, 1 },
    { "fcvt.s.wu", 1, K_I, K_S, 1 }, { "fmv.w.x", 1, K_I, K_S, 0 },
    { "fadd.d", 2, K_D, K_D, 1 },    { "fsub.d", 2, K_D, K_D, 1 },
    { "fmul.d", 2, K_D, K_D, 1 },    { "fdiv.d", 2, K_D, K_D, 1 },
    { "fsqrt.d", 1, K_D, K_D, 1 },   { "fmadd.d", 3, K_D, K_D, 1 },
    { "fmsub.d", 3, K_D, K_D, 1 },   { "fnmsub.d", 3, K_D, K_D, 1 },
    { "fnmadd.d", 3, K_D, K_D, 1 },  { "fsgnj.d", 2, K_D, K_D, 0 },
    { "fsgnjn.d", 2, K_D, K_D, 0 },  { "fsgnjx.d", 2, K_D, K_D, 0 },
    { "fmin.d", 2, K_D, K_D, 0 },    { "fmax.d", 2, K_D, K_D, 0 },
    { "feq.d", 2, K_D, K_I, 0 },     { "flt.d", 2, K_D, K_I, 0 },
    { "fle.d", 2, K_D, K_I, 0 },     { "fclass.d", 1, K_D, K_I, 0 },
    { "fcvt.w.d", 1, K_D, K_I, 1 },  { "fcvt.wu.d", 1, K_D, K_I, 1 },
    { "fcvt.d.w", 1, K_I, K_D, 0 },  { "fcvt.d.wu", 1, K_I, K_D, 0 },
    { "fcvt.s.d", 1, K_D, K_S, 1 },  { "fcvt.d.s", 1, K_S, K_D, 0 },
#if __riscv_xlen == 64
    { "fcvt.l.s", 1, K_S, K_I, 1 },  { "fcvt.lu.s", 1, K_S, K_I, 1 },
    { "fcvt.s.l", 1, K_I, K_S, 1 },  { "fcvt.s.lu", 1, K_I, K_S, 1 },
    { "fcvt.l.d", 1, K_D, K_I, 1 },  { "fcvt.lu.d", 1, K_D, K_I, 1 },
    { "fcvt.d.l", 1, K_I, K_D, 1 },  { "fcvt.d.lu", 1, K_I, K_D, 1 },
    { "fmv.x.d", 1, K_D, K_I, 0 },   { "fmv.d.x", 1, K_I, K_D, 0 },
#endif
};

/* Runs ops[k] (cases in the order of the table); returns fflags. */
static uxlen run(unsigned k, unsigned rmsel)
{
    uxlen fl = 0;
    switch (k) {
    case 0:
#define M(rm_) FF("fadd.s ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 1:
#define M(rm_) FF("fsub.s ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 2:
#define M(rm_) FF("fmul.s ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 3:
#define M(rm_) FF("fdiv.s ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 4:
#define M(rm_) FF("fsqrt.s ft3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 5:
#define M(rm_) FF("fmadd.s ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 6:
#define M(rm_) FF("fmsub.s ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 7:
#define M(rm_) FF("fnmsub.s ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 8:
#define M(rm_) FF("fnmadd.s ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 9: FF("fsgnj.s ft3,ft0,ft1"); break;
    case 10: FF("fsgnjn.s ft3,ft0,ft1"); break;
    case 11: FF("fsgnjx.s ft3,ft0,ft1"); break;
    case 12: FF("fmin.s ft3,ft0,ft1"); break;
    case 13: FF("fmax.s ft3,ft0,ft1"); break;
    case 14: FX("feq.s t3,ft0,ft1"); break;
    case 15: FX("flt.s t3,ft0,ft1"); break;
    case 16: FX("fle.s t3,ft0,ft1"); break;
    case 17: FX("fclass.s t3,ft0"); break;
    case 18: FX("fmv.x.w t3,ft0"); break;
    case 19:
#define M(rm_) FX("fcvt.w.s t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 20:
#define M(rm_) FX("fcvt.wu.s t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 21:
#define M(rm_) XF("fcvt.s.w ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 22:
#define M(rm_) XF("fcvt.s.wu ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 23: XF("fmv.w.x ft3,t3"); break;
    case 24:
#define M(rm_) FF("fadd.d ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 25:
#define M(rm_) FF("fsub.d ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 26:
#define M(rm_) FF("fmul.d ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 27:
#define M(rm_) FF("fdiv.d ft3,ft0,ft1," rm_)
        RMSW(M)
#undef M
        break;
    case 28:
#define M(rm_) FF("fsqrt.d ft3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 29:
#define M(rm_) FF("fmadd.d ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 30:
#define M(rm_) FF("fmsub.d ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 31:
#define M(rm_) FF("fnmsub.d ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 32:
#define M(rm_) FF("fnmadd.d ft3,ft0,ft1,ft2," rm_)
        RMSW(M)
#undef M
        break;
    case 33: FF("fsgnj.d ft3,ft0,ft1"); break;
    case 34: FF("fsgnjn.d ft3,ft0,ft1"); break;
    case 35: FF("fsgnjx.d ft3,ft0,ft1"); break;
    case 36: FF("fmin.d ft3,ft0,ft1"); break;
    case 37: FF("fmax.d ft3,ft0,ft1"); break;
    case 38: FX("feq.d t3,ft0,ft1"); break;
    case 39: FX("flt.d t3,ft0,ft1"); break;
    case 40: FX("fle.d t3,ft0,ft1"); break;
    case 41: FX("fclass.d t3,ft0"); break;
    case 42:
#define M(rm_) FX("fcvt.w.d t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 43:
#define M(rm_) FX("fcvt.wu.d t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 44: XF("fcvt.d.w ft3,t3"); break;
    case 45: XF("fcvt.d.wu ft3,t3"); break;
    case 46:
#define M(rm_) FF("fcvt.s.d ft3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 47: FF("fcvt.d.s ft3,ft0"); break;
#if __riscv_xlen == 64
    case 48:
#define M(rm_) FX("fcvt.l.s t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 49:
#define M(rm_) FX("fcvt.lu.s t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 50:
#define M(rm_) XF("fcvt.s.l ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 51:
#define M(rm_) XF("fcvt.s.lu ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 52:
#define M(rm_) FX("fcvt.l.d t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 53:
#define M(rm_) FX("fcvt.lu.d t3,ft0," rm_)
        RMSW(M)
#undef M
        break;
    case 54:
#define M(rm_) XF("fcvt.d.l ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 55:
#define M(rm_) XF("fcvt.d.lu ft3,t3," rm_)
        RMSW(M)
#undef M
        break;
    case 56: FX("fmv.x.d t3,ft0"); break;
    case 57: XF("fmv.d.x ft3,t3"); break;
#endif
    default: break;
    }
    return fl;
}

int main(void)
{
    for (unsigned long n = 0; n < COUNT; n++) {
        unsigned k = rnd() % N(ops);
        const struct op *o = &ops[k];
        unsigned rmsel = o->rm ? rnd() % 6 : 0;
        unsigned frm = rnd() % 5;
        __asm__ volatile("csrw frm, %0" ::"r"(frm));
        if (o->src == K_S) {
            uint32_t a = gen_s(0x3f800000), b = gen_s(a), c = gen_s(rnd() & 1 ? a : b);
            in[0] = box(a), in[1] = box(b), in[2] = box(c);
        } else if (o->src == K_D) {
            uint64_t a = gen_d(0x3ff0000000000000ull), b = gen_d(a), c = gen_d(rnd() & 1 ? a : b);
            in[0] = a, in[1] = b, in[2] = c;
        } else {
            in[0] = gen_i(), in[1] = in[2] = 0;
        }
        out = 0;
        xres = 0;
        uxlen fl = run(k, rmsel);
        static const char *const rmname[6] = { "rne", "rtz", "rdn", "rup", "rmm", "dyn" };
        puts_(o->name);
        puts_(" ");
        puts_(o->rm ? rmname[rmsel] : "-");
        puts_(" frm=");
        hex(frm, 1);
        for (unsigned j = 0; j < o->nsrc; j++) {
            puts_(" ");
            hex(in[j], 16);
        }
        puts_(" -> ");
        hex(o->dst == K_I ? (uint64_t)xres : out, 16);
        puts_(" fl=");
        hex(fl, 2);
        puts_("\n");
    }
    puts_("@done\n");
    flush();
    *(volatile uint32_t *)0x100000 = 0x5555;
    for (;;)
        ;
}
