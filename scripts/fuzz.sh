#!/usr/bin/env bash
# A fuzz campaign on this machine (docs/robustness.md): builds the libFuzzer harnesses in
# build-fuzz/ (clang, ASan + UBSan, meson -Dfuzz=true) and runs one harness for SECONDS
# seconds under `nice -n 10`, starting from the committed inputs (tests/fuzz/corpus/NAME
# and tests/fuzz/regress/NAME) and the inputs earlier campaigns kept in
# build-fuzz/tests/fuzz/corpus/NAME. A finding is written to
# build-fuzz/tests/fuzz/corpus/NAME.crashes/ and the run stops with a non-zero status.
#
# usage: scripts/fuzz.sh NAME SECONDS [libFuzzer flags...]   e.g. scripts/fuzz.sh rsp 600
#        scripts/fuzz.sh --list                               the harness names
# Reproduce a finding:  build-fuzz/tests/fuzz/fuzz-NAME FILE
# or, without clang:    build/tests/fuzz/fuzz-NAME-replay FILE
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
hartlab_install_packages
# The same build as scripts/test.sh's (-O0: ASan and UBSan at -O2 make the instruction
# bodies take minutes to compile).
CC=clang hartlab_build build-fuzz -Dwerror=true -Dfuzz=true -Dtests=false -Dui=disabled \
    -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
names=$(cd build-fuzz/tests/fuzz && ls fuzz-* 2>/dev/null | grep -v '\.p$' | sed 's/^fuzz-//')
if [ "${1:-}" = "--list" ] || [ $# -lt 2 ]; then
    [ "${1:-}" = "--list" ] || echo "usage: scripts/fuzz.sh NAME SECONDS [libFuzzer flags...]" >&2
    echo "harnesses:" $names
    [ "${1:-}" = "--list" ]
    exit
fi
name=$1 seconds=$2
shift 2
exe=build-fuzz/tests/fuzz/fuzz-$name
if [ ! -x "$exe" ]; then
    echo "fuzz.sh: no harness '$name'; harnesses: $names" >&2
    exit 2
fi
dict=tests/fuzz/$name.dict
[ -f "$dict" ] || dict=-
exec nice -n 10 tests/fuzz/run_fuzz.sh "$exe" "build-fuzz/tests/fuzz/corpus/$name" "$seconds" \
    "$dict" "tests/fuzz/corpus/$name" "tests/fuzz/regress/$name" -- "$@"
