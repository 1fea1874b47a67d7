#!/usr/bin/env python3
"""Run firmware on hartlab (and QEMU) and check what it prints and how it exits.

Testing tier 4 of docs/design.md. Three commands, each one meson test:

  expect   run an ELF on hartlab; stdout must equal EXPECTED.out and the exit status the
           number in EXPECTED.status (--update rewrites both from the run).
  repeat   as expect, run --runs times: every run's stdout and exit status must be
           byte-identical (docs/design.md, decision 4: virtual time, cycle stamps included).
  qemu     run an ELF on hartlab and on qemu-system-riscvNN (virt with semihosting, or
           with --uart its NS16550A on stdio; or spike for HTIF); stdout and exit status
           must be identical. With --count, also the number of instructions: the one
           hartlab's -v reports when the run ends, and the one QEMU executes from the ELF's
           entry on (one TB per instruction, each logged by -d exec,nochain; QEMU's reset
           vector in its boot ROM at 0x1000 is left out). Exits 77 (meson: skipped) without
           QEMU.
  semihost prepare a --semihost-root directory, run tests/firmware/semihost_files.c with
           and without the root, and check its report, its exit status, the files it wrote
           and that nothing was created outside the root.

The ELF runs with its directory as working directory and is named by its basename, so the
program name the firmware sees through SYS_GET_CMDLINE is the same on every machine (and on
both simulators: QEMU passes the -kernel path followed by -append).

--stdin TEXT feeds TEXT (with Python escapes such as \\n decoded) to the simulator's
standard input, which is the UART's host side; otherwise stdin is /dev/null.
--no-guest-errors fails a run whose stderr reports a guest error: the samples are correct
firmware, so a guest error there is a simulator bug.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60  # seconds; the samples need well under one
MAX_INSNS = "50000000"


def run(cmd, cwd, stdin=None):
    try:
        if stdin is None:
            p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=TIMEOUT)
        else:
            p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True,
                               timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: timed out after {TIMEOUT} s: {' '.join(cmd)}")
    return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode


def hartlab_cmd(args, elf, extra=()):
    cmd = [os.path.abspath(args.hartlab), "--max-insns", MAX_INSNS, *extra,
           os.path.basename(elf)]
    if args.guest_args:
        cmd += ["--", *args.guest_args]
    return cmd


def diff(name_a, a, name_b, b):
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), name_a,
                                        name_b))


def report_run(label, cmd, out, err, status):
    print(f"--- {label}: {' '.join(cmd)}\n--- exit status {status}\n--- stdout:\n{out}"
          f"--- stderr:\n{err}")


def stdin_bytes(args):
    if args.stdin is None:
        return None
    return args.stdin.encode().decode("unicode_escape").encode("latin-1")


def guest_errors_ok(args, err):
    if args.no_guest_errors and "guest error" in err:
        print("FAIL: hartlab reported a guest error for correct firmware (see stderr above)")
        return False
    return True


def cmd_expect(args):
    elf = os.path.abspath(args.elf)
    cmd = hartlab_cmd(args, elf, args.hartlab_arg or ())
    out, err, status = run(cmd, os.path.dirname(elf), stdin_bytes(args))
    report_run("hartlab", cmd, out, err, status)
    return check_expected(args, out, err, status)


def check_expected(args, out, err, status):
    if args.update:
        with open(args.expected + ".out", "w") as f:
            f.write(out)
        with open(args.expected + ".status", "w") as f:
            f.write(f"{status}\n")
        print(f"updated {args.expected}.out/.status")
        return 0
    with open(args.expected + ".out") as f:
        want_out = f.read()
    with open(args.expected + ".status") as f:
        want_status = int(f.read().strip())
    ok = True
    if out != want_out:
        print("FAIL: stdout differs from the expected output:\n"
              + diff(args.expected + ".out", want_out, "hartlab stdout", out))
        ok = False
    if status != want_status:
        print(f"FAIL: exit status {status}, expected {want_status}")
        ok = False
    ok &= guest_errors_ok(args, err)
    return 0 if ok else 1


def cmd_repeat(args):
    elf = os.path.abspath(args.elf)
    cmd = hartlab_cmd(args, elf, args.hartlab_arg or ())
    runs = []
    for k in range(args.runs):
        runs.append(run(cmd, os.path.dirname(elf), stdin_bytes(args)))
    out, err, status = runs[0]
    report_run(f"hartlab, run 1 of {args.runs}", cmd, out, err, status)
    ok = True
    for k, (o, e, st) in enumerate(runs[1:], 2):
        if o != out:
            print(f"FAIL: run {k} printed something else than run 1:\n"
                  + diff("run 1", out, f"run {k}", o))
            ok = False
        if st != status:
            print(f"FAIL: run {k} exited with {st}, run 1 with {status}")
            ok = False
    if ok:
        print(f"all {args.runs} runs printed the same {len(out)} bytes and exited {status}")
    if args.expected and check_expected(args, out, err, status) != 0:
        ok = False
    return 0 if ok else 1


def cmd_qemu(args):
    if not args.qemu or not shutil.which(args.qemu):
        print("qemu not available: skipped")
        return 77
    elf = os.path.abspath(args.elf)
    cwd = os.path.dirname(elf)
    hcmd = hartlab_cmd(args, elf, args.hartlab_arg or ())
    qcmd = [args.qemu, "-machine", args.machine, "-bios", "none", "-display", "none",
            "-monitor", "none"]
    if args.uart:
        # The firmware prints through virt's NS16550A: the first serial port.
        qcmd += ["-serial", "stdio"]
    elif args.machine == "spike":
        # HTIF's console is the first serial port there.
        qcmd += ["-serial", "stdio"]
    else:
        # Semihosting console output goes to a chardev on stdout (without one QEMU writes
        # it to stderr); no serial port or monitor, so stdout holds nothing else.
        qcmd += ["-serial", "none", "-chardev", "stdio,id=sh0", "-semihosting-config",
                 "enable=on,target=native,chardev=sh0"]
    qcmd += ["-kernel", os.path.basename(elf)]
    if args.cpu:
        qcmd += ["-cpu", args.cpu]
    if args.guest_args:
        qcmd += ["-append", " ".join(args.guest_args)]
    tmp = tempfile.TemporaryDirectory(prefix="hartlab-count-")
    qlog = os.path.join(tmp.name, "exec.log")
    if args.count:
        hcmd.insert(1, "-v")
        qcmd += ["-singlestep", "-d", "exec,nochain", "-D", qlog]
    hout, herr, hstatus = run(hcmd, cwd, stdin_bytes(args))
    qout, qerr, qstatus = run(qcmd, cwd, stdin_bytes(args))
    report_run("hartlab", hcmd, hout, herr, hstatus)
    report_run("qemu", qcmd, qout, qerr, qstatus)
    ok = True
    if args.count:
        m = re.search(r"exit code -?\d+ after (\d+) instructions", herr)
        hcount = int(m.group(1)) if m else None
        qcount = 0
        with open(qlog, errors="replace") as f:
            for line in f:
                # "Trace 0: HOSTPTR [FLAGS/PC/...]": one executed TB, here one instruction.
                t = re.match(r"Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/", line)
                if t and not 0x1000 <= int(t.group(1), 16) < 0x2000:
                    qcount += 1
        tmp.cleanup()
        print(f"--- instructions: hartlab {hcount}, qemu {qcount}")
        if hcount != qcount:
            print(f"FAIL: hartlab -v reports {hcount} instructions, QEMU executed {qcount}")
            ok = False
    if hout != qout:
        print("FAIL: stdout differs between QEMU and hartlab:\n"
              + diff("qemu", qout, "hartlab", hout))
        ok = False
    if hstatus != qstatus:
        print(f"FAIL: exit status: hartlab {hstatus}, qemu {qstatus}")
        ok = False
    if not hout and not args.allow_empty:
        print("FAIL: the firmware printed nothing")
        ok = False
    ok &= guest_errors_ok(args, herr)
    return 0 if ok else 1


def check_file(path, want):
    try:
        with open(path) as f:
            got = f.read()
    except OSError as e:
        print(f"FAIL: {path}: {e}")
        return False
    if got != want:
        print(f"FAIL: {path} holds {got!r}, expected {want!r}")
        return False
    return True


def cmd_semihost(args):
    elf = os.path.abspath(args.elf)
    ok = True
    with tempfile.TemporaryDirectory(prefix="hartlab-semihost-") as tmp:
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "sub"))
        with open(os.path.join(root, "inside.txt"), "w") as f:
            f.write("hello from inside the root\n")
        outside = os.path.join(tmp, "outside.txt")
        with open(outside, "w") as f:
            f.write("secret\n")
        os.symlink("../outside.txt", os.path.join(root, "link.txt"))

        for mode, extra in (("root", ["--semihost-root", root]), ("noroot", [])):
            args.guest_args = [mode, outside]
            cmd = hartlab_cmd(args, elf, extra)
            out, err, status = run(cmd, os.path.dirname(elf))
            report_run(f"hartlab ({mode})", cmd, out, err, status)
            expected = os.path.join(args.expected, f"semihost_files-{mode}.out")
            if args.update:
                with open(expected, "w") as f:
                    f.write(out)
                continue
            with open(expected) as f:
                want = f.read()
            if out != want:
                print(f"FAIL ({mode}): stdout differs:\n" + diff(expected, want, "stdout", out))
                ok = False
            if status != 0:
                print(f"FAIL ({mode}): exit status {status} (the number of failed checks)")
                ok = False
            if "via :tt a\n" not in err:
                print(f"FAIL ({mode}): ':tt' opened for appending did not reach stderr")
                ok = False
            if mode == "noroot" and "--semihost-root" not in err:
                print("FAIL (noroot): no note on stderr about --semihost-root")
                ok = False
        ok &= check_file(os.path.join(root, "sub", "new.txt"),
                         "written by firmware\nappended\n")
        ok &= check_file(outside, "secret\n")
        for stray in ("escape.txt",):
            if os.path.exists(os.path.join(tmp, stray)):
                print(f"FAIL: the firmware created {stray} outside the root")
                ok = False
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(usage="%(prog)s COMMAND OPTIONS [-- GUEST ARGS]",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["expect", "repeat", "qemu", "semihost"])
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--expected", help="expect: path without .out/.status; semihost: dir")
    ap.add_argument("--qemu")
    ap.add_argument("--machine", default="virt", choices=["virt", "spike"],
                    help="qemu: the QEMU board (spike for HTIF)")
    ap.add_argument("--count", action="store_true",
                    help="qemu: also compare the instruction counts")
    ap.add_argument("--allow-empty", action="store_true",
                    help="qemu: the firmware reports through its exit status only")
    ap.add_argument("--cpu", help="QEMU -cpu, to give it the ISA hartlab has")
    ap.add_argument("--hartlab-arg", action="append", help="extra hartlab option")
    ap.add_argument("--uart", action="store_true",
                    help="qemu: the firmware uses virt's UART, not semihosting")
    ap.add_argument("--stdin", help="text for the simulator's stdin (escapes decoded)")
    ap.add_argument("--runs", type=int, default=10, help="repeat: how many runs")
    ap.add_argument("--no-guest-errors", action="store_true",
                    help="fail if hartlab logs a guest error")
    ap.add_argument("--update", action="store_true", help="rewrite the expected files")
    # Everything after the first "--" is the firmware's own argv.
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = ap.parse_args(argv[:split])
    args.guest_args = argv[split + 1:]
    commands = {"expect": cmd_expect, "repeat": cmd_repeat, "qemu": cmd_qemu,
                "semihost": cmd_semihost}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
