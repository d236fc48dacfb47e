#!/usr/bin/env bash
# reproduce.sh — regenerate every documented result from this checkout: run each documented experiment
# (`noether run configs/<name>.json`), record its wall time, and rewrite the generated tables of
# docs/EXPERIMENTS.md, docs/HNN.md and docs/PIXEL_PENDULUM.md from the metrics (scripts/docs_tables.py).
#
# Usage: scripts/reproduce.sh [--quick] [--only NAME[,NAME…]] [--out DIR]
#   (default)  the full protocols (hours on 2 cores; docs/REPRODUCING.md lists each run's wall time) into
#              out/reproduce/; each finished run's metrics are recorded in docs/results/<name>.json (with
#              commit, date, machine, wall time) and the docs' generated tables are rewritten from them
#   --quick    the short golden versions (configs/golden/, ~2 min) into out/reproduce-quick/; their records
#              and tables go to out/reproduce-quick/ (results/, TABLES.md), never into the docs
#   --only     a subset (names of configs/*.json without .json); the other experiments keep their records
#   --out DIR  another output folder
#   --binary B another noether binary (e.g. a -march=native build); default: build/ (built first)
# Training runs single-threaded where the config says so; set OMP_NUM_THREADS to change the CPU count of
# the rest (results do not depend on it).
set -euo pipefail
cd "$(dirname "$0")/.."

FULL=(mclnn_linear_spring mclnn_nonlinear_spring mclnn_gravity mclnn_gravity_wide
      hnn_mass_spring hnn_pendulum hnn_real_pendulum hnn_two_body hnn_three_body hnn_pixel_pendulum
      hnn_pixel_pendulum_reference_wd bulk_lj_generalization bulk_kob_andersen_generalization mclnn_gravity_at_scale
      bench_cpu)
quick=0
only=""
out=""
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) [ $# -ge 2 ] || { echo "reproduce.sh: --only needs a comma-separated list of experiment names" >&2; exit 2; }
            only="$2"; shift ;;
    --out) [ $# -ge 2 ] || { echo "reproduce.sh: --out needs a folder" >&2; exit 2; }
           out="$2"; shift ;;
    --binary) [ $# -ge 2 ] && [ -x "$2" ] || { echo "reproduce.sh: --binary needs an executable noether binary" >&2; exit 2; }
              binary="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "reproduce.sh: unknown argument '$1' (expected --quick, --only NAMES, --out DIR, --binary B)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then confdir=configs/golden; out="${out:-out/reproduce-quick}"
else confdir=configs; out="${out:-out/reproduce}"; fi
names=("${FULL[@]}")
if [ -n "$only" ]; then
  IFS=, read -r -a names <<<"$only"
fi
for n in "${names[@]}"; do  # every name is checked before any work starts
  [ "$n" = bench_cpu ] && [ "$quick" = 0 ] && continue  # `noether bench --device cpu` (PERFORMANCE.md), no config
  [ "$quick" = 1 ] && [ -z "$only" ] && [ ! -f "$confdir/$n.json" ] && continue  # no golden version: --quick skips it
  [ -f "$confdir/$n.json" ] || { echo "reproduce.sh: --only: no experiment '$n' ($confdir/$n.json; known: ${FULL[*]})" >&2; exit 2; }
done

if [ -z "$binary" ]; then scripts/bootstrap.sh; binary=./build/noether; fi
if [ "$quick" = 1 ]; then results="$out/results"; else results=docs/results; fi
mkdir -p "$out" "$results"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- host include kernels configs CMakeLists.txt 2>/dev/null || commit="$commit (with uncommitted changes)"
machine="$(nproc --all) CPUs${cpu:+, $cpu}"

for n in "${names[@]}"; do
  if [ "$quick" = 1 ] && [ "$n" != bench_cpu ] && [ ! -f "$confdir/$n.json" ]; then
    echo "reproduce: $n has no golden version ($confdir/$n.json): skipped by --quick"; continue
  fi
  echo "reproduce: $n ($confdir/$n.json -> $out/$n)"
  rm -rf "${out:?}/$n"
  t0=$(date +%s.%N)
  if [ "$n" = bench_cpu ]; then
    mkdir -p "$out/$n"
    "$binary" bench --device cpu --json "$out/$n/metrics.json"
    command="noether bench --device cpu --json bench.json"
  else
    "$binary" run "$confdir/$n.json" -o "$out/$n"
    command="noether run $confdir/$n.json"
  fi
  # The record: written whole to a temporary file and renamed, so a failed run leaves the old one.
  python3 scripts/record_result.py "$results/$n.json" --experiment "$n" --command "$command" --config "$confdir/$n.json" \
    --commit "$commit" --machine "$machine" --t0 "$t0" --t1 "$(date +%s.%N)" --metrics "$out/$n/metrics.json"
done

if [ "$quick" = 1 ]; then
  python3 scripts/docs_tables.py "$results" --print >"$out/TABLES.md"
  echo "reproduce: tables of the golden runs in $out/TABLES.md (the docs are not touched by --quick)"
else
  python3 scripts/docs_tables.py "$results"
fi
