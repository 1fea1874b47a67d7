/* matmul: C = A x B for 80 x 80 matrices of 32-bit integers (wrapping arithmetic), the
 * textbook i-k-j loop order. After each product a few entries of A are nudged with
 * entries of C, so every repetition multiplies different matrices. Multiplies (the M
 * extension), adds, strided and sequential loads and stores. */
#include "bench.h"

#define MM_N 80u

static uint32_t mm_a[MM_N][MM_N], mm_b[MM_N][MM_N], mm_c[MM_N][MM_N];

static void mm_multiply(void)
{
    for (size_t i = 0; i < MM_N; i++) {
        for (size_t j = 0; j < MM_N; j++)
            mm_c[i][j] = 0;
        for (size_t k = 0; k < MM_N; k++) {
            uint32_t aik = mm_a[i][k];
            for (size_t j = 0; j < MM_N; j++)
                mm_c[i][j] += aik * mm_b[k][j];
        }
    }
}

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    uint32_t seed = 7;
    for (size_t i = 0; i < MM_N; i++)
        for (size_t j = 0; j < MM_N; j++) {
            mm_a[i][j] = bench_lcg(&seed) >> 20;
            mm_b[i][j] = i == j;
        }
    /* A x I = A before the real B goes in. */
    mm_multiply();
    for (size_t i = 0; i < MM_N; i++)
        for (size_t j = 0; j < MM_N; j++)
            if (mm_c[i][j] != mm_a[i][j])
                return bench_fail("matmul", "A x I != A");
    for (size_t i = 0; i < MM_N; i++)
        for (size_t j = 0; j < MM_N; j++)
            mm_b[i][j] = bench_lcg(&seed) >> 20;

    uint32_t sum = 0;
    for (unsigned long r = 0; r < n; r++) {
        mm_multiply();
        for (size_t i = 0; i < MM_N; i++)
            for (size_t j = 0; j < MM_N; j++)
                sum = sum * 33u + mm_c[i][j];
        for (size_t t = 0; t < 4; t++)
            mm_a[(r + t * 17) % MM_N][(r * 3 + t) % MM_N] ^= mm_c[t][(r + t) % MM_N] & 0xFFF;
    }
    bench_report("matmul", n, sum);
    return 0;
}
