/* JUnit XML writer (see junit.h): XML 1.0 (W3C, fifth edition) text and attribute escaping,
 * with the Char production's limits (section 2.2) enforced byte by byte. */
#include "host/junit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, at
 * most U+10FFFF) that XML allows (not U+FFFE/U+FFFF), or 0. */
static size_t utf8_len(const uint8_t *p, size_t left)
{
    uint8_t c = p[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
        return 0;
    return n;
}

/* Escaped text (attr: also quotes and line breaks, so a message stays one line). */
static void put_text(FILE *f, const uint8_t *p, size_t len, bool attr)
{
    for (size_t k = 0; k < len;) {
        uint8_t c = p[k];
        if (c >= 0x80) {
            size_t n = utf8_len(p + k, len - k);
            if (n) {
                fwrite(p + k, 1, n, f);
                k += n;
            } else {
                fprintf(f, "\\x%02x", c);
                k++;
            }
            continue;
        }
        k++;
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs(attr ? "&quot;" : "\"", f); break;
        case '\n': fputs(attr ? "&#10;" : "\n", f); break;
        case '\r': fputs("&#13;", f); break;
        case '\t': fputs(attr ? "&#9;" : "\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(f, "\\x%02x", c);
            else
                fputc(c, f);
        }
    }
}

static void put_str(FILE *f, const char *s, bool attr)
{
    if (s)
        put_text(f, (const uint8_t *)s, strlen(s), attr);
}

static void attr(FILE *f, const char *name, const char *value)
{
    fprintf(f, " %s=\"", name);
    put_str(f, value, true);
    fputc('"', f);
}

bool junit_write(const char *path, const char *suite, const struct junit_case *cases, size_t n,
                 char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "--junit %s: cannot write: %s", path, strerror(errno));
        return false;
    }
    size_t failures = 0, errors = 0;
    double total = 0;
    for (size_t k = 0; k < n; k++) {
        failures += cases[k].result == JUNIT_FAIL;
        errors += cases[k].result == JUNIT_ERROR;
        total += cases[k].time;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<testsuites", f);
    attr(f, "name", suite);
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.6f\">\n", n, failures,
            errors, total);
    fputs("  <testsuite", f);
    attr(f, "name", suite);
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.6f\">\n", n,
            failures, errors, total);
    for (size_t k = 0; k < n; k++) {
        const struct junit_case *c = &cases[k];
        fputs("    <testcase", f);
        attr(f, "classname", c->classname);
        attr(f, "name", c->name);
        if (c->file)
            attr(f, "file", c->file);
        fprintf(f, " time=\"%.6f\">\n", c->time);
        if (c->result != JUNIT_PASS) {
            const char *tag = c->result == JUNIT_FAIL ? "failure" : "error";
            fprintf(f, "      <%s", tag);
            attr(f, "message", c->message ? c->message : "");
            attr(f, "type", c->type ? c->type : tag);
            fputc('>', f);
            put_str(f, c->details ? c->details : c->message, false);
            fprintf(f, "</%s>\n", tag);
        }
        if (c->out) {
            fputs("      <system-out>", f);
            put_text(f, c->out, c->outlen, false);
            fputs("</system-out>\n", f);
        }
        if (c->err) {
            fputs("      <system-err>", f);
            put_text(f, c->err, c->errlen, false);
            fputs("</system-err>\n", f);
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "--junit %s: cannot write the whole file", path);
        return false;
    }
    return true;
}
