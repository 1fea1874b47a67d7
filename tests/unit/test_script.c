/* Unit tests of the --script language's pieces (host/script.c, host/script_regex.c,
 * host/escape.c, host/junit.c): the parser from a buffer (the entry point the fuzzers use),
 * numbers with suffixes, C escapes, every error with its line, the incremental matcher
 * (where a match is found, ^ $ classes repetition alternation, case), and the JUnit
 * writer's escaping of markup, control bytes and invalid UTF-8.
 *
 * Sources: C11 6.4.4.4 (escapes); POSIX.1-2017 XBD chapter 9 (extended regular expressions,
 * bracket expressions and character classes) for the subset script_regex.h describes;
 * XML 1.0 section 2.2 (characters) and RFC 3629 (UTF-8) for the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/escape.h"
#include "host/junit.h"
#include "host/script.h"
#include "host/script_internal.h"
#include "host/script_regex.h"

/* ---- escapes ---- */

static size_t unquote(const char *lit, uint8_t *out, size_t cap, char *why)
{
    size_t n = 0;
    const char *end = lit + strlen(lit);
    const char *r = escape_parse_quoted(lit + 1, end, '"', out, cap, &n, why, 200);
    return r ? n : (size_t)-1;
}

static void test_escapes(void **state)
{
    (void)state;
    uint8_t b[64];
    char why[200];
    size_t n = unquote("\"a\\n\\r\\t\\0\\a\\b\\f\\v\\e\\\\\\\"\\'\\?\\/\"", b, sizeof b, why);
    assert_int_equal(n, 15);
    assert_memory_equal(b, "a\n\r\t\0\a\b\f\v\x1b\\\"'?/", 15);
    n = unquote("\"\\x41\\x4a\\x7\\101\\0101\"", b, sizeof b, why);
    /* \x takes at most two hex digits; octal at most three digits. */
    assert_int_equal(n, 6);
    assert_memory_equal(b,
                        "AJ\x07"
                        "A\x08"
                        "1",
                        6);
    assert_int_equal(unquote("\"abc", b, sizeof b, why), (size_t)-1);
    assert_non_null(strstr(why, "unterminated string"));
    assert_int_equal(unquote("\"a\\qb\"", b, sizeof b, why), (size_t)-1);
    assert_non_null(strstr(why, "unknown escape \\q"));
    assert_int_equal(unquote("\"\\xg\"", b, sizeof b, why), (size_t)-1);
    assert_non_null(strstr(why, "hex digits"));
    assert_int_equal(unquote("\"\\777\"", b, sizeof b, why), (size_t)-1);
    assert_non_null(strstr(why, "above \\377"));
    assert_int_equal(unquote("\"ab\ncd\"", b, sizeof b, why), (size_t)-1); /* no newline inside */
    assert_int_equal(unquote("\"abcdefgh\"", b, 4, why), (size_t)-1);
    assert_non_null(strstr(why, "longer than 4 bytes"));

    char out[64];
    const uint8_t raw[] = { 'h', 'i', '\n', '"', '\\', 0x01, 0xff, '\r', '\t', 0x1b };
    escape_bytes(out, sizeof out, raw, sizeof raw);
    assert_string_equal(out, "hi\\n\\\"\\\\\\x01\\xff\\r\\t\\e");
    /* Truncation keeps whole escapes and says how many bytes fitted. */
    assert_int_equal(escape_bytes(out, 6, raw, sizeof raw), 3);
    assert_string_equal(out, "hi\\n");
}

/* ---- the parser ---- */

static struct script *parse(const char *text, char **errors, unsigned *nerr)
{
    return script_parse("t.script", text, strlen(text), errors, nerr);
}

