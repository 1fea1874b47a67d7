/* C-style string escapes, both ways, for the text formats hartlab reads and writes: the
 * --script language, --record files and the failure lines that quote firmware output. The
 * escapes are those of C11 (6.4.4.4): \n \r \t \0 \a \b \f \v \\ \" \' \?, octal \ooo (one
 * to three digits), hex \xHH (one or two digits here, so that "\x41BC" is "ABC"), plus \e
 * (ESC, as in GNU C) and \/ (a slash, for /regex/ literals).
 *
 * Usage:
 *     char buf[64]; size_t n; char why[128];
 *     const char *end = escape_parse_quoted(p, stop, '"', buf, sizeof buf, &n, why, sizeof why);
 *     if (!end) ...why says what is wrong...
 *     escape_bytes(out, outlen, bytes, n);   // "hi\n" -> hi\n, NUL-terminated, truncated
 */
#ifndef HARTLAB_HOST_ESCAPE_H
#define HARTLAB_HOST_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `p` points just after an opening `quote` character; reads up to the closing one, decoding
 * escapes into out[0..outcap) (*outlen bytes, which may include NULs). Returns the position
 * after the closing quote, or NULL with a message in `why` for an unterminated string (the
 * text ends at `stop` or at a newline first), an unknown escape or a string longer than
 * `outcap`. A `quote` of '/' keeps every escape but \/ as written (a regex decodes its own). */
const char *escape_parse_quoted(const char *p, const char *stop, char quote, uint8_t *out,
                                size_t outcap, size_t *outlen, char *why, size_t whylen);

/* Write `len` bytes as the inside of a C string literal: printable ASCII as itself (with \"
 * and \\ escaped), \n \r \t \e by name, anything else as \xHH. Always NUL-terminates `out`;
 * returns the number of input bytes that fitted. */
size_t escape_bytes(char *out, size_t outlen, const uint8_t *bytes, size_t len);

#endif
