#!/usr/bin/env python3
"""Write the hand-made seeds of the binary-structured harnesses (fuzz_semihost.c and
fuzz_device.c) into tests/fuzz/corpus/: each seed is a small meaningful session in the
harness's input encoding (see the comments of those files), so fuzzing starts from inputs
that open, read and write files, program timers, claim interrupts and print. Run by hand
when an encoding changes; the output is the same on every run.

usage: gen_seeds.py CORPUSDIR
"""
import os
import struct
import sys

OPS = ["open", "close", "writec", "write0", "write", "read", "readc", "iserror", "istty",
       "seek", "flen", "tmpnam", "remove", "rename", "clock", "time", "system", "errno",
       "get_cmdline", "heapinfo", "exit", "exit_extended", "elapsed", "tickfreq"]
PATHS = ["data.txt", "sub/inner.bin", "new.txt", "sub/new.bin", "sub", ":tt",
         ":semihosting-features", "escape", "escdir/secret.txt", "escdir/new.txt",
         "../outside/secret.txt", "../outside/new.txt", "sub/../../outside/secret.txt", "..", ""]


def u8(v):
    return bytes([v & 0xFF])


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


# Parameter fields (fuzz_semihost.c `field`).
def path(i):
    return u8(0) + u8(i)


def plen():
    return u8(1)


def mode(m):
    return u8(2) + u8(m)


def handle(h):
    return u8(3) + u8(h - 1)


def buf(off):
    return u8(4) + u16(off)


def small(v):
    return u8(6) + u8(v)


def call(op, *fields, cycles=1):
    fields = list(fields) + [small(0)] * (4 - len(fields))
    return u8(OPS.index(op)) + b"".join(fields) + u8(0) + u8(cycles)


def semihost(cfg, data, *calls):
    return u8(cfg) + u16(len(data)) + data + b"".join(calls)


def semihost_seeds():
    text = b"written through semihosting\n\0"
    return {
        "read-data": semihost(0, b"", call("open", path(0), mode(0), plen()),
                              call("flen", handle(1)), call("read", handle(1), buf(0), small(64)),
                              call("seek", handle(1), small(3)), call("read", handle(1), buf(64), small(8)),
                              call("close", handle(1)), call("errno")),
        "write-new-rv32": semihost(1, text, call("open", path(2), mode(4), plen()),
                                   call("write", handle(1), buf(0), small(len(text))),
                                   call("seek", handle(1), small(0)), call("flen", handle(1)),
                                   call("close", handle(1)), call("open", path(2), mode(0), plen()),
                                   call("read", handle(1), buf(100), small(40))),
        "escapes": semihost(0, b"", *[call("open", path(i), mode(m), plen())
                                      for i in range(7, 15) for m in (0, 4)]),
        "console": semihost(0, text, call("open", path(5), mode(4), plen()),
                            call("write", handle(1), buf(0), small(10)), call("write0", buf(0)),
                            call("writec", buf(1)), call("open", path(6), mode(0), plen()),
                            call("read", handle(2), buf(200), small(8)), call("istty", handle(1)),
                            call("readc")),
        "misc": semihost(1, b"", call("get_cmdline", buf(0), small(64)), call("heapinfo", buf(128)),
                         call("elapsed", buf(256)), call("clock"), call("time"), call("tickfreq"),
                         call("iserror", small(0xff)), call("system", path(0), plen()),
                         call("exit_extended", small(0x26), small(3))),
        "no-root": semihost(2, b"", call("open", path(0), mode(0), plen()),
                            call("open", path(5), mode(8), plen())),
    }


# Device operations (fuzz_device.c `run`): op byte = kind | size_log << 6.
def load(size_log, hot, off):
    return u8(0 | size_log << 6) + u8(hot) + u16(off)


def store(size_log, hot, off, val):
    return u8(5 | size_log << 6) + u8(hot) + u16(off) + u8(1) + struct.pack("<Q", val)


def advance(v, shift):
    return u8(9) + u16(v) + u8(shift)


def inputs(byte, pin, src, level):
    return u8(10) + u8(byte) + u8(pin) + u16(src) + u8(level)


def mie(v):
    return u8(12) + u16(v)


def mstatus(on):
    return u8(13) + u8(on)


def guest(n):
    return u8(14) + u8(n)


def mip():
    return u8(15)


def ram(off, data):  # dev-virtio: guest RAM at DMA_AREA + off
    return u8(11) + u16(off) + u8(len(data)) + data


def store_ram(size_log, hot, off, ram_off):  # dev-virtio: a value DMA_AREA + ram_off
    return u8(5 | size_log << 6) + u8(hot) + u16(off) + u8(2) + u16(ram_off)


DMA_AREA = 0x80004000


