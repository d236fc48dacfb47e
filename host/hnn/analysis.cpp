// hnn/analysis.cpp — the reference analysis protocol of the HNN experiments (hnn/analysis.hpp): RK45 rollouts
// of the true system, the HNN and the baseline from common initial states, the energies along them, and the
// energy MSE.
#include "noether/hnn/analysis.hpp"

#include <cmath>

#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/physics/ode.hpp"

namespace noether {

HnnRollouts hnn_analysis_rollouts(const HnnSystem& sys, const double* x0, int S, const std::vector<double>& times,
                                  const HnnModel& hnn, const HnnModel& baseline, double rtol, double atol,
                                  const double* truth) {
  const int d = sys.dim;
  NOETHER_REQUIRE(S >= 1 && !times.empty(), sys.name << " analysis: need at least one state and one time");
  NOETHER_REQUIRE(hnn.kind == HnnModelKind::Hnn && baseline.kind == HnnModelKind::Baseline,
                  sys.name << " analysis: expected an HNN and a baseline model");
  NOETHER_REQUIRE(hnn.shape.in() == d && baseline.shape.in() == d,
                  sys.name << " analysis: model input widths " << hnn.shape.in() << ", " << baseline.shape.in()
                           << " != state dimension " << d);
  HnnRollouts r;
  r.S = S;
  r.T = int(times.size());
  r.dim = d;
  r.times = times;
  const std::size_t path = std::size_t(r.T) * d;
  r.truth.resize(S * path);
  r.hnn.resize(S * path);
  r.baseline.resize(S * path);
  const auto model_field = [](const HnnModel& m) {
    return [&m](const double* x, double* f) { hnn_model_field(m, x, 1, f); };
  };
  for (int s = 0; s < S; ++s) {
    const double* x = x0 + std::size_t(s) * d;
    if (truth)
      std::copy(truth + s * path, truth + (s + 1) * path, r.truth.begin() + s * path);
    else
      rk45_path(sys.field, d, x, times, rtol, atol, r.truth.data() + s * path);
    rk45_path(model_field(hnn), d, x, times, rtol, atol, r.hnn.data() + s * path);
    rk45_path(model_field(baseline), d, x, times, rtol, atol, r.baseline.data() + s * path);
  }
  const std::size_t n = std::size_t(S) * r.T;
  r.true_energy.resize(n);
  r.hnn_energy.resize(n);
  r.baseline_energy.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    r.true_energy[i] = sys.energy(r.truth.data() + i * d);
    r.hnn_energy[i] = sys.energy(r.hnn.data() + i * d);
    r.baseline_energy[i] = sys.energy(r.baseline.data() + i * d);
  }
  r.hnn_learned_H.resize(n);  // H_θ(x_true): the HNN's scalar output on every true state, one batch
  mlp_forward(hnn.shape, hnn.params.data(), hnn.params.size(), r.truth.data(), int(n), r.hnn_learned_H.data());
  return r;
}

double rollout_energy_mse(const std::vector<double>& true_energy, const std::vector<double>& model_energy) {
  NOETHER_REQUIRE(!true_energy.empty() && true_energy.size() == model_energy.size(),
                  "energy MSE: need equally many true and model energies, got " << true_energy.size() << " and "
                                                                                << model_energy.size());
  double sum = 0;
  for (std::size_t i = 0; i < true_energy.size(); ++i) {
    const double e = true_energy[i] - model_energy[i];
    sum += e * e;
  }
  return sum / double(true_energy.size());
}

std::vector<double> spring_analysis_states(int S, SplitMix64& rng) {
  NOETHER_REQUIRE(S >= 1, "analysis states: need S >= 1, got " << S);
  std::vector<double> x(std::size_t(S) * 2);
  for (double& v : x) {
    const double u = 1.6 * rng.uniform() - 0.8;
    v = u + 0.2 * (u > 0 ? 1.0 : (u < 0 ? -1.0 : 0.0));  // np.sign: sign(0) = 0
  }
  return x;
}

}  // namespace noether
