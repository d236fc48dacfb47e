// core/cpu_check.hpp — the start-up check that this CPU runs every instruction set the binary was built for.
//
// A native build (NOETHER_SIMD=native, the default where the build host runs it; docs/PERFORMANCE.md) compiles
// everything with -march=native. Run on a CPU without, say, AVX-512, such a binary would die with SIGILL at the
// first such instruction. Instead, host/core/cpu_check.cpp — the one translation unit compiled WITHOUT -march,
// and using only C library calls, so that the check itself cannot execute an instruction the CPU lacks — asks
// the CPU (__builtin_cpu_supports) for each ISA extension the build's compiler flags enabled (the predefined
// macros __AVX2__, __FMA__, __AVX512F__, ... recorded by CMake at configure time) and, when one is missing,
// prints which and how to build a portable binary, and exits with status 3. It runs as an early constructor
// (before the static initialisers of the -march code) and again first thing in main.
#pragma once

namespace noether {

/// Exit(3) with a message on stderr unless the CPU runs every ISA extension this binary was built for.
/// Environment NOETHER_ISA_CHECK_PRETEND_MISSING=<name> treats that extension (e.g. avx2) as missing (tests).
void check_host_isa();

/// The ISA extensions this binary was built for, comma-separated ("" in a portable build), and the
/// NOETHER_SIMD mode it was configured with ("native" or "portable").
const char* built_isa();
const char* built_simd_mode();

}  // namespace noether
