#!/bin/sh
# build_ibex.sh IBEX_DIR OUT_DIR: build lowRISC Ibex's simple_system (examples/simple_system)
# with Debian's verilator in the "small" configuration of Ibex's ibex_configs.yaml:
# RV32IMC (RV32Zca), the fast multiplier (RV32MFast), no bitmanip, flip-flop register file,
# no branch-target ALU, no writeback stage, no instruction cache, no branch predictor, no
# PMP, no hardware performance counters beyond mcycle/minstret; simple_system's RAM
# answers in one cycle. The file list comes from Ibex's own .core files (ibex_files.py),
# as FuseSoC would give it. Tracing to FST is left out (not needed, and slow to build).
# The simulator is OUT_DIR/Vibex_simple_system. See tests/cycles/README.md.
set -eu
IBEX=$(cd "$1" && pwd)
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
python3 "$HERE/ibex_files.py" "$IBEX" lowrisc:ibex:ibex_simple_system > "$OUT/files.txt"
col() { awk -v t="$1" -v inc="$2" '($1 ~ t) && $2 == inc { print $3 }' "$OUT/files.txt"; }
VLT=$(col '^vlt$' 0)
SV=$(col '^systemVerilogSource$' 0)
SV_INC=$(col '^systemVerilogSource$' 1 | xargs -r -n1 dirname | sort -u | sed 's/^/-I/')
CXX=$(col '^(cppSource|cSource)$' 0)
CXX_INC=$(col '^(cppSource|cSource)$' 1 | xargs -r -n1 dirname | sort -u | sed 's/^/-I/' | tr '\n' ' ')
cd "$OUT"
# shellcheck disable=SC2086 # word splitting of the file lists is meant
nice -n 10 verilator --cc --exe --build -j 2 -O3 -Wno-fatal -Wno-lint -Wno-style \
  --unroll-count 72 --top-module ibex_simple_system -Mdir obj \
  +define+RVFI=1 +define+BASE_ISA=ibex_pkg::BaseIsaRV32I \
  +define+RV32M=ibex_pkg::RV32MFast +define+RV32B=ibex_pkg::RV32BNone \
  +define+RV32ZC=ibex_pkg::RV32Zca +define+RegFile=ibex_pkg::RegFileFF \
  -GRV32E=0 -GBranchTargetALU=0 -GWritebackStage=0 -GICache=0 -GICacheECC=0 \
  -GICacheScramble=0 -GBranchPredictor=0 -GDbgTriggerEn=0 -GSecureIbex=0 \
  -GPMPEnable=0 -GPMPGranularity=0 -GPMPNumRegions=4 -GMHPMCounterNum=0 \
  -GMHPMCounterWidth=40 \
  $SV_INC $VLT $SV $CXX \
  -CFLAGS "-std=c++17 -O2 -DTOPLEVEL_NAME=ibex_simple_system $CXX_INC" \
  -LDFLAGS "-pthread -lutil -lelf"
cp obj/Vibex_simple_system "$OUT/Vibex_simple_system"
echo "built $OUT/Vibex_simple_system"
