/* The cycle profiler (see profile.h). Per hart it keeps a calling-context tree: one node
 * per distinct call path, holding how often that path was entered and the cycles and
 * instructions spent in it exclusively; and, per instruction address, the exclusive costs
 * charged there. Both outputs are computed from these when the run ends. Callgrind's
 * format is described in valgrind's "Callgrind Format Specification"; folded stacks are
 * the "frame;frame;frame count" lines flame-graph tools read.
 */
#include "ui/profile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HARTLAB_HAVE_LIBDW
#include <dwarf.h>
#include <elfutils/libdw.h>
#endif

#include "core/decode.h"
#include "core/hart.h"
#include "loader/symtab.h"
#include "platform/machine.h"
#include "ui/observe.h"

#define MAX_DEPTH 1024
#define MAX_NODES (1u << 22)
#define NO_NODE   UINT32_MAX

/* A function: a symbol's entry, "[unknown]" (no symbol), or a trap root. */
struct pfunc {
    char *name;
    uint64_t key; /* symbol address; trap roots: the cause with bit 63 flipped */
    uint8_t kind; /* FN_SYMBOL, FN_UNKNOWN, FN_TRAP */
};
enum { FN_SYMBOL, FN_UNKNOWN, FN_TRAP };

/* A calling-context node. Children are a singly linked list (few per node). */
struct pnode {
    uint32_t fn, parent, child, sibling;
    uint64_t calls, cycles, insns;
    uint64_t site; /* pc of the first call that entered it (0: a trap root or the start) */
};

struct pframe {
    uint32_t node;
    uint64_t ra; /* the return address its call saved */
    bool trap;   /* a trap root: returns stop here, mret pops through it */
};

/* Exclusive cost at one instruction address. */
struct pcost {
    uint64_t pc;
    uint64_t cycles, insns;
    uint64_t taken; /* a conditional branch: the times it was taken (--coverage) */
    uint32_t fn;
    bool used;
};

struct phart {
    struct hart *h;
    struct pnode *nodes;
    uint32_t nnodes, cap;
    struct pframe stack[MAX_DEPTH];
    unsigned depth, lost;
    uint64_t last_cycles, last_insns;
    /* The function of the last pc looked up, valid for pc in [lo, hi). */
    uint64_t lo, hi;
    uint32_t lo_fn;
    /* After a trap or a trap return, the step hook's report of the instruction that
     * caused it (whose cost is already charged) is skipped. */
    bool skip;
    uint64_t skip_pc;
    struct pcost *costs;
    size_t ncosts, costcap; /* open addressing, capacity a power of two */
    uint64_t last_pc;
    bool truncated; /* ran out of nodes: deeper paths were charged to their parent */
};

