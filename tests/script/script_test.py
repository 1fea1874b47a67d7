#!/usr/bin/env python3
"""Tests of hartlab's CI testing (issue 16): the --script language, verdicts and failure
lines, JUnit reports, the parallel runner (`hartlab test`, --test-list), record and replay,
and the CI examples and lab sheets of docs/ that use them.

usage: script_test.py CASE --hartlab H --samples DIR --two-uarts ELF --board DTS
                      --source SRCDIR
Cases: parse-errors keywords timeouts junit runner samples record-replay replay-gdb
       replay-panel ci-examples labs. Each check prints one line; the last line is
       'N passed, M failed'. Exit 77 (skipped) when a case needs a tool that is missing.
"""
import argparse
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

results = []
A = None  # the arguments
TMP = None


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f"\n     {detail}"))
    return cond


def run(args, stdin=None, timeout=120, cwd=None):
    p = subprocess.run([A.hartlab] + args, input=stdin if stdin is not None else None,
                       stdin=None if stdin is not None else subprocess.DEVNULL,
                       capture_output=True, timeout=timeout, cwd=cwd)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def sample(name):
    return os.path.join(A.samples, name)


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def skip(msg):
    print("SKIP:", msg)
    sys.exit(77)


# ---- parse errors -------------------------------------------------------------------

def case_parse_errors():
    elf = sample("uart_echo-rv64.elf")
    bad = write("bad.script", "\n".join([
        '# every line below but the comments and the good ones has an error',
        'wiat "hello"',                       # 2 unknown keyword (with a suggestion)
        'wait /(ab/',                         # 3 bad regex
        'send "unterminated',                 # 4 unterminated string
        'wait "ok"   # a good line',          # 5
        'wait "bad \\q escape"',              # 6 unknown escape
        'wait "x" within 5Q',                 # 7 bad number
        'gpio 9 sideways',                    # 8 bad level
        'frobnicate 12',                      # 9 unknown keyword, no suggestion
        'wait /*a/',                          # 10 bad regex (nothing to repeat)
        'wait /[z-a]/',                       # 11 bad regex (range backwards)
        'exit 300',                           # 12 status out of range
        'timeout run 0',                      # 13
        'wait "x" within',                    # 14 missing cycles
        'uart semihost',                      # 15 good
        'send "to semihosting"',              # 16 cannot send there
        'exit 0',                             # 17 good
        'wait "after exit"',                  # 18 nothing can follow exit
    ]) + "\n")
    rc, out, err = run(["--script", bad, elf])
    check("a script with errors exits 2", rc == 2, f"exit {rc}")
    check("nothing ran (no firmware output on stdout)", out == "", out)
    want = {
        2: "unknown keyword 'wiat' (did you mean 'wait'?)",
        3: "bad regex /(ab/: missing ')'",
        4: 'unterminated string: the closing " is missing',
        6: "unknown escape \\q",
        7: "'5Q' is not a cycle count",
        8: "gpio 9 needs high, low or release",
        9: "unknown keyword 'frobnicate'",
        10: "bad regex /*a/: nothing to repeat before '*'",
        11: "bad regex /[z-a]/: a range goes backwards",
        12: "exit needs the firmware's exit status, a number from 0 to 255",
        13: "timeout run 0",
        14: "within needs a cycle count",
        16: "the semihosting console takes no input",
        18: "nothing can follow 'exit' (line 17)",
    }
    lines = err.splitlines()
    for line, text in want.items():
        prefix = f"{bad}:{line}: "
        hit = [l for l in lines if l.startswith(prefix)]
        check(f"line {line} reported as FILE:LINE: {text}",
              len(hit) == 1 and text in hit[0], "\n".join(lines))
    check("exactly one line per error, no others", len(lines) == len(want), "\n".join(lines))

    # The three the issue names, each alone: exit 2 with file:line.
    for name, text, needle in (
            ("unknown keyword", 'wait "a"\nbogus 1\n', ":2: unknown keyword 'bogus'"),
            ("bad regex", 'wait /a(b|c/\n', ":1: bad regex /a(b|c/: missing ')'"),
            ("unterminated string", 'wait "a\nwait "b"\n', ":1: unterminated string")):
        path = write(name.replace(" ", "_") + ".script", text)
        rc, out, err = run(["--script", path, elf])
        check(f"{name}: exit 2 and '{needle}'", rc == 2 and (path + needle) in err and out == "",
              f"exit {rc}: {err}")

    path = write("empty.script", "# nothing but a comment\n\n")
    rc, out, err = run(["--script", path, elf])
    check("a script with no steps is an error", rc == 2 and "has no steps" in err, err)
    path = write("nul.script", 'wait "a"\nwait "b\0"\n')
    rc, out, err = run(["--script", path, elf])
    check("a NUL byte is reported on its line", rc == 2 and f"{path}:2: contains a NUL" in err,
          err)
    rc, out, err = run(["--script", os.path.join(TMP, "missing.script"), elf])
    check("a missing script is one line and exit 2",
          rc == 2 and "missing.script: cannot read the script" in err and
          len(err.splitlines()) == 1, err)
    # Board checks come before the run too: a pin or UART the board does not have.
    path = write("pins.script", 'gpio BTN9 low\n')
    rc, out, err = run(["--script", path, sample("button-rv32.elf")])
    check("an unknown pin name: exit 2, the names the board has",
          rc == 2 and f"{path}:1: gpio BTN9 low: no LED or button 'BTN9'" in err and
          "BTN0" in err and out == "", err)
    path = write("uart5.script", 'uart 5\nwait "x"\n')
    rc, out, err = run(["--script", path, elf])
    check("a UART the board does not have: exit 2", rc == 2 and f"{path}:2:" in err and
          "this board has 1 UART" in err, err)
    rc, out, err = run(["--junit", os.path.join(TMP, "j.xml"), elf])
    check("--junit without --script is a usage error", rc == 2 and "--junit" in err, err)


