#!/usr/bin/env bash
# table_vs_mlp.sh — how much faster a tabulated learned law rolls out than the pair MLP it was made from (issue 14's
# "a tabulated learned law >= 10x its MLP"; docs/PERFORMANCE.md). Open space, all pairs, the benchmark's random
# [1,16,16,1] squareplus model (bench/peers/make_case.py) and its quintic table on [0.3, 25] (every distance of the
# cluster inside it), N particles, float64 and float32, ROUNDS interleaved rounds. Per-step time of each law =
# (run of S steps − run of 0 steps) / S, one saved frame at the end; prints each round's times and ratio, then the
# median ratio and its range. Usage: bench/table_vs_mlp.sh NOETHER_BINARY [N=1000] [ROUNDS=5]
set -euo pipefail
bin="$(realpath "$1")"; N="${2:-1000}"; rounds="${3:-5}"
py=/usr/bin/python3; [ -x "$py" ] || py=python3
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
"$py" "$(dirname "$0")/peers/make_case.py" "$dir" "$N" >/dev/null
"$bin" tabulate --model "$dir/model.json" --r-min 0.3 --r-max 25 -o "$dir/table.json" -q
secs() {  # model steps precision-flag
  local s e; s=$(date +%s.%N)
  "$bin" rollout --model "$1" --init "$dir/init_$N.npz" --dt 0.001 --steps "$2" --stride "$(( $2 > 0 ? $2 : 1 ))" \
    -o "$dir/out.npz" -q --device cpu $3 >/dev/null
  e=$(date +%s.%N); echo "$e - $s" | bc -l
}
mlp_steps=$(( 100000000 / (N * N) + 1 )); table_steps=$(( 10 * mlp_steps ))
for prec in "" --float32; do
  ratios=()
  for r in $(seq "$rounds"); do
    m=$(echo "($(secs "$dir/model.json" $mlp_steps "$prec") - $(secs "$dir/model.json" 0 "$prec")) / $mlp_steps" | bc -l)
    t=$(echo "($(secs "$dir/table.json" $table_steps "$prec") - $(secs "$dir/table.json" 0 "$prec")) / $table_steps" | bc -l)
    ratio=$(echo "$m / $t" | bc -l); ratios+=("$ratio")
    printf '%s round %d: MLP %.3e s/step, table %.3e s/step, ratio %.2f (load %s)\n' "${prec:-float64}" "$r" "$m" "$t" \
      "$ratio" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  printf '%s\n' "${ratios[@]}" | sort -g | awk -v p="${prec:-float64}" '{a[NR]=$1} END {printf "%s N=%d: median ratio %.2fx (range %.2f-%.2f)\n", p, '"$N"', (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR]}'
done
