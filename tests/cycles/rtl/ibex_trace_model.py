#!/usr/bin/env python3
"""ibex_trace_model.py TRACE: check a per-instruction timing table for Ibex (small
configuration, single-cycle memory) against an execution trace of Ibex's RTL, instruction
by instruction (tests/cycles/README.md).

Ibex's tracer (rtl/ibex_tracer.sv, enabled by RVFI in simple_system) writes one line per
retired instruction, tab-separated: time, cycle, pc, encoding, mnemonic, operands, and the
registers and memory it read and wrote (e.g. "x10:0x00100ef8 PA:0x00100ef9"). The cycles
between one instruction's retirement and the next are what the table below must predict;
this prints the instructions where it does not, grouped, and the totals.

The table (derived from Ibex's doc/03_reference/pipeline_details.rst and checked here):
  - every instruction: 1 cycle;
  - loads and stores: 2 (one stall for the data response), +1 when the access crosses a
    32-bit word (Ibex splits it into two bus transactions);
  - mul: 3; mulh, mulhu, mulhsu: 4 (the fast multiplier);
  - div, divu, rem, remu: 37; 2 when the divisor is zero;
  - a taken conditional branch: 2, and 1 more before the next instruction (fetch restarts
    at the target); not taken: 1;
  - jal, jalr: 2;
  - after any change of flow (taken branch, jump, trap entry, mret), +1 when the first
    instruction there is a 32-bit one starting 2 bytes into a word (two fetches);
  - trap entry (an ecall does not retire): +2 on the handler's first instruction; mret:
    +2 on the instruction it returns to.
Not covered: CSR writes that flush the pipeline (writes to mtvec, mstatus, ...), memory
with wait states, interrupts.
"""
import collections
import re
import sys

LOADSTORE = {"lw": 4, "lh": 2, "lhu": 2, "lb": 1, "lbu": 1, "sw": 4, "sh": 2, "sb": 1,
             "c.lw": 4, "c.sw": 4, "c.lwsp": 4, "c.swsp": 4}
BRANCH = {"beq", "bne", "blt", "bge", "bltu", "bgeu", "c.beqz", "c.bnez"}
JUMP = {"jal", "jalr", "c.j", "c.jal", "c.jr", "c.jalr"}
FIXED = {"mul": 3, "mulh": 4, "mulhu": 4, "mulhsu": 4}
DIVIDE = {"div", "divu", "rem", "remu"}


def read_trace(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 5 or not f[1].strip().isdigit():
            continue
        # time, cycle, pc, encoding, mnemonic[, operands, effects]
        mnemonic = f[4].strip()
        effects = "\t".join(f[5:])
        rows.append({"cycle": int(f[1]), "pc": int(f[2], 16), "len": len(f[3].strip()) * 4,
                     "op": mnemonic, "fx": effects})
    return rows


def reads(fx):
    """Register values read, in order: [(reg, value)]."""
    return [(int(r), int(v, 16)) for r, v in re.findall(r"\bx(\d+):0x([0-9a-f]+)", fx)]


def predict(rows, i):
    r = rows[i]
    op, k = r["op"], 1
    if op in LOADSTORE:
        k = 2
        pa = re.search(r"PA:0x([0-9a-f]+)", r["fx"])
        if pa and (int(pa.group(1), 16) % 4) + LOADSTORE[op] > 4:
            k += 1
    elif op in FIXED:
        k = FIXED[op]
    elif op in DIVIDE:
        regs = reads(r["fx"])
        k = 2 if len(regs) >= 2 and regs[1][1] == 0 else 37
    elif op in BRANCH:
        taken = i + 1 < len(rows) and rows[i + 1]["pc"] != r["pc"] + r["len"] // 8
        k = 2 if taken else 1
    elif op in JUMP:
        k = 2
    if i > 0:
        p = rows[i - 1]
        if r["pc"] != p["pc"] + p["len"] // 8:  # fetch was redirected
            if p["op"] in BRANCH:
                k += 1
            elif p["op"] == "mret":
                k += 2
            elif p["op"] not in JUMP:
                k += 2  # a trap was taken (the trapping instruction did not retire)
            if r["len"] == 32 and r["pc"] % 4 == 2:
                k += 1
    return k


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ibex_trace_model.py TRACE (trace_core_00000000.log)")
    rows = read_trace(sys.argv[1])
    if len(rows) < 2:
        sys.exit("ibex_trace_model.py: no instructions in the trace")
    misses = collections.Counter()
    model = rtl = 0
    for i in range(1, len(rows)):
        actual = rows[i]["cycle"] - rows[i - 1]["cycle"]
        guess = predict(rows, i)
        model += guess
        rtl += actual
        if guess != actual:
            p = rows[i - 1]
            misses[(p["op"], rows[i]["op"], actual, guess)] += 1
    print(f"{len(rows) - 1} instructions: RTL {rtl} cycles, table {model} "
          f"({100.0 * (model - rtl) / rtl:+.3f}%)")
    for (prev, op, actual, guess), n in misses.most_common():
        print(f"  {n:6} x {op} after {prev}: RTL {actual}, table {guess}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
