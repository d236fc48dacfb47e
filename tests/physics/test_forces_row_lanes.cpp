// physics/test_forces_row_lanes.cpp — gravity's all-pairs forces with rows in SIMD lanes (kRowLanes,
// physics/forces.hpp accelerations_row_lanes, AVX-512 builds) against the one-pair loop of the same law: accelerations
// to round-off (1e-13 of the largest in float64, 1e-5 in float32) for D = 1–3, ragged groups, several trajectories;
// bitwise the same on one thread and two; the potential energy of the same call equal to potential_energy_cpu's.
#include <gtest/gtest.h>

#include <cmath>
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
