/* The code cache: decoded blocks by physical address (docs/design.md, decision 3), one per
 * cluster (core/cluster.h).
 *
 * Blocks live in one arena and are found through a hash table. Invalidation (a store into a
 * page holding code) only unlinks blocks, so a block that is running while its own page is
 * written stays intact until it ends; the arena is reused only by a whole flush, which
 * happens between blocks (when the arena is full, or on fence.i).
 *
 * The set of pages holding code lets the harts keep those pages out of their write
 * translation caches, so that every store into them comes through the slow path here.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/hart_internal.h"
#include "core/jit.h"

#define CC_BUCKETS    (1u << 14)
#define CC_ARENA_SIZE (32u << 20)

static unsigned bucket_of(const struct code_cache *cc, uint64_t pc)
{
    return (unsigned)((pc >> 1) ^ (pc >> 15)) & (cc->nbuckets - 1);
}

struct code_cache *code_cache_new(struct cluster *cl)
{
    struct code_cache *cc = calloc(1, sizeof *cc);
    if (!cc)
        return NULL;
    cc->cl = cl;
    cc->nbuckets = CC_BUCKETS;
    cc->buckets = calloc(cc->nbuckets, sizeof *cc->buckets);
    cc->arena_size = CC_ARENA_SIZE;
    /* Anonymous pages: the kernel hands them out as they are touched, so an unused arena
     * costs nothing (and malloc debugging cannot pre-fill 32 MiB at every start). */
    cc->arena = mmap(NULL, cc->arena_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (cc->arena == MAP_FAILED)
        cc->arena = NULL;
    cc->npages_cap = 1024;
    cc->pages = calloc(cc->npages_cap, sizeof *cc->pages);
    if (!cc->buckets || !cc->arena || !cc->pages) {
        code_cache_free(cc);
        return NULL;
    }
    return cc;
}

void code_cache_free(struct code_cache *cc)
{
    if (!cc)
        return;
    free(cc->buckets);
    if (cc->arena)
        munmap(cc->arena, cc->arena_size);
    jit_free(cc->jit);
    free(cc->pages);
    free(cc);
}

struct block *code_cache_lookup(struct code_cache *cc, uint64_t pc)
{
    for (struct block *b = cc->buckets[bucket_of(cc, pc)]; b; b = b->hash_next)
        if (b->pc == pc)
            return b;
    return NULL;
}

struct block *code_cache_lookup_at(struct code_cache *cc, uint64_t ppc, uint64_t vpc)
{
    /* Under paging one physical block may be reached at several virtual addresses; its
     * instructions carry the virtual pc they were decoded at (auipc, jal, traps use it). */
    for (struct block *b = cc->buckets[bucket_of(cc, ppc)]; b; b = b->hash_next)
        if (b->pc == ppc && b->insns[0].pc == vpc)
            return b;
    return NULL;
}

void code_cache_flush(struct code_cache *cc)
{
    memset(cc->buckets, 0, cc->nbuckets * sizeof *cc->buckets);
    memset(cc->pages, 0, cc->npages_cap * sizeof *cc->pages);
    cc->npages_used = 0;
    cc->arena_used = 0;
    cc->flushes++;
    if (cc->jit)
        jit_flush(cc->jit);
    cluster_new_links(cc->cl);
}

struct block *code_cache_alloc(struct code_cache *cc, unsigned n)
{
    size_t size = sizeof(struct block) + n * sizeof(struct insn);
    size = (size + 15) & ~(size_t)15;
    /* Full, or the translation tier ran out of room for code: start again. */
    if (cc->arena_used + size > cc->arena_size || (cc->jit && jit_full(cc->jit)))
        code_cache_flush(cc);
    struct block *b = (struct block *)(cc->arena + cc->arena_used);
    cc->arena_used += size;
    b->cached = false;
    return b;
}

void code_cache_trim(struct code_cache *cc, struct block *b, unsigned n)
{
    size_t size = sizeof(struct block) + n * sizeof(struct insn);
    size = (size + 15) & ~(size_t)15;
    cc->arena_used = (size_t)((uint8_t *)b - cc->arena) + size;
}

/* Page set: open addressing over page+1 (0 marks an empty slot); each page carries a bitmap
 * of the 64-byte chunks that hold cached code, so that a store to data sharing a page with
 * code costs a slow-path check but no invalidation. */
#define CHUNK_SHIFT 6

static unsigned page_slot(const struct code_cache *cc, uint64_t key)
{
    return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 40) & (cc->npages_cap - 1);
}

static struct code_page *page_find(const struct code_cache *cc, uint64_t ppage)
{
    uint64_t key = ppage + 1;
    for (unsigned s = page_slot(cc, key);; s = (s + 1) & (cc->npages_cap - 1)) {
        if (cc->pages[s].key == key)
            return &cc->pages[s];
        if (!cc->pages[s].key)
            return NULL;
    }
}

static struct code_page *page_insert(struct code_cache *cc, uint64_t key, uint64_t chunks);

