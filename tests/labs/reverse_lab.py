#!/usr/bin/env python3
"""The lab sheet docs/labs/reverse.md as a test: its GDB session, command for command, on
the timer sample with the sheet's bug planted (tests/labs/meson.build builds it), checking
what the sheet says the student sees:

  - without GDB the ticks drift: every period from tick 2 on is 1000050 cycles (the handler
    computes the deadline from "now", 5 mtime ticks late), the unchanged sample's exactly
    1000000;
  - `watch deadline` + `reverse-continue` from tick 2's breakpoint stops in trap_handler at
    the line that assigns the deadline, before the write: Old value (after) is New value
    (before) + PERIOD + 5; `p deadline` prints the value before; `bt` is trap_handler called
    from main;
  - `reverse-stepi` back to trap_handler's first instruction and once more lands in main's
    wfi loop, at the handler's $mepc, with mcause the machine timer interrupt;
  - `reverse-continue` twice: tick 1's breakpoint in main, then the write before (tick 1's
    handler, from the first deadline to the second); `continue` forwards again: the same
    write with the same values;
  - with everything deleted, `reverse-continue` reaches the start of history ("No more
    reverse-execution history."); `continue` then runs to the end: every line of output
    printed once, exit status 0.

usage: reverse_lab.py --hartlab H --elf timer-drift-rv32.elf --plain timer-rv32.elf
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gdb"))
import run_gdb  # noqa: E402  (Hartlab, check, failures)

PERIOD = 100000  # mtime ticks (10 ms at 10 MHz)
SESSION = """set pagination off
set confirm off
target remote 127.0.0.1:{port}
break timer.c:55
continue
continue
watch deadline
reverse-continue
bt
p deadline
p/x $mepc
echo @@handler-start@@\\n
while $pc != (unsigned long)&trap_handler
  reverse-stepi
end
reverse-stepi
echo @@interrupted@@\\n
p/x $pc
info symbol $pc
p/x $mcause
reverse-continue
echo @@second@@\\n
reverse-continue
echo @@forward@@\\n
continue
monitor history
delete
echo @@start@@\\n
reverse-continue
continue
"""


def periods(out):
    return [int(n) for n in re.findall(r"^tick +\d+: mcycle +\d+ \(\+(\d+)\)", out, re.M)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--plain", required=True)
    args = ap.parse_args()
    args.isa = None
    check = run_gdb.check

    # The symptom, without GDB.
    runs = {}
    for name, elf in (("drift", args.elf), ("plain", args.plain)):
        p = subprocess.run([args.hartlab, elf], capture_output=True, text=True, timeout=60)
        runs[name] = (p.returncode, p.stdout)
    d, pl = periods(runs["drift"][1]), periods(runs["plain"][1])
    check("lab-reverse", runs["drift"][0] == 0 and len(d) == 10 and
          all(n == 1000050 for n in d[1:]),
          f"with the bug every period from tick 2 on is 1000050 cycles ({d})", runs["drift"][1])
    check("lab-reverse", runs["plain"][0] == 0 and len(pl) == 10 and
          all(n == 1000000 for n in pl[1:]),
          f"without it exactly 1000000 ({pl})", runs["plain"][1])

    # The session.
    h = run_gdb.Hartlab(args, args.elf)
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(SESSION.format(port=h.port))
        script = f.name
    try:
        p = subprocess.run([run_gdb.GDB, "-nx", "-batch", "-x", script, args.elf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
        out = p.stdout
        rc = h.wait(30)
        hl_out = h.p.stdout.read() if h.p.stdout else ""
    finally:
        os.unlink(script)
        h.stop()
    first, _, rest = out.partition("@@handler-start@@")
    watch = re.search(r"Hardware watchpoint 2: deadline\s+Old value = (\d+)\s+New value = (\d+)",
                      first)
    check("lab-reverse", re.search(r"#0 .*trap_handler \(\) at .*timer\.c:29\n#1 .* in main \(\)",
                                   first) is not None,
          "reverse-continue stops in trap_handler at the deadline's line, called from main",
          first)
    ok = watch is not None and int(watch.group(1)) == int(watch.group(2)) + PERIOD + 5
    check("lab-reverse", ok, "Old value (after the write) = New value (before) + PERIOD + 5 "
          f"({watch.groups() if watch else None})", first)
    before = re.search(r"^\$1 = (\d+)$", first, re.M)
    check("lab-reverse", watch is not None and before is not None and
          before.group(1) == watch.group(2), "p deadline: the value before the write", first)
    mepc = re.search(r"^\$2 = (0x[0-9a-f]+)$", first, re.M)
    inter, _, rest = rest.partition("@@second@@")
    pc = re.search(r"^\$3 = (0x[0-9a-f]+)$", inter, re.M)
    check("lab-reverse", "main () at" in inter and mepc is not None and pc is not None and
          pc.group(1) == mepc.group(1) and re.search(r"^main \+ \d+ in section", inter, re.M)
          is not None, "one reverse-stepi before the handler's first instruction: main's wfi "
          f"loop, at $mepc ({mepc.group(1) if mepc else None})", inter)
    check("lab-reverse", re.search(r"^\$4 = 0x80000007$", inter, re.M) is not None,
          "mcause there: the machine timer interrupt", inter)
    check("lab-reverse", re.search(r"Breakpoint 1, main \(\) at .*timer\.c:55", inter) is not None,
          "reverse-continue: tick 1's breakpoint in main", inter)
    second, _, rest = rest.partition("@@forward@@")
    w2 = re.search(r"Old value = (\d+)\s+New value = (\d+)", second)
    ok = watch is not None and w2 is not None and w2.group(1) == watch.group(2) and \
        int(w2.group(1)) == int(w2.group(2)) + PERIOD + 5
    check("lab-reverse", ok, "reverse-continue again: the write before, tick 1's handler "
          f"({w2.groups() if w2 else None})", second)
    fwd, _, start = rest.partition("@@start@@")
    w3 = re.search(r"Old value = (\d+)\s+New value = (\d+)", fwd)
    check("lab-reverse", w2 is not None and w3 is not None and
          (w3.group(1), w3.group(2)) == (w2.group(2), w2.group(1)),
          "continue forwards: the same write, the same values", fwd)
    check("lab-reverse", re.search(r"^history: steps 0 to \d+ \(now at \d+, in the past\)", fwd,
                                   re.M) is not None, "monitor history", fwd)
    check("lab-reverse", "No more reverse-execution history." in start,
          "reverse-continue with nothing set: the start of history", start)
    lines = hl_out.splitlines()
    check("lab-reverse", rc == 0 and "exited normally" in start and
          lines == runs["drift"][1].splitlines(),
          f"continue to the end: exit 0, every line printed once (status {rc})",
          hl_out + start)
    print(f"{len(run_gdb.failures)} failed")
    return 1 if run_gdb.failures else 0


if __name__ == "__main__":
    sys.exit(main())
