#!/usr/bin/env python3
"""cpu_cost.py: what a core timing (--cpu, docs/cycles.md) costs in speed.

Runs rv32 benchmark workloads (bench/README.md) under each timing, interleaved, and prints
the best wall time of N runs per configuration (the least disturbed one, on a shared
machine), the MIPS, the run's instructions and cycles, and the time relative to the
default timing interpreted. `simple` is shown translated (the default) and interpreted
(--jit=off); the other timings always run interpreted (the translation tier does not model
their run-time effects). --base PATH adds another hartlab build, interpreted, to show that
the default timing did not get slower.

  bench/cpu_cost.py [--hartlab build/hartlab] [--base OTHER/hartlab] [--runs 3] [--scale 0.2]
"""
import argparse
import os
import re
import subprocess
import time

FULL = {"crc32": 3500, "sort": 84, "matmul": 290}
COUNT_RE = re.compile(r"after (\d+) instructions, (\d+) cycles")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hartlab", default=os.path.join(os.path.dirname(here), "build", "hartlab"))
    ap.add_argument("--base", help="another hartlab to compare, interpreted")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.2, help="of bench/run.py's full sizes")
    a = ap.parse_args()
    elf_dir = os.path.join(os.path.dirname(os.path.abspath(a.hartlab)), "bench")
    cfgs = [("simple", a.hartlab, []), ("simple --jit=off", a.hartlab, ["--jit=off"])]
    if a.base:
        cfgs.append(("base --jit=off", a.base, ["--jit=off"]))
    cfgs += [(c, a.hartlab, ["--cpu", c]) for c in ("ibex", "e31", "u54")]
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
