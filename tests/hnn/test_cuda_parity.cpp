// hnn/test_cuda_parity.cpp — the GPU HNN trainer (hnn/cuda.hpp) against the CPU path (hnn/model.hpp, nn/adam.hpp):
// loss and θ-gradient of the HNN and the baseline, full-batch Adam training and minibatch training with the
// same sampled rows. Tests that need a device skip without one (NOETHER_REQUIRE_GPU=1 makes them fail);
// argument errors are checked without a device (and in builds without CUDA, where every call throws).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "support/gpu_gate.hpp"
#include "support/mlp_test_util.hpp"
#include "noether/nn/adam.hpp"
#include "noether/hnn/cuda.hpp"
#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/hnn/train.hpp"

using namespace noether;
using noether_test::scaled_error;

namespace {

std::vector<double> uniform(std::size_t n, std::uint64_t seed) {
  SplitMix64 r{seed};
  std::vector<double> v(n);
  for (double& x : v) x = 2 * r.uniform() - 1;
  return v;
}

HnnModel model(HnnModelKind kind, int dim, std::uint64_t seed) {
  return init_hnn_model(kind, dim, {32, 32}, Activation::Tanh, seed);
}

}  // namespace

TEST(CudaHnnParity, LossAndGradientMatchCpu) {
  NOETHER_NEED_GPU();
  for (int dim : {2, 8})
    for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
      const int n = 37;
      const HnnModel m = model(kind, dim, 7);
      const auto X = uniform(std::size_t(n) * dim, 1), Y = uniform(std::size_t(n) * dim, 2);
      std::vector<double> g_cpu(m.params.size()), g_gpu(m.params.size(), 123.0);
      const double l_cpu = hnn_model_loss(m, X.data(), Y.data(), n, g_cpu.data());
      const double l_gpu = cuda_hnn_loss(kind == HnnModelKind::Hnn, m.shape, m.params.data(), m.params.size(),
                                         X.data(), Y.data(), n, g_gpu.data());
      EXPECT_NEAR(l_gpu, l_cpu, 1e-12 * std::max(1.0, l_cpu)) << "dim " << dim;
      const double e = scaled_error(g_gpu, g_cpu);
      EXPECT_LT(e, 1e-11) << "dim " << dim << (kind == HnnModelKind::Hnn ? " hnn" : " baseline");
      std::printf("[cuda hnn] dim %d %s: loss %.3e vs %.3e, gradient scaled error %.2e\n", dim,
                  kind == HnnModelKind::Hnn ? "hnn" : "baseline", l_gpu, l_cpu, e);
    }
}

TEST(CudaHnnParity, FullBatchTrainingMatchesCpu) {
  NOETHER_NEED_GPU();
  HnnTaskOptions to;
  to.trajectories = 6;
  to.seed = 3;
  const HnnDataset d = make_hnn_task_data(HnnTask::MassSpring, to);
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    HnnTrainOptions o;
    o.hidden = {32, 32};
    o.steps = 25;
    o.seed = 5;
    const HnnTrainResult cpu = train_hnn_model(kind, d, o);
    HnnModel gpu = init_hnn_model(kind, d.dim, o.hidden, o.activation, o.seed);
    CudaHnnTrainSpec spec;
    spec.steps = o.steps;
    spec.lr = o.lr;
    spec.weight_decay = o.weight_decay;
    cuda_hnn_train(kind == HnnModelKind::Hnn, gpu.shape, gpu.params.data(), gpu.params.size(), d.x_train(),
                   d.dxdt_train(), d.n_train, spec);
    // Adam divides by √v̂: round-off of the gradient is amplified early on; 25 steps stay within 1e-8.
    const double e = scaled_error(gpu.params, cpu.model.params);
    EXPECT_LT(e, 1e-8) << (kind == HnnModelKind::Hnn ? "hnn" : "baseline");
    std::printf("[cuda hnn] %s, 25 full-batch Adam steps: parameter scaled error %.2e\n",
                kind == HnnModelKind::Hnn ? "hnn" : "baseline", e);
  }
}

