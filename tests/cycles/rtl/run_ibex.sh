#!/bin/sh
# run_ibex.sh SIM ELF FIGURES [IBEX_DIR]: run the calibration ELF on the Ibex simple_system
# simulator that build_ibex.sh made, and write its figures (calib.py record) to FIGURES,
# with a header naming the Ibex commit, Verilator, the compiler and the configuration.
# With TRACE=FILE in the environment, Ibex's instruction trace is kept there (for
# ibex_trace_model.py). See tests/cycles/README.md.
set -eu
SIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ELF=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
FIG=$3
IBEX=${4:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT
(cd "$RUN" && nice -n 10 "$SIM" --meminit=ram,"$ELF" > sim.out 2>&1) || {
  cat "$RUN/sim.out" >&2
  exit 1
}
if [ -n "${TRACE:-}" ]; then
  cp "$RUN/trace_core_00000000.log" "$TRACE"
fi
COMMIT=unknown
if [ -n "$IBEX" ]; then
  COMMIT=$(git -C "$IBEX" rev-parse HEAD 2>/dev/null || echo "${IBEX_COMMIT:-unknown}")
fi
python3 "$HERE/calib.py" record "$ELF" "$RUN/ibex_simple_system.log" \
  "lowRISC Ibex $COMMIT, examples/simple_system, small configuration (tests/cycles/rtl/build_ibex.sh)" \
  "$(verilator --version)" \
  "$(riscv64-unknown-elf-gcc --version | head -1)" \
  "whole run: $(grep -E '^(Cycles|Instructions Retired):' "$RUN/sim.out" | tr -s ' ' | tr '\n' ' ')" \
  > "$FIG"
echo "wrote $FIG"
