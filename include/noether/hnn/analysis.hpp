// hnn/analysis.hpp — the energy-MSE protocol of the HNN reference ANALYSIS code (analyze-*.ipynb of paper
// 004's reference implementation): from S held-out initial states, integrate the true field, the HNN and the
// MLP baseline with adaptive RK45 to the same times, evaluate the TRUE energy along the three paths, and
//   energy MSE(model) = 1/(S·T) Σ_s Σ_t (H(x_true(s, t)) − H(x_model(s, t)))².
// The rollouts themselves (and H_θ along the true path) are kept for plots (trajectories.npz of `noether run`).
//
// Reference initial states (the notebooks): spring and pendulum x₀ = u + 0.2·sign(u), u ~ U(−0.8, 0.8)²
// (|q₀|, |p₀| ∈ [0.2, 1.0]); the orbit tasks draw their data set's `random_config` (hnn/orbits.hpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "noether/core/rng.hpp"
#include "noether/hnn/model.hpp"
#include "noether/physics/ode.hpp"  // rk45_path

namespace noether {

/// The true system of an analysis: dimension, energy H(x) (x (dim)) and field f(x) = (∂H/∂p, −∂H/∂q).
struct HnnSystem {
  std::string name;
  int dim = 2;
  std::function<double(const double*)> energy;
  std::function<void(const double*, double*)> field;  ///< x (dim) → dxdt (dim)
};

/// Paths from S initial states at T common times, and the energies along them.
struct HnnRollouts {
  int S = 0, T = 0, dim = 0;
  std::vector<double> times;                                       ///< (T)
  std::vector<double> truth, hnn, baseline;                        ///< (S, T, dim)
  std::vector<double> true_energy, hnn_energy, baseline_energy;    ///< (S, T): the TRUE H along each path
  std::vector<double> hnn_learned_H;                               ///< (S, T): H_θ along the true path
};

/// The analysis rollouts (file header) from x0 (S, dim): the true paths are `truth` (S, T, dim) when given
/// (recorded data), else the system's field integrated from x0; the models are integrated from x0 with the
/// same tolerances. hnn must be an HnnModelKind::Hnn model, baseline a Baseline one, both of width sys.dim.
/// Throws noether::Error on mismatched shapes.
HnnRollouts hnn_analysis_rollouts(const HnnSystem& sys, const double* x0, int S, const std::vector<double>& times,
                                  const HnnModel& hnn, const HnnModel& baseline, double rtol, double atol,
                                  const double* truth = nullptr);

/// 1/(S·T) Σ (H_true − H_model)² over the rollouts' energies (true_energy vs model_energy, both (S, T)).
double rollout_energy_mse(const std::vector<double>& true_energy, const std::vector<double>& model_energy);

/// S reference initial states of the spring / pendulum analysis: x₀ = u + 0.2·sign(u), u ~ U(−0.8, 0.8)²,
/// drawn from rng into a (S, 2) vector.
std::vector<double> spring_analysis_states(int S, SplitMix64& rng);

}  // namespace noether
