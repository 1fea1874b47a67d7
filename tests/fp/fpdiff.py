#!/usr/bin/env python3
"""Differential test of the F and D extensions: hartlab against QEMU, bit for bit.

Builds tests/fp/fpdiff.c for one XLEN with a seed and an operation count (the guest draws
random operations, rounding modes and edge-biased operands from the seed and prints one line
per operation: mnemonic, rm, frm, operands, result, fflags), runs the ELF on
qemu-system-riscv32/64 (virt, -bios none, semihosting to a file) and on hartlab
(--isa rv32gc/rv64gc), and compares the lines. Large counts are split into chunks of
--chunk operations with seeds SEED*100000+i, run two at a time. A mismatch prints the chunk
seed, the operation with its operands, and both results.

Exit status: 0 no mismatch, 1 mismatch or failure, 77 (meson's "skipped") when QEMU or the
RISC-V toolchain is missing.
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
FINISHER_LD = os.path.join(HERE, "..", "firmware", "bare.ld")


def build(cc, xlen, seed, count, path):
    arch = ["-march=rv64imafdc_zicsr", "-mabi=lp64d"] if xlen == 64 else \
           ["-march=rv32imafdc_zicsr", "-mabi=ilp32d"]
    libgcc = subprocess.run([cc, arch[0].replace("_zicsr", ""), arch[1],
                             "-print-libgcc-file-name"], capture_output=True, text=True,
                            check=True).stdout.strip()
    cmd = [cc] + arch + ["-O2", "-mcmodel=medany", "-nostdlib", "-nostartfiles",
                         "-ffreestanding", "-T", FINISHER_LD, "-Wl,--no-warn-rwx-segments",
                         f"-DSEED={seed}", f"-DCOUNT={count}",
                         os.path.join(HERE, "fpdiff.c"), libgcc, "-o", path]
    subprocess.run(cmd, check=True)


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"


def run_qemu(qemu, elf, timeout):
    out = elf + ".qemu.txt"
    if os.path.exists(out):
        os.unlink(out)
    status, _, err = run([qemu, "-machine", "virt", "-bios", "none", "-nographic",
                          "-monitor", "none", "-serial", "null", "-chardev",
                          f"file,id=semi,path={out}", "-semihosting-config",
                          "enable=on,target=native,chardev=semi", "-kernel", elf], timeout)
    text = open(out, errors="replace").read() if os.path.exists(out) else ""
    return status, text, err


def run_hartlab(hartlab, xlen, elf, timeout):
    return run([hartlab, f"--isa=rv{xlen}gc", elf], timeout)


def chunk(args, workdir, index, seed, count):
    elf = os.path.join(workdir, f"fpdiff-rv{args.xlen}-{seed}.elf")
    build(args.cc, args.xlen, seed, count, elf)
    qs, qtext, qerr = run_qemu(args.qemu, elf, args.timeout)
    hs, htext, herr = run_hartlab(args.hartlab, args.xlen, elf, args.timeout)
    report = []
    ql, hl = qtext.splitlines(), htext.splitlines()
    if qs != 0 or not ql or ql[-1] != "@done":
        report.append(f"seed {seed}: QEMU failed (status {qs}): {qerr.strip()[:500]}")
    if hs != 0 or not hl or hl[-1] != "@done":
        report.append(f"seed {seed}: hartlab failed (status {hs}): {herr.strip()[:500]}")
    mismatches = 0
    for n, (a, b) in enumerate(zip(ql, hl)):
        if a != b:
            mismatches += 1
            if mismatches <= args.show:
                # "op rm frm=F operands... -> result fl=FF": show the operation once and
                # both results.
                op, _, qres = a.partition(" -> ")
                _, _, hres = b.partition(" -> ")
                report.append(f"seed {seed} op #{n}: {op}\n    qemu:    {qres}\n"
                              f"    hartlab: {hres}")
    if len(ql) != len(hl) and not report:
        report.append(f"seed {seed}: {len(ql)} lines from QEMU, {len(hl)} from hartlab")
    compared = min(len(ql), len(hl)) - 1
    if not args.keep:
        for f in (elf, elf + ".qemu.txt"):
            if os.path.exists(f):
                os.unlink(f)
    return compared, mismatches, report


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hartlab", required=True)
    ap.add_argument("--xlen", type=int, choices=(32, 64), required=True)
    ap.add_argument("--count", type=int, default=5000, help="operations in all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=100000, help="operations per ELF")
    ap.add_argument("--cc", default="riscv64-unknown-elf-gcc")
    ap.add_argument("--qemu32", default="qemu-system-riscv32")
    ap.add_argument("--qemu64", default="qemu-system-riscv64")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=10, help="mismatches to print per chunk")
    ap.add_argument("--keep", action="store_true", help="keep the ELFs and QEMU outputs")
    args = ap.parse_args()
    args.qemu = getattr(args, f"qemu{args.xlen}")
    for tool in (args.qemu, args.cc):
        if not shutil.which(tool):
            print(f"fpdiff: {tool} not found; skipping")
            return SKIP

    chunks = []
    left, i = args.count, 0
    while left > 0:
        n = min(left, args.chunk)
        chunks.append((i, args.seed * 100000 + i, n))
        left -= n
        i += 1
    total = bad = 0
    failed = False
    with tempfile.TemporaryDirectory(prefix="fpdiff-") as workdir:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(chunk, args, workdir, *c) for c in chunks]
            for f in futs:
                compared, mismatches, report = f.result()
                total += compared
                bad += mismatches
                for line in report:
                    print(line)
                    failed = True
    print(f"fpdiff rv{args.xlen}: {total} operations compared, {bad} mismatches "
          f"(seed {args.seed})")
    return 1 if failed or bad or total < args.count else 0


if __name__ == "__main__":
    sys.exit(main())
