#!/bin/sh
# Builds every tests/isa/*.S for rv32 and rv64 into DIR (default /tmp/isa-qemu) and runs each on
# QEMU virt, printing PASS or the failing test number. QEMU deviates from the specification in a
# few places (see tests/isa/README.md; -DQEMU skips those checks), so this is a cross-check, not part of `meson test`.
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/isa-qemu}
mkdir -p "$out"
pass=0 failed=0
for src in "$here"/*.S; do
  name=$(basename "$src" .S)
  for xl in 32 64; do
    if [ $xl = 32 ]; then abi=ilp32; else abi=lp64; fi
    elf="$out/$name-rv$xl.elf"
    riscv64-unknown-elf-gcc -march=rv${xl}imac_zicsr_zifencei -mabi=$abi -nostdlib -nostartfiles \
      -DQEMU -static -Wl,--no-warn-rwx-segments -T "$here/env/link.ld" -I "$here/env" "$src" -o "$elf" || { failed=$((failed+1)); continue; }
    timeout 10 qemu-system-riscv$xl -machine virt -bios none -nographic -kernel "$elf" </dev/null >/dev/null 2>&1
    rc=$?
    if [ $rc = 0 ]; then pass=$((pass+1)); echo "PASS $name-rv$xl"
    else failed=$((failed+1)); echo "FAIL $name-rv$xl (test $rc)"; fi
  done
done
echo "$pass passed, $failed failed"
