#!/usr/bin/env python3
"""Write the ELF test corpus: tiny valid RISC-V executables and malformed variants of them.

Each malformed file breaks one rule of the System V ABI "Object Files" chapter or one
check of loader/elf.c (see loader/loader.h): hartlab must refuse it with exactly one line
naming the file. Files are named by what the checker expects:

    good-*.elf   runs and exits 0 through the SiFive test finisher (0x100000 <- 0x5555)
    bad-*.elf    refused by the loader: exit 2, one stderr line, empty stdout
    fuzz-*.elf   random byte flips of a good file: anything but a crash or a hang

Usage: gen_corpus.py --list           print the file names, one a line
       gen_corpus.py --outdir DIR     write every file into DIR
Standard library only; the output is the same on every run.
"""

import argparse
import os
import random
import struct
import sys

EM_RISCV = 243
EM_X86_64 = 62
EM_ARM = 40
EM_AARCH64 = 183
ET_REL, ET_EXEC, ET_DYN, ET_CORE = 1, 2, 3, 4
PT_LOAD, PT_NOTE = 1, 4
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 0, 1, 2, 3, 8
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE = 0, 1, 2, 3, 4
STB_LOCAL, STB_GLOBAL = 0, 1
SHN_ABS = 0xFFF1

RAM = 0x80000000
FINISHER = 0x100000

# _start: lui t0,0x100; lui t1,0x5; addi t1,t1,0x555; sw t1,0(t0); 1: j 1b
# (identical for RV32 and RV64; checked against riscv64-unknown-elf-objdump when written)
CODE = struct.pack("<5I", 0x001002B7, 0x00005337, 0x55530313, 0x0062A023, 0x0000006F)
DATA = struct.pack("<Q", 0x1122334455667788)


class Layout:
    """Where each part of a generated file lies, so variants can patch single fields."""


