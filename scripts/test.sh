#!/usr/bin/env bash
# The whole test suite: set up, build with warnings as errors, run every test tier, then run
# the unit and malformed-input suites again under AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
hartlab_install_packages
hartlab_build build -Dwerror=true
meson test -C build --print-errorlogs --num-processes "$(nproc)"
hartlab_build build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
  -Dbuildtype=debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --num-processes "$(nproc)" \
  --suite unit --suite elf --suite firmware
