/* C-style string escapes (see escape.h), after C11 6.4.4.4 "Character constants". */
#include "host/escape.h"

#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

const char *escape_parse_quoted(const char *p, const char *stop, char quote, uint8_t *out,
                                size_t outcap, size_t *outlen, char *why, size_t whylen)
{
    size_t n = 0;
    const char *open = p - 1;
    for (;;) {
        if (p >= stop || *p == '\n' || *p == '\r') {
            if (quote == '/')
                snprintf(why, whylen, "unterminated regex: the closing / is missing");
            else
                snprintf(why, whylen, "unterminated string: the closing %c is missing", quote);
            return NULL;
        }
        char c = *p++;
        if (c == quote)
            break;
        int v = (unsigned char)c;
        if (c == '\\') {
            if (p >= stop) {
                snprintf(why, whylen, "unterminated %s: a \\ ends the line",
                         quote == '/' ? "regex" : "string");
                return NULL;
            }
            char e = *p++;
            if (quote == '/' && e != '/') {
                /* A regex decodes its own escapes: keep the backslash. */
                if (n + 2 > outcap)
                    goto too_long;
                out[n++] = '\\';
                out[n++] = (uint8_t)e;
                continue;
            }
            switch (e) {
            case 'n': v = '\n'; break;
            case 'r': v = '\r'; break;
            case 't': v = '\t'; break;
            case 'a': v = '\a'; break;
            case 'b': v = '\b'; break;
            case 'f': v = '\f'; break;
            case 'v': v = '\v'; break;
            case 'e': v = 0x1b; break;
            case '\\':
            case '"':
            case '\'':
            case '?':
            case '/': v = e; break;
            case 'x': {
                int h1 = p < stop ? hexval(*p) : -1;
                if (h1 < 0) {
                    snprintf(why, whylen, "\\x must be followed by one or two hex digits");
                    return NULL;
                }
                p++;
                v = h1;
                int h2 = p < stop ? hexval(*p) : -1;
                if (h2 >= 0) {
                    p++;
                    v = v * 16 + h2;
                }
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    const char *oct = p - 1;
                    v = e - '0';
                    for (int k = 0; k < 2 && p < stop && *p >= '0' && *p <= '7'; k++)
                        v = v * 8 + (*p++ - '0');
                    if (v > 0xff) {
                        snprintf(why, whylen, "octal escape \\%.3s is above \\377", oct);
                        return NULL;
                    }
                    break;
                }
                if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7f)
                    snprintf(why, whylen,
                             "unknown escape \\%c (use \\n \\r \\t \\0 \\\\ \\\" \\xHH, ...)", e);
                else
                    snprintf(why, whylen, "unknown escape \\\\x%02x", (unsigned char)e);
                return NULL;
            }
        }
        if (n == outcap)
            goto too_long;
        out[n++] = (uint8_t)v;
    }
    *outlen = n;
    return p;
too_long:
    snprintf(why, whylen, "%s starting '%.10s' is longer than %zu bytes",
             quote == '/' ? "regex" : "string", open, outcap);
    return NULL;
}

size_t escape_bytes(char *out, size_t outlen, const uint8_t *bytes, size_t len)
{
    size_t o = 0, k;
    if (outlen == 0)
        return 0;
    for (k = 0; k < len; k++) {
        char tmp[5];
        uint8_t c = bytes[k];
        switch (c) {
        case '\n': strcpy(tmp, "\\n"); break;
        case '\r': strcpy(tmp, "\\r"); break;
        case '\t': strcpy(tmp, "\\t"); break;
        case 0x1b: strcpy(tmp, "\\e"); break;
        case '"': strcpy(tmp, "\\\""); break;
        case '\\': strcpy(tmp, "\\\\"); break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                tmp[0] = (char)c;
                tmp[1] = 0;
            } else {
                snprintf(tmp, sizeof tmp, "\\x%02x", c);
            }
        }
        size_t n = strlen(tmp);
        if (o + n + 1 > outlen)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    out[o] = 0;
    return k;
}
