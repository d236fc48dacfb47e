#!/usr/bin/env bash
# run.sh — noether against its peers, interleaved, several rounds, in one run; prints the ratio tables.
#   bench/peers/run.sh [--suite rollout,train,hnn] [--device cpu|cuda] [--rounds 5] [suite options...]
# Suites (each first checks that noether and the peer compute the same thing from the same inputs, then times them):
#   rollout  learned-potential Verlet rollouts: noether rollout vs plain JAX (jax_rollout.py) and JAX MD
#            (jax_md_rollout.py); options --sizes 100,1000,4000 --precisions float64,float32 --peers jax,jaxmd --pairs
#   train    MCLNN trajectory-loss training per epoch: noether train vs plain JAX (jax_mclnn_train.py, optax);
#            options --epochs 5,15 --threads 1,2 (noether's)
#   hnn      HNN training step: noether (its Python package) vs the PyTorch reference step (torch_hnn.py), 1 and 2
#            threads; options --steps 20,60 --threads 1,2
# Options after --suite/--device/--rounds go to every chosen suite's script (compare.py, train_compare.py,
# hnn_compare.py); give one suite when passing suite options.
#
# Installs on first use, from PyPI only, into bench/peers/.venv (git-ignored): jax[cpu] (jax[cuda12] with
# --device cuda), optax, jax-md, numpy, torch. PyTorch's PyPI wheel for Linux x86-64 is the CUDA build and pulls the
# nvidia-* libraries (~4 GB in all; the CPU-only wheel index is not on PyPI and not reachable here); on a CPU machine
# it runs on the CPU unchanged, and the same install serves --device cuda. The noether binary is $NOETHER (default
# build/noether) and the hnn suite imports the Python package from $NOETHER_PYTHONPATH (default build/python):
# build both first, e.g. NOETHER_PYTHON=ON scripts/bootstrap.sh (docs/PYTHON.md). --device cuda (noether --device
# cuda, JAX and PyTorch on the GPU) is written for a GPU machine and has NOT been run yet.
# Never run by ctest (it times things). docs/PERFORMANCE.md records the runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
NOETHER="${NOETHER:-$root/build/noether}"
NOETHER_PYTHONPATH="${NOETHER_PYTHONPATH:-$root/build/python}"
suites=rollout,train,hnn
device=cpu
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suites="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    *) pass+=("$1"); shift ;;
  esac
done
[ -x "$NOETHER" ] || { echo "run.sh: no noether binary at $NOETHER (build it: scripts/bootstrap.sh, or set NOETHER=...)" >&2; exit 1; }
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
fi
jaxpkg="jax[cpu]"; [ "$device" = cuda ] && jaxpkg="jax[cuda12]"
check="import jax, optax, jax_md, torch, numpy"
[ "$device" = cuda ] && check="$check; jax.devices('gpu'); assert torch.cuda.is_available()"  # a CPU-only jax needs jax[cuda12]
if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
  "$venv/bin/pip" install -q "$jaxpkg" optax jax-md numpy torch
fi
py="$venv/bin/python"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "noether: $NOETHER ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); device $device"
[ "$device" = cuda ] || export JAX_PLATFORMS=cpu
IFS=, read -r -a list <<< "$suites"
for s in "${list[@]}"; do
  echo; echo "== $s =="
  case "$s" in
    rollout) "$py" "$here/compare.py" --noether "$NOETHER" --device "$device" ${pass[@]+"${pass[@]}"} ;;
    train) "$py" "$here/train_compare.py" --noether "$NOETHER" --device "$device" ${pass[@]+"${pass[@]}"} ;;
    hnn) PYTHONPATH="$NOETHER_PYTHONPATH" "$py" "$here/hnn_compare.py" --device "$device" ${pass[@]+"${pass[@]}"} ;;
    *) echo "run.sh: unknown suite '$s' (rollout, train, hnn)" >&2; exit 2 ;;
  esac
done
echo; echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
