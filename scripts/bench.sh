#!/usr/bin/env bash
# The browser benchmark: builds the release site (dist/), then in one headless Chromium trains
# the seed program (5 epochs of MNIST; BENCH_EPOCHS=N for others) in Neurite's worker and with
# TensorFlow.js 4.22 (wasm backend, one thread, SIMD) in another worker, and tests both; then
# Keras's MNIST convnet (34 826 parameters): Neurite's keras-convnet preset for one epoch of
# BENCH_CONV_SAMPLES images (default 12000) with its test accuracy and forward pass, and TF.js
# with the wasm and webgl backends (BENCH_TFJS_CONV_BACKENDS=wasm,webgl,cpu adds cpu, about 5
# minutes more) for BENCH_TFJS_CONV_SAMPLES (default 640) each, or the backend's error (the
# "convnet" object). Prints one JSON object on stdout (everything else goes to stderr) and
# writes it to bench/results/latest.json.
#
# BENCH_SKIP_BUILD=1 benchmarks dist/ (or $NEURITE_DIST) as it is, without `trunk build --release`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# stdout carries the result alone.
exec 3>&1 1>&2

TFJS_VERSION=4.22.0
tfjs_installed() {
  local pkg
  for pkg in tfjs-core tfjs-layers tfjs-backend-wasm tfjs-backend-webgl tfjs-backend-cpu; do
    [ "$(node -p "require('./node_modules/@tensorflow/$pkg/package.json').version" 2>/dev/null)" = "$TFJS_VERSION" ] || return 1
  done
}

step "toolchain"
ensure_mnist
ensure_fashion_mnist
ensure_wasm_tools
ensure_chromium
if ! tfjs_installed; then
  step "installing npm tools (TensorFlow.js $TFJS_VERSION for the comparison)"
  npm ci --no-audit --no-fund
fi

# bench/run.mjs reads NEURITE_DIST (through tests/e2e/harness.mjs) as well.
dist="${NEURITE_DIST:-dist}"
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f "$dist/index.html" ]; then
  step "site build skipped (BENCH_SKIP_BUILD=1): benchmarking $dist/ as it is"
else
  step "site build (trunk build --release)"
  trunk build --release --dist "$dist"
fi

step "benchmark (headless Chromium: Neurite, then TensorFlow.js; then the convnet on both)"
node bench/run.mjs >&3
