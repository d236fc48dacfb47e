// core/fused.hpp — a·b + c rounded the same way in every loop of one build, whatever the compiler chooses to
// contract into FMAs or to vectorise: the pair sums whose paths must agree bit for bit (forces.hpp's ordered and
// fused-energy passes, forces_symmetric.hpp's r² and force passes) write their multiply-adds through fmadd.
#pragma once
#include <cmath>

namespace noether {

/// a·b + c: one rounding (std::fma, an FMA instruction that GCC and Clang vectorise) in builds with FMA (__FMA__, e.g.
/// -march=native on any AVX2/AVX-512 CPU); two roundings otherwise, where no FMA exists to contract to. Measured reason
/// (2026-12-04, GCC 12 -march=native on a Xeon it calls "rocketlake"): `r2 += d * d` compiled to FMAs in one pass and
/// to a multiply and an add in another, so float32 accelerations of the ordered and the symmetric paths differed in
/// the last bit.
template <typename T>
inline T fmadd(T a, T b, T c) {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

}  // namespace noether
