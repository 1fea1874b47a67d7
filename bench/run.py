#!/usr/bin/env python3
"""Times hartlab against QEMU on the workloads in bench/ (see bench/README.md).

Every workload ELF runs on hartlab and on qemu-system-riscv32/64 (-machine virt -bios none,
semihosting), alternately, --runs times each. hartlab runs with --verbose, whose last line
("... exit code N after X instructions, Y cycles") gives the instruction count; QEMU's
MIPS uses the same count, since both run the same instructions. Both must exit 0 and print
the same "bench NAME n=N checksum=X" line, else the row is a failure and the exit status is
1. Timings never fail anything: this is a measurement, and the machine may be shared.

The floating-point workload needs F and D; hartlab is asked for them with --isa, and a
hartlab that refuses that ISA is reported as "unsupported", not as a failure.
"""

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

# name -> (arches, tiny size, full size, needs F/D). Sizes are repetition counts. Tiny takes
# well under a second on either simulator. Full is sized for the 10-minute budget of the
# whole run (5 runs each, 2-core machine; bench/README.md): 0.8 to 2 s per hartlab run and
# 0.35 to 1.4 s per QEMU 7.2 run on the integer kernels (bench/README.md has the figures).
# --scale multiplies the sizes (e.g. --scale 4 for QEMU runs of 2 s or more).
# Keep the names and arches in step with bench/meson.build.
WORKLOADS = {
    "crc32": (("rv32", "rv64gc"), 1, 3500, False),
    "sort": (("rv32", "rv64gc"), 1, 84, False),
    "matmul": (("rv32", "rv64gc"), 1, 290, False),
    "vm": (("rv32", "rv64gc"), 1, 66, False),
    "sieve": (("rv32", "rv64gc"), 1, 190, False),
    "sha256": (("rv32", "rv64gc"), 1, 1500, False),
    "coremark": (("rv32", "rv64gc"), 1, 6000, False),
    "nbody": (("rv64gc",), 1, 1000, True),
}
FP_ISA = "rv64gc"

CHECKSUM_RE = re.compile(r"^bench (\S+) n=(\d+) checksum=(0x[0-9a-f]+)\s*$", re.M)
COUNT_RE = re.compile(r"exit code (-?\d+) after (\d+) instructions, (\d+) cycles")
IREFS_RE = re.compile(r"I\s+refs:\s+([\d,]+)")


def xlen_of(arch):
    return 32 if arch.startswith("rv32") else 64


class Outcome:
    """One run of one simulator."""

    def __init__(self, status, seconds, stdout, stderr, timed_out=False, cpu=None):
        self.status = status
        self.seconds = seconds
        self.cpu = cpu
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out

    def checksum(self):
        # QEMU 7.2 without a semihosting chardev writes the guest's console to stderr.
        m = CHECKSUM_RE.search(self.stdout) or CHECKSUM_RE.search(self.stderr)
        return m.group(3) if m else None

    def problem(self):
        """None when the run ended as a workload should, else a short reason."""
        if self.timed_out:
            return "timed out"
        if self.status != 0:
            last = (self.stderr.strip().splitlines() or self.stdout.strip().splitlines() or [""])[-1]
            return "exit status %d%s" % (self.status, (": " + last[:100]) if last else "")
        if self.checksum() is None:
            return "no checksum line"
        return None


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_once(cmd, timeout):
    """Wall seconds, and CPU seconds (user + system, all threads): on a shared machine the
    second is less disturbed by other people's jobs than the first."""
    cpu0 = children_cpu()
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return Outcome(None, time.perf_counter() - start,
                       (e.stdout or b"").decode(errors="replace"),
                       (e.stderr or b"").decode(errors="replace"), timed_out=True)
    except OSError as e:
        return Outcome(-1, 0.0, "", "cannot run %s: %s" % (cmd[0], e))
    return Outcome(p.returncode, time.perf_counter() - start,
                   p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"),
                   cpu=children_cpu() - cpu0)


def hartlab_cmd(args, elf, size, fp):
    cmd = [args.hartlab, "--verbose"] + args.hartlab_arg
    if fp:
        cmd += ["--isa", FP_ISA]
    return cmd + [elf, "--", str(size)]


def qemu_cmd(args, elf, size, arch):
    qemu = args.qemu32 if xlen_of(arch) == 32 else args.qemu64
    return [qemu, "-machine", "virt", "-bios", "none", "-nographic",
            "-semihosting-config", "enable=on,target=native", "-kernel", elf,
            "-append", str(size)]


def hartlab_refuses(outcome):
    """hartlab said it cannot simulate the ISA asked for (exit status 2, one line)."""
    return outcome.status == 2 and "not supported" in outcome.stderr


