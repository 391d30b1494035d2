#!/usr/bin/env bash
# The main job: installs what is missing, fetches MNIST, and runs the seed program
# (Flatten → Dense(128, relu) → Dense(10, softmax), Adam, batch 32, 5 epochs) natively.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_mnist
cargo run --release -p neurite-cli -- train --data "$ROOT/data/mnist" "$@"
