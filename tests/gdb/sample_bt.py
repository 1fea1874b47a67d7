#!/usr/bin/env python3
"""GDB's backtrace inside the samples' interrupt handlers (issue 12 item 8): the handlers
start with BSP_TRAP_CFI() (firmware-samples/bsp/bsp.h), call-frame information saying the
handler's return address is in mepc, so `bt` from a breakpoint in a handler's body shows
the handler, then the interrupted function at exactly the interrupted pc (frame 1's $pc ==
frame 0's $mepc), not a stale caller read from the saved ra. The breakpoint is the line
after BSP_TRAP_CFI() in the handler, found in the sample's source.

usage: sample_bt.py HARTLAB GDB SOURCE_DIR ELF HANDLER INTERRUPTED [ELF HANDLER INTERRUPTED]...
  e.g. firmware-samples build/firmware-samples/timer-rv64.elf trap_handler main
"""
import os
import re
import subprocess
import sys

hartlab, gdb, srcdir = sys.argv[1:4]
cases = [sys.argv[k:k + 3] for k in range(4, len(sys.argv), 3)]


def body_line(elf, handler):
    """FILE:LINE of the line after BSP_TRAP_CFI() in `handler` (NAME-rvNN.elf -> NAME.c)."""
    src = os.path.basename(elf).rsplit("-", 1)[0] + ".c"
    lines = open(os.path.join(srcdir, src)).read().splitlines()
    start = next(k for k, l in enumerate(lines)
                 if "interrupt(" in l and re.search(rf"\b{handler}\(void\)", l))
    cfi = next(k for k in range(start, len(lines)) if "BSP_TRAP_CFI();" in lines[k])
    return f"{src}:{cfi + 2}"


failed = 0


def check(name, cond, detail):
    global failed
    print(("ok   " if cond else "FAIL ") + name)
    if not cond:
        failed += 1
        print("---- output ----\n" + detail + "----------------")


for elf, handler, interrupted in cases:
    h = subprocess.Popen([hartlab, "--gdb", "127.0.0.1:0", "-S", elf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        line = h.stderr.readline()
        m = re.search(r"listening on [\d.]+:(\d+)", line)
        if not m:
            check(f"{elf}: stub started", False, line)
            continue
        cmd = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
               "-ex", f"target remote 127.0.0.1:{m.group(1)}",
               "-ex", f"break {body_line(elf, handler)}",
               "-ex", "continue", "-ex", "backtrace", "-ex", "p/x $mepc", "-ex", "frame 1",
               "-ex", "p/x $pc", "-ex", "kill", elf]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        out = r.stdout + r.stderr
        name = f"{elf.rsplit('/', 1)[-1]} {handler}"
        check(f"{name}: #0 is the handler", re.search(rf"^#0\s+.*\b{handler} \(", out, re.M), out)
        check(f"{name}: #1 is the interrupted {interrupted}",
              re.search(rf"^#1\s+(0x[0-9a-f]+ in )?{interrupted} \(", out, re.M), out)
        vals = re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", out, re.M)
        check(f"{name}: frame 1's pc is mepc", len(vals) == 2 and vals[0] == vals[1], out)
    finally:
        h.kill()
        h.wait()
        h.stdout.close()
        h.stderr.close()

print("all passed" if not failed else f"{failed} failed")
sys.exit(1 if failed else 0)
