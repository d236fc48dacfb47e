// nn/test_mlp_tanh.cpp — the float64 tanh of the CPU MLP (host/nn/tanh_block.hpp, a vectorised e/(e+2)
// with e = expm1(2|x|), not libm's tanh): through the [1, 1, 1] net with unit weights and zero biases,
// Y = tanh(x) exactly, so its values are compared with std::tanh value by value: within 4 ulp over
// 1e-300 ≤ |x| < 30 on a dense logarithmic grid (both signs; each is within ~2 ulp of the true value), and
// exact at 0, ±20, ±710, ±1e300, ±inf (±1) and NaN (NaN). (The sign of a zero does not survive the net's
// bias additions, so −0 is not checked here.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "support/mlp_test_util.hpp"
#include "noether/nn/mlp.hpp"

using namespace noether;
using namespace noether_test;

namespace {

/// Y = tanh(X) through mlp_forward of the [1, 1, 1] tanh net with W = 1, b = 0.
std::vector<double> mlp_tanh(const std::vector<double>& x) {
  const MlpShape s = make_shape({1, 1, 1}, Activation::Tanh);
  std::vector<double> p(s.parameter_count(), 0.0);
  p[s.weight_offset(1)] = 1.0;
  p[s.weight_offset(2)] = 1.0;
  std::vector<double> y(x.size());
  mlp_forward(s, p.data(), p.size(), x.data(), int(x.size()), y.data());
  return y;
}

}  // namespace

TEST(MlpTanh, Float64WithinFourUlpOfLibm) {
  std::vector<double> x;
  for (double a = 1e-300; a < 30; a *= 1.001) x.push_back(a), x.push_back(-a);  // ~1.4e6 values
  const std::vector<double> y = mlp_tanh(x);
  double worst = 0, at = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double ref = std::tanh(x[i]);
    const double ulp = std::nextafter(std::fabs(ref), 2.0) - std::fabs(ref);
    const double err = std::fabs(y[i] - ref) / ulp;
    if (err > worst) worst = err, at = x[i];
  }
  std::printf("[mlp-tanh] max |tanh_block − std::tanh| = %.2f ulp (at x = %.6g)\n", worst, at);
  EXPECT_LE(worst, 4.0) << "at x = " << at;
}

TEST(MlpTanh, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> x = {0.0, 20.0, -20.0, 710.0, -1e300, inf, -inf,
                                 std::numeric_limits<double>::quiet_NaN()};
  const std::vector<double> y = mlp_tanh(x);
  EXPECT_EQ(y[0], 0.0);
  for (std::size_t i = 1; i < 7; ++i) EXPECT_EQ(y[i], x[i] > 0 ? 1.0 : -1.0) << "x = " << x[i];
  EXPECT_TRUE(std::isnan(y[7]));
}
