#!/usr/bin/env bash
# The 2-D playground's benchmark (bench/plane.mjs): builds the release site (dist/), then measures
# in headless Chromium how fast plane.html trains and how often it redraws on TensorFlow
# Playground's setups — beside TensorFlow Playground itself when TFP_DIST names a build of it
# (its repository's `npm install && npm run build` makes dist/; it is not part of Neurite).
# Prints one JSON object on stdout (everything else goes to stderr) and writes it to
# bench/results/plane-latest.json.
#
# BENCH_SKIP_BUILD=1 benchmarks dist/ as it is, without `trunk build --release`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

exec 3>&1 1>&2

step "toolchain"
ensure_mnist
ensure_fashion_mnist
ensure_wasm_tools
ensure_chromium

if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f dist/plane.html ]; then
  step "site build skipped (BENCH_SKIP_BUILD=1): benchmarking dist/ as it is"
else
  step "site build (trunk build --release)"
  trunk build --release
fi

if [ -n "${TFP_DIST:-}" ]; then
  step "benchmark (headless Chromium: plane.html beside TensorFlow Playground at $TFP_DIST)"
else
  step "benchmark (headless Chromium: plane.html; set TFP_DIST for TensorFlow Playground beside it)"
fi
node bench/plane.mjs >&3