def dev_virtio_seed(hot, header, data_len, data_flags):
    """A driver's whole set-up of the virtio device at hot block `hot` (0 = the blk slot,
    4 = the rng slot): status, features, queue 0 of 8 at DMA_AREA (table), +0x1000
    (available), +0x2000 (used), one chain from the table, the notify, time for the device,
    then the interrupt status and its acknowledgement."""
    def reg(off, v):
        return store(2, hot, off, v)
    chain = b""
    if header is not None:
        chain += desc(DMA_AREA + 0x3000, 16, VIRTQ_NEXT, 1)
        chain += desc(DMA_AREA + 0x3800, data_len, data_flags | VIRTQ_NEXT, 2)
        chain += desc(DMA_AREA + 0x3f00, 1, VIRTQ_WRITE, 0)
    else:
        chain += desc(DMA_AREA + 0x3800, data_len, data_flags, 0)
    s = (reg(0x70, 0) + reg(0x70, 3) + load(2, hot, 0x10) + reg(0x24, 1) + reg(0x20, 1)
         + reg(0x70, 0xb) + load(2, hot, 0x70) + reg(0x30, 0) + load(2, hot, 0x34)
         + reg(0x38, 8) + store_ram(2, hot, 0x80, 0) + store_ram(2, hot, 0x90, 0x1000)
         + store_ram(2, hot, 0xa0, 0x2000) + reg(0x44, 1) + reg(0x70, 0xf)
         + ram(0, chain) + ram(0x1000, struct.pack("<HHH", 0, 1, 0)))
    if header is not None:
        s += ram(0x3000, header)
    s += (reg(0x50, 0) + advance(2000, 4) + load(2, hot, 0x60) + reg(0x64, 1)
          + load(2, hot, 0x60) + load(2, hot, 0x100) + load(2, hot, 0xfc) + reg(0x70, 0))
    return s


def device_seeds():
    return {
        # hot 1 = mtimecmp, hot 2 = mtime, hot 0 = msip
        "dev-clint": [store(3, 1, 0, 1000) + mie(0x80) + mstatus(1) + advance(2000, 0) + mip()
                      + guest(20) + load(3, 2, 0) + store(2, 0, 0, 1) + mie(0x8) + guest(5)
                      + store(2, 0, 0, 0) + load(2, 0, 0) + store(2, 1, 4, 0) + load(2, 1, 0)],
        # hot 0 priority, 1 pending, 2 enable ctx0, 4 ctx0 threshold/claim
        "dev-plic": [store(2, 0, 40, 3) + store(2, 2, 0, 1 << 10) + inputs(0, 0, 10, 1)
                     + load(2, 1, 0) + mie(0x800) + mstatus(1) + guest(10) + load(2, 4, 4)
                     + store(2, 4, 4, 10) + store(2, 4, 0, 2) + mip()],
        "dev-uart": [store(0, 0, 3, 0x80) + store(0, 0, 0, 1) + store(0, 0, 1, 0) + store(0, 0, 3, 3)
                     + store(0, 0, 2, 0xc7) + store(0, 0, 1, 0xf) + store(0, 0, 0, 0x41)
                     + inputs(0x61, 0, 0, 0) + advance(5000, 4) + load(0, 0, 5) + load(0, 0, 0)
                     + load(0, 0, 2) + store(0, 0, 4, 0x10) + store(0, 0, 0, 0x42) + load(0, 0, 0)],
        # hot 0 = value/input_en/output_en..., 1 = 0x38 (out_xor), 2 = 0x40
        "dev-gpio": [store(2, 0, 8, 0xff) + store(2, 0, 12, 0xf0) + store(2, 0, 4, 0x0f)
                     + inputs(0, 2, 0, 0) + inputs(0, 0x42, 0, 0) + store(2, 0, 0x18, 0xff)
                     + load(2, 0, 0) + load(2, 0, 0x1c) + store(2, 1, 0, 0x1) + load(2, 0, 0)],
        "dev-finisher": [store(2, 0, 0, 0x7777) + load(2, 0, 0) + store(1, 0, 0, 0x3333)
                         + store(2, 0, 0, (3 << 16) | 0x3333) + store(2, 0, 0, 0x5555)],
        "dev-htif": [store(3, 0, 0, (1 << 56) | (1 << 48) | 0x41) + load(3, 0, 8)
                     + u8(11) + b"\x00" * 40 + store(3, 0, 0, 0x80002000)
                     + store(2, 0, 0, 0x2001) + store(2, 0, 4, 0) + store(3, 0, 0, (5 << 1) | 1)],
        # a virtio-blk read of sector 0, a write of sector 1, and a virtio-rng request
        "dev-virtio": [dev_virtio_seed(0, blk_header(0, 0), 512, VIRTQ_WRITE),
                       dev_virtio_seed(0, blk_header(1, 1), 512, 0),
                       dev_virtio_seed(4, None, 64, VIRTQ_WRITE)],
    }


