#!/usr/bin/env python3
"""--drive and the virtio devices from the command line.

Usage: drive_test.py HARTLAB VIRTIO_BLK.elf VIRTIO_BLK_HOLD.elf MKDISK.py MCU.elf

VIRTIO_BLK.elf is firmware-samples/virtio_blk.c (rv64): it counts boots in sector 1 of
the image, writes sectors 2-3 and reads them back. The HOLD build does the same and then
spins until it is signalled. Checks: a write made in one run is read in the next; readonly
refuses writes and leaves the file alone; snapshot keeps writes in memory; the image lock
refuses a second writer (and a snapshot reader) while a run holds it; SIGTERM and SIGINT
leave every acknowledged write in the file and release the lock; bad images, unknown
options and too many drives are one line and exit 2; --trace=virtio and --rng-seed are
deterministic. Each check prints one line; the last line is 'N passed, N failed'.
"""
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time

hartlab, elf, hold_elf, mkdisk, mcu_elf = sys.argv[1:6]
results = []
tmp = tempfile.mkdtemp(prefix="hartlab-drive-")


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def run(*args, timeout=60):
    return subprocess.run([hartlab, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def image(name, sectors=128):
    path = os.path.join(tmp, name)
    subprocess.run([sys.executable, mkdisk, path, str(sectors)], check=True)
    return path


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def sector(path, n):
    with open(path, "rb") as f:
        f.seek(512 * n)
        return f.read(512)


def boot_count(out):
    for line in out.splitlines():
        if line.startswith("boot count "):
            return int(line.split()[2])
    return None


def one_line_error(name, r, needle):
    """Exit 2 with one line naming the problem (option errors add the usage reminder, whose
    lines do not start with 'hartlab:')."""
    lines = [l for l in r.stderr.strip().splitlines() if l.startswith("hartlab:")]
    check(name, r.returncode == 2 and len(lines) == 1 and needle in lines[0] and r.stdout == "",
          f"status {r.returncode}, stderr {r.stderr!r}")


# Persistence: a write acknowledged in one run is read back in the next.
disk = image("disk.img")
r1 = run("--drive", disk, elf)
r2 = run("--drive", disk, elf)
check("first run passes", r1.returncode == 0 and "all checks passed" in r1.stdout, r1.stdout)
check("boot count 1, then 2: the next run reads what the first wrote",
      boot_count(r1.stdout) == 1 and boot_count(r2.stdout) == 2,
      f"{boot_count(r1.stdout)}, {boot_count(r2.stdout)}")
check("the file holds the boot count", sector(disk, 1)[:4] == (2).to_bytes(4, "little"),
      sector(disk, 1)[:4])
want = bytes((i * 13 + 2) & 0xFF for i in range(1024))
check("the file holds sectors 2-3 as written", sector(disk, 2) + sector(disk, 3) == want)

# readonly: VIRTIO_BLK_F_RO, writes fail with IOERR, the file never changes.
ro = image("ro.img")
before = digest(ro)
r = run("--drive", ro + ",readonly", elf)
check("readonly: writes fail (status 1) and the sample says so",
      r.returncode == 1 and "write sector 1: status 1" in r.stdout and "FAILED" in r.stdout,
      r.stdout)
check("readonly: the file is unchanged", digest(ro) == before)

# snapshot: writes are seen by the guest during the run, never by the file.
snap = image("snap.img")
before = digest(snap)
r1 = run("--drive", snap + ",snapshot", elf)
r2 = run("--drive", snap + ",snapshot", elf)
check("snapshot: the guest reads its own writes", r1.returncode == 0
      and "all checks passed" in r1.stdout, r1.stdout)
check("snapshot: every run starts from the file", boot_count(r1.stdout) == 1
      and boot_count(r2.stdout) == 1)
check("snapshot: the file is unchanged", digest(snap) == before)


def start_hold(path):
    p = subprocess.Popen([hartlab, "--drive", path, hold_elf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    out = ""
    deadline = time.time() + 60
    while "holding" not in out and time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        out += line
    return p, out


# The lock, and the flush on a signal, for SIGTERM and SIGINT.
for sig in (signal.SIGTERM, signal.SIGINT):
    name = signal.Signals(sig).name
    held = image(f"held-{name}.img")
    p, out = start_hold(held)
    check(f"{name}: the holding run got going", "holding" in out and boot_count(out) == 1, out)
    r = run("--drive", held, elf)
    one_line_error(f"{name}: a second writer is refused while the image is held", r, "in use")
    r = run("--drive", held + ",snapshot", elf)
    one_line_error(f"{name}: so is a snapshot reader", r, "in use")
    p.send_signal(sig)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    # Issue 12 item 4: the run stops at an instruction boundary, then exit 128 + signal.
    check(f"{name}: hartlab stops on the signal, exit 128 + {int(sig)}", p.returncode == 128 + sig,
          p.returncode)
    check(f"{name}: the acknowledged writes are in the file",
          sector(held, 1)[:4] == (1).to_bytes(4, "little")
          and sector(held, 2) + sector(held, 3) == bytes((i * 13 + 1) & 0xFF for i in range(1024)))
    r = run("--drive", held, elf)
    check(f"{name}: the lock is gone with the process", r.returncode == 0
          and boot_count(r.stdout) == 2, r.stderr)

# Bad images and options: one line, exit 2, before anything runs.
one_line_error("missing image", run("--drive", os.path.join(tmp, "nope.img"), elf),
               "No such file")
odd = os.path.join(tmp, "odd.img")
with open(odd, "wb") as f:
    f.write(b"x" * 1000)
one_line_error("image not a whole number of sectors", run("--drive", odd, elf), "512-byte")
one_line_error("a directory", run("--drive", tmp, elf), "Is a directory")
one_line_error("a directory, readonly", run("--drive", tmp + ",readonly", elf),
               "not a regular file")
one_line_error("unknown drive option", run("--drive", disk + ",cache=none", elf),
               "unknown option 'cache=none'")
one_line_error("--drive on a board without virtio slots",
               run("--board", "mcu", "--drive", disk + ",snapshot", mcu_elf), "virtio-mmio slot")
nine = []
for k in range(9):
    nine += ["--drive", image(f"n{k}.img", 8) + ",snapshot"]
one_line_error("nine drives", run(*nine, elf), "at most 8")
one_line_error("bad --rng-seed", run("--rng-seed", "lots", elf), "lots")

# --trace=virtio: every notification, request and interrupt, cycle-stamped, repeatable.
traces = []
for k in range(2):
    path = os.path.join(tmp, f"trace{k}.txt")
    r = run("--trace=virtio:" + path, "--drive", snap + ",snapshot", elf)
    with open(path) as f:
        traces.append(f.read())
t = traces[0]
check("--trace=virtio shows notifications, requests, completions and interrupts",
      "notify queue 0" in t and "read sector 0 len 512 -> OK" in t
      and "write sector 2 len 1024 -> OK" in t and "flush" in t and "get-id" in t
      and "-> IOERR" in t and "used queue 0 chain 0 len 513" in t
      and "interrupt status 0x1" in t and "rng request queue 0 chain 0: entropy len 16" in t, t)
check("--trace=virtio is the same every run", traces[0] == traces[1])

# Entropy: the same bytes for the same seed, other bytes for another, host on request.
def rng_line(*args):
    r = run(*args, "--drive", snap + ",snapshot", elf)
    return next((l for l in r.stdout.splitlines() if l.startswith("virtio-rng")), None)


a, b, c = rng_line(), rng_line("--rng-seed", "0"), rng_line("--rng-seed", "7")
check("--rng-seed: default is seed 0, and repeats", a is not None and a == b, (a, b))
check("--rng-seed 7 gives other bytes", c is not None and c.split(":")[-1] != a.split(":")[-1])
check("--rng-seed host works", rng_line("--rng-seed", "host") is not None)
check("--no-rng: no entropy device", rng_line("--no-rng") is None)

passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
