/* The --script pattern matcher (see script_regex.h): a recursive-descent compiler from the
 * pattern to a small instruction set, and a Pike VM that runs every thread in lock step,
 * one input byte at a time, after Thompson's construction (K. Thompson, "Regular
 * expression search algorithm", CACM 11(6), 1968). The search is unanchored: a new thread
 * starts at every byte, so the first match to complete is found at the byte completing it.
 */
#include "host/script_regex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op {
    OP_BYTE,  /* arg: the byte */
    OP_SET,   /* arg: index of a 256-bit set */
    OP_SPLIT, /* try x, then y */
    OP_JMP,   /* x */
    OP_BOL,   /* at the start of a line */
    OP_EOL,   /* before a newline */
    OP_MATCH,
};

struct insn {
    uint8_t op;
    uint32_t x, y; /* OP_BYTE/OP_SET: x is the byte or set index */
};

struct script_rx {
    struct insn *code;
    uint32_t n, cap;
    uint32_t (*sets)[8];
    uint32_t nsets;
};

/* ---- compiler ---- */

struct comp {
    struct script_rx *rx;
    const uint8_t *p, *end;
    bool icase;
    char *why;
    size_t whylen;
    bool failed;
};

static void fail(struct comp *c, const char *msg)
{
    if (!c->failed)
        snprintf(c->why, c->whylen, "%s", msg);
    c->failed = true;
}

static uint32_t emit(struct comp *c, uint8_t op, uint32_t x, uint32_t y)
{
    struct script_rx *rx = c->rx;
    if (c->failed)
        return 0;
    if (rx->n == SCRIPT_RX_MAX_INSNS) {
        fail(c, "the pattern is too large (simplify its repetitions)");
        return 0;
    }
    if (rx->n == rx->cap) {
        uint32_t cap = rx->cap ? 2 * rx->cap : 32;
        struct insn *p = realloc(rx->code, cap * sizeof *p);
        if (!p) {
            fail(c, "out of memory");
            return 0;
        }
        rx->code = p;
        rx->cap = cap;
    }
    rx->code[rx->n] = (struct insn){ op, x, y };
    return rx->n++;
}

static uint32_t add_set(struct comp *c, const uint32_t set[8])
{
    struct script_rx *rx = c->rx;
    uint32_t(*p)[8] = realloc(rx->sets, (rx->nsets + 1) * sizeof *p);
    if (!p) {
        fail(c, "out of memory");
        return 0;
    }
    rx->sets = p;
    memcpy(rx->sets[rx->nsets], set, sizeof rx->sets[0]);
    return rx->nsets++;
}

static void set_add(uint32_t set[8], unsigned b)
{
    set[b >> 5] |= 1u << (b & 31);
}

static bool set_has(const uint32_t set[8], unsigned b)
{
    return (set[b >> 5] >> (b & 31)) & 1;
}

static void set_class(uint32_t set[8], int (*is)(int))
{
    for (unsigned b = 0; b < 128; b++)
        if (is((int)b))
            set_add(set, b);
}

static int is_word(int ch)
{
    return isalnum(ch) || ch == '_';
}

/* A byte literal, in both cases when ignoring case. */
static void emit_byte(struct comp *c, uint8_t b)
{
    if (c->icase && isalpha(b)) {
        uint32_t set[8] = { 0 };
        set_add(set, (unsigned)tolower(b));
        set_add(set, (unsigned)toupper(b));
        emit(c, OP_SET, add_set(c, set), 0);
    } else {
        emit(c, OP_BYTE, b, 0);
    }
}

static void emit_set(struct comp *c, uint32_t set[8], bool negate)
{
    if (c->icase)
        for (unsigned b = 0; b < 128; b++)
            if (isalpha((int)b) && set_has(set, b)) {
                set_add(set, (unsigned)tolower((int)b));
                set_add(set, (unsigned)toupper((int)b));
            }
    if (negate)
        for (unsigned w = 0; w < 8; w++)
            set[w] = ~set[w];
    emit(c, OP_SET, add_set(c, set), 0);
}

