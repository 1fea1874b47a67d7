/* The --script parser (the language is described in script.h): a line is cut into words,
 * numbers, strings and /regexes/, then read as one step. Every line is parsed even after
 * an error, so that all errors come out at once, each as "NAME:LINE: message".
 */
#include "host/script.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/escape.h"
#include "host/script_internal.h"
#include "host/script_regex.h"

#define MAX_TOKENS 16
#define MAX_STRING 4096
#define MAX_SCRIPT (16u << 20) /* bytes of script file read */
#define MAX_STEPS  100000

enum tok_kind { T_WORD, T_STRING, T_REGEX };

struct token {
    enum tok_kind kind;
    const char *text; /* as written (words: NUL-terminated copy in `word`) */
    size_t textlen;
    char word[64];
    uint8_t *data; /* strings, regexes: decoded bytes */
    size_t len;
    bool icase; /* regex flag i */
};

struct parser {
    const char *name;
    struct script *s;
    char *errs;
    size_t errlen, errcap;
    unsigned nerr;
    uint64_t budget;
    int stream;
    unsigned exit_line;
    bool line_failed;
    unsigned line;
};

static const char *const keywords[] = { "wait",   "send", "exit",  "timeout", "gpio",
                                        "expect", "at",   "after", "uart",    NULL };

static void error(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void error(struct parser *p, const char *fmt, ...)
{
    if (p->line_failed)
        return; /* one error a line: the first says what is wrong */
    p->line_failed = true;
    p->nerr++;
    if (p->nerr > SCRIPT_MAX_ERRORS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char line[700];
    int n = p->line ? snprintf(line, sizeof line, "%s:%u: %s\n", p->name, p->line, msg)
                    : snprintf(line, sizeof line, "%s: %s\n", p->name, msg);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (p->errlen + len + 1 > p->errcap) {
        size_t cap = p->errcap ? 2 * p->errcap : 1024;
        while (cap < p->errlen + len + 1)
            cap *= 2;
        char *e = realloc(p->errs, cap);
        if (!e)
            return;
        p->errs = e;
        p->errcap = cap;
    }
    memcpy(p->errs + p->errlen, line, len);
    p->errlen += len;
    p->errs[p->errlen] = 0;
}

/* ---- numbers ---- */

/* CYCLES: digits (0x hex), '_' between digits, optional K/M/G. */
static bool parse_cycles(const char *w, uint64_t *out)
{
    char digits[64];
    size_t n = 0;
    bool hex = w[0] == '0' && (w[1] == 'x' || w[1] == 'X');
    const char *q = hex ? w + 2 : w;
    if (!isxdigit((unsigned char)*q) || (!hex && !isdigit((unsigned char)*q)))
        return false;
    for (; *q; q++) {
        if (*q == '_' && q[1] && isxdigit((unsigned char)q[1]) && q[-1] != '_')
            continue;
        if (hex ? !isxdigit((unsigned char)*q) : !isdigit((unsigned char)*q))
            break;
        if (n + 1 >= sizeof digits)
            return false;
        digits[n++] = *q;
    }
    digits[n] = 0;
    uint64_t mult = 1;
    if (*q) {
        if (hex || q[1])
            return false; /* 0x10M is ambiguous: not accepted */
        switch (*q) {
        case 'k':
        case 'K': mult = 1000; break;
        case 'm':
        case 'M': mult = 1000000; break;
        case 'g':
        case 'G': mult = 1000000000; break;
        default: return false;
        }
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(digits, &end, hex ? 16 : 10);
    if (errno || *end || v > UINT64_MAX / mult)
        return false;
    *out = v * mult;
    return true;
}

/* ---- tokens ---- */

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Cut [p, end) into tokens; false after reporting an error. */
static bool tokenize(struct parser *ps, const char *p, const char *end, struct token *toks,
                     unsigned *ntoks)
{
    unsigned n = 0;
    char why[200];
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            p++;
            continue;
        }
        if (c == '#')
            break;
        if (n == MAX_TOKENS) {
            error(ps, "too many words on one line (a step has at most %d)", MAX_TOKENS);
            return *ntoks = n, false;
        }
        struct token *t = &toks[n];
        memset(t, 0, sizeof *t);
        t->text = p;
        if (c == '"' || c == '/') {
            t->kind = c == '"' ? T_STRING : T_REGEX;
            t->data = malloc(MAX_STRING);
            if (!t->data) {
                error(ps, "out of memory");
                return *ntoks = n, false;
            }
            n++; /* owned by the list from here, freed by the caller */
            const char *after =
                escape_parse_quoted(p + 1, end, c, t->data, MAX_STRING, &t->len, why, sizeof why);
            if (!after) {
                error(ps, "%s", why);
                return *ntoks = n, false;
            }
            p = after;
            if (c == '/') {
                while (p < end && isalpha((unsigned char)*p)) {
                    if (*p != 'i') {
                        error(ps,
                              "unknown regex flag '%c' after /.../ (the one flag is i: "
                              "ignore case)",
                              *p);
                        return *ntoks = n, false;
                    }
                    t->icase = true;
                    p++;
                }
            }
            t->textlen = (size_t)(p - t->text);
            if (p < end && !(*p == ' ' || *p == '\t' || *p == '#' || *p == '\r')) {
                error(ps, "expected a space after the %s", c == '"' ? "string" : "regex");
                return *ntoks = n, false;
            }
            continue;
        }
        if (is_word_char(c)) {
            t->kind = T_WORD;
            const char *s = p;
            while (p < end && is_word_char(*p))
                p++;
            t->textlen = (size_t)(p - s);
            if (t->textlen >= sizeof t->word) {
                error(ps, "word '%.20s...' is too long", s);
                return *ntoks = n, false;
            }
            memcpy(t->word, s, t->textlen);
            t->word[t->textlen] = 0;
            n++;
            if (p < end && !(*p == ' ' || *p == '\t' || *p == '#' || *p == '\r')) {
                if (*p == '"' || *p == '/')
                    error(ps, "expected a space between '%s' and the %s", t->word,
                          *p == '"' ? "string" : "regex");
                else if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
                    error(ps, "unexpected character '%c' after '%s'", *p, t->word);
                else
                    error(ps, "unexpected byte 0x%02x after '%s'", (unsigned char)*p, t->word);
                return *ntoks = n, false;
            }
            continue;
        }
        if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
            error(ps, "unexpected character '%c'", c);
        else
            error(ps, "unexpected byte 0x%02x (not text?)", (unsigned char)c);
        return *ntoks = n, false;
    }
    *ntoks = n;
    return true;
}

/* ---- steps ---- */

static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 16 || lb > 16)
        return 99;
    unsigned d[17][17];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            unsigned sub = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
            unsigned del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static void unknown_keyword(struct parser *p, const char *w)
{
    const char *best = NULL;
    unsigned bestd = 3;
    for (unsigned k = 0; keywords[k]; k++) {
        unsigned d = distance(w, keywords[k]);
        if (d < bestd) {
            bestd = d;
            best = keywords[k];
        }
    }
    if (best)
        error(p, "unknown keyword '%s' (did you mean '%s'?)", w, best);
    else
        error(p,
              "unknown keyword '%s' (steps: wait, send, exit, timeout, gpio, expect, at, "
              "after, uart)",
              w);
}

