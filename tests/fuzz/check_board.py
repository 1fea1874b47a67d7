#!/usr/bin/env python3
"""Regression test for boards that must be refused: every .dtb and .dts in the given
directories (reproducers of fixed fuzz findings, docs/robustness.md) must make hartlab exit
with status 2 and exactly one line on stderr that names the file, with no crash and no
sanitizer report. A good board given with --good must still run.

usage: check_board.py HARTLAB [--good FILE.dtb]... DIR...
"""
import argparse
import os
import subprocess
import sys
import tempfile


def run(hartlab, board, image):
    return subprocess.run([hartlab, "--board", board, "--load", image + "@0x80000000",
                           "--max-insns", "1000"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hartlab")
    ap.add_argument("--good", action="append", default=[])
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "loop.bin")
        with open(image, "wb") as f:
            f.write(bytes.fromhex("6f000000"))  # j .
        for good in args.good:
            r = run(args.hartlab, good, image)
            ok = r.returncode == 124 and "not a valid" not in r.stderr
            print(("ok   " if ok else "FAIL ") + f"{good}: runs (status {r.returncode})")
            if not ok:
                print(r.stderr)
                failures += 1
        files = sorted(os.path.join(d, n) for d in args.dirs for n in os.listdir(d)
                       if n.endswith((".dtb", ".dts")))
        if not files:
            print("FAIL no input files found")
            return 1
        for path in files:
            r = run(args.hartlab, path, image)
            lines = r.stderr.splitlines()
            ok = r.returncode == 2 and len(lines) == 1 and path in lines[0]
            print(("ok   " if ok else "FAIL ") + f"{os.path.basename(path)}: status "
                  f"{r.returncode}, {lines[0] if lines else '(no message)'}")
            if not ok:
                print(r.stderr)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
