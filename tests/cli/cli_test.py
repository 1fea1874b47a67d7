#!/usr/bin/env python3
"""Command-line behaviour of hartlab: options, exit statuses, messages, trace, signature.

Usage: cli_test.py HARTLAB XLEN SPIN.elf HANG.elf HTIF_EXIT.elf SIGNATURE.elf UART_HELLO.elf
                   DEVICE_GARBAGE.elf HALT_LOW_WORD.elf SIGNATURE.expected
Each check prints one line; the last line is 'N passed, N failed'.
"""
import os
import platform
import re
import subprocess
import sys
import tempfile

(hartlab, xlen, spin, hang, htif_exit, sig_elf, uart_hello, garbage, halt_low,
 sig_expected) = sys.argv[1:11]
results = []


def run(*args, timeout=20, env=None):
    return subprocess.run([hartlab, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=env)


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def usage_error(name, args, needle):
    """A bad option or argument: exit 2 and exactly one line, naming it and --help."""
    r = run(*args)
    check(name, r.returncode == 2 and needle in r.stderr and r.stderr.count("\n") == 1
          and r.stderr.startswith("hartlab: ") and "hartlab --help" in r.stderr
          and r.stdout == "", f"status {r.returncode}, stderr {r.stderr!r}")


# Options
r = run("--help")
check("--help exits 0", r.returncode == 0, r.returncode)
for opt in ["--isa", "--memory", "--load", "--misaligned", "--max-insns", "--max-cycles",
            "--trace", "--signature", "--semihost-root", "--verbose", "--version"]:
    check(f"--help documents {opt}", opt in r.stdout, "missing")
r = run("--version")
check("--version", r.returncode == 0 and r.stdout.startswith("hartlab "), r.stdout)
usage_error("unknown option", ["--frobnicate", spin], "--frobnicate")
usage_error("no firmware", [], "no firmware")
usage_error("bad --misaligned", ["--misaligned=sometimes", spin], "sometimes")
usage_error("bad -m", ["-m", "12Q", spin], "12Q")
usage_error("bad --max-insns", ["--max-insns", "many", spin], "many")
usage_error("stray argument", [spin, "extra"], "extra")
usage_error("no firmware: the usage", [], "FILE.elf")
usage_error("bad --smp", ["--smp", "99", spin], "99")
usage_error("bad --load", ["--load", "x.bin", spin], "FILE@ADDR")
# `--trace t.txt fw.elf` (a file for the trace, written as for most options): the line says
# to write --trace=t.txt.
usage_error("--trace FILE: suggests --trace=FILE", ["--trace", "t.txt", spin], "--trace=t.txt")
usage_error("-S without --gdb", ["-S", spin], "--gdb")
r = run("--isa", "rv128i", spin)
check("bad --isa", r.returncode == 2 and "rv128i" in r.stderr, r.stderr)
other = "rv64imac" if xlen == "32" else "rv32imac"
r = run("--isa", other, spin)
check("--isa contradicting the ELF", r.returncode == 2 and "does not match" in r.stderr,
      r.stderr)
# The panel is a module loaded on --ui (ui/panel_load.c): one that cannot be loaded is one
# line naming it, exit 2, before anything runs (a build without SDL says so instead).
r = run("--ui-screenshot", os.path.join(tempfile.gettempdir(), "never.png") + "@1000", spin,
        env=dict(os.environ, HARTLAB_PANEL="/nonexistent/panel.so"))
check("--ui with a panel module that cannot be loaded",
      r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
      and ("HARTLAB_PANEL=/nonexistent/panel.so" in r.stderr
           or "without the SDL panel" in r.stderr), f"status {r.returncode}, {r.stderr!r}")
r = run("/nonexistent/fw.elf")
check("missing file", r.returncode == 2 and "/nonexistent/fw.elf" in r.stderr
      and len(r.stderr.strip().splitlines()) == 1, r.stderr)

# Limits and hangs
r = run("--max-insns", "1000", spin)
check("--max-insns stops a runaway with 124", r.returncode == 124
      and "instruction limit" in r.stderr and "after 1000 instructions" in r.stderr, r.stderr)
r = run("--max-insns", "2k", spin)
check("--max-insns 2k is 2000 instructions", r.returncode == 124
      and "after 2000 instructions" in r.stderr, r.stderr)
r = run("--max-insns", "1M", spin)
check("--max-insns 1M is a million instructions", r.returncode == 124
      and "after 1000000 instructions" in r.stderr, r.stderr)
usage_error("bad --max-insns suffix", ["--max-insns", "3x", spin], "3x")
usage_error("bare suffix", ["--max-cycles", "M", spin], "'M'")
usage_error("count overflow", ["--max-insns", "99999999999999G", spin], "99999999999999G")
r = run("--max-cycles", "5000", spin)
check("--max-cycles stops a runaway with 124", r.returncode == 124
      and "cycle limit" in r.stderr, r.stderr)
r = run(hang)
check("wfi with nothing to wake it: 125", r.returncode == 125 and "wfi" in r.stderr, r.stderr)

# Exit codes
r = run(htif_exit)
check("HTIF exit code 300 is reported as 255", r.returncode == 255, r.returncode)
r = run("--max-insns", "100000", halt_low)
check("HTIF: the compliance halt (sw 1 to tohost's low word) exits 0", r.returncode == 0,
      f"{r.returncode} {r.stderr}")

# Trace: deterministic, one line per instruction with pc, bits, text and result
t1 = run("--trace", "--max-insns", "6", spin)
t2 = run("--trace", "--max-insns", "6", spin)
lines = [l for l in t1.stderr.splitlines() if not l.startswith("hartlab:")]
check("--trace prints one line per instruction", len(lines) == 6, t1.stderr)
check("--trace line shape", len(lines) > 0 and lines[0].split()[1] in ("0505", "00150513")
      and "a0,a0,1" in lines[0] and "a0=" in lines[0], lines[:1])
check("--trace is identical across runs", t1.stderr == t2.stderr, "differs")
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "trace.txt")
    r = run(f"--trace={path}", "--max-insns", "4", spin)
    with open(path) as f:
        check("--trace=FILE writes the file", len(f.read().splitlines()) == 4, path)
    r = run("--trace=/nonexistent/dir/t.txt", spin)
    check("--trace to an unwritable file: 2", r.returncode == 2 and "/nonexistent" in r.stderr,
          r.stderr)

    # Signature
    sig = os.path.join(d, "sig.txt")
    r = run("--signature", sig, sig_elf)
    with open(sig_expected) as f:
        want = f.read()
    got = open(sig).read() if os.path.exists(sig) else ""
    check("--signature writes the region as 32-bit words", r.returncode == 0 and got == want,
          f"status {r.returncode}, got {got!r}")
    r = run("--signature", sig, spin, "--max-insns", "10")
    r = run("--max-insns", "10", "--signature", sig, spin)
    check("--signature without the symbols is an error", "begin_signature" in r.stderr,
          r.stderr)

