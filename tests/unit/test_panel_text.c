/* Unit tests of the panel's text (ui/panel_text.c, issue 12 item 8): the UART console breaks
 * long lines at a space, never inside a number; the F4 trap list keeps "(in handler)" within
 * the view's columns; the F3 stack view says in words when a frame uses no stack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/panel_text.h"

static void put(struct panel_console *c, const char *s)
{
    for (; *s; s++)
        panel_console_put(c, (uint8_t)*s);
}

/* timer's tick lines, three on one console line's worth of text without newlines. */
static void test_console_breaks_at_spaces(void **state)
{
    (void)state;
    static struct panel_console c;
    memset(&c, 0, sizeof c);
    const char *text = "tick  1: mcycle   1002925 (+999990), mtime 100294 tick  2: mcycle   "
                       "2002925 (+1000000), mtime 200294 tick  3: mcycle   3002925";
    put(&c, text);
    assert_true(c.count >= 3);
    /* Joined with the spaces the breaks took, the lines give the text back. */
    char joined[512] = "";
    for (unsigned k = 0; k < c.count; k++) {
        const char *l = panel_console_line(&c, k);
        assert_true(strlen(l) <= PANEL_CON_COLS);
        if (k)
            strcat(joined, " ");
        strcat(joined, l);
    }
    assert_string_equal(joined, text);
    /* No line starts or ends inside a number: every number of the text is whole on a line. */
    for (unsigned k = 0; k < c.count; k++) {
        const char *l = panel_console_line(&c, k);
        assert_int_not_equal(l[0], ' ');
    }
    assert_string_equal(panel_console_line(&c, 0),
                        "tick  1: mcycle   1002925 (+999990), mtime 100294 tick  2:");
}

static void test_console_long_word_and_controls(void **state)
{
    (void)state;
    static struct panel_console c;
    memset(&c, 0, sizeof c);
    char word[100];
    memset(word, 'x', 70);
    word[70] = 0;
    put(&c, word); /* longer than a line: cut where it must be */
    assert_int_equal(c.count, 2);
    assert_int_equal(strlen(panel_console_line(&c, 0)), PANEL_CON_COLS);
    assert_int_equal(strlen(panel_console_line(&c, 1)), 70 - PANEL_CON_COLS);
    put(&c, "\nabc\bd\tz\n");
    assert_string_equal(panel_console_line(&c, 2), "abd z");
    put(&c, "progress 10%\rprogress 20%");
    assert_string_equal(panel_console_line(&c, 3), "progress 20%");
    /* The ring keeps the last PANEL_CON_LINES lines. */
    for (unsigned k = 0; k < PANEL_CON_LINES + 10; k++) {
        char l[16];
        snprintf(l, sizeof l, "\nline %u", k);
        put(&c, l);
    }
    assert_int_equal(c.count, PANEL_CON_LINES);
    char last[16];
    snprintf(last, sizeof last, "line %u", PANEL_CON_LINES + 9);
    assert_string_equal(panel_console_line(&c, PANEL_CON_LINES - 1), last);
}

static void test_trap_line_fits(void **state)
{
    (void)state;
    char buf[160];
    const unsigned cols = 62;
    panel_trap_line(buf, sizeof buf, cols, 1234567, "machine external interrupt",
                    "uart_wait_for_input_forever+0x1c", true);
    assert_true(strlen(buf) <= cols);
    assert_non_null(strstr(buf, "(in handler)"));
    assert_non_null(strstr(buf, "+0x1c (in handler)")); /* the offset kept */
    assert_non_null(strstr(buf, "machine external interrupt"));
    assert_int_equal(strncmp(buf, "1234567 ", 8), 0);
    panel_trap_line(buf, sizeof buf, cols, 42, "machine timer interrupt", "main+0x8", false);
    assert_string_equal(buf, "42          machine timer interrupt    main+0x8");
    panel_trap_line(buf, sizeof buf, cols, 42, "machine timer interrupt", "main+0x8", true);
    assert_string_equal(buf, "42          machine timer interrupt    main+0x8 (in handler)");
}

static void test_frame_stack_line(void **state)
{
    (void)state;
    char buf[160];
    panel_frame_stack_line(buf, sizeof buf, 0x80002000, 0x80001fd0, false);
    assert_string_equal(buf, "sp 80001fd0..80002000 (48 bytes)");
    panel_frame_stack_line(buf, sizeof buf, 0x80002000, 0x80002000, true);
    assert_null(strstr(buf, "0 bytes"));
    assert_non_null(strstr(buf, "outermost"));
    panel_frame_stack_line(buf, sizeof buf, 0x80001ff0, 0x80001ff0, false);
    assert_string_equal(buf, "sp 80001ff0  (no stack frame of its own)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_breaks_at_spaces),
        cmocka_unit_test(test_console_long_word_and_controls),
        cmocka_unit_test(test_trap_line_fits),
        cmocka_unit_test(test_frame_stack_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
