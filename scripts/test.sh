#!/usr/bin/env bash
# Installs what the tests need, then runs every check the project has, in order.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

step "toolchain"
ensure_rust_components
ensure_mnist
ensure_fashion_mnist
ensure_python_venv

step "format"
cargo fmt --all -- --check

step "the core and the exporter have no platform dependency"
for crate in neurite neurite-export; do
  if cargo tree -p "$crate" --target all -e normal | grep -E 'wasm-bindgen|web-sys|js-sys'; then
    echo "crates/$crate must not depend on wasm or web crates" >&2
    exit 1
  fi
done

step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32, core: SIMD128 and relaxed-SIMD kernels)"
cargo clippy -p neurite --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p neurite --lib --target wasm32-unknown-unknown --features relaxed-simd -- -D warnings

step "native tests"
NEURITE_MNIST_DIR="$ROOT/data/mnist" NEURITE_FASHION_MNIST_DIR="$ROOT/data/fashion-mnist" \
  cargo test --workspace
step "the core without its gzip feature (as the browser builds it)"
cargo test -p neurite --no-default-features --lib data::idx
step "exports against the engine (ONNX in onnxruntime, the PyTorch and Keras scripts' NumPy paths)"
scripts/check_exports.sh

# The browser playground (crates/neurite-web, www/, tests/e2e/).
step "browser toolchain"
ensure_wasm_tools
ensure_chromium

# The web crate's test files, named one by one: the library's own test harness holds only
# native tests (linted and run natively above), which wasm32 would check or build in full and
# then skip. Of these files, wasm_profile is a workload, not a test, and fuzz_replay native only.
wasm_targets=()
browser_tests=()
for file in crates/neurite-web/tests/*.rs; do
  name="$(basename "$file" .rs)"
  wasm_targets+=(--test "$name")
  case "$name" in wasm_profile | fuzz_replay) ;; *) browser_tests+=(--test "$name") ;; esac
done

step "clippy (wasm32, playground)"
cargo clippy -p neurite-web --target wasm32-unknown-unknown --lib --bins "${wasm_targets[@]}" -- -D warnings

step "clippy (wasm32, the trainer's binaries as the site builds them: without Leptos)"
cargo clippy -p neurite-web --target wasm32-unknown-unknown --no-default-features --lib --bins -- -D warnings
cargo clippy -p neurite-web --target wasm32-unknown-unknown --no-default-features --features relaxed-simd --lib --bins -- -D warnings

step "browser tests (wasm-bindgen-test in headless Chromium: page and worker)"
cargo test --target wasm32-unknown-unknown -p neurite-web "${browser_tests[@]}"
step "browser tests of the relaxed-SIMD build (kernels and worker)"
cargo test --target wasm32-unknown-unknown -p neurite-web --features relaxed-simd --test kernels --test worker

step "site build (trunk build --release)"
trunk build --release

step "end-to-end tests (playwright-core driving Chromium on dist/)"
node --test tests/e2e/
step "done"
