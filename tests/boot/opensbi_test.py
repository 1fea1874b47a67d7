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
import sys

from console import Console, uboot_prompt_session

hartlab = sys.argv[1]
bios = sys.argv[2] if len(sys.argv) > 2 else \
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf"
kernel = sys.argv[3] if len(sys.argv) > 3 else "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
for path, package in ((bios, "opensbi"), (kernel, "u-boot-qemu")):
    if not os.path.exists(path):
        print(f"SKIP: {path} not found (Debian package {package})")
        sys.exit(77)

con = Console([hartlab, "--board", "virt", "--bios", bios, "--kernel", kernel,
               "--max-cycles", "6000000000"])
con.check("OpenSBI banner", con.wait_for("OpenSBI v"))
con.check("IPI device: the CLINT's MSWI", con.line_after("Platform IPI Device", "aclint-mswi"))
con.check("timer device: the CLINT's MTIMER at 10 MHz",
      con.line_after("Platform Timer Device", "aclint-mtimer @ 10000000Hz"))
con.check("console device: the NS16550A", con.line_after("Platform Console Device", "uart8250"))
con.check("reboot device: the SiFive test device", con.line_after("Platform Reboot Device", "sifive_test"))
con.check("shutdown device: the SiFive test device",
      con.line_after("Platform Shutdown Device", "sifive_test"))
con.check("next stage at 0x80200000", con.line_after("Domain0 Next Address", "0x0000000080200000"))
con.check("next mode S", con.line_after("Domain0 Next Mode", "S-mode"))
con.check("PMP: 16 entries", con.line_after("Boot HART PMP Count", "16"))
con.check("S interrupts delegated", con.line_after("Boot HART MIDELEG", "0x0000000000000222"))
con.check("U-Boot banner", con.wait_for("U-Boot 20"))
con.check("U-Boot sees the hart (mmu-type in the tree)", con.wait_for("CPU:"))
con.check("finds the UART from the device tree", con.wait_for("serial@10000000"))
uboot_prompt_session(con)  # the countdown runs on the SBI timer through the CLINT
sys.exit(con.finish())
