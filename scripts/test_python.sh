#!/usr/bin/env bash
# test_python.sh — run the pytest suite tests/python/ against the Python extension built in build/ (docs/PYTHON.md).
# Builds it first when needed: `NOETHER_PYTHON=ON scripts/bootstrap.sh` (build/pyenv, a virtual environment over
# Debian's python3 with nanobind from PyPI; the extension and a copy of python/noether/ in build/python/noether/).
# scripts/test.sh calls it after CTest. Usage: scripts/test_python.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/pyenv/bin/python ] || ! grep -q "^NOETHER_PYTHON:BOOL=ON" build/CMakeCache.txt 2>/dev/null; then
  NOETHER_PYTHON=ON scripts/bootstrap.sh
fi
cmake --build build -j"$(nproc)" --target _core noether noether_stub
# -p no:cacheprovider: no .pytest_cache in the checkout. pytest's exit 5 (no tests collected) fails like any other.
PYTHONPATH="$PWD/build/python" NOETHER_BINARY="$PWD/build/noether" NOETHER_REQUIRE_CLI=1 \
  build/pyenv/bin/python -m pytest -q -p no:cacheprovider tests/python "$@"
