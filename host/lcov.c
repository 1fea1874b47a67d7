/* lcov tracefiles (see lcov.h): read, summed, written. */
#include "host/lcov.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lline {
    unsigned line;
    uint64_t hits;
};

struct lfn {
    char *name;
    unsigned line;
    uint64_t hits;
};

/* BRDA:line,block,branch,count ("-": the branch's code never ran). */
struct lbr {
    unsigned line, block, branch;
    uint64_t hits;
    bool ran;
};

struct lsrc {
    char *path;
    struct lline *lines;
    size_t nlines, lcap;
    struct lfn *fns;
    size_t nfns, fcap;
    struct lbr *brs;
    size_t nbrs, bcap;
};

struct lset {
    struct lsrc *srcs;
    size_t n, cap;
    bool oom;
};

static void *grow(void *v, size_t *cap, size_t n, size_t size, bool *oom)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? 2 * *cap : 64;
    void *w = realloc(v, c * size);
    if (!w) {
        *oom = true;
        return NULL;
    }
    *cap = c;
    return w;
}

static struct lsrc *source(struct lset *s, const char *path)
{
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->srcs[k].path, path) == 0)
            return &s->srcs[k];
    struct lsrc *v = grow(s->srcs, &s->cap, s->n, sizeof *v, &s->oom);
    char *copy = strdup(path);
    if (!v || !copy) {
        free(copy);
        s->oom = true;
        return NULL;
    }
    s->srcs = v;
    v[s->n] = (struct lsrc){ .path = copy };
    return &v[s->n++];
}

static struct lfn *function(struct lset *s, struct lsrc *src, const char *name)
{
    for (size_t k = 0; k < src->nfns; k++)
        if (strcmp(src->fns[k].name, name) == 0)
            return &src->fns[k];
    struct lfn *v = grow(src->fns, &src->fcap, src->nfns, sizeof *v, &s->oom);
    char *copy = strdup(name);
    if (!v || !copy) {
        free(copy);
        s->oom = true;
        return NULL;
    }
    src->fns = v;
    v[src->nfns] = (struct lfn){ .name = copy };
    return &v[src->nfns++];
}

/* "N,REST": N into *num, REST returned (NULL if malformed). */
static const char *number_comma(const char *p, uint64_t *num)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || *end != ',' || errno)
        return NULL;
    *num = v;
    return end + 1;
}

static bool read_file(struct lset *s, const char *path, FILE *f, char *err, size_t errlen)
{
    char line[8192];
    struct lsrc *src = NULL;
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        uint64_t a, b;
        const char *rest;
        bool ok = true;
        if (strncmp(line, "SF:", 3) == 0) {
            src = source(s, line + 3);
        } else if (strcmp(line, "end_of_record") == 0) {
            src = NULL;
        } else if (strncmp(line, "DA:", 3) == 0) {
            ok = src && (rest = number_comma(line + 3, &a)) && a > 0 && a <= UINT32_MAX;
            if (ok) {
                b = strtoull(rest, NULL, 10); /* a checksum may follow */
                struct lline *v = grow(src->lines, &src->lcap, src->nlines, sizeof *v, &s->oom);
                if (v) {
                    src->lines = v;
                    v[src->nlines++] = (struct lline){ (unsigned)a, b };
                }
            }
        } else if (strncmp(line, "FN:", 3) == 0) {
            ok = src && (rest = number_comma(line + 3, &a)) && *rest;
            struct lfn *fn = ok ? function(s, src, rest) : NULL;
            if (fn)
                fn->line = (unsigned)a;
        } else if (strncmp(line, "BRDA:", 5) == 0) {
            uint64_t blk, br;
            ok = src && (rest = number_comma(line + 5, &a)) && (rest = number_comma(rest, &blk)) &&
                 (rest = number_comma(rest, &br)) && *rest && a <= UINT32_MAX &&
                 blk <= UINT32_MAX && br <= UINT32_MAX;
            struct lbr *v = ok ? grow(src->brs, &src->bcap, src->nbrs, sizeof *v, &s->oom) : NULL;
            if (v) {
                src->brs = v;
                bool ran = strcmp(rest, "-") != 0;
                v[src->nbrs++] = (struct lbr){ (unsigned)a, (unsigned)blk, (unsigned)br,
                                               ran ? strtoull(rest, NULL, 10) : 0, ran };
            }
        } else if (strncmp(line, "FNDA:", 5) == 0) {
            ok = src && (rest = number_comma(line + 5, &a)) && *rest;
            struct lfn *fn = ok ? function(s, src, rest) : NULL;
            if (fn)
                fn->hits += a;
        }
        if (!ok) {
            snprintf(err, errlen, "%s:%u: not an lcov tracefile line: '%.60s'", path, lineno, line);
            return false;
        }
        if (s->oom) {
            snprintf(err, errlen, "out of memory reading %s", path);
            return false;
        }
    }
    return true;
}

