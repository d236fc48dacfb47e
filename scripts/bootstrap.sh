#!/usr/bin/env bash
# bootstrap.sh — install noether's Debian dependencies (if missing) and build into build/.
# Usage: scripts/bootstrap.sh   (NOETHER_ENABLE_CUDA=OFF to skip the kernels; NOETHER_SIMD=portable for a binary
#        that runs on any x86-64 CPU instead of one built for this host's SIMD, -march=native: docs/PERFORMANCE.md;
#        NOETHER_PYTHON=ON also builds the Python extension, docs/PYTHON.md; scripts/test.sh sets it)
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake g++ make libgtest-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libzip-dev libeigen3-dev liblbfgspp-dev libboost-context-dev python3-numpy python3-matplotlib
      clang libclang-rt-dev)  # clang + its sanitizer/libFuzzer runtimes: scripts/test_sanitize.sh, scripts/fuzz.sh
if [ "${NOETHER_PYTHON:-OFF}" = ON ]; then  # the Python package's build and tests (docs/PYTHON.md)
  pkgs+=(python3-dev python3-venv python3-pytest)
fi
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
python_flags=()
if [ "${NOETHER_PYTHON:-OFF}" = ON ]; then
  # The extension noether._core in the same build (cmake/python.cmake): nanobind from PyPI (Debian 12 has none) in
  # the virtual environment build/pyenv, which sees Debian's numpy, matplotlib and pytest.
  venv=build/pyenv
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/python" -c "import nanobind" 2>/dev/null ||
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "nanobind==2.4.0"
  python_flags=(-DNOETHER_PYTHON=ON -DPython_EXECUTABLE="$PWD/$venv/bin/python")
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNOETHER_ENABLE_CUDA="${NOETHER_ENABLE_CUDA:-ON}" \
      -DNOETHER_SIMD="${NOETHER_SIMD:-AUTO}" "${python_flags[@]}" >/dev/null
cmake --build build -j"$(nproc)"
