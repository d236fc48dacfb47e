// hnn/test_analysis.cpp — the reference energy-MSE analysis (hnn/analysis.hpp): rk45_path against the
// harmonic oscillator's closed form, the rollouts (true paths conserve H, model paths are the learned fields
// integrated, H_θ along the truth is the network's output), the energy MSE formula, recorded truth, the
// spring / pendulum initial-state distribution, and shape errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/hnn/analysis.hpp"
#include "noether/hnn/orbits.hpp"
#include "noether/nn/mlp.hpp"

using namespace noether;

namespace {

HnnSystem spring() {
  HnnSystem s;
  s.name = "mass-spring";
  s.dim = 2;
  s.energy = [](const double* x) { return hnn_task_energy(HnnTask::MassSpring, x); };
  s.field = [](const double* x, double* f) { hnn_task_field(HnnTask::MassSpring, x, f); };
  return s;
}

std::vector<double> linspace(double t_end, int T) {
  std::vector<double> t(T);
  for (int i = 0; i < T; ++i) t[i] = t_end * i / (T - 1);
  return t;
}

}  // namespace

TEST(HnnAnalysis, Rk45PathMatchesTheHarmonicOscillator) {
  // H = q² + p²: q(t) = q0 cos 2t + p0 sin 2t, p(t) = p0 cos 2t − q0 sin 2t.
  const HnnSystem s = spring();
  const double x0[2] = {0.7, -0.4};
  const auto t = linspace(20.0, 100);
  std::vector<double> out(2 * t.size());
  rk45_path(s.field, 2, x0, t, 1e-12, 1e-12, out.data());
  double err = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double c = std::cos(2 * t[i]), sn = std::sin(2 * t[i]);
    err = std::max({err, std::abs(out[2 * i] - (x0[0] * c + x0[1] * sn)), std::abs(out[2 * i + 1] - (x0[1] * c - x0[0] * sn))});
  }
  EXPECT_LT(err, 1e-9);
  EXPECT_EQ(out[0], x0[0]);
  EXPECT_EQ(out[1], x0[1]);
}

TEST(HnnAnalysis, RolloutsAreTheIntegratedFieldsAndTheEnergiesAlongThem) {
  const HnnSystem s = spring();
  const HnnModel hnn = init_hnn_model(HnnModelKind::Hnn, 2, {8}, Activation::Tanh, 1);
  const HnnModel base = init_hnn_model(HnnModelKind::Baseline, 2, {8}, Activation::Tanh, 2);
  SplitMix64 rng{4};
  const std::vector<double> x0 = spring_analysis_states(3, rng);
  const auto t = linspace(5.0, 20);
  const HnnRollouts r = hnn_analysis_rollouts(s, x0.data(), 3, t, hnn, base, 1e-10, 1e-12);
  ASSERT_EQ(r.S, 3);
  ASSERT_EQ(r.T, 20);
  ASSERT_EQ(r.truth.size(), 3u * 20 * 2);
  ASSERT_EQ(r.hnn_learned_H.size(), 60u);
  std::vector<double> path(40), Hth(20);
  for (int k = 0; k < 3; ++k) {
    const double E0 = s.energy(x0.data() + 2 * k);
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(r.true_energy[k * 20 + i], E0, 1e-9);  // truth conserves H
    rk45_path([&hnn](const double* x, double* f) { hnn_model_field(hnn, x, 1, f); }, 2, x0.data() + 2 * k, t, 1e-10,
              1e-12, path.data());
    for (int j = 0; j < 40; ++j) EXPECT_EQ(r.hnn[k * 40 + j], path[j]);
    rk45_path([&base](const double* x, double* f) { hnn_model_field(base, x, 1, f); }, 2, x0.data() + 2 * k, t, 1e-10,
              1e-12, path.data());
    for (int j = 0; j < 40; ++j) EXPECT_EQ(r.baseline[k * 40 + j], path[j]);
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(r.hnn_energy[k * 20 + i], s.energy(r.hnn.data() + k * 40 + 2 * i));
      EXPECT_EQ(r.baseline_energy[k * 20 + i], s.energy(r.baseline.data() + k * 40 + 2 * i));
    }
    mlp_forward(hnn.shape, hnn.params.data(), hnn.params.size(), r.truth.data() + k * 40, 20, Hth.data());
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(r.hnn_learned_H[k * 20 + i], Hth[i], 1e-15);
  }
  // An HNN conserves its own H_θ along its own path: H_θ(x_hnn(t)) is constant (to the RK45 tolerance).
  std::vector<double> Hh(60);
  mlp_forward(hnn.shape, hnn.params.data(), hnn.params.size(), r.hnn.data(), 60, Hh.data());
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(Hh[k * 20 + i], Hh[k * 20], 1e-7);
  // Recorded truth is used as given.
  const HnnRollouts rec = hnn_analysis_rollouts(s, x0.data(), 3, t, hnn, base, 1e-10, 1e-12, r.baseline.data());
  EXPECT_EQ(rec.truth, r.baseline);
  EXPECT_EQ(rec.hnn, r.hnn);
  EXPECT_THROW(hnn_analysis_rollouts(s, x0.data(), 3, t, base, hnn, 1e-10, 1e-12), Error);  // kinds swapped
  const HnnModel wide = init_hnn_model(HnnModelKind::Hnn, 4, {8}, Activation::Tanh, 1);
  EXPECT_THROW(hnn_analysis_rollouts(s, x0.data(), 3, t, wide, base, 1e-10, 1e-12), Error);
}

