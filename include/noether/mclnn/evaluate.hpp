// mclnn/evaluate.hpp — how good a learned model is (paper 000's metrics): a learned rollout against ground
// truth from the same initial states, and a learned pair potential against the true one.
//
// Rollouts (trajectory files of docs/FORMATS.md, same B, T, N, D and times):
//   MAE_X = mean over trajectories b and frames t of |X_pred(b,t) − X_true(b,t)| for X = L, H (scalars),
//           and of the Euclidean norm of the difference for X = P (linear momentum) and J (angular
//           momentum, a vector in 3-D, J_z in 2-D);
//   relative position error e(t) = ‖q_pred(t) − q_true(t)‖ / (‖q_pred(t)‖ + ‖q_true(t)‖) (norms over
//           particles and dimensions, averaged over trajectories);
//   energy drift of the learned system: max_{b,t} |H_pred(b,t) − H_pred(b,0)|, also relative to |H_pred(b,0)|
//           (or, when that is ~0, to the kinetic energy at t = 0);
//   momentum drift: max_{b,t} ‖P(t) − P(0)‖ relative to Σ_i m_i |v_i(0)|, and ‖J(t) − J(0)‖ relative to
//           Σ_i m_i |q_i(0)| |v_i(0)| — round-off (~1e-15) for a model that conserves them by construction.
// A learned potential is defined up to an additive constant c. Before L and H are compared, c is fixed
// as the mean of V_true − V_θ over a uniform grid of the central 90% of training distances [p05, p95]
// (the V_offset below); every pair's V_θ gets + c, so U_pred gets + c·N(N−1)/2.
//
// Potentials: relative L2 error of dV/dr over [p05, p95], (a) on a uniform grid of 400 points in r and
// (b) over the training pair distances themselves that lie in [p05, p95] (weighted as the data is).
#pragma once
#include <string>
#include <vector>

#include "noether/mclnn/dataset.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/npz.hpp"
#include "noether/physics/pair_laws.hpp"

namespace noether {

struct PotentialComparison {
  double r_min = 0, r_max = 0, p05 = 0, p95 = 0;
  double V_offset = 0;                 ///< c above
  double dVdr_rel_l2_uniform = 0;      ///< (a)
  double dVdr_rel_l2_samples = 0;      ///< (b); 0 when no samples were given
};

/// Compare `learned` with `truth` over `range`; samples (optional) are training pair distances.
/// For gravity the pair energy of unit masses is used (V = −G/r).
PotentialComparison compare_potentials(const PairLawSpec& truth, const PairLawSpec& learned, const DistanceRange& range,
                                       const std::vector<double>& samples = {});

/// V and dV/dr of a law at r for unit masses (tables and plots).
void pair_energy_and_slope(const PairLawSpec& law, double r, double& V, double& dVdr);

/// The histogram of training pair distances a trained MCLNN model carries in its metadata
/// (`metadata.training.pair_distance_histogram`, docs/MODEL_FORMAT.md): where the potential is supported by
/// data. Throws noether::Error naming `model_name` when the model has none (trained before it was recorded,
/// or not an MCLNN model).
DistanceHistogram model_training_histogram(const ModelFile& model, const std::string& model_name);

struct RolloutComparison {
  int B = 0, T = 0, N = 0, D = 0;
  double mae_lagrangian = 0, mae_hamiltonian = 0, mae_linear_momentum = 0, mae_angular_momentum = 0;
  std::vector<double> relative_position_error;  ///< (T), averaged over trajectories
  double energy_drift_abs = 0, energy_drift_rel = 0;
  double linear_momentum_drift_rel = 0, angular_momentum_drift_rel = 0;
};

/// Compare a predicted rollout with ground truth (formulas in the file header). `V_offset` is added to
/// every pair energy of the prediction first. Throws noether::Error naming the files when shapes, times
/// or keys disagree.
RolloutComparison compare_rollouts(const NpzArchive& truth, const std::string& truth_name, const NpzArchive& pred,
                                   const std::string& pred_name, double V_offset = 0.0);

}  // namespace noether
