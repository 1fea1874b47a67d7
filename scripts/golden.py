#!/usr/bin/env python3
"""Record what hartlab does with every ELF the build made, to prove a change keeps it.

A refactoring or a new execution tier must not change what any firmware sees or what
hartlab reports. This script runs every ELF under a build directory several ways and
writes, per run, the exit status, stdout and stderr into one file of an output directory:

  plain       -v (verbose: counts), bounded by --max-cycles so a spinning test ends
  insns       -v --max-insns 12345 (the run loop's checking path, one block at a time)
  cycles      -v --max-cycles 23456 (a limit inside the fast path)
  irq         --trace=irq for the interrupt samples
  frames      --trace=frames for the recursion sample
  trace       a full instruction trace of the recursion sample

Usage:
  scripts/golden.py record BUILD OUTDIR [--hartlab PATH] [--extra ARG ...]
  scripts/golden.py compare OUTDIR_A OUTDIR_B

Run `meson test -C BUILD` (or at least its elf suite, which writes the malformed-ELF
corpus) before `record`, so both records hold the same ELFs. `record` runs with the ELF's directory as working directory and stdin from a fixed text,
so two builds of the same tree record byte-identical files when behaviour is unchanged.
`compare` lists every file that differs (or exists on one side only) and exits 1 if any.
--extra passes options to every run (e.g. --extra=--jit=off to compare two modes).
"""
import argparse
import concurrent.futures
import filecmp
import os
import subprocess
import sys

TIMEOUT = 120
PLAIN_BOUND = "2000000000"
STDIN = b"abc\nq\n"

# Runs beyond the three every ELF gets: (name, options), for ELFs whose name starts so.
EXTRA_RUNS = {
    "timer-": [("irq", ["--trace=irq"])],
    "vectored-": [("irq", ["--trace=irq"])],
    "uart_echo-": [("irq", ["--trace=irq"])],
    "button-": [("irq", ["--trace=irq"])],
    "recursion-": [("frames", ["--trace=frames"]), ("trace", ["--trace", "--max-insns", "200000"])],
}
# Inputs some samples need to do their work ({src}: the source tree).
SAMPLE_ARGS = {
    "button-": ["--gpio-script={src}/tests/firmware/button.gpio"],
}


def elfs_under(build):
    out = []
    for root, _, files in os.walk(build):
        if "meson-" in root or "build-asan" in root:
            continue
        for f in files:
            if f.endswith(".elf"):
                out.append(os.path.join(root, f))
    return sorted(out)


def runs_for(elf, src):
    base = os.path.basename(elf)
    pre = []
    post = []
    for prefix, args in SAMPLE_ARGS.items():
        if base.startswith(prefix):
            pre += [a.format(src=src) for a in args]
    if base.startswith("args-"):
        post = ["--", "one", "two", "three"]
    if "/bench/" in elf:
        post = ["--", "2"]  # a small size: every workload takes its size last
    runs = [
        ("plain", pre + ["-v", "--max-cycles", PLAIN_BOUND]),
        ("insns", pre + ["-v", "--max-insns", "12345"]),
        ("cycles", pre + ["-v", "--max-cycles", "23456"]),
    ]
    for prefix, extra in EXTRA_RUNS.items():
        if base.startswith(prefix):
            runs += [(n, pre + ["--max-cycles", PLAIN_BOUND] + a) for n, a in extra]
    return [(name, args, post) for name, args in runs]


def one(hartlab, elf, build, outdir, name, args, post, extra):
    rel = os.path.relpath(elf, build).replace(os.sep, "__")
    cmd = [hartlab] + extra + args + [os.path.basename(elf)] + post
    try:
        p = subprocess.run(cmd, cwd=os.path.dirname(elf), input=STDIN, capture_output=True,
                           timeout=TIMEOUT)
        text = b"status %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired:
        text = b"timeout\n"
    path = os.path.join(outdir, f"{rel}.{name}")
    with open(path, "wb") as f:
        f.write(text)


def record(a):
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    hartlab = os.path.abspath(a.hartlab or os.path.join(a.build, "hartlab"))
    os.makedirs(a.outdir, exist_ok=True)
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for elf in elfs_under(a.build):
            for name, args, post in runs_for(elf, src):
                jobs.append(pool.submit(one, hartlab, os.path.abspath(elf), a.build,
                                        a.outdir, name, args, post, a.extra or []))
        for j in jobs:
            j.result()
    print(f"golden: {len(jobs)} runs recorded in {a.outdir}")


def compare(a):
    left = set(os.listdir(a.a))
    right = set(os.listdir(a.b))
    bad = sorted(left ^ right)
    for f in sorted(left & right):
        if not filecmp.cmp(os.path.join(a.a, f), os.path.join(a.b, f), shallow=False):
            bad.append(f)
    for f in bad[:40]:
        where = "" if f in left and f in right else f" (only in {a.a if f in left else a.b})"
        print(f"differs: {f}{where}")
    if len(bad) > 40:
        print(f"... and {len(bad) - 40} more")
    print(f"golden: {len(left & right)} common runs, {len(bad)} differences")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("build")
    r.add_argument("outdir")
    r.add_argument("--hartlab")
    r.add_argument("--extra", action="append")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    a = ap.parse_args()
    if a.cmd == "record":
        record(a)
        return 0
    return compare(a)


if __name__ == "__main__":
    sys.exit(main())
