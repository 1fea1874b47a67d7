/* An in-process fuzzing entry point for the virtio-mmio transport's descriptor handling
 * (devices/virtio_mmio.h) with a virtio-blk device behind it: libFuzzer, AFL or a test
 * hands it arbitrary bytes, which become guest RAM holding descriptor tables, rings and
 * request headers; the device is set up as a driver would and run until it is idle.
 * Whatever the bytes, the call must return (no hang: chains, requests and virtual time are
 * all bounded) without touching memory outside the machine (run it under ASan/UBSan).
 *
 * Input layout (missing bytes read as 0):
 *     byte 0   bit 0: offer INDIRECT_DESC, bit 1: EVENT_IDX, bit 2: a legacy (version 1)
 *              transport
 *     byte 1   queue size 2^(byte & 7), so 1..128
 *     byte 2   how many entries the driver makes available (the available index)
 *     byte 3+  guest RAM from its start, 64 KiB of it: the descriptor table at offset 0,
 *              the available ring at 0x1000 (its index is then set from byte 2), the used
 *              ring at 0x2000, anything else (indirect tables, headers, data) elsewhere
 * The disk is a 64 KiB in-memory image used as a snapshot, so inputs never change it.
 *
 * Usage (libFuzzer):
 *     int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { virtio_fuzz_one(d, n); return 0; }
 */
#ifndef HARTLAB_DEVICES_VIRTIO_FUZZ_H
#define HARTLAB_DEVICES_VIRTIO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_FUZZ_RAM (64u << 10)

/* Run one input. Returns 1 if the device ended in the error state (DEVICE_NEEDS_RESET),
 * 0 if not, -1 if the harness itself could not be set up (out of memory, no memfd). */
int virtio_fuzz_one(const uint8_t *data, size_t size);

#endif
