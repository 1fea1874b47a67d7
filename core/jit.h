/* The translation tier: hot decoded blocks (core/hart_internal.h, struct block) turned into
 * host machine code that does exactly what the instruction bodies of core/exec_template.h do
 * for that block, with the guest registers the block uses held in host registers.
 *
 * It sits behind one narrow entry: a translated block's first entry (`insns[0].fn`) points
 * at its translated code, which has the body signature, so the run loop, links and the jump
 * cache reach it the way they reach any block. Until then a cached block's first entry
 * counts how often the block starts (`jit_watch`); at the threshold the block is translated.
 * The interpreter stays the reference and runs everything the tier does not: single steps
 * (--trace, step listeners, the debugger's steps), --max-insns' last instructions, blocks
 * that run fewer times than the threshold, uncacheable blocks, and, inside a translated
 * block, the instructions the translator leaves to their bodies (called from the translated
 * code). How the code is generated and why is in docs/architecture.md ("The translation
 * tier").
 *
 * Memory: translated code lives in one buffer of `code_size` bytes, mapped either writable
 * or executable, never both (W^X): it is made writable while a block is translated, then
 * executable again. When it is full the tier asks for a flush of the whole code cache
 * (jit_full), which the cache does at its next allocation, between blocks; fence.i and a
 * full arena of decoded blocks flush it as well. Memory use is therefore bounded whatever
 * the guest does (self-modifying code, a JIT in the guest).
 *
 * Usage (core/cluster.c, core/codecache.c):
 *     struct jit *j = jit_new(&cfg);        // NULL: host not supported or out of memory
 *     jit_watch(j, b);                       // a block entered the code cache
 *     if (jit_full(j)) code_cache_flush(cc); // between blocks
 *     jit_flush(j);                          // the code cache dropped every block
 *     jit_free(j);
 */
#ifndef HARTLAB_CORE_JIT_H
#define HARTLAB_CORE_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct block;
struct jit;

/* The default size of the translated-code buffer, and the default number of times a block
 * must start before it is translated. */
#define JIT_DEFAULT_CODE_SIZE (64u << 20)
#define JIT_DEFAULT_THRESHOLD 64u

struct jit_config {
    unsigned threshold; /* starts of a block before it is translated; 0 = the default */
    size_t code_size;   /* bytes of translated code before a flush; 0 = the default */
    /* Translate at most this many blocks (0: no limit). A debugging aid: bisecting this
     * number finds the first translation that changes a run (HARTLAB_JIT_LIMIT). */
    uint64_t max_blocks;
    /* When set, each translated block's code is written to DIR/jit-PID-ADDR.bin and listed
     * in DIR/perf-PID.map (perf's map format, so `perf report` names the blocks: copy it to
     * /tmp or pass DIR=/tmp). A debugging aid (HARTLAB_JIT_DUMP). */
    const char *dump_dir;
};

/* Counters for --jit-stats (never part of the simulation's output). */
struct jit_stats {
    uint64_t translated;   /* blocks translated */
    uint64_t refused;      /* blocks the translator left to the interpreter */
    uint64_t guest_insns;  /* instructions in the translated blocks */
    uint64_t helper_insns; /* of those, run by calling their bodies */
    uint64_t code_bytes;   /* bytes of host code emitted (all flushes together) */
    uint64_t code_peak;    /* the most bytes in use at once */
    uint64_t flushes;      /* times the code buffer was emptied */
    uint64_t translate_ns; /* host CPU time spent translating (not simulated time) */
};

/* True when this host has a translator (x86-64 Linux). */
bool jit_host_supported(void);
/* NULL if the host is not supported or memory is short (the caller runs without). */
struct jit *jit_new(const struct jit_config *cfg);
void jit_free(struct jit *j);

/* A block entered the code cache: count its starts from now on. */
void jit_watch(struct jit *j, struct block *b);
/* True when the code buffer is full and the code cache should be flushed. */
bool jit_full(const struct jit *j);
/* The code cache dropped every block: forget every translation. */
void jit_flush(struct jit *j);

void jit_get_stats(const struct jit *j, struct jit_stats *st);

#endif
