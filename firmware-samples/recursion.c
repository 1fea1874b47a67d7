/* recursion: a recursive factorial for the classroom stack-frame views (hartlab's gdb stub,
 * `bt` and `info frame`, or the trace). Built with -O0 -g, so every call of fact() builds a
 * real frame (return address and saved s0 on the stack, per the RISC-V psABI calling
 * convention) and tears it down on return. Each call prints its depth and its stack
 * pointer, so the frames can be seen growing downwards by a fixed size; then a table of
 * results and a naive recursive Fibonacci (a call tree rather than a chain). Exits 0 if
 * every result matches the iterative one, else 1.
 */
#include "bsp/bsp.h"

/* The calling function's frame address: on RISC-V, GCC's frame pointer (s0) is the stack
 * pointer at the function's entry, what gdb's `info frame` calls "frame at". A macro, so
 * that it names the frame of the function that uses it. */
#define FRAME_ADDRESS() ((unsigned long)__builtin_frame_address(0))

static void indent(unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        uart_puts("  ");
}

/* fact(n) = n * fact(n - 1): the chain of frames a debugger's backtrace shows. */
static unsigned long fact(unsigned n, unsigned depth, bool verbose)
{
    unsigned long result;
    if (verbose) {
        indent(depth);
        uprintf("fact(%u) called, frame at 0x%lx\n", n, FRAME_ADDRESS());
    }
    if (n <= 1)
        result = 1;
    else
        result = n * fact(n - 1, depth + 1, verbose);
    if (verbose) {
        indent(depth);
        uprintf("fact(%u) returns %lu\n", n, result);
    }
    return result;
}

static unsigned long fib(unsigned n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int main(void)
{
    int failures = 0;
    uart_init();
    uprintf("recursion: RV%u, stack grows down from 0x%lx\n", (unsigned)(sizeof(unsigned long) * 8),
            FRAME_ADDRESS());
    fact(8, 0, true);

    unsigned long want = 1, a = 0, b = 1;
    for (unsigned n = 0; n <= 8; n++) {
        if (n > 1)
            want *= n;
        unsigned long got = fact(n, 0, false), f = fib(n);
        uprintf("%u! = %5lu   fib(%u) = %2lu\n", n, got, n, f);
        if (got != want || f != a)
            failures++;
        unsigned long next = a + b;
        a = b;
        b = next;
    }
    uprintf("%s\n", failures ? "MISMATCH" : "all results match");
    return failures ? 1 : 0;
}
