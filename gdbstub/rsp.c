/* GDB Remote Serial Protocol framing (see rsp.h): GDB manual appendix E.1 (packet syntax,
 * checksums, acknowledgments, escapes; run-length encoding is never sent by the stub and,
 * per E.1, never sent by GDB) and the 0x03 interrupt of E.12 "Interrupts".
 */
#include "gdbstub/rsp.h"

#include <string.h>

void rsp_parser_init(struct rsp_parser *p)
{
    p->state = RSP_IDLE;
    p->len = 0;
    p->sum = 0;
    p->overflow = false;
    p->bad_hex = false;
    p->data[0] = 0;
}

int rsp_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void put(struct rsp_parser *p, uint8_t c)
{
    if (p->len < RSP_MAX_PACKET)
        p->data[p->len++] = (char)c;
    else
        p->overflow = true;
}

enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c)
{
    switch (p->state) {
    case RSP_IDLE:
        if (c == '$') {
            p->state = RSP_DATA;
            p->len = 0;
            p->sum = 0;
            p->overflow = false;
            p->bad_hex = false;
            return RSP_EV_NONE;
        }
        if (c == '+')
            return RSP_EV_ACK;
        if (c == '-')
            return RSP_EV_NAK;
        if (c == 0x03)
            return RSP_EV_INTERRUPT;
        return RSP_EV_JUNK;
    case RSP_DATA:
        if (c == '#') {
            p->state = RSP_CSUM1;
            return RSP_EV_NONE;
        }
        if (c == '$') {
            /* A new packet start inside a packet: the previous one was cut; start over. */
            p->len = 0;
            p->sum = 0;
            p->overflow = false;
            return RSP_EV_NONE;
        }
        p->sum += c;
        if (c == '}')
            p->state = RSP_ESCAPE;
        else
            put(p, c);
        return RSP_EV_NONE;
    case RSP_ESCAPE:
        p->sum += c;
        put(p, c ^ 0x20);
        p->state = RSP_DATA;
        return RSP_EV_NONE;
    case RSP_CSUM1: {
        int d = rsp_hex_digit(c);
        p->bad_hex = d < 0;
        p->csum = (uint8_t)((d < 0 ? 0 : d) << 4);
        p->state = RSP_CSUM2;
        return RSP_EV_NONE;
    }
    case RSP_CSUM2: {
        int d = rsp_hex_digit(c);
        p->state = RSP_IDLE;
        p->csum |= (uint8_t)(d < 0 ? 0 : d);
        p->data[p->len] = 0;
        if (p->overflow) {
            p->len = 0;
            p->data[0] = 0;
            return RSP_EV_OVERSIZED;
        }
        if (d < 0 || p->bad_hex || p->csum != p->sum)
            return RSP_EV_BAD_CHECKSUM;
        return RSP_EV_PACKET;
    }
    }
    p->state = RSP_IDLE;
    return RSP_EV_JUNK;
}

size_t rsp_frame(const void *payload, size_t len, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *in = payload;
    size_t o = 0;
    uint8_t sum = 0;
    if (outlen < 4)
        return 0;
    out[o++] = '$';
    for (size_t k = 0; k < len; k++) {
        uint8_t c = in[k];
        bool esc = c == '#' || c == '$' || c == '}' || c == '*';
        if (o + (esc ? 2 : 1) + 3 > outlen)
            return 0;
        if (esc) {
            out[o++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[o++] = (char)c;
        sum += c;
    }
    out[o++] = '#';
    out[o++] = hex[sum >> 4];
    out[o++] = hex[sum & 15];
    return o;
}

bool rsp_parse_hex(const char **s, uint64_t *out)
{
    const char *p = *s;
    uint64_t v = 0;
    int d, n = 0;
    while ((d = rsp_hex_digit((unsigned char)*p)) >= 0) {
        if (n == 16)
            return false;
        if (v != 0 || d != 0)
            n++;
        v = v << 4 | (uint64_t)d;
        p++;
    }
    if (p == *s)
        return false;
    *s = p;
    *out = v;
    return true;
}

bool rsp_hex_decode(const char *hex, uint8_t *out, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int hi = rsp_hex_digit((unsigned char)hex[2 * k]);
        int lo = hi < 0 ? -1 : rsp_hex_digit((unsigned char)hex[2 * k + 1]);
        if (lo < 0)
            return false;
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

void rsp_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = hex[in[k] >> 4];
        out[2 * k + 1] = hex[in[k] & 15];
    }
    out[2 * n] = 0;
}