# ---- every keyword -------------------------------------------------------------------

def verbose_passes(err):
    """{line: cycle} from -v's 'FILE:LINE: STEP: passed at cycle N' lines."""
    return {int(m.group(1)): int(m.group(2))
            for m in re.finditer(r"\.script:(\d+): .*: passed at cycle (\d+)", err)}


def case_keywords():
    # wait "TEXT" with escapes and comments, wait /REGEX/ with ^ $ and /i, exit N.
    path = write("uart_hello.script", "\n".join([
        "# a comment line",
        'wait "Hello from the \\x55ART!\\n"   # \\x55 is U',
        "wait /^polled ns16550a AT 0x[0-9a-f]+, rv64, hart 0$/i",
        "exit 0",
    ]) + "\n")
    rc, out, err = run(["--script", path, sample("uart_hello-rv64.elf")])
    check("wait text with escapes, regex with ^ $ /i, exit 0", rc == 0, err)

    # send at the line's rate; the echo comes back.
    path = write("echo.script", 'wait "quits\\n"\nsend "hi\\n"\nwait "hi\\n"\nsend "q"\n'
                 'wait /bye after 4 characters/\nexit 0\n')
    rc, out, err = run(["--script", path, sample("uart_echo-rv32.elf")])
    check("send: bytes reach the receiver and are echoed", rc == 0 and "hi\nq\nbye" in out,
          out + err)

    # exit N: the status the firmware ends with (args returns 3).
    path = write("args.script", 'wait "argc = 3"\nexit 3\n')
    rc, out, err = run(["--script", path, sample("args-rv64.elf"), "--", "x"])
    check("exit 3 passes when the firmware exits 3", rc == 0, err)
    path = write("args0.script", 'exit 0\n')
    rc, out, err = run(["--script", path, sample("args-rv64.elf")])
    check("exit 0 fails when the firmware exits 3",
          rc == 1 and f"{path}:1: exit 0: the firmware exited with status 3" in err, err)

    # uart semihost: semihosting console output is a stream; the console has it too.
    path = write("hello.script", 'uart semihost\nwait "Hello from hartlab"\nuart console\n'
                 'wait /running on hart 0/\nexit 0\n')
    rc, out, err = run(["--script", path, sample("hello-rv32.elf")])
    check("uart semihost / uart console: semihosting output can be waited on", rc == 0, err)
    path = write("hello_uart0.script", 'uart 0\nwait "Hello from hartlab" within 1M\n')
    rc, out, err = run(["--script", path, sample("hello-rv32.elf")])
    check("semihosting output is not on uart 0",
          rc == 1 and "the firmware exited with status 0" in err, err)

    # uart N on a board with two UARTs: waits and sends go to the UART picked.
    path = write("two.script", 'wait "zero\\n"\nuart 1\nwait "one\\n"\nsend "x"\n'
                 'wait "got x\\n"\nuart console\nwait "done\\n"\nexit 0\n')
    rc, out, err = run(["--board", A.board, "--script", path, A.two_uarts])
    check("uart 1: wait and send on the second UART", rc == 0 and out == "zero\ndone\n",
          out + err)
    path = write("two_wrong.script", 'wait "one\\n" within 2M\n')
    rc, out, err = run(["--board", A.board, "--script", path, A.two_uarts])
    check("uart 1's output is not on the console", rc == 1 and "not seen within 2000000" in err,
          err)

    # gpio by name and number, expect gpio with and without within, at, after.
    path = write("button.script", "\n".join([
        'wait "buttons read high/high (pulled up)\\n"',   # 1
        "expect gpio green low",                          # 2
        "expect gpio 9 high",                             # 3 (BTN0, pulled up)
        "at 2M gpio BTN0 low",                            # 4
        "after 500K gpio 9 release",                      # 5
        "expect gpio 19 high within 1M",                  # 6 (green, by number)
        "at 6_000K gpio BTN0 low",                        # 7
        "after 100K gpio BTN0 high",                      # 8
        "expect gpio green low within 0x100000",          # 9
        "at 7M gpio BTN1 low",                            # 10 (masked: never taken)
        "at 8M gpio BTN0 low",                            # 11
        "exit 0",                                         # 12
    ]) + "\n")
    rc, out, err = run(["-v", "--script", path, sample("button-rv32.elf")])
    passes = verbose_passes(err)
    check("gpio / expect gpio / at / after drive the button sample",
          rc == 0 and out.count("BTN0 pressed") == 3, out + err)
    check("at 2M happens at cycle 2000000", passes.get(4) == 2000000, passes)
    check("after 500K happens 500000 cycles later", passes.get(5) == 2500000, passes)
    check("at 6_000K (digits with _) at cycle 6000000", passes.get(7) == 6000000, passes)
    check("after 100K at 6100000", passes.get(8) == 6100000, passes)
    path = write("led.script", 'wait "buttons read"\nexpect gpio green high\n')
    rc, out, err = run(["--script", path, sample("button-rv32.elf")])
    check("expect gpio without within checks the level now",
          rc == 1 and f"{path}:2: expect gpio green high: pin 19 is low" in err, err)
    path = write("led2.script", 'expect gpio green high within 6M\n')
    rc, out, err = run(["--script", path, sample("blinky-rv32.elf")])
    check("expect gpio ... within waits for the LED", rc == 0, err)
    path = write("led3.script", 'expect gpio red high within 3M\n')
    rc, out, err = run(["--script", path, sample("blinky-rv32.elf")])
    check("expect gpio ... within fails when the level does not come",
          rc == 1 and f"{path}:1: expect gpio red high within 3M" not in err and
          f"{path}:1: expect gpio red high: pin 22 is still low after 3000000 cycles" in err, err)
    path = write("late.script", 'wait "step  1"\nat 1M\n')
    rc, out, err = run(["--script", path, sample("blinky-rv32.elf")])
    check("at a cycle already past fails", rc == 1 and
          f"{path}:2: at 1M: the run is already at cycle" in err, err)
    path = write("after.script", 'after 1G\nwait "type a line"\n')
    rc, out, err = run(["-v", "--script", path, sample("uart_echo-rv64.elf")])
    check("after with a G suffix waits 10^9 cycles, output meanwhile still counts",
          rc == 0 and verbose_passes(err).get(1) == 1000000000, err)
    # (uart_echo sleeps in wfi once it has printed its banner, so time jumps exactly to
    # each step; a running firmware meets a step at the end of the block running then.)
    path = write("k.script", 'wait "quits\\n"\nat 10k\nat 20K\nat 1m\nat 2M\nat 0x300000\n')
    rc, out, err = run(["-v", "--script", path, sample("uart_echo-rv64.elf")])
    passes = verbose_passes(err)
    check("suffixes k K m M are 10^3 and 10^6, 0x is hex",
          rc == 0 and [passes.get(k) for k in (2, 3, 4, 5, 6)] ==
          [10000, 20000, 1000000, 2000000, 0x300000], passes)
    path = write("busy.script", "at 2K\n")
    rc, out, err = run(["-v", "--script", path, sample("blinky-rv32.elf")])
    at = verbose_passes(err).get(1, 0)
    check("a running firmware meets `at` at the end of the block running then",
          rc == 0 and 2000 <= at < 2000 + 1000, at)
    # A script without `exit` ends the run when its last step passes.
    path = write("stop.script", 'wait "step  2"\n')
    rc, out, err = run(["--script", path, sample("blinky-rv32.elf")])
    check("the run ends after the last step", rc == 0 and "step  3" not in out, out)
    # Output before a wait starts counts (since the previous match).
    path = write("late_wait.script", 'after 2M\nwait "type a line"\n')
    rc, out, err = run(["--script", path, sample("uart_echo-rv64.elf")])
    check("a wait sees output that came before it started", rc == 0, err)
    # A script that sends owns the UART: stdin is not read for it.
    path = write("own.script", 'wait "quits"\nsend "q"\nwait "bye after 1 characters"\n')
    rc, out, err = run(["--script", path, sample("uart_echo-rv64.elf")], stdin=b"abc\n")
    check("stdin is not read for a UART the script sends to", rc == 0, out + err)
    # One that only waits leaves the input to stdin.
    path = write("watch.script", 'wait "bye after 5 characters"\nexit 0\n')
    rc, out, err = run(["--script", path, sample("uart_echo-rv64.elf")], stdin=b"abc\nq")
    check("a script that does not send leaves stdin to the UART", rc == 0, out + err)


