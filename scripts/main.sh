#!/usr/bin/env bash
# main.sh — the main job: build noether and simulate the MCLNN paper's linear-spring system.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
mkdir -p out
./build/noether simulate configs/linear_spring_eval.json -o out/linear_spring.npz
