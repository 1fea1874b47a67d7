/* virtio-rng: an entropy device on a virtio-mmio transport (devices/virtio_mmio.h), from
 * the virtio 1.2 specification, 5.4 "Entropy Device": one request queue, no feature bits,
 * no configuration; the device fills each device-writable buffer with random bytes.
 *
 * The bytes are deterministic: a xoshiro256** stream seeded (through splitmix64) from
 * `--rng-seed N` (default 0), so a run repeats exactly. `--rng-seed host` takes them from
 * the host's getrandom(2) instead: real entropy, runs no longer repeat. At most
 * VIRTIO_RNG_MAX_BYTES are given per request (5.4.6.1 lets the device use less than the
 * buffer).
 *
 * Timing: a request completes VIRTIO_RNG_REQUEST_CYCLES plus one cycle per 4 bytes after
 * the device takes it.
 */
#ifndef HARTLAB_DEVICES_VIRTIO_RNG_H
#define HARTLAB_DEVICES_VIRTIO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct virtio_mmio;

#define VIRTIO_RNG_REQUEST_CYCLES 1000
#define VIRTIO_RNG_MAX_BYTES      65536

bool virtio_rng_attach(struct virtio_mmio *t, uint64_t seed, bool host, char *err, size_t errlen);

/* The deterministic stream, for tests: the next `len` bytes a device seeded with `seed`
 * gives after `skip` bytes. */
void virtio_rng_stream(uint64_t seed, uint64_t skip, uint8_t *out, size_t len);

#endif
