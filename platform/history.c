/* Reverse execution: machine snapshots with copy-on-change RAM pages, the log of the run
 * loop's steps, and re-execution along that log (see platform/history.h for the model).
 *
 * RAM. Each page has a list of versions, newest first, each tagged with the snapshot that
 * stored it; the content of a page at snapshot j is its newest version tagged <= j (none:
 * zero). Snapshot 0 stores every non-zero page; a later one stores the pages written since
 * the previous snapshot (the bus's dirty maps) whose content changed. `ref` is the snapshot
 * the dirty maps are relative to: restoring snapshot j rewrites only the pages that are
 * dirty or that have a version between j and ref.
 *
 * Re-execution. The log is replayed entry by entry: a turn runs its hart with a retire
 * limit at the logged count and the logged cycle as deadline (and idles a waiting hart to
 * the logged cycle, as the run loop does), a step steps, a clock check fires the events due
 * at its cycle, a reset resets, a load restores the snapshot the debugger's change made. A
 * turn that ends anywhere else than logged means the machine did not follow its history;
 * that is reported, never hidden.
 */
#include "platform/history.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/debug.h"
#include "core/hart.h"
#include "host/input.h"
#include "platform/machine.h"

struct hentry {
    uint8_t kind; /* enum history_kind */
    uint8_t hart;
    uint8_t mask_irq; /* a step taken with interrupts held off (the debugger's stepi) */
    uint64_t count;   /* turn/step: the hart's retired + traps after it; load: snapshot id */
    uint64_t cycles;  /* turn/step: the hart's cycles after it; clock: the cycle checked */
};

struct pver {
    uint64_t snap;
    struct pver *older;
    uint8_t data[PAGE_SIZE];
};

/* A clock event as it was queued. */
struct qev {
    struct clock_event *ev;
    uint64_t when, seq;
};

/* One device's registered state as a snapshot saw it, shared by the following snapshots
 * while the device's state stays the same (most devices are idle most of the time). */
struct blob {
    size_t refs;
    uint8_t data[];
};

struct hsnap {
    uint64_t id;
    size_t entry; /* the machine as it was before log entry `entry` */
    uint64_t position;
    uint64_t counts[MACHINE_MAX_HARTS];
    uint8_t *state;      /* harts, machine fields, input door */
    struct blob **blobs; /* each registered device state (machine_add_state) */
    struct qev *queue;
    size_t nqueue;
    uint64_t *pages; /* (region << 40) | page of the versions it stored */
    size_t npages;
};

/* Machine fields a snapshot keeps besides the devices' state. */
struct machine_fields {
    bool exited, reset_requested, stop_requested;
    int exit_code;
    const char *exit_reason;
    struct hart *exit_hart;
    struct vclock clock;
};

/* Fixed-size objects (page versions, snapshot state blocks) carved from 2 MiB chunks the
 * kernel may back with huge pages: the history's memory grows all the time it records, and
 * taking fresh memory a 4 KiB page fault at a time cost more than copying into it. */
#define SLAB_CHUNK (2u << 20)
struct slab {
    size_t size; /* object size, a multiple of 16 */
    void *free;  /* freed objects, linked through their first word */
    uint8_t *cur, *end;
    void **chunks;
    size_t nchunks, chunkcap;
};

