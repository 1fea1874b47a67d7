/* sort: quicksort (median of three, insertion sort below 16 elements, recursion into the
 * smaller part) and heapsort (Williams' sift-down, Floyd's heap construction) of 32 Ki
 * pseudo-random 32-bit keys, each result verified sorted. Compares, branches that the
 * host cannot predict, loads and stores with data-dependent indices, calls. */
#include "bench.h"

#define SORT_LEN 32768u

static uint32_t sort_a[SORT_LEN];

static void sort_swap(uint32_t *a, size_t i, size_t j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void sort_insertion(uint32_t *a, size_t lo, size_t hi)
{
    for (size_t i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > lo && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* Sorts a[lo..hi] inclusive. */
static void sort_quick(uint32_t *a, size_t lo, size_t hi)
{
    while (hi > lo && hi - lo >= 16) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            sort_swap(a, mid, lo);
        if (a[hi] < a[lo])
            sort_swap(a, hi, lo);
        if (a[hi] < a[mid])
            sort_swap(a, hi, mid);
        uint32_t pivot = a[mid];
        size_t i = lo, j = hi;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            sort_swap(a, i, j);
            i++;
            j--;
        }
        /* Hoare partition: a[lo..j] <= pivot <= a[j+1..hi]. Recurse into the smaller
         * side so the stack stays logarithmic whatever the data. */
        if (j - lo < hi - j) {
            sort_quick(a, lo, j);
            lo = j + 1;
        } else {
            sort_quick(a, j + 1, hi);
            hi = j;
        }
    }
    if (hi > lo)
        sort_insertion(a, lo, hi);
}

static void sort_sift_down(uint32_t *a, size_t root, size_t len)
{
    uint32_t v = a[root];
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= len)
            break;
        if (child + 1 < len && a[child + 1] > a[child])
            child++;
        if (a[child] <= v)
            break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static void sort_heap(uint32_t *a, size_t len)
{
    for (size_t i = len / 2; i-- > 0;)
        sort_sift_down(a, i, len);
    for (size_t end = len - 1; end > 0; end--) {
        sort_swap(a, 0, end);
        sort_sift_down(a, 0, end);
    }
}

static void sort_fill(uint32_t *seed)
{
    for (size_t i = 0; i < SORT_LEN; i++)
        sort_a[i] = bench_lcg(seed) ^ (*seed >> 13);
}

/* Non-zero if sorted; the sum mixes every element with its position. */
static int sort_check(uint32_t *sum)
{
    uint32_t s = *sum;
    for (size_t i = 0; i < SORT_LEN; i++) {
        if (i > 0 && sort_a[i - 1] > sort_a[i])
            return 0;
        s = s * 31u + sort_a[i];
    }
    *sum = s;
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    uint32_t seed = 12345, sum = 0;
    for (unsigned long r = 0; r < n; r++) {
        sort_fill(&seed);
        sort_quick(sort_a, 0, SORT_LEN - 1);
        if (!sort_check(&sum))
            return bench_fail("sort", "quicksort left the array unsorted");
        sort_fill(&seed);
        sort_heap(sort_a, SORT_LEN);
        if (!sort_check(&sum))
            return bench_fail("sort", "heapsort left the array unsorted");
    }
    bench_report("sort", n, sum);
    return 0;
}
