// support/mlp_test_util.hpp — shared inputs of the generic-MLP tests (CPU derivatives and CPU/GPU parity):
// the activations to sweep, shapes, seeded parameters that leave the activations' linear range, and
// seeded input vectors, and the scaled error and central differences the derivative checks use.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "noether/nn/mlp_layout.hpp"

namespace noether_test {

inline const noether::Activation kActs[] = {noether::Activation::Squareplus, noether::Activation::Softplus,
                                            noether::Activation::Tanh};

inline noether::MlpShape make_shape(std::vector<int> widths, noether::Activation act) {
  noether::MlpShape s;
  s.widths = std::move(widths);
  s.activation = act;
  return s;
}

/// "tanh [4,32,1]" for messages.
inline std::string describe(const noether::MlpShape& s) {
  std::string r = std::string(activation_name(s.activation)) + " [";
  for (std::size_t k = 0; k < s.widths.size(); ++k) r += (k ? "," : "") + std::to_string(s.widths[k]);
  return r + "]";
}

/// Weights ~ N(0, 1.5²/d_in) (so activations leave their linear range), biases ~ U(−0.5, 0.5).
inline std::vector<double> random_params(const noether::MlpShape& s, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> p(s.parameter_count());
  std::uniform_real_distribution<double> ub(-0.5, 0.5);
  for (int l = 1; l <= s.layers(); ++l) {
    std::normal_distribution<double> nw(0.0, 1.5 / std::sqrt(double(s.widths[l - 1])));
    for (std::size_t k = s.weight_offset(l); k < s.bias_offset(l); ++k) p[k] = nw(rng);
    for (int k = 0; k < s.widths[l]; ++k) p[s.bias_offset(l) + k] = ub(rng);
  }
  return p;
}

/// n values uniform in [lo, hi).
inline std::vector<double> random_vec(std::size_t n, unsigned seed, double lo = -1.5, double hi = 1.5) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

/// max |a − b| / max(1, max |b|): an error relative to the reference's scale.
inline double scaled_error(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0.0, sc = 1.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    e = std::max(e, std::abs(a[k] - b[k]));
    sc = std::max(sc, std::abs(b[k]));
  }
  return e / sc;
}

/// Central differences of a scalar function of v, one coordinate at a time (v is restored):
/// g_k = (loss(v + h e_k) − loss(v − h e_k)) / 2h.
inline std::vector<double> central_differences(std::vector<double>& v, const std::function<double()>& loss, double h) {
  std::vector<double> g(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) {
    const double v0 = v[k];
    v[k] = v0 + h;
    const double lp = loss();
    v[k] = v0 - h;
    const double lm = loss();
    v[k] = v0;
    g[k] = (lp - lm) / (2 * h);
  }
  return g;
}

}  // namespace noether_test