# virtio (devices/virtio_fuzz.h): flags, log2 queue size, available index, then guest RAM
# from 0x80000000: descriptor table at 0, available ring at 0x1000, used ring at 0x2000.
VRAM = 0x80000000
VIRTQ_NEXT, VIRTQ_WRITE, VIRTQ_INDIRECT = 1, 2, 4


def desc(addr, length, flags, nxt):
    return struct.pack("<QIHH", addr, length, flags, nxt)


def virtio_input(flags, qlog, avail_idx, chains, extra):
    ram = bytearray(0x6000)
    for i, d in enumerate(chains["descs"]):
        ram[16 * i:16 * i + 16] = d
    ring = struct.pack("<HH", 0, avail_idx) + b"".join(struct.pack("<H", h) for h in chains["heads"])
    at = 16 << qlog if flags & 4 else 0x1000  # a legacy ring follows the table
    ram[at:at + len(ring)] = ring
    for off, data in extra:
        ram[off:off + len(data)] = data
    return (bytes([flags, qlog, avail_idx]) + bytes(ram)).rstrip(b"\0")  # missing bytes are 0


def blk_header(kind, sector):
    return struct.pack("<IIQ", kind, 0, sector)


def virtio_seeds():
    read = {"descs": [desc(VRAM + 0x3000, 16, VIRTQ_NEXT, 1),
                      desc(VRAM + 0x4000, 512, VIRTQ_WRITE | VIRTQ_NEXT, 2),
                      desc(VRAM + 0x5000, 1, VIRTQ_WRITE, 0)], "heads": [0]}
    write = {"descs": [desc(VRAM + 0x3000, 16, VIRTQ_NEXT, 1),
                       desc(VRAM + 0x4000, 1024, VIRTQ_NEXT, 2),
                       desc(VRAM + 0x5000, 1, VIRTQ_WRITE, 0)], "heads": [0]}
    flush = {"descs": [desc(VRAM + 0x3000, 16, VIRTQ_NEXT, 1),
                       desc(VRAM + 0x5000, 1, VIRTQ_WRITE, 0)], "heads": [0]}
    indirect = {"descs": [desc(VRAM + 0x3800, 48, VIRTQ_INDIRECT, 0)], "heads": [0]}
    table = (desc(VRAM + 0x3000, 16, VIRTQ_NEXT, 1) + desc(VRAM + 0x4000, 512,
             VIRTQ_WRITE | VIRTQ_NEXT, 2) + desc(VRAM + 0x5000, 1, VIRTQ_WRITE, 0))
    loop = {"descs": [desc(VRAM + 0x3000, 16, VIRTQ_NEXT, 1),
                      desc(VRAM + 0x4000, 512, VIRTQ_WRITE | VIRTQ_NEXT, 0)], "heads": [0]}
    two = {"descs": read["descs"] + [desc(VRAM + 0x3010, 16, VIRTQ_NEXT, 4),
                                     desc(VRAM + 0x4200, 512, VIRTQ_NEXT, 5),
                                     desc(VRAM + 0x5001, 1, VIRTQ_WRITE, 0)], "heads": [0, 3]}
    return {
        "read": virtio_input(0, 3, 1, read, [(0x3000, blk_header(0, 0))]),
        "write": virtio_input(0, 3, 1, write, [(0x3000, blk_header(1, 4)), (0x4000, b"\xa5" * 1024)]),
        "flush-event-idx": virtio_input(2, 3, 1, flush, [(0x3000, blk_header(4, 0))]),
        "indirect": virtio_input(1, 3, 1, indirect, [(0x3000, blk_header(0, 1)), (0x3800, table)]),
        "loop": virtio_input(0, 3, 1, loop, [(0x3000, blk_header(0, 0))]),
        "two-requests": virtio_input(0, 4, 2, two, [(0x3000, blk_header(0, 0)),
                                                   (0x3010, blk_header(1, 127))]),
        "get-id-legacy": virtio_input(4, 2, 1, read, [(0x3000, blk_header(8, 0))]),
    }


def main():
    out = sys.argv[1]
    d = os.path.join(out, "virtio")
    os.makedirs(d, exist_ok=True)
    for name, data in virtio_seeds().items():
        open(os.path.join(d, name), "wb").write(data)
    for name, data in semihost_seeds().items():
        d = os.path.join(out, "semihost")
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, name), "wb").write(data)
    for harness, seeds in device_seeds().items():
        d = os.path.join(out, harness)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(seeds):
            open(os.path.join(d, "seed-%d" % i), "wb").write(data)


if __name__ == "__main__":
    main()
