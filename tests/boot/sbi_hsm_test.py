#!/usr/bin/env python3
"""Debian's OpenSBI (fw_jump) manages hartlab's harts as it manages QEMU's: an S-mode payload
(sbi_hsm.S) finds every other hart STOPPED through SBI HSM hart_get_status, starts each with
hart_start, sees it run and stop itself with hart_stop, and restarts one; then it shuts
down. On 2, 4 and 8 harts the console output must be the expected lines and the exit status
0. (QEMU -smp N prints the same lines; it is not run here: with its harts in parallel
threads a run now and then never sees a secondary hart reach STOPPED in time.)

Usage: sbi_hsm_test.py HARTLAB QEMU|'' (unused) PAYLOAD2.elf PAYLOAD4.elf PAYLOAD8.elf [FW_JUMP.ELF]
(the payload built with -DNHARTS=2, 4, 8; exit 77 = skipped)
"""
import os
import subprocess
import sys

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
    r = subprocess.run([hartlab, "--smp", str(n), "--bios", bios, "--kernel", payload,
                        "--max-cycles", "4000000000"], capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL, errors="replace")
    got = payload_lines(r.stdout)
    check(f"{n} harts: every hart started and stopped through HSM, exit 0",
          r.returncode == 0 and got == want, f"status {r.returncode}\n{r.stdout}{r.stderr}")
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
