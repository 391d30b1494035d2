#!/usr/bin/env bash
# The playground's responsiveness benchmarks: builds the release site (dist/), then in
# headless Chromium
#
# - by default (tests/bench/playground.bench.mjs): the time from a stroke to the bars (idle,
#   then while the seed preset trains), the time a pause takes to be confirmed, and the
#   main-thread tasks over 50 ms during an epoch; result in bench/results/playground-latest.json;
# - with --throttled [--strict] (tests/bench/throttled.bench.mjs, also ./scripts/bench_throttled.sh):
#   the CPU throttled 4× through the DevTools protocol, the seed preset for 10 epochs, the
#   longest main-thread task, the slider's response and memory after epoch 1 and epoch 10;
#   result in bench/results/throttled-latest.json. --strict: exit 1 if a bound is missed.
#
# Prints one JSON object on stdout (everything else goes to stderr).
# BENCH_SKIP_BUILD=1 benchmarks dist/ (or $NEURITE_DIST) as it is, without `trunk build --release`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

exec 3>&1 1>&2

benchmark=tests/bench/playground.bench.mjs
if [ "${1:-}" = --throttled ]; then
  benchmark=tests/bench/throttled.bench.mjs
  shift
fi

step "toolchain"
ensure_mnist
ensure_fashion_mnist
ensure_wasm_tools
ensure_chromium

dist="${NEURITE_DIST:-dist}"
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$dist/index.html" ]; then
  step "site build skipped (BENCH_SKIP_BUILD=1): benchmarking $dist/ as it is"
else
  step "site build (trunk build --release)"
  trunk build --release --dist "$dist"
fi

step "benchmark (headless Chromium: $benchmark)"
node "$benchmark" "$@" >&3
