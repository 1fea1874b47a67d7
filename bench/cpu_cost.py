#!/usr/bin/env python3
"""cpu_cost.py: what a core timing (--cpu, docs/cycles.md) costs in speed.

Runs rv32 benchmark workloads (bench/README.md) under each timing, interleaved, and prints
the best wall time of N runs per configuration (the least disturbed one, on a shared
machine), the MIPS, the run's instructions and cycles, and the time relative to the
default timing interpreted. `simple` is shown translated (the default) and interpreted
(--jit=off); the other timings always run interpreted (the translation tier does not model
their run-time effects). --base [NAME=]PATH (repeatable) adds another hartlab build,
interpreted, to show that the default timing did not get slower.

--host-insns SMALL,LARGE counts host instructions instead of timing (valgrind's cachegrind,
exactly reproducible, so it shows a difference of a few percent that a busy machine's wall
times hide): each configuration runs each workload at the scales SMALL and LARGE, and the
figure is host instructions per guest instruction at the margin (LARGE minus SMALL, so
start-up cancels). Translated runs are counted too (valgrind follows the generated code).

  bench/cpu_cost.py [--hartlab build/hartlab] [--base [NAME=]OTHER/hartlab ...] [--runs 3]
                    [--scale 0.2] [--host-insns 0.005,0.02]
"""
import argparse
import os
import re
import shutil
import subprocess
import time

FULL = {"crc32": 3500, "sort": 84, "matmul": 290}
COUNT_RE = re.compile(r"after (\d+) instructions, (\d+) cycles")
IREFS_RE = re.compile(r"I\s+refs:\s+([\d,]+)")


def run_counted(h, args, elf, n, valgrind=None):
    """One run: (guest instructions, cycles, host instructions or None)."""
    pre = []
    if valgrind:
        pre = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               "--smc-check=all"]
    p = subprocess.run(pre + [h, "-v", *args, elf, "--", str(n)], capture_output=True, text=True,
                       timeout=3600)
    m = COUNT_RE.search(p.stderr)
    if p.returncode != 0 or not m:
        raise SystemExit(f"cpu_cost.py: {h} {' '.join(args)} on {elf}: status {p.returncode}: "
                         f"{p.stderr.strip()[-300:]}")
    ir = IREFS_RE.search(p.stderr) if valgrind else None
    return int(m.group(1)), int(m.group(2)), (int(ir.group(1).replace(",", "")) if ir else None)


def host_insns(cfgs, elf_dir, small, large):
    vg = shutil.which("valgrind")
    if not vg:
        raise SystemExit("cpu_cost.py: --host-insns needs valgrind (apt-get install valgrind)")
    print(f"{'workload':8} {'timing':22} {'host insns per guest insn':>26} {'guest insns':>12}")
    for w, full in FULL.items():
        elf = os.path.join(elf_dir, f"{w}-rv32.elf")
        n1, n2 = max(1, round(full * small)), max(2, round(full * large))
        for name, h, args in cfgs:
            g1, _, h1 = run_counted(h, args, elf, n1, vg)
            g2, _, h2 = run_counted(h, args, elf, n2, vg)
            print(f"{w:8} {name:22} {(h2 - h1) / (g2 - g1):26.2f} {g2 - g1:12}", flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hartlab", default=os.path.join(os.path.dirname(here), "build", "hartlab"))
    ap.add_argument("--base", action="append", default=[],
                    help="[NAME=]PATH: another hartlab to compare, interpreted (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.2, help="of bench/run.py's full sizes")
    ap.add_argument("--host-insns", metavar="SMALL,LARGE",
                    help="count host instructions per guest instruction between two scales")
    a = ap.parse_args()
    elf_dir = os.path.join(os.path.dirname(os.path.abspath(a.hartlab)), "bench")
    cfgs = [("simple", a.hartlab, []), ("simple --jit=off", a.hartlab, ["--jit=off"])]
    for b in a.base:
        name, path = b.split("=", 1) if "=" in b else ("base", b)
        cfgs.append((f"{name} --jit=off", path, ["--jit=off"]))
        if a.host_insns:
            cfgs.append((name, path, []))
    cfgs += [(c, a.hartlab, ["--cpu", c]) for c in ("ibex", "e31", "u54")]
    if a.host_insns:
        small, large = (float(x) for x in a.host_insns.split(","))
        host_insns(cfgs, elf_dir, small, large)
        return
    print(f"{'workload':8} {'timing':18} {'best s':>7} {'MIPS':>7} {'insns':>11} {'cycles':>11}"
          f" {'vs simple --jit=off':>20}")
    for w, full in FULL.items():
        n = max(1, int(full * a.scale))
        elf = os.path.join(elf_dir, f"{w}-rv32.elf")
        best, counts = {}, {}
        for _ in range(a.runs):
            for name, h, args in cfgs:
                t0 = time.perf_counter()
                p = subprocess.run([h, "-v", *args, elf, "--", str(n)], capture_output=True,
                                   text=True, timeout=600)
                dt = time.perf_counter() - t0
                m = COUNT_RE.search(p.stderr)
                if p.returncode != 0 or not m:
                    raise SystemExit(f"cpu_cost.py: {name} on {w}: status {p.returncode}: "
                                     f"{p.stderr.strip()[-300:]}")
                best[name] = min(best.get(name, dt), dt)
                counts[name] = (int(m.group(1)), int(m.group(2)))
        ref = best["simple --jit=off"]
        for name, _, _ in cfgs:
            insns, cycles = counts[name]
            print(f"{w:8} {name:18} {best[name]:7.2f} {insns / best[name] / 1e6:7.0f} {insns:11}"
                  f" {cycles:11} {best[name] / ref:19.2f}x")


if __name__ == "__main__":
    main()
