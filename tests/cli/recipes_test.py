#!/usr/bin/env python3
"""Your own firmware runs the first time: the compiler lines of docs/usage.md ("Your own
firmware") are built literally and run, and the common mistakes get the documented
behaviour.

- Every fenced `sh` block of that section is run line by line (backslash continuations
  joined) in a scratch directory that holds the section's C files (a ```c block after a
  paragraph ending in "this `NAME`:"), `firmware-samples/` (the repository's) and
  `build/hartlab` (the hartlab under test). A comment "(RV32: FLAGS)" before a command
  also runs it with `-march=rv64imac -mabi=lp64` replaced by FLAGS. Every hartlab line
  must exit 0 with nothing on stderr and print what its program prints: "Hi, Ada" after
  the greeting for hello.c (semihosting stdin: the line piped in), "Hello over the UART"
  for uart.c.
- The tutorials' `-nostdlib -Wl,-Ttext=0x80000000 start.S` runs on virt with exactly one
  warning line (the headers below RAM are not loaded).
- A segment whose part outside memory holds code is refused: one line, exit 2.
- picolibc's default layout (no --defsym) is refused with one line naming the board's
  memory map and this documentation.

Usage: recipes_test.py HARTLAB SOURCE_ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

hartlab, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
results = []


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def section(path, title):
    text = open(path).read()
    start = text.index(title)
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def blocks(text):
    """(language, body, the paragraph line just before the fence) for each fenced block."""
    out = []
    lines = text.splitlines()
    k = 0
    while k < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[k])
        if not m:
            k += 1
            continue
        before = next((l for l in reversed(lines[:k]) if l.strip()), "")
        body = []
        k += 1
        while k < len(lines) and not lines[k].startswith("```"):
            body.append(lines[k])
            k += 1
        out.append((m.group(1), "\n".join(body) + "\n", before))
        k += 1
    return out


def commands(body):
    """Shell commands of a block, continuations joined, with the comment before each."""
    cmds, comment, cur = [], "", ""
    for line in body.splitlines():
        if not cur and line.strip().startswith("#"):
            comment = line
            continue
        if not line.strip():
            continue
        cur += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            cmds.append((comment, cur.strip()))
            comment, cur = "", ""
    return cmds


def run(cmd, cwd):
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, errors="replace")


doc = section(os.path.join(root, "docs", "usage.md"), "## Your own firmware")
# The README's short version must be the documented lines, word for word.
readme = section(os.path.join(root, "README.md"), "## Your own firmware")
doc_cmds = [c for lang, body, _ in blocks(doc) if lang == "sh" for _, c in commands(body)]
readme_cmds = [c for lang, body, _ in blocks(readme) if lang == "sh"
               for _, c in commands(body) if c.startswith("riscv64-unknown-elf-gcc")]
check("README's compiler lines are docs/usage.md's",
      readme_cmds and all(c in doc_cmds for c in readme_cmds), readme_cmds)
with tempfile.TemporaryDirectory(prefix="hartlab-recipes-") as d:
    os.symlink(os.path.join(root, "firmware-samples"), os.path.join(d, "firmware-samples"))
    os.makedirs(os.path.join(d, "build"))
    os.symlink(hartlab, os.path.join(d, "build", "hartlab"))
    files = 0
    for lang, body, before in blocks(doc):
        m = re.search(r"`([\w.]+)`:\s*$", before)
        if lang == "c" and m:
            with open(os.path.join(d, m.group(1)), "w") as f:
                f.write(body)
            files += 1
    check("the section has the example files", files >= 2, files)
    want = {"hello": "Hello! What is your name?\nHi, Ada\n", "uart": "Hello over the UART\n"}
    ran = 0
    for lang, body, before in blocks(doc):
        if lang != "sh":
            continue
        for comment, cmd in commands(body):
            variants = [("", cmd)]
            rv32 = re.search(r"\(RV32: ([^)]*)\)", comment)
            if rv32 and "-march=rv64imac -mabi=lp64" in cmd:
                alt = cmd.replace("-march=rv64imac -mabi=lp64", rv32.group(1))
                variants.append(("rv32", re.sub(r"(\S+)\.elf", r"\1-rv32.elf", alt)))
            for tag, c in variants:
                r = run(c, d)
                label = c if len(c) < 70 else c[:67] + "..."
                if "build/hartlab" in c:
                    elf = re.search(r"(\S+)\.elf", c).group(1)
                    expect = want[elf.split("-")[0]]
                    check(f"{label}", r.returncode == 0 and r.stdout == expect
                          and r.stderr == "",
                          f"status {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
                    ran += 1
                    # The RV32 build of the line before runs the same way.
                    if os.path.exists(os.path.join(d, elf + "-rv32.elf")):
                        c32 = c.replace(elf + ".elf", elf + "-rv32.elf")
                        r = run(c32, d)
                        check(f"rv32: {c32}", r.returncode == 0 and r.stdout == expect
                              and r.stderr == "", f"status {r.returncode}, stdout "
                              f"{r.stdout!r}, stderr {r.stderr!r}")
                        ran += 1
                else:
                    check(f"{tag + ': ' if tag else ''}{label}", r.returncode == 0, r.stderr)
    check("the section's recipes ran (virt RV64 and RV32, mcu; semihosting and UART)",
          ran >= 6, ran)

    # The tutorials' one-liner: headers below RAM, one warning, the program runs.
    with open(os.path.join(d, "start.S"), "w") as f:
        f.write("    .globl _start\n_start:\n    li t0, 0x100000\n    li t1, 0x5555\n"
                "    sw t1, 0(t0)\n1:  j 1b\n")
    r = run("riscv64-unknown-elf-gcc -nostdlib -Wl,-Ttext=0x80000000 start.S -o tut.elf", d)
    check("the tutorial line builds", r.returncode == 0, r.stderr)
    r = run("build/hartlab tut.elf", d)
    lines = r.stderr.strip().splitlines()
    check("-Ttext=0x80000000: runs (exit 0) with one warning about the headers",
          r.returncode == 0 and len(lines) == 1 and "warning" in lines[0]
          and "header" in lines[0] and "0x7ffff000" in lines[0],
          f"status {r.returncode}, {r.stderr!r}")
    # Code across the start of RAM: the part outside memory holds code, so it is refused.
    r = run("riscv64-unknown-elf-gcc -nostdlib -Wl,-Ttext=0x7ffffffc start.S -o across.elf", d)
    r = run("build/hartlab across.elf", d)
    lines = r.stderr.strip().splitlines()
    check("code outside memory is refused (one line, exit 2, names .text)",
          r.returncode == 2 and len(lines) == 1 and ".text" in lines[0],
          f"status {r.returncode}, {r.stderr!r}")
    # picolibc's own default layout (flash 0x10000000, RAM 0x20000000).
    r = run("riscv64-unknown-elf-gcc -march=rv64imac -mabi=lp64 -mcmodel=medany "
            "--specs=picolibc.specs --oslib=semihost --crt0=semihost hello.c -o dflt.elf", d)
    r = run("build/hartlab dflt.elf", d)
    lines = r.stderr.strip().splitlines()
    check("picolibc's default layout: one line naming virt's RAM and docs/usage.md",
          r.returncode == 2 and len(lines) == 1 and "0x80000000-0x87ffffff" in lines[0]
          and "docs/usage.md" in lines[0], f"status {r.returncode}, {r.stderr!r}")
    r = run("riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 --specs=picolibc.specs "
            "--oslib=semihost --crt0=semihost hello.c -o dflt32.elf", d)
    r = run("build/hartlab --board mcu dflt32.elf", d)
    lines = r.stderr.strip().splitlines()
    check("... and on mcu, its flash and RAM",
          r.returncode == 2 and len(lines) == 1 and "0x20000000-0x203fffff" in lines[0]
          and "0x80000000-0x8000ffff" in lines[0], f"status {r.returncode}, {r.stderr!r}")

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
