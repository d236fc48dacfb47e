// nn/test_levenberg_marquardt.cpp — levenberg_marquardt (nn/levenberg_marquardt.hpp): solves a linear least-squares
// problem in one Gauss–Newton step, converges on Rosenbrock's residuals from the textbook start, rejects trial points
// where the loss throws or is not finite, never returns a point worse than the start, is bitwise deterministic, stops
// when no step lowers the loss, ends at the accepted point when the normal equations throw, and refuses a non-finite
// start and bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/nn/levenberg_marquardt.hpp"

using namespace noether;

namespace {

/// Rosenbrock as least squares: e = (10 (x_{i+1} − x_i²), 1 − x_i) for i = 0 … n−2; F = Σ e² has its minimum 0 at 1.
double rosen_residuals(const std::vector<double>& x, std::vector<double>& e, std::vector<double>* J) {
  const std::size_t n = x.size(), m = 2 * (n - 1);
  e.assign(m, 0.0);
  if (J) J->assign(m * n, 0.0);
  double F = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    e[2 * i] = 10 * (x[i + 1] - x[i] * x[i]);
    e[2 * i + 1] = 1 - x[i];
    if (J) {
      (*J)[2 * i * n + i] = -20 * x[i];
      (*J)[2 * i * n + i + 1] = 10;
      (*J)[(2 * i + 1) * n + i] = -1;
    }
    F += e[2 * i] * e[2 * i] + e[2 * i + 1] * e[2 * i + 1];
  }
  return F;
}

/// A = JᵀJ, b = Jᵀe of residuals given as (e, J (m × n, row-major)).
void normal_equations(const std::vector<double>& e, const std::vector<double>& J, std::size_t n, std::vector<double>& A,
                      std::vector<double>& b) {
  const std::size_t m = e.size();
  A.assign(n * n, 0.0);
  b.assign(n, 0.0);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t a = 0; a < n; ++a) {
      b[a] += J[r * n + a] * e[r];
      for (std::size_t c = 0; c < n; ++c) A[a * n + c] += J[r * n + a] * J[r * n + c];
    }
}

const NormalEquations rosen_system = [](const std::vector<double>& x, std::vector<double>& A, std::vector<double>& b) {
  std::vector<double> e, J;
  const double F = rosen_residuals(x, e, &J);
  normal_equations(e, J, x.size(), A, b);
  return F;
};
const LeastSquaresLoss rosen_loss = [](const std::vector<double>& x) {
  std::vector<double> e;
  return rosen_residuals(x, e, nullptr);
};

}  // namespace

TEST(LevenbergMarquardt, SolvesALinearProblemInOneGaussNewtonStep) {
  // e = M x − y with a random, well-conditioned M (20 × 5): the first step lands on the least-squares solution
  // (damping 1e-12), whose normal-equations residual Mᵀ(Mx − y) is zero.
  std::mt19937_64 rng(4);
  std::normal_distribution<double> g;
  const std::size_t m = 20, n = 5;
  std::vector<double> M(m * n), y(m);
  for (double& v : M) v = g(rng);
  for (double& v : y) v = g(rng);
  auto residuals = [&](const std::vector<double>& x, std::vector<double>& e) {
    e.assign(m, 0.0);
    double F = 0;
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t c = 0; c < n; ++c) e[r] += M[r * n + c] * x[c];
      e[r] -= y[r];
      F += e[r] * e[r];
    }
    return F;
  };
  const NormalEquations system = [&](const std::vector<double>& x, std::vector<double>& A, std::vector<double>& b) {
    std::vector<double> e;
    const double F = residuals(x, e);
    normal_equations(e, M, n, A, b);
    return F;
  };
  const LeastSquaresLoss loss = [&](const std::vector<double>& x) {
    std::vector<double> e;
    return residuals(x, e);
  };
  std::vector<double> x(n, 0.0);
  LmOptions o;
  o.lambda0 = 1e-12;
  o.iterations = 1;
  const LmResult r = levenberg_marquardt(x, system, loss, o);
  EXPECT_EQ(r.accepted, 1);
  std::vector<double> A, b, e;
  residuals(x, e);
  normal_equations(e, M, n, A, b);
  for (double bi : b) EXPECT_LT(std::abs(bi), 1e-9);
  EXPECT_LT(r.loss, r.initial_loss);
}

TEST(LevenbergMarquardt, ConvergesOnRosenbrockFromTheTextbookStart) {
  for (std::size_t n : {2u, 10u}) {
    std::vector<double> x(n, 0.0);
    for (std::size_t i = 0; i < n; i += 2) x[i] = -1.2, x[i + 1] = 1.0;
    LmOptions o;
    o.iterations = 200;
    o.rel_tol = 0;
    const LmResult r = levenberg_marquardt(x, rosen_system, rosen_loss, o);
    for (double xi : x) EXPECT_NEAR(xi, 1.0, 1e-8) << "n = " << n;
    EXPECT_LT(r.loss, 1e-20);
    EXPECT_GT(r.initial_loss, 1.0);
    EXPECT_LE(r.accepted, r.iterations);
    std::printf("  n=%zu: %d iterations, %d accepted, F %.2e -> %.2e (%s)\n", n, r.iterations, r.accepted,
                r.initial_loss, r.loss, r.stop.c_str());
  }
}

