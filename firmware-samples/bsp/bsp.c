/* bsp.c: the drivers declared in bsp.h, written from the PC16550D datasheet (divisor latch,
 * FCR, LSR.THRE polling), the RISC-V PLIC Specification 1.0.0 (priority, enable, threshold,
 * claim/complete) and the RISC-V Privileged Architecture 1.12 section 3.2.1 (mtime and
 * mtimecmp, and how RV32 writes a 64-bit mtimecmp). Printing never divides: decimal digits
 * come from subtracting powers of ten, so RV32 needs no libgcc helper for 64-bit values.
 */
#include "bsp.h"

#include <stdarg.h>

uint64_t read_mcycle(void)
{
#if __riscv_xlen == 32
    uint32_t hi, lo, hi2;
    do {
        hi = csr_read(mcycleh);
        lo = csr_read(mcycle);
        hi2 = csr_read(mcycleh);
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
#else
    return csr_read(mcycle);
#endif
}

void bsp_exit(int code)
{
    MMIO32(FINISHER_BASE) = code == 0 ? FINISHER_PASS : ((uint32_t)code << 16) | FINISHER_FAIL;
    for (;;)
        wfi();
}

/* ---- UART ---- */

void uart_init(void)
{
    unsigned divisor = UART0_CLOCK_HZ / (16u * UART_BAUD);
    uart_reg(UART_IER) = 0;
    uart_reg(UART_LCR) = UART_LCR_DLAB;
    uart_reg(UART_DLL) = (uint8_t)divisor;
    uart_reg(UART_DLM) = (uint8_t)(divisor >> 8);
    uart_reg(UART_LCR) = UART_LCR_8N1;
    /* 16450 mode (FIFOs off): enabling the FIFOs would flush a byte that arrived before
     * this ran, and a one-byte receiver is all the samples need. */
    uart_reg(UART_FCR) = 0;
    uart_reg(UART_MCR) = 0;
}

void uart_putc(char c)
{
    while (!(uart_reg(UART_LSR) & UART_LSR_THRE))
        ;
    uart_reg(UART_THR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void put_padded(const char *digits, unsigned n, unsigned width, char pad, bool negative)
{
    unsigned len = n + (negative ? 1u : 0u);
    if (negative && pad == '0')
        uart_putc('-');
    for (; len < width; len++)
        uart_putc(pad);
    if (negative && pad != '0')
        uart_putc('-');
    while (n)
        uart_putc(digits[--n]);
}

static void put_unsigned(uint64_t v, unsigned base, unsigned width, char pad, bool negative)
{
    static const uint64_t pow10[] = {
        10000000000000000000ull,
        1000000000000000000ull,
        100000000000000000ull,
        10000000000000000ull,
        1000000000000000ull,
        100000000000000ull,
        10000000000000ull,
        1000000000000ull,
        100000000000ull,
        10000000000ull,
        1000000000ull,
        100000000ull,
        10000000ull,
        1000000ull,
        100000ull,
        10000ull,
        1000ull,
        100ull,
        10ull,
        1ull,
    };
    char rev[24]; /* digits, least significant first */
    unsigned n = 0;
    if (base == 16) {
        do {
            rev[n++] = "0123456789abcdef"[v & 0xf];
            v >>= 4;
        } while (v);
    } else {
        char fwd[20];
        unsigned m = 0;
        for (unsigned k = 0; k < sizeof pow10 / sizeof pow10[0]; k++) {
            char d = '0';
            while (v >= pow10[k]) {
                v -= pow10[k];
                d++;
            }
            if (d != '0' || m > 0 || k == sizeof pow10 / sizeof pow10[0] - 1)
                fwd[m++] = d;
        }
        while (m)
            rev[n++] = fwd[--m];
    }
    put_padded(rev, n, width, pad, negative);
}

void uprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            uart_putc(*p);
            continue;
        }
        p++;
        char pad = ' ';
        unsigned width = 0, longs = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (unsigned)(*p++ - '0');
        while (*p == 'l') {
            longs++;
            p++;
        }
        switch (*p) {
        case 'c': uart_putc((char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            unsigned len = 0;
            while (s[len])
                len++;
            for (; len < width; len++)
                uart_putc(' ');
            uart_puts(s);
            break;
        }
        case 'd': {
            int64_t v = longs >= 2 ? va_arg(ap, long long)
                        : longs    ? va_arg(ap, long)
                                   : va_arg(ap, int);
            put_unsigned(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = longs >= 2 ? va_arg(ap, unsigned long long)
                         : longs    ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned);
            put_unsigned(v, *p == 'x' ? 16 : 10, width, pad, false);
            break;
        }
        case '%': uart_putc('%'); break;
        case '\0': p--; break; /* a lone '%' at the end */
        default:
            uart_putc('%');
            uart_putc(*p);
            break;
        }
    }
    va_end(ap);
}

/* ---- PLIC ---- */

void plic_enable(unsigned src, unsigned priority)
{
    MMIO32(PLIC_PRIORITY(src)) = priority;
    MMIO32(PLIC_ENABLE(PLIC_CONTEXT_M0, src)) |= 1u << (src % 32);
}

void plic_set_threshold(unsigned threshold)
{
    MMIO32(PLIC_THRESHOLD(PLIC_CONTEXT_M0)) = threshold;
}

unsigned plic_claim(void)
{
    return MMIO32(PLIC_CLAIM(PLIC_CONTEXT_M0));
}

void plic_complete(unsigned src)
{
    MMIO32(PLIC_CLAIM(PLIC_CONTEXT_M0)) = src;
}

/* ---- CLINT ---- */

uint64_t clint_mtime(void)
{
#if __riscv_xlen == 32
    uint32_t hi, lo;
    do {
        hi = MMIO32(CLINT_MTIME + 4);
        lo = MMIO32(CLINT_MTIME);
    } while (hi != MMIO32(CLINT_MTIME + 4));
    return ((uint64_t)hi << 32) | lo;
#else
    return *(volatile uint64_t *)CLINT_MTIME;
#endif
}

void clint_set_mtimecmp(uint64_t when)
{
#if __riscv_xlen == 32
    MMIO32(CLINT_MTIMECMP(0) + 4) = 0xffffffffu;
    MMIO32(CLINT_MTIMECMP(0)) = (uint32_t)when;
    MMIO32(CLINT_MTIMECMP(0) + 4) = (uint32_t)(when >> 32);
#else
    *(volatile uint64_t *)CLINT_MTIMECMP(0) = when;
#endif
}

/* start.S's catch-all trap vector lands here: a sample that did not expect the trap says
 * which one it was and fails, instead of looping on the faulting instruction. */
void bsp_unexpected_trap(unsigned long mcause, unsigned long mepc, unsigned long mtval)
    __attribute__((noreturn));
void bsp_unexpected_trap(unsigned long mcause, unsigned long mepc, unsigned long mtval)
{
    uprintf("\nunexpected trap: mcause 0x%lx, mepc 0x%lx, mtval 0x%lx\n", mcause, mepc, mtval);
    bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
}