def host_insns(args, cmd):
    """Host instructions for one hartlab run under cachegrind: deterministic, unlike time."""
    vg = shutil.which("valgrind")
    if vg is None:
        return None
    p = subprocess.run([vg, "--tool=cachegrind", "--cache-sim=no",
                        "--cachegrind-out-file=/dev/null"] + cmd,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=args.timeout * 100)
    m = IREFS_RE.search(p.stderr.decode(errors="replace"))
    return int(m.group(1).replace(",", "")) if m else None


def bench_one(args, name, arch, size, fp):
    """Runs one workload ELF; returns a dict that becomes a table row."""
    row = {"workload": name, "arch": arch, "size": size, "insns": None, "hartlab_s": None,
           "qemu_s": None, "status": "ok", "failed": False, "note": ""}
    elf = os.path.join(args.elf_dir, "%s-%s.elf" % (name, arch))
    if not os.path.exists(elf):
        row.update(status="FAIL", failed=True, note="missing %s (build it with ninja)" % elf)
        return row

    h_runs, q_runs = [], []
    h_unsupported = False
    for _ in range(args.runs):
        if not h_unsupported:
            h = run_once(hartlab_cmd(args, elf, size, fp), args.timeout)
            if fp and hartlab_refuses(h):
                h_unsupported = True
                msg = h.stderr.strip().splitlines()[-1]
                row["note"] = msg if msg.startswith("hartlab") else "hartlab: " + msg
            else:
                h_runs.append(h)
        q_runs.append(run_once(qemu_cmd(args, elf, size, arch), args.timeout))

    problems = []
    for who, runs in (("hartlab", h_runs), ("qemu", q_runs)):
        for r in runs:
            p = r.problem()
            if p:
                problems.append("%s %s" % (who, p))
                break
    q_sums = {r.checksum() for r in q_runs}
    h_sums = {r.checksum() for r in h_runs}
    counts = set()
    for r in h_runs:
        m = COUNT_RE.search(r.stderr)
        if m:
            counts.add(int(m.group(2)))
    ok_q = [r.seconds for r in q_runs if r.problem() is None]
    ok_h = [r.seconds for r in h_runs if r.problem() is None]
    if ok_q:
        row["qemu_s"] = statistics.median(ok_q)
    if ok_h:
        row["hartlab_s"] = statistics.median(ok_h)
    cpu_q = [r.cpu for r in q_runs if r.problem() is None and r.cpu is not None]
    cpu_h = [r.cpu for r in h_runs if r.problem() is None and r.cpu is not None]
    row["qemu_cpu_s"] = statistics.median(cpu_q) if cpu_q else None
    row["hartlab_cpu_s"] = statistics.median(cpu_h) if cpu_h else None
    if len(counts) == 1:
        row["insns"] = counts.pop()
    row["checksum"] = next(iter(q_sums)) if len(q_sums) == 1 else None

    if problems:
        row.update(status="FAIL", failed=True, note="; ".join(problems))
    elif h_unsupported:
        row["status"] = "unsupported"
    elif len(q_sums | h_sums) != 1:
        row.update(status="MISMATCH", failed=True,
                   note="hartlab %s, qemu %s" % (sorted(h_sums), sorted(q_sums)))
    elif row["insns"] is None:
        # Deterministic simulation promises one count for one input (docs/design.md, decision 4).
        row.update(status="FAIL", failed=True,
                   note="hartlab instruction counts differ between runs or are missing")

    if args.host_insns and not row["failed"] and h_runs:
        ir = host_insns(args, hartlab_cmd(args, elf, size, fp))
        if ir is not None and row["insns"]:
            row["host_per_guest"] = ir / row["insns"]
    return row


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def mips(insns, seconds):
    if insns is None or not seconds:
        return None
    return insns / seconds / 1e6


def print_table(rows, host):
    head = ["workload", "arch", "n", "insns (M)", "hartlab s", "qemu s", "hartlab cpu",
            "qemu cpu", "hartlab MIPS", "qemu MIPS", "h/q time", "status"]
    if host:
        head.insert(-1, "host/guest insn")
    lines = []
    for r in rows:
        ratio = (r["hartlab_s"] / r["qemu_s"]) if r["hartlab_s"] and r["qemu_s"] else None
        r["ratio"] = ratio
        cells = [r["workload"], r["arch"], str(r["size"]),
                 fmt(r["insns"] / 1e6 if r["insns"] else None, ".1f"),
                 fmt(r["hartlab_s"], ".3f"), fmt(r["qemu_s"], ".3f"),
                 fmt(r.get("hartlab_cpu_s"), ".3f"), fmt(r.get("qemu_cpu_s"), ".3f"),
                 fmt(mips(r["insns"], r["hartlab_s"]), ".0f"),
                 fmt(mips(r["insns"], r["qemu_s"]), ".0f"), fmt(ratio, ".2f"),
                 r["status"] + (" (" + r["note"] + ")" if r["note"] else "")]
        if host:
            cells.insert(-1, fmt(r.get("host_per_guest"), ".1f"))
        lines.append(cells)
    widths = [max(len(head[i]), *(len(c[i]) for c in lines)) for i in range(len(head) - 1)]
    print("  ".join(h.ljust(w) if i < 2 else h.rjust(w)
                    for i, (h, w) in enumerate(zip(head, widths))) + "  " + head[-1])
    for c in lines:
        print("  ".join(x.ljust(w) if i < 2 else x.rjust(w)
                        for i, (x, w) in enumerate(zip(c, widths))) + "  " + c[-1])


