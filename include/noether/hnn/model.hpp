// hnn/model.hpp — Hamiltonian Neural Networks (paper 004) and their MLP baseline on the CPU, float64, on the
// generic MLP of nn/mlp.hpp: losses with exact θ-gradients, full-batch Adam training, and the energy MSE of
// learned fields integrated with adaptive RK45. Training is full batch or, with batch_size > 0, minibatch
// (each step a fresh uniformly random subset of the training rows: the reference's randperm(n)[:batch]).
//
// x = (q, p) ∈ R^{2k}, rows of X (n, 2k); targets Y (n, 2k) = (dq/dt, dp/dt).
//   HNN       H_θ: R^{2k} → R, field F(x) = (∂H_θ/∂p, −∂H_θ/∂q)  (∇_x H_θ by mlp_input_gradient)
//   baseline  F_θ: R^{2k} → R^{2k} directly
//   loss      L = 1/(n · 2k) Σ_rows Σ_components (F − Y)²
// L is the reference code's `(u − v).pow(2).mean()`: Eq. 3's mean ‖F − Y‖² divided by 2k, the scale of the
// published test losses. θ-gradients: HNN by double backprop (mlp_input_gradient_backward) with
//   ∂L/∂G_p = ∂L/∂F_q,  ∂L/∂G_q = −∂L/∂F_p,  ∂L/∂F = 2 (F − Y)/(n · 2k),  G = ∇_x H_θ = (G_q, G_p);
// baseline by mlp_backward.
//
// Reference architecture: Linear(2k,200)-tanh-Linear(200,200)-tanh-Linear(200,out, NO bias), orthogonal
// weights (PyTorch orthogonal_, gain 1), PyTorch's default hidden biases U(±1/√fan_in). noether's layout
// always has an output bias: it is initialised to 0 and frozen (its gradient is zeroed, so Adam never
// moves it and the coupled L2 term λ·0 vanishes) — the same function class as the reference.
// The reference HNN's MLP has 2 outputs of which only the second (the "solenoidal" F2 = H) is used; a
// scalar output is the same model.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "noether/hnn/tasks.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/nn/mlp_layout.hpp"

