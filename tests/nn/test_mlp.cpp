// nn/test_mlp.cpp — the CPU MLP of nn/mlp.hpp against float64 central finite differences: the input gradient
// ∇_x f, double backprop (θ- and x-gradients of losses on ∇_x f and f) for every activation and several
// shapes, the vector-output backward pass; float32 against float64; accumulation semantics; and the
// errors for misuse. Max errors are printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/mlp_test_util.hpp"
#include "support/precision.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace noether;
using namespace noether_test;

namespace {

const std::vector<std::vector<int>> kScalarShapes = {{4, 32, 32, 1}, {2, 200, 1}, {6, 8, 8, 8, 1}, {3, 1}};
constexpr double kFdStep = 1e-5;
constexpr double kFdTol = 1e-7;

}  // namespace

TEST(Mlp, InputGradientMatchesCentralDifferences) {
  double worst = 0.0;
  for (Activation act : kActs)
    for (const auto& w : kScalarShapes) {
      const MlpShape s = make_shape(w, act);
      const int n = 5, d = s.in();
      const auto p = random_params(s, 11);
      auto X = random_vec(std::size_t(n) * d, 12);
      std::vector<double> f(n), G(std::size_t(n) * d), y(n);
      MlpTape<double> tape;
      mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
      mlp_forward(s, p.data(), p.size(), X.data(), n, y.data());
      EXPECT_LT(scaled_error(f, y), 1e-14) << describe(s) << ": f differs from mlp_forward";
      // Σ_rows f is separable over rows, so one FD sweep over all of X yields every row's ∇_x f.
      const auto fd = central_differences(X, [&] {
        mlp_forward(s, p.data(), p.size(), X.data(), n, y.data());
        double t = 0;
        for (double v : y) t += v;
        return t;
      }, kFdStep);
      const double e = scaled_error(G, fd);
      worst = std::max(worst, e);
      EXPECT_LT(e, kFdTol) << describe(s);
    }
  std::printf("[mlp] input gradient vs central differences: max scaled error %.3e\n", worst);
}

namespace {

/// Seeded parameters and inputs of a check: θ, X (n, d_0), Ḡ (n, d_0) and f̄ (n), drawn from seed … seed + 3.
struct MlpCase {
  std::vector<double> p, X, dG, df;
};
MlpCase make_case(const MlpShape& s, int n, unsigned seed) {
  const std::size_t nd = std::size_t(n) * s.in();
  return {random_params(s, seed), random_vec(nd, seed + 1), random_vec(nd, seed + 2), random_vec(std::size_t(n), seed + 3)};
}

/// Scaled errors of dL/dθ and dL/dX from mlp_input_gradient_backward against float64 central differences, for a batch
/// of n rows; inputs drawn from seed … seed + 4. loss 0: L = Σ ½|G − target|² + Σ c f; loss 1: L = Σ R ⊙ G (a general
/// dL/dG, no f term).
std::pair<double, double> double_backprop_errors(const MlpShape& s, int n, int loss_kind, unsigned seed) {
  const int d = s.in();
  auto p = random_params(s, seed);
  auto X = random_vec(std::size_t(n) * d, seed + 1);
  const auto target = random_vec(std::size_t(n) * d, seed + 2);
  const auto R = random_vec(std::size_t(n) * d, seed + 3);
  const auto c = random_vec(std::size_t(n), seed + 4);
  std::vector<double> f(n), G(std::size_t(n) * d);
  MlpTape<double> tape;
  auto loss = [&] {
    mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
    double L = 0;
    for (std::size_t k = 0; k < G.size(); ++k)
      L += loss_kind == 0 ? 0.5 * (G[k] - target[k]) * (G[k] - target[k]) : R[k] * G[k];
    if (loss_kind == 0)
      for (int i = 0; i < n; ++i) L += c[i] * f[i];
    return L;
  };
  loss();
  std::vector<double> dG(G.size());
  for (std::size_t k = 0; k < G.size(); ++k) dG[k] = loss_kind == 0 ? G[k] - target[k] : R[k];
  std::vector<double> dp(p.size(), 0.0), dX(X.size());
  mlp_input_gradient_backward(s, p.data(), p.size(), tape, dG.data(), loss_kind == 0 ? c.data() : nullptr, dp.data(),
                              dX.data());
  const auto fd_p = central_differences(p, loss, kFdStep);
  const auto fd_x = central_differences(X, loss, kFdStep);
  return {scaled_error(dp, fd_p), scaled_error(dX, fd_x)};
}

}  // namespace