struct profile {
    struct observe *ob;
    struct machine *m;
    struct profile_config cfg;
    struct pfunc *fns;
    uint32_t nfns, fncap;
    uint32_t *fnhash; /* fn index + 1 by key, open addressing */
    uint32_t fnhashcap;
    struct phart harts[MACHINE_MAX_HARTS];
    unsigned nharts;
    bool oom;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* ---- functions ---- */

static uint64_t fn_key(uint8_t kind, uint64_t key)
{
    /* Symbols keep their address; the others get keys no address can have. */
    return kind == FN_SYMBOL ? key : kind == FN_UNKNOWN ? UINT64_MAX : key ^ (1ull << 63);
}

static bool fn_rehash(struct profile *p, uint32_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (uint32_t i = 0; i < p->nfns; i++) {
        uint32_t s = (uint32_t)mix(fn_key(p->fns[i].kind, p->fns[i].key)) & (cap - 1);
        while (t[s])
            s = (s + 1) & (cap - 1);
        t[s] = i + 1;
    }
    free(p->fnhash);
    p->fnhash = t;
    p->fnhashcap = cap;
    return true;
}

/* The function for (kind, key), created with `name` if new; 0 ("[unknown]") if memory
 * runs out. */
static uint32_t fn_get(struct profile *p, uint8_t kind, uint64_t key, const char *name)
{
    uint64_t k = fn_key(kind, key);
    uint32_t s = (uint32_t)mix(k) & (p->fnhashcap - 1);
    while (p->fnhash[s]) {
        struct pfunc *f = &p->fns[p->fnhash[s] - 1];
        if (f->kind == kind && fn_key(f->kind, f->key) == k)
            return p->fnhash[s] - 1;
        s = (s + 1) & (p->fnhashcap - 1);
    }
    if (p->nfns == p->fncap) {
        uint32_t cap = p->fncap * 2;
        struct pfunc *n = realloc(p->fns, cap * sizeof *n);
        if (!n) {
            p->oom = true;
            return 0;
        }
        p->fns = n;
        p->fncap = cap;
    }
    char *copy = strdup(name);
    if (!copy) {
        p->oom = true;
        return 0;
    }
    uint32_t id = p->nfns++;
    p->fns[id] = (struct pfunc){ .name = copy, .key = key, .kind = kind };
    if (2 * p->nfns > p->fnhashcap) {
        if (!fn_rehash(p, p->fnhashcap * 2))
            p->oom = true;
    } else {
        p->fnhash[s] = id + 1;
    }
    return id;
}

/* The function containing `pc`, remembered with the range it covers. */
static uint32_t fn_of_pc(struct profile *p, struct phart *ph, uint64_t pc)
{
    if (pc >= ph->lo && pc < ph->hi)
        return ph->lo_fn;
    const struct symtab *st = p->m->symbols;
    const struct symbol *s = st ? symtab_lookup(st, pc) : NULL;
    /* A symbol without a size (an assembly label) reaches up to the next symbol. */
    if (s && pc >= s->addr && (s->size ? pc - s->addr < s->size : pc - s->addr < 0x100000)) {
        uint64_t hi = s->size ? s->addr + s->size : UINT64_MAX;
        /* The next symbol above pc ends the range (binary search in the sorted table). */
        size_t lo = 0, n = st->n;
        while (lo < n) {
            size_t mid = lo + (n - lo) / 2;
            if (st->syms[mid].addr <= pc)
                lo = mid + 1;
            else
                n = mid;
        }
        if (lo < st->n && st->syms[lo].addr < hi)
            hi = st->syms[lo].addr;
        if (!s->size && hi - s->addr > 0x100000)
            hi = s->addr + 0x100000;
        ph->lo = s->addr;
        ph->hi = hi;
        ph->lo_fn = fn_get(p, FN_SYMBOL, s->addr, s->name);
        return ph->lo_fn;
    }
    ph->lo = ph->hi = 0;
    return fn_get(p, FN_UNKNOWN, 0, "[unknown]");
}

/* ---- the calling-context tree ---- */

static uint32_t node_new(struct profile *p, struct phart *ph, uint32_t parent, uint32_t fn)
{
    if (ph->nnodes == ph->cap) {
        uint32_t cap = ph->cap * 2;
        struct pnode *n = cap <= MAX_NODES ? realloc(ph->nodes, (size_t)cap * sizeof *n) : NULL;
        if (!n) {
            ph->truncated = true;
            if (cap <= MAX_NODES)
                p->oom = true;
            return parent;
        }
        ph->nodes = n;
        ph->cap = cap;
    }
    uint32_t id = ph->nnodes++;
    ph->nodes[id] =
        (struct pnode){ .fn = fn, .parent = parent, .child = NO_NODE, .sibling = NO_NODE };
    if (parent != NO_NODE) {
        ph->nodes[id].sibling = ph->nodes[parent].child;
        ph->nodes[parent].child = id;
    }
    return id;
}

/* The child of `parent` for `fn`, created if new; entered once more. */
static uint32_t node_enter(struct profile *p, struct phart *ph, uint32_t parent, uint32_t fn,
                           uint64_t site)
{
    uint32_t c = ph->nodes[parent].child;
    while (c != NO_NODE && ph->nodes[c].fn != fn)
        c = ph->nodes[c].sibling;
    if (c == NO_NODE) {
        c = node_new(p, ph, parent, fn);
        if (c != parent)
            ph->nodes[c].site = site;
    }
    ph->nodes[c].calls++;
    return c;
}

/* ---- costs per instruction address ---- */

static bool costs_grow(struct phart *ph)
{
    size_t cap = ph->costcap ? ph->costcap * 2 : 1024;
    struct pcost *t = calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < ph->costcap; i++) {
        if (!ph->costs[i].used)
            continue;
        size_t s = mix(ph->costs[i].pc) & (cap - 1);
        while (t[s].used)
            s = (s + 1) & (cap - 1);
        t[s] = ph->costs[i];
    }
    free(ph->costs);
    ph->costs = t;
    ph->costcap = cap;
    return true;
}

/* Charged, at pc: its entry (NULL when out of memory). */
static struct pcost *charge(struct profile *p, struct phart *ph, uint64_t pc, uint32_t fn,
                            uint64_t cycles, uint64_t insns)
{
    struct pnode *n = &ph->nodes[ph->stack[ph->depth - 1].node];
    n->cycles += cycles;
    n->insns += insns;
    if (2 * (ph->ncosts + 1) > ph->costcap && !costs_grow(ph)) {
        p->oom = true;
        return NULL;
    }
    size_t s = mix(pc) & (ph->costcap - 1);
    while (ph->costs[s].used && ph->costs[s].pc != pc)
        s = (s + 1) & (ph->costcap - 1);
    if (!ph->costs[s].used) {
        ph->costs[s] = (struct pcost){ .pc = pc, .fn = fn, .used = true };
        ph->ncosts++;
    }
    ph->costs[s].cycles += cycles;
    ph->costs[s].insns += insns;
    return &ph->costs[s];
}

/* Cycles and instructions since the last report, charged at `pc` to the innermost frame. */
static void charge_pending(struct profile *p, struct phart *ph, uint64_t pc)
{
    struct hart *h = ph->h;
    uint64_t dc = hart_cycles(h) - ph->last_cycles, di = hart_retired(h) - ph->last_insns;
    ph->last_cycles = hart_cycles(h);
    ph->last_insns = hart_retired(h);
    ph->last_pc = pc;
    if (dc || di)
        charge(p, ph, pc, fn_of_pc(p, ph, pc), dc, di);
}

static void push(struct phart *ph, uint32_t node, uint64_t ra, bool trap)
{
    if (ph->depth == MAX_DEPTH) {
        ph->lost++;
        return;
    }
    ph->stack[ph->depth++] = (struct pframe){ .node = node, .ra = ra, .trap = trap };
}

static struct phart *hart_of(struct profile *p, const struct hart *h)
{
    for (unsigned k = 0; k < p->nharts; k++)
        if (p->harts[k].h == h)
            return &p->harts[k];
    return NULL;
}

static bool is_link(unsigned r)
{
    return r == 1 || r == 5;
}

