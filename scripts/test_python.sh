#!/usr/bin/env bash
# test_python.sh — run the pytest suite tests/python/ against the Python extension built in build/ (docs/PYTHON.md).
# Builds it first when needed: `NOETHER_PYTHON=ON scripts/bootstrap.sh` (build/pyenv, a virtual environment over
# Debian's python3 with nanobind from PyPI; the extension and a copy of python/noether/ in build/python/noether/).
# Installs ASE into build/pyenv (pip) for the noether.ase tests and Debian's LAMMPS (`lmp`) for the comparison with a
# trusted engine (tests/python/test_lammps.py). scripts/test.sh calls it after CTest.
# Usage: scripts/test_python.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x build/pyenv/bin/python ] || ! grep -q "^NOETHER_PYTHON:BOOL=ON" build/CMakeCache.txt 2>/dev/null; then
  NOETHER_PYTHON=ON scripts/bootstrap.sh
fi
# ASE for tests/python/test_ase.py (noether.ase is an optional import; its tests skip only where ASE is missing):
# from PyPI into the same virtual environment, like nanobind (its numpy, scipy and matplotlib come from Debian).
build/pyenv/bin/python -c "import ase" 2>/dev/null ||
  build/pyenv/bin/python -m pip install -q --disable-pip-version-check "ase==3.29.0"
# LAMMPS for tests/python/test_lammps.py (energies, forces, pressure and a short NVE run against noether's LJ):
# Debian's package without its recommended documentation (~15 s).
if ! command -v lmp >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends lammps
fi
cmake --build build -j"$(nproc)" --target _core noether noether_stub
# -p no:cacheprovider: no .pytest_cache in the checkout. pytest's exit 5 (no tests collected) fails like any other.
PYTHONPATH="$PWD/build/python" NOETHER_BINARY="$PWD/build/noether" NOETHER_REQUIRE_CLI=1 \
  build/pyenv/bin/python -m pytest -q -p no:cacheprovider tests/python "$@"
