#!/usr/bin/env python3
"""Standard input has one owner, and host bytes enter the UART at the line's rate once the
guest listens (host/chardev.h, devices/ns16550.c):

- uart_late.S sets its UART up (FIFO enable and reset) ~300,000 cycles after start and
  echoes a line: every byte piped in comes back (none lost to the FIFO reset);
- stdin_both.c reads its first line through semihosting, the second through the UART:
  each gets exactly its line, no byte goes to both or is lost.
(The semihosting programs of docs/usage.md, which read stdin on virt and mcu, are run by
recipes_test.py.)

Usage: stdin_test.py HARTLAB DIR XLEN   (DIR holds uart_late-rvXLEN.elf, stdin_both-rvXLEN.elf)
"""
import os
import subprocess
import sys

hartlab, elfdir, xlen = sys.argv[1:4]
results = []


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def run(name, data):
    elf = os.path.join(elfdir, f"{name}-rv{xlen}.elf")
    try:
        return subprocess.run([hartlab, elf], input=data, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -1, e.stdout or b"", e.stderr or b"")


r = run("uart_late", b"hello, world\n")
check("a UART set up late gets every byte piped in",
      r.returncode == 0 and r.stdout == b"hello, world\n",
      f"status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
r = run("stdin_both", b"first line\nsecond line\n")
check("semihosting reads its line, the UART the next one, each byte once",
      r.returncode == 0 and r.stdout == b"semihosting: first line\nsecond line\n",
      f"status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
