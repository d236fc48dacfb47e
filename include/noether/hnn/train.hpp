// hnn/train.hpp — training HNNs and their MLP baseline (hnn/model.hpp) with Adam, full batch or minibatch,
// on the CPU or the GPU (hnn/cuda.hpp), and the energy MSE of learned fields integrated with adaptive RK45.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "noether/hnn/model.hpp"
#include "noether/hnn/tasks.hpp"

namespace noether {

struct HnnTrainOptions {
  std::vector<int> hidden = {200, 200};  ///< reference: 200, 200
  Activation activation = Activation::Tanh;
  int steps = 2000;             ///< Adam steps (reference: 2000 for spring / pendulum, 10000 for the orbits)
  int batch_size = 0;           ///< rows per step; 0 (or >= n_train) = full batch, in order (reference: 0;
                                ///< two-body 200, three-body 600). Rows of step s: hnn_minibatch_rows(seed, s, …)
  double lr = 1e-3;             ///< constant (reference)
  double weight_decay = 1e-4;   ///< coupled L2, PyTorch Adam(weight_decay) (reference: 1e-4; real pendulum 1e-5)
  std::uint64_t seed = 0;       ///< initialisation
  int threads = 0;              ///< Eigen GEMM threads during training (0 = Eigen's default); results are bitwise the
                                ///< same for any count while every layer is at most 240 wide (docs/HNN.md). 1 is
                                ///< fastest for small nets or a loaded machine.
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
