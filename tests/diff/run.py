#!/usr/bin/env python3
"""Differential test: random instruction sequences on hartlab and on QEMU, compared.

Builds one program per batch of sequences (gen.py), runs it on qemu-system-riscv32/64
(`-machine virt -bios none`, semihosting to a file) and on hartlab, and compares the
per-sequence dumps of x1..x31, mscratch and the 256-byte data region. For each differing
sequence it rebuilds that sequence cut after k = 0..n units (one program holding every
prefix), runs both again, and reports the first unit whose prefix differs: its assembly,
the values of the registers it names before it ran, and every differing register and
memory word after it. The seed and a command that reproduces the sequence are printed.

Exit status: 0 all sequences agree, 1 any difference or failure, 77 (meson's "skipped")
when QEMU or the RISC-V toolchain is missing.
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

SKIP = 77


class RunResult:
    def __init__(self, lines, status, log):
        self.lines = lines  # the "@..." lines the program printed
        self.status = status  # exit status, or None on timeout
        self.log = log  # everything else it printed, for error reports


# Everything in RAM at QEMU virt's (and hartlab's virt board's) 0x80000000, entry first; no
# ELF headers inside a loaded segment.
LINKER_SCRIPT = """ENTRY(_start)
SECTIONS
{
  . = 0x80000000;
  .text : { *(.text .text.*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.* .sdata .sdata.*) }
  .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }
}
"""


def build(cc, asm, xlen, path):
    src = path + ".S"
    with open(src, "w") as f:
        f.write(asm)
    ld = path + ".ld"
    with open(ld, "w") as f:
        f.write(LINKER_SCRIPT)
    # No linker relaxation: it would turn `la` into gp-relative code, and gp is random here.
    cmd = [cc, f"-march=rv{xlen}imac_zicsr_zifencei", "-mabi=" + ("lp64" if xlen == 64 else "ilp32"),
           "-mno-relax", "-nostdlib", "-nostartfiles", "-static", "-Wl,--no-relax",
           "-T", ld, "-Wl,--build-id=none", "-o", path, src]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"diff: assembling {src} failed:\n{p.stderr[:4000]}")
    return path


def _collect(text):
    lines = [ln for ln in text.splitlines() if ln.startswith("@")]
    rest = "\n".join(ln for ln in text.splitlines() if not ln.startswith("@"))
    return lines, rest


def run_cmd(cmd, timeout):
    """(exit status or None on timeout, stdout+stderr). A timeout ends the whole process
    group, so a simulator started by a wrapper script does not outlive it."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        status = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        status = None
        out += f"\n(timed out after {timeout:g} s)\n".encode()
    return status, out.decode(errors="replace")


def run_qemu(qemu, elf, timeout, side="qemu", cpu=None):
    out = f"{elf}.{side}.txt"
    if os.path.exists(out):
        os.unlink(out)
    cmd = [qemu, "-machine", "virt", "-bios", "none", "-nographic", "-monitor", "none",
           "-serial", "null", "-chardev", f"file,id=semi,path={out}",
           "-semihosting-config", "enable=on,target=native,chardev=semi", "-kernel", elf]
    if cpu:
        cmd += ["-cpu", cpu]
    status, log = run_cmd(cmd, timeout)
    text = open(out, errors="replace").read() if os.path.exists(out) else ""
    lines, _ = _collect(text)
    return RunResult(lines, status, log)


def run_hartlab(hartlab_cmd, elf, timeout):
    status, out = run_cmd(hartlab_cmd + [elf], timeout)
    lines, rest = _collect(out)
    return RunResult(lines, status, rest)


def run_both(args, elf):
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        q = ex.submit(run_qemu, args.qemu, elf, args.timeout)
        h = ex.submit(run_hartlab, args.hartlab_cmd, elf, args.timeout)
        return q.result(), h.result()


# --- parsing and describing dumps --------------------------------------------------------

def parse_dump(line):
    """("D", x1..x31 + [mscratch, ecall/ebreak count, last mcause, last mepc], region bytes) or ("T", [mcause, mepc, mtval], b"")."""
    f = line.split()
    if f[0] == "@D" and len(f) == 37:
        return "D", [int(v, 16) for v in f[1:36]], bytes.fromhex(f[36])
    if f[0] == "@T" and len(f) == 4:
        return "T", [int(v, 16) for v in f[1:4]], b""
    return "?", [], b""


DUMP_EXTRA = ["mscratch", "traps", "mcause", "mepc"]


def reg_name(i):
    return DUMP_EXTRA[i - 31] if i >= 31 else f"x{i + 1}"


def describe(line):
    kind, vals, _ = parse_dump(line)
    if kind == "T":
        return f"trap: mcause={vals[0]:#x} mepc={vals[1]:#x} mtval={vals[2]:#x}"
    if kind == "?":
        return f"unparsable output {line[:80]!r}"
    return "ran the sequence to its end"


