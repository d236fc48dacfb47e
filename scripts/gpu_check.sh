#!/usr/bin/env bash
# gpu_check.sh — run ON the lent GPU machine: build noether with CUDA, run the WHOLE test suite with
# NOETHER_REQUIRE_GPU=1 (every GPU test must run and pass, none may skip) and run the benchmarks.
# Build dependencies come from .deps/ (scripts/fetch_gpu_deps.sh, carried along) when the machine
# lacks them. Logs and bench JSON go to $OUT (or out/gpu/ when $OUT is unset).
#   device tool:  run(command="bash scripts/gpu_check.sh", carry=[".deps"])
#   options (env): NOETHER_GPU_BENCH=0 skips the benchmarks (and the GPU-vs-CPU MCLNN training timing); NOETHER_CUDA_ARCH (default 90).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-out/gpu}"
mkdir -p "$out"
log() { echo "== $*" | tee -a "$out/gpu_check.log"; }
jobs="$(nproc)"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 | tee "$out/nvidia-smi.txt"
prefix=""
if [ -d .deps/root ]; then
  deps="$PWD/.deps"
  gtest="/tmp/noether-gtest"  # built on this machine, with its compiler, never carried
  if [ ! -f "$gtest/lib/libgtest.a" ] && [ ! -f "$gtest/lib64/libgtest.a" ]; then
    log "building GoogleTest from .deps (Debian's source package)"
    cmake -S "$deps/root/usr/src/googletest" -B /tmp/noether-gtest-build -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$gtest" -DBUILD_GMOCK=OFF >"$out/gtest_build.log" 2>&1 &&
      cmake --build /tmp/noether-gtest-build -j"$jobs" >>"$out/gtest_build.log" 2>&1 &&
      cmake --install /tmp/noether-gtest-build >>"$out/gtest_build.log" 2>&1 || { log "GoogleTest build FAILED"; exit 1; }
  fi
  prefix="-DCMAKE_PREFIX_PATH=$gtest;$deps/root/usr -DZLIB_ROOT=$deps/root/usr"
fi
export CUDACXX="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
log "configure (CUDA arch ${NOETHER_CUDA_ARCH:-90})"
# shellcheck disable=SC2086
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DNOETHER_ENABLE_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES="${NOETHER_CUDA_ARCH:-90}" $prefix >"$out/configure.log" 2>&1 ||
  { tail -30 "$out/configure.log"; log "configure FAILED"; exit 1; }
grep -q "CUDA backend ON" "$out/configure.log" || { log "CUDA backend is OFF: nvcc not found"; exit 1; }
log "build"
cmake --build build-gpu -j"$jobs" >"$out/build.log" 2>&1 || { grep -E "error" "$out/build.log" | head -40; log "build FAILED"; exit 1; }
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:${deps:-/nonexistent}/root/usr/lib/x86_64-linux-gnu"
log "tests with NOETHER_REQUIRE_GPU=1"
NOETHER_REQUIRE_GPU=1 ctest --test-dir build-gpu --output-on-failure -j4 >"$out/ctest.log" 2>&1
test_rc=$?
tail -25 "$out/ctest.log"
# The parity tests print their largest errors: keep them readable.
NOETHER_REQUIRE_GPU=1 ./build-gpu/noether_tests --gtest_filter='Cuda*' >"$out/cuda_tests_verbose.log" 2>&1 || true
bench_rc=0
if [ "${NOETHER_GPU_BENCH:-1}" != "0" ]; then
  log "bench"
  ./build-gpu/noether bench --device cuda --json "$out/bench_cuda.json" 2>&1 | tee "$out/bench_cuda.txt"
  bench_rc=${PIPESTATUS[0]}
  ./build-gpu/noether bench --device cpu --quick --json "$out/bench_cpu.json" >"$out/bench_cpu.txt" 2>&1 || bench_rc=1
  log "MCLNN training, GPU vs CPU (paper's linear-spring set, 30 epochs each; both print their seconds)"
  ./build-gpu/noether simulate configs/linear_spring_train.json -o "$out/linear_spring_train.npz" -q || bench_rc=1
  for dev in cuda cpu; do
    ./build-gpu/noether train --data "$out/linear_spring_train.npz" -o "$out/train_$dev.json" --epochs 30 \
      --time-budget 0 --log "$out/train_$dev.csv" --device "$dev" 2>&1 | tee "$out/train_$dev.txt"
    [ "${PIPESTATUS[0]}" -eq 0 ] || bench_rc=1
  done
  # Bulk LJ on the GPU neighbor lists (docs/BULK.md; docs/PERFORMANCE.md, "Bulk Lennard-Jones on the GPU"): the
  # LAMMPS bench/in.lj state in float32, 200 steps; `simulate` prints particle-steps/s (setup and 3 saved frames
  # included). The CPU runs the 32,000-particle case only.
  log "bulk LJ, GPU neighbor lists vs CPU (fcc at rho 0.8442, r_c 2.5, 200 steps; particle-steps/s)"
  for cells in 20 40 64; do  # 32,000, 256,000 and 1,048,576 particles
    printf '%s\n' "{\"description\": \"LJ benchmark state (LAMMPS bench/in.lj: fcc at rho = 0.8442, T = 1.44, r_c = 2.5), written by scripts/gpu_check.sh\", \"system\": {\"potential\": \"lennard_jones\", \"epsilon\": 1.0, \"sigma\": 1.0, \"cutoff\": 2.5, \"smoothing\": \"shifted_force\"}, \"initial_state\": {\"sampler\": \"fcc\", \"cells\": $cells, \"density\": 0.8442, \"temperature\": 1.44, \"seed\": 1}, \"neighbor\": \"cell\", \"integrator\": {\"method\": \"verlet\", \"dt\": 0.005, \"stride\": 100, \"frames\": 3}, \"precision\": \"float32\"}" >"$out/lj_bench_$cells.json"
    devs="cuda"
    [ "$cells" -eq 20 ] && devs="cuda cpu"
    for dev in $devs; do
      ./build-gpu/noether simulate "$out/lj_bench_$cells.json" -o "$out/lj_bench_${cells}_$dev.npz" --device "$dev" 2>&1 |
        tee "$out/lj_bench_${cells}_$dev.txt"
      [ "${PIPESTATUS[0]}" -eq 0 ] || bench_rc=1
    done
  done
fi
log "tests rc=$test_rc bench rc=$bench_rc  (logs in $out)"
[ "$test_rc" -eq 0 ] && [ "$bench_rc" -eq 0 ]
