#!/usr/bin/env bash
# The widgets' benchmark (bench/widgets.mjs): builds the release site (dist/), then measures in
# headless Chromium what an embedded widget and the article download, when they are
# interactive, and the redraw time of a scripted slider drag. Prints one JSON object on stdout
# (everything else goes to stderr) and writes it to bench/results/widgets-latest.json.
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

if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f dist/widget.html ]; then
  step "site build skipped (BENCH_SKIP_BUILD=1): benchmarking dist/ as it is"
else
  step "site build (trunk build --release)"
  trunk build --release
fi

step "benchmark (headless Chromium: widgets and the article)"
node bench/widgets.mjs >&3
