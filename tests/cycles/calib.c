/* calib.c: the calibration harness (tests/cycles/README.md). For every kernel it reads
 * minstret and mcycle (Zicsr counters, RISC-V Privileged Architecture 3.1.11) just before
 * and just after the kernel's call, and prints one line
 *     NAME cycles C insns I sink S
 * through the byte-output register at 0x20000 (Ibex simple_system's character output;
 * an NS16550A's THR on hartlab's ibex-simple.dts). The run ends through the halt
 * register at 0x20008 (Ibex's simulator control; the SiFive test finisher on hartlab).
 * Kernels run twice and the second run is reported, so no first-touch effect counts. */
#include "calib.h"

#define OUT_REG  ((volatile uint32_t *)0x20000)
#define HALT_REG ((volatile uint32_t *)0x20008)

volatile uint32_t calib_sink;

static void put_char(char c)
{
    *OUT_REG = (uint8_t)c;
}

static void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_dec(uint32_t v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put_char(buf[--n]);
}

static void put_hex(uint32_t v)
{
    for (int i = 28; i >= 0; i -= 4)
        put_char("0123456789abcdef"[(v >> i) & 15]);
}

void calib_exit(int code)
{
    *HALT_REG = code ? ((uint32_t)code << 16) | 0x3333u : 0x5555u;
    for (;;)
        __asm__ volatile("wfi");
}

void calib_trap(uint32_t cause, uint32_t epc)
{
    put_str("unexpected trap: mcause 0x");
    put_hex(cause);
    put_str(" mepc 0x");
    put_hex(epc);
    put_char('\n');
    calib_exit(3);
}

struct kernel {
    const char *name;
    void (*fn)(void);
};

static const struct kernel kernels[] = {
    { "alu_chain", k_alu_chain },
    { "alu_indep", k_alu_indep },
    { "load_use", k_load_use },
    { "store_burst", k_store_burst },
    { "mul", k_mul },
    { "mulh", k_mulh },
    { "div", k_div },
    { "div_zero", k_div_zero },
    { "jumps", k_jumps },
    { "misaligned_fetch", k_misaligned_fetch },
    { "misaligned_data", k_misaligned_data },
    { "csr", k_csr },
    { "ecall", k_ecall },
    { "compressed", k_compressed },
    { "pointer_chase", k_pointer_chase },
    { "branches", k_branches },
    { "calls", k_calls },
    { "memcpy_words", k_memcpy_words },
    { "memcpy_bytes", k_memcpy_bytes },
    { "bubble_sort", k_bubble_sort },
    { "crc32", k_crc32 },
    { "coremark_like", k_coremark_like },
};

/* Not inlined, so that the code around every kernel is the same. */
static __attribute__((noinline)) void measure(const struct kernel *k, uint32_t out[2])
{
    uint32_t c0, i0, c1, i1;
    void (*fn)(void) = k->fn;
    __asm__ volatile("csrr %0, minstret\n\tcsrr %1, mcycle" : "=r"(i0), "=r"(c0));
    fn();
    __asm__ volatile("csrr %0, mcycle\n\tcsrr %1, minstret" : "=r"(c1), "=r"(i1));
    out[0] = c1 - c0;
    out[1] = i1 - i0;
}

int main(void)
{
    for (unsigned i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        uint32_t r[2];
        calib_sink = 0;
        measure(&kernels[i], r);
        calib_sink = 0;
        measure(&kernels[i], r);
        put_str(kernels[i].name);
        put_str(" cycles ");
        put_dec(r[0]);
        put_str(" insns ");
        put_dec(r[1]);
        put_str(" sink ");
        put_hex(calib_sink);
        put_char('\n');
    }
    return 0;
}