def diff_lines(qline, hline, xlen):
    """Human-readable list of the differences between two dump lines."""
    if qline is None or hline is None:
        return [f"qemu:    {describe(qline) if qline else 'no output for this sequence'}",
                f"hartlab: {describe(hline) if hline else 'no output for this sequence'}"]
    qk, qv, qm = parse_dump(qline)
    hk, hv, hm = parse_dump(hline)
    if qk != "D" or hk != "D":
        return [f"qemu:    {describe(qline)}", f"hartlab: {describe(hline)}"]
    w = xlen // 4
    out = []
    for i, (a, b) in enumerate(zip(qv, hv)):
        if a != b:
            out.append(f"{reg_name(i):>8}: qemu={a:#0{w + 2}x} hartlab={b:#0{w + 2}x}")
    for off in range(0, len(qm), 8):
        a, b = qm[off:off + 8], hm[off:off + 8]
        if a != b:
            out.append(f"region+{off:#05x} (bytes, address order): qemu={a.hex()} hartlab={b.hex()}")
    return out


def reg_values(line, regs, xlen):
    kind, vals, _ = parse_dump(line)
    if kind != "D":
        return []
    w = xlen // 4
    return [f"x{r}={vals[r - 1]:#0{w + 2}x}" for r in sorted(regs) if r != 0]


# --- the test ----------------------------------------------------------------------------

def localise(args, seq, index, workdir):
    """Run every prefix of `seq` on both; report the first unit after which they differ."""
    n = len(seq.units)
    entries = [(seq, seq.units[:k]) for k in range(n + 1)]
    elf = build(args.cc, gen.program_asm(args.xlen, entries), args.xlen,
                os.path.join(workdir, f"seq{index}-prefixes.elf"))
    q, h = run_both(args, elf)
    for k in range(n + 1):
        ql = q.lines[k] if k < len(q.lines) else None
        hl = h.lines[k] if k < len(h.lines) else None
        if ql != hl:
            break
    else:
        print("  could not localise: every prefix agrees when run on its own "
              "(the difference depends on what ran before this sequence)")
        return None
    if k == 0:
        print("  the states differ before any generated instruction ran (set-up or dump code)")
        for d in diff_lines(ql, hl, args.xlen):
            print("    " + d)
        return None
    unit = seq.units[k - 1]
    text = "; ".join(ln.strip() for ln in unit.splitlines() if not ln.startswith(".option"))
    print(f"  first differing instruction: #{k - 1} of {n}: {text}")
    regs = {int(r) for r in re.findall(r"\bx(\d+)\b", unit)}
    before = reg_values(q.lines[k - 1], regs, args.xlen)
    if before:
        print(f"  before it (both): {' '.join(before)}")
    print("  after it:")
    for d in diff_lines(ql, hl, args.xlen):
        print("    " + d)
    if args.verbose:
        print("  sequence:")
        for j, u in enumerate(seq.units):
            mark = "=>" if j == k - 1 else "  "
            print(f"   {mark}{j:3}: " + "; ".join(ln.strip() for ln in u.splitlines()
                                                   if not ln.startswith(".option")))
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300, help="sequences per XLEN")
    ap.add_argument("--xlen", type=int, choices=(32, 64), action="append",
                    help="32 or 64; repeatable; default both")
    ap.add_argument("--hartlab", help="hartlab binary (or a command line, split like a shell)")
    ap.add_argument("--qemu-vs-qemu", action="store_true",
                    help="no hartlab: run QEMU on both sides (checks the harness itself)")
    ap.add_argument("--selftest", action="store_true",
                    help="check the harness: QEMU against itself must agree, and against a "
                         "QEMU without the M extension must differ at an M instruction")
    ap.add_argument("--inject-cpu", metavar="CPU",
                    help="with --qemu-vs-qemu: run the second QEMU with -cpu CPU (e.g. "
                         "rv64,m=false) to see how a difference is reported")
    ap.add_argument("--qemu32", default="qemu-system-riscv32")
    ap.add_argument("--qemu64", default="qemu-system-riscv64")
    ap.add_argument("--cc", default="riscv64-unknown-elf-gcc")
    ap.add_argument("--only", type=int, help="run just sequence ONLY of this seed")
    ap.add_argument("--batch", type=int, default=1000, help="sequences per program")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per simulator run")
    ap.add_argument("--max-report", type=int, default=5,
                    help="localise at most this many differing sequences per XLEN")
    ap.add_argument("--keep", help="keep the generated programs and outputs in this folder")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the whole sequence")
    args = ap.parse_args()

    xlens = args.xlen or [32, 64]
    if not shutil.which(args.cc):
        print(f"diff: {args.cc} not found; skipping")
        return SKIP
    for x in xlens:
        if not shutil.which(getattr(args, f"qemu{x}")):
            print(f"diff: {getattr(args, f'qemu{x}')} not found; skipping")
            return SKIP
    if not args.hartlab and not args.qemu_vs_qemu and not args.selftest:
        ap.error("give --hartlab PATH (or --qemu-vs-qemu to check the harness alone)")

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        workdir = args.keep
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix="hartlab-diff-")
        workdir = tmp.name

    if args.selftest:
        ok = selftest(args, xlens, workdir)
        if tmp:
            tmp.cleanup()
        return 0 if ok else 1

    failed = False
    for xlen in xlens:
        a = argparse.Namespace(**vars(args))
        a.xlen = xlen
        a.qemu = getattr(args, f"qemu{xlen}")
        if args.qemu_vs_qemu:
            a.hartlab_cmd = None
        else:
            a.hartlab_cmd = shlex.split(args.hartlab)
        failed |= not run_xlen(a, workdir)
    if tmp:
        tmp.cleanup()
    return 1 if failed else 0