# ---- timeouts and failure lines --------------------------------------------------------

def case_timeouts():
    elf = sample("uart_echo-rv64.elf")
    path = write("bob.script", 'wait "type a line"\nsend "hello bob\\n"\n'
                 'wait "hello alice" within 5000000\n')
    rc, out, err = run(["--script", path, elf])
    line = err.strip().splitlines()[-1] if err.strip() else ""
    check("wait within: exit 1", rc == 1, err)
    check("one failure line FILE:LINE: wait \"...\": not seen within N cycles (last output)",
          re.fullmatch(re.escape(path) + r':3: wait "hello alice": not seen within 5000000 '
                       r'cycles.*\(last output: "; \'q\' quits\\nhello bob\\n"\)', line), line)
    check("and it says the firmware waits for an interrupt that cannot come",
          "every hart waits in wfi" in line, line)
    path = write("default.script", 'timeout 2M\nwait "never"\n')
    rc, out, err = run(["--script", path, elf])
    check("timeout sets the budget of later waits", rc == 1 and
          f'{path}:2: wait "never": not seen within 2000000 cycles' in err, err)
    path = write("default1g.script", 'wait "never"\n')
    rc, out, err = run(["--script", path, elf])
    check("the default budget is 1G cycles", rc == 1 and
          "not seen within 1000000000 cycles" in err, err)
    path = write("run.script", 'timeout run 20M\nwait "never" within 100M\n')
    rc, out, err = run(["-v", "--script", path, elf])
    check("timeout run bounds the whole run", rc == 1 and
          f'{path}:2: wait "never": the run\'s time limit (timeout run 20000000, line 1) was '
          'reached' in err and "20000000 cycles" in err, err)
    path = write("exited.script", 'wait "never"\n')
    rc, out, err = run(["--script", path, sample("hello-rv64.elf")])
    check("the firmware exiting before a wait fails it",
          rc == 1 and re.search(re.escape(path) + r':1: wait "never": the firmware exited with '
                                r'status 0 \(semihosting exit\) at cycle \d+ before it was seen',
                                err), err)
    path = write("limit.script", 'wait "never"\n')
    rc, out, err = run(["--max-cycles", "300000", "--script", path, elf])
    check("--max-cycles before a wait fails it", rc == 1 and
          "the --max-insns/--max-cycles limit was reached at cycle" in err, err)
    # Timing is virtual: a busy firmware and one that sleeps fail at the same cycle each run.
    path = write("spin.script", 'wait "never" within 3M\n')
    outs = [run(["-v", "--script", path, A.two_uarts, "--board", A.board])[2] for _ in range(2)]
    cyc = [re.findall(r"after \d+ instructions, (\d+) cycles", o) for o in outs]
    check("a failing wait ends at the same cycle in every run",
          cyc[0] and cyc[0] == cyc[1] and int(cyc[0][-1]) >= 3000000, cyc)