static void test_parse_steps(void **state)
{
    (void)state;
    char *errors;
    unsigned nerr;
    struct script *s = parse("# a test\n"
                             "timeout 2M\n"
                             "wait \"hello\\n\"   # comment\n"
                             "wait /a+b/i within 5_000\n"
                             "uart 1\n"
                             "send \"q\"\n"
                             "gpio BTN0 low\n"
                             "expect gpio 19 high\n"
                             "expect gpio green low within 1k\n"
                             "at 0x10 gpio 3 release\n"
                             "after 3G\n"
                             "uart semihost\n"
                             "wait \"x\"\n"
                             "timeout run 10M\n"
                             "exit 7 within 1G\n",
                             &errors, &nerr);
    assert_non_null(s);
    assert_int_equal(nerr, 0);
    assert_int_equal(script_nsteps(s), 11); /* uart lines are settings, not steps */
    const struct step *st = s->steps;
    assert_int_equal(st[0].kind, ST_WAIT);
    assert_int_equal(st[0].line, 3);
    assert_int_equal(st[0].cycles, 2000000); /* the timeout in force */
    assert_int_equal(st[0].stream, STREAM_CONSOLE);
    assert_string_equal(st[0].display, "wait \"hello\\n\"");
    assert_int_equal(st[1].cycles, 5000);
    assert_string_equal(st[1].display, "wait /a+b/i");
    assert_int_equal(st[2].kind, ST_SEND);
    assert_int_equal(st[2].stream, 1);
    assert_int_equal(st[2].len, 1);
    assert_int_equal(st[3].kind, ST_GPIO);
    assert_string_equal(st[3].pin_name, "BTN0");
    assert_int_equal(st[3].level, LEVEL_LOW);
    assert_int_equal(st[4].kind, ST_EXPECT);
    assert_false(st[4].within);
    assert_true(st[5].within);
    assert_int_equal(st[5].cycles, 1000);
    assert_int_equal(st[6].kind, ST_AT);
    assert_int_equal(st[6].cycles, 16);
    assert_int_equal(st[7].kind, ST_GPIO); /* the action on the at line */
    assert_int_equal(st[7].line, 10);
    assert_int_equal(st[7].level, LEVEL_RELEASE);
    assert_int_equal(st[8].kind, ST_AFTER);
    assert_int_equal(st[8].cycles, 3000000000ull);
    assert_int_equal(st[9].stream, STREAM_SEMIHOST);
    assert_int_equal(st[10].kind, ST_EXIT);
    assert_int_equal(st[10].code, 7);
    assert_int_equal(st[10].cycles, 1000000000ull);
    assert_int_equal(s->run_limit, 10000000);
    assert_int_equal(s->run_limit_line, 14);
    script_free(s);
    /* The default budget, CRLF line ends, no newline at the end. */
    s = parse("wait \"a\"\r\nwait \"b\"", &errors, &nerr);
    assert_non_null(s);
    assert_int_equal(s->steps[0].cycles, SCRIPT_DEFAULT_BUDGET);
    assert_int_equal(s->n, 2);
    script_free(s);
}

/* Each bad line gives one error naming its line; all of them come out together. */
static void test_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *line, *error;
    } cases[] = {
        { "wiat \"x\"", "unknown keyword 'wiat' (did you mean 'wait'?)" },
        { "zork", "unknown keyword 'zork' (steps:" },
        { "wait /(ab/", "bad regex /(ab/: missing ')'" },
        { "wait /ab)/", "bad regex /ab)/: unmatched ')'" },
        { "wait /[ab/", "missing ']'" },
        { "wait /+/", "nothing to repeat before '+'" },
        { "wait /a{3,1}/", "has m below n" },
        { "wait /a{300}/", "above 255" },
        { "wait /[[:nope:]]/", "unknown class" },
        { "wait /\\q/", "unknown escape \\q" },
        { "wait /abc/x", "unknown regex flag 'x'" },
        { "wait /abc", "unterminated regex" },
        { "wait \"abc", "unterminated string" },
        { "wait \"\"", "empty text" },
        { "wait //", "bad regex //: empty regex" },
        { "wait", "wait needs a \"string\" or a /regex/" },
        { "wait \"a\" within", "within needs a cycle count" },
        { "wait \"a\" within 0", "within 0" },
        { "wait \"a\" within 1.5M", "'1.5M' is not a cycle count" },
        { "wait \"a\" within 18446744073709551616", "is not a cycle count" },
        { "wait \"a\" within 20000000000G", "is not a cycle count" },
        { "wait \"a\" extra", "unexpected 'extra' after the wait step" },
        { "wait\"a\"", "expected a space between 'wait' and the string" },
        { "send", "send needs a \"string\"" },
        { "send \"\"", "nothing to send" },
        { "exit", "exit needs the firmware's exit status" },
        { "exit 256", "from 0 to 255" },
        { "exit -1", "exit needs the firmware's exit status" },
        { "timeout", "timeout needs a cycle count" },
        { "timeout 0", "timeout 0" },
        { "timeout run", "timeout run needs a cycle count" },
        { "gpio", "gpio needs a pin" },
        { "gpio 3", "gpio 3 needs high, low or release" },
        { "expect 3 high", "the one form is 'expect gpio" },
        { "expect gpio 3 release", "needs high or low" },
        { "at", "at needs a cycle count" },
        { "at 1M after 2M", "after cannot follow another at/after" },
        { "at 1M timeout 3", "timeout is a setting" },
        { "at 1M uart 1", "uart is a setting" },
        { "uart 8", "uart needs a UART number" },
        { "uart", "uart needs a UART number" },
        { "within 5", "goes at the end of a wait" },
        { "\"text\"", "a step starts with a keyword" },
        { "wait \"a\" \x01", "unexpected byte 0x01" },
        { "wait \"\\x\"", "\\x must be followed by one or two hex digits" },
    };
    size_t n = sizeof cases / sizeof cases[0];
    /* All in one script, one per line. */
    size_t cap = 64;
    for (size_t k = 0; k < n; k++)
        cap += strlen(cases[k].line) + 1;
    char *text = calloc(1, cap);
    for (size_t k = 0; k < n; k++) {
        strcat(text, cases[k].line);
        strcat(text, "\n");
    }
    char *errors;
    unsigned nerr;
    struct script *s = script_parse("t.script", text, strlen(text), &errors, &nerr);
    assert_null(s);
    assert_int_equal(nerr, n);
    for (size_t k = 0; k < n; k++) {
        char want[300];
        snprintf(want, sizeof want, "t.script:%zu: ", k + 1);
        const char *at = strstr(errors, want);
        if (!at || !strstr(at, cases[k].error) || strstr(at, cases[k].error) > strchr(at, '\n'))
            fail_msg("line %zu '%s': expected '%s' in:\n%s", k + 1, cases[k].line, cases[k].error,
                     errors);
    }
    free(errors);
    free(text);
}