# The UART's host side (--serial)
r = run(uart_hello)
check("UART output on stdout by default", r.returncode == 0 and r.stdout == "Hello, UART\n",
      f"{r.returncode} {r.stdout!r}")
r = run("--serial", "null", uart_hello)
check("--serial null drops the output", r.returncode == 0 and r.stdout == "", r.stdout)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "uart.txt")
    r = run("--serial", f"file:{path}", uart_hello)
    got = open(path).read() if os.path.exists(path) else ""
    check("--serial file:PATH writes the file", r.returncode == 0 and got == "Hello, UART\n",
          got)
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    r = run("--serial", f"tcp:{port}", uart_hello)
    check("--serial tcp:PORT with the port in use: 2 and one line naming it",
          r.returncode == 2 and str(port) in r.stderr and len(r.stderr.splitlines()) == 1,
          r.stderr)
r = run("--serial", "bogus", uart_hello)
check("--serial with a bad spec: 2", r.returncode == 2 and "bogus" in r.stderr, r.stderr)

# --gpio-script: a bad line is named with its file and line number
with tempfile.TemporaryDirectory() as d:
    script = os.path.join(d, "press.txt")
    with open(script, "w") as f:
        f.write("# presses\n100 pin 4 low\n50 pin 4 high\n")
    r = run("--gpio-script", script, uart_hello)
    check("--gpio-script with decreasing cycles: 2, names file:line", r.returncode == 2
          and "press.txt:3" in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr)
    with open(script, "w") as f:
        f.write("100 pin 4 low\n200 pin 4 release\n")
    r = run("--gpio-script", script, uart_hello)
    check("--gpio-script with a good script runs", r.returncode == 0, r.stderr)

