#!/usr/bin/env bash
# Where the trainer's time goes in wasm: runs the seed program's training loop (release
# build, +simd128; --relaxed for the relaxed-SIMD kernels; --convnet for Keras's convnet on
# 2 000 images instead) in Node's V8 under its sampling
# profiler and prints the functions with the most self time. Node, not Chromium, so that the
# profile covers the wasm alone; Node 20 runs relaxed SIMD behind a flag, which the script
# passes. The workload is crates/neurite-web/tests/wasm_profile.rs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

features=()
node_flags=(--cpu-prof --cpu-prof-interval 200)
workload=seed_program_epochs_for_the_profiler
for arg in "$@"; do
  case "$arg" in
    --relaxed)
      features=(--features relaxed-simd)
      node_flags+=(--experimental-wasm-relaxed-simd)
      ;;
    --convnet) workload=convnet_epochs_for_the_profiler ;;
    *) echo "usage: $0 [--relaxed] [--convnet]" >&2; exit 2 ;;
  esac
done

ensure_mnist
ensure_wasm_tools
profiles="$(mktemp -d)"
shim="$(mktemp -d)"
trap 'rm -rf "$profiles" "$shim"' EXIT
# wasm-bindgen's test runner starts `node` from PATH and refuses --cpu-prof in NODE_OPTIONS.
printf '#!/bin/sh\nexec %s %s --cpu-prof-dir=%s "$@"\n' "$(command -v node)" "${node_flags[*]}" "$profiles" > "$shim/node"
chmod +x "$shim/node"
PATH="$shim:$PATH" cargo test --release --target wasm32-unknown-unknown -p neurite-web \
  "${features[@]}" --test wasm_profile -- --include-ignored --nocapture --exact "$workload" 2>&1 | grep -E '^samples_per_second'

python3 - "$profiles" <<'PY'
import collections, glob, json, sys
profile = json.load(open(sorted(glob.glob(f"{sys.argv[1]}/*.cpuprofile"))[-1]))
frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
self_time = collections.Counter()
for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
    frame = frames[sample]
    self_time[frame["functionName"] or frame["url"] or "(anonymous)"] += delta
total = sum(self_time.values())
print(f"{'self %':>7} {'ms':>8}  function")
for name, micros in self_time.most_common(20):
    print(f"{100 * micros / total:6.1f}% {micros / 1000:8.1f}  {name[:110]}")
PY