static void on_step(void *ctx, struct hart *h, const struct insn *ins)
{
    struct profile *p = ctx;
    struct phart *ph = hart_of(p, h);
    if (!ph)
        return;
    if (ph->skip) {
        ph->skip = false;
        if (ins->pc == ph->skip_pc) {
            charge_pending(p, ph, ins->pc);
            return;
        }
    }
    uint32_t fn = fn_of_pc(p, ph, ins->pc);
    struct pframe *top = &ph->stack[ph->depth - 1];
    if (ph->nodes[top->node].fn != fn && !top->trap && ph->lost == 0) {
        /* Reached without a call we saw: a tail call (or a jump) from the innermost
         * function; the new one takes its place under the same caller. */
        uint32_t parent = ph->nodes[top->node].parent;
        if (parent != NO_NODE)
            top->node = node_enter(p, ph, parent, fn, ins->pc);
    }
    uint64_t dc = hart_cycles(h) - ph->last_cycles, di = hart_retired(h) - ph->last_insns;
    ph->last_cycles = hart_cycles(h);
    ph->last_insns = hart_retired(h);
    ph->last_pc = ins->pc;
    struct pcost *c = dc || di ? charge(p, ph, ins->pc, fn, dc, di) : NULL;
    /* A conditional branch was taken when the pc after it (the hook runs after the
     * instruction) is not the next instruction's (--coverage). */
    if ((ins->flags & COND_BRANCH) && ins->id != INSN_COUNT && hart_pc(h) != ins->pc + ins->len &&
        (c || (c = charge(p, ph, ins->pc, fn, 0, 0))))
        c->taken++;
    if (ins->sem != INSN_jal && ins->sem != INSN_jalr)
        return;
    bool links = is_link(ins->rd);
    bool pops = ins->sem == INSN_jalr && is_link(ins->rs1) && (!links || ins->rs1 != ins->rd);
    if (pops) {
        if (ph->lost) {
            ph->lost--;
        } else {
            /* Pop to the frame whose saved return address this is, if one is (a longjmp
             * leaves frames behind), else just the innermost; never the first frame nor
             * a handler's (a trap root's callee). */
            unsigned k = ph->depth;
            while (k > 1 && !ph->stack[k - 1].trap && ph->stack[k - 1].ra != hart_pc(h))
                k--;
            if (k <= 1 || ph->stack[k - 1].trap)
                k = ph->depth;
            /* Frames k-1 and above go; what remains must not end in a trap root. */
            if (k >= 2 && !ph->stack[k - 1].trap && !ph->stack[k - 2].trap)
                ph->depth = k - 1;
        }
    }
    if (links) {
        uint32_t caller = ph->stack[ph->depth - 1].node;
        uint32_t callee = node_enter(p, ph, caller, fn_of_pc(p, ph, hart_pc(h)), ins->pc);
        push(ph, callee, ins->pc + ins->len, false);
    }
}

static void on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    (void)tval;
    struct profile *p = ctx;
    struct phart *ph = hart_of(p, h);
    if (!ph)
        return;
    /* What ran up to the trap (an exception: the instruction that raised it) belongs to
     * the code that was running. */
    charge_pending(p, ph, epc);
    bool irq = cause >> (hart_xlen(h) - 1);
    char name[96];
    const char *what = irq ? "interrupt" : "exception",
               *cn = observe_cause_name(cause, hart_xlen(h));
    if (strcmp(cn, what) == 0) /* a cause without a name */
        snprintf(name, sizeof name, "[%s %" PRIu64 "]", what,
                 (uint64_t)(cause & ~(1ull << (hart_xlen(h) - 1))));
    else
        snprintf(name, sizeof name, "[%s %s]", what, cn);
    uint32_t root_fn = fn_get(p, FN_TRAP, cause, name);
    uint32_t root = node_enter(p, ph, 0, root_fn, 0);
    push(ph, root, 0, true);
    uint32_t handler = node_enter(p, ph, root, fn_of_pc(p, ph, hart_pc(h)), 0);
    push(ph, handler, 0, false);
    ph->skip = true;
    ph->skip_pc = epc;
}

static void on_trap_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    struct profile *p = ctx;
    struct phart *ph = hart_of(p, h);
    if (!ph)
        return;
    charge_pending(p, ph, from_pc);
    unsigned k = ph->depth;
    while (k > 1 && !ph->stack[k - 1].trap)
        k--;
    if (k > 1) {
        ph->depth = k - 1;
        ph->lost = 0;
    }
    ph->skip = true;
    ph->skip_pc = from_pc;
}

struct profile *profile_new(struct observe *ob, const struct profile_config *cfg, char *err,
                            size_t errlen)
{
    struct profile *p = calloc(1, sizeof *p);
    if (!p)
        goto oom;
    p->ob = ob;
    p->m = observe_machine(ob);
    p->cfg = *cfg;
    p->fncap = 256;
    if (!(p->fns = malloc(p->fncap * sizeof *p->fns)) || !fn_rehash(p, 512))
        goto oom;
    fn_get(p, FN_UNKNOWN, 0, "[unknown]");
    p->nharts = machine_nharts(p->m);
    for (unsigned k = 0; k < p->nharts; k++) {
        struct phart *ph = &p->harts[k];
        struct hart *h = machine_hart(p->m, k);
        ph->h = h;
        ph->cap = 1024;
        if (!(ph->nodes = malloc(ph->cap * sizeof *ph->nodes)) || !costs_grow(ph))
            goto oom;
        /* Node 0: the hart itself (no function); node 1: the code it starts in. */
        node_new(p, ph, NO_NODE, 0);
        uint32_t first = node_enter(p, ph, 0, fn_of_pc(p, ph, hart_pc(h)), 0);
        push(ph, first, 0, false);
        ph->last_cycles = hart_cycles(h);
        ph->last_insns = hart_retired(h);
        ph->last_pc = hart_pc(h);
    }
    if (p->oom)
        goto oom;
    observe_on_step(ob, on_step, p);
    observe_on_trap(ob, on_trap, p);
    observe_on_trap_return(ob, on_trap_return, p);
    observe_require_stepping(ob);
    return p;
oom:
    profile_free(p);
    snprintf(err, errlen, "out of memory for the profiler");
    return NULL;
}

