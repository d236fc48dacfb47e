// nn/test_lbfgs.cpp — lbfgs_minimize (nn/lbfgs.hpp): converges on Rosenbrock from the textbook start, returns the
// lowest finite point when the loss cannot be evaluated in places (a throwing or non-finite f), is bitwise
// deterministic, never returns a point worse than the start, stops on the relative plateau test, and refuses a
// non-finite start and bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/nn/lbfgs.hpp"

using namespace noether;

namespace {

/// Σ_i 100 (x_{i+1} − x_i²)² + (1 − x_i)²: minimum 0 at (1, …, 1).
double rosenbrock(const std::vector<double>& x, std::vector<double>& g) {
  double f = 0;
  g.assign(x.size(), 0.0);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i] - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

}  // namespace

TEST(Lbfgs, ConvergesOnRosenbrockFromTheTextbookStart) {
  for (std::size_t n : {2u, 10u}) {
    std::vector<double> x(n, 0.0);
    for (std::size_t i = 0; i < n; i += 2) x[i] = -1.2, x[i + 1] = 1.0;
    LbfgsOptions o;
    o.iterations = 500;
    o.rel_tol = 0;  // only the cap stops (or the line search at the exact minimum)
    const LbfgsResult r = lbfgs_minimize(x, rosenbrock, o);
    for (double xi : x) EXPECT_NEAR(xi, 1.0, 1e-6) << "n = " << n;
    EXPECT_LT(r.loss, 1e-12);
    EXPECT_GT(r.initial_loss, 1.0);
    EXPECT_GT(r.evaluations, 10);
  }
}

TEST(Lbfgs, ALossThatCannotBeEvaluatedInPlacesShrinksTheStep) {
  // Rosenbrock, but f throws for x_0 > 1.05 and returns NaN for x_1 > 1.2: the minimum (1, 1) is still reachable.
  long thrown = 0, nan = 0;
  const LossAndGradient f = [&](const std::vector<double>& x, std::vector<double>& g) {
    if (x[0] > 1.05) ++thrown, throw Error("unstable");
    if (x[1] > 1.2) return ++nan, std::numeric_limits<double>::quiet_NaN();
    return rosenbrock(x, g);
  };
  std::vector<double> x{-1.2, 1.0};
  LbfgsOptions o;
  o.iterations = 500;
  o.rel_tol = 0;
  const LbfgsResult r = lbfgs_minimize(x, f, o);
  EXPECT_GT(thrown + nan, 0);  // the region was probed (the unit first step goes there)
  EXPECT_NEAR(x[0], 1.0, 1e-5);
  EXPECT_NEAR(x[1], 1.0, 1e-5);
  std::vector<double> g;
  EXPECT_EQ(rosenbrock(x, g), r.loss);  // the returned point is the one whose loss is reported
}

TEST(Lbfgs, NeverWorseThanTheStartAndBitwiseDeterministic) {
  std::vector<double> a{-1.2, 1.0, 0.3, -0.5}, b = a;
  LbfgsOptions o;
  o.iterations = 7;
  const LbfgsResult ra = lbfgs_minimize(a, rosenbrock, o);
  const LbfgsResult rb = lbfgs_minimize(b, rosenbrock, o);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ra.loss, rb.loss);
  EXPECT_EQ(ra.evaluations, rb.evaluations);
  EXPECT_LE(ra.loss, ra.initial_loss);
  EXPECT_EQ(ra.iterations, 7);
  EXPECT_EQ(ra.stop, "iterations");
  // Zero iterations: the start itself.
  std::vector<double> c{-1.2, 1.0};
  o.iterations = 0;
  const LbfgsResult rc = lbfgs_minimize(c, rosenbrock, o);
  EXPECT_EQ(c, (std::vector<double>{-1.2, 1.0}));
  EXPECT_EQ(rc.loss, rc.initial_loss);
}

TEST(Lbfgs, StopsOnThePlateauRelativeToTheStartingLoss) {
  // A quadratic scaled by 1e-9 (the size of a trained MCLNN loss): the plateau test is relative to f(start), so it
  // neither stops at once (an absolute test below 1 would) nor runs to the cap.
  const LossAndGradient f = [](const std::vector<double>& x, std::vector<double>& g) {
    g.assign(x.size(), 0.0);
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double w = 1e-9 * double(i + 1);
      s += 0.5 * w * (x[i] - 1) * (x[i] - 1);
      g[i] = w * (x[i] - 1);
    }
    return s;
  };
  std::vector<double> x(20, 0.0);
  LbfgsOptions o;
  o.iterations = 1000;
  o.past = 5;
  o.rel_tol = 1e-10;
  const LbfgsResult r = lbfgs_minimize(x, f, o);
  EXPECT_EQ(r.stop, "converged");
  EXPECT_LT(r.iterations, 1000);
  EXPECT_GT(r.iterations, 5);
  EXPECT_LT(r.loss, 1e-8 * r.initial_loss);
}

TEST(Lbfgs, RefusesANonFiniteStartAndBadOptions) {
  const LossAndGradient inf = [](const std::vector<double>&, std::vector<double>& g) {
    g.assign(1, 0.0);
    return std::numeric_limits<double>::infinity();
  };
  std::vector<double> x{0.0};
  EXPECT_THROW(lbfgs_minimize(x, inf), Error);
  LbfgsOptions o;
  o.memory = 0;
  EXPECT_THROW(lbfgs_minimize(x, rosenbrock, o), Error);
  o = {};
  o.iterations = -1;
  EXPECT_THROW(lbfgs_minimize(x, rosenbrock, o), Error);
}
