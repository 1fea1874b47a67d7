#!/usr/bin/env python3
"""Debian's M-mode U-Boot for QEMU riscv64 as a virtio-blk client on hartlab's virt board.

Makes a 256 KiB ext2 image with `mke2fs -d` holding /hello.txt, runs U-Boot on it as a
writable --drive with uboot_virtio.script driving its console (virtio info, ls, load,
virtio write and read back, poweroff), then checks that the block U-Boot wrote (sector
0x1ff, the file's first bytes) is in the image file.

Usage: uboot_virtio_test.py HARTLAB SCRIPT [U-BOOT.BIN]   (exit 77: no U-Boot or mke2fs)
"""
import os
import shutil
import subprocess
import sys
import tempfile

hartlab, script = sys.argv[1:3]
image = sys.argv[3] if len(sys.argv) > 3 else "/usr/lib/u-boot/qemu-riscv64/u-boot.bin"
if not os.path.exists(image) or not shutil.which("mke2fs"):
    print(f"SKIP: needs {image} (Debian package u-boot-qemu) and mke2fs (e2fsprogs)")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="hartlab-uboot-virtio-")
root = os.path.join(tmp, "root")
os.makedirs(root)
text = b"hello from an ext2 file on virtio-blk\n"
with open(os.path.join(root, "hello.txt"), "wb") as f:
    f.write(text)
disk = os.path.join(tmp, "disk.img")
subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-N", "16", "-d", root, disk,
                "256K"], check=True)
cmd = [hartlab, "--script", script, "--bios", image, "--drive", disk]
print(" ".join(cmd), flush=True)
r = subprocess.run(cmd, stdin=subprocess.DEVNULL, timeout=600)
with open(disk, "rb") as f:
    f.seek(0x1FF * 512)
    block = f.read(512)
in_file = block.startswith(text)
print(("ok   " if in_file else "FAIL ") + "the block U-Boot wrote is in the image file")
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(r.returncode if r.returncode != 0 else (0 if in_file else 1))