/* ---- source lines: DWARF's line table (.debug_line) through elfutils' libdw ---- */

/* File names for callgrind's fl=/fi= (id = index + 1; id 1 is "???", unknown). */
struct srclines {
#ifdef HARTLAB_HAVE_LIBDW
    Dwarf *dbg;
    int fd;
#endif
    bool have; /* the firmware has a line table */
    char **files;
    unsigned nfiles, cap;
    bool *named;
};

static unsigned src_file_id(struct srclines *s, const char *name)
{
    for (unsigned i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i], name) == 0)
            return i + 1;
    if (s->nfiles == s->cap) {
        unsigned cap = s->cap ? 2 * s->cap : 16;
        char **n = realloc(s->files, cap * sizeof *n);
        bool *b = realloc(s->named, cap * sizeof *b);
        if (b)
            s->named = b;
        if (!n || !b) {
            if (n)
                s->files = n;
            return 1;
        }
        s->files = n;
        s->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return 1;
    s->files[s->nfiles] = copy;
    s->named[s->nfiles] = false;
    return ++s->nfiles;
}

static void src_open(struct srclines *s, const char *elf)
{
    memset(s, 0, sizeof *s);
    src_file_id(s, "???");
#ifdef HARTLAB_HAVE_LIBDW
    s->fd = elf ? open(elf, O_RDONLY) : -1;
    if (s->fd >= 0 && !(s->dbg = dwarf_begin(s->fd, DWARF_C_READ))) {
        close(s->fd);
        s->fd = -1;
    }
    s->have = s->dbg != NULL;
#else
    (void)elf;
#endif
}