static int hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* After a backslash: a class escape into `set` (returns 1), a byte into *b (returns 0), or
 * an error (-1). */
static int escape(struct comp *c, uint32_t set[8], bool *negate, uint8_t *b)
{
    if (c->p == c->end) {
        fail(c, "the pattern ends with a \\");
        return -1;
    }
    uint8_t e = *c->p++;
    *negate = false;
    switch (e) {
    case 'd':
    case 'D':
        set_class(set, isdigit);
        *negate = e == 'D';
        return 1;
    case 'w':
    case 'W':
        set_class(set, is_word);
        *negate = e == 'W';
        return 1;
    case 's':
    case 'S':
        set_class(set, isspace);
        *negate = e == 'S';
        return 1;
    case 'n': *b = '\n'; return 0;
    case 'r': *b = '\r'; return 0;
    case 't': *b = '\t'; return 0;
    case 'e': *b = 0x1b; return 0;
    case '0': *b = 0; return 0;
    case 'x': {
        int h1 = c->p < c->end ? hexval(*c->p) : -1;
        if (h1 < 0) {
            fail(c, "\\x must be followed by one or two hex digits");
            return -1;
        }
        c->p++;
        int v = h1, h2 = c->p < c->end ? hexval(*c->p) : -1;
        if (h2 >= 0) {
            c->p++;
            v = v * 16 + h2;
        }
        *b = (uint8_t)v;
        return 0;
    }
    default:
        if (isalnum(e)) {
            char msg[64];
            snprintf(msg, sizeof msg, "unknown escape \\%c", e);
            fail(c, msg);
            return -1;
        }
        *b = e; /* \. \* \/ \\ ... */
        return 0;
    }
}

