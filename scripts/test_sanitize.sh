#!/usr/bin/env bash
# test_sanitize.sh — the whole test suite under AddressSanitizer + UBSan (docs/FUZZING.md): build with clang,
# -fsanitize=address,undefined -fno-sanitize-recover=undefined and without CUDA into build-asan/ (NOETHER_SANITIZE=ON,
# plus NOETHER_FUZZ=ON so that the same build also holds the libFuzzer targets of scripts/fuzz.sh and CTest
# replays their corpora, label "fuzz"), then run every CTest test there. Any sanitizer report aborts its test, so
# the script fails on any finding. Called by scripts/test.sh (NOETHER_SKIP_SANITIZE=1 skips it); needs the
# packages of scripts/bootstrap.sh (clang, libclang-rt-dev).
#   env: NOETHER_SANITIZE_EXCLUDE  a ctest -E regex of tests to leave out (default: none; the whole suite, golden
#        runs included, takes about 5 min here under the sanitizers)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Release -DNOETHER_ENABLE_CUDA=OFF -DNOETHER_SANITIZE=ON -DNOETHER_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$(nproc)"
# halt_on_error: the first report ends the test; detect_leaks: a leak is a finding too.
exclude="${NOETHER_SANITIZE_EXCLUDE:-^$}"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=1:strict_string_checks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -E "$exclude"
