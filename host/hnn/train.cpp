// hnn/train.cpp — Adam training of HNN and baseline models (hnn/model.hpp), full batch or seeded minibatches, and
// the energy MSE of a learned field integrated with adaptive RK45 from held-out initial states.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "nn/eigen_threads.hpp"
#include "noether/nn/adam.hpp"
#include "noether/hnn/cuda.hpp"
#include "noether/core/error.hpp"
#include "noether/hnn/train.hpp"
#include "noether/physics/ode.hpp"

namespace noether {
namespace {

/// hnn_minibatch_rows with caller scratch perm (n) reused across steps (re-filled with 0 … n−1 per call).
void minibatch_rows(std::uint64_t seed, long step, int n, int batch, int* rows, std::vector<int>& perm) {
  NOETHER_REQUIRE(n >= 1 && batch >= 1 && batch <= n, "minibatch: need 1 <= batch <= n, got batch " << batch
                                                                                                  << ", n " << n);
  // Stream of (seed, step): golden-ratio and SplitMix constants keep nearby seeds / steps decorrelated.
  SplitMix64 rng{(seed + 1) * 0xD1B54A32D192ED03ull ^ (std::uint64_t(step) + 1) * 0x9E3779B97F4A7C15ull};
  rng.next();
  perm.resize(n);
  for (int i = 0; i < n; ++i) perm[i] = i;
  partial_shuffle(perm, std::size_t(batch), rng);  // perm[0 … batch) is a uniform random subset
  std::copy(perm.begin(), perm.begin() + batch, rows);
}

}  // namespace

void hnn_minibatch_rows(std::uint64_t seed, long step, int n, int batch, int* rows) {
  std::vector<int> perm;
  minibatch_rows(seed, step, n, batch, rows, perm);
}

HnnTrainResult train_hnn_model(HnnModelKind kind, const HnnDataset& data, const HnnTrainOptions& o) {
  NOETHER_REQUIRE(o.steps >= 0, "HNN training: steps must be >= 0, got " << o.steps);
  NOETHER_REQUIRE(data.n_train >= 1 && data.n_test >= 1,
                  data.source << ": HNN training needs training and test rows, got " << data.n_train << " and "
                              << data.n_test);
  const std::size_t rows = std::size_t(data.n_train + data.n_test) * data.dim;
  NOETHER_REQUIRE(data.x.size() == rows && data.dxdt.size() == rows,
                  data.source << ": x and dxdt must both hold (n_train + n_test, dim) = " << rows << " values");
  NOETHER_REQUIRE(o.threads >= 0, "HNN training: threads must be >= 0, got " << o.threads);
  NOETHER_REQUIRE(o.batch_size >= 0, "HNN training: batch_size must be >= 0, got " << o.batch_size);
  const EigenThreads threads(o.threads);
  const auto t0 = std::chrono::steady_clock::now();
  HnnTrainResult res;
  res.model = init_hnn_model(kind, data.dim, o.hidden, o.activation, o.seed);
  AdamOptions ao;
  ao.weight_decay = o.weight_decay;
  ao.decay_mode = WeightDecay::L2;  // PyTorch Adam(weight_decay): coupled, as the reference
  ao.schedule.lr = o.lr;
  const int dim = data.dim;
  const bool full = o.batch_size == 0 || o.batch_size >= data.n_train;
  const int nb = full ? data.n_train : o.batch_size;
  std::vector<int> perm;  // minibatch_rows scratch
  if (o.cuda) {  // the same steps on the device: same batches (minibatch_rows), same Adam
    CudaHnnTrainSpec spec;
    spec.steps = o.steps;
    spec.lr = ao.schedule.lr;
    spec.weight_decay = ao.weight_decay;
    spec.beta1 = ao.beta1, spec.beta2 = ao.beta2, spec.eps = ao.eps;
    spec.batch_size = full ? 0 : nb;
    spec.on_progress = o.on_step;
    cuda_hnn_train(kind == HnnModelKind::Hnn, res.model.shape, res.model.params.data(), res.model.params.size(),
                   data.x_train(), data.dxdt_train(), data.n_train, spec,
                   [&](long step, int* rows) { minibatch_rows(o.seed, step, data.n_train, nb, rows, perm); });
  } else {
    Adam adam(res.model.params.size(), ao);
    std::vector<double> grad(res.model.params.size());
    HnnWorkspace ws;
    std::vector<int> batch_rows(full ? 0 : nb);
    std::vector<double> Xb(full ? 0 : std::size_t(nb) * dim), Yb(Xb.size());  // (nb, dim) each
    for (int s = 0; s < o.steps; ++s) {
      double loss;
      if (full) {
        loss = hnn_model_loss(res.model, data.x_train(), data.dxdt_train(), data.n_train, grad.data(), &ws);
      } else {
        minibatch_rows(o.seed, s, data.n_train, nb, batch_rows.data(), perm);
        for (int i = 0; i < nb; ++i) {
          const std::size_t src = std::size_t(batch_rows[i]) * dim, dst = std::size_t(i) * dim;
          for (int c = 0; c < dim; ++c) Xb[dst + c] = data.x_train()[src + c], Yb[dst + c] = data.dxdt_train()[src + c];
        }
        loss = hnn_model_loss(res.model, Xb.data(), Yb.data(), nb, grad.data(), &ws);
      }
      adam.step(res.model.params.data(), grad.data());
      if (o.on_step) o.on_step(s + 1, loss);
    }
  }
  res.steps = o.steps;
  res.train_loss = hnn_model_loss(res.model, data.x_train(), data.dxdt_train(), data.n_train, nullptr);
  res.test_loss = hnn_model_loss(res.model, data.x_test(), data.dxdt_test(), data.n_test, nullptr);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

HnnTrainResult train_hnn(const HnnDataset& data, const HnnTrainOptions& o) {
  return train_hnn_model(HnnModelKind::Hnn, data, o);
}

HnnTrainResult train_baseline(const HnnDataset& data, const HnnTrainOptions& o) {
  return train_hnn_model(HnnModelKind::Baseline, data, o);
}

double hnn_trajectory_energy_mse(const HnnModel& model, const double* x_true, const double* times, int T,
                                 const std::function<double(const double*)>& H, double rtol, double atol) {
  NOETHER_REQUIRE(T >= 1, "energy MSE: need at least one state, got " << T);
  const int d = model.shape.in();
  std::vector<double> path(std::size_t(T) * d);  // (T, d)
  rk45_path([&model](const double* x, double* dx) { hnn_model_field(model, x, 1, dx); }, d, x_true,
            std::vector<double>(times, times + T), rtol, atol, path.data());
  double sum = 0;
  for (int i = 0; i < T; ++i) {
    const double e = H(x_true + std::size_t(i) * d) - H(path.data() + std::size_t(i) * d);
    sum += e * e;
  }
  return sum / double(T);
}

double hnn_energy_mse(const HnnModel& model, const HnnDataset& data, const std::function<double(const double*)>& H,
                      double rtol, double atol, int max_test_trajectories) {
  NOETHER_REQUIRE(data.trajectories > data.train_trajectories && data.points >= 2,
                  data.source << ": the energy MSE needs test trajectories (a synthetic task's data set)");
  NOETHER_REQUIRE(model.shape.in() == data.dim,
                  "energy MSE: model input width " << model.shape.in() << " != data dimension " << data.dim);
  // Every trajectory has T points, so the mean of the per-trajectory means is the mean over all points.
  const int last = max_test_trajectories > 0
                       ? std::min(data.trajectories, data.train_trajectories + max_test_trajectories)
                       : data.trajectories;
  double sum = 0;
  for (int b = data.train_trajectories; b < last; ++b)
    sum += hnn_trajectory_energy_mse(model, data.clean.data() + std::size_t(b) * data.points * data.dim,
                                     data.times.data(), data.points, H, rtol, atol);
  return sum / double(last - data.train_trajectories);
}

}  // namespace noether
