/* Symbol table: names and address ranges of the firmware's functions and objects, taken
 * from the ELF .symtab (System V ABI, "Symbol Table" chapter) by loader/elf.c and used to
 * name addresses in traces, the debugger and the panel, and to find HTIF's tohost. */
#include "loader/symtab.h"

#include <stdlib.h>
#include <string.h>

struct symtab *symtab_new(void)
{
    return calloc(1, sizeof(struct symtab));
}

void symtab_free(struct symtab *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        free(st->syms[i].name);
    free(st->syms);
    free(st->reach);
    free(st);
}

void symtab_add(struct symtab *st, const char *name, uint64_t addr, uint64_t size,
                enum sym_type type)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct symbol *s = realloc(st->syms, cap * sizeof *s);
        if (!s) {
            st->out_of_memory = true;
            return;
        }
        st->syms = s;
        st->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        st->out_of_memory = true;
        return;
    }
    st->syms[st->n++] = (struct symbol){ .name = copy, .addr = addr, .size = size, .type = type };
}

static int symbol_cmp(const void *pa, const void *pb)
{
    const struct symbol *a = pa, *b = pb;
    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    /* Larger first, so that at one address the enclosing symbol precedes a zero-size
     * label; then by name so the order never depends on qsort's stability. */
    if (a->size != b->size)
        return a->size > b->size ? -1 : 1;
    return strcmp(a->name, b->name);
}

static uint64_t symbol_end(const struct symbol *s)
{
    uint64_t end = s->addr + s->size;
    return end < s->addr ? UINT64_MAX : end;
}

void symtab_finish(struct symtab *st)
{
    if (st->n > 1)
        qsort(st->syms, st->n, sizeof *st->syms, symbol_cmp);
    free(st->reach);
    st->reach = NULL;
    if (st->n == 0)
        return;
    st->reach = malloc(st->n * sizeof *st->reach);
    if (!st->reach) {
        st->out_of_memory = true;
        return;
    }
    uint64_t reach = 0;
    for (size_t i = 0; i < st->n; i++) {
        uint64_t end = symbol_end(&st->syms[i]);
        if (end > reach)
            reach = end;
        st->reach[i] = reach;
    }
}

bool symtab_find(const struct symtab *st, const char *name, uint64_t *addr)
{
    if (!st)
        return false;
    for (size_t i = 0; i < st->n; i++) {
        if (strcmp(st->syms[i].name, name) == 0) {
            if (addr)
                *addr = st->syms[i].addr;
            return true;
        }
    }
    return false;
}

const struct symbol *symtab_lookup(const struct symtab *st, uint64_t addr)
{
    if (!st || st->n == 0)
        return NULL;
    /* hi = number of symbols starting at or below addr. */
    size_t lo = 0, hi = st->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (hi == 0)
        return NULL;

    /* The nearest symbol below is the first of those sharing the highest start address,
     * which the sort order makes the function, if there is one. */
    size_t nearest = hi - 1;
    while (nearest > 0 && st->syms[nearest - 1].addr == st->syms[hi - 1].addr)
        nearest--;

    const struct symbol *func = NULL, *any = NULL;
    for (size_t i = hi; i-- > 0;) {
        /* Without reach (allocation failed) scan everything: slower, still correct. */
        if (st->reach && st->reach[i] <= addr)
            break;
        const struct symbol *s = &st->syms[i];
        if (addr < symbol_end(s)) {
            if (s->type == SYM_FUNC) {
                func = s;
                break;
            }
            if (!any)
                any = s;
        }
    }
    if (func)
        return func;
    if (any)
        return any;
    return &st->syms[nearest];
}