# ---- JUnit ---------------------------------------------------------------------------

def validate_junit(path, name):
    """xmllint against tests/script/junit.xsd, then counts and times by hand."""
    if shutil.which("xmllint"):
        p = subprocess.run(["xmllint", "--noout", "--schema",
                            os.path.join(A.source, "tests/script/junit.xsd"), path],
                           capture_output=True, text=True)
        check(f"{name}: valid against junit.xsd", p.returncode == 0, p.stderr)
    root = ET.parse(path).getroot()
    ok = root.tag == "testsuites"
    suites = root.findall("testsuite")
    cases = [c for s in suites for c in s.findall("testcase")]
    fails = sum(1 for c in cases if c.find("failure") is not None)
    errs = sum(1 for c in cases if c.find("error") is not None)
    ok &= int(root.get("tests")) == len(cases)
    ok &= int(root.get("failures")) == fails and int(root.get("errors")) == errs
    for s in suites:
        sc = s.findall("testcase")
        ok &= int(s.get("tests")) == len(sc)
        ok &= abs(float(s.get("time")) - sum(float(c.get("time")) for c in sc)) < 1e-3
    check(f"{name}: counts and times add up", ok, open(path).read()[:2000])
    return root, cases


def case_junit():
    elf = sample("uart_echo-rv64.elf")
    good = write("good.script", 'wait "quits\\n"\nsend "q"\nexit 0\n')
    j = os.path.join(TMP, "pass.xml")
    rc, out, err = run(["--script", good, "--junit", j, elf])
    root, cases = validate_junit(j, "passing run")
    c = cases[0] if cases else None
    check("one testcase: classname = script, name = firmware",
          rc == 0 and len(cases) == 1 and c.get("classname") == "good" and
          c.get("name") == "uart_echo-rv64" and c.find("failure") is None, ET.tostring(root))
    check("time is the virtual time (cycles / 100 MHz)",
          c is not None and 0 < float(c.get("time")) < 0.01, c is not None and c.get("time"))
    check("system-out holds the console output",
          c is not None and "bye after 1 characters" in (c.findtext("system-out") or ""),
          ET.tostring(root))
    j2 = os.path.join(TMP, "pass2.xml")
    run(["--script", good, "--junit", j2, elf])
    check("the report is byte-identical in a second run", open(j, "rb").read() ==
          open(j2, "rb").read())

    bad = write("bad.script", 'wait "quits"\nsend "x"\nwait "<&\\"odd\\x01\\xff>" within 1M\n')
    j = os.path.join(TMP, "fail.xml")
    rc, out, err = run(["--script", bad, "--junit", j, elf])
    root, cases = validate_junit(j, "failing run (markup and control bytes in the message)")
    f = cases[0].find("failure") if cases else None
    check("failure: the failing step's line and the last output in the message",
          rc == 1 and f is not None and f.get("message").startswith(f"{bad}:3: wait") and
          "last output" in f.get("message") and "x" in (f.text or ""), ET.tostring(root))

    syntax = write("syntax.script", 'wait "a"\nnonsense\n')
    j = os.path.join(TMP, "error.xml")
    rc, out, err = run(["--script", syntax, "--junit", j, elf])
    root, cases = validate_junit(j, "script that does not parse")
    e = cases[0].find("error") if cases else None
    check("a script that does not parse: an <error> with its file:line", rc == 2 and
          e is not None and f"{syntax}:2: unknown keyword" in e.get("message"), ET.tostring(root))
    j = os.path.join(TMP, "badelf.xml")
    rc, out, err = run(["--script", good, "--junit", j, os.path.join(TMP, "nothing.elf")])
    root, cases = validate_junit(j, "firmware that cannot be loaded")
    check("a firmware that cannot be loaded: an <error>", rc == 2 and cases and
          cases[0].find("error") is not None, ET.tostring(root))


# ---- the runner ----------------------------------------------------------------------

def proc_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def kill_when_running(marker, sig, stop):
    """Find the hartlab child whose command line names `marker`; send it `sig`."""
    while not stop.is_set():
        for pid in os.listdir("/proc"):
            if pid.isdigit() and any(marker.encode() in a for a in proc_cmdline(pid)):
                os.kill(int(pid), sig)
                return
        time.sleep(0.02)