static void *chunk_new(void)
{
    /* 2 MiB aligned, so that the whole chunk can be one huge page. */
    uint8_t *p =
        mmap(NULL, 2 * SLAB_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uint8_t *a = (uint8_t *)(((uintptr_t)p + SLAB_CHUNK - 1) & ~(uintptr_t)(SLAB_CHUNK - 1));
    if (a > p)
        munmap(p, (size_t)(a - p));
    munmap(a + SLAB_CHUNK, (size_t)(p + 2 * SLAB_CHUNK - (a + SLAB_CHUNK)));
#ifdef MADV_HUGEPAGE
    madvise(a, SLAB_CHUNK, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
    madvise(a, SLAB_CHUNK, MADV_POPULATE_WRITE); /* one call, not 512 faults; may fail */
#endif
    return a;
}

static void *slab_alloc(struct slab *sl)
{
    if (sl->free) {
        void *o = sl->free;
        memcpy(&sl->free, o, sizeof(void *));
        return o;
    }
    if (sl->size > SLAB_CHUNK / 4)
        return malloc(sl->size); /* large objects: one by one */
    if (!sl->cur || (size_t)(sl->end - sl->cur) < sl->size) {
        if (sl->nchunks == sl->chunkcap) {
            size_t cap = sl->chunkcap ? 2 * sl->chunkcap : 16;
            void **np = realloc(sl->chunks, cap * sizeof *np);
            if (!np)
                return NULL;
            sl->chunks = np;
            sl->chunkcap = cap;
        }
        uint8_t *c = chunk_new();
        if (!c)
            return NULL;
        sl->chunks[sl->nchunks++] = c;
        sl->cur = c;
        sl->end = c + SLAB_CHUNK;
    }
    void *o = sl->cur;
    sl->cur += sl->size;
    return o;
}

static void slab_free(struct slab *sl, void *o)
{
    if (!o)
        return;
    if (sl->size > SLAB_CHUNK / 4) {
        free(o);
        return;
    }
    memcpy(o, &sl->free, sizeof(void *));
    sl->free = o;
}

static void slab_release(struct slab *sl)
{
    for (size_t k = 0; k < sl->nchunks; k++)
        munmap(sl->chunks[k], SLAB_CHUNK);
    free(sl->chunks);
    memset(sl, 0, sizeof *sl);
}

struct hregion {
    struct bus_region *r;
    size_t npages;
    struct pver **head;
    uint8_t *mark; /* scratch */
};

struct history {
    struct machine *m;
    struct history_options o;
    struct hentry *log;
    size_t nlog, logcap, log_high; /* entries, room, most entries since the last trim */
    struct hsnap **snaps;          /* oldest first; ids consecutive */
    size_t nsnaps, snapcap;
    uint64_t next_id;
    struct hregion regions[BUS_MAX_REGIONS];
    unsigned nregions;
    uint64_t ref;
    /* Where the machine is: before log entry `cur`, or (partial) inside it. */
    size_t cur;
    bool partial;
    bool replaying; /* inside run_log: history_note ignores the run loop */
    uint64_t last_snap_position;
    size_t state_size; /* of a snapshot's own block (harts, machine, input door) */
    unsigned nstates;  /* device states registered (machine_add_state) */
    uint64_t page_bytes, state_bytes, replayed, end_position;
    struct slab pages_slab, state_slab; /* page versions; snapshot state blocks */
    uint64_t log_base; /* log entries dropped from the front (with the oldest snapshots) */
    unsigned dropped;  /* snapshots dropped for the budget */
    bool diverged_said;
};

static const uint8_t zero_page[PAGE_SIZE];

static uint64_t count_of(const struct hart *h)
{
    return hart_retired(h) + hart_traps(h);
}

/* ---- snapshots ---- */

static void free_snap(struct history *hi, struct hsnap *sn);

static void mark_candidates(struct history *hi, uint64_t lo, uint64_t hi_id)
{
    for (unsigned k = 0; k < hi->nregions; k++) {
        struct hregion *g = &hi->regions[k];
        memcpy(g->mark, g->r->dirty, g->npages);
    }
    /* Pages with a version after `lo` up to `hi_id`. */
    for (size_t s = 0; s < hi->nsnaps; s++) {
        struct hsnap *sn = hi->snaps[s];
        if (sn->id <= lo || sn->id > hi_id)
            continue;
        for (size_t p = 0; p < sn->npages; p++)
            hi->regions[sn->pages[p] >> 40].mark[sn->pages[p] & ((1ull << 40) - 1)] = 1;
    }
}

static void flush_after_ram(struct history *hi)
{
    bus_dirty_clear(&hi->m->bus);
    /* Every hart's next store to any page marks it again: a page is marked when a write
     * translation for it is made, so only those go; reads, the instruction TLB and the
     * links between blocks stay (dropping them made recording cost 35-50%). */
    cluster_forget_writes(hi->m->cluster);
}

static bool save_pages(struct history *hi, struct hsnap *sn, bool all)
{
    size_t cap = 0;
    for (unsigned k = 0; k < hi->nregions; k++) {
        struct hregion *g = &hi->regions[k];
        /* The first snapshot: every page written since the machine was made (the bus has
         * tracked them from the start, machine_new); the others are still zero. */
        if (all)
            memcpy(g->mark, g->r->dirty, g->npages);
        for (size_t p = 0; p < g->npages; p++) {
            if (!g->mark[p])
                continue;
            const uint8_t *mem = g->r->mem + p * PAGE_SIZE;
            struct pver *h = g->head[p];
            if (h ? memcmp(h->data, mem, PAGE_SIZE) == 0 : memcmp(zero_page, mem, PAGE_SIZE) == 0)
                continue;
            struct pver *v = slab_alloc(&hi->pages_slab);
            if (!v)
                return false;
            if (sn->npages == cap) {
                cap = cap ? 2 * cap : 64;
                uint64_t *np = realloc(sn->pages, cap * sizeof *np);
                if (!np) {
                    slab_free(&hi->pages_slab, v);
                    return false;
                }
                sn->pages = np;
            }
            v->snap = sn->id;
            v->older = h;
            memcpy(v->data, mem, PAGE_SIZE);
            g->head[p] = v;
            sn->pages[sn->npages++] = ((uint64_t)k << 40) | p;
            hi->page_bytes += sizeof *v;
        }
    }
    return true;
}

static void save_queue(struct history *hi, struct hsnap *sn)
{
    size_t n = 0;
    for (struct clock_event *e = hi->m->clock.queue; e; e = e->next)
        n++;
    sn->queue = n ? calloc(n, sizeof *sn->queue) : NULL;
    sn->nqueue = 0;
    if (!sn->queue)
        return;
    for (struct clock_event *e = hi->m->clock.queue; e; e = e->next)
        sn->queue[sn->nqueue++] = (struct qev){ e, e->when, e->seq };
}

/* The devices' states, each shared with the previous snapshot when unchanged. */
static bool save_blobs(struct history *hi, struct hsnap *sn)
{
    struct machine *m = hi->m;
    const struct hsnap *prev = hi->nsnaps ? hi->snaps[hi->nsnaps - 1] : NULL;
    for (unsigned k = 0; k < hi->nstates; k++) {
        size_t len = m->states[k].len;
        struct blob *b = prev ? prev->blobs[k] : NULL;
        if (b && memcmp(b->data, m->states[k].p, len) == 0) {
            b->refs++;
        } else if ((b = malloc(sizeof *b + len))) {
            b->refs = 1;
            memcpy(b->data, m->states[k].p, len);
            hi->state_bytes += sizeof *b + len;
        } else {
            return false;
        }
        sn->blobs[k] = b;
    }
    return true;
}

static void save_state(struct history *hi, struct hsnap *sn)
{
    struct machine *m = hi->m;
    uint8_t *p = sn->state;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        hart_state_save(machine_hart(m, k), p);
        p += hart_state_size();
        sn->counts[k] = count_of(machine_hart(m, k));
    }
    struct machine_fields f = { m->exited,    m->reset_requested, m->bus.stop_requested,
                                m->exit_code, m->exit_reason,     m->exit_hart,
                                m->clock };
    memcpy(p, &f, sizeof f);
    p += sizeof f;
    input_state_save(m, p);
    sn->position = machine_position(m);
    save_queue(hi, sn);
}

static struct hsnap *take(struct history *hi, bool all)
{
    struct hsnap *sn = calloc(1, sizeof *sn);
    if (!sn)
        return NULL;
    sn->state = slab_alloc(&hi->state_slab);
    sn->blobs = calloc(hi->nstates ? hi->nstates : 1, sizeof *sn->blobs);
    if (!sn->state || !sn->blobs) {
        slab_free(&hi->state_slab, sn->state);
        free(sn->blobs);
        free(sn);
        return NULL;
    }
    if (hi->nsnaps == hi->snapcap) {
        size_t cap = hi->snapcap ? 2 * hi->snapcap : 16;
        struct hsnap **np = realloc(hi->snaps, cap * sizeof *np);
        if (!np) {
            slab_free(&hi->state_slab, sn->state);
            free(sn->blobs);
            free(sn);
            return NULL;
        }
        hi->snaps = np;
        hi->snapcap = cap;
    }
    hi->state_bytes += hi->state_size;
    if (!save_blobs(hi, sn)) {
        free_snap(hi, sn);
        return NULL;
    }
    sn->id = hi->next_id++;
    sn->entry = hi->nlog;
    if (!all)
        mark_candidates(hi, hi->ref, UINT64_MAX);
    save_pages(hi, sn, all);
    save_state(hi, sn);
    hi->snaps[hi->nsnaps++] = sn;
    hi->state_bytes += sn->nqueue * sizeof(struct qev);
    hi->ref = sn->id;
    hi->last_snap_position = sn->position;
    flush_after_ram(hi);
    return sn;
}

static void free_snap(struct history *hi, struct hsnap *sn)
{
    hi->state_bytes -= hi->state_size + sn->nqueue * sizeof(struct qev);
    for (unsigned k = 0; k < hi->nstates; k++) {
        struct blob *b = sn->blobs[k];
        if (b && --b->refs == 0) {
            hi->state_bytes -= sizeof *b + hi->m->states[k].len;
            free(b);
        }
    }
    free(sn->blobs);
    slab_free(&hi->state_slab, sn->state);
    free(sn->queue);
    free(sn->pages);
    free(sn);
}

/* Over budget: the oldest snapshot goes; page versions only it could need go with it. */
/* The log lives in one reserved range that never moves (no copy as it grows, huge pages):
 * what it takes is what was touched. */
static uint64_t log_bytes(const struct history *hi)
{
    return (hi->log_high * sizeof *hi->log + 4095) & ~(uint64_t)4095;
}

static uint64_t used_bytes(const struct history *hi)
{
    return hi->page_bytes + hi->state_bytes + log_bytes(hi);
}

/* The log before the oldest snapshot can no longer be re-executed: it goes, once it is a
 * quarter of the log (so the move is paid rarely). */
static void compact_log(struct history *hi)
{
    size_t d = hi->nsnaps ? hi->snaps[0]->entry : 0;
    if (d == 0 || d < hi->nlog / 4)
        return;
    memmove(hi->log, hi->log + d, (hi->nlog - d) * sizeof *hi->log);
    hi->nlog -= d;
    hi->cur -= d;
    hi->log_base += d;
    for (size_t s = 0; s < hi->nsnaps; s++)
        hi->snaps[s]->entry -= d;
    /* Give back what the log no longer uses. */
    uintptr_t from =
        ((uintptr_t)(hi->log + hi->nlog) + SLAB_CHUNK - 1) & ~(uintptr_t)(SLAB_CHUNK - 1);
    uintptr_t to = (uintptr_t)(hi->log + hi->log_high);
    if (to > from + SLAB_CHUNK) {
        madvise((void *)from, to - from, MADV_DONTNEED);
        hi->log_high = hi->nlog;
    }
}

static void drop_oldest(struct history *hi)
{
    while (hi->nsnaps > 2 && used_bytes(hi) > hi->o.budget) {
        struct hsnap *old = hi->snaps[0], *next = hi->snaps[1];
        for (size_t p = 0; p < next->npages; p++) {
            struct hregion *g = &hi->regions[next->pages[p] >> 40];
            struct pver *v = g->head[next->pages[p] & ((1ull << 40) - 1)];
            while (v && v->snap > next->id)
                v = v->older;
            if (!v)
                continue;
            struct pver *o = v->older;
            v->older = NULL;
            while (o) {
                struct pver *n = o->older;
                slab_free(&hi->pages_slab, o);
                hi->page_bytes -= sizeof *o;
                o = n;
            }
        }
        free_snap(hi, old);
        memmove(hi->snaps, hi->snaps + 1, (hi->nsnaps - 1) * sizeof *hi->snaps);
        hi->nsnaps--;
        hi->dropped++;
        compact_log(hi);
    }
}

static struct hsnap *snap_by_id(const struct history *hi, uint64_t id)
{
    if (!hi->nsnaps || id < hi->snaps[0]->id || id - hi->snaps[0]->id >= hi->nsnaps)
        return NULL;
    return hi->snaps[id - hi->snaps[0]->id];
}

/* Take every queued event out (before device state, which holds events, is copied back). */
static void unqueue_all(struct machine *m)
{
    for (struct clock_event *e = m->clock.queue; e;) {
        struct clock_event *n = e->next;
        e->armed = false;
        e->next = NULL;
        e = n;
    }
    m->clock.queue = NULL;
}

/* Queue the snapshot's events again, in their order. */
static void restore_queue(struct machine *m, const struct hsnap *sn)
{
    for (size_t k = 0; k < sn->nqueue; k++) {
        struct clock_event *e = sn->queue[k].ev;
        e->armed = false;
        e->next = NULL;
    }
    struct clock_event **tail = &m->clock.queue;
    *tail = NULL;
    for (size_t k = 0; k < sn->nqueue; k++) {
        struct clock_event *e = sn->queue[k].ev;
        e->when = sn->queue[k].when;
        e->seq = sn->queue[k].seq;
        e->armed = true;
        *tail = e;
        tail = &e->next;
    }
    *tail = NULL;
}

static void restore(struct history *hi, const struct hsnap *sn)
{
    struct machine *m = hi->m;
    uint64_t lo = sn->id < hi->ref ? sn->id : hi->ref, top = sn->id < hi->ref ? hi->ref : sn->id;
    mark_candidates(hi, lo, top);
    for (unsigned k = 0; k < hi->nregions; k++) {
        struct hregion *g = &hi->regions[k];
        for (size_t p = 0; p < g->npages; p++) {
            if (!g->mark[p])
                continue;
            const struct pver *v = g->head[p];
            while (v && v->snap > sn->id)
                v = v->older;
            const uint8_t *want = v ? v->data : zero_page;
            uint8_t *mem = g->r->mem + p * PAGE_SIZE;
            if (memcmp(mem, want, PAGE_SIZE) != 0) {
                memcpy(mem, want, PAGE_SIZE);
                cluster_notice_store(m->cluster, g->r->base + p * PAGE_SIZE, PAGE_SIZE);
            }
        }
    }
    hi->ref = sn->id;
    flush_after_ram(hi);
    unqueue_all(m);
    const uint8_t *p = sn->state;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        hart_state_restore(machine_hart(m, k), p);
        p += hart_state_size();
    }
    for (unsigned k = 0; k < hi->nstates; k++)
        memcpy(m->states[k].p, sn->blobs[k]->data, m->states[k].len);
    struct machine_fields f;
    memcpy(&f, p, sizeof f);
    p += sizeof f;
    m->exited = f.exited;
    m->reset_requested = f.reset_requested;
    m->bus.stop_requested = f.stop_requested;
    m->exit_code = f.exit_code;
    m->exit_reason = f.exit_reason;
    m->exit_hart = f.exit_hart;
    m->clock.now = f.clock.now;
    m->clock.idle_now = f.clock.idle_now;
    m->clock.next_seq = f.clock.next_seq;
    input_state_restore(m, p);
    restore_queue(m, sn);
    m->break_hart = NULL;
    hi->cur = sn->entry;
    hi->partial = false;
}