static void src_close(struct srclines *s)
{
#ifdef HARTLAB_HAVE_LIBDW
    if (s->dbg)
        dwarf_end(s->dbg);
    if (s->fd >= 0)
        close(s->fd);
#endif
    for (unsigned i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    free(s->named);
}

#ifdef HARTLAB_HAVE_LIBDW
/* The id of a line table's file name: a relative name is relative to the compilation's
 * directory; the file's real path when it exists, so that callgrind_annotate and genhtml
 * find it from anywhere. */
static unsigned src_name_id(struct srclines *s, Dwarf_Die *cu, const char *name)
{
    char joined[4096], real[4096];
    Dwarf_Attribute attr;
    const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
    if (name[0] != '/' && dir) {
        snprintf(joined, sizeof joined, "%s/%s", dir, name);
        name = joined;
    }
    if (realpath(name, real))
        name = real;
    return src_file_id(s, name);
}
#endif

#ifdef HARTLAB_HAVE_LIBDW
/* The row of cu's line table whose code [its address, the next row's) holds addr, or NULL. */
/* Row i of a line table when it covers code: [*a, *b), up to the next row of its sequence;
 * NULL for the last row of a sequence (or a malformed one). */
static Dwarf_Line *row_range(Dwarf_Lines *dl, size_t i, size_t nl, Dwarf_Addr *a, Dwarf_Addr *b)
{
    Dwarf_Line *l = dwarf_onesrcline(dl, i), *l2 = i + 1 < nl ? dwarf_onesrcline(dl, i + 1) : NULL;
    bool end = false;
    if (!l || !l2 || dwarf_lineendsequence(l, &end) != 0 || end || dwarf_lineaddr(l, a) != 0 ||
        dwarf_lineaddr(l2, b) != 0 || *b <= *a)
        return NULL;
    return l;
}

static Dwarf_Line *line_covering(Dwarf_Die *cu, uint64_t addr)
{
    Dwarf_Lines *dl;
    size_t nl;
    Dwarf_Addr a, b;
    if (dwarf_getsrclines(cu, &dl, &nl) != 0)
        return NULL;
    for (size_t i = 0; i + 1 < nl; i++) {
        Dwarf_Line *l = row_range(dl, i, nl, &a, &b);
        if (l && a <= addr && addr < b)
            return l;
    }
    return NULL;
}
#endif

/* The file id and line of the code at `addr`; id 1 and line 0 if unknown. */
static unsigned src_lookup(struct srclines *s, uint64_t addr, unsigned *line)
{
    *line = 0;
#ifdef HARTLAB_HAVE_LIBDW
    Dwarf_Die cu;
    Dwarf_Line *l = NULL;
    const char *name;
    int n;
    if (!s->dbg)
        return 1;
    if (!dwarf_addrdie(s->dbg, addr, &cu) || !(l = dwarf_getsrc_die(&cu, addr))) {
        /* .debug_aranges may leave code out (GCC gives a unit whose code is in two sections,
         * e.g. a start-up in .text.init, a range of length 0): ask every unit's line table. */
        Dwarf_Off off = 0, next;
        size_t hsize;
        l = NULL;
        while (!l && dwarf_nextcu(s->dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
            if (dwarf_offdie(s->dbg, off + hsize, &cu))
                l = line_covering(&cu, addr);
            off = next;
        }
    }
    if (l && (name = dwarf_linesrc(l, NULL, NULL)) && dwarf_lineno(l, &n) == 0 && n > 0) {
        *line = (unsigned)n;
        return src_name_id(s, &cu, name);
    }
#else
    (void)s;
    (void)addr;
#endif
    return 1;
}

/* "fl=(id) name" the first time, "fl=(id)" after. */
static void src_ref(FILE *f, struct srclines *s, const char *what, unsigned id)
{
    if (s->named[id - 1]) {
        fprintf(f, "%s=(%u)\n", what, id);
    } else {
        fprintf(f, "%s=(%u) %s\n", what, id, s->files[id - 1]);
        s->named[id - 1] = true;
    }
}

/* A position: the address, and its line when the firmware has a line table. */
static void position(FILE *f, const struct srclines *s, uint64_t addr, unsigned line)
{
    if (s->have)
        fprintf(f, "0x%" PRIx64 " %u", addr, line);
    else
        fprintf(f, "0x%" PRIx64, addr);
}

/* ---- output ---- */

struct edge {
    uint32_t caller, callee;
    uint64_t site, calls, cycles, insns;
};

static int cmp_edge(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->caller != y->caller)
        return x->caller < y->caller ? -1 : 1;
    if (x->callee != y->callee)
        return x->callee < y->callee ? -1 : 1;
    return 0;
}

static int cmp_cost(const void *a, const void *b)
{
    const struct pcost *x = a, *y = b;
    if (x->fn != y->fn)
        return x->fn < y->fn ? -1 : 1;
    return x->pc < y->pc ? -1 : x->pc > y->pc;
}

/* Inclusive costs of every node (children have higher indices than their parents). */
static bool inclusive(const struct phart *ph, uint64_t **cyc, uint64_t **ins)
{
    *cyc = malloc(ph->nnodes * sizeof **cyc);
    *ins = malloc(ph->nnodes * sizeof **ins);
    if (!*cyc || !*ins) {
        free(*cyc);
        free(*ins);
        return false;
    }
    for (uint32_t i = 0; i < ph->nnodes; i++) {
        (*cyc)[i] = ph->nodes[i].cycles;
        (*ins)[i] = ph->nodes[i].insns;
    }
    for (uint32_t i = ph->nnodes; i-- > 1;) {
        uint32_t up = ph->nodes[i].parent;
        (*cyc)[up] += (*cyc)[i];
        (*ins)[up] += (*ins)[i];
    }
    return true;
}

static void fn_ref(FILE *f, const char *what, uint32_t id, const struct pfunc *fn, bool *named)
{
    if (named[id]) {
        fprintf(f, "%s=(%u)\n", what, id + 1);
    } else {
        fprintf(f, "%s=(%u) %s\n", what, id + 1, fn->name);
        named[id] = true;
    }
}

static bool write_callgrind(struct profile *p, unsigned k, const char *path, char *err,
                            size_t errlen)
{
    const struct phart *ph = &p->harts[k];
    uint64_t *icyc, *iins;
    if (!inclusive(ph, &icyc, &iins)) {
        snprintf(err, errlen, "--profile: out of memory writing %s", path);
        return false;
    }
    /* Calls between functions, summed over the call paths. */
    struct edge *edges = malloc((ph->nnodes + 1) * sizeof *edges);
    struct pcost *costs = malloc((ph->ncosts + 1) * sizeof *costs);
    bool *named = calloc(p->nfns, sizeof *named);
    FILE *f = NULL;
    bool ok = false;
    if (!edges || !costs || !named) {
        snprintf(err, errlen, "--profile: out of memory writing %s", path);
        goto out;
    }
    size_t ne = 0;
    for (uint32_t i = 1; i < ph->nnodes; i++) {
        const struct pnode *n = &ph->nodes[i];
        if (n->parent == 0)
            continue;
        edges[ne++] = (struct edge){ .caller = ph->nodes[n->parent].fn,
                                     .callee = n->fn,
                                     .site = n->site,
                                     .calls = n->calls,
                                     .cycles = icyc[i],
                                     .insns = iins[i] };
    }
    qsort(edges, ne, sizeof *edges, cmp_edge);
    size_t m = 0;
    for (size_t i = 0; i < ne; i++) {
        if (m && edges[m - 1].caller == edges[i].caller && edges[m - 1].callee == edges[i].callee) {
            edges[m - 1].calls += edges[i].calls;
            edges[m - 1].cycles += edges[i].cycles;
            edges[m - 1].insns += edges[i].insns;
        } else {
            edges[m++] = edges[i];
        }
    }
    ne = m;
    size_t nc = 0;
    for (size_t i = 0; i < ph->costcap; i++)
        if (ph->costs[i].used)
            costs[nc++] = ph->costs[i];
    qsort(costs, nc, sizeof *costs, cmp_cost);

    if (!(f = fopen(path, "w"))) {
        snprintf(err, errlen, "--profile: cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    fprintf(f, "# callgrind format\nversion: 1\ncreator: hartlab\n");
    fprintf(f, "cmd: %s\npart: 1\n", p->cfg.cmd ? p->cfg.cmd : "(firmware)");
    if (p->nharts > 1)
        fprintf(f, "thread: %u\n", k + 1);
    fprintf(f, "desc: Hart: %" PRIu64 "\n", hart_id(ph->h));
    fprintf(f, "desc: Trigger: end of the run\n");
    struct srclines src;
    src_open(&src, p->cfg.cmd);
    fprintf(f, "positions: %s\n", src.have ? "instr line" : "instr");
    fprintf(f, "event: Cycles : hart cycles (virtual clock)\n");
    fprintf(f, "event: Instructions : instructions retired\n");
    fprintf(f, "events: Cycles Instructions\n");
    fprintf(f, "summary: %" PRIu64 " %" PRIu64 "\n\n", icyc[0], iins[0]);
    if (p->cfg.cmd)
        fprintf(f, "ob=(1) %s\n", p->cfg.cmd);
    /* Each function with its own costs per instruction, then its calls. A function's file
     * is the one of its entry; lines from other files (inlined code) switch with fi=. */
    size_t ci = 0, ei = 0;
    unsigned line;
    for (uint32_t fn = 0; fn < p->nfns; fn++) {
        bool has_cost = ci < nc && costs[ci].fn == fn;
        bool has_calls = ei < ne && edges[ei].caller == fn;
        if (!has_cost && !has_calls)
            continue;
        const struct pfunc *pf = &p->fns[fn];
        unsigned file = pf->kind == FN_SYMBOL ? src_lookup(&src, pf->key, &line) : 1;
        /* A trap root has no code: it goes with its handler's file, so that no cfi= is
         * needed (callgrind_annotate names a cfi= file differently from an fl= one when
         * it lies below the current directory). */
        if (pf->kind == FN_TRAP && has_calls && p->fns[edges[ei].callee].kind == FN_SYMBOL)
            file = src_lookup(&src, p->fns[edges[ei].callee].key, &line);
        src_ref(f, &src, "fl", file);
        fn_ref(f, "fn", fn, pf, named);
        for (; ci < nc && costs[ci].fn == fn; ci++) {
            unsigned fi = src_lookup(&src, costs[ci].pc, &line);
            if (fi != file)
                src_ref(f, &src, "fi", file = fi);
            position(f, &src, costs[ci].pc, line);
            fprintf(f, " %" PRIu64 " %" PRIu64 "\n", costs[ci].cycles, costs[ci].insns);
        }
        for (; ei < ne && edges[ei].caller == fn; ei++) {
            const struct edge *e = &edges[ei];
            const struct pfunc *callee = &p->fns[e->callee];
            unsigned site_line, site_file = e->site ? src_lookup(&src, e->site, &site_line) : file;
            if (!e->site)
                site_line = 0;
            if (site_file != file)
                src_ref(f, &src, "fi", file = site_file);
            uint64_t target = callee->kind == FN_SYMBOL ? callee->key : 0;
            unsigned target_line = 0;
            unsigned target_file = target ? src_lookup(&src, target, &target_line) : 1;
            if (target_file != file) /* the callee's file, or it is taken for another function */
                src_ref(f, &src, "cfi", target_file);
            fn_ref(f, "cfn", e->callee, callee, named);
            fprintf(f, "calls=%" PRIu64 " ", e->calls);
            position(f, &src, target, target_line);
            fputc('\n', f);
            position(f, &src, e->site, site_line);
            fprintf(f, " %" PRIu64 " %" PRIu64 "\n", e->cycles, e->insns);
        }
    }
    src_close(&src);
    fprintf(f, "\ntotals: %" PRIu64 " %" PRIu64 "\n", icyc[0], iins[0]);
    ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "--profile: error writing %s: %s", path, strerror(errno));
out:
    free(icyc);
    free(iins);
    free(edges);
    free(costs);
    free(named);
    return ok;
}

static void write_path(FILE *f, const struct profile *p, const struct phart *ph, uint32_t node)
{
    if (ph->nodes[node].parent != 0 && ph->nodes[node].parent != NO_NODE) {
        write_path(f, p, ph, ph->nodes[node].parent);
        fputc(';', f);
    }
    fputs(p->fns[ph->nodes[node].fn].name, f);
}

static bool write_folded(struct profile *p, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "--profile: cannot write %s: %s", path, strerror(errno));
        return false;
    }
    for (unsigned k = 0; k < p->nharts; k++) {
        const struct phart *ph = &p->harts[k];
        for (uint32_t i = 1; i < ph->nnodes; i++) {
            if (!ph->nodes[i].cycles)
                continue;
            if (p->nharts > 1)
                fprintf(f, "hart%" PRIu64 ";", hart_id(ph->h));
            write_path(f, p, ph, i);
            fprintf(f, " %" PRIu64 "\n", ph->nodes[i].cycles);
        }
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "--profile: error writing %s: %s", path, strerror(errno));
    return ok;
}

