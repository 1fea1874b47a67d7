#!/bin/sh
# Run one libFuzzer harness for a fixed time (tests/fuzz/meson.build's `fuzz-NAME` tests
# and scripts/fuzz.sh): first every committed input, so a known input that fails again
# fails here, then new inputs for SECONDS seconds. New inputs go to WORKDIR (kept between
# runs in the build directory), never into the source tree.
# usage: run_fuzz.sh HARNESS WORKDIR SECONDS DICT|- INPUTDIR... [-- libFuzzer flags...]
set -eu
exe=$1 work=$2 seconds=$3 dict=$4
shift 4
dirs=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    [ -d "$1" ] && dirs="$dirs $1"
    shift
done
[ $# -gt 0 ] && shift
mkdir -p "$work" "$work.crashes"
# libFuzzer's default exit status for a finding is 77, which meson reads as "skipped".
set -- -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=16384 \
    -error_exitcode=1 -timeout_exitcode=1 \
    -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$work.crashes/" "$@"
[ "$dict" != "-" ] && set -- -dict="$dict" "$@"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# shellcheck disable=SC2086
exec "$exe" "$@" "$work" $dirs
