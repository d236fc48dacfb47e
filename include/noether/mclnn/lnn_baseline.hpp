// mclnn/lnn_baseline.hpp — the baseline LNN of paper 000 (§4.1.2) on the CPU: a potential V_θ(q) of ALL N·D
// coordinates of a system of fixed N, the known kinetic energy T = Σ ½ m_i |v_i|², L = T − V_θ, trained on
// accelerations, and its velocity-Verlet rollout.
//
// Model (a ModelFile of kind "lnn", widths [N·D, hidden…, 1], docs/MODEL_FORMAT.md scaling):
//   x = (q − s_in) / σ_in  (per coordinate),   V_θ(q) = σ_out · MLP_θ(x) + s_out
// Dynamics (the Euler–Lagrange equation of a separable L, docs/TRAINING.md):
//   a_k = −(1/m_{i(k)}) ∂V_θ/∂q_k = −(σ_out / (m_{i(k)} σ_in,k)) · (∇_x MLP_θ)_k,   i(k) = ⌊k/D⌋
// Loss over n samples (q, q̇, q̈) (q̇ does not enter a separable L's accelerations, but is kept in the sample):
//   ℓ(θ) = 1/(n·N·D) Σ_samples Σ_k (a_k(q) − q̈_k)²
// and ∂ℓ/∂θ by double backprop: Ḡ_k = 2(a_k − q̈_k)/(n·N·D) · (−σ_out/(m σ_in,k)), then
// mlp_input_gradient_backward (nn/mlp.hpp). Checked against float64 central differences in tests.
//
// The LNN does NOT conserve linear or angular momentum by construction (V_θ is not translation- or
// rotation-invariant), and it cannot run another N or D: the input width is N·D.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "noether/nn/activations.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/io/model_file.hpp"
#include "noether/physics/state.hpp"

namespace noether {

/// Training options; docs/TRAINING.md ("The LNN baseline") explains each default.
struct LnnTrainOptions {
  std::vector<int> hidden = {32, 32};  ///< hidden widths of V_θ(q) (measured; the paper gives no LNN widths)
  Activation activation = Activation::Squareplus;  ///< paper A.6
  int samples = 10000;        ///< (q, q̇, q̈) frames drawn from the training trajectories (paper §4.1.4); fewer when
                              ///< the data has fewer frames (then all are used)
  int epochs = 1000;          ///< passes over the samples (measured: 36k Adam steps on 9,000 samples, 11 s CPU)
  int batch_size = 256;       ///< samples per Adam step (0 = all)
  double lr = 1e-3;           ///< Adam learning rate (paper A.6)
  double lr_final = 1e-5;     ///< cosine decay from lr to lr_final over all steps
  double weight_decay = 0.0;
  double val_fraction = 0.1;  ///< share of trajectories held out for validation (split by trajectory)
  std::uint64_t seed = 100;   ///< initialisation, split, sample draw and shuffles (paper A.6)
  double time_budget_s = 0;   ///< > 0: stop after the epoch that passes it (0 = off)
};

struct LnnEpochReport {
  int epoch, epochs;
  double train_loss, val_loss, lr, seconds;
};

struct LnnTrainResult {
  ModelFile model;            ///< kind "lnn", scaling, metadata.training (particles, dimension, losses, …)
  double initial_train_loss = 0;  ///< loss of the initial parameters over the training samples
  double train_loss = 0, val_loss = 0;  ///< after training, over all training / validation samples
  int epochs = 0, train_samples = 0, val_samples = 0;
  double seconds = 0;
  bool stopped_by_time_budget = false;
};

/// The `accelerations` (B, T, N, D) of a trajectory file, checked against `data` (loaded from the same
/// file). Throws noether::Error naming the file and key when it is missing, misshapen or not finite.
std::vector<double> load_trajectory_accelerations(const std::string& path, const TrajectoryData& data);

/// Train the LNN baseline on `data` with accelerations `acc` (B, T, N, D) (same layout as data.pos).
/// Throws noether::Error on bad options or data before any training starts.
LnnTrainResult train_lnn(const TrajectoryData& data, const std::vector<double>& acc, const LnnTrainOptions& opt,
                         const std::function<void(const LnnEpochReport&)>& on_epoch = {});

/// V_θ (n) and accelerations a (n, N·D) at positions q (n, N·D) with masses mass (n, N) (formula in the
/// file header). V or a may be nullptr. Throws unless model.shape.in() == N·D.
void lnn_accelerations(const ModelFile& model, const double* q, const double* mass, int n, int N, int D, double* V,
                       double* a);

/// The loss ℓ(θ) of the file header over n samples q (n, N·D), mass (n, N), target q̈ (n, N·D) with
/// model.params; grad (params.size()) is OVERWRITTEN with ∂ℓ/∂θ unless nullptr.
double lnn_loss_and_grad(const ModelFile& model, const double* q, const double* mass, const double* acc_true, int n,
                         int N, int D, std::vector<double>* grad);

/// Velocity-Verlet rollout of the LNN from `init` (B, N, D): `frames` saved frames (the first = init),
/// `stride` steps of `dt` apart, q′ = q + v dt + ½ a dt², v′ = v + ½ (a + a′) dt. Observables per frame:
/// kinetic energy, potential energy = V_θ(q) + V_offset, linear and angular momentum (physics/observables.hpp).
/// The model is only defined up to a constant: V_offset (e.g. lnn_potential_offset) aligns it with a
/// ground truth's potential before L and H are compared; compare_rollouts then takes V_offset = 0.
/// Throws noether::Error when init's N or D differ from the model's ("cannot run other particle counts").
Trajectory lnn_rollout(const ModelFile& model, const InitialState& init, double dt, long stride, int frames,
                       double V_offset = 0.0);

/// The additive constant c = mean over frames of (U_true − V_θ(q)), U_true (B, T) the data's potential
/// energy (key `potential_energy` of a trajectory file), q the data's positions.
double lnn_potential_offset(const ModelFile& model, const TrajectoryData& data, const std::vector<double>& U_true);

}  // namespace noether