/* ---- coverage: lcov's tracefile (the geninfo(1) manual, "TRACEFILE FORMAT") ---- */

/* A line with code (a row of a line table), a function's entry, or a conditional branch. */
struct cline {
    unsigned file, line; /* srclines id, line number */
    uint64_t hits;       /* branches: the times it ran */
    const char *fn;      /* a function's name (functions only) */
    uint64_t pc, taken;  /* branches only */
};

static int cmp_cost_pc(const void *a, const void *b)
{
    const struct pcost *x = a, *y = b;
    return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int cmp_cline(const void *a, const void *b)
{
    const struct cline *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->pc != y->pc)
        return x->pc < y->pc ? -1 : 1;
    return x->fn && y->fn ? strcmp(x->fn, y->fn) : 0;
}

struct clines {
    struct cline *v;
    size_t n, cap;
    bool oom;
};

static void cline_add(struct clines *cl, struct cline c)
{
    if (cl->n == cl->cap) {
        size_t cap = cl->cap ? 2 * cl->cap : 1024;
        struct cline *v = realloc(cl->v, cap * sizeof *v);
        if (!v) {
            cl->oom = true;
            return;
        }
        cl->v = v;
        cl->cap = cap;
    }
    cl->v[cl->n++] = c;
}

/* The pcost at pc in the sorted array, or NULL. */
/* The first entry of the sorted array at or above pc (n if none). */
static size_t cost_from(const struct pcost *c, size_t n, uint64_t pc)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (c[mid].pc < pc)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