TEST(Mlp, DoubleBackpropMatchesCentralDifferences) {
  double worst_p = 0.0, worst_x = 0.0;
  for (Activation act : kActs)
    for (const auto& w : kScalarShapes)
      for (int loss_kind = 0; loss_kind < 2; ++loss_kind) {
        const MlpShape s = make_shape(w, act);
        const auto [ep, ex] = double_backprop_errors(s, 4, loss_kind, 21);
        worst_p = std::max(worst_p, ep);
        worst_x = std::max(worst_x, ex);
        EXPECT_LT(ep, kFdTol) << describe(s) << " loss " << loss_kind << ": dL/dθ";
        EXPECT_LT(ex, kFdTol) << describe(s) << " loss " << loss_kind << ": dL/dX";
      }
  std::printf("[mlp] double backprop vs central differences: max scaled error dθ %.3e, dX %.3e\n", worst_p, worst_x);
}

TEST(Mlp, VectorBackwardMatchesCentralDifferences) {
  double worst_p = 0.0, worst_x = 0.0;
  for (Activation act : kActs)
    for (const auto& w : std::vector<std::vector<int>>{{3, 16, 16, 4}, {5, 7, 2}, {4, 3}}) {
      const MlpShape s = make_shape(w, act);
      const int n = 6;
      auto p = random_params(s, 31);
      auto X = random_vec(std::size_t(n) * s.in(), 32);
      const auto R = random_vec(std::size_t(n) * s.out(), 33);
      std::vector<double> Y(std::size_t(n) * s.out());
      MlpTape<double> tape;
      auto loss = [&] {  // L = Σ R ⊙ Y
        mlp_forward(s, p.data(), p.size(), X.data(), n, Y.data(), tape);
        double L = 0;
        for (std::size_t k = 0; k < Y.size(); ++k) L += R[k] * Y[k];
        return L;
      };
      loss();
      std::vector<double> dp(p.size(), 0.0), dX(X.size());
      mlp_backward(s, p.data(), p.size(), tape, R.data(), dp.data(), dX.data());
      const auto fd_p = central_differences(p, loss, kFdStep);
      const auto fd_x = central_differences(X, loss, kFdStep);
      const double ep = scaled_error(dp, fd_p), ex = scaled_error(dX, fd_x);
      worst_p = std::max(worst_p, ep);
      worst_x = std::max(worst_x, ex);
      EXPECT_LT(ep, kFdTol) << describe(s) << ": dL/dθ";
      EXPECT_LT(ex, kFdTol) << describe(s) << ": dL/dX";
    }
  std::printf("[mlp] vector backward vs central differences: max scaled error dθ %.3e, dX %.3e\n", worst_p, worst_x);
}

TEST(Mlp, BackwardOnInputGradientTapeEqualsForwardTape) {
  const MlpShape s = make_shape({4, 32, 32, 1}, Activation::Softplus);
  const int n = 7;
  const auto p = random_params(s, 41);
  const auto X = random_vec(std::size_t(n) * 4, 42);
  const auto dY = random_vec(std::size_t(n), 43);
  std::vector<double> y(n), f(n), G(std::size_t(n) * 4), dp1(p.size(), 0.0), dp2(p.size(), 0.0), dx1(X.size()),
      dx2(X.size());
  MlpTape<double> t1, t2;
  mlp_forward(s, p.data(), p.size(), X.data(), n, y.data(), t1);
  mlp_backward(s, p.data(), p.size(), t1, dY.data(), dp1.data(), dx1.data());
  mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), t2);
  mlp_backward(s, p.data(), p.size(), t2, dY.data(), dp2.data(), dx2.data());
  EXPECT_EQ(dp1, dp2);
  EXPECT_EQ(dx1, dx2);
}

