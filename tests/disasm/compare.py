#!/usr/bin/env python3
"""Compare hartlab's disassembler with GNU objdump, instruction by instruction.

Three sources of instructions:
  FILE...            ELF files (objects or executables): `objdump -d` on each; data that
                     objdump marks as such (.word/.short/.byte, from mapping symbols) is skipped.
  --rvc XLEN         every 16-bit encoding (all halfwords whose low bits are not 11),
                     assembled with `.insn` for the extensions hartlab implements (--march32,
                     --march64) and disassembled with `objdump -d`.
  --random XLEN      for every row of hartlab's instruction table (from `disasm_tool --table`),
                     --per-row encodings with the row's fixed bits and random free bits
                     (seeded, so every run checks the same words), assembled as above.

hartlab's text comes from disasm_tool, which reads "XLEN PC BITS" lines: all instructions of
one source go through one call. Both texts are whitespace-normalised, with objdump's
`<symbol>` and `# comment` parts removed. Every mismatch is printed (address, bits, objdump's
text, ours); the exit status is 1 if there was any, or if nothing at all was compared.
Three kinds of difference are counted apart, not failed: encodings the ISA reserves that
objdump decodes anyway (see reserved()), CSR names in objects marked priv-spec 1.11, and
16-bit words in objects whose ISA lacks C (objdump then prints them raw).
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

DATA_DIRECTIVES = ('.word', '.short', '.byte', '.dword', '.zero', '.ascii', '.string')


def normalise(text):
    text = re.sub(r'<[^>]*>', '', text)
    text = text.split('#', 1)[0]
    return ' '.join(text.split())


def run_objdump(objdump, args, path):
    """(xlen or None, priv_1_11, [(pc, bits, text)]) from objdump's listing of `path`.

    hartlab names CSRs as Privileged Architecture 1.12 does; objdump is asked for the same,
    but an ELF attribute saying 1.11 (which gas writes when the source names a CSR) wins,
    with a warning: priv_1_11 says so."""
    res = subprocess.run([objdump, '-M', 'priv-spec=1.12'] + args + [path],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f'compare.py: {objdump} failed on {path}:\n{res.stderr}')
    priv_1_11 = 'attribute is 1.11' in res.stderr
    xlen = None
    insns = []
    for line in res.stdout.splitlines():
        m = re.search(r'file format elf(32|64)-', line)
        if m:
            xlen = int(m.group(1))
            continue
        parts = line.split('\t')
        if len(parts) < 3 or not re.fullmatch(r'\s*[0-9a-f]+:', parts[0]):
            continue
        tokens = parts[1].split()
        if len(tokens) != 1 or len(tokens[0]) not in (4, 8):
            continue
        text = normalise(' '.join(parts[2:]))
        if text.startswith(DATA_DIRECTIVES):
            continue
        insns.append((int(parts[0].strip().rstrip(':'), 16), int(tokens[0], 16), text))
    return xlen, priv_1_11, insns


def run_tool(tool, xlen, insns):
    lines = ''.join(f'{xlen} {pc:x} {bits:x}\n' for pc, bits, _ in insns)
    res = subprocess.run([tool], input=lines, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f'compare.py: {tool} failed:\n{res.stderr}')
    ours = res.stdout.splitlines()
    if len(ours) != len(insns):
        sys.exit(f'compare.py: {tool} printed {len(ours)} lines for {len(insns)} inputs')
    return [normalise(t) for t in ours]


def reserved(xlen, bits):
    """Encodings the RISC-V Unprivileged ISA (chapter 16) reserves, which hartlab's decoder
    rejects (so they print as raw bits) but objdump decodes regardless: c.addi16sp with a
    zero immediate, and on RV32 the compressed shifts with shamt[5] set."""
    if bits == 0x6101:
        return True
    c_shift = (bits & 0xe003) == 0x0002 or (bits & 0xe803) == 0x8001
    return xlen == 32 and bits < 0x10000 and c_shift and bool(bits & 0x1000)


def csr_name_only(theirs, mine, bits):
    """True if the texts differ only in the name of the CSR a CSR instruction uses (a
    priv 1.11 object, where objdump prints 1.12-only CSRs as numbers and knows 1.11-only
    names). Pseudo-instructions that depend on the name (`frflags`...) do not arise: hartlab
    prints those only for CSRs both versions share."""
    if (bits & 0x7f) != 0x73 or (bits >> 12) & 7 == 0:
        return False
    a, b = theirs.split(' ', 1), mine.split(' ', 1)
    if len(a) != 2 or len(b) != 2 or a[0] != b[0]:
        return False
    ta, tb = a[1].split(','), b[1].split(',')
    return len(ta) == len(tb) and sum(x != y for x, y in zip(ta, tb)) == 1


def has_c(objdump, path):
    """False if the object's Tag_RISCV_arch lacks C: objdump then prints 16-bit encodings
    (from `.half` or `.insn` in a test) as raw halfwords, while hartlab decodes them with C
    enabled. True when unknown."""
    readelf = os.path.join(os.path.dirname(objdump),
                           os.path.basename(objdump).replace('objdump', 'readelf'))
    try:
        res = subprocess.run([readelf, '-A', path], capture_output=True, text=True)
    except OSError:
        return True
    m = re.search(r'Tag_RISCV_arch: "rv(?:32|64)([^"]*)"', res.stdout)
    return not m or re.search(r'(^|_)c\d+p\d+', m.group(1)) is not None


def compare(label, tool, xlen, insns, limit, priv_1_11=False, c_in_object=True):
    ours = run_tool(tool, xlen, insns)
    bad = skipped = 0
    for (pc, bits, theirs), mine in zip(insns, ours):
        if theirs != mine and mine.startswith('.2byte') and reserved(xlen, bits):
            skipped += 1
        elif theirs.startswith('.2byte') and not c_in_object:
            skipped += 1
        elif theirs != mine and priv_1_11 and csr_name_only(theirs, mine, bits):
            skipped += 1
        elif theirs != mine:
            bad += 1
            if bad <= limit:
                width = 4 if bits < 0x10000 and (bits & 3) != 3 else 8
                print(f'{label}: {pc:8x}: {bits:0{width}x}  objdump: {theirs!r:40} '
                      f'hartlab: {mine!r}')
    if bad > limit:
        print(f'{label}: ... {bad - limit} more mismatches not shown')
    print(f'{label}: rv{xlen}: {len(insns)} instructions, {bad} mismatches, '
          f'{skipped} known differences (reserved encodings objdump decodes; '
          f'priv 1.11 CSR names; 16-bit words in an object without C)')
    return bad


def raw_insns(args, xlen, words, tmpdir):
    """Assemble a list of (bits, length) with `.insn` (so objdump sees code, not data) and
    disassemble the object; the first word is at address 0."""
    src = os.path.join(tmpdir, f'words{xlen}.S')
    obj = os.path.join(tmpdir, f'words{xlen}.o')
    with open(src, 'w') as f:
        for bits, length in words:
            f.write(f'.insn 0x{bits:0{2 * length}x}\n')
    march = args.march32 if xlen == 32 else args.march64
    abi = 'ilp32' if xlen == 32 else 'lp64'
    res = subprocess.run([args.gcc, f'-march={march}', f'-mabi={abi}', '-c', src, '-o', obj],
                         capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f'compare.py: assembling {src} failed:\n{res.stderr[:2000]}')
    return run_objdump(args.objdump, ['-d'], obj)[2]


def table_rows(tool):
    res = subprocess.run([tool, '--table'], capture_output=True, text=True, check=True)
    rows = []
    for line in res.stdout.splitlines():
        name, match, mask, xlen = line.split()
        rows.append((name, int(match, 16), int(mask, 16), int(xlen)))
    if not rows:
        sys.exit('compare.py: the instruction table is empty')
    return rows


def random_words(rows, xlen, per_row, seed):
    rng = random.Random(seed)
    words = []
    for _, match, mask, row_xlen in rows:
        if row_xlen not in (0, xlen):
            continue
        length = 2 if (match & 3) != 3 else 4
        full = 0xffff if length == 2 else 0xffffffff
        for _ in range(per_row):
            words.append(((rng.getrandbits(32) & ~mask & full) | match, length))
    return words


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tool', required=True, help='path to disasm_tool')
    ap.add_argument('--objdump', required=True, help='riscv64-unknown-elf-objdump')
    ap.add_argument('--gcc', default='riscv64-unknown-elf-gcc', help='assembles --rvc/--random')
    ap.add_argument('--march32', default='rv32imac_zicsr_zifencei',
                    help='extensions hartlab implements, so objdump decodes no others')
    ap.add_argument('--march64', default='rv64imac_zicsr_zifencei')
    ap.add_argument('--rvc', type=int, choices=(32, 64), help='check every 16-bit encoding')
    ap.add_argument('--random', type=int, choices=(32, 64), help='random fills of table rows')
    ap.add_argument('--per-row', type=int, default=64)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=200, help='mismatches printed per source')
    ap.add_argument('files', nargs='*')
    args = ap.parse_args()

    total = bad = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        if args.rvc:
            words = [(h, 2) for h in range(0x10000) if (h & 3) != 3]
            insns = raw_insns(args, args.rvc, words, tmpdir)
            total += len(insns)
            bad += compare('rvc', args.tool, args.rvc, insns, args.limit)
        if args.random:
            words = random_words(table_rows(args.tool), args.random, args.per_row, args.seed)
            insns = raw_insns(args, args.random, words, tmpdir)
            total += len(insns)
            bad += compare('random', args.tool, args.random, insns, args.limit)
    for path in args.files:
        xlen, priv_1_11, insns = run_objdump(args.objdump, ['-d'], path)
        if xlen is None:
            sys.exit(f'compare.py: {path}: objdump did not report an ELF32/ELF64 file format')
        total += len(insns)
        if insns:
            bad += compare(os.path.basename(path), args.tool, xlen, insns, args.limit,
                           priv_1_11, has_c(args.objdump, path))
    if total == 0:
        print('compare.py: no instructions compared')
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