def case_runner():
    d = os.path.join(TMP, "tests")
    os.makedirs(d)
    shutil.copy(sample("uart_hello-rv64.elf"), os.path.join(d, "ok.elf"))
    shutil.copy(sample("uart_hello-rv64.elf"), os.path.join(d, "fail.elf"))
    shutil.copy(sample("uart_hello-rv64.elf"), os.path.join(d, "broken.elf"))
    for arch in ("rv32", "rv64"):
        shutil.copy(sample(f"uart_echo-{arch}.elf"), os.path.join(d, f"echo-{arch}.elf"))
    shutil.copy(sample("uart_echo-rv64.elf"), os.path.join(d, "echo-fast-rv64.elf"))
    shutil.copy(A.two_uarts, os.path.join(d, "crash.elf"))
    with open(os.path.join(d, "ok.script"), "w") as f:
        f.write('wait "Hello from the UART!"\nexit 0\n')
    with open(os.path.join(d, "fail.script"), "w") as f:
        f.write('wait "Goodbye" within 1M\n')
    with open(os.path.join(d, "broken.script"), "w") as f:
        f.write('wait "a"\nwhat is this\n')
    with open(os.path.join(d, "echo.script"), "w") as f:
        f.write('wait "quits\\n"\nsend "q"\nexit 0\n')
    with open(os.path.join(d, "echo-fast.script"), "w") as f:
        f.write('wait "quits\\n"\nsend "zq"\nwait "bye after 2 characters"\nexit 0\n')
    with open(os.path.join(d, "crash.script"), "w") as f:
        f.write('wait "never" within 1000G\n')  # a busy loop: runs until killed
    with open(os.path.join(d, "crash.options"), "w") as f:
        f.write(f"# the board of the test firmware\n--board {A.board}\n")
    with open(os.path.join(d, "lonely.script"), "w") as f:
        f.write('wait "x"\n')

    stop = threading.Event()
    killer = threading.Thread(target=kill_when_running, args=("crash.script", signal.SIGSEGV,
                                                               stop), daemon=True)
    killer.start()
    j = os.path.join(TMP, "runner.xml")
    t0 = time.time()
    rc, out, err = run(["test", "-j", "2", "--junit", j, d], timeout=300)
    stop.set()
    print(out + err)
    lines = [l for l in out.splitlines() if re.match(r"(PASS|FAIL|ERROR) ", l)]
    names = [l.split()[1] for l in lines]
    check("one line per test, in name order",
          names == ["broken", "crash", "echo-fast-rv64", "echo-rv32", "echo-rv64", "fail",
                    "lonely", "ok"], names)
    verdicts = dict((l.split()[1], l.split()[0]) for l in lines)
    check("passing tests pass (NAME.elf and NAME-*.elf, longest NAME wins)",
          [verdicts.get(n) for n in ("echo-rv32", "echo-rv64", "echo-fast-rv64", "ok")] ==
          ["PASS"] * 4, verdicts)
    check("a failing script fails with its failure line",
          verdicts.get("fail") == "FAIL" and "fail.script:1: wait \"Goodbye\": the firmware "
          "exited with status 0" in out, out)
    check("a script that does not parse is an error with its file:line",
          verdicts.get("broken") == "ERROR" and "broken.script:2: unknown keyword" in out, out)
    check("a crashing test is reported and does not take the others down",
          verdicts.get("crash") == "ERROR" and "killed by signal 11" in out, out)
    check("a script without firmware is an error", verdicts.get("lonely") == "ERROR", out)
    check("each line has the virtual time and the wall time",
          all(re.search(r"\d+ cycles.* s wall", l) for l in lines), "\n".join(lines))
    check("summary line 'N passed, M failed' and exit 1",
          rc == 1 and re.search(r"^4 passed, 4 failed$", out, re.M), out)
    root, cases = validate_junit(j, "combined report")
    by = {c.get("name"): c for c in cases}
    check("combined report: one testcase per test",
          len(cases) == 8 and by.get("crash") is not None and
          by["crash"].find("error") is not None and
          by["crash"].find("error").get("type") == "crash", ET.tostring(root)[:3000])
    check("combined report: the failure carries the failing step",
          by.get("fail") is not None and by["fail"].find("failure") is not None and
          "fail.script:1:" in by["fail"].find("failure").get("message"), "")

    # A list: firmware, script, options, guest args; relative to the current directory.
    lst = os.path.join(TMP, "tests.list")
    with open(lst, "w") as f:
        f.write("# firmware  script  [options] [-- guest args]\n")
        f.write(f"{sample('args-rv64.elf')} {os.path.join(A.source, 'firmware-samples/args.script')}"
                " --max-cycles 10000000 -- one two three\n")
        f.write(f"tests/ok.elf tests/ok.script\n")
    rc, out, err = run(["--test-list", lst, "--junit", j], cwd=TMP)
    check("--test-list: options and guest args per line, paths from the current directory",
          rc == 0 and "2 passed, 0 failed" in out, out + err)
    validate_junit(j, "--test-list report")
    rc, out, err = run(["test", "-j", "1", "--list", lst], cwd=TMP)
    check("hartlab test --list with -j 1 gives the same verdicts",
          rc == 0 and "2 passed, 0 failed" in out, out + err)
    bad = write("bad.list", "only-one-word\n")
    rc, out, err = run(["--test-list", bad])
    check("a bad list line: exit 2 with FILE:LINE", rc == 2 and f"{bad}:1:" in err, err)
    rc, out, err = run(["test", os.path.join(TMP, "nonexistent")])
    check("a missing directory: exit 2", rc == 2 and "neither a directory" in err, err)