def build(xlen=64, machine=EM_RISCV, etype=ET_EXEC, segments=None, entry=RAM):
    """A little-endian ELF with the given PT_LOAD segments (paddr, bytes, memsz, flags),
    one section per segment, and .symtab/.strtab/.shstrtab. Returns (bytearray, Layout)."""
    if segments is None:
        segments = [(RAM, CODE, len(CODE), 5), (RAM + 0x1000, DATA, 0x100, 6)]
    is64 = xlen == 64
    ehsize, phentsize, shentsize, symentsize = (64, 56, 64, 24) if is64 else (52, 32, 40, 16)
    L = Layout()
    L.xlen, L.ehsize, L.phentsize, L.shentsize, L.symentsize = (
        xlen, ehsize, phentsize, shentsize, symentsize)
    L.phoff = ehsize
    out = bytearray(ehsize + phentsize * len(segments))

    def align(n):
        out.extend(b"\0" * (-len(out) % n))

    L.seg_offsets = []
    for _, data, _, _ in segments:
        align(16)
        L.seg_offsets.append(len(out))
        out.extend(data)

    # Symbols: null, file, section, mapping, then the interesting ones.
    strtab = bytearray(b"\0")

    def name(s):
        off = len(strtab)
        strtab.extend(s.encode() + b"\0")
        return off

    syms = [(0, 0, 0, 0, 0, 0),
            (name("start.S"), 0, 0, STT_FILE, STB_LOCAL, SHN_ABS),
            (0, segments[0][0], 0, STT_SECTION, STB_LOCAL, 1),
            (name("$x"), segments[0][0], 0, STT_NOTYPE, STB_LOCAL, 1),
            (name("loop"), segments[0][0] + 16, 0, STT_NOTYPE, STB_LOCAL, 1),
            (name("_start"), segments[0][0], len(CODE), STT_FUNC, STB_GLOBAL, 1)]
    if len(segments) > 1:
        syms.append((name("counter"), segments[1][0], 8, STT_OBJECT, STB_GLOBAL, 2))
    L.first_global = 5
    align(8)
    L.symoff = len(out)
    for st_name, value, size, stt, stb, shndx in syms:
        info = (stb << 4) | stt
        if is64:
            out.extend(struct.pack("<IBBHQQ", st_name, info, 0, shndx, value, size))
        else:
            out.extend(struct.pack("<IIIBBH", st_name, value, size, info, 0, shndx))
    L.nsyms = len(syms)
    L.stroff = len(out)
    out.extend(strtab)
    shstrtab = bytearray(b"\0")

    def shname(s):
        off = len(shstrtab)
        shstrtab.extend(s.encode() + b"\0")
        return off

    L.shstroff = len(out)
    sec_names = [shname(".text" if i == 0 else ".data%d" % i) for i in range(len(segments))]
    n_symtab, n_strtab, n_shstrtab = shname(".symtab"), shname(".strtab"), shname(".shstrtab")
    out.extend(shstrtab)
    align(8)
    L.shoff = len(out)

    # Section headers: null, one per segment, .symtab, .strtab, .shstrtab.
    sections = [(0, SHT_NULL, 0, 0, 0, 0, 0, 0, 0, 0)]
    for i, (paddr, data, memsz, flags) in enumerate(segments):
        sections.append((sec_names[i], SHT_PROGBITS, 6 if i == 0 else 3, paddr, L.seg_offsets[i], len(data),
                         0, 0, 4, 0))
    nsec_segs = len(sections)
    L.symtab_index = nsec_segs
    sections.append((n_symtab, SHT_SYMTAB, 0, 0, L.symoff, L.nsyms * symentsize,
                     nsec_segs + 1, L.first_global, 8, symentsize))
    sections.append((n_strtab, SHT_STRTAB, 0, 0, L.stroff, len(strtab), 0, 0, 1, 0))
    sections.append((n_shstrtab, SHT_STRTAB, 0, 0, L.shstroff, len(shstrtab), 0, 0, 1, 0))
    L.shnum = len(sections)
    for s in sections:
        if is64:
            out.extend(struct.pack("<IIQQQQIIQQ", *s))
        else:
            out.extend(struct.pack("<IIIIIIIIII", *s))

    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1, 1, 0]) + b"\0" * 8
    if is64:
        hdr = struct.pack("<16sHHIQQQIHHHHHH", ident, etype, machine, 1, entry, L.phoff, L.shoff,
                          0x5, ehsize, phentsize, len(segments), shentsize, L.shnum,
                          L.shnum - 1)
    else:
        hdr = struct.pack("<16sHHIIIIIHHHHHH", ident, etype, machine, 1, entry, L.phoff, L.shoff,
                          0x1, ehsize, phentsize, len(segments), shentsize, L.shnum,
                          L.shnum - 1)
    out[0:ehsize] = hdr
    for i, (paddr, data, memsz, flags) in enumerate(segments):
        off = L.phoff + i * phentsize
        if is64:
            struct.pack_into("<IIQQQQQQ", out, off, PT_LOAD, flags, L.seg_offsets[i], paddr,
                             paddr, len(data), memsz, 16)
        else:
            struct.pack_into("<IIIIIIII", out, off, PT_LOAD, L.seg_offsets[i], paddr, paddr,
                             len(data), memsz, flags, 16)
    return out, L


# Field offsets: ELF header (same for both classes up to e_entry) and class-dependent ones.
def ehdr_field(L, field):
    if L.xlen == 64:
        return {"phoff": (32, "<Q"), "shoff": (40, "<Q"), "phentsize": (54, "<H"),
                "phnum": (56, "<H"), "shentsize": (58, "<H"), "shnum": (60, "<H"),
                "type": (16, "<H"), "machine": (18, "<H")}[field]
    return {"phoff": (28, "<I"), "shoff": (32, "<I"), "phentsize": (42, "<H"),
            "phnum": (44, "<H"), "shentsize": (46, "<H"), "shnum": (48, "<H"),
            "type": (16, "<H"), "machine": (18, "<H")}[field]


def phdr_field(L, i, field):
    base = L.phoff + i * L.phentsize
    if L.xlen == 64:
        off, fmt = {"type": (0, "<I"), "offset": (8, "<Q"), "paddr": (24, "<Q"),
                    "filesz": (32, "<Q"), "memsz": (40, "<Q")}[field]
    else:
        off, fmt = {"type": (0, "<I"), "offset": (4, "<I"), "paddr": (12, "<I"),
                    "filesz": (16, "<I"), "memsz": (20, "<I")}[field]
    return base + off, fmt


def shdr_field(L, i, field):
    base = L.shoff + i * L.shentsize
    if L.xlen == 64:
        off, fmt = {"type": (4, "<I"), "offset": (24, "<Q"), "size": (32, "<Q"),
                    "link": (40, "<I"), "info": (44, "<I"), "entsize": (56, "<Q")}[field]
    else:
        off, fmt = {"type": (4, "<I"), "offset": (16, "<I"), "size": (20, "<I"),
                    "link": (24, "<I"), "info": (28, "<I"), "entsize": (36, "<I")}[field]
    return base + off, fmt