TEST(LevenbergMarquardt, TrialPointsWhereTheLossFailsAreRejected) {
  // The first trial's loss throws and the second's is NaN (an unstable rollout): both are rejected, so the third trial
  // starts from the same point with λ raised twice; the minimum (1, 1) is still reached.
  int calls = 0;
  std::vector<std::vector<double>> trials;
  const LeastSquaresLoss loss = [&](const std::vector<double>& x) {
    ++calls;
    if (calls > 1) trials.push_back(x);
    if (calls == 2) throw Error("unstable");
    if (calls == 3) return std::numeric_limits<double>::quiet_NaN();
    return rosen_loss(x);
  };
  std::vector<double> x{-1.2, 1.0};
  LmOptions o;
  o.iterations = 300;
  o.rel_tol = 0;
  const LmResult r = levenberg_marquardt(x, rosen_system, loss, o);
  ASSERT_GE(trials.size(), 3u);
  // the same Gauss–Newton system each time, more damping: shorter steps from the same start
  auto step = [&](int t) { return std::hypot(trials[t][0] + 1.2, trials[t][1] - 1.0); };
  EXPECT_LT(step(1), step(0));
  EXPECT_LT(step(2), step(1));
  EXPECT_NEAR(x[0], 1.0, 1e-6);
  EXPECT_NEAR(x[1], 1.0, 1e-6);
  EXPECT_LT(r.loss, 1e-12);
}

TEST(LevenbergMarquardt, NeverWorseThanTheStartAndBitwiseDeterministic) {
  std::vector<double> x0{-1.2, 1.0, -0.5, 0.3};
  auto a = x0, b = x0;
  LmOptions o;
  o.iterations = 7;
  const LmResult ra = levenberg_marquardt(a, rosen_system, rosen_loss, o);
  const LmResult rb = levenberg_marquardt(b, rosen_system, rosen_loss, o);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ra.loss, rb.loss);
  EXPECT_LE(ra.loss, ra.initial_loss);
  EXPECT_EQ(ra.loss, rosen_loss(a));  // the returned point is the one reported
  // At the exact minimum no step lowers F: λ grows until it stalls, x stays.
  std::vector<double> ones(4, 1.0);
  const LmResult rm = levenberg_marquardt(ones, rosen_system, rosen_loss, o);
  EXPECT_EQ(ones, std::vector<double>(4, 1.0));
  EXPECT_EQ(rm.accepted, 0);
  EXPECT_EQ(rm.loss, 0.0);
}

TEST(LevenbergMarquardt, StopsWhenTheLossStopsFalling) {
  // A problem with a non-zero minimum (inconsistent equations): the relative test ends it before the cap.
  const NormalEquations system = [](const std::vector<double>& x, std::vector<double>& A, std::vector<double>& b) {
    // e = (x − 1, x + 1, x³): F = (x − 1)² + (x + 1)² + x⁶
    const double e[3] = {x[0] - 1, x[0] + 1, x[0] * x[0] * x[0]}, J[3] = {1, 1, 3 * x[0] * x[0]};
    A.assign(1, J[0] * J[0] + J[1] * J[1] + J[2] * J[2]);
    b.assign(1, J[0] * e[0] + J[1] * e[1] + J[2] * e[2]);
    return e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
  };
  const LeastSquaresLoss loss = [](const std::vector<double>& x) {
    return (x[0] - 1) * (x[0] - 1) + (x[0] + 1) * (x[0] + 1) + std::pow(x[0], 6);
  };
  std::vector<double> x{3.0};
  LmOptions o;
  o.iterations = 1000;
  const LmResult r = levenberg_marquardt(x, system, loss, o);
  EXPECT_NE(r.stop, "iterations");
  EXPECT_LT(r.iterations, 1000);
  EXPECT_NEAR(x[0], 0.0, 1e-3);
  EXPECT_NEAR(r.loss, 2.0, 1e-6);
}

TEST(LevenbergMarquardt, ThrowingNormalEquationsEndAtTheAcceptedPoint) {
  int calls = 0;
  const NormalEquations system = [&](const std::vector<double>& x, std::vector<double>& A, std::vector<double>& b) {
    if (++calls > 3) throw Error("time budget");
    return rosen_system(x, A, b);
  };
  std::vector<double> x{-1.2, 1.0};
  const LmResult r = levenberg_marquardt(x, system, rosen_loss, {});
  EXPECT_EQ(r.stop, "system: time budget");
  EXPECT_EQ(r.loss, rosen_loss(x));
  EXPECT_LT(r.loss, r.initial_loss);
}

TEST(LevenbergMarquardt, RefusesANonFiniteStartAndBadOptions) {
  std::vector<double> x{-1.2, 1.0};
  const LeastSquaresLoss nan = [](const std::vector<double>&) { return std::numeric_limits<double>::quiet_NaN(); };
  EXPECT_THROW(levenberg_marquardt(x, rosen_system, nan, {}), Error);
  for (int k = 0; k < 4; ++k) {
    LmOptions o;
    if (k == 0) o.iterations = 0;
    if (k == 1) o.lambda0 = 0;
    if (k == 2) o.past = 0;
    if (k == 3) o.lambda_max = o.lambda0;
    EXPECT_THROW(levenberg_marquardt(x, rosen_system, rosen_loss, o), Error) << k;
  }
}
