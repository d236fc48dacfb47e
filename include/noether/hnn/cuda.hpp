// hnn/cuda.hpp — HNN / baseline-MLP training on the GPU (kernels/hnn/fit.cu): the loss and θ-gradient of
// hnn/model.hpp's hnn_model_loss, and a whole Adam training loop that stays on the device (data uploaded once,
// one cuBLAS forward + backward per step, an element-wise Adam kernel; parameters copied back at the end).
// float64 throughout, the same formulas as the CPU path:
//   HNN       G = ∇_x H_θ (CudaMlp::input_gradient), F = (G_p, −G_q)
//   baseline  F = MLP_θ(x)
//   loss      L = 1/(n·dim) Σ (F − Y)²,  ∂L/∂F = 2 (F − Y)/(n·dim)
//   HNN       ∂L/∂G_p = ∂L/∂F_q, ∂L/∂G_q = −∂L/∂F_p → double backprop (CudaMlp::input_gradient_backward)
//   the output bias is frozen: its gradient is zeroed (as hnn_model_loss)
//   Adam, coupled L2 (PyTorch Adam(weight_decay)): g ← g + λθ; m, v moments; θ ← θ − η m̂/(√v̂ + ε)
// In a build without CUDA every function checks its arguments, then throws noether::Error
// (host/hnn/cuda_stand_in.cpp); with CUDA but no usable device they throw too.
// Nothing CUDA-specific leaks into this header.
#pragma once
#include <cstddef>
#include <functional>

#include "noether/core/error.hpp"
#include "noether/nn/mlp_layout.hpp"

namespace noether {

/// The argument checks of both functions below (also made by the stand-in of a build without CUDA, before
/// it throws): a valid shape with an even input width, n_params matching it, 1 output (HNN) or in() outputs
/// (baseline), non-null data and n >= 1. Throws noether::Error naming `fn`.
inline void check_hnn_args(const char* fn, bool hamiltonian, const MlpShape& shape, std::size_t n_params,
                           const void* params, const void* X, const void* Y, int n) {
  shape.validate(fn);
  NOETHER_REQUIRE(params && X && Y, fn << ": params, X and Y must not be null");
  NOETHER_REQUIRE(n_params == shape.parameter_count(),
                  fn << ": expected " << shape.parameter_count() << " parameters, got " << n_params);
  NOETHER_REQUIRE(n >= 1, fn << ": need at least one row, got " << n);
  NOETHER_REQUIRE(shape.in() % 2 == 0, fn << ": the state dimension must be even (q, p), got " << shape.in());
  const int want_out = hamiltonian ? 1 : shape.in();
  NOETHER_REQUIRE(shape.out() == want_out, fn << ": the " << (hamiltonian ? "HNN" : "baseline") << " needs "
                                              << want_out << " outputs, got " << shape.out());
}

/// Loss L of the HNN (hamiltonian = true) or baseline MLP at X, Y (n, dim), dim = shape.in(); grad
/// (n_params), when not nullptr, is OVERWRITTEN with ∂L/∂θ (output bias entries 0). Host pointers.
double cuda_hnn_loss(bool hamiltonian, const MlpShape& shape, const double* params, std::size_t n_params,
                     const double* X, const double* Y, int n, double* grad);

/// Adam settings of cuda_hnn_train (constant learning rate, coupled L2, no clipping: the HNN protocol).
struct CudaHnnTrainSpec {
  int steps = 0;
  double lr = 1e-3, weight_decay = 0.0;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  int batch_size = 0;  ///< rows per step; 0 = full batch (all n rows, in order)
  /// Called every `progress_every` steps and after the last one with the steps done and that step's
  /// (batch) loss; may be empty. Each call synchronises the device once.
  std::function<void(int done, double batch_loss)> on_progress;
  int progress_every = 100;
};

/// Fills rows[0 … batch_size) with the training rows of step s (0-based), each in [0, n). The caller's
/// sampler, so that the CPU and GPU paths draw the same batches.
using HnnBatchSampler = std::function<void(long step, int* rows)>;

/// `spec.steps` Adam steps on the loss above over the training rows X, Y (n, dim): params (n_params) is the
/// initial point on entry and the trained parameters on return. With batch_size > 0, `sample` gives each
/// step's rows (required then). Host pointers; the loop itself stays on the device.
void cuda_hnn_train(bool hamiltonian, const MlpShape& shape, double* params, std::size_t n_params, const double* X,
                    const double* Y, int n, const CudaHnnTrainSpec& spec, const HnnBatchSampler& sample = nullptr);

}  // namespace noether
