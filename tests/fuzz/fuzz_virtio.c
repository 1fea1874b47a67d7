/* Fuzz harness: virtio descriptor chains (virtio 1.2, 2.7 "Split Virtqueues", and the
 * virtio-mmio transport, 4.2), through the virtio lane's in-process entry point
 * devices/virtio_fuzz.h: the input is the queue set-up and 64 KiB of guest RAM holding the
 * descriptor table, the rings, indirect tables and virtio-blk request headers; the device
 * runs until it is idle. Invariants: it returns (chains, requests and time are bounded),
 * nothing outside the machine is touched, and the set-up never fails. Seeds
 * (tests/fuzz/gen_seeds.py): a read, a write, a flush, an indirect chain, a loop in a chain,
 * a legacy transport.
 */
#include "devices/virtio_fuzz.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (virtio_fuzz_one(data, size) < 0)
        fuzz_fail("virtio_fuzz_one could not set up its machine");
    return 0;
}