def patch(buf, where, value):
    off, fmt = where
    struct.pack_into(fmt, buf, off, value)
    return buf


def variant(fn, xlen=64, **kw):
    buf, L = build(xlen=xlen, **kw)
    fn(buf, L)
    return buf


def bad_cases():
    """name -> bytes. Each breaks exactly one thing."""
    c = {}
    good64, L64 = build(64)
    c["empty"] = b""
    c["truncated-ident"] = bytes(good64[:10])
    c["truncated-header"] = bytes(good64[:40])
    c["truncated-segment"] = bytes(good64[:L64.seg_offsets[0] + 8])
    c["truncated-symtab"] = bytes(good64[:L64.symoff + 10])
    c["not-elf-text"] = b"hello, this is not firmware\n"
    c["not-elf-script"] = b"#!/bin/sh\necho hi\n"
    c["not-elf-short"] = b"MZ"
    c["elf-magic-only"] = b"\x7fELF"
    c["class-none"] = variant(lambda b, L: b.__setitem__(4, 0))
    c["class-invalid"] = variant(lambda b, L: b.__setitem__(4, 7))
    c["big-endian"] = variant(lambda b, L: b.__setitem__(5, 2))
    c["byte-order-invalid"] = variant(lambda b, L: b.__setitem__(5, 9))
    c["version-invalid"] = variant(lambda b, L: b.__setitem__(6, 0))
    c["elf32-header-in-elf64"] = variant(lambda b, L: b.__setitem__(4, 1), xlen=64)
    c["machine-x86-64"] = bytes(build(machine=EM_X86_64)[0])
    c["machine-arm"] = bytes(build(xlen=32, machine=EM_ARM)[0])
    c["machine-aarch64"] = bytes(build(machine=EM_AARCH64)[0])
    c["machine-unknown"] = bytes(build(machine=0x4321)[0])
    c["type-rel"] = bytes(build(etype=ET_REL)[0])
    c["type-core"] = bytes(build(etype=ET_CORE)[0])
    c["type-unknown"] = bytes(build(etype=0x77)[0])
    c["no-phdrs"] = variant(lambda b, L: patch(b, ehdr_field(L, "phnum"), 0))
    c["no-load"] = variant(lambda b, L: [patch(b, phdr_field(L, i, "type"), PT_NOTE)
                                         for i in range(2)])
    c["load-memsz-zero"] = variant(lambda b, L: [(patch(b, phdr_field(L, i, "memsz"), 0),
                                                  patch(b, phdr_field(L, i, "filesz"), 0))
                                                 for i in range(2)])
    c["phdrs-beyond-eof"] = variant(lambda b, L: patch(b, ehdr_field(L, "phoff"), 0x100000))
    c["phoff-wraps"] = variant(lambda b, L: patch(b, ehdr_field(L, "phoff"), 2**64 - 8))
    c["phentsize-small"] = variant(lambda b, L: patch(b, ehdr_field(L, "phentsize"), 7))
    c["phentsize-huge"] = variant(lambda b, L: patch(b, ehdr_field(L, "phentsize"), 0xFFFF))
    c["phnum-huge"] = variant(lambda b, L: patch(b, ehdr_field(L, "phnum"), 0xFFFE))
    # PN_XNUM: the real count lives in section 0's sh_info; make it absurd.
    c["phnum-xnum-huge"] = variant(lambda b, L: (patch(b, ehdr_field(L, "phnum"), 0xFFFF),
                                                 patch(b, shdr_field(L, 0, "info"), 0x7FFFFFFF)))
    c["segment-beyond-eof"] = variant(lambda b, L: patch(b, phdr_field(L, 0, "offset"),
                                                         0x7FFF0000))
    c["segment-size-beyond-eof"] = variant(lambda b, L: (
        patch(b, phdr_field(L, 0, "filesz"), 0x10000),
        patch(b, phdr_field(L, 0, "memsz"), 0x10000)))
    c["segment-offset-wraps"] = variant(lambda b, L: patch(b, phdr_field(L, 0, "offset"),
                                                           2**64 - 4))
    c["filesz-gt-memsz"] = variant(lambda b, L: patch(b, phdr_field(L, 1, "memsz"), 4))
    c["outside-memory"] = bytes(build(segments=[(0x90000000, CODE, len(CODE), 5)],
                                      entry=0x90000000)[0])
    c["outside-memory-low"] = bytes(build(segments=[(0x0, CODE, len(CODE), 5)], entry=0)[0])
    c["straddles-ram-end"] = bytes(build(segments=[(RAM, CODE, len(CODE), 5),
                                                   (RAM + 0x8000000 - 0x10, DATA, 0x40, 6)])[0])
    c["overlap"] = bytes(build(segments=[(RAM, CODE, 0x800, 5),
                                         (RAM + 0x400, DATA, 0x100, 6)])[0])
    c["overlap-same-addr"] = bytes(build(segments=[(RAM, CODE, len(CODE), 5),
                                                   (RAM, DATA, 8, 6)])[0])
    c["addr-wraps-64"] = bytes(build(segments=[(RAM, CODE, len(CODE), 5),
                                               (2**64 - 0x10, DATA, 0x100, 6)])[0])
    c["addr-wraps-32"] = bytes(build(xlen=32, segments=[(RAM, CODE, len(CODE), 5),
                                                        (2**32 - 0x10, DATA, 0x100, 6)])[0])
    c["shoff-beyond-eof"] = variant(lambda b, L: patch(b, ehdr_field(L, "shoff"), 0x7FFF0000))
    c["shoff-wraps"] = variant(lambda b, L: patch(b, ehdr_field(L, "shoff"), 2**64 - 16))
    c["shnum-beyond-eof"] = variant(lambda b, L: patch(b, ehdr_field(L, "shnum"), 0x7000))
    c["shentsize-wrong"] = variant(lambda b, L: patch(b, ehdr_field(L, "shentsize"), 12))
    c["section-beyond-eof"] = variant(lambda b, L: patch(b, shdr_field(L, L.symtab_index + 1,
                                                                      "offset"), 0x7FFF0000))
    c["symtab-name-offset"] = variant(lambda b, L: patch(
        b, (L.symoff + L.first_global * L.symentsize, "<I"), 0x00FFFFFF))
    c["symtab-name-unterminated"] = variant(lambda b, L: (
        b.__setitem__(slice(L.shstroff - 1, L.shstroff), b"X"),
        patch(b, (L.symoff + L.first_global * L.symentsize, "<I"),
              L.shstroff - 1 - L.stroff)))
    c["symtab-bad-link"] = variant(lambda b, L: patch(b, shdr_field(L, L.symtab_index, "link"),
                                                      1))
    c["symtab-link-out-of-range"] = variant(lambda b, L: patch(
        b, shdr_field(L, L.symtab_index, "link"), 999))
    c["symtab-entsize"] = variant(lambda b, L: patch(b, shdr_field(L, L.symtab_index,
                                                                   "entsize"), 5))
    c["elf32-machine-x86"] = bytes(build(xlen=32, machine=3)[0])
    c["elf32-truncated-segment"] = bytes(build(xlen=32)[0][:build(xlen=32)[1].seg_offsets[1]])
    return {k: bytes(v) for k, v in c.items()}


def fuzz_cases(count=24):
    """Byte flips of the good RV64 file, confined to the headers and tables (flips in the
    code only make a different program, which is not what this tests)."""
    good, L = build(64)
    regions = [(0, L.ehsize + 2 * L.phentsize), (L.symoff, L.shoff - L.symoff),
               (L.shoff, L.shnum * L.shentsize)]
    c = {}
    for n in range(count):
        rng = random.Random(0x5EED0000 + n)
        buf = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            start, length = rng.choice(regions)
            pos = start + rng.randrange(length)
            buf[pos] ^= 1 << rng.randrange(8) if rng.random() < 0.7 else rng.randrange(1, 256)
        c["flip-%02d" % n] = bytes(buf)
    return c


def corpus():
    files = {"good-rv64.elf": bytes(build(64)[0]), "good-rv32.elf": bytes(build(32)[0])}
    files.update({"bad-%s.elf" % k: v for k, v in bad_cases().items()})
    files.update({"fuzz-%s.elf" % k: v for k, v in fuzz_cases().items()})
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--list", action="store_true")
    g.add_argument("--outdir")
    args = ap.parse_args()
    files = corpus()
    if args.list:
        print("\n".join(files))
        return 0
    os.makedirs(args.outdir, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(args.outdir, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
