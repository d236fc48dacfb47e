#!/usr/bin/env bash
# bootstrap.sh — install noether's Debian dependencies (if missing) and build into build/.
# Usage: scripts/bootstrap.sh   (NOETHER_ENABLE_CUDA=OFF to skip the kernels)
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake g++ make libgtest-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libzip-dev libeigen3-dev libboost-context-dev python3-numpy python3-matplotlib
      clang libclang-rt-dev)  # clang + its sanitizer/libFuzzer runtimes: scripts/test_sanitize.sh, scripts/fuzz.sh
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
if [ -z "${CUDACXX:-}" ] && ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export CUDACXX=/usr/local/cuda/bin/nvcc
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNOETHER_ENABLE_CUDA="${NOETHER_ENABLE_CUDA:-ON}" >/dev/null
cmake --build build -j"$(nproc)"