static void page_set_grow(struct code_cache *cc)
{
    struct code_page *old = cc->pages;
    unsigned old_cap = cc->npages_cap;
    struct code_page *bigger = calloc(old_cap * 2, sizeof *bigger);
    if (!bigger) {
        /* Out of memory for bookkeeping: forget all cached code instead. */
        code_cache_flush(cc);
        return;
    }
    cc->pages = bigger;
    cc->npages_cap = old_cap * 2;
    cc->npages_used = 0;
    for (unsigned k = 0; k < old_cap; k++)
        if (old[k].key)
            page_insert(cc, old[k].key, old[k].chunks);
    free(old);
}

static struct code_page *page_insert(struct code_cache *cc, uint64_t key, uint64_t chunks)
{
    if (2 * (cc->npages_used + 1) > cc->npages_cap)
        page_set_grow(cc);
    unsigned s = page_slot(cc, key);
    while (cc->pages[s].key && cc->pages[s].key != key)
        s = (s + 1) & (cc->npages_cap - 1);
    if (!cc->pages[s].key)
        cc->npages_used++;
    cc->pages[s].key = key;
    cc->pages[s].chunks |= chunks;
    return &cc->pages[s];
}

bool code_cache_is_code_page(const struct code_cache *cc, uint64_t ppage)
{
    return page_find(cc, ppage) != NULL;
}

/* Bits of the chunks [lo, hi) covers within its page (lo and hi in the same page, hi > lo). */
static uint64_t chunk_bits(uint64_t lo, uint64_t hi)
{
    unsigned first = (unsigned)((lo & (PAGE_SIZE - 1)) >> CHUNK_SHIFT);
    unsigned last = (unsigned)(((hi - 1) & (PAGE_SIZE - 1)) >> CHUNK_SHIFT);
    uint64_t upto = last == 63 ? ~0ull : (1ull << (last + 1)) - 1;
    return upto & ~((1ull << first) - 1);
}

static void mark_code(struct code_cache *cc, uint64_t lo, uint64_t hi)
{
    while (lo < hi) {
        uint64_t ppage = lo >> PAGE_SHIFT;
        uint64_t page_end = (ppage + 1) << PAGE_SHIFT;
        uint64_t end = hi < page_end ? hi : page_end;
        bool fresh = page_find(cc, ppage) == NULL;
        page_insert(cc, ppage + 1, chunk_bits(lo, end));
        if (fresh)
            cluster_flush_write_page(cc->cl, ppage);
        lo = end;
    }
}

void code_cache_insert(struct code_cache *cc, struct block *b)
{
    unsigned k = bucket_of(cc, b->pc);
    b->hash_next = cc->buckets[k];
    cc->buckets[k] = b;
    b->cached = true;
    mark_code(cc, b->lo, b->end);
    if (cc->jit)
        jit_watch(cc->jit, b);
}

/* Remove one page from the set (re-inserting the rest of its probe chain). */
static void page_remove(struct code_cache *cc, struct code_page *p)
{
    unsigned mask = cc->npages_cap - 1, s = (unsigned)(p - cc->pages);
    p->key = 0;
    p->chunks = 0;
    cc->npages_used--;
    for (unsigned j = (s + 1) & mask; cc->pages[j].key; j = (j + 1) & mask) {
        struct code_page moved = cc->pages[j];
        cc->pages[j].key = 0;
        cc->pages[j].chunks = 0;
        cc->npages_used--;
        page_insert(cc, moved.key, moved.chunks);
    }
}

void code_cache_drop(struct code_cache *cc, struct block *b)
{
    for (struct block **link = &cc->buckets[bucket_of(cc, b->pc)]; *link;
         link = &(*link)->hash_next) {
        if (*link == b) {
            *link = b->hash_next;
            break;
        }
    }
    b->valid = false;
    b->cached = false;
    cluster_new_links(cc->cl);
}

bool code_cache_invalidate(struct code_cache *cc, uint64_t paddr, uint64_t len)
{
    bool any = false;
    uint64_t lo = paddr, hi = paddr + len;
    while (lo < hi) {
        uint64_t ppage = lo >> PAGE_SHIFT;
        uint64_t page_end = (ppage + 1) << PAGE_SHIFT;
        uint64_t end = hi < page_end ? hi : page_end;
        struct code_page *p = page_find(cc, ppage);
        if (p && (p->chunks & chunk_bits(lo, end))) {
            /* Real self-modifying code: drop every block on this page. Rare enough that a
             * walk over the table is the simple, right trade. */
            uint64_t plo = ppage << PAGE_SHIFT, phi = page_end;
            for (unsigned k = 0; k < cc->nbuckets; k++) {
                struct block **link = &cc->buckets[k];
                while (*link) {
                    struct block *b = *link;
                    if (b->lo < phi && b->end > plo) {
                        b->valid = false;
                        *link = b->hash_next;
                        any = true;
                    } else {
                        link = &b->hash_next;
                    }
                }
            }
            page_remove(cc, p);
        }
        lo = end;
    }
    if (any)
        cluster_new_links(cc->cl);
    return any;
}