namespace noether {

enum class HnnModelKind { Hnn, Baseline };

/// A trained (or initialised) model: widths [2k, hidden…, 1] (HNN) or [2k, hidden…, 2k] (baseline).
struct HnnModel {
  HnnModelKind kind = HnnModelKind::Hnn;
  MlpShape shape;
  std::vector<double> params;  ///< nn/mlp_layout.hpp order
};

/// A model of `kind` for states of dimension dim with the reference initialisation (file header) drawn from
/// SplitMix64(seed): W_l orthogonal (rows or columns orthonormal, by modified Gram–Schmidt of a Gaussian
/// matrix with QR's sign convention), hidden b_l ~ U(±1/√d_{l−1}), output bias 0.
HnnModel init_hnn_model(HnnModelKind kind, int dim, const std::vector<int>& hidden, Activation activation,
                        std::uint64_t seed);

/// The learned field F (n, dim) at X (n, dim).
void hnn_model_field(const HnnModel& model, const double* X, int n, double* F);

/// Scratch of hnn_model_loss, reused across calls (buffers only grow; a fresh tape per call costs ~10× a
/// small full-batch step).
struct HnnWorkspace {
  MlpTape<double> tape;
  std::vector<double> F, G, dF, dG;  ///< (n, dim) each
};

/// Loss L (file header) at X, Y (n, dim); grad (n_params), when not nullptr, is OVERWRITTEN with ∂L/∂θ
/// (the output bias entries are 0: it is frozen). ws: scratch to reuse (nullptr = a temporary one).
double hnn_model_loss(const HnnModel& model, const double* X, const double* Y, int n, double* grad,
                      HnnWorkspace* ws = nullptr);

struct HnnTrainOptions {
  std::vector<int> hidden = {200, 200};  ///< reference: 200, 200
  Activation activation = Activation::Tanh;
  int steps = 2000;             ///< Adam steps (reference: 2000 for spring / pendulum, 10000 for the orbits)
  int batch_size = 0;           ///< rows per step; 0 (or >= n_train) = full batch, in order (reference: 0;
                                ///< two-body 200, three-body 600). Rows of step s: hnn_minibatch_rows(seed, s, …)
  double lr = 1e-3;             ///< constant (reference)
  double weight_decay = 1e-4;   ///< coupled L2, PyTorch Adam(weight_decay) (reference: 1e-4; real pendulum 1e-5)
  std::uint64_t seed = 0;       ///< initialisation
  int threads = 0;              ///< Eigen GEMM threads during training (0 = Eigen's default); results do not
                                ///< depend on it. 1 is fastest for small nets or a loaded machine.
  bool cuda = false;             ///< train on the GPU (hnn/cuda.hpp: the same loss, batches and Adam on the device,
                                ///< equal to the CPU path to round-off); initialisation and final losses stay on the CPU
  /// Called after every Adam step with the number of steps done and that step's (batch) loss; may be empty.
  /// On the GPU: every 100 steps and after the last.
  std::function<void(int done, double batch_loss)> on_step;
};

/// The training rows of minibatch step `step` (0-based): `batch` distinct rows of [0, n), uniformly random
/// (a partial Fisher–Yates shuffle of 0 … n−1 driven by SplitMix64 seeded from (seed, step)), i.e. the
/// reference's torch.randperm(n)[:batch]. A pure function of its arguments: the CPU trainer and a GPU
/// sampler (hnn/cuda.hpp's HnnBatchSampler) draw the same rows. rows (batch); needs 1 <= batch <= n.
void hnn_minibatch_rows(std::uint64_t seed, long step, int n, int batch, int* rows);

struct HnnTrainResult {
  HnnModel model;
  double train_loss = 0, test_loss = 0;  ///< L of the final parameters on the two sets
  int steps = 0;
  double seconds = 0;
};

/// Training of an HNN (train_hnn) or the baseline (train_baseline) on data's training rows: full batch, or
/// minibatches of hnn_minibatch_rows(seed, s, n_train, batch_size) at step s. The final train / test losses
/// are on the FULL training and test sets. Deterministic for a seed. Throws noether::Error on bad options
/// or data.
HnnTrainResult train_hnn(const HnnDataset& data, const HnnTrainOptions& options);
HnnTrainResult train_baseline(const HnnDataset& data, const HnnTrainOptions& options);
HnnTrainResult train_hnn_model(HnnModelKind kind, const HnnDataset& data, const HnnTrainOptions& options);

/// Energy MSE along one trajectory: integrate the learned field from x_true[0] with adaptive RK45 (rtol, atol)
/// to times[1 … T−1] (strictly increasing) and return 1/T Σ_i (H(x_true_i) − H(x_pred_i))². x_true (T, dim).
double hnn_trajectory_energy_mse(const HnnModel& model, const double* x_true, const double* times, int T,
                                 const std::function<double(const double*)>& H, double rtol = 1e-10,
                                 double atol = 1e-12);

/// Energy MSE of a synthetic task's data set: for every TEST trajectory b, integrate the learned field
/// from its clean initial state with adaptive RK45 (rtol, atol) to the saved times; with the true H,
///   E = 1/(B_test · T) Σ_b Σ_i (H(x_true(b, t_i)) − H(x_pred(b, t_i)))².
/// With max_test_trajectories > 0 only the first that many test trajectories are used (B_test is then their
/// count). Throws noether::Error when data has no trajectories.
double hnn_energy_mse(const HnnModel& model, const HnnDataset& data, const std::function<double(const double*)>& H,
                      double rtol = 1e-10, double atol = 1e-12, int max_test_trajectories = 0);

}  // namespace noether
