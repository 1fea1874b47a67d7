#!/usr/bin/env python3
"""profile_test.py HARTLAB ELF DEEP_ELF: the --profile outputs for profile_fw.S, whose
profile is known exactly (see the comment there): call counts, exclusive and inclusive
instruction counts, trap roots, the per-instruction costs under the default cycle model,
totals equal to the run's own counts (-v), callgrind_annotate reading the file, folded
stacks adding up, and one-line errors with exit status 2 for bad --profile arguments.
DEEP_ELF (deep_fw.S) recurses deeper than the profiler keeps frames."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL " + what)


def parse_callgrind(path):
    """{fn: {pc: (cycles, insns)}}, {(caller, callee): (calls, target, site, cyc, ins)},
    summary, totals; checks the structure as it goes."""
    names, costs, calls, lines_of = {}, {}, {}, {}
    summary = totals = None
    has_line = False
    header_done = False
    fn = cfn = None
    pending = None
    with open(path) as f:
        lines = f.read().splitlines()
    check(lines[0] == "# callgrind format", "callgrind: first line")
    for line in lines[1:]:
        if not line or line.startswith("#"):
            continue
        if not header_done:
            if line.startswith("positions:"):
                has_line = line == "positions: instr line"
                check(line in ("positions: instr", "positions: instr line"), f"callgrind: {line!r}")
            if line.startswith("events:"):
                check(line == "events: Cycles Instructions", "callgrind: events line")
                header_done = True
            else:
                check(re.match(r"^(version|creator|cmd|part|thread|desc|positions|event):", line)
                      is not None, f"callgrind: header line {line!r}")
            continue
        m = re.match(r"^(fn|cfn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            ident = int(m.group(2))
            if m.group(3) is not None:
                check(ident not in names, f"callgrind: ({ident}) named twice")
                names[ident] = m.group(3)
            check(ident in names, f"callgrind: ({ident}) used before it is named")
            if m.group(1) == "fn":
                fn = names[ident]
                costs.setdefault(fn, {})
            else:
                cfn = names[ident]
            continue
        m = re.match(r"^calls=(\d+) (0x[0-9a-f]+)( \d+)?$", line)
        if m:
            pending = (int(m.group(1)), int(m.group(2), 16))
            continue
        m = re.match(r"^(summary|totals): (\d+) (\d+)$", line)
        if m:
            v = (int(m.group(2)), int(m.group(3)))
            if m.group(1) == "summary":
                summary = v
            else:
                totals = v
            continue
        m = re.match(r"^(0x[0-9a-f]+)( \d+)? (\d+) (\d+)$", line)
        if m:
            check((m.group(2) is not None) == has_line, f"callgrind: position {line!r}")
            pc, c, i = int(m.group(1), 16), int(m.group(3)), int(m.group(4))
            if m.group(2):
                lines_of[pc] = int(m.group(2))
            if pending:
                calls[(fn, cfn)] = (pending[0], pending[1], pc, c, i)
                pending = None
            else:
                check(pc not in costs[fn], f"callgrind: {fn} 0x{pc:x} twice")
                costs[fn][pc] = (c, i)
            continue
        if re.match(r"^(ob|fl|fi|fe|cfi|cfl)=\(\d+\)", line):
            continue
        check(False, f"callgrind: unexpected line {line!r}")
    return costs, calls, summary, totals, lines_of


def excl(costs, fn):
    return (sum(c for c, _ in costs[fn].values()), sum(i for _, i in costs[fn].values()))


def run(hartlab, *args):
    return subprocess.run([hartlab, *args], capture_output=True, text=True, timeout=60)


def main():
    hartlab, elf, deep = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp(prefix="hartlab-profile-")
    try:
        cg, folded = os.path.join(tmp, "fw.cg"), os.path.join(tmp, "fw.folded")
        r = run(hartlab, "-v", "--profile", cg, f"--profile=folded:{folded}", elf)
        check(r.returncode == 0, f"exit status {r.returncode}: {r.stderr}")
        m = re.search(r"after (\d+) instructions, (\d+) cycles", r.stderr)
        check(m is not None, "-v reports the counts")
        run_insns, run_cycles = (int(m.group(1)), int(m.group(2))) if m else (-1, -1)

        costs, calls, summary, totals, lines_of = parse_callgrind(cg)
        check(summary == totals == (run_cycles, run_insns),
              f"summary {summary} and totals {totals} are the run's ({run_cycles}, {run_insns})")
        all_c = sum(excl(costs, f)[0] for f in costs)
        all_i = sum(excl(costs, f)[1] for f in costs)
        check((all_c, all_i) == totals, f"exclusive costs add up to the totals: {(all_c, all_i)}")

        # Exclusive instructions (profile_fw.S's comment).
        check(excl(costs, "leaf")[1] == 300, f"leaf: 30 x 10 instructions, got {excl(costs, 'leaf')}")
        check(excl(costs, "outer")[1] == 80, f"outer: 10 x 8, got {excl(costs, 'outer')}")
        check(excl(costs, "recurse")[1] == 5 * 8 + 2, f"recurse: 42, got {excl(costs, 'recurse')}")
        check(excl(costs, "trap_entry")[1] == 3 * 6 + 5, f"trap_entry: 23, got {excl(costs, 'trap_entry')}")
        # Calls, with inclusive costs.
        e = calls.get(("outer", "leaf"))
        check(e is not None and e[0] == 30 and e[4] == 300, f"outer -> leaf 30x, 300 insns: {e}")
        check(e is not None and e[3] == excl(costs, "leaf")[0], "outer -> leaf: leaf's cycles")
        e = calls.get(("_start", "outer"))
        check(e is not None and e[0] == 10 and e[4] == 380, f"_start -> outer 10x, 380: {e}")
        check(e is not None and e[3] == excl(costs, "outer")[0] + excl(costs, "leaf")[0],
              "_start -> outer: outer's and leaf's cycles")
        check(e is not None and e[1] == min(costs["outer"]), "calls= names outer's entry")
        e = calls.get(("_start", "recurse"))
        check(e is not None and e[0] == 1 and e[4] == 42, f"_start -> recurse 1x, 42: {e}")
        e = calls.get(("recurse", "recurse"))
        check(e is not None and e[0] == 5 and e[4] == 34 + 26 + 18 + 10 + 2,
              f"recurse -> recurse 5x, 90 insns over the nested calls: {e}")
        e = calls.get(("[exception ecall from M-mode]", "trap_entry"))
        check(e is not None and e[0] == 3 and e[4] == 18, f"ecall root: 3 entries, 18 insns: {e}")
        e = calls.get(("[interrupt machine timer]", "trap_entry"))
        check(e is not None and e[0] == 1 and e[4] == 5, f"timer root: 1 entry, 5 insns: {e}")
        check(not any(callee == "trap_entry" and caller in ("_start", "outer", "leaf")
                      for caller, callee in calls), "a handler is never charged to its caller")
        # Per instruction, default (simple) cycle model: leaf's bnez runs 120 times, 90
        # of them taken (1 cycle, +2 when taken).
        leaf_pcs = sorted(costs["leaf"])
        check(len(leaf_pcs) == 4, f"leaf has 4 instruction addresses: {leaf_pcs}")
        if len(leaf_pcs) == 4:
            check(costs["leaf"][leaf_pcs[2]] == (120 + 2 * 90, 120), f"bnez: {costs['leaf'][leaf_pcs[2]]}")
            check(costs["leaf"][leaf_pcs[3]] == (60, 30), f"ret: 30 x 2 cycles: {costs['leaf'][leaf_pcs[3]]}")

        # Source lines (profile_fw.S is assembled with -g): leaf's bnez is on the line
        # after its label "1:" in the source.
        src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "profile_fw.S")).read()
        bnez_line = src.splitlines().index("1:  addi t0, t0, -1") + 2
        if len(leaf_pcs) == 4:
            check(lines_of.get(leaf_pcs[2]) == bnez_line,
                  f"leaf's bnez is at profile_fw.S:{bnez_line}: {lines_of.get(leaf_pcs[2])}")

        # Folded stacks.
        stacks = {}
        with open(folded) as f:
            for line in f:
                path, _, n = line.rstrip("\n").rpartition(" ")
                stacks[path] = stacks.get(path, 0) + int(n)
        check(sum(stacks.values()) == run_cycles, "folded stacks add up to the run's cycles")
        check(stacks.get("_start;outer;leaf") == excl(costs, "leaf")[0], "folded _start;outer;leaf")
        check("_start;" + ";".join(["recurse"] * 6) in stacks, "folded: recursion 6 deep")
        check("[interrupt machine timer];trap_entry" in stacks, "folded: timer root")
        check("[exception ecall from M-mode];trap_entry" in stacks, "folded: ecall root")

        # callgrind_annotate reads it.
        ann = shutil.which("callgrind_annotate")
        check(ann is not None, "callgrind_annotate is installed (valgrind)")
        if ann:
            a = subprocess.run([ann, cg], capture_output=True, text=True, timeout=60)
            check(a.returncode == 0 and "WARNING" not in a.stderr, f"callgrind_annotate: {a.stderr}")
            tot = f"{run_cycles:,} (100.0%) {run_insns:,} (100.0%)  PROGRAM TOTALS"
            check(tot in a.stdout, f"callgrind_annotate totals: {tot!r}")
            check(re.search(r"^\s*510 \(\s*[\d.]+%\)\s+300 \(\s*[\d.]+%\)\s+\S+:leaf ", a.stdout, re.M)
                  is not None, "callgrind_annotate: leaf 510 cycles, 300 instructions")
            a = subprocess.run([ann, "--inclusive=yes", cg], capture_output=True, text=True, timeout=60)
            check(re.search(r"^\s*640 \(\s*[\d.]+%\)\s+380 \(\s*[\d.]+%\)\s+\S+:outer ", a.stdout, re.M)
                  is not None, "callgrind_annotate --inclusive=yes: outer 640 cycles, 380 insns")
            a = subprocess.run([ann, "--auto=yes", cg], capture_output=True, text=True, timeout=60)
            check(re.search(r"^\s*300 \(\s*[\d.]+%\)\s+120 \(\s*[\d.]+%\)\s+bnez t0, 1b$",
                            a.stdout, re.M) is not None,
                  "callgrind_annotate --auto=yes: leaf's bnez line, 300 cycles, 120 insns")
            a = subprocess.run([ann, "--tree=caller", cg], capture_output=True, text=True, timeout=60)
            check(re.search(r"< \S+:outer \(30x\)", a.stdout) is not None,
                  "callgrind_annotate --tree=caller: leaf called 30x from outer")
            check(re.search(r"< \S+:\[interrupt machine timer\] \(1x\)", a.stdout) is not None,
                  "callgrind_annotate --tree=caller: trap_entry from the timer root")

        # Recursion deeper than the frames kept: still adds up, and `after` is called from
        # _start, not from somewhere in the recursion.
        r = run(hartlab, "-v", "--profile", cg, f"--profile=folded:{folded}", deep)
        check(r.returncode == 0, f"deep: exit status {r.returncode}: {r.stderr}")
        m = re.search(r"after (\d+) instructions, (\d+) cycles", r.stderr)
        costs, calls, summary, totals, _ = parse_callgrind(cg)
        check(m is not None and totals == (int(m.group(2)), int(m.group(1))),
              f"deep: totals {totals} are the run's")
        check(excl(costs, "after")[1] == 1 + 2 * 100 + 1, f"deep: after: {excl(costs, 'after')}")
        check(calls.get(("_start", "after"), (0,))[0] == 1, "deep: _start -> after once")
        check(calls.get(("_start", "deep"), (0,))[0] == 1, "deep: _start -> deep once")
        with open(folded) as f:
            depth = max(line.rpartition(" ")[0].count(";") + 1 for line in f)
        check(depth == 1024, f"deep: folded stacks are at most 1024 frames deep: {depth}")

        # Bad arguments: exit status 2 before anything runs, the error on the first line.
        for arg, words in ((["--profile="], "names no file"),
                           (["--profile=folded:"], "names no file"),
                           (["--profile", os.path.join(tmp, "no", "such", "dir.cg")], "cannot write")):
            r = run(hartlab, *arg, elf)
            first = (r.stderr.splitlines() or [""])[0]
            check(r.returncode == 2 and first.startswith("hartlab: --profile: ") and words in first
                  and r.stdout == "",
                  f"{arg}: exit 2, the first line saying '{words}': {r.returncode} {r.stderr!r}")
    finally:
        shutil.rmtree(tmp)
    print(f"{0 if failures else 1} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
