#!/usr/bin/env python3
"""Boot real firmware from Debian on hartlab and drive its console with a --script
(docs/ci.md): run `HARTLAB --script SCRIPT ARGS...` when every file named with --need is
installed, else skip (exit 77). The script's verdict is the test's: exit 0 passed, 1 a step
failed (its line says which), 2 the script or an option is wrong.

usage: boot_test.py HARTLAB SCRIPT [--need FILE:PACKAGE]... -- HARTLAB ARGS...
"""
import os
import subprocess
import sys

hartlab, script = sys.argv[1:3]
rest = sys.argv[3:]
split = rest.index("--")
needs, args = rest[:split], rest[split + 1:]
for k in range(0, len(needs), 2):
    path, package = needs[k + 1].split(":")
    if not os.path.exists(path):
        print(f"SKIP: {path} not found (Debian package {package})")
        sys.exit(77)
cmd = [hartlab, "--script", script] + args
print(" ".join(cmd), flush=True)
r = subprocess.run(cmd, stdin=subprocess.DEVNULL, timeout=600)
sys.exit(r.returncode)
