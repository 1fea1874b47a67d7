#!/usr/bin/env bash
# Installs what hartlab needs on Debian 12 (apt-get when run as root; otherwise prints the
# exact command to run and stops), then configures and builds ./build.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail

HARTLAB_PACKAGES=(
  gcc meson ninja-build pkg-config python3
  libelf-dev libfdt-dev libcmocka-dev device-tree-compiler
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  qemu-system-misc gdb-multiarch u-boot-qemu opensbi
  libsdl2-dev libsdl2-ttf-dev zlib1g-dev fonts-dejavu-core xvfb xauth
  valgrind libdw-dev python3-yaml libxml2-utils lcov
  linux-source-6.1 gcc-riscv64-linux-gnu make flex bison bc xz-utils e2fsprogs
  clang libclang-rt-14-dev clang-format
)

hartlab_install_packages() {
  local missing=()
  for p in "${HARTLAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "hartlab: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "hartlab: these Debian packages are missing: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    echo "then run this command again." >&2
    exit 1
  fi
}

# hartlab_build DIR [meson options...]: configure DIR once, then build it with one job per
# processor (nproc).
hartlab_build() {
  local dir=$1; shift
  local log
  log=$(mktemp)
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; return 1; }
  fi
  ninja -C "$dir" -j "$(nproc)" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; return 1; }
  rm -f "$log"
}