# Garbage written to every device register: logged, rate-limited, and the run goes on
r = run("--serial", "null", "--max-insns", "5000000", garbage)
errors = [l for l in r.stderr.splitlines() if "guest error" in l]
check("device garbage: the run goes on to its normal exit", r.returncode == 0,
      f"status {r.returncode}: {r.stderr[-500:]}")
check("device garbage: wrong accesses are logged", len(errors) > 0, r.stderr[-300:])
check("device garbage: the log is rate-limited", len(errors) < 100, f"{len(errors)} lines")

# The translation tier's options (core/jit.h): bad values are usage errors, from the command
# line and from the environment alike; the debugging aids do what docs/architecture.md says.
usage_error("bad --jit", ["--jit=maybe", spin], "--jit: 'maybe'")
usage_error("--jit-threshold 0", ["--jit-threshold", "0", spin], "--jit-threshold: '0'")
usage_error("bad --jit-threshold", ["--jit-threshold", "hot", spin], "--jit-threshold: 'hot'")
for var, val in (("HARTLAB_JIT", "maybe"), ("HARTLAB_JIT_THRESHOLD", "0"),
                 ("HARTLAB_JIT_LIMIT", "some"), ("HARTLAB_JIT_DUMP", "/nonexistent/dir")):
    r = run(spin, env=dict(os.environ, **{var: val}))
    check(f"{var}={val}: exit 2, one line naming it", r.returncode == 2 and
          f"{var}: '{val}'" in r.stderr.splitlines()[0] and r.stdout == "", r.stderr)
spin_runs = {}
for mode in (["--jit=off"], ["--jit=on"], ["--jit=on", "--jit-threshold", "1"]):
    r = run("-v", "--max-cycles", "300000", *mode, spin)
    spin_runs[" ".join(mode)] = (r.returncode, r.stderr.splitlines()[-1:])
check("a spinning loop stops at the same cycle with the tier off, on and eager",
      len(set(map(str, spin_runs.values()))) == 1, spin_runs)
# (The tier exists on x86-64 Linux hosts only; elsewhere --jit=on interprets.)
r = run("--jit=on", "--jit-threshold", "1", "--jit-stats", "--max-cycles", "300000", spin)
has_tier = platform.machine() == "x86_64" and sys.platform.startswith("linux")
stats = [l for l in r.stderr.splitlines() if "jit:" in l]
check("--jit-stats prints the tier's counters", not has_tier or len(stats) == 2 and
      "blocks translated" in stats[0], r.stderr)
with tempfile.TemporaryDirectory() as d:
    r = run("--jit=on", "--jit-threshold", "1", "--max-cycles", "300000", spin,
            env=dict(os.environ, HARTLAB_JIT_DUMP=d))
    maps = [f for f in os.listdir(d) if f.startswith("perf-") and f.endswith(".map")]
    lines = open(os.path.join(d, maps[0])).read().splitlines() if maps else []
    bins = {f for f in os.listdir(d) if f.endswith(".bin")}
    ok = len(maps) == 1 and lines and len(bins) == len(lines)
    for line in lines:
        addr, size, name = line.split()
        path = os.path.join(d, f"jit-{maps[0][5:-4]}-0x{addr}.bin")
        ok = ok and name.startswith("guest_8") and os.path.exists(path) and \
            os.path.getsize(path) == int(size, 16)
    check("HARTLAB_JIT_DUMP: one .bin per translated block, named in a perf map",
          not has_tier or r.returncode != 2 and ok, f"{os.listdir(d)} {lines}")
