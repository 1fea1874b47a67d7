#!/usr/bin/env python3
"""SIGTERM, SIGINT and SIGHUP stop the machine at an instruction boundary; hartlab then
delivers everything it owes (the console's buffered output, the instruction trace,
--trace=irq, the VCD, the signature, --profile), prints one line saying where it stopped
and exits with 128 + the signal's number. A second signal kills it at once.

- `timeout 3 hartlab fw.elf > out.txt`, literally: out.txt keeps the semihosting line
  that was still in hartlab's buffer (signal-spin: UART "u", then semihosting "started",
  then a loop for ever);
- each signal: status 128+N, one stderr line naming the signal, the hart, pc and function;
- the files: a trace with exactly as many lines as the stop line's instruction count, an
  irq trace, a complete VCD, the signature as the firmware left it, a profile;
- hartlab blocked where the host is slow: a semihosting read of a silent stdin, --realtime
  pacing, -s -S waiting for a debugger: each ends on the signal the same way;
- a second signal: with stdout a pipe nobody reads, the first signal cannot be completed
  (the output owed cannot be written); the second ends hartlab at once, by the signal.

Usage: signal_test.py HARTLAB DIR SAMPLES
  DIR holds signal-spin-rv64.elf, signal-flood-rv64.elf and stdin_both-rv64.elf; SAMPLES is
  BUILD/firmware-samples (uart_echo-rv64.elf, blinky-rv32.elf).
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

hartlab, elfdir, samples = (os.path.abspath(a) for a in sys.argv[1:4])
spin = os.path.join(elfdir, "signal-spin-rv64.elf")
flood = os.path.join(elfdir, "signal-flood-rv64.elf")
results = []


def check(name, cond, detail=""):
    cond = bool(cond)
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


STOP = re.compile(r"hartlab: stopped by (SIG[A-Z]+)[^;]*; hart 0 at pc 0x[0-9a-f]+( in \w+)? "
                  r"after (\d+) instructions, \d+ cycles")


def default_sighup():
    # A test run under nohup (or any parent that ignores SIGHUP) hands hartlab an ignored
    # SIGHUP, which hartlab keeps ignoring, as programs started by nohup must.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def signalled(args, sig, wait=0.5, stdin=subprocess.DEVNULL, cwd=None, feed=None,
              preexec=default_sighup):
    """Run hartlab, let it run `wait` seconds (after writing `feed` to its stdin, which
    stays open), send `sig`; (status, stdout, stderr)."""
    p = subprocess.Popen([hartlab] + args, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=cwd, preexec_fn=preexec)
    if feed:
        p.stdin.write(feed)
        p.stdin.flush()
    time.sleep(wait)
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return None, out.decode(errors="replace"), err.decode(errors="replace")
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def one_stop_line(name, err, sig, fn=None):
    lines = err.strip().splitlines()
    m = STOP.fullmatch(lines[0]) if len(lines) == 1 else None
    check(f"{name}: one line says where it stopped",
          m and m.group(1) == signal.Signals(sig).name and (fn is None or m.group(2) == f" in {fn}"),
          err)
    return int(m.group(3)) if m else None


with tempfile.TemporaryDirectory(prefix="hartlab-signal-") as d:
    # The line, literally.
    r = subprocess.run(["bash", "-c", f"timeout 3 {hartlab} {spin} > out.txt"], cwd=d,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    out = open(os.path.join(d, "out.txt")).read()
    check("timeout 3 hartlab fw.elf > out.txt: out.txt keeps the buffered semihosting line",
          out == "u\nstarted\n", repr(out))
    check("timeout 3 ...: timeout reports the time-out (124)", r.returncode == 124, r.returncode)
    one_stop_line("timeout 3 ...", r.stderr, signal.SIGTERM, "spin")

    # One signal delivered twice at once (timeout(1) signals the command, then its process
    # group) is one request: the run still stops cleanly, everything owed written.
    for n in range(5):
        p = subprocess.Popen([hartlab, spin], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        time.sleep(0.3)
        p.send_signal(signal.SIGTERM)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        check(f"SIGTERM twice at once ({n + 1}/5): one request, 143, output complete",
              p.returncode == 143 and out == "u\nstarted\n" and "stopped by SIGTERM" in err,
              f"status {p.returncode}, {out!r}, {err!r}")

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        name = signal.Signals(sig).name
        rc, out, err = signalled([spin], sig)
        check(f"{name}: exit status 128+{int(sig)}", rc == 128 + sig, rc)
        check(f"{name}: standard output complete", out == "u\nstarted\n", repr(out))
        one_stop_line(name, err, sig, "spin")

    # Started by nohup (SIGHUP ignored): SIGHUP changes nothing, SIGTERM still stops it.
    p = subprocess.Popen([hartlab, spin], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE,
                         preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    time.sleep(0.3)
    p.send_signal(signal.SIGHUP)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    check("nohup: SIGHUP ignored, then SIGTERM stops it (143, output complete)",
          p.returncode == 143 and out.decode() == "u\nstarted\n" and b"SIGTERM" in err,
          f"status {p.returncode}, {out!r}, {err!r}")

    # Files: the signature as the firmware left it, and a profile.
    sig_path, prof = os.path.join(d, "sig.txt"), os.path.join(d, "fw.cg")
    rc, out, err = signalled(["--signature", sig_path, "--profile", prof, spin], signal.SIGTERM)
    words = open(sig_path).read().split() if os.path.exists(sig_path) else []
    check("--signature: written at the stop, with the firmware's values",
          rc == 143 and len(words) == 4 and words[0] == "600dcafe" and int(words[1], 16) > 0,
          f"status {rc}, {words}, {err!r}")
    prof_text = open(prof).read() if os.path.exists(prof) else ""
    check("--profile: written at the stop, spin's cycles in it",
          "fn=" in prof_text and "spin" in prof_text, prof_text[:300])

    # The instruction trace, --trace=irq and the VCD of a firmware waiting for UART input
    # (stdin a pipe that stays open: "ab" typed, then silence).
    tr, irq, vcd = (os.path.join(d, n) for n in ("trace.txt", "irq.txt", "uart.vcd"))
    echo = os.path.join(samples, "uart_echo-rv64.elf")
    rc, out, err = signalled([f"--trace={tr}", f"--trace=irq:{irq}", "--vcd", vcd, echo],
                             signal.SIGTERM, stdin=subprocess.PIPE, feed=b"ab", wait=1.0)
    n = one_stop_line("uart_echo with traces", err, signal.SIGTERM)
    check("uart_echo with traces: exit status 143, banner and echo out",
          rc == 143 and "uart_echo" in out and "ab" in out, f"{rc} {out!r}")
    trace = open(tr).read() if os.path.exists(tr) else ""
    check("--trace=FILE: every instruction up to the stop, whole lines",
          trace.endswith("\n") and n is not None and trace.count("\n") == n,
          f"{trace.count(chr(10))} lines for {n} instructions")
    irq_text = open(irq).read() if os.path.exists(irq) else ""
    check("--trace=irq:FILE: the receive interrupts' lines, whole", irq_text.endswith("\n") and
          re.search(r"^ *\d+ trap +machine external .*-> trap_handler$", irq_text, re.M), irq_text[-300:])
    vcd_text = open(vcd).read() if os.path.exists(vcd) else ""
    stamps = re.findall(r"^#(\d+)$", vcd_text, re.M)
    check("--vcd: complete: definitions, the UART's transitions, whole lines",
          "$enddefinitions" in vcd_text and vcd_text.endswith("\n") and len(stamps) > 100,
          f"{len(stamps)} time stamps, ends {vcd_text[-80:]!r}")

    # Blocked on the host: a semihosting read of a silent stdin, pacing, the debugger.
    both = os.path.join(elfdir, "stdin_both-rv64.elf")
    rc, out, err = signalled([both], signal.SIGINT, stdin=subprocess.PIPE)
    check("a semihosting read waiting for stdin: ends on SIGINT with 130", rc == 130, rc)
    one_stop_line("a semihosting read waiting for stdin", err, signal.SIGINT)
    rc, out, err = signalled(["--realtime", os.path.join(samples, "blinky-rv32.elf")],
                             signal.SIGTERM)
    check("--realtime pacing: ends on SIGTERM with 143", rc == 143, rc)
    one_stop_line("--realtime pacing", err, signal.SIGTERM)
    rc, out, err = signalled(["--gdb", "127.0.0.1:0", "-S", spin], signal.SIGTERM)
    lines = [l for l in err.splitlines() if "listening" not in l and "waiting for" not in l]
    check("-S waiting for a debugger: ends on SIGTERM with 143", rc == 143, f"{rc} {err!r}")
    one_stop_line("-S waiting for a debugger", "\n".join(lines), signal.SIGTERM)

    # A second signal kills at once: stdout is a pipe nobody reads, so the output owed
    # after the first signal cannot be written and hartlab waits for its reader.
    p = subprocess.Popen([hartlab, flood], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(1)
    p.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    waiting = p.poll() is None
    check("first signal, output owed to a full pipe: hartlab waits to deliver it", waiting,
          p.returncode)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    p.stdout.close()
    p.stderr.close()
    check("second signal: hartlab ends at once, by the signal", p.returncode == -signal.SIGTERM,
          p.returncode)

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