/* ---- the log ---- */

static bool append(struct history *hi, struct hentry e)
{
    if (hi->nlog == hi->logcap)
        return false;
    hi->log[hi->nlog++] = e;
    if (hi->nlog > hi->log_high)
        hi->log_high = hi->nlog;
    return true;
}

bool history_in_past(const struct history *hi)
{
    return hi && (hi->cur < hi->nlog || hi->partial);
}

/* Live inputs and host output only at the end of history. */
static void sync_mode(struct history *hi)
{
    bool past = history_in_past(hi);
    hi->m->replaying = past;
    input_history_replay(hi->m, past);
    if (!past) {
        /* The run loop sets its own limits; nothing of re-execution's may stay. */
        for (unsigned k = 0; k < machine_nharts(hi->m); k++)
            hart_set_retire_limit(machine_hart(hi->m, k), UINT64_MAX);
    }
}

void history_note(struct history *hi, enum history_kind kind, uint64_t arg)
{
    if (!hi || hi->replaying)
        return;
    struct machine *m = hi->m;
    struct hentry e = { .kind = (uint8_t)kind };
    if (kind == HISTORY_TURN || kind == HISTORY_STEP) {
        struct hart *h = machine_hart(m, (unsigned)arg);
        e.hart = (uint8_t)arg;
        e.count = count_of(h);
        e.cycles = hart_cycles(h);
        struct hart_debug *d = hart_debug(h);
        e.mask_irq = kind == HISTORY_STEP && d && d->mask_irq;
    } else if (kind == HISTORY_CLOCK) {
        e.cycles = arg;
    } else if (kind == HISTORY_LOAD) {
        e.count = arg;
    }
    append(hi, e);
    hi->cur = hi->nlog;
    hi->end_position = machine_position(m);
    if ((kind == HISTORY_TURN || kind == HISTORY_STEP) &&
        hi->end_position - hi->last_snap_position >= hi->o.interval) {
        take(hi, false);
        drop_oldest(hi);
    }
}

