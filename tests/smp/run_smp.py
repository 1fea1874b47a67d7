#!/usr/bin/env python3
"""Tests of hartlab's multi-hart machines (meson suite `smp`), run as a user would.

  qemu     run an ELF with --smp N on hartlab and with -smp N on QEMU's virt (UART on
           stdio); stdout and exit status must be identical, and stdout must equal the
           expected file if one is given (exit 77 = skipped without QEMU).
  expect   run an ELF on hartlab with -v and the given options; stdout, exit status and the
           -v report's exit and per-hart lines must equal EXPECTED.out / EXPECTED.status /
           EXPECTED.v (--update rewrites them).
  repeat   run twice with -v, --trace=irq and --trace=amo: every output byte-identical.
  modes    the same run with the translation tier off, on, and translating every block on
           its first run (core/jit.h): -v counts, output, status and traces byte-identical,
           and the tier must have translated blocks where the host has one.
  amo      --trace=amo against the counter sample's own report: for every hart, as many
           failed SCs in the trace as the sample counted (and as -v reports), and each failed
           SC preceded by that hart's reservation being broken by another hart's store (the
           trace names that hart).
  cli      --smp on the command line: the harts the firmware finds in its device tree (the
           counter sample prints them), a user's .dts with two cpu nodes, and every request
           the board cannot hold or that is not a number of harts: one line, exit status 2.

Usage: run_smp.py CMD --hartlab PATH --elf ELF [options] [-- hartlab options]
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

TIMEOUT = 120


def run(cmd, cwd=None, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"FAIL: timed out after {timeout} s: {' '.join(cmd)}")
        sys.exit(1)
    return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode


def diff(a_name, a, b_name, b):
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), a_name, b_name))


def cmd_qemu(args):
    if not args.qemu or not os.path.exists(args.qemu):
        print("SKIP: QEMU not available")
        return 77
    elf = os.path.abspath(args.elf)
    hcmd = [args.hartlab, "--smp", str(args.smp), "--max-cycles", "2000000000"] + args.rest + [elf]
    qcmd = [args.qemu, "-machine", "virt", "-smp", str(args.smp), "-bios", "none", "-display",
            "none", "-monitor", "none", "-serial", "stdio", "-kernel", elf]
    hout, herr, hst = run(hcmd)
    qout, qerr, qst = run(qcmd)
    print(f"hartlab (status {hst}):\n{hout}{herr}")
    print(f"qemu (status {qst}):\n{qout}{qerr}")
    ok = True
    if hout != qout:
        print("FAIL: stdout differs:\n" + diff("qemu", qout, "hartlab", hout))
        ok = False
    if hst != qst:
        print(f"FAIL: exit status hartlab {hst}, qemu {qst}")
        ok = False
    if args.expected:
        with open(args.expected + ".out") as f:
            want = f.read()
        if hout != want:
            print("FAIL: stdout differs from the expected:\n" + diff("expected", want, "hartlab", hout))
            ok = False
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


def hart_report(err):
    """-v's exit line and its per-hart lines (instructions, cycles, traps, failed SCs, pc)."""
    return "".join(ln for ln in err.splitlines(True)
                   if ln.startswith("hartlab: hart ") or " exit code " in ln)


def cmd_expect(args):
    elf = os.path.abspath(args.elf)
    hcmd = [args.hartlab, "-v", "--max-cycles", "2000000000"] + args.rest + [elf]
    out, err, st = run(hcmd)
    print(f"{' '.join(hcmd)} (status {st}):\n{out}{err}")
    report = hart_report(err)
    if args.update:
        with open(args.expected + ".out", "w") as f:
            f.write(out)
        with open(args.expected + ".status", "w") as f:
            f.write(f"{st}\n")
        with open(args.expected + ".v", "w") as f:
            f.write(report)
        print("updated")
        return 0
    with open(args.expected + ".out") as f:
        want = f.read()
    with open(args.expected + ".status") as f:
        want_st = int(f.read())
    ok = True
    if out != want:
        print("FAIL: stdout differs:\n" + diff("expected", want, "hartlab", out))
        ok = False
    if st != want_st:
        print(f"FAIL: exit status {st}, expected {want_st}")
        ok = False
    if os.path.exists(args.expected + ".v"):
        with open(args.expected + ".v") as f:
            want_v = f.read()
        if report != want_v:
            print("FAIL: the -v report (per-hart counts) differs:\n"
                  + diff("expected", want_v, "hartlab", report))
            ok = False
    if "guest error" in err:
        print("FAIL: a guest error was reported")
        ok = False
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


