#!/usr/bin/env python3
"""--coverage (ui/profile.c): the lcov tracefile of cover_fw.c, whose marked lines run a
known number of times, read back line by line; lcov itself reads it when installed; a
firmware without DWARF lines is one line and exit status 2.

usage: coverage_test.py HARTLAB COVER_FW.elf COVER_FW.c
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

hartlab, elf, source = sys.argv[1:4]
failures = 0


def check(name, cond, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
    failures += not cond


marks = {}
for n, text in enumerate(open(source), 1):
    m = re.search(r"COVER-([\w-]+)", text)
    if m:
        marks[m.group(1)] = n

with tempfile.TemporaryDirectory(prefix="hartlab-cov-") as d:
    info = os.path.join(d, "cov.info")
    r = subprocess.run([hartlab, "--coverage", info, elf], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    check("the run ends as without --coverage (finisher pass, 0)", r.returncode == 0,
          f"{r.returncode} {r.stderr}")
    text = open(info).read() if os.path.exists(info) else ""
    # The record of cover_fw.c.
    rec = None
    for block in text.split("end_of_record\n"):
        m = re.search(r"^SF:(.*)$", block, re.M)
        if m and os.path.realpath(m.group(1)) == os.path.realpath(source):
            rec = block
    check("a record for cover_fw.c, named by its real path", rec is not None, text[:500])
    rec = rec or ""
    da = {int(a): int(b) for a, b in re.findall(r"^DA:(\d+),(\d+)$", rec, re.M)}
    fnda = {name: int(c) for c, name in re.findall(r"^FNDA:(\d+),(\w+)$", rec, re.M)}
    fn = {name: int(line) for line, name in re.findall(r"^FN:(\d+),(\w+)$", rec, re.M)}
    want = {"loop": 5, "used": 3, "unused": 0, "taken": 1, "not-taken": 0}
    got = {k: da.get(marks[k]) for k in want}
    check(f"marked lines ran as the program says ({got})", got == want, got)
    check("functions entered: main 1, used 3, unused 0",
          fnda.get("main") == 1 and fnda.get("used") == 3 and fnda.get("unused") == 0, fnda)
    check("a function's line is its own", fn.get("used", 0) < marks["used"] <
          fn.get("unused", 0) < marks["unused-if"], fn)
    brda = {}
    for line, _, _, count in re.findall(r"^BRDA:(\d+),(\d+),(\d+),(\d+|-)$", rec, re.M):
        brda.setdefault(int(line), []).append(count)
    # The loop's condition: 5 times back into the body, once out. The if: always to its
    # then-part (which way is "taken" depends on the code GCC made: compare as sets).
    got = {"loop-head": sorted(brda.get(marks["loop-head"], [])),
           "if": sorted(brda.get(marks["if"], []))}
    check(f"branches: the loop 5 and 1, the if 1 and 0 ({got})",
          got == {"loop-head": ["1", "5"], "if": ["0", "1"]}, brda)
    check("a branch in the function never called: '-' both ways",
          brda.get(marks["unused-if"]) == ["-", "-"], brda)
    lf = re.search(r"^LF:(\d+)$", rec, re.M)
    lh = re.search(r"^LH:(\d+)$", rec, re.M)
    check("LF and LH count the DA lines and those that ran",
          lf and lh and int(lf.group(1)) == len(da) and
          int(lh.group(1)) == sum(1 for c in da.values() if c > 0), (lf, lh, len(da)))
    lcov = shutil.which("lcov")
    if lcov:
        s = subprocess.run([lcov, "--summary", info], capture_output=True, text=True)
        check("lcov reads it (lcov --summary)", s.returncode == 0 and "lines" in s.stdout + s.stderr,
              s.stdout + s.stderr)
    else:
        print("skip lcov --summary: lcov is not installed")

    # Without a line table there is nothing to count: one line, status 2.
    strip = shutil.which("riscv64-unknown-elf-strip")
    if strip:
        bare = os.path.join(d, "bare.elf")
        subprocess.run([strip, "--strip-debug", "-o", bare, elf], check=True)
        r = subprocess.run([hartlab, "--coverage", info, bare], capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        lines = r.stderr.strip().splitlines()
        check("no -g: status 2 and one line saying to build with -g",
              r.returncode == 2 and len(lines) == 1 and "-g" in lines[0], r.stderr)
    # An output that cannot be written is found before the run.
    r = subprocess.run([hartlab, "--coverage", os.path.join(d, "no", "such", "dir.info"), elf],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    check("an unwritable FILE: status 2, said before the run",
          r.returncode == 2 and "--coverage: cannot write" in r.stderr, r.stderr)

sys.exit(1 if failures else 0)
