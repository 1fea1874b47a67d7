#!/usr/bin/env python3
"""The house style is clang-format's, with the repository's .clang-format: every C source and
header of the tree must be formatted (bench/coremark keeps EEMBC's layout through its own
.clang-format, which turns formatting off). Lists the files that are not, with the command
that fixes them, and exits 1; 77 (skipped) without clang-format.

usage: check_format.py SRCDIR
"""
import os
import shutil
import subprocess
import sys

src = os.path.abspath(sys.argv[1])
exe = shutil.which("clang-format")
if not exe:
    print("SKIP: clang-format is not installed (apt-get install clang-format)")
    sys.exit(77)
files = []
for root, dirs, names in os.walk(src):
    # Build directories (build, build-asan, ...) and hidden ones hold no sources of ours.
    dirs[:] = sorted(d for d in dirs if not d.startswith((".", "build")))
    files += [os.path.join(root, n) for n in sorted(names) if n.endswith((".c", ".h"))]
bad = []
for k in range(0, len(files), 100):
    r = subprocess.run([exe, "--dry-run", "-Werror", *files[k:k + 100]], capture_output=True,
                       text=True)
    bad += sorted({line.split(":")[0] for line in r.stderr.splitlines() if ": error:" in line})
print(f"{len(files)} files checked")
if bad:
    rel = [os.path.relpath(f, src) for f in bad]
    print("not formatted:\n  " + "\n  ".join(rel))
    print("fix: clang-format -i " + " ".join(rel))
    sys.exit(1)
