/* lcov tracefiles (the geninfo(1) manual, "TRACEFILE FORMAT"), as --coverage writes them:
 * per source file (SF:) its functions (FN:line,name and FNDA:count,name) and lines
 * (DA:line,count) and conditional branches (BRDA:line,block,branch,count; "-" when the
 * branch's code never ran), closed by end_of_record. lcov_merge adds several runs' files
 * into one, as `lcov -a` does: the counts of a line, a function or a branch in the same
 * source file are summed;
 * `hartlab test --coverage FILE` merges its tests' files this way.
 *
 * Usage:
 *     const char *in[] = { "a.info", "b.info" };
 *     if (!lcov_merge(in, 2, "all.info", err, sizeof err)) ...
 */
#ifndef HARTLAB_HOST_LCOV_H
#define HARTLAB_HOST_LCOV_H

#include <stdbool.h>
#include <stddef.h>

/* What a merged file holds: lines, functions and branch outcomes found and hit (count > 0). */
struct lcov_totals {
    size_t lines, lines_hit, fns, fns_hit, branches, branches_hit;
};

/* Write the sum of the tracefiles `in` to `out` (sources, functions and lines sorted). An
 * input that does not exist is skipped (a test that crashed before writing it) and counted
 * in *missing when that is not NULL; the totals go to *totals when that is not NULL. False
 * with a message on a malformed input or an output that cannot be written. */
bool lcov_merge(const char *const *in, size_t n, const char *out, size_t *missing,
                struct lcov_totals *totals, char *err, size_t errlen);

#endif
