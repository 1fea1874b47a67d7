/* virtio-rng (see virtio_rng.h), from virtio 1.2 section 5.4 (5.4.2: one virtqueue,
 * requestq; 5.4.6.1: the device fills device-writable buffers, possibly not all of them).
 * The generator is xoshiro256** (Blackman and Vigna, "Scrambled Linear Pseudorandom Number
 * Generators", 2018) seeded by splitmix64, as its authors recommend; it is fast and its
 * stream does not depend on how the guest splits its requests.
 */
#include "devices/virtio_rng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "devices/virtio_mmio.h"
#include "host/log.h"
#include "platform/machine.h"

struct prng {
    uint64_t s[4];
    uint8_t buf[8]; /* the current output word's bytes */
    unsigned used;  /* of buf, 8 = empty */
};

struct virtio_rng {
    bool host;
    struct prng g;
    uint64_t given; /* bytes handed out */
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void prng_seed(struct prng *g, uint64_t seed)
{
    for (int k = 0; k < 4; k++)
        g->s[k] = splitmix64(&seed);
    g->used = 8;
}

static uint64_t prng_next(struct prng *g)
{
    uint64_t *s = g->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static void prng_bytes(struct prng *g, uint8_t *out, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        if (g->used == 8) {
            uint64_t v = prng_next(g);
            for (int j = 0; j < 8; j++)
                g->buf[j] = (uint8_t)(v >> (8 * j));
            g->used = 0;
        }
        out[k] = g->buf[g->used++];
    }
}

void virtio_rng_stream(uint64_t seed, uint64_t skip, uint8_t *out, size_t len)
{
    struct prng g;
    prng_seed(&g, seed);
    uint8_t junk[256];
    while (skip > 0) {
        size_t n = skip < sizeof junk ? (size_t)skip : sizeof junk;
        prng_bytes(&g, junk, n);
        skip -= n;
    }
    prng_bytes(&g, out, len);
}

static void fill(struct virtio_rng *r, uint8_t *p, size_t len)
{
    if (r->host) {
        while (len > 0) {
            ssize_t n = getrandom(p, len, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) { /* no host entropy: fall back to the stream, said once */
                guest_error("virtio-rng-host", "virtio-rng: getrandom failed; using the seeded "
                                               "stream");
                prng_bytes(&r->g, p, len);
                return;
            }
            p += n;
            len -= (size_t)n;
        }
        return;
    }
    prng_bytes(&r->g, p, len);
}

static bool rng_serve(void *dev, struct virtio_mmio *t, const struct virtio_chain *c,
                      struct virtio_result *res)
{
    struct virtio_rng *r = dev;
    uint64_t left = VIRTIO_RNG_MAX_BYTES, given = 0;
    for (unsigned k = c->nread; k < c->nseg && left > 0; k++) {
        const struct virtio_seg *s = &c->seg[k];
        uint8_t *p = virtio_seg_ptr(t, s);
        if (!p) {
            virtio_mmio_error(t, "virtio-rng: buffer 0x%llx (%u bytes) of chain %u is outside RAM",
                              (unsigned long long)s->addr, s->len, c->head);
            return false;
        }
        uint64_t n = s->len < left ? s->len : left;
        fill(r, p, (size_t)n);
        virtio_mmio_dma_written(t, s->addr, n);
        given += n;
        left -= n;
    }
    r->given += given;
    res->used_len = (uint32_t)given;
    res->cycles = VIRTIO_RNG_REQUEST_CYCLES + given / 4;
    virtio_mmio_emit(t, &(struct virtio_event){ .kind = VIRTIO_EV_REQUEST,
                                                .cycle = virtio_mmio_now(t),
                                                .queue = c->queue,
                                                .head = c->head,
                                                .what = "entropy",
                                                .len = given,
                                                .value = (uint32_t)res->cycles });
    return true;
}

static void rng_free(void *dev)
{
    free(dev);
}

static const struct virtio_backend_ops rng_ops = {
    .name = "virtio-rng",
    .device_id = VIRTIO_ID_ENTROPY,
    .features = 0,
    .nqueues = 1,
    .config_size = 0,
    .serve = rng_serve,
    .free = rng_free,
};

bool virtio_rng_attach(struct virtio_mmio *t, uint64_t seed, bool host, char *err, size_t errlen)
{
    struct virtio_rng *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    r->host = host;
    prng_seed(&r->g, seed);
    virtio_mmio_attach(t, &rng_ops, r);
    machine_add_state(virtio_mmio_machine(t), r, sizeof *r); /* snapshots */
    if (host)
        log_info("%s: virtio-rng from host entropy (runs will not repeat)", virtio_mmio_name(t));
    else
        log_info("%s: virtio-rng, seed %llu", virtio_mmio_name(t), (unsigned long long)seed);
    return true;
}