def cmd_repeat(args):
    elf = os.path.abspath(args.elf)
    outs = []
    with tempfile.TemporaryDirectory() as d:
        for k in range(2):
            irq, amo = os.path.join(d, f"irq{k}"), os.path.join(d, f"amo{k}")
            hcmd = [args.hartlab, "-v", "--max-cycles", "2000000000", f"--trace=irq:{irq}",
                    f"--trace=amo:{amo}"] + args.rest + [elf]
            out, err, st = run(hcmd)
            with open(irq) as f:
                irq_text = f.read()
            with open(amo) as f:
                amo_text = f.read()
            outs.append((out, err, st, irq_text, amo_text))
            print(f"run {k}: status {st}, {len(out)} bytes out, {len(err)} bytes of -v, "
                  f"{irq_text.count(chr(10))} irq lines, {amo_text.count(chr(10))} amo lines")
    a, b = outs
    ok = True
    for i, what in enumerate(("stdout", "-v report", "status", "--trace=irq", "--trace=amo")):
        if a[i] != b[i]:
            print(f"FAIL: {what} differs between two runs")
            ok = False
    if not a[1].count("hart ") or not a[4]:
        print("FAIL: no per-hart -v report or no --trace=amo lines")
        ok = False
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


JIT_MODES = (("off", ["--jit=off"]), ("on", ["--jit=on"]),
             ("eager", ["--jit=on", "--jit-threshold=1"]))


def cmd_modes(args):
    elf = os.path.abspath(args.elf)
    outs = []
    with tempfile.TemporaryDirectory() as d:
        for name, opts in JIT_MODES:
            irq, amo = os.path.join(d, f"irq-{name}"), os.path.join(d, f"amo-{name}")
            hcmd = [args.hartlab, "-v", "--max-cycles", "2000000000", f"--trace=irq:{irq}",
                    f"--trace=amo:{amo}"] + opts + args.rest + [elf]
            out, err, st = run(hcmd)
            with open(irq) as f:
                irq_text = f.read()
            with open(amo) as f:
                amo_text = f.read()
            outs.append((out, err, st, irq_text, amo_text))
            print(f"--jit {name}: status {st}, {len(out)} bytes out, "
                  f"{irq_text.count(chr(10))} irq lines, {amo_text.count(chr(10))} amo lines")
            print("  " + "\n  ".join(l for l in err.splitlines() if "instructions" in l))
        # What the tier did in the eager mode (--jit-stats is not part of the run's output).
        _, stats, _ = run([args.hartlab, "--jit=on", "--jit-threshold=1", "--jit-stats",
                           "--max-cycles", "2000000000"] + args.rest + [elf])
    ok = True
    for k in (1, 2):
        for i, what in enumerate(("stdout", "-v report", "status", "--trace=irq", "--trace=amo")):
            if outs[0][i] != outs[k][i]:
                print(f"FAIL: {what} differs between --jit off and {JIT_MODES[k][0]}:\n"
                      + diff("off", str(outs[0][i]), JIT_MODES[k][0], str(outs[k][i])))
                ok = False
    translated = [l for l in stats.splitlines() if "blocks translated" in l]
    print("\n".join(translated) or "(no translation tier on this host)")
    if translated and translated[0].split("jit: ")[1].startswith("0 blocks"):
        print("FAIL: the eager run translated nothing")
        ok = False
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


