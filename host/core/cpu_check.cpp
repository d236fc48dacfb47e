// core/cpu_check.cpp — see core/cpu_check.hpp. Compiled WITHOUT -march (CMakeLists.txt: the object library
// noether_cpu_check) and with C library calls only: no C++ standard-library inline function whose -march
// copy the linker could pick, so nothing here can run an instruction the CPU lacks.
#include "noether/core/cpu_check.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef NOETHER_BUILT_ISA
#define NOETHER_BUILT_ISA ""
#endif
#ifndef NOETHER_SIMD_MODE
#define NOETHER_SIMD_MODE "portable"
#endif

namespace noether {
namespace {

bool pretend_missing(const char* name) {
  const char* p = std::getenv("NOETHER_ISA_CHECK_PRETEND_MISSING");
  return p != nullptr && std::strcmp(p, name) == 0;
}

void missing(const char* name) {
  std::fprintf(stderr,
               "noether: error: this binary was built for a CPU with %s (NOETHER_SIMD=%s: -march=native on the build "
               "host, extensions %s), but this CPU lacks %s.\n"
               "  Rebuild on this machine (scripts/bootstrap.sh), or build a portable binary: "
               "cmake -DNOETHER_SIMD=portable (docs/PERFORMANCE.md).\n",
               name, NOETHER_SIMD_MODE, NOETHER_BUILT_ISA, name);
  std::fflush(stderr);
  std::_Exit(3);
}

}  // namespace

#if defined(__x86_64__) || defined(__i386__)
/// Bit `bit` of EDX of CPUID leaf 7, subleaf 0 (structured extended features), for the extensions that not every
/// compiler's __builtin_cpu_supports names.
[[maybe_unused]] static bool cpuid_leaf7_edx_bit(unsigned bit) {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (d >> bit) & 1u;
}
#endif

// One line per extension that CMake found enabled by the build's flags (cmake/simd.cmake defines
// NOETHER_ISA_<NAME> for each predefined __<NAME>__ macro); __builtin_cpu_supports needs a literal name.
#define NOETHER_CHECK(feature)                                                   \
  do {                                                                           \
    if (!__builtin_cpu_supports(feature) || pretend_missing(feature)) missing(feature); \
  } while (0)

void check_host_isa() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#ifdef NOETHER_ISA_SSE3
  NOETHER_CHECK("sse3");
#endif
#ifdef NOETHER_ISA_SSSE3
  NOETHER_CHECK("ssse3");
#endif
#ifdef NOETHER_ISA_SSE4_1
  NOETHER_CHECK("sse4.1");
#endif
#ifdef NOETHER_ISA_SSE4_2
  NOETHER_CHECK("sse4.2");
#endif
#ifdef NOETHER_ISA_POPCNT
  NOETHER_CHECK("popcnt");
#endif
#ifdef NOETHER_ISA_AVX
  NOETHER_CHECK("avx");
#endif
#ifdef NOETHER_ISA_AVX2
  NOETHER_CHECK("avx2");
#endif
#ifdef NOETHER_ISA_FMA
  NOETHER_CHECK("fma");
#endif
#ifdef NOETHER_ISA_BMI
  NOETHER_CHECK("bmi");
#endif
#ifdef NOETHER_ISA_BMI2
  NOETHER_CHECK("bmi2");
#endif
#ifdef NOETHER_ISA_AVX512F
  NOETHER_CHECK("avx512f");
#endif
#ifdef NOETHER_ISA_AVX512DQ
  NOETHER_CHECK("avx512dq");
#endif
#ifdef NOETHER_ISA_AVX512CD
  NOETHER_CHECK("avx512cd");
#endif
#ifdef NOETHER_ISA_AVX512BW
  NOETHER_CHECK("avx512bw");
#endif
#ifdef NOETHER_ISA_AVX512VL
  NOETHER_CHECK("avx512vl");
#endif
#ifdef NOETHER_ISA_AVX512IFMA
  NOETHER_CHECK("avx512ifma");
#endif
#ifdef NOETHER_ISA_AVX512VBMI
  NOETHER_CHECK("avx512vbmi");
#endif
#ifdef NOETHER_ISA_AVX512VBMI2
  NOETHER_CHECK("avx512vbmi2");
#endif
#ifdef NOETHER_ISA_AVX512VNNI
  NOETHER_CHECK("avx512vnni");
#endif
#ifdef NOETHER_ISA_AVX512BITALG
  NOETHER_CHECK("avx512bitalg");
#endif
#ifdef NOETHER_ISA_AVX512VPOPCNTDQ
  NOETHER_CHECK("avx512vpopcntdq");
#endif
#ifdef NOETHER_ISA_AVX512BF16
  NOETHER_CHECK("avx512bf16");
#endif
#ifdef NOETHER_ISA_AVX512FP16
  // clang 14 does not know "avx512fp16" in __builtin_cpu_supports: CPUID leaf 7, subleaf 0, EDX bit 23.
  if (!cpuid_leaf7_edx_bit(23) || pretend_missing("avx512fp16")) missing("avx512fp16");
#endif
#endif
}

const char* built_isa() { return NOETHER_BUILT_ISA; }
const char* built_simd_mode() { return NOETHER_SIMD_MODE; }

// Before the static initialisers of the -march code (default priority) run.
__attribute__((constructor(101))) static void check_host_isa_early() { check_host_isa(); }

}  // namespace noether
