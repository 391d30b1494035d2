#!/usr/bin/env bash
# Trunk's pre-build hook (Trunk.toml): for a release build, builds every wasm binary that
# www/index.html links, one cargo invocation per cargo profile and feature set, all at once.
#
# Why: Trunk builds each <link data-trunk rel="rust"> with a cargo command of its own, and the
# commands of one profile wait for each other's lock, so the five page binaries of the
# `web-page` profile (whole-program LTO, one codegen unit each) would be linked one after the
# other on one core. In one invocation cargo links two at a time. Trunk's own builds then find
# every binary fresh (the same arguments as Trunk's, see its pipelines/rust) and only run
# wasm-bindgen and wasm-opt.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
cd "$(dirname "${BASH_SOURCE[0]}")/.."

manifest=crates/neurite-web/Cargo.toml
declare -A bins=()
# One line per rust link: "profile|features bin".
while read -r link; do
  bin="$(sed -n 's/.*data-bin="\([^"]*\)".*/\1/p' <<<"$link")"
  profile="$(sed -n 's/.*data-cargo-profile-release="\([^"]*\)".*/\1/p' <<<"$link")"
  features="$(sed -n 's/.*data-cargo-features="\([^"]*\)".*/\1/p' <<<"$link")"
  [ -n "$bin" ] && [ -n "$profile" ] || continue
  bins["$profile|$features"]+=" --bin $bin"
done < <(tr '\n' ' ' <www/index.html | grep -o '<link data-trunk rel="rust"[^>]*>')

pids=()
for group in "${!bins[@]}"; do
  profile="${group%%|*}"
  features="${group#*|}"
  # shellcheck disable=SC2086 # the --bin arguments are meant to split
  cargo build --target=wasm32-unknown-unknown --manifest-path "$manifest" --profile "$profile" \
    ${features:+--features "$features"} ${bins[$group]} &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit "$status"
