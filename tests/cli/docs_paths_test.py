#!/usr/bin/env python3
"""The lab sheets and the samples page work as written after the README's two commands:
every command runs `build/hartlab` (not a bare `hartlab`, which is on nobody's PATH), every
`build/...` path they name exists in the build, and the lab sheets' headless lines (no
window, debugger or pager) run from the repository's top directory with exit status 0.

Usage: docs_paths_test.py SOURCE_ROOT BUILD_ROOT
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

root, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
docs = sorted(glob.glob(os.path.join(root, "docs", "labs", "*.md"))) + [
    os.path.join(root, "docs", "samples.md")]
results = []


def check(name, cond, detail=""):
    cond = bool(cond)
    results.append(cond)
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))


def code_of(text):
    """Indented code lines (joined across trailing backslashes) and inline code spans
    (fenced blocks, which hold example output, count as spans)."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
    text = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.S | re.M)
    lines, cur = [], ""
    for line in text.splitlines():
        if line.startswith("    ") and line.strip():
            cur += line.strip().rstrip("\\") + " " if line.rstrip().endswith("\\") else line.strip()
            if not line.rstrip().endswith("\\"):
                lines.append(cur)
                cur = ""
    spans = [re.sub(r"\s+", " ", m) for m in re.findall(r"`([^`]+)`", text, re.S)]
    return lines, spans + [l for block in fenced for l in block.splitlines()]


# a command line, not a line hartlab printed ("hartlab test: 3 tests, ...")
bare = re.compile(r"(^|[|;&($]\s*)hartlab\s+(?![\w-]+:)")
for path in docs:
    rel = os.path.relpath(path, root)
    text = open(path).read()
    lines, spans = code_of(text)
    bad = [c for c in lines + spans if bare.search(c)]
    check(f"{rel}: commands run build/hartlab", not bad, bad[:3])
    missing = []
    for c in lines + spans:
        for p in re.findall(r"(?<![\w/.])build/[\w./@-]+", c):
            p = p.rstrip(".,;:)").split("@")[0].split(",")[0]
            if re.search(r"NAME|NN|FILE", p):
                continue  # a placeholder: build/firmware-samples/NAME-rvNN.elf
            if not os.path.exists(os.path.join(build, p[len("build/"):])):
                missing.append(p)
    check(f"{rel}: the build/ paths it names exist", not missing, missing[:5])

# The lab sheets' headless lines, run as written from the top directory.
with tempfile.TemporaryDirectory(prefix="hartlab-docs-") as d:
    os.symlink(build, os.path.join(d, "build"))
    os.symlink(os.path.join(root, "firmware-samples"), os.path.join(d, "firmware-samples"))
    ran, outputs = 0, {}
    for path in docs:
        if os.path.basename(path) == "samples.md":
            continue
        lines, _ = code_of(open(path).read())
        for c in lines:
            cmd = c.split("  #")[0].strip()
            if "build/hartlab" not in cmd or re.search(r"--ui|gtkwave|\s-s\b|\s-S\b|less", cmd):
                continue
            r = subprocess.run(["bash", "-c", cmd], cwd=d, capture_output=True, timeout=120,
                               stdin=subprocess.DEVNULL)
            check(f"{os.path.basename(path)}: {cmd}", r.returncode == 0,
                  f"status {r.returncode}, {r.stderr.decode(errors='replace')[-300:]!r}")
            outputs[cmd] = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
            ran += 1
    check("the lab sheets have headless lines to run", ran >= 8, ran)

    # What the sheets say the views show. Vectored: the ecall lands on vector_table itself
    # and each interrupt on its entry, in --trace=irq (exceptions are traced too).
    vec = [o for c, o in outputs.items() if "--trace=irq" in c and "vectored" in c]
    check("vectored.md: its --trace=irq line runs", len(vec) == 1, list(outputs))
    vec = vec[0] if vec else ""
    check("vectored.md: the trace shows the ecall entering vector_table",
          re.search(r"trap +ecall from M-mode .*-> vector_table$", vec, re.M), vec[:600])
    for off in ("0xc", "0x1c", "0x2c"):
        check(f"vectored.md: the trace shows a trap landing on vector_table+{off}",
              f"-> vector_table+{off}\n" in vec)
    # Recursion: the frames trace the sheet tells students to page through is in the file.
    frames = os.path.join(d, "frames.txt")
    text = open(frames).read() if os.path.exists(frames) else ""
    check("recursion.md: frames.txt holds the frame trace, fact's calls included",
          re.search(r"-> fact from main", text) and "# frames:" in text, text[:300])

# A trace that goes to standard error cannot be piped into a pager or grep without 2>&1.
for path in docs:
    for c in code_of(open(path).read())[0]:
        if re.search(r"--trace(=[\w,]+)?(\s|$)", c) and "|" in c.split("--trace")[1] \
                and "2>&1" not in c:
            check(f"{os.path.relpath(path, root)}: {c}: pipes standard output only", False,
                  "--trace writes to standard error; use --trace=KIND:FILE or 2>&1")

print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