TEST(Mlp, ParameterGradientsAccumulate) {
  const MlpShape s = make_shape({2, 200, 1}, Activation::Squareplus);
  const int n = 3;
  const auto p = random_params(s, 51);
  const auto X = random_vec(std::size_t(n) * 2, 52);
  const auto dG = random_vec(std::size_t(n) * 2, 53);
  std::vector<double> f(n), G(std::size_t(n) * 2), once(p.size(), 0.0), twice(p.size(), 0.0);
  MlpTape<double> tape;
  for (int rep = 0; rep < 2; ++rep) {
    mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
    mlp_input_gradient_backward<double>(s, p.data(), p.size(), tape, dG.data(), nullptr, twice.data(), nullptr);
  }
  mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
  mlp_input_gradient_backward<double>(s, p.data(), p.size(), tape, dG.data(), nullptr, once.data(), nullptr);
  for (std::size_t k = 0; k < p.size(); ++k) ASSERT_NEAR(twice[k], 2 * once[k], 1e-12 * (1 + std::abs(once[k])));
}

TEST(Mlp, Float32AgreesWithFloat64) {
  double worst_f = 0.0, worst_g = 0.0, worst_p = 0.0, worst_x = 0.0;
  for (Activation act : kActs)
    for (const auto& w : kScalarShapes) {
      const MlpShape s = make_shape(w, act);
      const int n = 16, d = s.in();
      const auto [p, X, dG, df] = make_case(s, n, 61);
      std::vector<double> f(n), G(std::size_t(n) * d), dp(p.size(), 0.0), dX(X.size());
      MlpTape<double> td;
      mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), td);
      mlp_input_gradient_backward(s, p.data(), p.size(), td, dG.data(), df.data(), dp.data(), dX.data());

      const std::vector<float> pf(p.begin(), p.end()), Xf(X.begin(), X.end()), dGf(dG.begin(), dG.end()),
          dff(df.begin(), df.end());
      std::vector<float> ff(n), Gf(G.size()), dpf(p.size(), 0.f), dXf(X.size());
      MlpTape<float> tf;
      mlp_input_gradient(s, pf.data(), pf.size(), Xf.data(), n, ff.data(), Gf.data(), tf);
      mlp_input_gradient_backward(s, pf.data(), pf.size(), tf, dGf.data(), dff.data(), dpf.data(), dXf.data());
      const double ef = scaled_error(widen(ff), f), eg = scaled_error(widen(Gf), G);
      const double ep = scaled_error(widen(dpf), dp), ex = scaled_error(widen(dXf), dX);
      worst_f = std::max(worst_f, ef), worst_g = std::max(worst_g, eg);
      worst_p = std::max(worst_p, ep), worst_x = std::max(worst_x, ex);
      EXPECT_LT(ef, 1e-5) << describe(s);
      EXPECT_LT(eg, 1e-5) << describe(s);
      EXPECT_LT(ep, 1e-4) << describe(s);
      EXPECT_LT(ex, 1e-4) << describe(s);
    }
  std::printf("[mlp] float32 vs float64: max scaled error f %.2e, G %.2e, dθ %.2e, dX %.2e\n", worst_f, worst_g,
              worst_p, worst_x);
}