def case_samples():
    j = os.path.join(TMP, "samples.xml")
    cov = os.path.join(TMP, "samples.info")
    rc, out, err = run(["test", "--junit", j, "--coverage", cov, A.samples], timeout=600)
    print(out + err)
    scripts = [f for f in os.listdir(os.path.join(A.source, "firmware-samples"))
               if f.endswith(".c")]
    missing = [s for s in scripts
               if not os.path.exists(os.path.join(A.source, "firmware-samples",
                                                  s[:-2] + ".script"))]
    check("every firmware sample has a script", not missing, missing)
    n = len(re.findall(r"^PASS ", out, re.M))
    check("every sample passes its script (both XLENs)", rc == 0 and n >= 16, out)
    validate_junit(j, "samples report")
    # --coverage: every test's lines summed. recursion.c enters fact() 45 times a run, and
    # runs at both XLENs.
    text = open(cov).read() if os.path.exists(cov) else ""
    rec = next((b for b in text.split("end_of_record") if "recursion.c\n" in b), "")
    check("--coverage: one lcov file, the runs of each sample added (fact entered 2 x 45 times)",
          "\nFNDA:90,fact\n" in rec and "\nFNDA:2,main\n" in rec, rec[:400])
    lf = sum(int(x) for x in re.findall(r"^LF:(\d+)$", text, re.M))
    lh = sum(int(x) for x in re.findall(r"^LH:(\d+)$", text, re.M))
    m = re.search(r"^coverage: lines [\d.]+% \((\d+) of (\d+)\), functions", out, re.M)
    check("--coverage: a summary line with the file's totals",
          m and (int(m.group(1)), int(m.group(2))) == (lh, lf), (m and m.group(0), lh, lf))


# ---- record and replay ---------------------------------------------------------------

def counts(text):
    m = re.findall(r"exit code (\d+) after (\d+) instructions, (\d+) cycles", text)
    return m[-1] if m else None


