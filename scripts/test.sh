#!/usr/bin/env bash
# test.sh — build noether and run the whole test suite through CTest (GPU tests skip without a GPU;
# NOETHER_REQUIRE_GPU=1 makes them fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