bool history_start(struct machine *m, const struct history_options *o, char *err, size_t errlen)
{
    if (m->history)
        return true;
    struct history *hi = calloc(1, sizeof *hi);
    if (!hi || !bus_track_dirty(&m->bus, true)) {
        free(hi);
        snprintf(err, errlen, "out of memory for the execution history");
        return false;
    }
    hi->m = m;
    hi->o.interval = o && o->interval ? o->interval : HISTORY_DEFAULT_INTERVAL;
    hi->o.budget = o && o->budget ? o->budget : HISTORY_DEFAULT_BUDGET;
    for (unsigned k = 0; k < m->bus.nregions; k++) {
        struct bus_region *r = &m->bus.regions[k];
        if (!r->mem || r->readonly || !r->dirty)
            continue;
        struct hregion *g = &hi->regions[hi->nregions++];
        g->r = r;
        g->npages = r->size / PAGE_SIZE;
        g->head = calloc(g->npages, sizeof *g->head);
        g->mark = calloc(g->npages, 1);
        if (!g->head || !g->mark) {
            history_free(hi);
            snprintf(err, errlen, "out of memory for the execution history");
            return false;
        }
    }
    hi->state_size =
        machine_nharts(m) * hart_state_size() + sizeof(struct machine_fields) + input_state_size(m);
    hi->nstates = m->nstates; /* devices register theirs when the machine is made */
    /* The log's range: as large as the budget (at least 64 MiB), reserved, not used. */
    size_t reserve = hi->o.budget > (64u << 20) ? (size_t)hi->o.budget : (64u << 20);
    reserve = (reserve + SLAB_CHUNK - 1) & ~(size_t)(SLAB_CHUNK - 1);
    void *log = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (log == MAP_FAILED) {
        history_free(hi);
        snprintf(err, errlen, "out of memory for the execution history");
        return false;
    }
#ifdef MADV_HUGEPAGE
    madvise(log, reserve, MADV_HUGEPAGE);
#endif
    hi->log = log;
    hi->logcap = reserve / sizeof *hi->log;
    hi->state_slab.size = (hi->state_size + 15) & ~(size_t)15;
    hi->pages_slab.size = sizeof(struct pver);
    input_history_begin(m);
    if (!take(hi, true)) {
        history_free(hi);
        snprintf(err, errlen, "out of memory for the execution history");
        return false;
    }
    hi->end_position = hi->last_snap_position;
    m->history = hi;
    return true;
}

