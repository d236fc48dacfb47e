#!/usr/bin/env bash
# test.sh — build noether and run the whole test suite through CTest (GPU tests skip without a GPU;
# NOETHER_REQUIRE_GPU=1 makes them fail instead), then run every CUDA kernel's tests on the CPU executor
# (scripts/test_cpuexec.sh, docs/CUDA_ON_CPU.md; NOETHER_SKIP_CPUEXEC=1 skips that part), the Python package's
# tests (scripts/test_python.sh: the extension built in build/ with NOETHER_PYTHON=ON, pytest tests/python/;
# NOETHER_SKIP_PYTHON=1 skips that part), the whole suite again under AddressSanitizer + UBSan
# (scripts/test_sanitize.sh; NOETHER_SKIP_SANITIZE=1 skips it) and a short libFuzzer run of every loader
# (scripts/fuzz.sh --ci, docs/FUZZING.md; NOETHER_SKIP_FUZZ=1 skips it).
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
if [ "${NOETHER_SKIP_SANITIZE:-0}" != 1 ]; then
  scripts/test_sanitize.sh
fi
if [ "${NOETHER_SKIP_FUZZ:-0}" != 1 ]; then
  scripts/fuzz.sh --ci
fi
