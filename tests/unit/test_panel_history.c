/* Unit tests of the panel's step back and history slider without SDL (ui/panel_history.h):
 * which keys move through history, the slider's arithmetic both ways, and the moves on a
 * real machine recording history: one instruction back (registers and memory as they were),
 * forward again along history, the start, the present, a twentieth back and forward, a
 * click on the slider; and that nothing moves without history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/hart.h"
#include "platform/history.h"
#include "platform/machine.h"
#include "ui/panel_history.h"

#define RAM 0x80000000ull

/* a1 = 0x80001000; loop: a0 += 1; store a0 there; j loop. After n steps (n = 1 + 3k + 2)
 * the store of round k + 1 has just been done: a0 = stored = k + 1. */
static const uint32_t program[] = {
    0x00001597, /* auipc a1, 1 */
    0x00150513, /* loop: addi a0, a0, 1 */
    0x00a5a023, /*       sw a0, 0(a1) */
    0xff9ff06f, /*       j loop */
};

static struct machine *new_machine(uint64_t max_insns)
{
    struct machine_options o;
    char err[256];
    machine_options_default(&o);
    o.max_insns = max_insns;
    struct machine *m = machine_new(&o, err, sizeof err);
    assert_non_null(m);
    assert_true(machine_write_mem(m, RAM, program, sizeof program));
    hart_set_pc(machine_hart(m, 0), RAM);
    return m;
}

static uint32_t stored(struct machine *m)
{
    uint32_t v = 0;
    assert_true(machine_read_mem(m, RAM + 0x1000, &v, 4));
    return v;
}

static void test_keys(void **state)
{
    (void)state;
    assert_int_equal(panel_history_key("F9", false), PANEL_HIST_BACK);
    assert_int_equal(panel_history_key("F9", true), PANEL_HIST_BACK);
    assert_int_equal(panel_history_key("Home", false), PANEL_HIST_START);
    assert_int_equal(panel_history_key("End", true), PANEL_HIST_END);
    assert_int_equal(panel_history_key("PageUp", false), PANEL_HIST_PAGE_BACK);
    assert_int_equal(panel_history_key("PageDown", true), PANEL_HIST_PAGE_FORWARD);
    /* F6 steps along history only in the past; at the present it is the live step. */
    assert_int_equal(panel_history_key("F6", true), PANEL_HIST_FORWARD);
    assert_int_equal(panel_history_key("F6", false), PANEL_HIST_NONE);
    assert_int_equal(panel_history_key("F5", true), PANEL_HIST_NONE);
    assert_int_equal(panel_history_key("A", true), PANEL_HIST_NONE);
}

static void test_slider(void **state)
{
    (void)state;
    /* 1001 pixels for counts 100..1100: one count per pixel. */
    assert_int_equal(panel_slider_count(100, 1100, 8, 1001, 8), 100);
    assert_int_equal(panel_slider_count(100, 1100, 8, 1001, 508), 600);
    assert_int_equal(panel_slider_count(100, 1100, 8, 1001, 1008), 1100);
    assert_int_equal(panel_slider_count(100, 1100, 8, 1001, -5), 100);    /* clamped */
    assert_int_equal(panel_slider_count(100, 1100, 8, 1001, 5000), 1100); /* clamped */
    assert_int_equal(panel_slider_x(100, 1100, 600, 8, 1001), 508);
    assert_int_equal(panel_slider_x(100, 1100, 100, 8, 1001), 8);
    assert_int_equal(panel_slider_x(100, 1100, 1100, 8, 1001), 1008);
    /* Round trip on a slider narrower than the history: the count is within a pixel. */
    for (int x = 0; x < 300; x += 7) {
        uint64_t c = panel_slider_count(0, 1000000000000ull, 0, 300, x);
        assert_int_equal(panel_slider_x(0, 1000000000000ull, c, 0, 300), x);
    }
    /* Nothing kept yet: everything is the start. */
    assert_int_equal(panel_slider_count(5, 5, 0, 100, 50), 5);
    assert_int_equal(panel_slider_x(5, 5, 5, 0, 100), 0);
}

static uint64_t count(struct machine *m)
{
    struct hart *h = machine_hart(m, 0);
    return hart_retired(h) + hart_traps(h);
}