void history_free(struct history *hi)
{
    if (!hi)
        return;
    for (size_t s = 0; s < hi->nsnaps; s++)
        free_snap(hi, hi->snaps[s]);
    free(hi->snaps);
    for (unsigned k = 0; k < hi->nregions; k++) {
        struct hregion *g = &hi->regions[k];
        free(g->head);
        free(g->mark);
    }
    if (hi->m) {
        if (hi->m->history == hi)
            hi->m->history = NULL;
    }
    slab_release(&hi->pages_slab);
    slab_release(&hi->state_slab);
    if (hi->log)
        munmap(hi->log, hi->logcap * sizeof *hi->log);
    free(hi);
}

/* ---- re-execution ---- */

/* A point: before entry e (partial false) or inside it, hart `k` at count `c`. */
struct hpoint {
    size_t e;
    bool partial;
    unsigned k;
    uint64_t c;
};

static struct hpoint here(const struct history *hi)
{
    struct hpoint p = { hi->cur, hi->partial, 0, 0 };
    if (hi->partial) {
        p.k = hi->log[hi->cur].hart;
        p.c = count_of(machine_hart(hi->m, p.k));
    }
    return p;
}

static bool same_point(struct hpoint a, struct hpoint b)
{
    return a.e == b.e && a.partial == b.partial && (!a.partial || (a.k == b.k && a.c == b.c));
}