TEST(HnnAnalysis, EnergyMseIsTheMeanSquaredDifference) {
  EXPECT_DOUBLE_EQ(rollout_energy_mse({1, 2, 3, 4}, {1, 1, 5, 4}), (0 + 1 + 4 + 0) / 4.0);
  EXPECT_EQ(rollout_energy_mse({0.5, 0.25}, {0.5, 0.25}), 0.0);
  EXPECT_THROW(rollout_energy_mse({1, 2}, {1}), Error);
  EXPECT_THROW(rollout_energy_mse({}, {}), Error);
}

TEST(HnnAnalysis, SpringStatesLieInTheReferenceBox) {
  // x₀ = u + 0.2 sign(u), u ~ U(−0.8, 0.8): |x₀| ∈ [0.2, 1.0], both signs, every quadrant.
  SplitMix64 rng{0};
  const std::vector<double> x = spring_analysis_states(400, rng);
  int quadrant[4] = {0, 0, 0, 0};
  for (int s = 0; s < 400; ++s) {
    for (int c = 0; c < 2; ++c) {
      EXPECT_GE(std::abs(x[2 * s + c]), 0.2);
      EXPECT_LE(std::abs(x[2 * s + c]), 1.0);
    }
    ++quadrant[(x[2 * s] > 0 ? 1 : 0) + (x[2 * s + 1] > 0 ? 2 : 0)];
  }
  for (int q = 0; q < 4; ++q) EXPECT_GT(quadrant[q], 60) << "quadrant " << q;
  EXPECT_THROW(spring_analysis_states(0, rng), Error);
}

TEST(HnnAnalysis, OrbitTruthConservesEnergy) {
  // The two-body analysis's true paths (rtol 1e-10, atol 1e-12) conserve H over t ∈ [0, 20].
  HnnSystem s;
  s.name = "two-body";
  s.dim = 8;
  s.energy = [](const double* x) { return nbody_energy(2, x); };
  s.field = [](const double* x, double* f) { nbody_field(2, x, f); };
  SplitMix64 rng{3};
  std::vector<double> x0(8);
  orbit_initial_state(2, 0.5, 1.5, 0.05, rng, x0.data());
  const auto t = linspace(20.0, 100);
  std::vector<double> path(8 * 100);
  rk45_path(s.field, 8, x0.data(), t, 1e-10, 1e-12, path.data());
  const double E0 = s.energy(x0.data());
  for (int i = 0; i < 100; ++i) EXPECT_NEAR(s.energy(path.data() + 8 * i), E0, 1e-8 * std::abs(E0));
}
