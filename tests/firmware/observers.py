#!/usr/bin/env python3
"""Views observe; they do not change the run (docs/design.md, decisions 9 and 11).

Runs one firmware with -v, then again with each view that watches every instruction or every
trap (the instruction trace --trace=FILE, --trace=frames, --profile, --coverage,
--trace=irq), and requires the same exit status, the same guest output and the same -v report (instruction
and cycle counts, how the run ended) every time. Interrupt-driven firmware is the case that
matters: before, a view that single-stepped the hart made it take an interrupt at the next
instruction instead of at the end of its block, so the counts, and with them everything
timed after the first interrupt, differed with and without the view.

usage: observers.py --hartlab H --elf FW.elf [--hartlab-arg=ARG ...]
"""
import argparse
import os
import subprocess
import sys
import tempfile

STDIN = b"abc\nq\n"


def run(hartlab, elf, args, extra):
    p = subprocess.run([hartlab, "-v"] + args + extra + [elf], input=STDIN,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--hartlab-arg", action="append", default=[])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        views = {
            "--trace": ["--trace=" + os.path.join(tmp, "trace.txt")],
            "--trace=frames": ["--trace=frames:" + os.path.join(tmp, "frames.txt")],
            "--profile": ["--profile=" + os.path.join(tmp, "callgrind.out")],
            "--coverage": ["--coverage=" + os.path.join(tmp, "cov.info")],
            "--trace=irq": ["--trace=irq:" + os.path.join(tmp, "irq.txt")],
            "all of them": ["--trace=" + os.path.join(tmp, "trace2.txt"),
                            "--trace=frames:" + os.path.join(tmp, "frames2.txt"),
                            "--profile=" + os.path.join(tmp, "callgrind2.out"),
                            "--coverage=" + os.path.join(tmp, "cov2.info"),
                            "--trace=irq:" + os.path.join(tmp, "irq2.txt")],
        }
        base = run(a.hartlab, a.elf, a.hartlab_arg, [])
        if not any(b"instructions" in line for line in base[2].splitlines()):
            print("FAIL: no -v report in the plain run:\n" + base[2].decode(errors="replace"))
            return 1
        failed = 0
        for name, extra in views.items():
            got = run(a.hartlab, a.elf, a.hartlab_arg, extra)
            same = got == base
            print(f"{'ok  ' if same else 'FAIL'} {name}: status {got[0]}, "
                  f"{len(got[1])} bytes of output, -v report "
                  f"{'equal to' if same else 'differs from'} the run without it")
            if not same:
                failed += 1
                for label, x, y in (("stdout", base[1], got[1]), ("stderr", base[2], got[2])):
                    if x != y:
                        print(f"--- {label} without views:\n{x.decode(errors='replace')}"
                              f"--- {label} with {name}:\n{y.decode(errors='replace')}")
                if got[0] != base[0]:
                    print(f"--- status {base[0]} without, {got[0]} with")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