/* qsort, but an empty array may be NULL (which qsort's declaration forbids). */
static void sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, size, cmp);
}

static int cmp_src(const void *a, const void *b)
{
    return strcmp(((const struct lsrc *)a)->path, ((const struct lsrc *)b)->path);
}

static int cmp_line(const void *a, const void *b)
{
    const struct lline *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_br(const void *a, const void *b)
{
    const struct lbr *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    return x->branch < y->branch ? -1 : x->branch > y->branch;
}

static int cmp_fn(const void *a, const void *b)
{
    const struct lfn *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void write_set(FILE *f, struct lset *s, struct lcov_totals *t)
{
    sort(s->srcs, s->n, sizeof *s->srcs, cmp_src);
    for (size_t k = 0; k < s->n; k++) {
        struct lsrc *src = &s->srcs[k];
        sort(src->fns, src->nfns, sizeof *src->fns, cmp_fn);
        sort(src->lines, src->nlines, sizeof *src->lines, cmp_line);
        fprintf(f, "TN:\nSF:%s\n", src->path);
        unsigned fh = 0, lf = 0, lh = 0;
        for (size_t i = 0; i < src->nfns; i++)
            fprintf(f, "FN:%u,%s\n", src->fns[i].line, src->fns[i].name);
        for (size_t i = 0; i < src->nfns; i++) {
            fprintf(f, "FNDA:%" PRIu64 ",%s\n", src->fns[i].hits, src->fns[i].name);
            fh += src->fns[i].hits > 0;
        }
        fprintf(f, "FNF:%zu\nFNH:%u\n", src->nfns, fh);
        t->fns += src->nfns;
        t->fns_hit += fh;
        sort(src->brs, src->nbrs, sizeof *src->brs, cmp_br);
        unsigned bf = 0, bh = 0;
        for (size_t i = 0; i < src->nbrs;) {
            struct lbr b = src->brs[i++];
            for (; i < src->nbrs && cmp_br(&src->brs[i], &b) == 0; i++) {
                b.hits += src->brs[i].hits;
                b.ran = b.ran || src->brs[i].ran;
            }
            if (b.ran)
                fprintf(f, "BRDA:%u,%u,%u,%" PRIu64 "\n", b.line, b.block, b.branch, b.hits);
            else
                fprintf(f, "BRDA:%u,%u,%u,-\n", b.line, b.block, b.branch);
            bf++;
            bh += b.hits > 0;
        }
        if (src->nbrs)
            fprintf(f, "BRF:%u\nBRH:%u\n", bf, bh);
        t->branches += bf;
        t->branches_hit += bh;
        for (size_t i = 0; i < src->nlines;) {
            unsigned line = src->lines[i].line;
            uint64_t hits = 0;
            for (; i < src->nlines && src->lines[i].line == line; i++)
                hits += src->lines[i].hits;
            fprintf(f, "DA:%u,%" PRIu64 "\n", line, hits);
            lf++;
            lh += hits > 0;
        }
        fprintf(f, "LF:%u\nLH:%u\nend_of_record\n", lf, lh);
        t->lines += lf;
        t->lines_hit += lh;
    }
}

static void free_set(struct lset *s)
{
    for (size_t k = 0; k < s->n; k++) {
        for (size_t i = 0; i < s->srcs[k].nfns; i++)
            free(s->srcs[k].fns[i].name);
        free(s->srcs[k].fns);
        free(s->srcs[k].brs);
        free(s->srcs[k].lines);
        free(s->srcs[k].path);
    }
    free(s->srcs);
}

bool lcov_merge(const char *const *in, size_t n, const char *out, size_t *missing,
                struct lcov_totals *totals, char *err, size_t errlen)
{
    struct lset s = { 0 };
    struct lcov_totals t = { 0 };
    bool ok = false;
    if (missing)
        *missing = 0;
    for (size_t k = 0; k < n; k++) {
        FILE *f = fopen(in[k], "r");
        if (!f) {
            if (errno == ENOENT) {
                if (missing)
                    (*missing)++;
                continue;
            }
            snprintf(err, errlen, "cannot read %s: %s", in[k], strerror(errno));
            goto done;
        }
        bool read = read_file(&s, in[k], f, err, errlen);
        fclose(f);
        if (!read)
            goto done;
    }
    FILE *f = fopen(out, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
        goto done;
    }
    write_set(f, &s, &t);
    if (totals)
        *totals = t;
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
        goto done;
    }
    ok = true;
done:
    free_set(&s);
    return ok;
}
