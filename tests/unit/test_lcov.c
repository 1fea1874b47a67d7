/* Unit tests of lcov tracefile merging (host/lcov.c), what `hartlab test --coverage` does with
 * its tests' files: counts of the same line, function or branch in the same source are summed
 * (a branch whose code never ran, "-", counts as 0 once another run ran it), sources
 * and lines come out sorted with their totals, a missing input is counted and skipped, a
 * malformed one is refused naming the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/lcov.h"

static char dir[] = "/tmp/hartlab-lcov-XXXXXX";

static const char *put(const char *name, const char *text)
{
    static char path[8][128];
    static unsigned next;
    char *p = path[next++ % 8];
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void sums_and_sorts(void **state)
{
    (void)state;
    const char *a = put("a.info", "TN:\nSF:/src/b.c\nFN:3,main\nFNDA:1,main\nFNF:1\nFNH:1\n"
                                  "DA:3,1\nDA:4,0\nLF:2\nLH:1\nend_of_record\n"
                                  "TN:\nSF:/src/a.c\nDA:7,2\nLF:1\nLH:1\nend_of_record\n");
    const char *b = put("b.info", "TN:\nSF:/src/b.c\nFN:9,helper\nFN:3,main\nFNDA:0,helper\n"
                                  "FNDA:1,main\nBRDA:4,0,1,2\nBRDA:4,0,0,-\nBRDA:9,0,0,-\n"
                                  "DA:9,0\nDA:4,5\nDA:3,1\nend_of_record\n");
    const char *c = put("c.info", "SF:/src/b.c\nBRDA:4,0,0,3\nBRDA:4,0,1,0\nBRDA:9,0,0,-\n"
                                  "end_of_record\n");
    const char *in[] = { a, b, c, put("d.info", "") };
    char out[128], err[256];
    snprintf(out, sizeof out, "%s/all.info", dir);
    size_t missing = 9;
    struct lcov_totals t;
    assert_true(lcov_merge(in, 4, out, &missing, &t, err, sizeof err));
    assert_int_equal(t.lines, 4);
    assert_int_equal(t.lines_hit, 3);
    assert_int_equal(t.fns, 2);
    assert_int_equal(t.fns_hit, 1);
    assert_int_equal(t.branches, 3);
    assert_int_equal(t.branches_hit, 2);
    assert_int_equal(missing, 0);
    assert_string_equal(slurp(out), "TN:\nSF:/src/a.c\nFNF:0\nFNH:0\nDA:7,2\nLF:1\nLH:1\n"
                                    "end_of_record\n"
                                    "TN:\nSF:/src/b.c\nFN:3,main\nFN:9,helper\nFNDA:2,main\n"
                                    "FNDA:0,helper\nFNF:2\nFNH:1\nBRDA:4,0,0,3\nBRDA:4,0,1,2\n"
                                    "BRDA:9,0,0,-\nBRF:3\nBRH:2\nDA:3,2\nDA:4,5\nDA:9,0\nLF:3\n"
                                    "LH:2\nend_of_record\n");
}

static void missing_input_skipped(void **state)
{
    (void)state;
    const char *a = put("one.info", "SF:/x.c\nDA:1,4\nend_of_record\n");
    char none[128], out[128], err[256];
    snprintf(none, sizeof none, "%s/never-written.info", dir);
    snprintf(out, sizeof out, "%s/out.info", dir);
    const char *in[] = { none, a };
    size_t missing = 0;
    assert_true(lcov_merge(in, 2, out, &missing, NULL, err, sizeof err));
    assert_int_equal(missing, 1);
    assert_non_null(strstr(slurp(out), "DA:1,4\nLF:1\nLH:1\n"));
}

static void malformed_refused(void **state)
{
    (void)state;
    const char *bad = put("bad.info", "SF:/x.c\nDA:1,4\nDA:oops\nend_of_record\n");
    const char *orphan = put("orphan.info", "DA:1,4\n"); /* no SF: before it */
    char out[128], err[256];
    snprintf(out, sizeof out, "%s/out2.info", dir);
    const char *in[] = { bad };
    assert_false(lcov_merge(in, 1, out, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "bad.info:3:"));
    in[0] = orphan;
    assert_false(lcov_merge(in, 1, out, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "orphan.info:1:"));
    char nodir[160];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir.info", dir);
    in[0] = put("ok.info", "SF:/x.c\nDA:1,1\nend_of_record\n");
    assert_false(lcov_merge(in, 1, nodir, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "cannot write"));
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sums_and_sorts),
        cmocka_unit_test(missing_input_skipped),
        cmocka_unit_test(malformed_refused),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return r;
}
