#!/usr/bin/env python3
"""Boot Linux on hartlab with its root file system on a virtio-blk drive, twice.

Usage: boot_test.py [--smp N] HARTLAB KERNEL_IMAGE FW_JUMP INIT_ELF

With --smp N every boot has N harts, and the kernel (an SMP one, as hartlab.config builds)
must bring them all up, the others through OpenSBI's hart state management:
"smp: Brought up 1 node, N CPUs" ("1 CPU" for one).

KERNEL_IMAGE is tests/linux/build-kernel.sh's Image (a missing one skips the test: exit
77); FW_JUMP is Debian's OpenSBI fw_jump.elf; INIT_ELF is tests/linux/init.c. The root file
system is an ext2 image made here with `mke2fs -d` holding /sbin/init, /dev and /proc.
Checks: the kernel finds the virtio-blk disk and the virtio-rng, mounts the ext2 root
read-write and runs init, which writes /note and /boot-count, syncs, reads them back and
powers off (exit status 0); the next boot reads what the first wrote; a snapshot boot
changes nothing in the file; e2fsck finds the file system clean; the same boot twice gives
the same console output (virtual time: the kernel's timestamps too).
Each check prints one line; the last line is 'N passed, N failed'.
"""
import os
import shutil
import subprocess
import sys
import tempfile

argv = sys.argv[1:]
smp = None
if argv[:1] == ["--smp"]:
    smp = int(argv[1])
    argv = argv[2:]
hartlab, kernel, fw_jump, init = argv[:4]
if not os.path.exists(kernel):
    print(f"SKIP: no kernel at {kernel}: build it with tests/linux/build-kernel.sh "
          "(scripts/test.sh does)")
    sys.exit(77)
results = []
tmp = tempfile.mkdtemp(prefix="hartlab-linux-")
BOOTARGS = ["root=/dev/vda", "rw", "console=ttyS0", "earlycon"]
TIMEOUT = 300


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def boot(disk, opts=""):
    cmd = [hartlab] + (["--smp", str(smp)] if smp else []) + [
           "--bios", fw_jump, "--kernel", kernel, "--drive", disk + opts,
           "--max-cycles", "20000000000", "--", *BOOTARGS]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                       stdin=subprocess.DEVNULL)
    return p.stdout, p.stderr, p.returncode


root = os.path.join(tmp, "root")
for d in ("dev", "proc", "sbin"):
    os.makedirs(os.path.join(root, d))
shutil.copy(init, os.path.join(root, "sbin", "init"))
os.chmod(os.path.join(root, "sbin", "init"), 0o755)
disk = os.path.join(tmp, "root.img")
subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-L", "hartlab", "-d", root,
                disk, "4M"], check=True)

out1, err1, st1 = boot(disk)
print("--- first boot (console):\n" + out1 + "--- stderr:\n" + err1)
check("first boot powers off with exit status 0", st1 == 0, st1)
if smp:
    cpus = f"{smp} CPU" + ("s" if smp > 1 else "")
    check(f"the kernel brings up {cpus}", f"smp: Brought up 1 node, {cpus}\n" in out1,
          out1[-600:])
check("the kernel finds the virtio-blk disk",
      "virtio_blk virtio0: [vda] 8192 512-byte logical blocks" in out1)
check("the ext2 root is mounted from it", "VFS: Mounted root (ext2 filesystem)" in out1)
check("init runs and counts boot 1", "hartlab-init: started" in out1 and "boot 1\n" in out1
      and "no previous note" in out1)
check("init reads its write back", "note read back: written by boot 1" in out1)
check("virtio-rng feeds /dev/hwrng", "hwrng: " in out1)
check("no guest error", "guest error" not in err1, err1)

out2, err2, st2 = boot(disk)
print("--- second boot (console):\n" + out2)
check("second boot exits 0", st2 == 0, st2)
check("the second boot reads what the first wrote",
      "boot 2\n" in out2 and "previous note: written by boot 1" in out2, out2[-400:])

before = open(disk, "rb").read()
out3, _, st3 = boot(disk, ",snapshot")
check("a snapshot boot runs (boot 3 in memory)", st3 == 0 and "boot 3\n" in out3)
check("a snapshot boot leaves the image as it was", open(disk, "rb").read() == before)

out4, _, st4 = boot(disk)
check("after the snapshot boot the file still says boot 2", st4 == 0 and "boot 3\n" in out4
      and "previous note: written by boot 2" in out4)
fsck = subprocess.run(["e2fsck", "-f", "-n", disk], capture_output=True, text=True)
check("e2fsck: the file system is clean", fsck.returncode == 0, fsck.stdout + fsck.stderr)

# Determinism: the same image and options give the same console, timestamps included.
again = os.path.join(tmp, "again.img")
shutil.copy(disk, again)
out5, _, _ = boot(again, ",snapshot")
out6, _, _ = boot(again, ",snapshot")
check("two identical boots print identical consoles", out5 == out6 and "boot 4\n" in out5, (len(out5), len(out6)))

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(0 if passed == len(results) else 1)
