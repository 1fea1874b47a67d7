/* Unit tests of the cycle profiler (ui/profile.c) on a machine with two harts, which the
 * command line cannot build yet: one callgrind file per hart (FILE-01 for hart 0, FILE-02
 * for hart 1, with "thread:" and "desc: Hart:" naming them), each holding only its own
 * hart's calls, and folded stacks with a "hartN;" prefix per line. The format is
 * valgrind's "Callgrind Format Specification"; tests/profile checks the rest of the
 * profiler through the command line and callgrind_annotate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/hart.h"
#include "loader/symtab.h"
#include "platform/machine.h"
#include "ui/observe.h"
#include "ui/profile.h"

#define RAM 0x80000000ull

/* start: jal ra, f; spin: j spin; f: addi a0, a0, 1; ret (RV64I encodings). */
static const uint32_t program[] = { 0x008000ef, 0x0000006f, 0x00150513, 0x00008067 };

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static void two_harts(void **state)
{
    (void)state;
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.nharts = 2;
    o.max_cycles = 2000;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    /* Hart 0 runs the program at RAM, hart 1 a copy at RAM + 0x100, named differently. */
    assert_true(machine_write_mem(m, RAM, program, sizeof program));
    assert_true(machine_write_mem(m, RAM + 0x100, program, sizeof program));
    m->symbols = symtab_new();
    assert_non_null(m->symbols);
    symtab_add(m->symbols, "start0", RAM, 4, SYM_FUNC);
    symtab_add(m->symbols, "spin0", RAM + 4, 4, SYM_FUNC);
    symtab_add(m->symbols, "f0", RAM + 8, 8, SYM_FUNC);
    symtab_add(m->symbols, "start1", RAM + 0x100, 4, SYM_FUNC);
    symtab_add(m->symbols, "spin1", RAM + 0x104, 4, SYM_FUNC);
    symtab_add(m->symbols, "f1", RAM + 0x108, 8, SYM_FUNC);
    symtab_finish(m->symbols);
    hart_set_pc(machine_hart(m, 0), RAM);
    hart_set_pc(machine_hart(m, 1), RAM + 0x100);

    char dir[] = "/tmp/hartlab-profile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cg[128], folded[128], cg1[160], cg2[160];
    snprintf(cg, sizeof cg, "%s/p.cg", dir);
    snprintf(folded, sizeof folded, "%s/p.folded", dir);
    snprintf(cg1, sizeof cg1, "%s-01", cg);
    snprintf(cg2, sizeof cg2, "%s-02", cg);

    struct observe *ob = observe_new(m);
    assert_non_null(ob);
    struct profile_config pc = { .callgrind_path = cg, .folded_path = folded, .cmd = "fw.elf" };
    struct profile *p = profile_new(ob, &pc, err, sizeof err);
    assert_non_null(p);
    observe_attach(ob);
    /* The panel turns steps off when its stack view closes: the profile keeps them. */
    observe_set_stepping(ob, false);
    assert_int_equal(machine_run(m), MACHINE_EXIT_LIMIT);
    assert_true(profile_finish(p, err, sizeof err));
    profile_free(p);
    observe_free(ob);

    char *t = slurp(cg1);
    assert_non_null(strstr(t, "thread: 1\n"));
    assert_non_null(strstr(t, "desc: Hart: 0\n"));
    assert_non_null(strstr(t, "fn=(2) start0\n"));
    assert_non_null(strstr(t, "f0\ncalls=1 0x80000008\n0x80000000 "));
    assert_null(strstr(t, "f1"));
    t = slurp(cg2);
    assert_non_null(strstr(t, "thread: 2\n"));
    assert_non_null(strstr(t, "desc: Hart: 1\n"));
    assert_non_null(strstr(t, "f1\ncalls=1 0x80000108\n0x80000100 "));
    assert_null(strstr(t, "f0"));
    assert_int_equal(access(cg, F_OK), -1); /* no file without a hart number */
    t = slurp(folded);
    assert_non_null(strstr(t, "hart0;start0;f0 "));
    assert_non_null(strstr(t, "hart1;start1;f1 "));
    assert_non_null(strstr(t, "hart1;spin1 "));
    /* The folded cycles of each hart add up to its clock. */
    uint64_t sum[2] = { 0, 0 };
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned k;
        assert_int_equal(sscanf(line, "hart%u;", &k), 1);
        assert_true(k < 2);
        sum[k] += strtoull(strrchr(line, ' ') + 1, NULL, 10);
    }
    assert_int_equal(sum[0], hart_cycles(machine_hart(m, 0)));
    assert_int_equal(sum[1], hart_cycles(machine_hart(m, 1)));

    unlink(cg1);
    unlink(cg2);
    unlink(folded);
    rmdir(dir);
    machine_free(m);
}

/* An unwritable output is reported with the file's name; the run's data is not lost
 * for the other output. */
static void unwritable(void **state)
{
    (void)state;
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.max_cycles = 100;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    assert_true(machine_write_mem(m, RAM, program, sizeof program));
    hart_set_pc(machine_hart(m, 0), RAM);
    struct observe *ob = observe_new(m);
    struct profile_config pc = { .callgrind_path = "/nonexistent-dir/p.cg" };
    struct profile *p = profile_new(ob, &pc, err, sizeof err);
    assert_non_null(p);
    observe_attach(ob);
    machine_run(m);
    assert_false(profile_finish(p, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/p.cg"));
    profile_free(p);
    observe_free(ob);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_harts),
        cmocka_unit_test(unwritable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
