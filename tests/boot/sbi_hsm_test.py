#!/usr/bin/env python3
"""Debian's OpenSBI (fw_jump) manages hartlab's harts as it manages QEMU's: an S-mode payload
(sbi_hsm.S) finds every other hart STOPPED through SBI HSM hart_get_status, starts each with
hart_start, sees it run and stop itself with hart_stop, and restarts one; then it shuts
down. On 2, 4 and 8 harts the console output must be the expected lines and the exit status
0, and --trace=irq must name the hart of every trap (OpenSBI's own traps on each hart, the
payload's ecalls) and each hart's software interrupt line (the IPIs of hart_start). (QEMU -smp N prints the same lines; it is not run here: with its harts in parallel
threads a run now and then never sees a secondary hart reach STOPPED in time.)

Usage: sbi_hsm_test.py HARTLAB QEMU|'' (unused) PAYLOAD2.elf PAYLOAD4.elf PAYLOAD8.elf [FW_JUMP.ELF]
(the payload built with -DNHARTS=2, 4, 8; exit 77 = skipped)
"""
import os
import re
import subprocess
import sys
import tempfile

hartlab, qemu = sys.argv[1:3]
payloads = dict(zip((2, 4, 8), sys.argv[3:6]))
bios = sys.argv[6] if len(sys.argv) > 6 else \
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
if not os.path.exists(bios):
    print(f"SKIP: {bios} not found (Debian package opensbi)")
    sys.exit(77)
results = []


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def payload_lines(out):
    """The payload's lines: everything from its first line (OpenSBI's banner comes first)."""
    at = out.find("hsm: ")
    return out[at:] if at >= 0 else ""


for n, payload in payloads.items():
    want = "hsm: the boot hart starts the others\n" + "".join(
        f"h{k}: stopped, started, ran, stopped\n" for k in range(1, n)) + \
        f"hsm: a stopped hart started again\n{n} harts\n"
    with tempfile.TemporaryDirectory() as d:
        trace = os.path.join(d, "irq")
        r = subprocess.run([hartlab, "--smp", str(n), "--bios", bios, "--kernel", payload,
                            "--max-cycles", "4000000000", f"--trace=irq:{trace}"],
                           capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL, errors="replace")
        with open(trace) as f:
            irq = f.read()
    got = payload_lines(r.stdout)
    check(f"{n} harts: every hart started and stopped through HSM, exit 0",
          r.returncode == 0 and got == want, f"status {r.returncode}\n{r.stdout}{r.stderr}")
    traps = {int(h) for h in re.findall(r"^ *\d+ trap .* hart (\d+) at 0x", irq, re.M)}
    ecalls = {int(h) for h in re.findall(r"^ *\d+ trap +ecall from S-mode .* hart (\d+) at ", irq,
                                         re.M)}
    ipis = {int(h) for h in re.findall(r"^ *\d+ raise +clint\.msip(\d+)$", irq, re.M)}
    check(f"{n} harts: --trace=irq names the hart of each trap, every hart has some",
          traps == set(range(n)) and ecalls == set(range(n)), f"traps {traps}, ecalls {ecalls}")
    check(f"{n} harts: --trace=irq shows an IPI (msip) raised for every hart started",
          ipis >= set(range(1, n)), f"msip lines for {ipis}")
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