/* What to run to. */
struct target {
    enum { T_END, T_POINT, T_COUNT } kind;
    struct hpoint p; /* T_POINT */
    unsigned k;      /* T_COUNT: the first point where hart k's count is c */
    uint64_t c;
};

static bool reached(const struct history *hi, const struct target *t)
{
    if (t->kind == T_POINT)
        return same_point(here(hi), t->p);
    if (t->kind == T_COUNT)
        return count_of(machine_hart(hi->m, t->k)) == t->c;
    return false;
}

static void diverged(struct history *hi, const struct hentry *e, const char *what)
{
    if (hi->diverged_said)
        return;
    hi->diverged_said = true;
    struct hart *h = machine_hart(hi->m, e->hart);
    fprintf(stderr,
            "hartlab: history: re-execution did not follow the log at entry %zu (%s): hart %u "
            "at count %" PRIu64 ", cycle %" PRIu64 "; logged count %" PRIu64 ", cycle %" PRIu64
            "\n",
            (size_t)(e - hi->log), what, e->hart, count_of(h), hart_cycles(h), e->count, e->cycles);
}

static void fill_stop(struct history *hi, unsigned k, struct history_stop *out)
{
    struct hart_debug *d = hart_debug(machine_hart(hi->m, k));
    memset(out, 0, sizeof *out);
    out->result = HISTORY_STOPPED;
    out->hart = k;
    if (d) {
        out->kind = d->stop_kind;
        out->watch = d->stop_watch;
        out->addr = d->stop_addr;
        out->cause = d->stop_cause;
        out->epc = d->stop_epc;
        d->stop_kind = DEBUG_STOP_NONE;
    }
}

/* Execute the log from where the machine is until the target, the end of the log, or (with
 * `breaks`) a debug stop at another point than the one it started from. */
static enum history_result run_log(struct history *hi, const struct target *t, bool breaks,
                                   struct history_stop *out)
{
    struct machine *m = hi->m;
    struct hpoint start = here(hi);
    enum history_result res = HISTORY_END;
    hi->replaying = true;
    /* Re-executing: no output again, inputs from the journal. */
    m->replaying = true;
    input_history_replay(m, true);
    uint64_t pos0 = machine_position(m);
    for (;;) {
        if (reached(hi, t)) {
            res = HISTORY_REACHED;
            break;
        }
        if (hi->cur >= hi->nlog) {
            res = HISTORY_END;
            break;
        }
        const struct hentry *e = &hi->log[hi->cur];
        if (e->kind == HISTORY_CLOCK) {
            machine_replay_due(m, e->cycles);
            hi->cur++;
            continue;
        }
        if (e->kind == HISTORY_RESET) {
            machine_replay_reset(m);
            hi->cur++;
            continue;
        }
        if (e->kind == HISTORY_LOAD) {
            const struct hsnap *sn = snap_by_id(hi, e->count);
            if (!sn) {
                diverged(hi, e, "its snapshot was dropped");
                res = HISTORY_DIVERGED;
                break;
            }
            restore(hi, sn);
            continue;
        }
        struct hart *h = machine_hart(m, e->hart);
        struct hart_debug *d = hart_debug(h);
        bool at_start = same_point(here(hi), start);
        if (e->kind == HISTORY_STEP) {
            if (breaks && !at_start && d && debug_break_at(d, hart_pc(h))) {
                fill_stop(hi, e->hart, out);
                out->kind = DEBUG_STOP_BREAKPOINT;
                res = HISTORY_STOPPED;
                break;
            }
            if (d)
                d->stop_kind = DEBUG_STOP_NONE;
            enum hart_stop st = machine_replay_step(m, e->hart, e->mask_irq);
            hi->cur++;
            hi->partial = false;
            if (count_of(h) != e->count || hart_cycles(h) != e->cycles) {
                diverged(hi, e, "a step");
                res = HISTORY_DIVERGED;
                break;
            }
            if (breaks && st == HART_STOP_BREAK) {
                fill_stop(hi, e->hart, out);
                res = HISTORY_STOPPED;
                break;
            }
            continue;
        }
        /* A turn: to its logged end, or to the target inside it. */
        uint64_t now = count_of(h), limit = e->count;
        if (t->kind == T_COUNT && t->k == e->hart && t->c > now && t->c < limit)
            limit = t->c;
        if (t->kind == T_POINT && t->p.partial && t->p.e == hi->cur && t->p.c > now &&
            t->p.c < limit)
            limit = t->p.c;
        if (d)
            d->stop_kind = DEBUG_STOP_NONE;
        enum hart_stop st = HART_STOP_BUDGET;
        if (now < limit || (now == limit && limit == e->count)) {
            /* The retire limit ends the turn; the deadline only must not end it first (a
             * turn may end with an interrupt taken at its last cycle). */
            hart_set_retire_limit(h, limit);
            st = machine_replay_turn(m, e->hart, e->cycles + 1);
        }
        if (st == HART_STOP_BREAK) {
            /* A stop before the turn's first instruction is the point before the entry (the
             * same machine; one name for it, so that it can be found again). */
            hi->partial = hi->partial || count_of(h) != now;
            bool bp = d && d->stop_kind == DEBUG_STOP_BREAKPOINT;
            if (breaks && !(bp && same_point(here(hi), start))) {
                fill_stop(hi, e->hart, out);
                res = HISTORY_STOPPED;
                break;
            }
            if (bp) {
                /* Over the breakpoint: the instruction (or the interrupt the run would take
                 * first) as one step. */
                d->stop_kind = DEBUG_STOP_NONE;
                machine_replay_step(m, e->hart, false);
                hi->partial = true;
                start = here(hi);
            }
            continue;
        }
        uint64_t c = count_of(h);
        if (c == e->count) {
            if (hart_waiting(h) && hart_cycles(h) < e->cycles)
                hart_idle_until(h, e->cycles);
            if (hart_cycles(h) != e->cycles) {
                diverged(hi, e, "a turn ended at another cycle");
                res = HISTORY_DIVERGED;
                break;
            }
            hi->cur++;
            hi->partial = false;
        } else if (c == limit) {
            hi->partial = true;
        } else {
            diverged(hi, e, "a turn ended early");
            res = HISTORY_DIVERGED;
            break;
        }
    }
    for (unsigned k = 0; k < machine_nharts(m); k++)
        hart_set_retire_limit(machine_hart(m, k), UINT64_MAX);
    uint64_t pos1 = machine_position(m);
    hi->replayed += pos1 > pos0 ? pos1 - pos0 : 0;
    hi->replaying = false;
    if (res != HISTORY_STOPPED)
        out->result = res;
    sync_mode(hi);
    return res;
}

