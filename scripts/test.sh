#!/usr/bin/env bash
# test.sh — build noether and run the whole test suite through CTest (GPU tests skip without a GPU;
# NOETHER_REQUIRE_GPU=1 makes them fail instead), then run every CUDA kernel's tests on the CPU executor
# (scripts/test_cpuexec.sh, docs/CUDA_ON_CPU.md; NOETHER_SKIP_CPUEXEC=1 skips that part), and the Python package's
# tests (scripts/test_python.sh: the extension built in build/ with NOETHER_PYTHON=ON, pytest tests/python/;
# NOETHER_SKIP_PYTHON=1 skips that part).
set -euo pipefail
cd "$(dirname "$0")/.."
NOETHER_PYTHON="${NOETHER_PYTHON:-$([ "${NOETHER_SKIP_PYTHON:-0}" = 1 ] && echo OFF || echo ON)}" scripts/bootstrap.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
if [ "${NOETHER_SKIP_PYTHON:-0}" != 1 ]; then
  scripts/test_python.sh
fi
if [ "${NOETHER_SKIP_CPUEXEC:-0}" != 1 ]; then
  scripts/test_cpuexec.sh
fi
