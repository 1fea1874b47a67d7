#!/usr/bin/env python3
"""What recording the run's history costs (docs/gdb.md "Going backwards", issue 19).

Runs the bench/ workloads on hartlab without history and with `--record-history BUDGET`
(snapshots every 2 M steps, the default interval), alternately, --runs times each, and
prints per workload: instructions, median wall and CPU seconds of both, the overhead (CPU
ratio - 1), and what the history held at the end (snapshots, MiB, from hartlab's -v line).
CPU time (user + system of the child) is the figure: wall time on a shared machine moves
with the other jobs. Fails (exit 1) when the two runs of a workload differ in output,
status or instruction count: recording must not change the run. Nothing fails on a timing.

With --latency N: how long going backwards takes at the end of a long history. One run
under gdb-multiarch (hartlab --gdb, the sort workload at a size that retires about N
instructions), stopped at `exit`; then 20 `reverse-stepi` and one `reverse-continue` to the
start of history are timed in GDB (the round trip through the stub included) and the
history's size is read with `monitor history`.

usage: history.py [--hartlab build/hartlab] [--elf-dir build/bench] [--runs 5]
                  [--size tiny|full] [--only NAME] [--budget 512M] [--latency 1000000000]
"""
import argparse
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# name -> full size (repetition count, the guest's argument); tiny is 1. The full sizes
# retire about 0.5 G instructions each (a second or so of hartlab).
WORKLOADS = {
    "sort": 35,
    "sha256": 300,
    "crc32": 350,
    "matmul": 55,
    "sieve": 100,
    "vm": 48,
}
EXIT_RE = re.compile(r"exit code (-?\d+) after (\d+) instructions, (\d+) cycles")
HIST_RE = re.compile(r"history: steps (\d+) to (\d+) kept in (\d+) snapshots, ([\d.]+) MiB of "
                     r"RAM pages, ([\d.]+) MiB of hart and device state, ([\d.]+) MiB of log")
CHECK_RE = re.compile(r"^bench (\S+) n=(\d+) checksum=(0x[0-9a-f]+)", re.M)
SORT_INSNS_PER_UNIT = 14.39e6  # sort-rv64gc: instructions per repetition (measured)


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=900)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, wall, cpu


def one(args, elf, size, history):
    cmd = [args.hartlab, "-v"]
    if history:
        cmd += ["--record-history", args.budget]
    p, wall, cpu = timed(cmd + [elf, "--", str(size)])
    m = EXIT_RE.search(p.stderr)
    c = CHECK_RE.search(p.stdout) or CHECK_RE.search(p.stderr)
    if p.returncode != 0 or not m or not c:
        raise SystemExit("FAIL: %s: status %d\n%s%s" % (" ".join(cmd), p.returncode,
                                                       p.stdout[-2000:], p.stderr[-2000:]))
    h = HIST_RE.search(p.stderr)
    if history and not h:
        raise SystemExit("FAIL: %s: no history line with -v\n%s" % (" ".join(cmd), p.stderr))
    return (c.group(3), int(m.group(2))), wall, cpu, h


def overhead(args):
    print("hartlab %s: without / with --record-history %s, %d run(s) each, medians"
          % (args.hartlab, args.budget, args.runs))
    print("%-14s %12s %9s %9s %9s %9s %9s  %s" % ("workload", "insns", "wall", "wall+h", "cpu",
                                                "cpu+h", "overhead", "history held"))
    ratios = []
    for name, full in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        elf = os.path.join(args.elf_dir, name + "-rv64gc.elf")
        size = 1 if args.size == "tiny" else full
        plain, hist = [], []
        outcome = None
        held = None
        for _ in range(args.runs):
            o0, w0, c0, _ = one(args, elf, size, False)
            o1, w1, c1, h = one(args, elf, size, True)
            if o0 != o1 or (outcome and outcome != o0):
                raise SystemExit("FAIL: %s: the run with history differs: %s vs %s"
                                 % (name, o0, o1))
            outcome = o0
            plain.append((w0, c0))
            hist.append((w1, c1))
            held = h
        w0 = statistics.median(w for w, _ in plain)
        c0 = statistics.median(c for _, c in plain)
        w1 = statistics.median(w for w, _ in hist)
        c1 = statistics.median(c for _, c in hist)
        ratio = c1 / c0 if c0 > 0 else float("nan")
        ratios.append(ratio)
        mib = sum(float(held.group(k)) for k in (4, 5, 6))
        print("%-14s %12d %8.3fs %8.3fs %8.3fs %8.3fs %+8.1f%%  %s snapshots, %.1f MiB"
              % (name + "-rv64gc", outcome[1], w0, w1, c0, c1, 100 * (ratio - 1),
                 held.group(3), mib))
    if ratios:
        print("median overhead (CPU): %+.1f%%" % (100 * (statistics.median(ratios) - 1)))


