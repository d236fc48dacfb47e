#!/usr/bin/env bash
# main.sh — the main job: build noether and run the MCLNN experiment of paper 000 for the linear spring
# (simulate the training set, learn the pair potential from positions, roll it out on 3 and 6 particles
# against ground truth, evaluate, plot), on the GPU for rollouts when one is usable, else all on the CPU.
# Usage: scripts/main.sh [CONFIG [OUT_DIR]]   (default configs/mclnn_linear_spring.json, out/mclnn_linear_spring)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
config="${1:-configs/mclnn_linear_spring.json}"
out="${2:-out/$(basename "${config%.json}")}"
./build/noether run "$config" -o "$out"
echo "open $out/summary.md (metrics table and plots)"
