#!/usr/bin/env python3
"""Debian's OpenSBI (fw_jump) powers hartlab's virt board off the way it powers QEMU's off:
an S-mode payload asks for an SBI system reset (shutdown), and OpenSBI's SiFive-test driver
writes the finisher with a 16-bit store. Reason "none" must end the run with status 0,
reason "system failure" (OpenSBI writes FINISHER_FAIL, code 0) with status 1 (a failure
never looks like success), both without a guest error. QEMU, when present, must also end
the shutdown payload with status 0.

Usage: sbi_reset_test.py HARTLAB QEMU|'' PAYLOAD_REASON0.elf PAYLOAD_REASON1.elf [FW_JUMP.ELF]
(exit 77 = skipped)
"""
import os
import subprocess
import sys

hartlab, qemu, pass_elf, fail_elf = sys.argv[1:5]
bios = sys.argv[5] if len(sys.argv) > 5 else \
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
if not os.path.exists(bios):
    print(f"SKIP: {bios} not found (Debian package opensbi)")
    sys.exit(77)

results = []


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, errors="replace")


for name, elf, want in (("shutdown", pass_elf, 0), ("shutdown for a system failure", fail_elf, 1)):
    r = run([hartlab, "--board", "virt", "--bios", bios, "--kernel", elf,
             "--max-cycles", "2000000000"])
    check(f"SBI {name}: exit status {want}", r.returncode == want,
          f"status {r.returncode}, stderr {r.stderr!r}")
    check(f"SBI {name}: OpenSBI booted the payload", "Domain0 Next Mode" in r.stdout,
          r.stdout[-500:])
    check(f"SBI {name}: no guest error", "guest error" not in r.stderr, r.stderr)

if qemu:
    r = run([qemu, "-M", "virt", "-nographic", "-bios", bios, "-kernel", pass_elf])
    check("QEMU: the same shutdown exits 0", r.returncode == 0,
          f"status {r.returncode}, stderr {r.stderr!r}")
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
