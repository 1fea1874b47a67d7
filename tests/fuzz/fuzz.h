/* Shared pieces of hartlab's fuzz harnesses (docs/robustness.md). Each harness is one
 * file defining LLVMFuzzerTestOneInput (and, if it needs set-up, LLVMFuzzerInitialize),
 * the entry points of libFuzzer (https://llvm.org/docs/LibFuzzer.html). The same file links
 * either with libFuzzer (meson -Dfuzz=true, clang) or with replay.c, a plain main() that
 * runs every file of the committed corpora once, so that gcc builds and the ASan/UBSan
 * suite replay the known inputs too.
 *
 * A harness reads its input with the `fz_*` helpers: a cursor over the bytes that yields
 * zeros once they run out, so every input, however short, is a complete test case.
 * fuzz_fail() reports a broken invariant: it prints the reason and aborts, which libFuzzer
 * and the replay driver both count as a finding.
 */
#ifndef HARTLAB_TESTS_FUZZ_FUZZ_H
#define HARTLAB_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fz {
    const uint8_t *p;
    size_t n;
};

static inline bool fz_more(const struct fz *f)
{
    return f->n > 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
    if (!f->n)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
    uint16_t lo = fz_u8(f);
    return (uint16_t)(lo | fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
    uint32_t lo = fz_u16(f);
    return lo | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
    uint64_t lo = fz_u32(f);
    return lo | (uint64_t)fz_u32(f) << 32;
}

/* Up to `want` bytes (fewer if the input ends): returns how many, *out points at them. */
static inline size_t fz_bytes(struct fz *f, size_t want, const uint8_t **out)
{
    size_t n = want < f->n ? want : f->n;
    *out = f->p;
    f->p += n;
    f->n -= n;
    return n;
}

_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Send the harness's stdout and stdin to /dev/null (guest consoles print there); stderr
 * stays, for sanitizer reports. */
void fuzz_quiet_stdio(void);

#endif