TEST(Mlp, MisuseThrowsClearErrors) {
  const MlpShape s = make_shape({3, 8, 2}, Activation::Tanh);
  const auto p = random_params(s, 71);
  const auto X = random_vec(6, 72);
  std::vector<double> Y(4), G(6), dY(4, 1.0);
  MlpTape<double> tape;
  EXPECT_THROW(mlp_forward(s, p.data(), p.size() - 1, X.data(), 2, Y.data(), tape), Error);
  try {
    mlp_forward(s, p.data(), p.size() + 3, X.data(), 2, Y.data(), tape);
    FAIL() << "a wrong parameter count must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("must hold " + std::to_string(p.size())), std::string::npos) << e.what();
  }
  EXPECT_THROW(mlp_backward<double>(s, p.data(), p.size(), tape, dY.data(), nullptr, nullptr), Error);  // empty tape
  EXPECT_THROW(mlp_input_gradient<double>(s, p.data(), p.size(), X.data(), 2, nullptr, G.data(), tape), Error);  // d_out = 2
  EXPECT_THROW(mlp_forward(s, p.data(), p.size(), X.data(), 0, Y.data(), tape), Error);
  mlp_forward(s, p.data(), p.size(), X.data(), 2, Y.data(), tape);
  EXPECT_THROW(mlp_input_gradient_backward<double>(s, p.data(), p.size(), tape, G.data(), nullptr, nullptr, nullptr), Error);
  const MlpShape other = make_shape({3, 8, 2}, Activation::Softplus);
  EXPECT_THROW(mlp_backward<double>(other, p.data(), p.size(), tape, dY.data(), nullptr, nullptr), Error);
  EXPECT_THROW(mlp_forward(make_shape({3}, Activation::Tanh), p.data(), p.size(), X.data(), 2, Y.data()), Error);
}

// The products plan with pinned cache sizes, not the machine's: Eigen reads the CPU's L1/L2/L3 otherwise, and
// another CPU then sums in another order (an AMD EPYC's sizes changed an HNN seed's energy MSE 9x; docs/HNN.md).
TEST(Mlp, GemmBlockingIsPinnedNotReadOffTheCpu) {
  const auto sizes = noether::mlp_gemm_cache_sizes();
  EXPECT_EQ(sizes[0], 32 * 1024);
  EXPECT_EQ(sizes[1], 1024 * 1024);
  EXPECT_EQ(sizes[2], 32 * 1024 * 1024);
}


// The HNN's full batch (750 rows) at one and two threads: Eigen plans the depth (batch) blocking of Aᵀ B by the thread
// count, so the weight gradients are summed in fixed blocks of at most 320 rows (mlp.cpp) to stay bitwise equal.
template <typename T>
void check_gradients_bitwise_across_threads() {
#ifndef _OPENMP
  GTEST_SKIP() << "built without OpenMP: one thread only";
#else
  const MlpShape s = make_shape({4, 200, 200, 1}, Activation::Tanh);
  const int n = 750, d = s.in();
  const auto cast = [](const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); };
  const auto p = cast(random_params(s, 41));
  const auto X = cast(random_vec(std::size_t(n) * d, 42));
  const auto dG = cast(random_vec(std::size_t(n) * d, 43));
  const auto df = cast(random_vec(std::size_t(n), 44));
  auto run = [&](int threads) {
    omp_set_num_threads(threads);
    std::vector<T> f(n), G(std::size_t(n) * d), dp(p.size(), T(0)), dX(X.size()), dp1(p.size(), T(0));
    MlpTape<T> tape;
    mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
    mlp_input_gradient_backward(s, p.data(), p.size(), tape, dG.data(), df.data(), dp.data(), dX.data());
    mlp_forward(s, p.data(), p.size(), X.data(), n, f.data(), tape);
    mlp_backward(s, p.data(), p.size(), tape, df.data(), dp1.data(), static_cast<T*>(nullptr));
    dp.insert(dp.end(), dp1.begin(), dp1.end());
    dp.insert(dp.end(), dX.begin(), dX.end());
    return dp;
  };
  const int keep = omp_get_max_threads();
  const std::vector<T> one = run(1), two = run(2);
  omp_set_num_threads(keep);
  std::size_t differ = 0;
  for (std::size_t k = 0; k < one.size(); ++k) differ += one[k] != two[k];
  EXPECT_EQ(differ, 0u) << "of " << one.size() << " gradient entries (double backprop θ, backward θ, X)";
#endif
}

TEST(Mlp, ParameterGradientsAreBitwiseTheSameForOneAndTwoThreadsFloat64) { check_gradients_bitwise_across_threads<double>(); }
TEST(Mlp, ParameterGradientsAreBitwiseTheSameForOneAndTwoThreadsFloat32) { check_gradients_bitwise_across_threads<float>(); }

