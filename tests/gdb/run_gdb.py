#!/usr/bin/env python3
"""GDB tests (docs/design.md, testing tier 5): drive Debian's gdb-multiarch in batch mode against
`hartlab --gdb 127.0.0.1:0 -S` running tests/gdb/gdb_fw.c, and assert on what GDB prints.

Each scenario starts its own hartlab (port 0: the stub prints the port it got, so parallel
tests never collide) and one gdb-multiarch session:
  basics    target remote, break main, continue, next, step, backtrace (4 frames), finish,
            stepi (pc moves by one instruction), info registers (+ mstatus, mcause),
            p $fa0 (RV64GC only), monitor irq, kill
  watch     watch on a global stops at the line that writes it, with old and new value
  interrupt SIGINT to gdb while `continue` runs a loop -> the 0x03 interrupt -> SIGINT stop
  timer     breakpoint in the timer handler, backtrace through the trap frame back to the
            interrupted loop, monitor irq, monitor break-irq 7
  stepirq   stepi with a pending timer interrupt: held off by default, taken with
            `monitor step-irq on`
  load      load of a second image (EXIT_CODE=42), continue -> exits with 42 (gdb and
            hartlab's exit status)
  views     --trace=irq:FILE and --trace=frames:FILE under the debugger: the timer
            interrupts gdb continues through are in the irq trace, calls in the frames trace
  reverse-device  a watchpoint on a device register (CLINT mtimecmp), reverse-continue
            twice across it, forwards again: re-execution follows the log
  reverse   reverse execution (docs/gdb.md "Going backwards"): reverse-stepi then stepi
            returns to the same pc; reverse-continue with a watchpoint stops before the
            write with old/new values and the locals of that moment; reverse-finish returns
            to the call site; forward again reproduces the write; back across an interrupt's
            entry into the interrupted loop and forward into the handler again; a breakpoint
            in the timer handler hit backwards with the earlier tick count; the start of
            history ("No more reverse-execution history"), then forward to the exit

usage: run_gdb.py --hartlab H --elf FW.elf --elf2 FW42.elf --source gdb_fw.c [--isa ISA]
                  [--expect-fp] [--only NAME]
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time

GDB = os.environ.get("GDB", "gdb-multiarch")
failures = []


def marker_line(source, marker):
    with open(source) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise SystemExit(f"marker {marker} not in {source}")


class Hartlab:
    def __init__(self, args, elf, extra=()):
        cmd = [args.hartlab] + (["--isa", args.isa] if args.isa else []) + list(extra) + [
            "--gdb", "127.0.0.1:0", "-S", elf]
        self.p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        line = self.p.stderr.readline()
        m = re.search(r"listening on [\d.]+:(\d+)", line)
        if not m:
            self.p.kill()
            raise SystemExit(f"hartlab did not start its stub: {line!r}")
        self.port = int(m.group(1))
        self.err = []
        self.t = threading.Thread(target=lambda: self.err.extend(self.p.stderr), daemon=True)
        self.t.start()

    def wait(self, timeout=20):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def run_gdb(args, port, commands, sigint_after=None):
    """Run gdb-multiarch in batch mode; returns its combined output. With sigint_after=(text,
    count), send SIGINT once `text` has appeared `count` times (gdb then sends 0x03)."""
    cmd = [GDB, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
           "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        cmd += ["-ex", c]
    cmd.append(args.elf)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, bufsize=1)
    out = []
    t = threading.Thread(target=lambda: out.extend(p.stdout), daemon=True)
    t.start()
    deadline = time.time() + 60
    if sigint_after:
        text, count = sigint_after
        while time.time() < deadline and "".join(out).count(text) < count:
            time.sleep(0.05)
        time.sleep(1.0)  # the remaining commands run, then the loop
        p.send_signal(signal.SIGINT)
    try:
        p.wait(max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        out.append("\n<gdb timed out>\n")
    t.join(5)
    return "".join(out)


def check(name, cond, what, output):
    if cond:
        print(f"ok   {name}: {what}")
    else:
        print(f"FAIL {name}: {what}")
        failures.append(name)
        print("---- gdb output ----\n" + output + "--------------------")


def scenario(args, name, commands, asserts, sigint_after=None, elf=None, exit_status=0):
    h = Hartlab(args, elf or args.elf)
    try:
        out = run_gdb(args, h.port, commands, sigint_after)
        for what, pred in asserts:
            check(name, pred(out), what, out)
        rc = h.wait()
        check(name, rc == exit_status, f"hartlab exit status {rc} == {exit_status}",
              out + "".join(h.err))
        return out
    finally:
        h.stop()


def has(pattern):
    return lambda out: re.search(pattern, out, re.M) is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--elf2", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--isa")
    ap.add_argument("--expect-fp", action="store_true")
    ap.add_argument("--only")
    args = ap.parse_args()

    write_line = marker_line(args.source, "WRITE-LINE")
    loop_line = marker_line(args.source, "LOOP-LINE")
    # Interrupts are taken between blocks, and a block may start on the loop condition's
    # line as well as on the body's: either line means "in the running loop".
    in_loop = rf"(?:{marker_line(args.source, 'LOOP-COND-LINE')}|{loop_line})\b"
    handler_line = marker_line(args.source, "HANDLER-LINE")
    call_line = marker_line(args.source, "CALL-LINE")
    outer_line = marker_line(args.source, "OUTER-LINE")
    middle_line = marker_line(args.source, "MIDDLE-LINE")
    want = lambda n: args.only in (None, n)

    if args.isa and args.expect_fp:
        # Skip the FP check cleanly if this hartlab has no F/D yet.
        probe = subprocess.run([args.hartlab, "--isa", args.isa, "--max-insns", "1", args.elf],
                               capture_output=True, text=True)
        if "not supported" in probe.stderr:
            print(f"SKIP p $fa0: hartlab does not accept --isa {args.isa} yet")
            args.isa = None
            args.expect_fp = False

    if want("basics"):
        cmds = ["break main", "continue", "step", "break leaf", "continue", "backtrace",
                "finish", "next", "p/x $pc", "stepi", "p/x $pc", "info registers",
                "info registers mstatus mcause", "p $fa0", "monitor irq", "kill"]
        asserts = [
            ("target remote stops at _start", has(r"_start \(\) at .*gdb_start\.S")),
            ("break main / continue", has(r"Breakpoint 1, main \(\) at .*gdb_fw\.c")),
            ("step enters outer", has(rf"outer \(x=1\) at .*gdb_fw\.c:{outer_line}")),
            ("breakpoint in leaf", has(r"Breakpoint 2, leaf \(x=4\)")),
            ("backtrace frame 1 middle", has(rf"#1 .* middle \(x=3\) at .*:{middle_line}")),
            ("backtrace frame 2 outer", has(rf"#2 .* outer \(x=1\) at .*:{outer_line}")),
            ("backtrace frame 3 main", has(rf"#3 .* main \(\) at .*:{call_line}")),
            ("finish returns to middle with 13",
             has(rf"in middle \(x=3\) at .*:{middle_line}\n[\s\S]*Value returned is \$\d+ = 13")),
            ("next goes to the following line", has(rf"^{middle_line + 1}\s+return r \* 2;")),
            ("info registers shows ra, sp, pc", has(r"^ra\s+0x[0-9a-f]+[\s\S]*^sp\s+0x[\s\S]*^pc\s+0x")),
            ("info registers mstatus", has(r"^mstatus\s+0x[0-9a-f]+")),
            ("info registers mcause", has(r"^mcause\s+0x[0-9a-f]+")),
            ("monitor irq", has(r"hart 0 \(thread 1\): M-mode[\s\S]*mstatus 0x[0-9a-f]+: MIE=\d[\s\S]*CLINT: mtime \d+")),
            ("monitor irq shows the PLIC", has(r"PLIC: \d+ sources")),
            ("kill", has(r"\[Inferior 1 \(.*\) killed\]")),
        ]
        if args.expect_fp:
            asserts.append(("p $fa0 is 2.5", has(r"= \{float = .*, double = 2\.5\}")))
        else:
            print("SKIP p $fa0: this build's hart has no F/D (RV32IMAC or no --isa rv64gc)")
        out = scenario(args, "basics", cmds, asserts)
        pcs = [int(x, 16) for x in re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", out, re.M)]
        check("basics", len(pcs) == 2 and pcs[1] - pcs[0] in (2, 4),
              f"stepi moves the pc by one instruction ({[hex(p) for p in pcs]})", out)

    if want("watch"):
        scenario(args, "watch", ["watch watched", "continue", "kill"], [
            ("hardware watchpoint set", has(r"Hardware watchpoint 1: watched")),
            ("old and new value", has(r"Old value = 0\s+New value = 12")),
            ("stops in leaf at the writing line",
             has(rf"in leaf \(x=4\) at .*gdb_fw\.c:{write_line}\n{write_line}\s")),
        ])

    if want("interrupt"):
        scenario(args, "interrupt", ["break main", "continue", "set var forever = 1", "delete",
                                     "continue", "backtrace", "p loops > 0", "kill"], [
            ("SIGINT stop", has(r"Program received signal SIGINT, Interrupt\.")),
            ("stopped in the running loop", has(rf"#0\s+(0x[0-9a-f]+ in )?main \(\) at .*:{in_loop}")),
            ("the loop ran", has(r"^\$1 = 1$")),
        ], sigint_after=("Breakpoint 1, main", 1))

    if want("timer"):
        scenario(args, "timer", [
            "break timer_handler", "continue", "backtrace", "monitor irq", "delete",
            "monitor break-irq 7", "continue", "backtrace", "kill"], [
            ("breakpoint in the handler", has(rf"Breakpoint 1, timer_handler \(\) at .*:{handler_line}")),
            ("backtrace crosses the trap", has(r"#\d+\s+<signal handler called>")),
            ("interrupted loop visible", has(rf"#\d+\s+(0x[0-9a-f]+ in )?main \(\) at .*:{in_loop}")),
            ("monitor irq: MTI pending", has(r"pending: MTI")),
            ("monitor irq: mtimecmp", has(r"CLINT: mtime \d+, mtimecmp \d+")),
            ("break-irq set", has(r"break-irq: stopping on interrupt 7 \(machine timer interrupt\)")),
            ("break-irq stop reports the interrupted pc",
             has(r"hart 0 took interrupt 7 \(machine timer interrupt\) at pc 0x[0-9a-f]+")),
        ])

    if want("stepirq"):
        # Make the timer interrupt pending (mtimecmp = 0) while stopped in the loop.
        cmds = [f"break gdb_fw.c:{loop_line}", "continue", "delete",
                "set {unsigned int}0x2004004 = 0", "set {unsigned int}0x2004000 = 0",
                "monitor irq", "stepi", "info symbol $pc", "monitor step-irq on", "stepi",
                "info symbol $pc", "kill"]
        scenario(args, "stepirq", cmds, [
            ("interrupt pending and enabled", has(r"pending and enabled: MTI -> taken")),
            ("default: stepi stays in main", has(r"^main \+ \d+ in section \.text")),
            ("step-irq on", has(r"step-irq on: a single step may enter")),
            ("step-irq on: stepi enters the trap entry", has(r"^trap_entry in section \.text")),
        ])

    if want("reverse"):
        cmds = ["break leaf", "continue", "p/x $pc", "stepi", "p/x $pc", "reverse-stepi",
                "p/x $pc", "stepi", "p/x $pc", "delete",
                "watch watched", "continue", "reverse-continue", "p y", "p x",
                "reverse-finish", "continue", "p watched", "delete",
                "break trap_entry", "continue", "p/x $mcause", "reverse-stepi",
                "info symbol $pc", "stepi", "info symbol $pc", "delete",
                "break timer_handler", "continue", "continue", "p ticks", "reverse-continue",
                "p ticks", "delete", "monitor history", "reverse-continue", "info symbol $pc",
                "reverse-stepi", "continue"]
        out = scenario(args, "reverse", cmds, [
            ("watch: reverse-continue stops before the write, old and new value",
             has(r"Old value = 12\s+New value = 0\s+0x[0-9a-f]+ in leaf \(x=4\) at "
                 rf".*gdb_fw\.c:{write_line}")),
            ("locals of that moment: y = 12, x = 4", has(r"^\$\d+ = 12\n\$\d+ = 4$")),
            ("reverse-finish returns to the call site in middle",
             has(rf"^0x[0-9a-f]+ in middle \(x=3\) at .*gdb_fw\.c:{middle_line}\n")),
            ("forward again: the same write", has(r"Old value = 0\s+New value = 12[\s\S]*"
                                                  r"Old value = 12\s+New value = 0[\s\S]*"
                                                  r"Old value = 0\s+New value = 12")),
            ("reverse-stepi from the trap entry lands in the interrupted loop",
             has(r"Breakpoint \d+, <signal handler called>\n\$\d+ = 0x8[0-9a-f]*7\n"
                 r"[\s\S]*^main \+ \d+ in section \.text\n"
                 r"(?:.*\n)*?trap_entry in section \.text")),
            ("the handler hit backwards has the earlier tick count",
             has(r"^\$\d+ = 1\n[\s\S]*Breakpoint \d+, timer_handler[\s\S]*^\$\d+ = 0$")),
            ("monitor history", has(r"^history: steps \d+ to \d+ \(now at \d+, in the past\); "
                                    r"\d+ snapshots")),
            ("start of history", has(r"No more reverse-execution history\.\n"
                                     r"[\s\S]*_start in section \.text")),
            ("the run ends as it would have", has(r"exited normally")),
        ])
        pcs = [int(x, 16) for x in re.findall(r"^\$\d+ = (0x[0-9a-f]+)$", out, re.M)]
        check("reverse", len(pcs) >= 4 and pcs[0] == pcs[2] and pcs[1] == pcs[3] and
              pcs[0] != pcs[1],
              f"reverse-stepi then stepi: the same pcs ({[hex(p) for p in pcs[:4]]})", out)

    if want("reverse-device"):
        # A watchpoint on a device register (the CLINT's mtimecmp, low word): GDB reads the
        # register at every stop, and a debugger access to a device changes the past (a new
        # future starts there, docs/gdb.md). Going back from inside a turn must still find
        # the earlier writes, and re-execution must follow its log.
        cmds = ["watch *(unsigned int *)0x2004000", "continue", "continue", "continue",
                "p ticks", "reverse-continue", "p ticks", "reverse-continue", "p ticks",
                "x/2wx 0x2004000", "monitor history", "continue", "p ticks", "delete", "kill"]
        out = scenario(args, "reverse-device", cmds, [
            ("re-execution follows the log", lambda o: "did not reproduce" not in o),
            # The CLINT reads without effect (bus_peek), so looking at it keeps the future.
            ("reading the timer's registers in the past keeps the future",
             has(r"^history: steps \d+ to \d+ \(now at \d+, in the past\)")),
        ])
        ticks = [int(x) for x in re.findall(r"^\$\d+ = (\d+)$", out, re.M)]
        changes = [(int(a), int(b)) for a, b in
                   re.findall(r"Old value = (\d+)\s+New value = (\d+)", out)]
        check("reverse-device", len(changes) == 6 and changes[1][1] < changes[2][1] and
              changes[3] == changes[2][::-1] and changes[4] == changes[1][::-1] and
              changes[5] == changes[1],
              "three writes forwards, the last two undone backwards, the second again forwards "
              f"({changes})", out)
        check("reverse-device", len(ticks) == 4 and ticks[2] < ticks[0] and ticks[3] == ticks[2],
              f"the timer ticks go back with the writes ({ticks})", out)

    if want("load"):
        scenario(args, "load", ["break main", "continue", "delete", f"load {args.elf2}",
                                "continue"], [
            ("load", has(r"Loading section \.text")),
            ("the new image runs to its exit", has(r"exited with code 052")),
        ], exit_status=42)

    if want("views"):
        # The views watch a run the debugger drives just as a run without one.
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            irq, frames = os.path.join(tmp, "irq.txt"), os.path.join(tmp, "frames.txt")
            h = Hartlab(args, args.elf, ["--trace=irq:" + irq, "--trace=frames:" + frames])
            try:
                out = run_gdb(args, h.port, ["break timer_handler", "continue", "continue",
                                             "kill"])
                check("views", "Breakpoint 1, timer_handler" in out,
                      "the breakpoint in the handler is hit twice", out)
                h.wait()
            finally:
                h.stop()
            with open(irq) as f:
                itext = f.read()
            with open(frames) as f:
                ftext = f.read()
            check("views", len(re.findall(r"trap +machine timer .* -> trap_entry", itext)) >= 2,
                  "--trace=irq under --gdb shows the timer interrupts", itext)
            check("views", re.search(r"timer_handler", ftext) is not None,
                  "--trace=frames under --gdb shows the handler's calls", ftext[:2000])

    if failures:
        print(f"{len(failures)} check(s) failed: {sorted(set(failures))}")
        return 1
    print("all gdb checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
