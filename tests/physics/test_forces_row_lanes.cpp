// physics/test_forces_row_lanes.cpp — gravity's all-pairs forces with rows in SIMD lanes (kRowLanes,
// physics/forces.hpp accelerations_row_lanes, AVX-512 builds) against the one-pair loop of the same law: accelerations
// to round-off (1e-13 of the largest in float64, 1e-5 in float32) for D = 1–3, ragged groups, several trajectories;
// bitwise the same on one thread and two; the potential energy of the same call equal to potential_energy_cpu's;
// unsoftened gravity; the float32 lanes' 1/√x to 3 ulp and at its special values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using noether_test::expect_close;
using noether_test::max_abs;

namespace {

/// The same law without kRowLanes: accelerations_cpu takes the one-pair loop.
template <typename T>
struct OnePairGravity {
  Gravity<T> g;
  void eval(T r2, T mi, T mj, T& V, T& f) const { g.eval(r2, mi, mj, V, f); }
};

template <typename T>
void check(double rtol) {
#if !defined(__AVX512F__)
  (void)rtol;
  GTEST_SKIP() << "the row-lane path exists in AVX-512 builds only";
#else
  static_assert(detail::row_lanes_law<Gravity<T>>::value, "gravity runs rows in lanes");
  const Gravity<T> law{T(1.3), T(1e-4)};
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(0.0, 1.3);
  for (int D : {1, 2, 3})
    for (int B : {1, 3})
      for (int N : {1, 2, 3, 15, 16, 17, 40, 100}) {
        std::vector<T> q(std::size_t(B) * N * D), m(std::size_t(B) * N);
        for (T& x : q) x = T(g(rng));
        for (T& x : m) x = T(0.5 + std::abs(g(rng)));
        std::vector<T> a(q.size()), a_ref(q.size()), U_pe(B);
        std::vector<double> U(B), U_ref(B);
        accelerations_cpu(law, q.data(), m.data(), a.data(), B, N, D, U.data());
        accelerations_cpu(OnePairGravity<T>{law}, q.data(), m.data(), a_ref.data(), B, N, D, U_ref.data());
        potential_energy_cpu(law, q.data(), m.data(), U_pe.data(), B, N, D);
        const std::string what = "B " + std::to_string(B) + " N " + std::to_string(N) + " D " + std::to_string(D);
        const std::vector<double> ad(a.begin(), a.end()), ar(a_ref.begin(), a_ref.end());
        expect_close("acc " + what, ad, ar, rtol * (max_abs(ar) + 1e-300), rtol);
        expect_close("U " + what, U, U_ref, rtol * (max_abs(U_ref) + 1e-300), rtol);
        for (int b = 0; b < B; ++b) EXPECT_EQ(T(U[b]), U_pe[b]) << what << ": U is potential_energy_cpu's sum";
#ifdef _OPENMP
        const int threads = omp_get_max_threads();
        std::vector<T> a1(q.size()), a2(q.size());
        omp_set_num_threads(1);
        detail::accelerations_row_lanes(law, q.data(), m.data(), a1.data(), B, N, D, true);
        omp_set_num_threads(2);
        detail::accelerations_row_lanes(law, q.data(), m.data(), a2.data(), B, N, D, true);
        omp_set_num_threads(threads);
        EXPECT_EQ(a1, a2) << what << ": one thread and two differ";
        EXPECT_EQ(a1, a) << what;
#endif
      }
#endif
}

}  // namespace

TEST(ForcesRowLanes, GravityMatchesTheOnePairLoopFloat64) { check<double>(1e-13); }
TEST(ForcesRowLanes, GravityMatchesTheOnePairLoopFloat32) { check<float>(3e-5); }

// The float32 lanes' 1/√x (physics/lanes_math.hpp detail::inv_sqrt_: vrsqrt14ps, one Newton step, vfixupimmps for
// the special classes) against the double-precision 1/√x: within 3 ulp over normal and subnormal x, and exactly
// 1/√x's value at ±0 (+inf), +inf (+0), and NaN for x < 0 or NaN.
TEST(ForcesRowLanes, Float32InverseSquareRootWithinThreeUlpAndExactAtSpecialValues) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the float32 lanes exist in AVX-512 builds only";
#else
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> expo(-149.0, 127.9);
  std::vector<float> xs = {1.0f, 4.0f, 0.25f, 2.0f, 3.0f, std::numeric_limits<float>::min(),
                           std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(), 1e-40f};
  for (int k = 0; k < 200000; ++k) xs.push_back(float(std::exp2(expo(rng))));
  double worst_ulp = 0;
  for (std::size_t k0 = 0; k0 < xs.size(); k0 += 16) {
    detail::LanesF32 x = {};
    for (int l = 0; l < 16; ++l) x[l] = xs[std::min(xs.size() - 1, k0 + l)];
    const detail::LanesF32 y = detail::inv_sqrt_(x);
    for (int l = 0; l < 16; ++l) {
      if (!(x[l] > 0)) continue;  // an underflow of exp2 to 0 is checked below
      const double exact = 1.0 / std::sqrt(double(x[l]));
      const float ref = float(exact);
      const double ulp = double(std::nextafter(ref, std::numeric_limits<float>::infinity())) - double(ref);
      worst_ulp = std::max(worst_ulp, std::abs(double(y[l]) - exact) / ulp);
    }
  }
  EXPECT_LE(worst_ulp, 3.0);
  std::printf("[row lanes] float32 1/sqrt(x): max error %.2f ulp over %zu values\n", worst_ulp, xs.size());
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  detail::LanesF32 s = {};
  s[0] = 0.0f, s[1] = -0.0f, s[2] = inf, s[3] = -1.0f, s[4] = nan, s[5] = -inf, s[6] = 1.0f;
  const detail::LanesF32 r = detail::inv_sqrt_(s);
  EXPECT_EQ(r[0], inf);
  EXPECT_EQ(r[1], inf);
  EXPECT_EQ(r[2], 0.0f);
  EXPECT_FALSE(std::signbit(r[2]));
  EXPECT_TRUE(std::isnan(r[3]));
  EXPECT_TRUE(std::isnan(r[4]));
  EXPECT_TRUE(std::isnan(r[5]));
  EXPECT_NEAR(r[6], 1.0f, 2e-7f);
#endif
}

// Unsoftened gravity (ε = 0: the lanes' 1/√(r²) with no offset) against the one-pair loop.
TEST(ForcesRowLanes, UnsoftenedGravityMatchesTheOnePairLoopFloat32) {
#if !defined(__AVX512F__)
  GTEST_SKIP() << "the row-lane path exists in AVX-512 builds only";
#else
  const Gravity<float> law{1.0f, 0.0f};
  std::mt19937_64 rng(9);
  std::normal_distribution<double> g(0.0, 2.0);
  const int B = 2, N = 37, D = 3;
  std::vector<float> q(std::size_t(B) * N * D), m(std::size_t(B) * N, 1.5f), a(q.size()), a_ref(q.size());
  for (float& x : q) x = float(g(rng));
  accelerations_cpu(law, q.data(), m.data(), a.data(), B, N, D, nullptr);
  accelerations_cpu(OnePairGravity<float>{law}, q.data(), m.data(), a_ref.data(), B, N, D, nullptr);
  const std::vector<double> ad(a.begin(), a.end()), ar(a_ref.begin(), a_ref.end());
  expect_close("unsoftened", ad, ar, 3e-5 * max_abs(ar), 3e-5);
#endif
}