static struct step *new_step(struct parser *p, enum step_kind kind)
{
    struct script *s = p->s;
    if (s->n == MAX_STEPS) {
        error(p, "more than %d steps", MAX_STEPS);
        return NULL;
    }
    if (p->exit_line) {
        error(p, "nothing can follow 'exit' (line %u): the firmware has ended by then",
              p->exit_line);
        return NULL;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct step *n = realloc(s->steps, cap * sizeof *n);
        if (!n) {
            error(p, "out of memory");
            return NULL;
        }
        s->steps = n;
        s->cap = cap;
    }
    struct step *st = &s->steps[s->n++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->line = p->line;
    st->stream = p->stream;
    st->cycles = p->budget;
    return st;
}

static char *dup_text(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* "wait \"...\"" as shown in messages: the string re-escaped, shortened when long. */
static char *display_with(const char *kw, const struct token *t)
{
    char inner[200];
    if (t->kind == T_REGEX) {
        size_t n = t->textlen < 120 ? t->textlen : 120;
        size_t len = strlen(kw) + n + 8;
        char *d = malloc(len);
        if (d)
            snprintf(d, len, "%s %.*s%s", kw, (int)n, t->text, n < t->textlen ? "..." : "");
        return d;
    }
    size_t used = escape_bytes(inner, 120, t->data, t->len);
    size_t len = strlen(kw) + strlen(inner) + 8;
    char *d = malloc(len);
    if (d)
        snprintf(d, len, "%s \"%s%s\"", kw, inner, used < t->len ? "..." : "");
    return d;
}

static bool want_cycles(struct parser *p, const struct token *t, const char *what, uint64_t *out)
{
    if (!t) {
        error(p, "%s needs a cycle count (like 5000000 or 5M)", what);
        return false;
    }
    if (t->kind != T_WORD || !parse_cycles(t->word, out)) {
        error(p, "%s: '%.*s' is not a cycle count (a number with an optional K, M or G)", what,
              (int)(t->textlen < 40 ? t->textlen : 40), t->text);
        return false;
    }
    return true;
}

/* Optional "within CYCLES" at toks[i]; sets *budget. Returns the index after it. */
static bool within_clause(struct parser *p, struct token *toks, unsigned n, unsigned *i,
                          uint64_t *budget, bool *given, const char *kw)
{
    if (*i < n && toks[*i].kind == T_WORD && strcmp(toks[*i].word, "within") == 0) {
        if (!want_cycles(p, *i + 1 < n ? &toks[*i + 1] : NULL, "within", budget))
            return false;
        if (*budget == 0) {
            error(p, "within 0: a budget of 0 cycles can never be met");
            return false;
        }
        if (given)
            *given = true;
        *i += 2;
    }
    if (*i < n) {
        error(p, "unexpected '%.*s' after the %s step",
              (int)(toks[*i].textlen < 40 ? toks[*i].textlen : 40), toks[*i].text, kw);
        return false;
    }
    return true;
}

static bool want_end(struct parser *p, struct token *toks, unsigned n, unsigned i, const char *kw)
{
    if (i < n) {
        error(p, "unexpected '%.*s' after the %s step",
              (int)(toks[i].textlen < 40 ? toks[i].textlen : 40), toks[i].text, kw);
        return false;
    }
    return true;
}

static bool want_pin(struct parser *p, const struct token *t, const char *kw, char **name)
{
    if (!t || t->kind != T_WORD) {
        error(p, "%s needs a pin: a number or a LED/button name from the board (like BTN0)", kw);
        return false;
    }
    *name = strdup(t->word);
    return *name != NULL;
}

/* One step at toks[i..n) (after an at/after prefix when `prefixed`). */
static void statement(struct parser *p, struct token *toks, unsigned i, unsigned n, bool prefixed)
{
    struct token *t = &toks[i];
    if (t->kind != T_WORD) {
        error(p,
              "a step starts with a keyword (wait, send, exit, timeout, gpio, expect, at, "
              "after, uart), not a %s",
              t->kind == T_STRING ? "string" : "regex");
        return;
    }
    const char *kw = t->word;
    struct token *a1 = i + 1 < n ? &toks[i + 1] : NULL;
    if (strcmp(kw, "wait") == 0) {
        if (!a1 || (a1->kind != T_STRING && a1->kind != T_REGEX)) {
            error(p, "wait needs a \"string\" or a /regex/ to wait for");
            return;
        }
        char why[200];
        struct script_rx *rx =
            script_rx_compile(a1->data, a1->len, a1->kind == T_REGEX, a1->icase, why, sizeof why);
        if (!rx) {
            if (a1->kind == T_REGEX)
                error(p, "bad regex %.*s: %s", (int)(a1->textlen < 60 ? a1->textlen : 60), a1->text,
                      why);
            else
                error(p, "wait \"\": %s", why);
            return;
        }
        uint64_t budget = p->budget;
        unsigned j = i + 2;
        if (!within_clause(p, toks, n, &j, &budget, NULL, "wait")) {
            script_rx_free(rx);
            return;
        }
        struct step *st = new_step(p, ST_WAIT);
        if (!st) {
            script_rx_free(rx);
            return;
        }
        st->rx = rx;
        st->cycles = budget;
        st->display = display_with("wait", a1);
    } else if (strcmp(kw, "send") == 0) {
        if (!a1 || a1->kind != T_STRING) {
            error(p, "send needs a \"string\" (C escapes: \\n, \\r, \\x03, ...)");
            return;
        }
        if (a1->len == 0) {
            error(p, "send \"\": nothing to send");
            return;
        }
        if (!want_end(p, toks, n, i + 2, "send"))
            return;
        if (p->stream == STREAM_SEMIHOST) {
            error(p, "send: the semihosting console takes no input from a script; pick a UART "
                     "with 'uart N' or 'uart console'");
            return;
        }
        struct step *st = new_step(p, ST_SEND);
        if (!st)
            return;
        st->data = malloc(a1->len);
        if (st->data)
            memcpy(st->data, a1->data, a1->len);
        st->len = a1->len;
        st->display = display_with("send", a1);
    } else if (strcmp(kw, "exit") == 0) {
        uint64_t code;
        if (!a1 || a1->kind != T_WORD || !parse_cycles(a1->word, &code) || code > 255) {
            error(p, "exit needs the firmware's exit status, a number from 0 to 255");
            return;
        }
        uint64_t budget = p->budget;
        unsigned j = i + 2;
        if (!within_clause(p, toks, n, &j, &budget, NULL, "exit"))
            return;
        struct step *st = new_step(p, ST_EXIT);
        if (!st)
            return;
        st->code = (int)code;
        st->cycles = budget;
        st->display = dup_text(t->text, (size_t)(a1->text + a1->textlen - t->text));
        p->exit_line = p->line;
    } else if (strcmp(kw, "timeout") == 0) {
        if (prefixed) {
            error(p, "timeout is a setting: it cannot follow at/after");
            return;
        }
        if (a1 && a1->kind == T_WORD && strcmp(a1->word, "run") == 0) {
            uint64_t v;
            if (!want_cycles(p, i + 2 < n ? &toks[i + 2] : NULL, "timeout run", &v) ||
                !want_end(p, toks, n, i + 3, "timeout run"))
                return;
            if (v == 0) {
                error(p, "timeout run 0: the run could never start");
                return;
            }
            if (p->s->run_limit) {
                error(p, "timeout run is given twice (first on line %u)", p->s->run_limit_line);
                return;
            }
            p->s->run_limit = v;
            p->s->run_limit_line = p->line;
            return;
        }
        uint64_t v;
        if (!want_cycles(p, a1, "timeout", &v) || !want_end(p, toks, n, i + 2, "timeout"))
            return;
        if (v == 0) {
            error(p, "timeout 0: a budget of 0 cycles can never be met");
            return;
        }
        p->budget = v;
    } else if (strcmp(kw, "gpio") == 0) {
        char *pin;
        if (!want_pin(p, a1, "gpio", &pin))
            return;
        struct token *lv = i + 2 < n ? &toks[i + 2] : NULL;
        int level = -1;
        if (lv && lv->kind == T_WORD) {
            if (strcmp(lv->word, "high") == 0)
                level = LEVEL_HIGH;
            else if (strcmp(lv->word, "low") == 0)
                level = LEVEL_LOW;
            else if (strcmp(lv->word, "release") == 0)
                level = LEVEL_RELEASE;
        }
        if (level < 0) {
            error(p, "gpio %s needs high, low or release", pin);
            free(pin);
            return;
        }
        if (!want_end(p, toks, n, i + 3, "gpio")) {
            free(pin);
            return;
        }
        struct step *st = new_step(p, ST_GPIO);
        if (!st) {
            free(pin);
            return;
        }
        st->pin_name = pin;
        st->level = level;
        st->display = dup_text(t->text, (size_t)(lv->text + lv->textlen - t->text));
    } else if (strcmp(kw, "expect") == 0) {
        if (!a1 || a1->kind != T_WORD || strcmp(a1->word, "gpio") != 0) {
            error(p, "expect: the one form is 'expect gpio PIN high|low [within CYCLES]'");
            return;
        }
        char *pin;
        if (!want_pin(p, i + 2 < n ? &toks[i + 2] : NULL, "expect gpio", &pin))
            return;
        struct token *lv = i + 3 < n ? &toks[i + 3] : NULL;
        int level = -1;
        if (lv && lv->kind == T_WORD) {
            if (strcmp(lv->word, "high") == 0)
                level = LEVEL_HIGH;
            else if (strcmp(lv->word, "low") == 0)
                level = LEVEL_LOW;
        }
        if (level < 0) {
            error(p, "expect gpio %s needs high or low", pin);
            free(pin);
            return;
        }
        uint64_t budget = p->budget;
        bool given = false;
        unsigned j = i + 4;
        if (!within_clause(p, toks, n, &j, &budget, &given, "expect gpio")) {
            free(pin);
            return;
        }
        struct step *st = new_step(p, ST_EXPECT);
        if (!st) {
            free(pin);
            return;
        }
        st->pin_name = pin;
        st->level = level;
        st->within = given;
        st->cycles = budget;
        st->display = dup_text(t->text, (size_t)(lv->text + lv->textlen - t->text));
    } else if (strcmp(kw, "at") == 0 || strcmp(kw, "after") == 0) {
        bool at = kw[1] == 't';
        if (prefixed) {
            error(p, "%s cannot follow another at/after on the same line", kw);
            return;
        }
        uint64_t v;
        if (!want_cycles(p, a1, kw, &v))
            return;
        struct step *st = new_step(p, at ? ST_AT : ST_AFTER);
        if (!st)
            return;
        st->cycles = v;
        st->display = dup_text(t->text, (size_t)(a1->text + a1->textlen - t->text));
        if (i + 2 < n)
            statement(p, toks, i + 2, n, true);
    } else if (strcmp(kw, "uart") == 0) {
        if (prefixed) {
            error(p, "uart is a setting: it cannot follow at/after");
            return;
        }
        uint64_t k;
        if (a1 && a1->kind == T_WORD && strcmp(a1->word, "console") == 0)
            p->stream = STREAM_CONSOLE;
        else if (a1 && a1->kind == T_WORD && strcmp(a1->word, "semihost") == 0)
            p->stream = STREAM_SEMIHOST;
        else if (a1 && a1->kind == T_WORD && parse_cycles(a1->word, &k) && k < 8)
            p->stream = (int)k;
        else {
            error(p, "uart needs a UART number (0 = the first in the board's tree, up to 7), "
                     "'console' or 'semihost'");
            return;
        }
        want_end(p, toks, n, i + 2, "uart");
    } else if (strcmp(kw, "within") == 0) {
        error(p, "'within CYCLES' goes at the end of a wait, expect or exit step");
    } else {
        unknown_keyword(p, kw);
    }
}

static void parse_line(struct parser *p, const char *s, const char *end)
{
    struct token toks[MAX_TOKENS];
    unsigned n = 0;
    p->line_failed = false;
    if (memchr(s, 0, (size_t)(end - s))) {
        error(p, "contains a NUL byte: not a text file?");
        return;
    }
    bool ok = tokenize(p, s, end, toks, &n);
    if (ok && n > 0)
        statement(p, toks, 0, n, false);
    for (unsigned k = 0; k < n; k++)
        free(toks[k].data);
}

struct script *script_parse(const char *name, const char *text, size_t len, char **errors,
                            unsigned *nerrors)
{
    struct script *s = calloc(1, sizeof *s);
    struct parser p = {
        .name = name, .s = s, .budget = SCRIPT_DEFAULT_BUDGET, .stream = STREAM_CONSOLE
    };
    if (errors)
        *errors = NULL;
    if (nerrors)
        *nerrors = 0;
    if (!s || !(s->name = strdup(name))) {
        free(s);
        if (errors)
            *errors = strdup("out of memory\n");
        if (nerrors)
            *nerrors = 1;
        return NULL;
    }
    const char *q = text, *end = text + len;
    while (q < end) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *le = nl ? nl : end;
        p.line++;
        parse_line(&p, q, le);
        q = nl ? nl + 1 : end;
    }
    p.line_failed = false;
    if (p.nerr == 0 && s->n == 0) {
        p.line = 0;
        error(&p, "the script has no steps (wait, send, exit, gpio, expect, at, after)");
    }
    if (p.nerr > SCRIPT_MAX_ERRORS) {
        p.line = 0;
        p.line_failed = false;
        unsigned total = p.nerr;
        p.nerr = 0; /* so that error() writes this last line */
        error(&p, "... and %u more errors", total - SCRIPT_MAX_ERRORS);
        p.nerr = total;
    }
    if (p.nerr) {
        if (errors)
            *errors = p.errs;
        else
            free(p.errs);
        if (nerrors)
            *nerrors = p.nerr;
        script_free(s);
        return NULL;
    }
    free(p.errs);
    return s;
}

struct script *script_load(const char *path, char **errors, unsigned *nerrors)
{
    FILE *f = fopen(path, "rb");
    char msg[512];
    if (!f) {
        snprintf(msg, sizeof msg, "%s: cannot read the script: %s\n", path, strerror(errno));
        goto one_error;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            if (cap > MAX_SCRIPT + 1) {
                free(buf);
                fclose(f);
                snprintf(msg, sizeof msg, "%s: larger than %u MiB: not a script?\n", path,
                         MAX_SCRIPT >> 20);
                goto one_error;
            }
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                snprintf(msg, sizeof msg, "%s: out of memory\n", path);
                goto one_error;
            }
            buf = b;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(msg, sizeof msg, "%s: read error\n", path);
        goto one_error;
    }
    struct script *s = script_parse(path, buf ? buf : "", len, errors, nerrors);
    free(buf);
    return s;
one_error:
    if (errors)
        *errors = strdup(msg);
    if (nerrors)
        *nerrors = 1;
    return NULL;
}

void script_free(struct script *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n; k++) {
        struct step *st = &s->steps[k];
        free(st->display);
        script_rx_free(st->rx);
        free(st->data);
        free(st->pin_name);
    }
    free(s->steps);
    free(s->name);
    free(s);
}

size_t script_nsteps(const struct script *s)
{
    return s->n;
}
