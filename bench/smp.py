#!/usr/bin/env python3
"""The SMP benchmark (bench/README.md "Several harts"): does running N busy harts cost about N
times one hart? Runs bench/smp.c (every hart computes the same integer kernel on its own
data) on hartlab with --smp 1 and --smp N, and on QEMU -smp 1 / -smp N for reference, and
prints, per run size: instructions retired (all harts, from hartlab's -v per-hart lines),
median wall and CPU seconds, MIPS, and the ratio of the aggregate MIPS of N harts to the
MIPS of one. The ratio should be near 1 (each hart costs what one costs); nothing fails on
a timing. Fails (exit 1) when a run does not print its checksum line, when the harts'
instruction counts differ between runs of the same input, or when the checksum differs
between hartlab and QEMU.

With --quanta Q1,Q2,... it then measures what a smaller quantum (docs/cycles.md "Several
harts: the quantum") costs: N harts run the same program for --quanta-cycles cycles each
(default 20 million: a fixed stretch of virtual time, ended by --max-cycles) at every
quantum given, and a table shows instructions, median CPU seconds, MIPS and the slowdown
against the first quantum. Below 256 cycles the harts step one instruction at a time.

usage: smp.py [--hartlab build/hartlab] [--elf build/bench/smp-rv64.elf] [--harts N]
              [--runs R] [--qemu qemu-system-riscv64] [--quanta 10000,1000,100,10,1]
              [--quanta-cycles C]
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time

HART_RE = re.compile(r"hart \d+: (\d+) instructions, (\d+) cycles")
EXIT_RE = re.compile(r"exit code (-?\d+) after (\d+) instructions, (\d+) cycles")
LINE_RE = re.compile(r"bench smp harts=(\d+) checksum=(0x[0-9a-f]+)")


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=600)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, wall, cpu


def hartlab_run(args, n):
    p, wall, cpu = timed([args.hartlab, "-v", "--smp", str(n), args.elf])
    m = LINE_RE.search(p.stdout)
    if p.returncode != 0 or not m:
        raise SystemExit(f"FAIL: hartlab --smp {n}: status {p.returncode}\n{p.stdout}{p.stderr}")
    harts = [int(x) for x, _ in HART_RE.findall(p.stderr)]
    insns = sum(harts) if harts else int(EXIT_RE.search(p.stderr).group(2))
    return m.group(2), insns, wall, cpu


def qemu_run(args, n):
    p, wall, cpu = timed([args.qemu, "-machine", "virt", "-smp", str(n), "-bios", "none",
                          "-display", "none", "-monitor", "none", "-serial", "stdio",
                          "-kernel", args.elf])
    m = LINE_RE.search(p.stdout)
    return (m.group(2) if m else None), wall, cpu


def quantum_table(args):
    """N harts for a fixed stretch of virtual time at each quantum: MIPS and slowdown."""
    rows = []
    for q in args.quanta:
        cpus, counts = [], set()
        for _ in range(args.runs):
            p, wall, cpu = timed([args.hartlab, "-v", "--smp", str(args.harts), "--quantum",
                                  str(q), "--max-cycles", str(args.quanta_cycles), args.elf])
            harts = [int(x) for x, _ in HART_RE.findall(p.stderr)]
            if len(harts) != args.harts:
                raise SystemExit(f"FAIL: --quantum {q}: no per-hart counts\n{p.stderr}")
            counts.add(sum(harts))
            cpus.append(cpu)
        rows.append((q, counts, statistics.median(cpus)))
    print(f"\n{args.harts} harts, {args.quanta_cycles / 1e6:g} M cycles each, median CPU seconds "
          f"of {args.runs} run(s)")
    print(f"{'quantum':>8} {'insns (M)':>10} {'cpu s':>8} {'MIPS (cpu)':>11} {'slowdown':>9}")
    base = None
    failed = 0
    for q, counts, cpu in rows:
        insns = sorted(counts)[0]
        mips = insns / cpu / 1e6 if cpu > 0 else float("inf")
        base = base or mips
        status = "" if len(counts) == 1 else "  FAIL (runs differ)"
        failed += len(counts) != 1
        print(f"{q:>8} {insns / 1e6:>10.1f} {cpu:>8.3f} {mips:>11.1f} {base / mips:>8.1f}x"
              f"{status}")
    return failed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", default=os.path.join(os.path.dirname(here), "build", "hartlab"))
    ap.add_argument("--elf")
    ap.add_argument("--harts", type=int, default=4)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--qemu", default="qemu-system-riscv64")
    ap.add_argument("--quanta", type=lambda v: [int(x) for x in v.split(",")], default=[])
    ap.add_argument("--quanta-cycles", type=int, default=20000000)
    args = ap.parse_args()
    if not args.elf:
        args.elf = os.path.join(os.path.dirname(args.hartlab), "bench", "smp-rv64.elf")
    have_qemu = subprocess.run(["which", args.qemu], capture_output=True).returncode == 0
    rows = []
    failed = 0
    for n in (1, args.harts):
        hw, hc, qw, qc, counts, sums = [], [], [], [], set(), set()
        qsum = None
        for _ in range(args.runs):
            s, insns, wall, cpu = hartlab_run(args, n)
            sums.add(s)
            counts.add(insns)
            hw.append(wall)
            hc.append(cpu)
            if have_qemu:
                qsum, wall, cpu = qemu_run(args, n)
                qw.append(wall)
                qc.append(cpu)
        status = "ok"
        if len(counts) != 1 or len(sums) != 1:
            status = "FAIL (runs differ)"
        elif have_qemu and qsum not in sums:
            status = f"MISMATCH (qemu {qsum})"
        failed += status != "ok"
        insns = counts.pop()
        wall = statistics.median(hw)
        rows.append((n, insns, wall, statistics.median(hc),
                     statistics.median(qw) if qw else None,
                     statistics.median(qc) if qc else None, insns / wall / 1e6, status))
    print(f"hartlab {args.hartlab} vs QEMU, {args.runs} run(s) each, median seconds per run")
    print(f"{'harts':>5} {'insns (M)':>10} {'hartlab s':>10} {'hartlab cpu':>11} {'qemu s':>8} "
          f"{'qemu cpu':>9} {'hartlab MIPS':>13}  status")
    for n, insns, wall, cpu, qwall, qcpu, mips, status in rows:
        q = f"{qwall:8.3f}" if qwall is not None else f"{'-':>8}"
        qc = f"{qcpu:9.3f}" if qcpu is not None else f"{'-':>9}"
        print(f"{n:>5} {insns / 1e6:>10.1f} {wall:>10.3f} {cpu:>11.3f} {q} {qc} {mips:>13.0f}  "
              f"{status}")
    one, many = rows[0], rows[1]
    print(f"aggregate MIPS with {many[0]} harts / MIPS with 1: {many[6] / one[6]:.2f} "
          f"(by CPU time: {(many[1] / many[3]) / (one[1] / one[3]):.2f})")
    checks = 2
    if args.quanta:
        failed += quantum_table(args)
        checks += 1
    print(f"{checks - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
