/* The cycle profiler behind --profile: where a run's cycles and instructions went, per
 * function and per hart, observed instruction by instruction through the views' hub.
 *
 * Calls and returns are recognised as the frames trace does (ui/frames.h: jal/jalr linking
 * into x1/x5 is a call, a jalr through x1/x5 that does not link is a return, following the
 * return-address hints of the Unprivileged ISA, 2.5); control that reaches another
 * function without a call (a tail call) replaces the innermost frame. Every trap starts a
 * new root, "[interrupt CAUSE]" or "[exception CAUSE]", that calls the handler, so what an
 * interrupt costs is never charged to the code it interrupted; mret/sret returns to it.
 * Cycles are the hart's virtual clock (what mcycle counts unless inhibited, including time
 * waiting in wfi), instructions what minstret counts.
 *
 * Outputs, written when the run ends:
 *   - callgrind's format (valgrind.org, "Callgrind Format Specification"), readable by
 *     callgrind_annotate and KCachegrind: events Cycles and Instructions, positions are
 *     instruction addresses, exclusive costs per instruction, calls with their counts and
 *     inclusive costs. One file per hart: FILE itself with one hart, else FILE-01, FILE-02,
 *     ... (hart 0 in -01), as callgrind names its per-thread files.
 *   - folded stacks (one line "root;caller;callee CYCLES" per call path with exclusive
 *     cycles), the input of flame-graph tools; with several harts each line starts with
 *     "hartN;".
 *   - line coverage (--coverage) as lcov's tracefile (genhtml, gcovr, CI coverage services):
 *     for every line of the firmware's DWARF line tables, how often it ran (the count of its
 *     instruction that ran most, over every hart), for every function how often it was
 *     entered, and for every conditional branch instruction how often it was taken and not
 *     taken ("-" if it never ran); lines that never ran count 0. Needs a firmware built
 *     with -g.
 *
 * Usage:
 *     struct profile *p = profile_new(ob, &(struct profile_config){ ... }, err, errlen);
 *     ... observe_attach(ob); machine_run(m); ...
 *     profile_finish(p, err, errlen);   // writes the files; false + message on failure
 *     profile_free(p);
 */
#ifndef HARTLAB_UI_PROFILE_H
#define HARTLAB_UI_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

struct observe;
struct profile;

struct profile_config {
    const char *callgrind_path; /* NULL: no callgrind output */
    const char *folded_path;    /* NULL: no folded stacks */
    const char *lcov_path;      /* NULL: no line coverage */
    const char *cmd;            /* the firmware's path, for the callgrind header */
};

/* Registers with the hub (which then steps the harts one instruction at a time). NULL with
 * a message if out of memory. */
struct profile *profile_new(struct observe *ob, const struct profile_config *cfg, char *err,
                            size_t errlen);
/* Write the outputs; false with a message naming the file if one cannot be written. */
bool profile_finish(struct profile *p, char *err, size_t errlen);
void profile_free(struct profile *p);

#endif
