#!/usr/bin/env python3
"""Write the test disk image of the virtio_blk sample (firmware-samples/virtio_blk.c).

usage: mkdisk.py OUT [SECTORS]

Byte i of sector s is (s * 7 + i) & 0xff, except that sector 0 starts with the
NUL-terminated label "hartlab-disk" (16 bytes, padded with NULs). SECTORS defaults to 128
(64 KiB).
"""
import sys


def image(sectors):
    data = bytearray()
    for s in range(sectors):
        data += bytes((s * 7 + i) & 0xFF for i in range(512))
    label = b"hartlab-disk".ljust(16, b"\0")
    data[0:16] = label
    return bytes(data)


def main():
    out = sys.argv[1]
    sectors = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    with open(out, "wb") as f:
        f.write(image(sectors))


if __name__ == "__main__":
    main()