static const struct pcost *cost_at(const struct pcost *c, size_t n, uint64_t pc)
{
    size_t a = cost_from(c, n, pc);
    return a < n && c[a].pc == pc ? &c[a] : NULL;
}

/* The conditional branches in [lo, hi) of the firmware as it is in memory now, decoded as
 * hart 0 decodes (its XLEN and extensions). */
static void branches_in(struct profile *p, struct clines *br, unsigned file, unsigned line,
                        uint64_t lo, uint64_t hi, const struct pcost *c, size_t n)
{
    struct hart *h = machine_hart(p->m, 0);
    for (uint64_t pc = lo; pc < hi;) {
        uint8_t b[4] = { 0 };
        if (!machine_read_mem(p->m, pc, b, 2))
            return;
        unsigned len = insn_length((uint16_t)(b[0] | b[1] << 8));
        if (len == 4 && !machine_read_mem(p->m, pc + 2, b + 2, 2))
            return;
        uint32_t raw =
            (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        const struct insn_desc *d =
            insn_lookup(len == 2 ? raw & 0xffff : raw, hart_xlen(h), hart_ext(h));
        if (d && (d->flags & COND_BRANCH)) {
            const struct pcost *k = cost_at(c, n, pc);
            cline_add(br,
                      (struct cline){ file, line, k ? k->insns : 0, NULL, pc, k ? k->taken : 0 });
        }
        pc += len == 2 ? 2 : 4;
    }
}

/* Every hart's instructions per address, summed, sorted by address. */
static struct pcost *merged_costs(const struct profile *p, size_t *n)
{
    size_t total = 0;
    for (unsigned k = 0; k < p->nharts; k++)
        total += p->harts[k].ncosts;
    struct pcost *c = malloc((total + 1) * sizeof *c);
    if (!c)
        return NULL;
    size_t m = 0;
    for (unsigned k = 0; k < p->nharts; k++)
        for (size_t i = 0; i < p->harts[k].costcap; i++)
            if (p->harts[k].costs[i].used)
                c[m++] = p->harts[k].costs[i];
    qsort(c, m, sizeof *c, cmp_cost_pc);
    size_t out = 0;
    for (size_t i = 0; i < m; i++) {
        if (out && c[out - 1].pc == c[i].pc) {
            c[out - 1].insns += c[i].insns;
            c[out - 1].taken += c[i].taken;
        } else
            c[out++] = c[i];
    }
    *n = out;
    return c;
}

/* How often the instruction in [lo, hi) that ran most often ran: a line's count. */
static uint64_t hits_in(const struct pcost *c, size_t n, uint64_t lo, uint64_t hi)
{
    uint64_t most = 0;
    for (size_t a = cost_from(c, n, lo); a < n && c[a].pc < hi; a++)
        most = c[a].insns > most ? c[a].insns : most;
    return most;
}

static bool write_lcov(struct profile *p, const char *path, char *err, size_t errlen)
{
    struct srclines s;
    src_open(&s, p->cfg.cmd);
    size_t ncost = 0;
    struct pcost *costs = merged_costs(p, &ncost);
    struct clines lines = { 0 }, fns = { 0 }, brs = { 0 };
    FILE *f = NULL;
    bool ok = false;
    if (!costs) {
        snprintf(err, errlen, "--coverage: out of memory writing %s", path);
        goto out;
    }
    if (!s.have) {
        snprintf(err, errlen,
                 "--coverage: %s has no DWARF line table, so no line can be counted: build it "
                 "with -g",
                 p->cfg.cmd ? p->cfg.cmd : "the firmware");
        goto out;
    }
#ifdef HARTLAB_HAVE_LIBDW
    /* Every row of every compilation unit's line table that covers code: [its address, the
     * next row's) in the same sequence. */
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(s.dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        Dwarf_Lines *dl;
        size_t nl;
        if (dwarf_offdie(s.dbg, off + hsize, &cu) && dwarf_getsrclines(&cu, &dl, &nl) == 0) {
            /* A unit's rows name few files, by pointers into its file table: the real path
             * (a realpath call) once per file, not once per row. */
            const char *last_name = NULL;
            unsigned last_id = 1;
            for (size_t i = 0; i + 1 < nl; i++) {
                Dwarf_Addr a, b;
                int ln;
                const char *name;
                Dwarf_Line *l = row_range(dl, i, nl, &a, &b);
                if (!l || dwarf_lineno(l, &ln) != 0 || ln <= 0 ||
                    !(name = dwarf_linesrc(l, NULL, NULL)))
                    continue;
                if (name != last_name) {
                    last_id = src_name_id(&s, &cu, name);
                    last_name = name;
                }
                unsigned id = last_id;
                cline_add(&lines, (struct cline){ id, (unsigned)ln, hits_in(costs, ncost, a, b),
                                                  NULL, 0, 0 });
                branches_in(p, &brs, id, (unsigned)ln, a, b, costs, ncost);
            }
        }
        off = next;
    }
#endif
    /* Functions: each symbol's entry, and how often it was entered. */
    const struct symtab *st = p->m->symbols;
    for (size_t i = 0; st && i < st->n; i++) {
        const struct symbol *sym = &st->syms[i];
        unsigned line;
        unsigned id = sym->type == SYM_FUNC ? src_lookup(&s, sym->addr, &line) : 1;
        if (id != 1)
            cline_add(&fns,
                      (struct cline){ id, line, hits_in(costs, ncost, sym->addr, sym->addr + 1),
                                      sym->name, 0, 0 });
    }
    if (lines.oom || fns.oom || brs.oom) {
        snprintf(err, errlen, "--coverage: out of memory writing %s", path);
        goto out;
    }
    if (lines.n > 1)
        qsort(lines.v, lines.n, sizeof *lines.v, cmp_cline);
    if (fns.n > 1)
        qsort(fns.v, fns.n, sizeof *fns.v, cmp_cline);
    if (brs.n > 1)
        qsort(brs.v, brs.n, sizeof *brs.v, cmp_cline);
    if (!(f = fopen(path, "w"))) {
        snprintf(err, errlen, "--coverage: cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    size_t li = 0, fi = 0, bi = 0;
    for (unsigned id = 2; id <= s.nfiles; id++) {
        while (li < lines.n && lines.v[li].file < id)
            li++;
        while (fi < fns.n && fns.v[fi].file < id)
            fi++;
        while (bi < brs.n && brs.v[bi].file < id)
            bi++;
        if ((li == lines.n || lines.v[li].file != id) && (fi == fns.n || fns.v[fi].file != id))
            continue;
        fprintf(f, "TN:\nSF:%s\n", s.files[id - 1]);
        unsigned nf = 0, hf = 0, nlines = 0, hlines = 0;
        for (size_t k = fi; k < fns.n && fns.v[k].file == id; k++)
            fprintf(f, "FN:%u,%s\n", fns.v[k].line, fns.v[k].fn);
        for (; fi < fns.n && fns.v[fi].file == id; fi++, nf++) {
            fprintf(f, "FNDA:%" PRIu64 ",%s\n", fns.v[fi].hits, fns.v[fi].fn);
            hf += fns.v[fi].hits > 0;
        }
        fprintf(f, "FNF:%u\nFNH:%u\n", nf, hf);
        /* Branches: per conditional branch instruction of a line, taken then not taken; "-"
         * for one that never ran (lcov's convention). */
        unsigned nb = 0, hb = 0;
        for (unsigned line = 0, k = 0; bi < brs.n && brs.v[bi].file == id; bi++) {
            const struct cline *b = &brs.v[bi];
            k = b->line == line ? k + 2 : 0;
            line = b->line;
            if (b->hits == 0) {
                fprintf(f, "BRDA:%u,0,%u,-\nBRDA:%u,0,%u,-\n", line, k, line, k + 1);
            } else {
                fprintf(f, "BRDA:%u,0,%u,%" PRIu64 "\nBRDA:%u,0,%u,%" PRIu64 "\n", line, k,
                        b->taken, line, k + 1, b->hits - b->taken);
                hb += (b->taken > 0) + (b->hits > b->taken);
            }
            nb += 2;
        }
        fprintf(f, "BRF:%u\nBRH:%u\n", nb, hb);
        while (li < lines.n && lines.v[li].file == id) {
            /* A line's rows: the count of the one that ran most. */
            unsigned line = lines.v[li].line;
            uint64_t hits = 0;
            for (; li < lines.n && lines.v[li].file == id && lines.v[li].line == line; li++)
                hits = lines.v[li].hits > hits ? lines.v[li].hits : hits;
            fprintf(f, "DA:%u,%" PRIu64 "\n", line, hits);
            nlines++;
            hlines += hits > 0;
        }
        fprintf(f, "LF:%u\nLH:%u\nend_of_record\n", nlines, hlines);
    }
    ok = true;
out:
    if (f && fclose(f) != 0 && ok) {
        snprintf(err, errlen, "--coverage: cannot write %s: %s", path, strerror(errno));
        ok = false;
    }
    free(lines.v);
    free(fns.v);
    free(brs.v);
    free(costs);
    src_close(&s);
    return ok;
}

bool profile_finish(struct profile *p, char *err, size_t errlen)
{
    if (!p)
        return true;
    /* What ran since the last instruction reported (a final trap, time in wfi). */
    for (unsigned k = 0; k < p->nharts; k++)
        charge_pending(p, &p->harts[k], p->harts[k].last_pc);
    if (p->oom) {
        snprintf(err, errlen, "--profile: out of memory while profiling");
        return false;
    }
    if (p->cfg.callgrind_path) {
        for (unsigned k = 0; k < p->nharts; k++) {
            char path[4096];
            if (p->nharts == 1)
                snprintf(path, sizeof path, "%s", p->cfg.callgrind_path);
            else
                snprintf(path, sizeof path, "%s-%02u", p->cfg.callgrind_path, k + 1);
            if (!write_callgrind(p, k, path, err, errlen))
                return false;
        }
    }
    if (p->cfg.folded_path && !write_folded(p, p->cfg.folded_path, err, errlen))
        return false;
    if (p->cfg.lcov_path && !write_lcov(p, p->cfg.lcov_path, err, errlen))
        return false;
    for (unsigned k = 0; k < p->nharts; k++)
        if (p->harts[k].truncated)
            fprintf(stderr,
                    "hartlab: --profile: hart %u had more than %u call paths; deeper ones were "
                    "charged to their callers\n",
                    k, MAX_NODES);
    return true;
}

void profile_free(struct profile *p)
{
    if (!p)
        return;
    for (unsigned k = 0; k < MACHINE_MAX_HARTS; k++) {
        free(p->harts[k].nodes);
        free(p->harts[k].costs);
    }
    for (uint32_t i = 0; i < p->nfns; i++)
        free(p->fns[i].name);
    free(p->fns);
    free(p->fnhash);
    free(p);
}
