#!/usr/bin/env python3
"""Boot Debian's M-mode U-Boot for QEMU riscv64 on hartlab's virt board and use its console
as a person would: wait for the autoboot countdown and stop it, wait for the `=>` prompt,
type `version` and `echo hello`, check the answers, then `poweroff` (which U-Boot does
through the SiFive test device, so hartlab exits 0).

Usage: uboot_test.py HARTLAB [U-BOOT.BIN]   (exit 77 = skipped: image not installed)
"""
import os
import sys

from console import Console, uboot_prompt_session

hartlab = sys.argv[1]
image = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/u-boot/qemu-riscv64/u-boot.bin"
if not os.path.exists(image):
    print(f"SKIP: {image} not found (Debian package u-boot-qemu)")
    sys.exit(77)

con = Console([hartlab, "--bios", image, "--max-cycles", "4000000000"], timeout=60)
con.check("U-Boot banner", con.wait_for("U-Boot 20"))
con.check("finds the UART from the device tree", con.wait_for("serial@10000000"))
uboot_prompt_session(con)
sys.exit(con.finish())
