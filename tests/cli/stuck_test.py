#!/usr/bin/env python3
"""A firmware that can make no progress ends the run with 125 and one line saying where and
why; a loop that an interrupt or a device can end is left alone (tests/cli/stuck.S has the
variants). Also: --trace=irq shows exceptions, with their cause in words.

Usage: stuck_test.py HARTLAB DIR XLEN   (DIR holds stuck-VARIANT-rvXLEN.elf)
Each check prints one line; the last line is 'N passed, N failed'.
"""
import os
import re
import subprocess
import sys
import tempfile

hartlab, elfdir, xlen = sys.argv[1:4]
results = []


def elf(variant):
    return os.path.join(elfdir, f"stuck-{variant}-rv{xlen}.elf")


def run(variant, *args, stdin=b""):
    return subprocess.run([hartlab, *args, elf(variant)], input=stdin, capture_output=True,
                          timeout=60)


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def one_line(r, pattern):
    err = r.stderr.decode(errors="replace")
    lines = err.strip().splitlines()
    return len(lines) == 1 and re.search(pattern, lines[0]) is not None, err


# Stuck: 125 and one line naming the hart, pc, function and why.
r = run("jump")
ok, err = one_line(r, r"^hartlab: hart 0 is stuck: a jump to itself at pc 0x8000[0-9a-f]{4} in "
                      r"_exit, .*no interrupt can be taken \(they are disabled\); after \d+ "
                      r"instructions")
check("main returns into `j .` with interrupts off: 125", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")
r = run("branch")
ok, err = one_line(r, r"hart 0 is stuck: a jump to itself at pc 0x[0-9a-f]+ in spin_branch")
check("a taken branch to itself: 125", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")
r = run("trap")
ok, err = one_line(r, r"^hartlab: hart 0 is stuck in a trap loop: load access fault at "
                      r"0x40000000 \(pc 0x[0-9a-f]+ in main\), then instruction access fault "
                      r"at 0x0 again and again at the trap handler's entry 0x0; after 4 "
                      r"instructions")
check("a fault with mtvec still 0: 125, the fault in words", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")
r = run("sloop")
ok, err = one_line(r, r"hart 0 is stuck in a trap loop: illegal instruction 0x0000 at pc "
                      r"0x[0-9a-f]+ in s_vector, the trap handler's entry, again and again")
check("S-mode trap loop, no interrupt enabled: 125", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")
r = run("wfi")
ok, err = one_line(r, r"^hartlab: hart 0 is stuck: a loop of 2 instructions that changes nothing "
                      r"at pc 0x8000[0-9a-f]{4} in wfi_loop, which only an interrupt can leave, "
                      r"and no interrupt can be taken \(they are disabled\)")
check("`1: wfi; j 1b` with an interrupt pending but disabled: 125", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")
r = run("uart")
ok, err = one_line(r, r"hart 0 is stuck: a jump to itself at pc 0x[0-9a-f]+ in idle, .*"
                      r"nothing will raise an interrupt")
check("`j .` waiting for UART input that never comes: 125", r.returncode == 125 and ok,
      f"status {r.returncode}, {err!r}")

# Not stuck: a loop an interrupt or a device ends runs until it does.
r = run("timer")
check("`j .` until the timer interrupt: 0", r.returncode == 0 and r.stderr == b"",
      f"status {r.returncode}, {r.stderr!r}")
r = run("uart", stdin=b"abq")
check("`j .` until UART input arrives: 0", r.returncode == 0 and r.stderr == b"",
      f"status {r.returncode}, {r.stderr!r}")
r = run("swfi")
check("the same wfi loop in S-mode, which the machine timer ends: 0",
      r.returncode == 0 and r.stderr == b"", f"status {r.returncode}, {r.stderr!r}")
r = run("swait")
check("S-mode trap loop that a machine timer interrupt ends: 0",
      r.returncode == 0 and r.stderr == b"", f"status {r.returncode}, {r.stderr!r}")

# --trace=irq: exceptions too, their cause in words.
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "irq.txt")
    run("trap", f"--trace=irq:{path}")
    with open(path) as f:
        lines = f.read().splitlines()
    check("--trace=irq shows the load access fault with its address",
          any(re.search(r"^\s*\d+ trap\s+load access fault at 0x40000000 \(mcause 0x5\) "
                        r"hart 0 at main\+0x[0-9a-f]+ -> 0x0$", l) for l in lines), lines[:3])
    check("--trace=irq shows the instruction access faults that follow",
          sum("instruction access fault at 0x0 (mcause 0x1)" in l for l in lines) >= 2,
          lines[:3])
    path = os.path.join(d, "irq2.txt")
    run("sloop", f"--trace=irq:{path}")
    with open(path) as f:
        lines = f.read().splitlines()
    check("--trace=irq: a trap into S-mode names scause",
          any("illegal instruction 0x0000 (scause 0x2)" in l for l in lines), lines[:3])

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
