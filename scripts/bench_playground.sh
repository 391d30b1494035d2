#!/usr/bin/env bash
# The playground's responsiveness benchmark (tests/bench/playground.bench.mjs): builds the
# release site (dist/), then measures in headless Chromium the time from a stroke to the bars
# (idle, then while the seed preset trains), the time a pause takes to be confirmed, and the
# main-thread tasks over 50 ms during an epoch; result in bench/results/playground-latest.json.
#
# Prints one JSON object on stdout (everything else goes to stderr).
# BENCH_SKIP_BUILD=1 benchmarks dist/ (or $NEURITE_DIST) as it is, without `trunk build --release`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

exec 3>&1 1>&2

benchmark=tests/bench/playground.bench.mjs

step "toolchain"
ensure_mnist
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