def run_xlen(args, workdir):
    if args.hartlab_cmd is None:
        # Harness check: the "hartlab" side is QEMU too, through the same result path.
        qemu = args.qemu
        args.hartlab_cmd = [sys.executable, os.path.abspath(__file__), "--as-qemu", qemu,
                            args.inject_cpu or ""]
    args.culprits = []
    indices = [args.only] if args.only is not None else list(range(args.count))
    tag = f"rv{args.xlen}"
    mismatches = 0
    trapped_both = 0
    reported = 0
    bad_runs = 0
    for start in range(0, len(indices), args.batch):
        batch = indices[start:start + args.batch]
        seqs = [gen.make_sequence(args.seed, args.xlen, i) for i in batch]
        asm = gen.program_asm(args.xlen, [(s, s.units) for s in seqs])
        elf = build(args.cc, asm, args.xlen, os.path.join(workdir, f"{tag}-seed{args.seed}-{batch[0]}.elf"))
        q, h = run_both(args, elf)
        if q.status != 0 or len(q.lines) != len(batch) + 1 or q.lines[-1] != "@END":
            print(f"{tag}: QEMU did not run {elf} to the end (status {q.status}, "
                  f"{len(q.lines)} lines):\n{q.log[-2000:]}")
            return False
        if h.status != 0 or len(h.lines) != len(batch) + 1 or (h.lines and h.lines[-1] != "@END"):
            bad_runs += 1
            print(f"{tag}: hartlab did not run {elf} to the end (exit status {h.status}, "
                  f"{len(h.lines)} of {len(batch) + 1} lines); its other output:\n"
                  f"{h.log[-2000:]}")
        for pos, i in enumerate(batch):
            ql = q.lines[pos]
            hl = h.lines[pos] if pos < len(h.lines) else None
            if ql == hl:
                if ql.startswith("@T"):
                    trapped_both += 1
                    print(f"{tag}: error: sequence {i} (seed {args.seed}) traps on both: "
                          f"{describe(ql)} -- a generator bug")
                continue
            mismatches += 1
            if hl is None:
                if pos == len(h.lines):
                    print(f"{tag}: MISMATCH seed {args.seed}: hartlab's output stops before "
                          f"sequence {i}; QEMU printed: {describe(ql)}")
                continue
            if reported >= args.max_report:
                continue
            reported += 1
            hint = f" --hartlab {shlex.quote(args.hartlab)}" if args.hartlab else ""
            print(f"{tag}: MISMATCH seed {args.seed} sequence {i} "
                  f"(reproduce: {os.path.basename(__file__)} --xlen {args.xlen} --seed {args.seed} "
                  f"--only {i} -v{hint})")
            culprit = localise(args, seqs[pos], i, workdir)
            if culprit:
                args.culprits.append(culprit)
    total = len(indices)
    print(f"{tag}: seed {args.seed}: {total - mismatches} passed, {mismatches} failed"
          + (f" ({trapped_both} trapped on both)" if trapped_both else ""))
    return mismatches == 0 and bad_runs == 0 and trapped_both == 0


def selftest(args, xlens, workdir):
    ok = True
    for xlen in xlens:
        a = argparse.Namespace(**vars(args))
        a.xlen, a.qemu, a.hartlab_cmd = xlen, getattr(args, f"qemu{xlen}"), None
        a.inject_cpu = None
        if not run_xlen(a, workdir):
            print(f"selftest rv{xlen}: FAIL: QEMU disagrees with itself")
            ok = False
        a = argparse.Namespace(**vars(args))
        a.xlen, a.qemu, a.hartlab_cmd = xlen, getattr(args, f"qemu{xlen}"), None
        a.inject_cpu, a.max_report = f"rv{xlen},m=false", 2
        if run_xlen(a, workdir):
            print(f"selftest rv{xlen}: FAIL: a QEMU without M was not told apart")
            ok = False
        elif not a.culprits or not all(re.match(r"(mul|div|rem)", c) for c in a.culprits):
            print(f"selftest rv{xlen}: FAIL: differences were not localised to M "
                  f"instructions: {a.culprits}")
            ok = False
        else:
            print(f"selftest rv{xlen}: ok, the injected difference was found at: "
                  + ", ".join(a.culprits))
    return ok


def as_qemu():
    """`run.py --as-qemu QEMU ELF`: behave like hartlab (semihosting on stdout, exit status)."""
    qemu, cpu, elf = sys.argv[2], sys.argv[3], sys.argv[4]
    r = run_qemu(qemu, elf, 600, side="other", cpu=cpu or None)
    sys.stdout.write("".join(ln + "\n" for ln in r.lines))
    sys.stderr.write(r.log)
    return r.status if r.status is not None else 124


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--as-qemu":
        sys.exit(as_qemu())
    sys.exit(main())