/* The latest snapshot before point p (strictly before when `strict`). */
static size_t snap_before(const struct history *hi, struct hpoint p, bool strict)
{
    size_t best = 0;
    for (size_t s = 0; s < hi->nsnaps; s++) {
        size_t e = hi->snaps[s]->entry;
        if (e < p.e || (e == p.e && (p.partial || !strict)))
            best = s;
    }
    return best;
}

void history_here(const struct history *hi, struct history_point *out)
{
    struct hpoint p = here(hi);
    *out = (struct history_point){ p.e + hi->log_base, p.partial, p.k, p.c };
}

bool history_goto_point(struct history *hi, const struct history_point *p)
{
    if (!hi || !hi->nsnaps || p->entry < hi->log_base + hi->snaps[0]->entry ||
        p->entry - hi->log_base > hi->nlog)
        return false;
    struct hpoint t = { p->entry - hi->log_base, p->partial, p->hart, p->count };
    restore(hi, hi->snaps[snap_before(hi, t, false)]);
    struct target tg = { .kind = T_POINT, .p = t };
    struct history_stop st;
    return run_log(hi, &tg, false, &st) == HISTORY_REACHED;
}

bool history_goto_start(struct history *hi)
{
    if (!hi || !hi->nsnaps)
        return false;
    restore(hi, hi->snaps[0]);
    sync_mode(hi);
    return true;
}

bool history_goto(struct history *hi, unsigned k, uint64_t count)
{
    if (!hi || !hi->nsnaps || k >= machine_nharts(hi->m))
        return false;
    /* The latest snapshot where hart k had not yet reached `count`. */
    size_t best = SIZE_MAX;
    for (size_t s = 0; s < hi->nsnaps; s++)
        if (hi->snaps[s]->counts[k] < count)
            best = s;
    if (best == SIZE_MAX) {
        if (hi->snaps[0]->counts[k] != count)
            return false;
        best = 0;
    }
    restore(hi, hi->snaps[best]);
    struct target t = { .kind = T_COUNT, .k = k, .c = count };
    struct history_stop st;
    enum history_result r = run_log(hi, &t, false, &st);
    if (r == HISTORY_END && !hi->diverged_said) {
        /* A divergence run_log could not see: the log went past the count without the hart
         * stopping at it (HISTORY_DIVERGED was reported there already). */
        hi->diverged_said = true;
        fprintf(stderr,
                "hartlab: history: re-execution did not reach hart %u at count %" PRIu64
                " (the log ended with the hart at %" PRIu64 ")\n",
                k, count, count_of(machine_hart(hi->m, k)));
    }
    return r == HISTORY_REACHED;
}

void history_step_back(struct history *hi, unsigned k, struct history_stop *out)
{
    memset(out, 0, sizeof *out);
    out->hart = k;
    uint64_t c = count_of(machine_hart(hi->m, k));
    if (!hi->nsnaps || c <= hi->snaps[0]->counts[k]) {
        history_goto_start(hi);
        out->result = HISTORY_BEGIN;
        return;
    }
    out->result = history_goto(hi, k, c - 1) ? HISTORY_REACHED : HISTORY_DIVERGED;
}

void history_step_forward(struct history *hi, unsigned k, struct history_stop *out)
{
    memset(out, 0, sizeof *out);
    out->hart = k;
    if (!history_in_past(hi)) {
        out->result = HISTORY_END;
        return;
    }
    struct target t = { .kind = T_COUNT, .k = k, .c = count_of(machine_hart(hi->m, k)) + 1 };
    run_log(hi, &t, true, out);
}

