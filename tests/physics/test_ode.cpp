// physics/test_ode.cpp — RK4 converges at fourth order; RK45's error tracks its tolerance on the harmonic
// oscillator y'' = −y (closed form cos t).
#include <gtest/gtest.h>

#include <cmath>

#include "noether/physics/ode.hpp"

using namespace noether;

namespace {
const OdeRhs<double> oscillator = [](double, const std::vector<double>& y, std::vector<double>& d) {
  d[0] = y[1];
  d[1] = -y[0];
};

double rk4_error(double h) {
  std::vector<double> y = {1, 0};
  const long n = std::lround(10.0 / h);
  for (long s = 0; s < n; ++s) rk4_step(oscillator, s * h, y, h);
  return std::hypot(y[0] - std::cos(10.0), y[1] + std::sin(10.0));
}
}  // namespace

TEST(Ode, Rk4IsFourthOrder) {
  const double e1 = rk4_error(0.1), e2 = rk4_error(0.05);
  EXPECT_NEAR(std::log2(e1 / e2), 4.0, 0.15);
}

TEST(Ode, Rk45ErrorTracksTolerance) {
  double prev = 1;
  for (double tol : {1e-4, 1e-6, 1e-8, 1e-10}) {
    std::vector<double> y = {1, 0};
    double h = 0;
    Rk45Options opt;
    opt.rtol = opt.atol = tol;
    const auto st = rk45_integrate(oscillator, 0.0, 10.0, y, opt, h);
    const double err = std::hypot(y[0] - std::cos(10.0), y[1] + std::sin(10.0));
    EXPECT_LT(err, 200 * tol) << "tol " << tol;  // global error: a modest multiple of the local tolerance
    EXPECT_LT(err, prev) << "tol " << tol;
    EXPECT_GT(st.accepted, 0);
    prev = err;
  }
}

TEST(Ode, Rk45LandsExactlyOnEndTimeAndRejectsBackwards) {
  std::vector<double> y = {1, 0};
  double h = 0.3;
  Rk45Options opt;
  rk45_integrate(oscillator, 0.0, 0.25, y, opt, h);
  rk45_integrate(oscillator, 0.25, 1.0, y, opt, h);
  EXPECT_NEAR(y[0], std::cos(1.0), 1e-8);
  EXPECT_THROW(rk45_integrate(oscillator, 1.0, 0.5, y, opt, h), noether::Error);
}
