/* GDB Remote Serial Protocol framing: the byte-level parser for what the debugger sends and
 * the encoder for what the stub answers (GDB manual, appendix E "GDB Remote Serial
 * Protocol": E.1 Overview — `$data#cs` packets, the modulo-256 checksum, `+`/`-`
 * acknowledgments, `}` escaping of `#$}*`, and the 0x03 interrupt byte).
 *
 * The parser is a pure state machine with no I/O, so the fuzz test (tests/gdb/fuzz_rsp.c)
 * can feed it arbitrary bytes. It never writes past its buffer: a packet longer than
 * RSP_MAX_PACKET is consumed to its end and reported as RSP_EV_OVERSIZED.
 *
 * Usage:
 *     struct rsp_parser p; rsp_parser_init(&p);
 *     for each received byte b:
 *         switch (rsp_feed(&p, b)) {
 *         case RSP_EV_PACKET: handle(p.data, p.len); break;     // data unescaped, NUL-ended
 *         case RSP_EV_BAD_CHECKSUM: send "-"; break;
 *         ...
 *         }
 */
#ifndef HARTLAB_GDBSTUB_RSP_H
#define HARTLAB_GDBSTUB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest packet payload accepted (advertised as qSupported PacketSize). */
#define RSP_MAX_PACKET 16384

enum rsp_event {
    RSP_EV_NONE = 0,
    RSP_EV_PACKET,       /* a complete packet with a good checksum is in data/len */
    RSP_EV_BAD_CHECKSUM, /* a complete packet whose checksum did not match */
    RSP_EV_OVERSIZED,    /* a complete packet longer than RSP_MAX_PACKET (dropped) */
    RSP_EV_ACK,          /* '+' */
    RSP_EV_NAK,          /* '-': resend the last packet */
    RSP_EV_INTERRUPT,    /* 0x03 outside a packet */
    RSP_EV_JUNK,         /* a byte outside a packet that means nothing (ignored) */
};

enum rsp_state { RSP_IDLE, RSP_DATA, RSP_ESCAPE, RSP_CSUM1, RSP_CSUM2 };

struct rsp_parser {
    enum rsp_state state;
    uint8_t sum;  /* running checksum of the raw bytes between $ and # */
    uint8_t csum; /* the checksum sent */
    bool overflow;
    bool bad_hex; /* a checksum digit that is not hex */
    size_t len;
    char data[RSP_MAX_PACKET + 1];
};

void rsp_parser_init(struct rsp_parser *p);
enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t byte);

/* Frame `len` bytes of payload as `$payload#cs` into `out` (escaping '#', '$', '}', '*').
 * Returns the framed length, or 0 if `outlen` is too small. */
size_t rsp_frame(const void *payload, size_t len, char *out, size_t outlen);

/* Hex helpers. */
int rsp_hex_digit(int c); /* -1 if not a hex digit */
/* Parse hex digits at *s (at least one) into *out and advance *s; false if none / overflow. */
bool rsp_parse_hex(const char **s, uint64_t *out);
/* Decode `n` bytes from 2n hex digits; false on a bad digit. */
bool rsp_hex_decode(const char *hex, uint8_t *out, size_t n);
/* Encode `n` bytes as 2n hex digits plus a NUL. */
void rsp_hex_encode(const uint8_t *in, size_t n, char *out);

#endif
