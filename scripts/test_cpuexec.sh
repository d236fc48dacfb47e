#!/usr/bin/env bash
# test_cpuexec.sh — the GPU tests without a GPU: build the exact kernels/*.cu sources as C++ against the CPU
# executor (kernels/cpu_executor/, docs/CUDA_ON_CPU.md) into build-cpuexec/ and run every Cuda* parity test and
# the executor's own tests (CpuExec*: shim semantics and deliberately broken kernels) with NOETHER_REQUIRE_GPU=1:
# none may skip. The `noether run` CLI tests (CliTest.Run*) run too: with a usable device, "device": "auto"
# takes the GPU paths of the host code (MCLNN, HNN and pixel training on the kernels). Called by scripts/test.sh; needs the packages of scripts/bootstrap.sh (Boost.Context, OpenMP).
#   env: NOETHER_CPUEXEC_CXX (default: the system c++) picks the compiler, e.g. clang++.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cxx=()
[ -n "${NOETHER_CPUEXEC_CXX:-}" ] && cxx=(-DCMAKE_CXX_COMPILER="$NOETHER_CPUEXEC_CXX")
cmake -S . -B build-cpuexec -DCMAKE_BUILD_TYPE=Release -DNOETHER_CUDA_ON_CPU=ON "${launcher[@]}" "${cxx[@]}" >/dev/null
cmake --build build-cpuexec --target noether_tests noether -j"$(nproc)"
log="build-cpuexec/ctest_cpuexec.log"
# The two tests of the no-device path skip whenever a device is usable (on a GPU too); they run in the
# normal suite, so they are left out here instead of being counted as skips.
no_device='^(CudaMclnn\.ValidCallWithoutADeviceSaysWhy|CudaMlpParity\.WithoutCudaEverythingThrows)$'
NOETHER_REQUIRE_GPU=1 ctest --test-dir build-cpuexec --output-on-failure -j"$(nproc)" -R 'Cuda|CpuExec|^CliTest\.Run' -E "$no_device" |
  tee "$log"
if grep -q "Skipped" "$log"; then
  echo "test_cpuexec: some kernel tests were skipped; every Cuda* test must run on the CPU executor" >&2
  exit 1
fi
