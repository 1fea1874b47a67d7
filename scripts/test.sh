#!/usr/bin/env bash
# The whole test suite: set up, build with warnings as errors, run every test tier, then run
# the unit, malformed-input, firmware, virtio, several-harts, history, panel, profile and
# fuzz-replay suites again under AddressSanitizer and UBSan, every fuzz harness briefly with
# libFuzzer, and last the Linux boot test (tests/linux/README.md), which builds its kernel
# first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
hartlab_install_packages
hartlab_build build -Dwerror=true
meson test -C build --print-errorlogs --num-processes "$(nproc)" --no-suite linux
# Again with the interpreter alone and with the translation tier translating every block
# (core/jit.h); the results must be the same every way.
meson test -C build --print-errorlogs --num-processes "$(nproc)" --no-suite linux --setup nojit
meson test -C build --print-errorlogs --num-processes "$(nproc)" --no-suite linux --setup jit
# The sanitizer build is clang's, at -O0: its guaranteed tail calls (MUSTTAIL,
# core/hart_internal.h) chain blocks as the optimised build does, where GCC 12 nests a frame
# per instruction. A build-asan an earlier test.sh configured with gcc is configured again.
if [ -f build-asan/meson-info/intro-compilers.json ] &&
  ! grep -q clang build-asan/meson-info/intro-compilers.json; then
  rm -rf build-asan
fi
CC=clang hartlab_build build-asan -Dwerror=true -Db_sanitize=address,undefined \
  -Db_lundef=false -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" \
  meson test -C build-asan --print-errorlogs --num-processes "$(nproc)" \
  --suite unit --suite elf --suite firmware --suite virtio --suite fuzz --suite history \
  --suite smp --suite ui --suite profile
# The fuzz harnesses with libFuzzer (clang): each replays its committed inputs, then fuzzes
# for a few seconds (docs/robustness.md; scripts/fuzz.sh runs longer campaigns).
CC=clang hartlab_build build-fuzz -Dwerror=true -Dfuzz=true -Dtests=false -Dui=disabled \
  -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
meson test -C build-fuzz --print-errorlogs --num-processes "$(nproc)" --suite fuzz
# Linux 6.1 from Debian's linux-source-6.1 (a tinyconfig kernel, a few minutes on two
# cores; incremental afterwards) booted with an ext2 root on a virtio-blk drive.
tests/linux/build-kernel.sh build-linux
meson test -C build --print-errorlogs --suite linux
