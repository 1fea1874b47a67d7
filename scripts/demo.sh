#!/usr/bin/env bash
# The main job: set up, build, and run a sample firmware on hartlab (RV64 and RV32).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
hartlab_install_packages
hartlab_build build
for xlen in 64 32; do
  echo "== build/hartlab build/firmware-samples/hello-rv$xlen.elf"
  build/hartlab "build/firmware-samples/hello-rv$xlen.elf"
  echo "== exit status $?"
done
