// physics/test_forces_symmetric.cpp — Newton's third law for the one-pair laws of r alone (kMassIndependent: a table;
// a spring and Lennard-Jones marked so here; physics/forces_symmetric.hpp): serial and threaded passes bitwise
// equal (the measured choice between them must never change a result), and both equal to round-off to the serial
// ordered path that evaluates every ordered pair, float64 and float32; gravity, whose eval depends on the masses, is
// not a symmetric law. (The block MLP, bitwise against the ordered path: PairMlpBlock.NewtonsThirdLaw*.)
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_table.hpp"
#include "support/pair_mlp_test_util.hpp"

using namespace noether;
using noether_test::expect_close;
using noether_test::max_abs;

namespace {

/// A smooth repulsive-attractive pair potential to tabulate: V = e^{−2r} / r − 0.3 e^{−r}.
PairJet<double> screened(double r) {
  const double a = std::exp(-2 * r), b = std::exp(-r);
  return {a / r - 0.3 * b, -a * (2 * r + 1) / (r * r) + 0.3 * b, a * (4 * r * r + 4 * r + 2) / (r * r * r) - 0.3 * b};
}

/// An analytic law marked as a law of r alone. (The analytic laws themselves keep the ordered path, so that the data
/// the paper's experiments generate stays bit for bit what it was; these exercise the mechanism on more laws.)
template <typename Law>
struct OfRAlone : Law {
  static constexpr bool kMassIndependent = true;
};

template <typename T, typename Law>
void expect_symmetric(const Law& law, const std::string& name, double rtol) {
  static_assert(detail::symmetric_law<Law, T>::value, "a law of r alone");
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0.0, 1.3);
  for (int D : {1, 2, 3})
    for (int B : {1, 2})
      for (int N : {1, 2, 3, 7, 40}) {
        std::vector<T> q(std::size_t(B) * N * D), m(std::size_t(B) * N);
        for (T& x : q) x = T(g(rng));
        for (T& x : m) x = T(0.5 + std::abs(g(rng)));
        std::vector<T> a1(q.size(), T(-3)), a2(q.size(), T(3)), a_ref(q.size());
        std::vector<double> U1(B, -3.0), U2(B, 3.0), U_ref(B);
        detail::accelerations_symmetric(law, q.data(), m.data(), a1.data(), B, N, D, U1.data(), false);
        detail::accelerations_symmetric(law, q.data(), m.data(), a2.data(), B, N, D, U2.data(), true);
        detail::accelerations_ordered(law, q.data(), m.data(), a_ref.data(), B, N, D, U_ref.data(), false);
        const std::string what = name + " B " + std::to_string(B) + " N " + std::to_string(N) + " D " + std::to_string(D);
        EXPECT_EQ(a1, a2) << what << ": serial and threaded differ";
        EXPECT_EQ(U1, U2) << what << ": serial and threaded differ";
        const std::vector<double> a(a1.begin(), a1.end()), ar(a_ref.begin(), a_ref.end());
        expect_close("acc " + what, a, ar, rtol * (max_abs(ar) + 1e-300), rtol);
        expect_close("U " + what, U1, U_ref, rtol * (max_abs(U_ref) + 1e-300), rtol);
      }
}

/// rtol: the ordered loop may fuse a multiply-add across the law's last operation (forces_symmetric.hpp), a few
/// roundings of T over sums of up to 39 terms.
template <typename T>
void check_laws_of_r(double rtol) {
  expect_symmetric<T>(OfRAlone<LinearSpring<T>>{{T(1.3), T(0.8)}}, "linear spring", rtol);
  expect_symmetric<T>(OfRAlone<LennardJones<T>>{{T(1.0), T(0.25)}}, "Lennard-Jones", rtol);
  PairTableData t;  // 200 intervals over [0.3, 4] (extrapolated beyond, as tables are)
  t.r_min = 0.3, t.r_max = 4.0;
  for (int k = 0; k <= 200; ++k) {
    const PairJet<double> j = screened(0.3 + 3.7 * k / 200.0);
    t.V.push_back(j.V), t.dV.push_back(j.dV), t.d2V.push_back(j.d2V);
  }
  finalize_pair_table(t);
  const std::vector<T> c(t.coef.begin(), t.coef.end());
  expect_symmetric<T>(make_pair_table<T>(t, c.data()), "table", rtol);
}

}  // namespace

TEST(ForcesSymmetric, LawsOfRAloneSerialEqualsThreadedAndEveryOrderedPairFloat64) { check_laws_of_r<double>(1e-13); }
TEST(ForcesSymmetric, LawsOfRAloneSerialEqualsThreadedAndEveryOrderedPairFloat32) { check_laws_of_r<float>(1e-5); }

TEST(ForcesSymmetric, GravityAndTheAnalyticLawsKeepTheOrderedPath) {
  static_assert(!detail::symmetric_law<Gravity<double>, double>::value, "gravity's eval uses mi·mj");
  static_assert(!detail::symmetric_law<LinearSpring<double>, double>::value, "analytic laws keep the ordered path");
  static_assert(detail::symmetric_law<PairTable<double>, double>::value, "a table is a law of r alone");
  SUCCEED();
}
