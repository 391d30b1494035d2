#!/usr/bin/env bash
# Fuzzes the readers of untrusted input with AFL++ (cargo-afl): builds the targets of fuzz/,
# writes their seed corpus, runs each target for SECONDS (default 60) one after another, then
# prints each target's executions, corpus, crashes and hangs from AFL++'s fuzzer_stats. Every
# crash or hang found is copied to fuzz/regressions/<target>/, which the test suite replays.
#
#   ./scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: model_file idx worker_messages widget_url)
#
# FUZZ_JOBS=N runs N instances of each target at once (AFL++'s parallel mode: `default` and
# secondaries `job2` … `jobN`, which share their finds), one per core to give it; the summary
# adds up their executions. A later run resumes each target's queues in fuzz/out/<target>/
# (delete it to start afresh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FUZZ="$ROOT/fuzz"

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_file idx worker_messages widget_url)
jobs="${FUZZ_JOBS:-1}"
[[ "$jobs" =~ ^[1-9][0-9]?$ ]] || { echo "FUZZ_JOBS must be a number of instances, 1 to 99" >&2; exit 2; }

step "AFL++ (cargo-afl, which builds AFL++ from its own sources with the C compiler)"
command -v cargo-afl >/dev/null || cargo install --locked cargo-afl --version "^0.18"
if ! out="$(cargo afl config --build 2>&1)" && ! grep -q "already built" <<<"$out"; then
  echo "$out" >&2
  exit 1
fi

step "instrumented build of the targets, and the seed corpus"
cd "$FUZZ"
nice -n 19 cargo afl build --release
./target/release/make_corpus "$FUZZ"

# Headless and shared: no CPU frequency or core-dump checks, no UI, no pinning to a core.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  AFL_NO_AFFINITY=1 AFL_AUTORESUME=1

# AFL++ starts the fuzzed binary in sessions of its own, and Linux shares the CPU between
# sessions' groups ("autogroups") before it looks at nice values: niced, a fuzzer still took
# half the machine from a build or a benchmark in another session. While the fuzzer `$1` runs,
# every group of the binary `$2` is given the lowest priority too (where the kernel has
# autogroups and allows it).
yield_cpu() {
  local fuzzer="$1" binary="$2" pid
  while kill -0 "$fuzzer" 2>/dev/null; do
    for pid in $(pgrep -f "^$binary\$" 2>/dev/null); do
      if [ -w "/proc/$pid/autogroup" ] && ! grep -q "nice 19" "/proc/$pid/autogroup" 2>/dev/null; then
        echo 19 >"/proc/$pid/autogroup" 2>/dev/null || true
      fi
    done
    sleep 2
  done
}

afl_stat() { grep -E "^$1 " "$2" | sed 's/.*: //'; }

summary=()
for target in "${targets[@]}"; do
  step "fuzzing $target for ${seconds}s"
  out_dir="$FUZZ/out/$target"
  mkdir -p "$out_dir" "$FUZZ/regressions/$target"
  # A URL's query is fuzzed up to 4 KiB, libFuzzer's default bound: its cost grows with its
  # length only linearly (every key is read for five widgets; a 100 kB query has a test of its
  # own), and half the executions went to the few queries AFL++ had grown past 20 kB.
  length=()
  [ "$target" != widget_url ] || length=(-G 4096)
  # -t: an input handled in more than 10 s is a hang, the acceptance bound. The first instance
  # is AFL++'s `default` (a secondary that syncs), the others `job2` … (logs afl-jobN.log).
  fuzzers=()
  for job in $(seq 1 "$jobs"); do
    name=() log="$out_dir/afl.log"
    [ "$job" = 1 ] || { name=(-S "job$job"); log="$out_dir/afl-job$job.log"; }
    nice -n 19 cargo afl fuzz "${name[@]}" -V "$seconds" -t 10000 "${length[@]}" \
      -i "$FUZZ/corpus/$target" -o "$out_dir" -- "$FUZZ/target/release/$target" >"$log" 2>&1 &
    fuzzers+=($!)
  done
  yield_cpu "${fuzzers[0]}" "$FUZZ/target/release/$target" &
  for fuzzer in "${fuzzers[@]}"; do
    wait "$fuzzer" || { tail -30 "$out_dir"/afl*.log >&2; exit 1; }
  done
  found=0
  for kind in crashes hangs; do
    for input in "$out_dir"/*/"$kind"/id:*; do
      [ -e "$input" ] || continue
      case "$kind" in crashes) name=crash ;; *) name=hang ;; esac
      copy="$FUZZ/regressions/$target/$name-$(sha1sum "$input" | cut -c1-16)"
      [ -e "$copy" ] || cp "$input" "$copy"
      found=$((found + 1))
    done
  done
  # Every instance that ever ran on this target's queues, this run's or an earlier one's.
  stats=("$out_dir"/*/fuzzer_stats)
  total() { for f in "${stats[@]}"; do afl_stat "$1" "$f"; done | awk '{ s += $1 } END { print s }'; }
  summary+=("$(printf '%-16s execs %-11s corpus %-6s crashes %-4s hangs %-4s execs/s %-8s instances %s' \
    "$target" "$(total execs_done)" "$(afl_stat corpus_count "$out_dir/default/fuzzer_stats")" \
    "$(total saved_crashes)" "$(total saved_hangs)" "$(total execs_per_sec)" "${#stats[@]}")")
  [ "$found" = 0 ] || echo "$target: $found inputs copied to fuzz/regressions/$target/" >&2
done

step "summary (cumulative over resumed runs; from every instance's fuzz/out/<target>/*/fuzzer_stats)"
printf '%s\n' "${summary[@]}"