def geomean(values):
    values = [v for v in values if v]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=("tiny", "full"), default="full")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every workload's size by this (default 1)")
    ap.add_argument("--runs", type=int, default=5, help="runs per simulator (default 5)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this workload (repeatable): " + ", ".join(WORKLOADS))
    ap.add_argument("--xlen", choices=("32", "64", "both"), default="both")
    ap.add_argument("--hartlab", default=os.path.join(os.path.dirname(here), "build", "hartlab"),
                    help="the hartlab binary (default: build/hartlab)")
    ap.add_argument("--hartlab-arg", action="append", default=[], metavar="ARG",
                    help="pass ARG to every hartlab run (repeatable), e.g. --hartlab-arg=--cpu=e31")
    ap.add_argument("--elf-dir", help="where NAME-ARCH.elf are (default: bench/ beside hartlab)")
    ap.add_argument("--qemu32", default="qemu-system-riscv32")
    ap.add_argument("--qemu64", default="qemu-system-riscv64")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds before one run counts as hung (default 60 tiny, 300 full)")
    ap.add_argument("--host-insns", action="store_true",
                    help="also count hartlab's host instructions per guest instruction with "
                    "valgrind (slow: use with --size tiny)")
    ap.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = ap.parse_args()

    if args.runs < 1:
        ap.error("--runs must be at least 1")
    for name in args.only:
        if name not in WORKLOADS:
            ap.error("unknown workload %r (known: %s)" % (name, ", ".join(WORKLOADS)))
    if args.timeout is None:
        args.timeout = 60.0 if args.size == "tiny" else 300.0
    if args.elf_dir is None:
        args.elf_dir = os.path.join(os.path.dirname(os.path.abspath(args.hartlab)), "bench")
    for tool in (args.hartlab, args.qemu32, args.qemu64):
        if shutil.which(tool) is None and not os.access(tool, os.X_OK):
            print("run.py: cannot find %s (see --hartlab, --qemu32, --qemu64)" % tool,
                  file=sys.stderr)
            return 2

    print("hartlab %s%s vs QEMU, size %s%s, %d run(s) each, median wall seconds per run"
          % (args.hartlab, "".join(" " + a for a in args.hartlab_arg), args.size, " x%g" % args.scale if args.scale != 1 else "",
             args.runs))
    rows = []
    for name, (arches, tiny, full, fp) in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        for arch in arches:
            if args.xlen != "both" and str(xlen_of(arch)) != args.xlen:
                continue
            size = max(1, round((tiny if args.size == "tiny" else full) * args.scale))
            row = bench_one(args, name, arch, size, fp)
            row["fp"] = fp
            rows.append(row)
            print("  %-7s %-7s %s" % (name, arch, row["status"]), file=sys.stderr, flush=True)

    print()
    print_table(rows, args.host_insns)
    ints = [r for r in rows if not r["fp"] and r["status"] == "ok"]
    g = geomean(r["ratio"] for r in ints)
    print()
    if g is not None:
        print("geometric mean hartlab/QEMU time ratio over %d integer workload(s): %.2f"
              % (len(ints), g))
        gm = geomean(mips(r["insns"], r["hartlab_s"]) for r in ints)
        gq = geomean(mips(r["insns"], r["qemu_s"]) for r in ints)
        print("geometric mean MIPS: hartlab %.0f, QEMU %.0f" % (gm, gq))
        gc = geomean(r["hartlab_cpu_s"] / r["qemu_cpu_s"] for r in ints
                     if r["hartlab_cpu_s"] and r["qemu_cpu_s"])
        if gc is not None:
            print("geometric mean hartlab/QEMU CPU-time ratio (user + system): %.2f" % gc)
    failed = [r for r in rows if r["failed"]]
    skipped = [r for r in rows if r["status"] == "unsupported"]
    print("%d passed, %d failed, %d skipped"
          % (len(rows) - len(failed) - len(skipped), len(failed), len(skipped)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"size": args.size, "runs": args.runs, "rows": rows}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