static void test_parse_whole_file_errors(void **state)
{
    (void)state;
    char *errors;
    unsigned nerr;
    assert_null(parse("# only a comment\n\n", &errors, &nerr));
    assert_int_equal(nerr, 1);
    assert_string_equal(errors, "t.script: the script has no steps (wait, send, exit, gpio, "
                                "expect, at, after)\n");
    free(errors);
    assert_null(parse("exit 0\nwait \"x\"\n", &errors, &nerr));
    assert_non_null(strstr(errors, "t.script:2: nothing can follow 'exit' (line 1)"));
    free(errors);
    assert_null(parse("timeout run 5\ntimeout run 6\nwait \"x\"\n", &errors, &nerr));
    assert_non_null(strstr(errors, "t.script:2: timeout run is given twice (first on line 1)"));
    free(errors);
    /* A NUL byte, and text that is not a script at all. */
    assert_null(script_parse("t.script", "wait \"a\"\nwa\0it\n", 14, &errors, &nerr));
    assert_non_null(strstr(errors, "t.script:2: contains a NUL byte"));
    free(errors);
    /* More errors than are printed: the count is kept and the last line says so. */
    char text[4000] = "";
    for (int k = 0; k < 60; k++)
        strcat(text, "bogus\n");
    assert_null(parse(text, &errors, &nerr));
    assert_int_equal(nerr, 60);
    assert_non_null(strstr(errors, "t.script:50: unknown keyword"));
    assert_null(strstr(errors, "t.script:51:"));
    assert_non_null(strstr(errors, "... and 10 more errors"));
    free(errors);
    /* Too many words on a line, a too long word. */
    assert_null(parse("wait \"a\" a a a a a a a a a a a a a a a a a\n", &errors, &nerr));
    assert_non_null(strstr(errors, "too many words"));
    free(errors);
    char longword[200];
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = 0;
    assert_null(parse(longword, &errors, &nerr));
    assert_non_null(strstr(errors, "too long"));
    free(errors);
    /* errors may be NULL: the caller only wants to know. */
    assert_null(parse("bogus\n", NULL, NULL));
}

/* Random bytes never crash the parser and either parse or give errors with lines. */
static void test_parse_garbage(void **state)
{
    (void)state;
    uint32_t x = 12345;
    for (int round = 0; round < 2000; round++) {
        char buf[256];
        size_t len = (size_t)(x % sizeof buf);
        for (size_t k = 0; k < len; k++) {
            x = x * 1103515245u + 12345u;
            static const char alphabet[] = "wait send exit\"/\\n#0123456789KMG \n(){}[]*+?|^$.";
            buf[k] =
                (x >> 16) % 7 == 0 ? (char)(x >> 8) : alphabet[(x >> 16) % (sizeof alphabet - 1)];
        }
        char *errors = NULL;
        unsigned nerr = 0;
        struct script *s = script_parse("g", buf, len, &errors, &nerr);
        if (s) {
            assert_int_equal(nerr, 0);
            script_free(s);
        } else {
            assert_true(nerr > 0);
            assert_non_null(errors);
            assert_int_equal(strncmp(errors, "g", 1), 0);
            free(errors);
        }
    }
}

