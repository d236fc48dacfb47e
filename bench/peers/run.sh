#!/usr/bin/env bash
# run.sh — noether vs a plain JAX implementation of the same learned-potential Verlet rollout, interleaved.
#   bench/peers/run.sh [--sizes 100,1000,4000] [--rounds 5]
# Creates bench/peers/.venv (python3 -m venv; pip install jax[cpu] numpy from PyPI) on first use, uses the
# noether binary $NOETHER (default build/noether; build it first: scripts/bootstrap.sh), checks both reach the
# same final state on a short rollout, and prints the ratio table (docs/PERFORMANCE.md records one run).
# Never run by ctest (it times things).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
NOETHER="${NOETHER:-$root/build/noether}"
[ -x "$NOETHER" ] || { echo "run.sh: no noether binary at $NOETHER (build it: scripts/bootstrap.sh, or set NOETHER=...)" >&2; exit 1; }
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q "jax[cpu]" numpy
fi
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
cd "$here"
exec "$venv/bin/python" compare.py --noether "$NOETHER" "$@"