static const struct {
    const char *name;
    int (*is)(int);
} classes[] = {
    { "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum }, { "space", isspace },
    { "upper", isupper }, { "lower", islower }, { "punct", ispunct }, { "xdigit", isxdigit },
    { "print", isprint }, { "cntrl", iscntrl }, { "blank", isblank },
};

/* [...] after the '['. */
static void bracket(struct comp *c)
{
    uint32_t set[8] = { 0 };
    bool negate = false;
    if (c->p < c->end && *c->p == '^') {
        negate = true;
        c->p++;
    }
    bool first = true;
    for (;;) {
        if (c->p == c->end) {
            fail(c, "missing ']'");
            return;
        }
        uint8_t ch = *c->p;
        if (ch == ']' && !first) {
            c->p++;
            break;
        }
        first = false;
        if (ch == '[' && c->p + 1 < c->end && c->p[1] == ':') {
            const uint8_t *name = c->p + 2, *close = name;
            while (close + 1 < c->end && !(close[0] == ':' && close[1] == ']'))
                close++;
            if (close + 1 >= c->end) {
                fail(c, "missing ':]' after '[:'");
                return;
            }
            size_t n = (size_t)(close - name);
            bool found = false;
            for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
                if (strlen(classes[k].name) == n && memcmp(classes[k].name, name, n) == 0) {
                    set_class(set, classes[k].is);
                    found = true;
                }
            if (!found) {
                fail(c, "unknown class in [:name:] (alpha, digit, alnum, space, upper, lower, "
                        "punct, xdigit, print, cntrl, blank)");
                return;
            }
            c->p = close + 2;
            continue;
        }
        uint8_t lo;
        c->p++;
        if (ch == '\\') {
            uint32_t cls[8] = { 0 };
            bool neg;
            int r = escape(c, cls, &neg, &lo);
            if (r < 0)
                return;
            if (r == 1) {
                for (unsigned w = 0; w < 8; w++)
                    set[w] |= neg ? ~cls[w] : cls[w];
                continue;
            }
        } else {
            lo = ch;
        }
        uint8_t hi = lo;
        if (c->p + 1 < c->end && *c->p == '-' && c->p[1] != ']') {
            c->p++;
            uint8_t h = *c->p++;
            if (h == '\\') {
                uint32_t cls[8] = { 0 };
                bool neg;
                int r = escape(c, cls, &neg, &h);
                if (r != 0) {
                    if (r > 0)
                        fail(c, "a class escape cannot end a range");
                    return;
                }
            }
            hi = h;
            if (hi < lo) {
                fail(c, "a range goes backwards (like [z-a])");
                return;
            }
        }
        for (unsigned b = lo; b <= hi; b++)
            set_add(set, b);
    }
    emit_set(c, set, negate);
}

static void alternation(struct comp *c, int depth);

/* One atom: its code is emitted at the end; returns where it starts. */
static bool atom(struct comp *c, int depth)
{
    uint8_t ch = *c->p++;
    switch (ch) {
    case '(':
        alternation(c, depth + 1);
        if (c->p == c->end || *c->p != ')') {
            fail(c, "missing ')'");
            return false;
        }
        c->p++;
        return true;
    case ')': fail(c, "unmatched ')'"); return false;
    case '.': {
        uint32_t set[8] = { 0 };
        set_add(set, '\n');
        emit(c, OP_SET, add_set(c, (uint32_t[8]){ ~set[0], ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u }), 0);
        return true;
    }
    case '[': bracket(c); return true;
    case '^': emit(c, OP_BOL, 0, 0); return true;
    case '$': emit(c, OP_EOL, 0, 0); return true;
    case '*':
    case '+':
    case '?':
    case '{': {
        char msg[64];
        snprintf(msg, sizeof msg, "nothing to repeat before '%c'", ch);
        fail(c, msg);
        return false;
    }
    case '\\': {
        uint32_t set[8] = { 0 };
        bool negate;
        uint8_t b;
        int r = escape(c, set, &negate, &b);
        if (r < 0)
            return false;
        if (r == 1)
            emit_set(c, set, negate);
        else
            emit_byte(c, b);
        return true;
    }
    default: emit_byte(c, ch); return true;
    }
}

/* Copy instructions [from, to) to the end, relocating their jumps. */
static void copy_code(struct comp *c, uint32_t from, uint32_t to)
{
    uint32_t at = c->rx->n;
    for (uint32_t k = from; k < to && !c->failed; k++) {
        struct insn i = c->rx->code[k];
        if (i.op == OP_SPLIT || i.op == OP_JMP) {
            i.x = i.x - from + at;
            if (i.op == OP_SPLIT)
                i.y = i.y - from + at;
        }
        emit(c, i.op, i.x, i.y);
    }
}

/* Make code [start, end) optional in place: SPLIT in front of it. */
static void make_optional(struct comp *c, uint32_t start)
{
    if (c->failed)
        return;
    uint32_t end = c->rx->n;
    emit(c, OP_JMP, 0, 0); /* placeholder, moved below */
    if (c->failed)
        return;
    struct insn *code = c->rx->code;
    memmove(code + start + 1, code + start, (end - start) * sizeof *code);
    for (uint32_t k = start + 1; k <= end; k++)
        if (code[k].op == OP_SPLIT || code[k].op == OP_JMP) {
            code[k].x++;
            if (code[k].op == OP_SPLIT)
                code[k].y++;
        }
    code[start] = (struct insn){ OP_SPLIT, start + 1, end + 1 };
}

/* X* over code [start, end): SPLIT body, out; body; JMP split. */
static void make_star(struct comp *c, uint32_t start)
{
    make_optional(c, start);
    emit(c, OP_JMP, start, 0);
    if (!c->failed)
        c->rx->code[start].y = c->rx->n;
}

static bool read_count(struct comp *c, unsigned *out)
{
    unsigned v = 0;
    bool any = false;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (unsigned)(*c->p++ - '0');
        any = true;
        if (v > 255) {
            fail(c, "a repetition count is above 255");
            return false;
        }
    }
    *out = v;
    return any;
}