GDB_SCRIPT = r"""
import gdb, time
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:%(port)d")
gdb.execute("break exit")
t0 = time.monotonic()
gdb.execute("continue", to_string=True)
print("forward: %%.2f s" %% (time.monotonic() - t0))
print(gdb.execute("monitor history", to_string=True).strip())
ts = []
for i in range(20):
    t0 = time.monotonic()
    gdb.execute("reverse-stepi", to_string=True)
    ts.append(time.monotonic() - t0)
ts.sort()
print("reverse-stepi: median %%.1f ms, worst %%.1f ms (20 steps back from the end)"
      %% (1000 * ts[len(ts) // 2], 1000 * ts[-1]))
t0 = time.monotonic()
gdb.execute("reverse-continue", to_string=True)
print("reverse-continue to the start of history: %%.2f s" %% (time.monotonic() - t0))
print(gdb.execute("monitor history", to_string=True).strip())
gdb.execute("kill")
"""


def latency(args):
    size = max(1, round(args.latency / SORT_INSNS_PER_UNIT))
    elf = os.path.join(args.elf_dir, "sort-rv64gc.elf")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [args.hartlab, "--gdb", "127.0.0.1:%d" % port, "-S"]
    if args.budget_set:
        cmd += ["--record-history", args.budget]
    hl = subprocess.Popen(cmd + [elf, "--", str(size)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(GDB_SCRIPT % {"port": port})
        script = f.name
    try:
        print("sort-rv64gc -- %d (about %.2f G instructions) under gdb-multiarch:"
              % (size, size * SORT_INSNS_PER_UNIT / 1e9))
        p = subprocess.run([args.gdb, "-nx", "-batch", "-ex", "file " + elf,
                            "-ex", "source " + script], capture_output=True, text=True,
                           timeout=1800)
        for line in p.stdout.splitlines():
            if re.match(r"(forward|history|reverse)", line):
                print("  " + line)
        if p.returncode != 0 or "reverse-stepi:" not in p.stdout:
            print(p.stdout[-3000:], p.stderr[-3000:], file=sys.stderr)
            raise SystemExit("FAIL: the gdb session did not complete")
    finally:
        os.unlink(script)
        try:
            hl.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hl.kill()
            hl.wait()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hartlab", default=os.path.join(os.path.dirname(here), "build", "hartlab"))
    ap.add_argument("--elf-dir", help="where NAME-rv64gc.elf are (default: bench/ beside hartlab)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", choices=("tiny", "full"), default="full")
    ap.add_argument("--only", action="append", default=[], metavar="NAME")
    ap.add_argument("--budget", default=None, help="--record-history SIZE (default 512M)")
    ap.add_argument("--latency", type=float, default=0, metavar="INSNS",
                    help="also time going back at the end of a history of about INSNS "
                    "instructions under gdb (e.g. 1e9)")
    ap.add_argument("--no-overhead", action="store_true", help="only the --latency part")
    ap.add_argument("--gdb", default="gdb-multiarch")
    args = ap.parse_args()
    args.budget_set = args.budget is not None
    if args.budget is None:
        args.budget = "512M"
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    for name in args.only:
        if name not in WORKLOADS:
            ap.error("unknown workload %r (known: %s)" % (name, ", ".join(WORKLOADS)))
    if args.elf_dir is None:
        args.elf_dir = os.path.join(os.path.dirname(os.path.abspath(args.hartlab)), "bench")
    if not args.no_overhead:
        overhead(args)
    if args.latency:
        latency(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