/* ---- the matcher ---- */

/* Feed `text` one byte at a time; the index of the byte at which the match was found (-1
 * if none), and whether it ended before that byte. */
static int first_match(const char *pat, bool regex, bool icase, const char *text, bool *before)
{
    char why[200];
    struct script_rx *rx =
        script_rx_compile((const uint8_t *)pat, strlen(pat), regex, icase, why, sizeof why);
    if (!rx)
        fail_msg("'%s' does not compile: %s", pat, why);
    struct script_rx_run run = { 0 };
    assert_true(script_rx_reset(rx, &run, true));
    int at = -1;
    for (size_t k = 0; text[k]; k++)
        if (script_rx_feed(rx, &run, (uint8_t)text[k], before)) {
            at = (int)k;
            break;
        }
    script_rx_run_free(&run);
    script_rx_free(rx);
    return at;
}

static void test_regex_matches(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *text;
        int at;      /* index of the byte that completes the first match, -1 none */
        bool before; /* ... which is after the match (a $ was decided by it) */
    } cases[] = {
        /* literal text, overlapping starts */
        { "hello", "say hello", 8, false },
        { "aab", "aaab", 3, false },
        { "abab", "abaabab", 6, false },
        { "x", "abc", -1, false },
        /* . (not a newline), sets, classes */
        { "a.c", "a\nc abc", 6, false },
        { "[0-9][0-9]", "a1b23", 4, false },
        { "[^a-z]", "abc!", 3, false },
        { "[]x]", "a]", 1, false },
        { "[a-]", "b-", 1, false },
        { "[[:digit:]]+:", "ab 12:", 5, false },
        { "[[:upper:][:space:]]x", "a Xx", 3, false },
        { "\\d\\d", "a1b22", 4, false },
        { "\\w+=\\s*\\S", "x =  x=  y", 9, false },
        { "[\\d.]+x", "1.5x", 3, false },
        { "\\D", "12a", 2, false },
        { "\\.\\*\\/", "a.*/", 3, false },
        { "\\x41\\n", "zA\n", 2, false },
        /* repetition: the first match to complete */
        { "ab*c", "xac", 2, false },
        { "ab+c", "xac abbc", 7, false },
        { "colou?r", "color", 4, false },
        { "a{3}", "aa aaa", 5, false },
        { "a{2,}b", "ab aab", 5, false },
        { "x(ab){2,3}y", "xaby xababy", 10, false },
        { "x(ab){0,2}y", "xababab xy", 9, false },
        { "xa{0}y", "xay xy", 5, false },
        { "(a|b)+c", "zzabbac", 6, false },
        { "(cat|dog|bird)s", "birds", 4, false },
        { "a(b|)c", "ac", 1, false },
        /* a+ completes at its first 'a': output is matched as soon as it can be */
        { "ba+", "baaa", 1, false },
        /* line anchors */
        { "^x", "ax\nx", 3, false },
        { "^x", "x", 0, false },
        { "b$", "ab c\nab\n", 7, true },
        { "^$", "a\n\nb", 2, true },
        { "^=> $", "x=> \n=> \n", 8, true },
        { "prompt> $", "prompt> x\nprompt> ", -1, false },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        bool before = false;
        int at = first_match(cases[k].pat, true, false, cases[k].text, &before);
        if (at != cases[k].at || (at >= 0 && before != cases[k].before))
            fail_msg("/%s/ on \"%s\": match at %d (before %d), expected %d (before %d)",
                     cases[k].pat, cases[k].text, at, before, cases[k].at, cases[k].before);
    }
    /* Literal text: metacharacters are themselves. */
    bool before;
    assert_int_equal(first_match("a.*(b)", false, false, "xxa.*(b)", &before), 7);
    assert_int_equal(first_match("a.*(b)", false, false, "axxb", &before), -1);
    /* Ignoring case. */
    assert_int_equal(first_match("hello", true, true, "HeLLo", &before), 4);
    assert_int_equal(first_match("[a-c]x", true, true, "BX", &before), 1);
    assert_int_equal(first_match("hello", true, false, "HeLLo", &before), -1);
}

