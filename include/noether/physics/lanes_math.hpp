// physics/lanes_math.hpp — broadcast, √ and 1/√ on one 64-byte register of SIMD lanes (GCC/Clang vector extension), for the
// host paths that evaluate a law on 8 float64 or 16 float32 lanes at once: gravity's rows in lanes
// (physics/forces.hpp), the pair MLP's lanes (physics/pair_mlp.hpp, pair_mlp_lanes.hpp; the MCLNN training lanes of
// mclnn/verlet_*_lanes.hpp) and the table rows (physics/table_rows.hpp). AVX-512 host builds only; the
// scalar and GPU forms are physics/pair_laws.hpp's detail::sqrt_ / inv_sqrt_ templates.
#pragma once

#if !defined(__CUDACC__) && defined(__AVX512F__)
#include <immintrin.h>

namespace noether {
namespace detail {

/// One 64-byte register of lanes: the row-lane path of physics/forces.hpp evaluates the laws that declare
/// kRowLanes on them. √ per lane is the IEEE square root, as std::sqrt.
typedef double LanesF64 __attribute__((vector_size(64)));
typedef float LanesF32 __attribute__((vector_size(64)));
/// Every lane = x: one broadcast. (A register filled lane by lane, GCC 12 writes as two 32-byte stores and reads back
/// as one 64-byte load, a failed store forwarding on every use: a third of PairMlp::slope_lanes' time in float32.)
inline LanesF64 lanes_of(double x) { return (LanesF64)_mm512_set1_pd(x); }
inline LanesF32 lanes_of(float x) { return (LanesF32)_mm512_set1_ps(x); }
inline LanesF64 sqrt_(LanesF64 x) { return (LanesF64)_mm512_sqrt_pd((__m512d)x); }
inline LanesF32 sqrt_(LanesF32 x) { return (LanesF32)_mm512_sqrt_ps((__m512)x); }
/// 1/√x on 16 float32 lanes without the divider: y = vrsqrt14ps(x) (relative error ≤ 2⁻¹⁴), then one Newton step
/// y + ½ y (1 − x y²), within ~3 ulp of 1/√x (≤ 1.02 ulp measured, ForcesRowLanes.*). At x = ±0 and +inf the step
/// gives NaN (0 · inf); one vfixupimmps puts 1/√x back by x's class: ±0 → +inf, +inf → +0 (its table: token 2,
/// zero, → response 5, +inf; token 5, +inf, → response 8, +0; every other class keeps the refined value, NaN for
/// x < 0 or NaN as 1/√x). On the Xeon of docs/PERFORMANCE.md `vsqrtps` + `vdivps` per 16 gravity interactions
/// bounded the row lanes at 28% of the FP32 peak.
inline LanesF32 inv_sqrt_(LanesF32 x) {
  const LanesF32 y = (LanesF32)_mm512_rsqrt14_ps((__m512)x);
  const LanesF32 e = 1.0f - (x * y) * y;
  const LanesF32 refined = y + (0.5f * y) * e;
  return (LanesF32)_mm512_fixupimm_ps((__m512)refined, (__m512)x, _mm512_set1_epi32(0x00800500), 0);
}

}  // namespace detail
}  // namespace noether
#endif
