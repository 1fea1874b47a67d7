/* Incremental matching of a --script `wait`'s pattern against a stream of output bytes: the
 * match is found at the byte that completes it, however the output arrives, with work per
 * byte bounded by the pattern's size (a Thompson NFA run as a Pike VM, no backtracking).
 *
 * Patterns: a `wait "TEXT"` is matched literally; a `wait /REGEX/` uses this syntax, a
 * subset of POSIX extended regular expressions with Perl's class escapes:
 *     c            the byte c (any but the metacharacters . [ ] ( ) | * + ? { } ^ $ \)
 *     .            any byte but a newline
 *     [abc] [a-z] [^...]   a set; [:alpha:] [:digit:] [:alnum:] [:space:] [:upper:]
 *                  [:lower:] [:punct:] [:xdigit:] [:print:] [:cntrl:] [:blank:] inside
 *     \d \w \s     digit, word character [A-Za-z0-9_], white space; \D \W \S their complements
 *     \n \r \t \e \0 \xHH   control bytes; \ before any other punctuation: that character
 *     X* X+ X? X{n} X{n,} X{n,m}   repetition (counts up to 255)
 *     X|Y (X)      alternatives, grouping
 *     ^ $          start of a line (after a newline or at the start of the output), end of
 *                  a line (before a newline)
 * and the flag `i` after the closing slash (/hello/i) ignores ASCII case.
 *
 * Usage:
 *     struct script_rx *rx = script_rx_compile(pat, len, true, false, why, sizeof why);
 *     struct script_rx_run run; script_rx_reset(rx, &run, true);
 *     for each byte b: if (script_rx_feed(rx, &run, b, &before)) { matched; before: the
 *                      match ended just before b (a `$`), so b is not part of it }
 *     script_rx_run_free(&run); script_rx_free(rx);
 */
#ifndef HARTLAB_HOST_SCRIPT_REGEX_H
#define HARTLAB_HOST_SCRIPT_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCRIPT_RX_MAX_INSNS 4096 /* larger patterns are refused */

struct script_rx;

struct script_rx_run {
    uint32_t *cur, *next; /* thread lists: program counters */
    unsigned ncur, nnext;
    uint32_t *mark; /* per instruction: the generation that last added it */
    uint32_t gen;
    bool line_start; /* the previous byte was a newline (or there was none) */
};

/* Compile a literal (`regex` false: the bytes as they are) or a regex. NULL with a message
 * in `why` ("missing ')'", "nothing to repeat before '*'", ...). */
struct script_rx *script_rx_compile(const uint8_t *pat, size_t len, bool regex, bool icase,
                                    char *why, size_t whylen);
void script_rx_free(struct script_rx *rx);
/* Start matching afresh; `line_start`: the output so far is empty or ends with a newline. */
bool script_rx_reset(const struct script_rx *rx, struct script_rx_run *run, bool line_start);
void script_rx_run_free(struct script_rx_run *run);
/* Feed one byte; true when a match has completed (see `before` above). */
bool script_rx_feed(const struct script_rx *rx, struct script_rx_run *run, uint8_t b, bool *before);

#endif