static void piece(struct comp *c, int depth)
{
    uint32_t start = c->rx->n;
    if (!atom(c, depth))
        return;
    while (c->p < c->end && !c->failed) {
        uint8_t q = *c->p;
        if (q == '*') {
            c->p++;
            make_star(c, start);
        } else if (q == '+') {
            c->p++;
            uint32_t end = c->rx->n;
            copy_code(c, start, end);
            make_star(c, end);
        } else if (q == '?') {
            c->p++;
            make_optional(c, start);
        } else if (q == '{') {
            c->p++;
            unsigned lo, hi;
            if (!read_count(c, &lo)) {
                fail(c, "expected a count after '{'");
                return;
            }
            bool unbounded = false;
            hi = lo;
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                if (!read_count(c, &hi))
                    unbounded = true;
            }
            if (c->p == c->end || *c->p != '}') {
                fail(c, "missing '}'");
                return;
            }
            c->p++;
            if (!unbounded && hi < lo) {
                fail(c, "a repetition {n,m} has m below n");
                return;
            }
            uint32_t end = c->rx->n, len = end - start;
            if (lo == 0 && (unbounded || hi == 0)) {
                if (unbounded) {
                    make_star(c, start);
                } else {
                    c->rx->n = start; /* X{0}: nothing */
                }
                continue;
            }
            /* X{lo,hi}: lo copies (the one compiled counts), then hi - lo optional ones, or
             * X* if unbounded; X{0,hi} is all of that made optional. */
            unsigned base = lo ? lo : 1;
            for (unsigned k = 1; k < base && !c->failed; k++)
                copy_code(c, start, start + len);
            if (unbounded) {
                uint32_t at = c->rx->n;
                copy_code(c, start, start + len);
                make_star(c, at);
            } else {
                for (unsigned k = base; k < hi && !c->failed; k++) {
                    uint32_t at = c->rx->n;
                    copy_code(c, start, start + len);
                    make_optional(c, at);
                }
            }
            if (lo == 0)
                make_optional(c, start);
        } else {
            break;
        }
    }
}

static void concatenation(struct comp *c, int depth)
{
    while (c->p < c->end && *c->p != '|' && *c->p != ')' && !c->failed)
        piece(c, depth);
}

static void alternation(struct comp *c, int depth)
{
    if (depth > 64) {
        fail(c, "groups nested deeper than 64");
        return;
    }
    uint32_t start = c->rx->n;
    concatenation(c, depth);
    while (c->p < c->end && *c->p == '|' && !c->failed) {
        c->p++;
        /* start: SPLIT a, b; a: left; JMP end; b: right; end: */
        uint32_t jmp = emit(c, OP_JMP, 0, 0);
        make_optional(c, start); /* SPLIT start+1, after the JMP */
        jmp++;
        concatenation(c, depth);
        if (!c->failed)
            c->rx->code[jmp].x = c->rx->n;
    }
    if (depth == 0 && c->p < c->end && *c->p == ')')
        fail(c, "unmatched ')'");
}

struct script_rx *script_rx_compile(const uint8_t *pat, size_t len, bool regex, bool icase,
                                    char *why, size_t whylen)
{
    struct script_rx *rx = calloc(1, sizeof *rx);
    if (!rx) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    struct comp c = { rx, pat, pat + len, icase, why, whylen, false };
    if (len == 0)
        fail(&c,
             regex ? "empty regex: it would match at once" : "empty text: it would match at once");
    else if (regex)
        alternation(&c, 0);
    else
        for (size_t k = 0; k < len; k++)
            emit_byte(&c, pat[k]);
    emit(&c, OP_MATCH, 0, 0);
    if (c.failed) {
        script_rx_free(rx);
        return NULL;
    }
    return rx;
}

