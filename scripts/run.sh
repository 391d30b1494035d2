#!/usr/bin/env bash
# The main job: installs what is missing (wasm32 target, Trunk, wasm-bindgen CLI, binaryen,
# MNIST, Fashion-MNIST) and serves the browser playground at http://127.0.0.1:8080.
#
# `./scripts/run.sh train …` (or eval, predict, summary) runs the native `neurite` command line
# instead, e.g. `./scripts/run.sh train --epochs 1 --json`; options alone (`--epochs 1`) mean
# `train`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_mnist
ensure_fashion_mnist
export NEURITE_MNIST_DIR="${NEURITE_MNIST_DIR:-$ROOT/data/mnist}"
export NEURITE_FASHION_MNIST_DIR="${NEURITE_FASHION_MNIST_DIR:-$ROOT/data/fashion-mnist}"

case "${1:-}" in
  train | eval | predict | summary)
    exec cargo run --release -p neurite-cli -- "$@"
    ;;
  -*)
    exec cargo run --release -p neurite-cli -- train "$@"
    ;;
esac

ensure_wasm_tools
step "serving the playground at http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --release --address 127.0.0.1 --port 8080
