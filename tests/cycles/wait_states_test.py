#!/usr/bin/env python3
"""Flash wait states from the device tree (docs/cycles.md): a board whose flash node says
`hartlab,fetch-wait-states = <N>` makes every instruction fetched from it cost N cycles
more, on any core timing; a bad value is one error line and exit status 2.

Usage: wait_states_test.py HARTLAB MCU.dts
Runs a two-instruction loop (addi; j) loaded into the mcu board's flash at 0x20000000.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

hartlab, mcu_dts = sys.argv[1:3]
tmp = tempfile.mkdtemp(prefix="hartlab-ws-")
loop = os.path.join(tmp, "loop.bin")
with open(loop, "wb") as f:
    f.write(struct.pack("<II", 0x00150513, 0xFFDFF06F))  # addi a0, a0, 1; j .-4
base = open(mcu_dts).read()
results = []


def board(prop):
    path = os.path.join(tmp, f"ws{len(results)}.dts")
    with open(path, "w") as f:
        f.write(base.replace('compatible = "hartlab,rom";',
                             'compatible = "hartlab,rom";\n\t\t\t' + prop))
    return path


def cycles(dts, cpu):
    r = subprocess.run([hartlab, "--board", dts, "--cpu", cpu, "-v", "--max-insns", "1000",
                        "--load", loop + "@0x20000000"], capture_output=True, text=True,
                       timeout=60)
    last = [x for x in r.stderr.splitlines() if "instruction limit" in x]
    if r.returncode != 124 or not last:
        return f"status {r.returncode}: {r.stderr.strip()}"
    return int(last[0].split(", ")[-1].split()[0])


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


for cpu, plain in (("simple", 1500), ("ibex", 1500), ("e31", 1003)):
    got0 = cycles(board("hartlab,fetch-wait-states = <0>;"), cpu)
    got2 = cycles(board("hartlab,fetch-wait-states = <2>;"), cpu)
    check(f"{cpu}: no wait states", got0 == plain, got0)
    check(f"{cpu}: 2 wait states cost 2 per instruction", got2 == plain + 2000, got2)
r = subprocess.run([hartlab, "--board", board("hartlab,fetch-wait-states = <1 2>;"),
                    "--load", loop + "@0x20000000"], capture_output=True, text=True, timeout=60)
check("a bad hartlab,fetch-wait-states", r.returncode == 2
      and "hartlab,fetch-wait-states" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
      f"status {r.returncode}, {r.stderr!r}")
shutil.rmtree(tmp)
passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if all(results) else 1)