void history_continue_forward(struct history *hi, struct history_stop *out)
{
    memset(out, 0, sizeof *out);
    if (!history_in_past(hi)) {
        out->result = HISTORY_END;
        return;
    }
    struct target t = { .kind = T_END };
    run_log(hi, &t, true, out);
}

void history_continue_back(struct history *hi, struct history_stop *out)
{
    memset(out, 0, sizeof *out);
    struct hpoint end = here(hi);
    size_t s = snap_before(hi, end, true);
    for (;;) {
        /* Find the last stop in [snapshot s, end). */
        restore(hi, hi->snaps[s]);
        struct target t = { .kind = T_POINT, .p = end };
        bool found = false;
        struct hpoint last = { 0 };
        struct history_stop last_stop = { 0 };
        uint64_t last_count = 0;
        for (;;) {
            struct history_stop st;
            enum history_result r = run_log(hi, &t, true, &st);
            if (r != HISTORY_STOPPED)
                break;
            found = true;
            last = here(hi);
            last_stop = st;
            last_count = count_of(machine_hart(hi->m, st.hart));
        }
        if (found) {
            restore(hi, hi->snaps[s]);
            struct target t2 = { .kind = T_POINT, .p = last };
            if (last_stop.kind == DEBUG_STOP_WATCH && last_count > 0) {
                /* Going backwards, a write is seen before it happens. */
                t2.kind = T_COUNT;
                t2.k = last_stop.hart;
                t2.c = last_count - 1;
            }
            struct history_stop st;
            enum history_result r = run_log(hi, &t2, false, &st);
            *out = last_stop;
            out->result = r == HISTORY_REACHED ? HISTORY_STOPPED : r;
            return;
        }
        if (s == 0) {
            history_goto_start(hi);
            out->result = HISTORY_BEGIN;
            return;
        }
        end = (struct hpoint){ hi->snaps[s]->entry, false, 0, 0 };
        s--;
    }
}

void history_external_change(struct history *hi)
{
    if (!hi)
        return;
    if (history_in_past(hi)) {
        /* A new future starts here: the log after this point and its snapshots go. Inside a
         * turn (a debugger stop there, then a device register read), the turn is kept up to
         * here, so that going back from the new future passes through this point again. */
        size_t keep = hi->cur;
        while (hi->nsnaps > 1 && hi->snaps[hi->nsnaps - 1]->entry > keep) {
            struct hsnap *sn = hi->snaps[hi->nsnaps - 1];
            for (unsigned k = 0; k < hi->nregions; k++) {
                struct hregion *g = &hi->regions[k];
                for (size_t p = 0; p < g->npages; p++)
                    while (g->head[p] && g->head[p]->snap >= sn->id) {
                        struct pver *v = g->head[p];
                        g->head[p] = v->older;
                        slab_free(&hi->pages_slab, v);
                        hi->page_bytes -= sizeof *v;
                    }
            }
            free_snap(hi, sn);
            hi->nsnaps--;
            hi->next_id--;
        }
        input_history_cut(hi->m);
        if (hi->partial) {
            struct hentry *e = &hi->log[keep++];
            const struct hart *h = machine_hart(hi->m, e->hart);
            e->count = count_of(h);
            e->cycles = hart_cycles(h);
        }
        hi->nlog = keep;
        hi->partial = false;
        hi->cur = hi->nlog;
        if (hi->ref >= hi->next_id)
            hi->ref = hi->snaps[hi->nsnaps - 1]->id;
    }
    hi->cur = hi->nlog;
    sync_mode(hi);
    struct hsnap *sn = take(hi, false);
    if (sn) {
        append(hi, (struct hentry){ .kind = HISTORY_LOAD, .count = sn->id });
        sn->entry = hi->nlog;
        hi->cur = hi->nlog;
    }
    hi->end_position = machine_position(hi->m);
}

bool history_span(const struct history *hi, unsigned k, uint64_t *first, uint64_t *last)
{
    if (!hi || !hi->nsnaps || k >= machine_nharts(hi->m))
        return false;
    *first = hi->snaps[0]->counts[k];
    *last = *first;
    /* The last turn or step of hart k in the log; at the present, the hart itself. */
    for (size_t e = hi->nlog; e-- > hi->snaps[0]->entry;) {
        const struct hentry *h = &hi->log[e];
        if ((h->kind == HISTORY_TURN || h->kind == HISTORY_STEP) && h->hart == k) {
            *last = h->count;
            break;
        }
    }
    if (!history_in_past(hi)) {
        uint64_t c = count_of(machine_hart(hi->m, k));
        if (c > *last)
            *last = c;
    }
    return true;
}

void history_stats(const struct history *hi, struct history_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!hi)
        return;
    out->snapshots = (unsigned)hi->nsnaps;
    out->log_entries = hi->nlog;
    out->page_bytes = hi->page_bytes;
    out->state_bytes = hi->state_bytes;
    out->first = hi->nsnaps ? hi->snaps[0]->position : 0;
    out->last = hi->end_position;
    out->now = machine_position(hi->m);
    out->replayed = hi->replayed;
    out->log_bytes = log_bytes(hi);
    out->budget = hi->o.budget;
    out->dropped = hi->dropped;
}