/* Feeding byte by byte equals feeding after a reset anywhere before the match start: the
 * search is unanchored, so earlier output does not matter. */
static void test_regex_long_stream(void **state)
{
    (void)state;
    char why[200];
    const char *pat = "tick +10: mcycle +[0-9]+";
    struct script_rx *rx =
        script_rx_compile((const uint8_t *)pat, strlen(pat), true, false, why, sizeof why);
    assert_non_null(rx);
    struct script_rx_run run = { 0 };
    assert_true(script_rx_reset(rx, &run, true));
    char line[80];
    bool before;
    for (int t = 1; t <= 9; t++) {
        snprintf(line, sizeof line, "tick %2d: mcycle %9d\n", t, t * 1000000);
        for (size_t k = 0; line[k]; k++)
            assert_false(script_rx_feed(rx, &run, (uint8_t)line[k], &before));
    }
    /* A million bytes of noise: work per byte is bounded, nothing matches. */
    for (int k = 0; k < 1000000; k++)
        assert_false(script_rx_feed(rx, &run, (uint8_t) "tick 1 mcycle 9\n"[k % 16], &before));
    const char *last = "tick 10: mcycle  10000000\n";
    int at = -1;
    for (int k = 0; last[k]; k++)
        if (script_rx_feed(rx, &run, (uint8_t)last[k], &before)) {
            at = k;
            break;
        }
    assert_int_equal(at, 17); /* the first digit completes the match */
    script_rx_run_free(&run);
    script_rx_free(rx);
}

static void test_regex_limits(void **state)
{
    (void)state;
    char why[200];
    const char *big = "(((a{255}){255}){255})";
    assert_null(script_rx_compile((const uint8_t *)big, strlen(big), true, false, why, sizeof why));
    assert_non_null(strstr(why, "too large"));
    char deep[200] = "";
    for (int k = 0; k < 70; k++)
        strcat(deep, "(");
    strcat(deep, "a");
    for (int k = 0; k < 70; k++)
        strcat(deep, ")");
    assert_null(
        script_rx_compile((const uint8_t *)deep, strlen(deep), true, false, why, sizeof why));
    assert_non_null(strstr(why, "nested deeper than 64"));
}

/* ---- JUnit ---- */

static void test_junit_escaping(void **state)
{
    (void)state;
    char path[] = "/tmp/hartlab-junit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* Markup, a control byte, valid UTF-8 (é, €, an emoji), invalid UTF-8 (a lone
     * continuation byte, an overlong form, a surrogate, U+FFFE). */
    const uint8_t out[] = "<b>&\x01 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x80 \xc0\xaf "
                          "\xed\xa0\x80 \xef\xbf\xbe\n";
    struct junit_case c = {
        .classname = "t",
        .name = "n\"q",
        .file = "t.script",
        .time = 0.5,
        .result = JUNIT_FAIL,
        .message = "t.script:1: wait \"a\"\nsecond line",
        .type = "script",
        .details = "d <&>",
        .out = out,
        .outlen = sizeof out - 1,
    };
    char err[200];
    assert_true(junit_write(path, "hartlab", &c, 1, err, sizeof err));
    FILE *f = fopen(path, "r");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "<testsuites name=\"hartlab\" tests=\"1\" failures=\"1\" "
                                 "errors=\"0\" time=\"0.500000\">"));
    assert_non_null(strstr(text, "name=\"n&quot;q\""));
    assert_non_null(strstr(text, "message=\"t.script:1: wait &quot;a&quot;&#10;second line\""));
    assert_non_null(strstr(text, ">d &lt;&amp;&gt;</failure>"));
    assert_non_null(strstr(text, "<system-out>&lt;b&gt;&amp;\\x01 caf\xc3\xa9 \xe2\x82\xac "
                                 "\xf0\x9f\x98\x80 \\x80 \\xc0\\xaf \\xed\\xa0\\x80 "
                                 "\\xef\\xbf\\xbe\n</system-out>"));
    assert_false(junit_write("/nonexistent/dir/x.xml", "s", &c, 1, err, sizeof err));
    assert_non_null(strstr(err, "cannot write"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),           cmocka_unit_test(test_parse_steps),
        cmocka_unit_test(test_parse_errors),      cmocka_unit_test(test_parse_whole_file_errors),
        cmocka_unit_test(test_parse_garbage),     cmocka_unit_test(test_regex_matches),
        cmocka_unit_test(test_regex_long_stream), cmocka_unit_test(test_regex_limits),
        cmocka_unit_test(test_junit_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
