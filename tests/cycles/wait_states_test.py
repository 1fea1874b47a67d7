#!/usr/bin/env python3
"""Memory latency per region from the device tree (docs/cycles.md): a board whose flash node
says `hartlab,fetch-wait-states = <N>` makes every instruction fetched from it cost N cycles
more, and a memory or device node saying `hartlab,access-wait-states = <LOAD STORE>` makes
every load / store there cost that much more, on any core timing; a bad value is one error
line and exit status 2.

Usage: wait_states_test.py HARTLAB MCU.dts
Runs small loops (addi; j, and lw; j) loaded into the mcu board's flash at 0x20000000.
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


loads = {}
for name, lui in (("gpio", 0x100125B7), ("ram", 0x800005B7)):  # lui a1, 0x10012 / 0x80000
    loads[name] = os.path.join(tmp, f"load-{name}.bin")
    with open(loads[name], "wb") as f:  # lui; loop: lw a0, 0(a1); j .-4
        f.write(struct.pack("<III", lui, 0x0005A503, 0xFFDFF06F))


def board(prop, anchor='compatible = "hartlab,rom";'):
    path = os.path.join(tmp, f"ws{len(results)}-{len(os.listdir(tmp))}.dts")
    assert anchor in base
    with open(path, "w") as f:
        f.write(base.replace(anchor, anchor + "\n\t\t\t" + prop))
    return path


def cycles(dts, cpu, prog=loop, insns=1000):
    r = subprocess.run([hartlab, "--board", dts, "--cpu", cpu, "-v", "--max-insns", str(insns),
                        "--load", prog + "@0x20000000"], capture_output=True, text=True,
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
# Loads: 500 rounds of lw; j after the lui. simple: 1 + 500 * (2 + 2); e31: 1 + 500 * 2 + the
# jump's first misprediction (3).
GPIO = 'compatible = "sifive,gpio0";'
MEM = 'device_type = "memory";'
for cpu, plain in (("simple", 2001), ("e31", 1004)):
    for name, anchor in (("gpio", GPIO), ("ram", MEM)):
        got0 = cycles(board("", anchor), cpu, loads[name], 1001)
        got = cycles(board("hartlab,access-wait-states = <4 9>;", anchor), cpu, loads[name], 1001)
        both = cycles(board("hartlab,access-wait-states = <3>;", anchor), cpu, loads[name], 1001)
        other = cycles(board("hartlab,access-wait-states = <4 9>;",
                             MEM if name == "gpio" else GPIO), cpu, loads[name], 1001)
        check(f"{cpu}: loads from {name}, no wait states", got0 == plain, got0)
        check(f"{cpu}: 4 load wait states on {name} cost 4 per load", got == plain + 2000, got)
        check(f"{cpu}: <3> on {name} costs 3 per load", both == plain + 1500, both)
        check(f"{cpu}: wait states elsewhere cost {name}'s loads nothing", other == plain, other)
for bad in ("<1 2 3>", "<256>", "<0 300>"):
    r = subprocess.run([hartlab, "--board", board(f"hartlab,access-wait-states = {bad};", GPIO),
                        "--load", loop + "@0x20000000"], capture_output=True, text=True,
                       timeout=60)
    check(f"a bad hartlab,access-wait-states {bad}", r.returncode == 2
          and "hartlab,access-wait-states" in r.stderr
          and len(r.stderr.strip().splitlines()) == 1, f"status {r.returncode}, {r.stderr!r}")
r = subprocess.run([hartlab, "--board", board("hartlab,fetch-wait-states = <1 2>;"),
                    "--load", loop + "@0x20000000"], capture_output=True, text=True, timeout=60)
check("a bad hartlab,fetch-wait-states", r.returncode == 2
      and "hartlab,fetch-wait-states" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
      f"status {r.returncode}, {r.stderr!r}")
shutil.rmtree(tmp)
passed = sum(results)
print(f"{passed} passed, {len(results) - passed} failed")
sys.exit(0 if all(results) else 1)
