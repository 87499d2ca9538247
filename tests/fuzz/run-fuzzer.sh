#!/bin/sh
# run-fuzzer.sh FUZZER SEED-CORPUS WORK-DIR SECONDS
#
# Runs a libFuzzer target for SECONDS on a fresh copy of its seed corpus in
# WORK-DIR, so the source tree is never written to. libFuzzer exits
# non-zero on a crash, a sanitizer report, a leak, a timeout or a failed
# check; the input that caused it is kept in WORK-DIR/artifacts.
set -eu

fuzzer=$1
seeds=$2
work=$3
seconds=$4

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"

# GLib 2.74 only hands GSlice memory to the sanitizers with this set.
export G_SLICE=always-malloc

exec "$fuzzer" \
  -max_total_time="$seconds" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" \
  "$work/corpus"
