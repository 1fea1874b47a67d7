#!/usr/bin/env python3
"""Boot Debian's OpenSBI (fw_jump) with Debian's S-mode U-Boot on hartlab's virt board, as
QEMU does with `-bios fw_jump.elf -kernel u-boot.bin`, and use the console as a person
would: check OpenSBI's banner (the console, timer, IPI and reset devices it found in the
device tree, S-mode as the next mode, delegation set up), then stop U-Boot's autoboot, wait
for the `=>` prompt, type `version` and `echo hello`, and `poweroff` (an SBI system-reset
call that OpenSBI carries out through the SiFive test device, so hartlab exits 0).

This exercises S-mode, delegation of traps and interrupts, PMP (OpenSBI protects itself
from S-mode) and the SBI timer through the CLINT.

Usage: opensbi_test.py HARTLAB [FW_JUMP.ELF [U-BOOT.BIN]]   (exit 77 = skipped)
"""
import os
import subprocess
import sys
import time

hartlab = sys.argv[1]
bios = sys.argv[2] if len(sys.argv) > 2 else \
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
kernel = sys.argv[3] if len(sys.argv) > 3 else "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
for path, package in ((bios, "opensbi"), (kernel, "u-boot-qemu")):
    if not os.path.exists(path):
        print(f"SKIP: {path} not found (Debian package {package})")
        sys.exit(77)

proc = subprocess.Popen([hartlab, "--board", "virt", "--bios", bios, "--kernel", kernel,
                         "--max-insns", "3000000000"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.set_blocking(proc.stdout.fileno(), False)
seen = b""
cursor = 0  # console text before this has been matched already
results = []


def wait_for(text, timeout=90):
    """Read the console until `text` appears after what was matched before."""
    global seen, cursor
    deadline = time.time() + timeout
    while True:
        at = seen.find(text.encode(), cursor)
        if at >= 0:
            cursor = at + len(text)
            return True
        if time.time() > deadline:
            return False
        try:
            chunk = proc.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            seen += chunk
        elif proc.poll() is not None:
            return seen.find(text.encode(), cursor) >= 0
        else:
            time.sleep(0.01)


def banner_line(label, want):
    """The banner line `label : value` contains `want`."""
    if not wait_for(label):
        return False
    end = seen.find(b"\n", cursor)
    return want.encode() in seen[cursor:end if end >= 0 else len(seen)]


def type_line(line):
    try:
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
    except BrokenPipeError:
        pass  # hartlab has ended; the checks report it


def check(name, cond):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name)


check("OpenSBI banner", wait_for("OpenSBI v"))
check("IPI device: the CLINT's MSWI", banner_line("Platform IPI Device", "aclint-mswi"))
check("timer device: the CLINT's MTIMER at 10 MHz",
      banner_line("Platform Timer Device", "aclint-mtimer @ 10000000Hz"))
check("console device: the NS16550A", banner_line("Platform Console Device", "uart8250"))
check("reboot device: the SiFive test device", banner_line("Platform Reboot Device", "sifive_test"))
check("shutdown device: the SiFive test device",
      banner_line("Platform Shutdown Device", "sifive_test"))
check("next stage at 0x80200000", banner_line("Domain0 Next Address", "0x0000000080200000"))
check("next mode S", banner_line("Domain0 Next Mode", "S-mode"))
check("PMP: 16 entries", banner_line("Boot HART PMP Count", "16"))
check("S interrupts delegated", banner_line("Boot HART MIDELEG", "0x0000000000000222"))
check("U-Boot banner", wait_for("U-Boot 20"))
check("U-Boot sees the hart (mmu-type in the tree)", wait_for("CPU:"))
check("finds the UART from the device tree", wait_for("serial@10000000"))
check("autoboot countdown (timer through SBI)", wait_for("Hit any key to stop autoboot"))
type_line("")
check("prompt", wait_for("=> "))
type_line("version")
check("version answers", wait_for("U-Boot 20") and wait_for("=> "))
type_line("echo hello")
check("echo hello answers", wait_for("echo hello") and wait_for("hello"))
check("prompt again", wait_for("=> "))
type_line("poweroff")
try:
    status = proc.wait(timeout=60)
except subprocess.TimeoutExpired:
    proc.kill()
    status = None
check("poweroff ends the run with status 0", status == 0)
if not all(results):
    print("---- console ----")
    print(seen.decode(errors="replace"))
    print("---- stderr ----")
    print(proc.stderr.read().decode(errors="replace"))
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