void script_rx_free(struct script_rx *rx)
{
    if (!rx)
        return;
    free(rx->code);
    free(rx->sets);
    free(rx);
}

/* ---- the Pike VM ---- */

bool script_rx_reset(const struct script_rx *rx, struct script_rx_run *run, bool line_start)
{
    script_rx_run_free(run);
    run->cur = calloc(rx->n, sizeof *run->cur);
    run->next = calloc(rx->n, sizeof *run->next);
    run->mark = calloc(rx->n, sizeof *run->mark);
    run->ncur = run->nnext = 0;
    run->gen = 1;
    run->line_start = line_start;
    return run->cur && run->next && run->mark;
}

void script_rx_run_free(struct script_rx_run *run)
{
    free(run->cur);
    free(run->next);
    free(run->mark);
    memset(run, 0, sizeof *run);
}

/* Add thread `pc` and everything it reaches without consuming a byte. `bol`: at the start
 * of a line; `eol`: 1 before a newline, 0 before another byte, -1 not known yet (a thread
 * at $ then waits in the list). True if MATCH was reached. */
static bool add(const struct script_rx *rx, struct script_rx_run *run, uint32_t *list, unsigned *n,
                uint32_t pc, bool bol, int eol)
{
    if (run->mark[pc] == run->gen)
        return false;
    run->mark[pc] = run->gen;
    const struct insn *i = &rx->code[pc];
    switch (i->op) {
    case OP_JMP: return add(rx, run, list, n, i->x, bol, eol);
    case OP_SPLIT: {
        /* Both branches are added, whatever the first returns. */
        bool first = add(rx, run, list, n, i->x, bol, eol);
        bool second = add(rx, run, list, n, i->y, bol, eol);
        return first || second;
    }
    case OP_BOL: return bol && add(rx, run, list, n, pc + 1, bol, eol);
    case OP_EOL:
        if (eol < 0) {
            list[(*n)++] = pc; /* decided by the next byte */
            return false;
        }
        return eol && add(rx, run, list, n, pc + 1, bol, eol);
    case OP_MATCH: return true;
    default: list[(*n)++] = pc; return false;
    }
}

bool script_rx_feed(const struct script_rx *rx, struct script_rx_run *run, uint8_t b, bool *before)
{
    *before = false;
    if (!run->cur)
        return false;
    /* Before b: threads waiting at $ learn whether a newline follows, and a new thread
     * starts here (the search is unanchored). */
    if (++run->gen == 0) {
        memset(run->mark, 0, rx->n * sizeof *run->mark);
        run->gen = 1;
    }
    unsigned n = 0;
    bool matched = false;
    int eol = b == '\n';
    for (unsigned k = 0; k < run->ncur; k++) {
        uint32_t pc = run->cur[k];
        if (rx->code[pc].op == OP_EOL)
            matched |= eol && add(rx, run, run->next, &n, pc + 1, run->line_start, eol);
        else if (run->mark[pc] != run->gen) {
            run->mark[pc] = run->gen;
            run->next[n++] = pc;
        }
    }
    matched |= add(rx, run, run->next, &n, 0, run->line_start, eol);
    if (matched) {
        *before = true;
        run->ncur = 0;
        return true;
    }
    /* Consume b. */
    if (++run->gen == 0) {
        memset(run->mark, 0, rx->n * sizeof *run->mark);
        run->gen = 1;
    }
    unsigned m = 0;
    bool bol = b == '\n';
    for (unsigned k = 0; k < n; k++) {
        const struct insn *i = &rx->code[run->next[k]];
        bool take = i->op == OP_BYTE  ? i->x == b
                    : i->op == OP_SET ? set_has(rx->sets[i->x], b)
                                      : false;
        if (take)
            matched |= add(rx, run, run->cur, &m, run->next[k] + 1, bol, -1);
    }
    run->ncur = m;
    run->line_start = bol;
    if (matched)
        run->ncur = 0;
    return matched;
}
