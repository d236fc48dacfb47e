#!/usr/bin/env bash
# main.sh — the main job: build noether, simulate the MCLNN paper's linear-spring system (A.6 initial
# state; on the GPU when one is usable, else the CPU) and plot it. Outputs land in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
mkdir -p out
./build/noether simulate "${1:-configs/linear_spring_eval.json}" -o out/trajectory.npz
/usr/bin/python3 scripts/plot_trajectory.py out/trajectory.npz -o out/trajectory.png
