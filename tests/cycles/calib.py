#!/usr/bin/env python3
"""calib.py: the calibration kernels' figures (tests/cycles/README.md).

  calib.py hash ELF
      SHA-256 of the ELF's loadable segments (address, size and bytes of every PT_LOAD
      segment): the code and data a run executes, whatever the file's other sections.
  calib.py record ELF KERNEL_OUTPUT SOURCE_NOTE... > FIGURES
      Turn one run's output (lines "NAME cycles C insns I sink S") into a figures file:
      a comment header (the ELF's hash and each SOURCE_NOTE) and the lines.
  calib.py check HARTLAB ELF BOARD FIGURES [--cpu MODEL] [--max-error PCT] [--markdown]
      Run the ELF on hartlab and compare it, kernel by kernel, with the figures: the
      retired instructions and the checksum must be equal (the same program ran); the
      cycles' error is reported, and fails the check above --max-error percent (no limit
      unless given). The ELF must be the one the figures were measured with (same hash).
"""
import hashlib
import struct
import subprocess
import sys


def elf_hash(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF":
        sys.exit(f"calib.py: {path}: not an ELF file")
    is64 = data[4] == 2
    if is64:
        phoff, = struct.unpack_from("<Q", data, 32)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
    else:
        phoff, = struct.unpack_from("<I", data, 28)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
    h = hashlib.sha256()
    for k in range(phnum):
        off = phoff + k * phentsize
        if is64:
            ptype, _, poff, vaddr, _, filesz, memsz = struct.unpack_from("<IIQQQQQ", data, off)
        else:
            ptype, poff, vaddr, _, filesz, memsz = struct.unpack_from("<IIIIII", data, off)
        if ptype != 1:  # PT_LOAD
            continue
        h.update(struct.pack("<QQQ", vaddr, filesz, memsz))
        h.update(data[poff:poff + filesz])
    return h.hexdigest()


def parse_lines(text, where):
    """{name: (cycles, insns, sink)} from kernel output lines, in order."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split()
        if len(f) != 7 or f[1:6:2] != ["cycles", "insns", "sink"]:
            if line.startswith("unexpected trap"):
                sys.exit(f"calib.py: {where}: {line}")
            continue
        out[f[0]] = (int(f[2]), int(f[4]), f[6])
    if not out:
        sys.exit(f"calib.py: {where}: no kernel figures found")
    return out


def read_figures(path):
    text = open(path).read()
    want = None
    for line in text.splitlines():
        if line.startswith("# elf-sha256 "):
            want = line.split()[2]
    return want, parse_lines(text, path)


def cmd_record(args):
    if len(args) < 2:
        sys.exit("usage: calib.py record ELF KERNEL_OUTPUT SOURCE_NOTE...")
    figs = parse_lines(open(args[1]).read(), args[1])
    print(f"# elf-sha256 {elf_hash(args[0])}")
    for note in args[2:]:
        print(f"# {note}")
    for name, (c, i, s) in figs.items():
        print(f"{name} cycles {c} insns {i} sink {s}")


def cmd_check(args):
    opts = {"--cpu": None, "--max-error": None}
    markdown = False
    pos = []
    it = iter(args)
    for a in it:
        if a in opts:
            opts[a] = next(it, None)
        elif a == "--markdown":
            markdown = True
        else:
            pos.append(a)
    if len(pos) != 4:
        sys.exit("usage: calib.py check HARTLAB ELF BOARD FIGURES [--cpu M] [--max-error PCT]")
    hartlab, elf, board, figures = pos
    want_hash, ref = read_figures(figures)
    got_hash = elf_hash(elf)
    if want_hash != got_hash:
        sys.exit(f"calib.py: {elf} is not the program {figures} was measured with (loadable "
                 f"segments hash {got_hash[:16]}..., figures say {str(want_hash)[:16]}...): "
                 "a kernel or the compiler changed; re-run the RTL (tests/cycles/README.md)")
    cmd = [hartlab, "--board", board]
    if opts["--cpu"]:
        cmd += ["--cpu", opts["--cpu"]]
    cmd.append(elf)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        sys.exit(f"calib.py: {' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    got = parse_lines(r.stdout, "hartlab's output")
    failures, worst = [], 0.0
    rows = []
    for name, (rc, ri, rs) in ref.items():
        if name not in got:
            failures.append(f"{name}: missing from hartlab's output")
            continue
        c, i, s = got[name]
        if (i, s) != (ri, rs):
            failures.append(f"{name}: hartlab retired {i} instructions (checksum {s}), the "
                            f"RTL {ri} ({rs}): not the same program run")
        err = 100.0 * (c - rc) / rc
        worst = max(worst, abs(err))
        rows.append((name, rc, c, err))
        if opts["--max-error"] is not None and abs(err) > float(opts["--max-error"]):
            failures.append(f"{name}: {c} cycles, RTL {rc}: error {err:+.2f}% exceeds "
                            f"{opts['--max-error']}%")
    model = opts["--cpu"] or "default"
    if markdown:
        print(f"| kernel | RTL cycles | hartlab `{model}` | error |")
        print("|---|---:|---:|---:|")
        for name, rc, c, err in rows:
            print(f"| {name} | {rc} | {c} | {err:+.2f}% |")
    else:
        print(f"{'kernel':<18} {'RTL':>8} {model:>8} {'error':>8}")
        for name, rc, c, err in rows:
            print(f"{name:<18} {rc:>8} {c:>8} {err:>+7.2f}%")
    print(f"worst error {worst:.2f}% over {len(rows)} kernels")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failures else 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("hash", "record", "check"):
        sys.exit(__doc__)
    if sys.argv[1] == "hash":
        if len(sys.argv) != 3:
            sys.exit("usage: calib.py hash ELF")
        print(elf_hash(sys.argv[2]))
        return 0
    if sys.argv[1] == "record":
        cmd_record(sys.argv[2:])
        return 0
    return cmd_check(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