def cmd_amo(args):
    elf = os.path.abspath(args.elf)
    with tempfile.TemporaryDirectory() as d:
        amo = os.path.join(d, "amo")
        hcmd = [args.hartlab, "-v", "--max-cycles", "2000000000", f"--trace=amo:{amo}"] + \
            args.rest + [elf]
        out, err, st = run(hcmd)
        with open(amo) as f:
            trace = f.read()
    print(f"{' '.join(hcmd)} (status {st}):\n{out}{err}")
    counted = {int(h): int(n) for h, n in re.findall(r"^hart (\d+): (\d+) failed SCs", out, re.M)}
    reported = {int(h): int(n)
                for h, n in re.findall(r"hartlab: hart (\d+): .* (\d+) failed SCs", err)}
    failed, broken, unexplained = {}, {}, []
    pending = {}  # hart -> the hart whose store broke its reservation since its last SC
    for ln in trace.splitlines():
        m = re.match(r"^ *\d+ hart (\d+) (\S+) +([0-9a-f]+) +(.*)$", ln)
        if not m:
            continue
        h, what, rest = int(m.group(1)), m.group(2), m.group(4)
        if what == "lost":
            by = re.match(r"reservation broken by hart (\d+)'s store$", rest)
            if by:
                pending[h] = int(by.group(1))
        elif what.startswith("sc."):
            if rest == "failed":
                failed[h] = failed.get(h, 0) + 1
                if h not in pending or pending[h] == h:
                    unexplained.append(ln)
                else:
                    broken[h] = broken.get(h, 0) + 1
            pending.pop(h, None)
    print(f"failed SCs: sample {counted}, -v {reported}, trace {failed}")
    ok = st == 0 and counted and sum(counted.values()) > 0
    if not ok:
        print("FAIL: the run did not pass, or no SC failed (nothing to check)")
    for h in counted:
        if failed.get(h, 0) != counted[h] or reported.get(h) != counted[h]:
            print(f"FAIL: hart {h}: the sample counted {counted[h]} failed SCs, -v "
                  f"{reported.get(h)}, the trace {failed.get(h, 0)}")
            ok = False
    if unexplained:
        print("FAIL: failed SCs without another hart's store breaking the reservation:\n"
              + "\n".join(unexplained[:10]))
        ok = False
    print("PASS" if ok else "FAILED")
    return 0 if ok else 1


def cmd_cli(args):
    elf = os.path.abspath(args.elf)
    failures = []

    def check(name, cond, detail=""):
        print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
        if not cond:
            failures.append(name)

    def harts_line(out):
        first = out.splitlines()[0] if out else ""
        return first

    for opts, n in ((["--smp", "3"], 3), (["--smp", "cpus=5"], 5), (["--smp=8"], 8), ([], 1)):
        out, err, st = run([args.hartlab] + opts + [elf])
        check(f"{' '.join(opts) or 'no --smp'}: the tree has {n} cpu node(s)",
              st == 0 and harts_line(out).startswith(f"counter: {n} hart"), out + err)
    out, err, st = run([args.hartlab, "--board", args.dts, elf])
    check("a .dts with two cpu nodes gives two harts",
          st == 0 and harts_line(out).startswith("counter: 2 harts"), out + err)
    out, err, st = run([args.hartlab, "--board", args.dts, "--smp", "2", elf])
    check("--smp 2 on that .dts is accepted", st == 0, out + err)
    bad = [
        (["--smp", "0"], "--smp: '0'"),
        (["--smp", "9"], "--smp: '9'"),
        (["--smp", "two"], "--smp: 'two'"),
        (["--smp", "4,sockets=2"], "--smp: '4,sockets=2'"),
        (["--quantum", "0"], "--quantum: '0'"),
        (["--quantum", "fast"], "--quantum: 'fast'"),
        (["--board", args.dts, "--smp", "3"], "this board has 2 harts"),
        (["--board", "mcu", "--smp", "2"], "this board has 1 hart"),
    ]
    for opts, needle in bad:
        out, err, st = run([args.hartlab] + opts + [elf])
        first = err.splitlines()[0] if err else ""
        check(f"{' '.join(opts)}: exit 2, one line naming it",
              st == 2 and needle in first and "Traceback" not in err and not out, err)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


def main():
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        i = argv.index("--")
        argv, rest = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=("qemu", "expect", "repeat", "modes", "amo", "cli"))
    ap.add_argument("--dts", help="cli: a board .dts with two cpu nodes")
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--qemu")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--expected")
    ap.add_argument("--update", action="store_true")
    args = ap.parse_args(argv)
    args.rest = rest
    return {"qemu": cmd_qemu, "expect": cmd_expect, "repeat": cmd_repeat, "modes": cmd_modes,
            "amo": cmd_amo, "cli": cmd_cli}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