def pty_session(argv, keys, delays, prompt=b"quits"):
    """Run argv on a pseudo-terminal (an interactive console); once it has printed
    `prompt` (as a person waits for the banner: the console is then raw), type keys[k]
    after delays[k] seconds of host time; return everything it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    out = b""

    def drain(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.02)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    return
    end = time.time() + 60
    while prompt not in out and time.time() < end:
        drain(0.05)
    for k, d in zip(keys, delays):
        drain(d)
        os.write(fd, k)
    drain(2.0)
    _, status = os.waitpid(pid, 0)
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.1)
            if not r:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    return out.decode(errors="replace").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


def console_text(text):
    return "\n".join(l for l in text.splitlines() if not l.startswith("hartlab:"))


def case_record_replay():
    elf = sample("uart_echo-rv64.elf")
    rec = os.path.join(TMP, "console.rec")
    tr1, ti1 = os.path.join(TMP, "trace1"), os.path.join(TMP, "irq1")
    # An interactive run: a person types at host-time intervals on a terminal.
    out1, st1 = pty_session([A.hartlab, "-v", "--record", rec, f"--trace={tr1}",
                             f"--trace=irq:{ti1}", elf],
                            [b"h", b"i", b"!", b"\r", b"q"], [0.3, 0.15, 0.25, 0.1, 0.3])
    check("interactive run on a terminal ends with q", st1 == 0 and "bye after 5" in out1, out1)
    with open(rec) as f:
        rtext = f.read()
    print(rtext)
    check("the record names the format, the firmware and every byte with its cycle",
          rtext.startswith("hartlab-inputs 1\n") and
          re.search(r"^firmware uart_echo-rv64\.elf \d+ [0-9a-f]{16}$", rtext, re.M) and
          re.search(r"^0 uart 0 source interactive$", rtext, re.M) and
          len(re.findall(r'^\d+ uart 0 "(h|i|!|\\r|q)"$', rtext, re.M)) == 5 and
          re.search(r"^end \d+ status 0 insns \d+$", rtext, re.M), rtext)
    tr2, ti2 = os.path.join(TMP, "trace2"), os.path.join(TMP, "irq2")
    rc, out2, err2 = run(["-v", "--replay", rec, f"--trace={tr2}", f"--trace=irq:{ti2}", elf])
    check("the replay prints the same console output",
          rc == 0 and console_text(out1) == console_text(out2 + err2), out2 + err2)
    check("the replay ends with the same instruction and cycle counts",
          counts(out1) is not None and counts(out1) == counts(err2), (counts(out1), counts(err2)))
    check("the replay has the same instruction trace",
          open(tr1, "rb").read() == open(tr2, "rb").read() and os.path.getsize(tr1) > 0)
    check("the replay has the same interrupt trace",
          open(ti1, "rb").read() == open(ti2, "rb").read() and os.path.getsize(ti1) > 0)
    check("the replay says it ended as recorded", "ended as recorded" in err2, err2)
    # A second session typed at other host times records other cycles: the replay of each
    # is exact, which a plain re-run cannot be.
    rec2 = os.path.join(TMP, "console2.rec")
    out3, st3 = pty_session([A.hartlab, "-v", "--record", rec2, elf],
                            [b"h", b"i", b"!", b"\r", b"q"], [0.6, 0.05, 0.05, 0.4, 0.05])
    rc, out4, err4 = run(["-v", "--replay", rec2, elf])
    check("another session replays exactly too", rc == 0 and counts(out3) == counts(err4) and
          counts(out3) != counts(out1), (counts(out3), counts(err4), counts(out1)))

    # A --gpio-script run replayed without it: GPIO changes are inputs like the others.
    gpio = os.path.join(A.source, "tests/firmware/button.gpio")
    rec3 = os.path.join(TMP, "gpio.rec")
    rc1, o1, e1 = run(["-v", "--gpio-script", gpio, "--record", rec3,
                       sample("button-rv32.elf")])
    rc2, o2, e2 = run(["-v", "--replay", rec3, sample("button-rv32.elf")])
    check("a --gpio-script run replays without the script", rc1 == rc2 == 0 and o1 == o2 and
          counts(e1) == counts(e2) and "gpio 0 9 low" in open(rec3).read(), o2 + e2)

    # A --script run replayed with its script: same verdict, output and counts.
    script = os.path.join(A.source, "firmware-samples/uart_echo.script")
    rec4 = os.path.join(TMP, "script.rec")
    rc1, o1, e1 = run(["-v", "--script", script, "--record", rec4, elf])
    rc2, o2, e2 = run(["-v", "--script", script, "--replay", rec4, elf], stdin=b"zzz\n")
    check("a --script run replays with its script (live input ignored)",
          rc1 == rc2 == 0 and o1 == o2 and counts(e1) == counts(e2), o2 + e2)

    # Wrong or damaged records are exit 2 with FILE:LINE, before anything runs.
    for name, text, needle in (
            ("notrec", "hello\n", ":1: not a hartlab record"),
            ("version", "hartlab-inputs 9\n", ":1: record format 9"),
            ("badline", "hartlab-inputs 1\n12 uart 0 eof\nxyz\n", ":3: 'xyz' is not a cycle"),
            ("baduart", "hartlab-inputs 1\n5 uart 3 \"a\"\n", ":2: '3' is not a UART"),
            ("badgpio", "hartlab-inputs 1\n5 gpio 0 99 low\n", ":2: '99' is not a pin"),
            ("badirq", "hartlab-inputs 1\n5 irq 0\n", ":2: '0' is not an interrupt source")):
        path = write(name + ".rec", text)
        rc, out, err = run(["--replay", path, elf])
        check(f"bad record ({name}): exit 2, {needle}", rc == 2 and (path + needle) in err and
              out == "", err)
    rc, out, err = run(["--record", rec, "--replay", rec, elf])
    check("--record with --replay is a usage error", rc == 2, err)
    # A record replayed on other firmware: a warning, and the divergence is reported.
    rc, out, err = run(["--replay", rec, sample("uart_echo-rv32.elf")])
    check("replaying on another firmware warns and reports the divergence",
          "recorded with another firmware" in err and "diverged" in err, err)


def case_replay_gdb():
    if not shutil.which("gdb-multiarch"):
        skip("gdb-multiarch not installed")
    elf = sample("uart_echo-rv64.elf")
    rec = os.path.join(TMP, "gdb.rec")
    p = subprocess.Popen([A.hartlab, "-v", "--gdb", "127.0.0.1:0", "-S", "--record", rec, elf],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = ""
    while "listening" not in line:
        more = p.stderr.readline().decode()
        if not more:
            break
        line += more
    m = re.search(r"listening on [\d.]+:(\d+)", line)
    if not m:
        p.kill()
        check("the stub starts", False, line)
        return
    p.stdin.write(b"ab\nq")  # the UART's input, taken at its character rate
    p.stdin.close()
    p.stdin = None
    g = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-ex", "set architecture riscv:rv64",
                        "-ex", f"target remote 127.0.0.1:{m.group(1)}",
                        "-ex", "monitor inject 10", "-ex", "monitor inject 999",
                        "-ex", "continue", elf],
                       capture_output=True, text=True, timeout=60)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    out, err = out.decode(), line + err.decode()
    said = g.stdout + g.stderr
    check("monitor inject: a request on PLIC source 10 from the debugger",
          "inject: request on PLIC source 10 at cycle 0" in said, said)
    check("monitor inject of a source the PLIC does not have is refused",
          "'999' is not a PLIC source" in said, said)
    check("the debugged run ends", p.returncode == 0 and "bye after" in out, out + err)
    check("the record holds the injected interrupt", "0 irq 10" in open(rec).read(),
          open(rec).read())
    rc, o2, e2 = run(["-v", "--replay", rec, elf])
    check("the replay without the debugger prints the same and ends at the same counts",
          rc == 0 and o2 == out and counts(err) == counts(e2) and "ended as recorded" in e2,
          (counts(err), counts(e2), e2))
    rc, o3, e3 = run(["-v", elf], stdin=b"ab\nq")
    check("(the injected interrupt ran its handler: without it, fewer instructions)",
          counts(e3) and counts(err) and int(counts(e3)[1]) < int(counts(err)[1]),
          (counts(e3), counts(err)))


def case_replay_panel():
    if not os.environ.get("DISPLAY") and not shutil.which("xvfb-run"):
        skip("no DISPLAY and no xvfb-run")
    elf = sample("button-rv32.elf")
    ui = write("press.ui", "2000000 key 1 down\n2200000 key 1 up\n"
               "4000000 mouse 150 130 down\n4100000 mouse 150 130 up\n"
               "6000000 key 1 down\n6200000 key 1 up\n8000000 key 1 down\n8200000 key 1 up\n")
    rec = os.path.join(TMP, "panel.rec")
    cmd = [A.hartlab, "-v", "--ui-script", ui, "--record", rec, elf]
    if not os.environ.get("DISPLAY"):
        cmd = ["xvfb-run", "-a"] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    if "panel" in p.stderr and p.returncode == 2:
        skip("the panel is not available: " + p.stderr)
    check("clicks on the panel drive the button sample",
          p.returncode == 0 and p.stdout.count("BTN0 pressed") == 3, p.stdout + p.stderr)
    text = open(rec).read()
    check("the record holds the panel's button levels", "gpio 0 9 low" in text and
          "gpio 0 10 low" in text, text)
    rc, o2, e2 = run(["-v", "--replay", rec, elf])
    check("the replay without the panel prints the same and ends at the same count",
          rc == 0 and o2 == p.stdout and counts(p.stderr) == counts(e2),
          (o2, counts(p.stderr), counts(e2)))


# ---- docs: CI examples and lab sheets ------------------------------------------------

def commands_of(path):
    import yaml
    with open(path) as f:
        doc = yaml.safe_load(f)
    cmds = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "run" and isinstance(v, str):
                    cmds.extend(c for c in v.splitlines() if c.strip())
                elif k == "script" and isinstance(v, list):
                    cmds.extend(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(doc)
    return doc, cmds


def case_ci_examples():
    try:
        import yaml  # noqa: F401
    except ImportError:
        skip("python3-yaml not installed")
    build = os.path.dirname(A.samples)
    for example in ("github-actions.yml", "gitlab-ci.yml"):
        path = os.path.join(A.source, "docs/ci", example)
        doc, cmds = commands_of(path)
        check(f"{example}: valid YAML with commands", cmds, doc)
        # Run them as the CI job would, from a checkout whose build/ is this build: every
        # command but installing packages and configuring/building (done by this suite).
        work = os.path.join(TMP, example)
        os.makedirs(work)
        for entry in os.listdir(A.source):
            if entry not in ("build", ".git"):
                os.symlink(os.path.join(A.source, entry), os.path.join(work, entry))
        os.symlink(build, os.path.join(work, "build"))
        ran = 0
        for c in cmds:
            if re.match(r"\s*(sudo |apt-get|meson setup|meson compile|ninja)", c):
                continue
            p = subprocess.run(["bash", "-euo", "pipefail", "-c", c], cwd=work,
                               capture_output=True, text=True, timeout=600)
            ran += 1
            check(f"{example}: `{c}` succeeds", p.returncode == 0, p.stdout + p.stderr)
        check(f"{example}: it runs hartlab test", ran and any("hartlab test" in c or
                                                               "--test-list" in c for c in cmds))
        reports = [f for f in os.listdir(work) if f.endswith(".xml")]
        check(f"{example}: it leaves a JUnit report", reports, os.listdir(work))
        for r in reports:
            validate_junit(os.path.join(work, r), f"{example}: {r}")
        if example == "gitlab-ci.yml":
            job = [v for v in doc.values() if isinstance(v, dict) and "artifacts" in v]
            check("gitlab-ci.yml: the report is declared as a junit artifact",
                  job and "junit" in job[0]["artifacts"].get("reports", {}), doc)


def case_labs():
    grading = os.path.join(A.source, "docs/labs/grading")
    script = os.path.join(grading, "uart_echo.script")
    check("the autograding sheet's script exists",
          os.path.exists(script) and os.path.exists(os.path.join(A.source,
                                                                  "docs/labs/autograding.md")))
    # A class: two students hand in working firmware, one hands in the wrong program.
    d = os.path.join(TMP, "class")
    os.makedirs(d)
    lst = os.path.join(d, "class.list")
    with open(lst, "w") as f:
        f.write(f"{sample('uart_echo-rv32.elf')} {script}\n")
        f.write(f"{sample('uart_echo-rv64.elf')} {script}\n")
        f.write(f"{sample('uart_hello-rv32.elf')} {script}\n")
    j = os.path.join(d, "grades.xml")
    rc, out, err = run(["--test-list", lst, "--junit", j])
    print(out + err)
    check("working submissions pass, the wrong one fails with a line saying why",
          rc == 1 and "2 passed, 1 failed" in out and
          re.search(r"FAIL +uart_echo:uart_hello-rv32", out) and "uart_echo.script:" in out, out)
    # The sheet's own example: three students' ELFs of the same name in their directories.
    for who, elf in (("alice", "uart_echo-rv64"), ("bob", "uart_hello-rv64"),
                     ("carol", "uart_echo-rv32")):
        os.makedirs(os.path.join(d, "handins", who))
        shutil.copy(sample(elf + ".elf"), os.path.join(d, "handins", who, "uart_echo.elf"))
    with open(os.path.join(d, "class2.list"), "w") as f:
        for who in ("alice", "bob", "carol"):
            f.write(f"handins/{who}/uart_echo.elf {script}\n")
    rc, out, err = run(["--test-list", "class2.list"], cwd=d)
    lines = [l.split()[:2] for l in out.splitlines() if re.match(r"(PASS|FAIL) ", l)]
    check("same-named submissions are told apart by their paths, in the list's order",
          lines == [["PASS", "handins/alice/uart_echo"], ["FAIL", "handins/bob/uart_echo"],
                    ["PASS", "handins/carol/uart_echo"]], out)
    validate_junit(j, "grades report")


CASES = {
    "parse-errors": case_parse_errors, "keywords": case_keywords, "timeouts": case_timeouts,
    "junit": case_junit, "runner": case_runner, "samples": case_samples,
    "record-replay": case_record_replay, "replay-gdb": case_replay_gdb,
    "replay-panel": case_replay_panel, "ci-examples": case_ci_examples, "labs": case_labs,
}


def main():
    global A, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--samples", required=True, help="BUILD/firmware-samples")
    ap.add_argument("--two-uarts", required=True, help="the two-UART test firmware")
    ap.add_argument("--board", required=True, help="tests/script/two_uarts.dts")
    ap.add_argument("--source", required=True, help="the source tree")
    A = ap.parse_args()
    for k in ("hartlab", "samples", "two_uarts", "board", "source"):
        setattr(A, k, os.path.abspath(getattr(A, k)))
    with tempfile.TemporaryDirectory(prefix="hartlab-script-") as tmp:
        TMP = tmp
        CASES[A.case]()
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
