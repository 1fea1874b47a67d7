#!/usr/bin/env python3
"""scripts/setup.sh's hartlab_build, which scripts/demo.sh and scripts/test.sh build with,
runs ninja with one job per processor (`nproc`): a ninja on PATH that records its
arguments stands in for the real one, in a directory that is already configured.

Usage: scripts_test.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

root = os.path.abspath(sys.argv[1])
with tempfile.TemporaryDirectory(prefix="hartlab-scripts-") as d:
    bindir = os.path.join(d, "bin")
    os.makedirs(bindir)
    with open(os.path.join(bindir, "ninja"), "w") as f:
        f.write('#!/bin/sh\necho "$@" > "$NINJA_ARGS"\n')
    os.chmod(os.path.join(bindir, "ninja"), 0o755)
    builddir = os.path.join(d, "b")
    os.makedirs(builddir)
    open(os.path.join(builddir, "build.ninja"), "w").close()
    args = os.path.join(d, "args")
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], NINJA_ARGS=args)
    r = subprocess.run(["bash", "-c", f". {root}/scripts/setup.sh && hartlab_build {builddir}"],
                       env=env, capture_output=True, text=True)
    got = open(args).read().split() if os.path.exists(args) else []
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    ok = r.returncode == 0 and "-j" in got and got[got.index("-j") + 1] == nproc
    print(("ok   " if ok else "FAIL ") + f"hartlab_build runs ninja {' '.join(got)} (nproc {nproc})"
          + ("" if ok else f": status {r.returncode}, {r.stderr!r}"))
    sys.exit(0 if ok else 1)