// Batches of 64 rows and more run in row blocks of 64 and, in native x86 builds, through the packed products
// (nn/packed_gemm.hpp); a batch of one row runs whole through Eigen. Every result of a 150-row batch (three blocks,
// the last partial) must be the sum of its rows' results to round-off, for every activation (tanh's S1, S2 formed
// from H) and for the forward/backward pair as for the input gradient and its double backprop.
TEST(Mlp, RowBlocksAgreeWithRowByRowCalls) {
  const std::vector<std::vector<int>> shapes = {{4, 32, 32, 1}, {2, 200, 1}, {6, 8, 8, 8, 1}, {3, 37, 50, 1},
                                                {2, 200, 200, 1}};
  double worst = 0.0;
  for (Activation act : kActs)
    for (const auto& w : shapes)
      for (bool with_df : {true, false}) {
        const MlpShape s = make_shape(w, act);
        const int n = 150, d = s.in();
        const auto [p, X, dG, df] = make_case(s, n, 61);
        const double* dfp = with_df ? df.data() : nullptr;
        std::vector<double> f(n), G(std::size_t(n) * d), dp(p.size(), 0.0), dX(X.size()), y(n), dpb(p.size(), 0.0),
            dXb(X.size());
        MlpTape<double> tape;
        mlp_input_gradient(s, p.data(), p.size(), X.data(), n, f.data(), G.data(), tape);
        mlp_input_gradient_backward(s, p.data(), p.size(), tape, dG.data(), dfp, dp.data(), dX.data());
        mlp_forward(s, p.data(), p.size(), X.data(), n, y.data(), tape);
        mlp_backward(s, p.data(), p.size(), tape, df.data(), dpb.data(), dXb.data());
        std::vector<double> f1(n), G1(G.size()), dp1(p.size(), 0.0), dX1(X.size()), y1(n), dpb1(p.size(), 0.0),
            dXb1(X.size());
        for (int i = 0; i < n; ++i) {
          const std::size_t r = std::size_t(i) * d;
          mlp_input_gradient(s, p.data(), p.size(), X.data() + r, 1, f1.data() + i, G1.data() + r, tape);
          mlp_input_gradient_backward(s, p.data(), p.size(), tape, dG.data() + r, dfp ? dfp + i : nullptr, dp1.data(),
                                      dX1.data() + r);
          mlp_forward(s, p.data(), p.size(), X.data() + r, 1, y1.data() + i, tape);
          mlp_backward(s, p.data(), p.size(), tape, df.data() + i, dpb1.data(), dXb1.data() + r);
        }
        const double e = std::max({scaled_error(f, f1), scaled_error(G, G1), scaled_error(dp, dp1),
                                   scaled_error(dX, dX1), scaled_error(y, y1), scaled_error(dpb, dpb1),
                                   scaled_error(dXb, dXb1)});
        worst = std::max(worst, e);
        EXPECT_LT(e, 1e-12) << describe(s) << (with_df ? " with df" : " without df");
      }
  std::printf("[mlp] 150-row batch vs row-by-row calls: max scaled error %.3e\n", worst);
}

// The double backprop of a batch that runs in row blocks (and the packed products) against float64 central
// differences, as DoubleBackpropMatchesCentralDifferences does for a few rows.
TEST(Mlp, DoubleBackpropInRowBlocksMatchesCentralDifferences) {
  double worst = 0.0;
  for (Activation act : kActs)
    for (int loss_kind = 0; loss_kind < 2; ++loss_kind) {
      const MlpShape s = make_shape({3, 24, 20, 1}, act);
      const auto [ep, ex] = double_backprop_errors(s, 70, loss_kind, 71);
      worst = std::max({worst, ep, ex});
      EXPECT_LT(ep, kFdTol) << describe(s) << " loss " << loss_kind << ": dL/dθ";
      EXPECT_LT(ex, kFdTol) << describe(s) << " loss " << loss_kind << ": dL/dX";
    }
  std::printf("[mlp] 70-row double backprop vs central differences: max scaled error %.3e\n", worst);
}
