/* Unit tests of the GDB stub's waits with an idle function (gdbstub_set_idle): what keeps the
 * panel's window alive while the debugger holds the machine (--gdb with --ui, docs/gdb.md).
 * The stub calls it while it waits for a debugger and while it waits for a packet with the
 * machine stopped; when it returns true the session ends, the debugger's connection closes
 * and gdbstub_serve returns 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gdbstub/gdbstub.h"
#include "gdbstub/target_machine.h"
#include "platform/machine.h"

struct idler {
    unsigned calls, end_at;
};

static bool count_idle(void *ctx)
{
    struct idler *i = ctx;
    return ++i->calls >= i->end_at;
}

static struct machine *new_machine(void)
{
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    return m;
}

/* -S with nobody attaching: the idle function runs while the stub waits, and ends it. */
static void idle_while_waiting_for_a_debugger(void **state)
{
    (void)state;
    struct machine *m = new_machine();
    struct machine_target *mt = machine_target_new(m);
    char err[256];
    struct gdbstub *s = gdbstub_new("127.0.0.1:0", &machine_target_ops, mt, err, sizeof err);
    assert_non_null(s);
    struct idler i = { 0, 3 };
    gdbstub_set_idle(s, count_idle, &i);
    assert_int_equal(gdbstub_serve(s, true), 0);
    assert_int_equal(i.calls, 3);
    assert_int_equal(hart_retired(machine_hart(m, 0)), 0); /* the machine never ran */
    gdbstub_free(s);
    machine_target_free(mt);
    machine_free(m);
}

/* A debugger attached and silent, the machine stopped: the idle function runs between
 * packets; ending the session closes the debugger's connection. */
static void idle_while_stopped(void **state)
{
    (void)state;
    struct machine *m = new_machine();
    struct machine_target *mt = machine_target_new(m);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct gdbstub *s = gdbstub_new_connected(&machine_target_ops, mt, sv[0]);
    assert_non_null(s);
    struct idler i = { 0, 5 };
    gdbstub_set_idle(s, count_idle, &i);
    assert_int_equal(gdbstub_serve(s, true), 0);
    assert_int_equal(i.calls, 5);
    char c;
    assert_int_equal(recv(sv[1], &c, 1, 0), 0); /* closed */
    close(sv[1]);
    gdbstub_free(s);
    machine_target_free(mt);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idle_while_waiting_for_a_debugger),
        cmocka_unit_test(idle_while_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
