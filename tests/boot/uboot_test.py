#!/usr/bin/env python3
"""Boot Debian's M-mode U-Boot for QEMU riscv64 on hartlab's virt board and use its console
as a person would: wait for the autoboot countdown and stop it, wait for the `=>` prompt,
type `version` and `echo hello`, check the answers, then `poweroff` (which U-Boot does
through the SiFive test device, so hartlab exits 0).

Usage: uboot_test.py HARTLAB [U-BOOT.BIN]   (exit 77 = skipped: image not installed)
"""
import os
import subprocess
import sys
import time

hartlab = sys.argv[1]
image = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/u-boot/qemu-riscv64/u-boot.bin"
if not os.path.exists(image):
    print(f"SKIP: {image} not found (Debian package u-boot-qemu)")
    sys.exit(77)

proc = subprocess.Popen([hartlab, "--bios", image, "--max-insns", "2000000000"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.set_blocking(proc.stdout.fileno(), False)
seen = b""
cursor = 0  # console text before this has been matched already
results = []


def wait_for(text, timeout=60):
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


def type_line(line):
    try:
        proc.stdin.write(line.encode() + b"\n")
        proc.stdin.flush()
    except BrokenPipeError:
        pass  # hartlab has ended; the checks report it


def check(name, cond):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name)


check("U-Boot banner", wait_for("U-Boot 20"))
check("finds the UART from the device tree", wait_for("serial@10000000"))
check("autoboot countdown", wait_for("Hit any key to stop autoboot"))
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
