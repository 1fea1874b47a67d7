#!/usr/bin/env python3
"""Run hartlab on one file of the ELF corpus and check how it ends (see gen_corpus.py).

    check_elf.py HARTLAB FILE [--mode good|bad|fuzz]

The mode defaults to the file name's prefix (good-, bad-, fuzz-); a path that is missing or
a directory is "bad".
  bad:  `hartlab FILE` exits 2, prints nothing on stdout and exactly one line on stderr,
        and that line names FILE (docs/design.md, decision 8: a host problem is a clear message).
  good: `hartlab FILE` exits 0 (the program writes 0x5555 to the test finisher).
  fuzz: no crash, no sanitizer report, no hang; if hartlab refused the file (exit 2 with
        the file named on stderr), it did so in exactly one line.
"""

import argparse
import os
import subprocess
import sys

TIMEOUT = 30
# Guest programs in the corpus run five instructions; a fuzzed one may loop.
INSN_LIMIT = ["--max-insns", "100000"]
SANITIZER_MARKS = ("Sanitizer", "runtime error:", "LeakSanitizer")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hartlab")
    ap.add_argument("file")
    ap.add_argument("--mode", choices=["good", "bad", "fuzz"])
    args = ap.parse_args()
    base = os.path.basename(args.file.rstrip("/"))
    mode = args.mode or next((m for m in ("good", "bad", "fuzz") if base.startswith(m + "-")),
                             "bad")
    cmd = [args.hartlab] + (INSN_LIMIT if mode != "bad" else []) + [args.file]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print("FAIL: %s did not finish in %d s" % (" ".join(cmd), TIMEOUT))
        return 1
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    lines = err.splitlines()
    print("$ %s\nexit %d\nstdout: %r\nstderr: %r" % (" ".join(cmd), p.returncode, out, err))

    problems = []
    if p.returncode < 0:
        problems.append("killed by signal %d" % -p.returncode)
    if any(m in err for m in SANITIZER_MARKS):
        problems.append("sanitizer report on stderr")
    refused = p.returncode == 2 and args.file in err
    if mode == "good":
        if p.returncode != 0:
            problems.append("expected exit status 0")
    if mode == "bad" or (mode == "fuzz" and refused):
        if p.returncode != 2:
            problems.append("expected exit status 2")
        if out:
            problems.append("expected nothing on stdout")
        if len(lines) != 1 or not err.endswith("\n"):
            problems.append("expected exactly one line on stderr, got %d" % len(lines))
        if args.file not in err:
            problems.append("stderr does not name the file %s" % args.file)
    for msg in problems:
        print("FAIL: " + msg)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