static void test_moves(void **state)
{
    (void)state;
    struct machine *m = new_machine(30000);
    char msg[128], err[128];
    assert_false(panel_history_do(m, 0, PANEL_HIST_BACK, 0, msg, sizeof msg));
    assert_string_equal(msg, "no history is kept");
    struct history_options ho = { .interval = 5000 };
    assert_true(history_start(m, &ho, err, sizeof err));
    assert_int_equal(machine_run(m), MACHINE_EXIT_LIMIT);
    uint64_t first, last, now;
    assert_true(panel_history_span(m, 0, &first, &last, &now));
    assert_int_equal(first, 0);
    assert_int_equal(last, 30000);
    assert_int_equal(now, 30000);
    uint32_t a0 = (uint32_t)hart_reg(machine_hart(m, 0), 10), mem = stored(m);
    assert_int_equal(a0, 10000);
    assert_int_equal(mem, 10000);
    uint64_t pc = hart_pc(machine_hart(m, 0));

    /* At the present F6 is the live step: nothing to do along history. */
    assert_false(panel_history_do(m, 0, PANEL_HIST_FORWARD, 0, msg, sizeof msg));

    /* Three instructions back: one loop round, as it was. */
    for (int k = 0; k < 3; k++)
        assert_true(panel_history_do(m, 0, PANEL_HIST_BACK, 0, msg, sizeof msg));
    assert_true(history_in_past(m->history));
    assert_int_equal(count(m), 29997);
    assert_int_equal(hart_pc(machine_hart(m, 0)), pc);
    assert_int_equal(hart_reg(machine_hart(m, 0), 10), a0 - 1);
    assert_int_equal(stored(m), mem - 1);
    assert_string_equal(msg, "history: step 29997 of 0..30000");
    /* Forward along history: the jump, then the addi again. */
    assert_true(panel_history_do(m, 0, PANEL_HIST_FORWARD, 0, msg, sizeof msg));
    assert_int_equal(count(m), 29998);
    assert_int_equal(hart_pc(machine_hart(m, 0)), RAM + 4);
    assert_true(panel_history_do(m, 0, PANEL_HIST_FORWARD, 0, msg, sizeof msg));
    assert_int_equal(count(m), 29999);
    assert_int_equal(hart_reg(machine_hart(m, 0), 10), a0);
    assert_int_equal(stored(m), mem - 1);

    /* The start, a twentieth forward, a twentieth back, a click, the present. */
    assert_true(panel_history_do(m, 0, PANEL_HIST_START, 0, msg, sizeof msg));
    assert_int_equal(count(m), 0);
    assert_int_equal(hart_pc(machine_hart(m, 0)), RAM);
    assert_int_equal(stored(m), 0);
    assert_non_null(strstr(msg, "(the start of history)"));
    assert_true(panel_history_do(m, 0, PANEL_HIST_PAGE_FORWARD, 0, msg, sizeof msg));
    assert_int_equal(count(m), 1500);
    assert_true(panel_history_do(m, 0, PANEL_HIST_PAGE_FORWARD, 0, msg, sizeof msg));
    assert_int_equal(count(m), 3000);
    assert_true(panel_history_do(m, 0, PANEL_HIST_PAGE_BACK, 0, msg, sizeof msg));
    assert_int_equal(count(m), 1500);
    uint64_t at = panel_slider_count(0, 30000, 8, 1001, 8 + 700);
    assert_int_equal(at, 21000);
    assert_true(panel_history_do(m, 0, PANEL_HIST_GOTO, at, msg, sizeof msg));
    assert_int_equal(count(m), 21000);
    assert_int_equal(stored(m), (21000 - 3) / 3 + 1);
    assert_true(panel_history_do(m, 0, PANEL_HIST_END, 0, msg, sizeof msg));
    assert_false(history_in_past(m->history));
    assert_int_equal(count(m), 30000);
    assert_int_equal(hart_reg(machine_hart(m, 0), 10), a0);
    assert_int_equal(stored(m), mem);
    assert_non_null(strstr(msg, "(the present)"));
    /* Before the start: the start; past the end: the present. */
    assert_true(panel_history_do(m, 0, PANEL_HIST_PAGE_FORWARD, 0, msg, sizeof msg));
    assert_int_equal(count(m), 30000);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_slider),
        cmocka_unit_test(test_moves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
