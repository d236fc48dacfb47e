// run/hnn_task.hpp — what each HNN experiment of `noether run` is (docs/HNN.md): the true system, the data set
// of a seed, the published numbers to compare with, and the energy-MSE analysis protocol of the reference
// code's notebooks (initial states, times, tolerances). run/hnn.cpp runs the experiment from these.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "run/hnn_config.hpp"
#include "noether/hnn/analysis.hpp"

namespace noether {

/// The reference code's README numbers (github.com/greydanus/hamiltonian-nn): test loss and energy MSE.
struct HnnPublished {
  double test_baseline, test_hnn, energy_baseline, energy_hnn;
};

/// The energy-MSE analysis of a task (hnn/analysis.hpp): S initial states x0 (S, dim) and the saved times.
struct HnnAnalysisSetup {
  std::vector<double> x0;      ///< (S, dim)
  int S = 0;
  std::vector<double> times;   ///< (T)
  double rtol = 1e-12, atol = 1e-12;
  std::string description;     ///< one line for metrics.json / summary.md
};

HnnPublished hnn_published(HnnRunTask task);

/// The true system: mass-spring H = q² + p², pendulum H = 3(1 − cos q) + p², real pendulum (the reference
/// analysis Hamiltonian) H = 2.4(1 − cos q) + p², two- and three-body gravity (hnn/orbits.hpp).
HnnSystem hnn_run_system(HnnRunTask task);

/// The synthetic data set of a seed (the real pendulum's is c.real_data). trajectories: c.trajectories or the
/// reference count.
HnnDataset hnn_run_data(const HnnRunConfig& c, std::uint64_t seed);

/// The reference analysis protocol of a synthetic task for a seed:
///   mass-spring, pendulum  S states x₀ = u + 0.2·sign(u), u ~ U(−0.8, 0.8)² (a stream of the seed),
///                          t = linspace(0, 20, 100), rtol 1e-12 (analyze-spring / analyze-pend notebooks)
///   two-body               S `random_config` states of the data's distribution, state s drawn from its own
///                          stream s (the notebooks seed numpy with the trial index), t = linspace(0, 20, 100)
///   three-body             as two-body, t = linspace(0, 3, 500)
///   orbits: rtol 1e-10, atol 1e-12 (reference get_orbit: rtol 1e-9).
HnnAnalysisSetup hnn_analysis_setup(const HnnRunConfig& c, std::uint64_t seed);

}  // namespace noether
