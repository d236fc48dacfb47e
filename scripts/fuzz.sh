#!/usr/bin/env bash
# fuzz.sh — coverage-guided fuzzing of every loader with libFuzzer under AddressSanitizer + UBSan (docs/FUZZING.md).
# Builds the targets of tests/fuzz/ with clang into build-asan/ (the build of scripts/test_sanitize.sh), then for
# each target: replays its seed corpus tests/fuzz/corpus/<target>/, and fuzzes it for N seconds starting from the
# seeds plus the inputs earlier runs found (build-asan/fuzz/corpus/<target>/, kept between runs, never committed).
# Every finding (crash-*, leak-*, timeout-*, oom-*) is written to build-asan/fuzz/findings/<target>/ and the script
# exits 1 listing them; a fixed finding joins tests/fuzz/corpus/<target>/ as a regression input.
# Usage: scripts/fuzz.sh [--seconds N] [--only TARGET] [--ci] [--replay-only]
#   --seconds N    fuzzing time per target (default 600; --ci: 25)
#   --only T       one target (npy, npz, trajectory, evaluate, simulation_config, train_config, model_file,
#                  table_file, checkpoint, pair_laws_file, run_config, real_pendulum); may be given more than once
#   --ci           the short run of CI (scripts/test.sh; NOETHER_SKIP_FUZZ=1 skips it there)
#   --replay-only  only replay the seed corpora
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
ci=0
replay_only=0
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --ci) ci=1; shift ;;
    --replay-only) replay_only=1; shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see the header of scripts/fuzz.sh)" >&2; exit 2 ;;
  esac
done
[ "$ci" = 1 ] && [ "$seconds" = 600 ] && seconds=25
targets=()
for f in tests/fuzz/fuzz_*.cpp; do t="${f#tests/fuzz/fuzz_}"; targets+=("${t%.cpp}"); done
if [ ${#only[@]} -gt 0 ]; then
  for t in "${only[@]}"; do
    [ -f "tests/fuzz/fuzz_$t.cpp" ] || { echo "fuzz.sh: no target '$t'; targets: ${targets[*]}" >&2; exit 2; }
  done
  targets=("${only[@]}")
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DNOETHER_ENABLE_CUDA=OFF -DNOETHER_SANITIZE=ON -DNOETHER_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# Every execution writes its input to a file under $TMPDIR (the loaders read paths): on a disk that bounds the run
# by I/O (processes in state D at a third of a core), so use the RAM-backed /dev/shm when TMPDIR is not set.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
# The CPU time of each fuzzing run goes to its log (the long run is counted in CPU-hours, docs/FUZZING.md).
TIMEFORMAT="fuzz.sh: cpu_seconds %3U user + %3S sys, wall %3R s"
# Limits: an input may take 10 s and 2 GiB (a loader must refuse what is larger before allocating it).
common=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
failed=()
mkdir -p build-asan/fuzz
start_mark="build-asan/fuzz/.started"
touch "$start_mark"
for t in "${targets[@]}"; do
  exe="build-asan/fuzz_$t"
  seeds="tests/fuzz/corpus/$t"
  findings="build-asan/fuzz/findings/$t"
  work="build-asan/fuzz/corpus/$t"
  mkdir -p "$findings" "$work"
  log="build-asan/fuzz/$t.log"
  echo "== fuzz $t: replay $(ls "$seeds" | wc -l) seeds$([ "$replay_only" = 1 ] || echo ", then fuzz ${seconds} s")"
  if ! "$exe" "${common[@]}" -runs=0 -artifact_prefix="$findings/" "$seeds" >"$log" 2>&1; then
    failed+=("$t (seed replay)"); tail -n 40 "$log"; continue
  fi
  [ "$replay_only" = 1 ] && continue
  if ! { time "$exe" "${common[@]}" -max_total_time="$seconds" -artifact_prefix="$findings/" "$work" "$seeds" >>"$log" 2>&1 ; } 2>>"$log"; then
    failed+=("$t"); tail -n 40 "$log"
  fi
  # The run's summary: executions, their rate, coverage (edges) and features.
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|^#[0-9]+.*(DONE|pulse)" "$log" | tail -n 3 || true
  grep -E "^fuzz.sh: cpu_seconds" "$log" | tail -n 1 || true
  grep -Eo "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*" "$log" | tail -n 1 || true
done
found=$(find build-asan/fuzz/findings -type f -newer "$start_mark" 2>/dev/null | sort)
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FINDINGS in ${failed[*]}:" >&2
  echo "$found" >&2
  echo "reproduce: build-asan/fuzz_<target> <file>; fix the reader, then add the file to tests/fuzz/corpus/<target>/" >&2
  exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, no finding"
