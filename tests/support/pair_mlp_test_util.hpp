// support/pair_mlp_test_util.hpp — helpers shared by the pair-MLP tests: seeded random parameters, the shapes
// and scalings under test, and an llm.c-style closeness check that prints the largest error.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "noether/physics/pair_mlp.hpp"

namespace noether_test {

/// Glorot-like random parameters for `shape` (weights ~ U(±gain·√(3/fan_in)), biases ~ U(±0.5)).
inline std::vector<double> random_params(const noether::MlpShape& shape, unsigned seed, double gain = 1.5) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> p(shape.parameter_count());
  for (int l = 1; l <= shape.layers(); ++l) {
    const double a = gain * std::sqrt(3.0 / shape.widths[l - 1]);
    const std::size_t w0 = shape.weight_offset(l), b0 = shape.bias_offset(l);
    for (std::size_t k = w0; k < b0; ++k) p[k] = a * u(rng);
    for (int k = 0; k < shape.widths[l]; ++k) p[b0 + k] = 0.5 * u(rng);
  }
  return p;
}

inline noether::MlpShape shape_of(std::vector<int> widths, noether::Activation act) {
  noether::MlpShape s;
  s.widths = std::move(widths);
  s.activation = act;
  return s;
}

inline std::string shape_name(const noether::MlpShape& s) {
  std::string n = std::string(noether::activation_name(s.activation)) + "[";
  for (std::size_t k = 0; k < s.widths.size(); ++k) n += (k ? "," : "") + std::to_string(s.widths[k]);
  return n + "]";
}

/// Shapes under test: the paper's [1,16,16,1], deep/narrow, wide single layer, ragged.
inline std::vector<std::vector<int>> test_widths() {
  return {{1, 16, 16, 1}, {1, 4, 4, 4, 4, 4, 4, 1}, {1, 40, 1}, {1, 3, 7, 2, 1}};
}

inline std::vector<noether::Activation> all_activations() {
  return {noether::Activation::Squareplus, noether::Activation::Softplus, noether::Activation::Tanh};
}

/// A non-trivial scaling (every constant away from 0 and 1).
inline noether::PairScaling test_scaling() { return {0.7, 1.9, 2.3, -0.4}; }

/// test_scaling() and its log-input twin x = (log r − 0.2)/0.8 (physics/pair_mlp.hpp's input transform).
inline std::vector<noether::PairScaling> test_scalings() {
  return {test_scaling(), {0.2, 0.8, 2.3, -0.4, noether::InputTransform::Log}};
}

inline std::string scaling_name(const noether::PairScaling& s) {
  return s.input == noether::InputTransform::Log ? " (log input)" : "";
}

/// |got − ref| ≤ atol + rtol·|ref| elementwise; prints the max error and fails at the worst element.
inline void expect_close(const std::string& what, const std::vector<double>& got, const std::vector<double>& ref,
                         double atol, double rtol) {
  ASSERT_EQ(got.size(), ref.size()) << what;
  double max_err = 0, worst_ratio = 0;
  std::size_t worst = 0;
  for (std::size_t k = 0; k < got.size(); ++k) {
    const double err = std::abs(got[k] - ref[k]);
    const double ratio = err / (atol + rtol * std::abs(ref[k]));
    max_err = std::max(max_err, err);
    if (!(ratio <= worst_ratio)) worst_ratio = ratio, worst = k;  // NaN counts as worst
  }
  std::printf("  %-64s max |err| = %.3e  (worst err/tol = %.3f)\n", what.c_str(), max_err, worst_ratio);
  EXPECT_LE(worst_ratio, 1.0) << what << ": element " << worst << " got " << got[worst] << " want " << ref[worst]
                              << " (atol " << atol << ", rtol " << rtol << ")";
}

inline double max_abs(const std::vector<double>& x) {
  double m = 0;
  for (double v : x) m = std::max(m, std::abs(v));
  return m;
}

}  // namespace noether_test