# Core timings (--cpu, docs/cycles.md): listed, checked, and they change only the cycles.
r = run("--help")
check("--help documents --cpu", "--cpu MODEL" in r.stdout, "missing")
r = run("--cpu", "help")
check("--cpu help lists the timings", r.returncode == 0 and all(
    f"  {m} " in r.stdout for m in ("simple", "ibex", "e31", "u54")), r.stdout)
usage_error("bad --cpu", ["--cpu", "pentium", spin], "pentium")


def limit_line(*args):
    r = run("-v", "--max-insns", "1000", *args)
    lines = [x for x in r.stderr.splitlines() if "instruction limit reached" in x]
    return r.returncode, lines[0].split(" in _start ")[-1] if lines else r.stderr


# spin is `addi; j 1b`: simple and Ibex take 1 + 2 per round, the E31 1 + 1 once its BTB
# knows the jump (the first one is mispredicted: 3 cycles).
for cpu, cycles in (("simple", 1500), ("ibex", 1500), ("e31", 1003), ("u54", 1003)):
    st, line = limit_line("--cpu", cpu, spin)
    check(f"--cpu {cpu} cycles", st == 124 and line == f"after 1000 instructions, {cycles} cycles",
          f"status {st}, {line!r}")
    # Dynamic timings run interpreted: the same counts whatever --jit says.
    st2, line2 = limit_line("--cpu", cpu, "--jit=off", spin)
    check(f"--cpu {cpu} --jit=off the same", (st2, line2) == (st, line), line2)
if xlen == "32":
    # The mcu board's cpu node says "sifive,e31": its default timing, no warning about it.
    r = run("-v", "--max-insns", "1000", "--board", "mcu", spin)
    check("mcu is an E31", "1000 instructions, 1003 cycles" in r.stderr
          and "warning" not in r.stderr, r.stderr)
    st, line = limit_line("--board", "mcu", "--cpu", "simple", spin)
    check("--cpu overrides the board's core", line.endswith("1500 cycles"), line)

# --record-history SIZE (docs/gdb.md "Going backwards"): history without a debugger, within a
# memory budget; a bad size is a usage error; recording changes nothing in the run; -v says
# what history holds, and a small budget drops the oldest snapshots (history starts later).
r = run("--help")
check("--help documents --record-history", "--record-history SIZE" in r.stdout, "missing")
for bad in ("lots", "0", "512K", "-4M", "3X", "2T"):
    usage_error(f"--record-history {bad}", ["--record-history", bad, spin],
                f"--record-history: '{bad}'")
HIST = re.compile(r"history: steps (\d+) to (\d+) kept in (\d+) snapshots, ([\d.]+) MiB of RAM "
                  r"pages, ([\d.]+) MiB of hart and device state, ([\d.]+) MiB of log "
                  r"\((\d+) entries\); budget (\d+) MiB, (\d+) snapshots dropped")
plain = run("-v", "--max-insns", "10000000", spin)
rec = run("-v", "--record-history", "64M", "--max-insns", "10000000", spin)
h = HIST.search(rec.stderr)
check("--record-history: the same run (status, counts) as without",
      rec.returncode == plain.returncode == 124 and
      [l for l in rec.stderr.splitlines() if "history:" not in l] == plain.stderr.splitlines(),
      f"{plain.stderr!r} vs {rec.stderr!r}")
check("--record-history -v: snapshots every 2M steps (0, 2M .. 8M), budget as given",
      h is not None and h.group(1) == "0" and h.group(2) == "10000000" and
      h.group(3) == "5" and h.group(8) == "64" and h.group(9) == "0", rec.stderr)
check("no history line without --record-history", "history:" not in plain.stderr, plain.stderr)
rec = run("-v", "--record-history", "1M", "--max-insns", "200000000", spin, timeout=60)
h = HIST.search(rec.stderr)
check("--record-history 1M: the oldest snapshots are dropped, history within the budget",
      rec.returncode == 124 and h is not None and int(h.group(1)) > 0 and
      h.group(2) == "200000000" and int(h.group(9)) > 0 and
      float(h.group(4)) + float(h.group(5)) + float(h.group(6)) <= 1.0, rec.stderr)

passed = sum(results)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