TEST(CudaHnnParity, MinibatchTrainingUsesTheSampledRows) {
  NOETHER_NEED_GPU();
  const int n = 50, dim = 4, b = 8, steps = 12;
  const auto X = uniform(std::size_t(n) * dim, 11), Y = uniform(std::size_t(n) * dim, 12);
  const auto rows_of = [](long step, int* rows) {
    SplitMix64 r{std::uint64_t(1000 + step)};
    for (int i = 0; i < b; ++i) rows[i] = int(r.uniform() * n) % n;
  };
  HnnModel cpu = model(HnnModelKind::Hnn, dim, 9), gpu = cpu;
  AdamOptions ao;
  ao.weight_decay = 1e-4;
  ao.decay_mode = WeightDecay::L2;
  Adam adam(cpu.params.size(), ao);
  std::vector<double> grad(cpu.params.size()), Xb(std::size_t(b) * dim), Yb(Xb.size());
  std::vector<int> rows(b);
  for (long s = 0; s < steps; ++s) {
    rows_of(s, rows.data());
    for (int i = 0; i < b; ++i)
      for (int c = 0; c < dim; ++c)
        Xb[std::size_t(i) * dim + c] = X[std::size_t(rows[i]) * dim + c], Yb[std::size_t(i) * dim + c] = Y[std::size_t(rows[i]) * dim + c];
    hnn_model_loss(cpu, Xb.data(), Yb.data(), b, grad.data());
    adam.step(cpu.params.data(), grad.data());
  }
  CudaHnnTrainSpec spec;
  spec.steps = steps;
  spec.weight_decay = 1e-4;
  spec.batch_size = b;
  cuda_hnn_train(true, gpu.shape, gpu.params.data(), gpu.params.size(), X.data(), Y.data(), n, spec, rows_of);
  EXPECT_LT(scaled_error(gpu.params, cpu.params), 1e-8);
}

TEST(CudaHnnParity, BadArgumentsAreErrors) {
  // No device needed: the arguments are checked first (a build without CUDA throws for every call).
  HnnModel m = model(HnnModelKind::Hnn, 2, 1);
  const std::vector<double> X(4, 0.1), Y(4, 0.2);
  const auto message = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string e = message([&] {
    cuda_hnn_loss(true, m.shape, m.params.data(), m.params.size() - 1, X.data(), Y.data(), 2, nullptr);
  });
  EXPECT_NE(e.find("cuda_hnn_loss: expected " + std::to_string(m.params.size()) + " parameters"), std::string::npos) << e;
  e = message([&] { cuda_hnn_loss(false, m.shape, m.params.data(), m.params.size(), X.data(), Y.data(), 2, nullptr); });
  EXPECT_NE(e.find("the baseline needs 2 outputs, got 1"), std::string::npos) << e;
  CudaHnnTrainSpec spec;
  spec.steps = 1;
  spec.batch_size = 1;  // below n without a sampler
  EXPECT_THROW(cuda_hnn_train(true, m.shape, m.params.data(), m.params.size(), X.data(), Y.data(),
                              2, spec),
               Error);
}

TEST(CudaHnnParity, TrainHnnModelOnTheGpuMatchesTheCpu) {
  NOETHER_NEED_GPU();
  HnnTaskOptions to;
  to.trajectories = 8;
  to.seed = 4;
  const HnnDataset d = make_hnn_task_data(HnnTask::Pendulum, to);
  for (int batch : {0, 40})  // full batch, and minibatches drawn by hnn_minibatch_rows on both devices
    for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
      HnnTrainOptions o;
      o.hidden = {32, 32};
      o.steps = 20;
      o.seed = 6;
      o.batch_size = batch;
      int reports = 0;
      const HnnTrainResult cpu = train_hnn_model(kind, d, o);
      o.cuda = true;
      o.on_step = [&](int, double loss) { reports += std::isfinite(loss) ? 1 : 0; };
      const HnnTrainResult gpu = train_hnn_model(kind, d, o);
      EXPECT_LT(scaled_error(gpu.model.params, cpu.model.params), 1e-8) << "batch " << batch;
      EXPECT_NEAR(gpu.test_loss, cpu.test_loss, 1e-8 * cpu.test_loss) << "batch " << batch;
      EXPECT_EQ(reports, 1);  // 20 steps < 100: only the final report
    }
}
