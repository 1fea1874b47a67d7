#!/usr/bin/env bash
# Build the Linux kernel of the hartlab Linux boot test (tests/linux/README.md) from
# Debian's linux-source-6.1: `tinyconfig` plus tests/linux/hartlab.config, RV64, with
# Debian's gcc-riscv64-linux-gnu, into OUTDIR/Image (OUTDIR/src holds the unpacked source,
# OUTDIR/obj the objects). Incremental: a second run rebuilds only what changed.
#
# usage: tests/linux/build-kernel.sh OUTDIR [JOBS [FRAGMENT]]
#   FRAGMENT: the configuration fragment, a file in tests/linux (default hartlab.config: the
#   SMP kernel that the one-hart and four-hart boots share)
set -euo pipefail
out=$(realpath -m "$1")
jobs=${2:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/${3:-hartlab.config}
tarball=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$tarball" ]; then
  echo "build-kernel.sh: $tarball is missing: apt-get install linux-source-6.1" >&2
  exit 2
fi
command -v riscv64-linux-gnu-gcc >/dev/null || {
  echo "build-kernel.sh: riscv64-linux-gnu-gcc is missing: apt-get install gcc-riscv64-linux-gnu" >&2
  exit 2
}
mkdir -p "$out"
if [ ! -f "$out/src/Makefile" ]; then
  rm -rf "$out/src" "$out/src.tmp"
  mkdir -p "$out/src.tmp"
  tar -xJf "$tarball" -C "$out/src.tmp" --strip-components=1
  mv "$out/src.tmp" "$out/src"
fi
export ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-
mk() { make -s -C "$out/src" O="$out/obj" "$@"; }
# The configuration is made again only when the fragment changed.
if ! cmp -s "$fragment" "$out/hartlab.config"; then
  mk tinyconfig
  "$out/src/scripts/kconfig/merge_config.sh" -m -O "$out/obj" "$out/obj/.config" \
    "$fragment" >/dev/null
  mk olddefconfig
  cp "$fragment" "$out/hartlab.config"
fi
start=$(date +%s)
mk -j"$jobs" Image
cp "$out/obj/arch/riscv/boot/Image" "$out/Image"
echo "build-kernel.sh: $out/Image ($(stat -c %s "$out/Image") bytes) in $(( $(date +%s) - start )) s"
