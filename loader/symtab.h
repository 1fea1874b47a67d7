/* Symbol table kept from the firmware's ELF for traces, the debugger and the panel.
 *
 * Usage: symtab_new(), symtab_add() for each symbol, symtab_finish() once, then
 * symtab_find() (name -> address) and symtab_lookup() (address -> symbol) as often as
 * needed; symtab_free() at the end. A lookup costs a binary search plus a short backward
 * scan, so traces can call it for every instruction.
 */
#ifndef HARTLAB_LOADER_SYMTAB_H
#define HARTLAB_LOADER_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sym_type { SYM_FUNC, SYM_OBJECT, SYM_OTHER };

struct symbol {
    char *name;
    uint64_t addr, size;
    enum sym_type type;
};

struct symtab {
    struct symbol *syms; /* sorted by address once symtab_finish() ran */
    size_t n, cap;
    /* reach[i] = highest addr+size over syms[0..i]: lets a lookup stop scanning back as
     * soon as no earlier symbol can contain the address. Built by symtab_finish(). */
    uint64_t *reach;
    /* An allocation failed and at least one symbol was dropped. */
    bool out_of_memory;
};

/* NULL only if memory is exhausted. */
struct symtab *symtab_new(void);
void symtab_free(struct symtab *st);
/* Copies `name`. On allocation failure the symbol is dropped and out_of_memory set. */
void symtab_add(struct symtab *st, const char *name, uint64_t addr, uint64_t size,
                enum sym_type type);
/* Sort by address (functions first at equal addresses); call after the last symtab_add. */
void symtab_finish(struct symtab *st);
/* Address of the symbol called `name` (the lowest one, if several share the name); false
 * if absent. */
bool symtab_find(const struct symtab *st, const char *name, uint64_t *addr);
/* The function (or else any symbol) containing `addr`, or the nearest one below it;
 * NULL if none. When several contain it, the one starting highest (innermost) wins. */
const struct symbol *symtab_lookup(const struct symtab *st, uint64_t addr);

#endif
