// pixel/cuda.hpp — the pixel pendulum model's batch loss and full parameter gradient on the GPU
// (kernels/pixel/fit.cu), the twin of pixel/model.hpp's pixel_model_loss<float>: float32 compute (as the CPU
// training path), loss terms summed in float64. Same formulas as pixel/model.hpp, restated:
//
//   forward   Z (2n, 2k) = E([x; x′]) — the encoder once on the stacked batch (residual ReLU layers:
//             a cuBLAS GEMM Z_l = H_{l−1} W_lᵀ, then H_l = [H_{l−1} +] σ(Z_l + b_l) element-wise);
//             X̂ (n, D) = Dec(z);  F (n, 2k) = (G_p, −G_q), G = ∇_z H_θ (CudaMlp::input_gradient), or the
//             baseline's F = F_θ(z) (CudaMlp::forward)
//   loss      L = ae + cc + 0.1·lat,  ae = 1/(nD) Σ (x − x̂)²,  cc = 1/(nk) Σ (z_p − (z′_q − z_q))²,
//             lat = 1/(n·2k) Σ (z′ − z − F)²
//   adjoints  ∂L/∂x̂ = −2(x − x̂)/(nD);  with e = z_p − z′_q + z_q, g = 2e/(nk): z̄_p += g, z̄_q += g, z̄′_q −= g;
//             with r = z′ − z − F, g = 0.1·2r/(n·2k): z̄′ += g, z̄ −= g, F̄ = −g
//   backward  decoder (res-MLP backward) → θ̄_dec, z̄ += X̂-path; HNN: Ḡ_p = F̄_q, Ḡ_q = −F̄_p, double backprop
//             (CudaMlp::input_gradient_backward) → θ̄_H, z̄ += field path; baseline: CudaMlp::backward;
//             the latent output bias is frozen (its gradient 0); encoder backward on [z̄; z̄′] → θ̄_enc.
//
// Host-pointer API: CudaPixelLoss keeps the device buffers for batches of up to max_pairs pairs across
// calls; cuda_pixel_loss is its one-shot form (for tests and tools); cuda_pixel_train is a training loop
// that stays on the device (pixel/train.hpp's GPU path):
//   the N training pairs uploaded once; per step the caller's sampler gives n row indices (host, so the CPU
//   and GPU paths draw the same batches), uploaded (n ints) and gathered on the device; loss + gradient as
//   above; Adam with coupled L2 (nn/adam.hpp, WeightDecay::L2, no clipping, constant η) on float64 master
//   parameters on the device, c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ:
//     g = grad + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η (m/c1)/(√(v/c2) + ε);
//   the float32 compute copy θ_f = float(θ) rounded in the same kernel (pixel/train.hpp rounds before
//   every step). Only the three loss sums come back per step.
// In a build without CUDA every function throws noether::Error (host/pixel/cuda_stand_in.cpp); check
// cuda_device_available() first.
// Nothing CUDA-specific leaks into this header.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include "noether/pixel/model.hpp"

namespace noether {

/// L and its terms at the stacked batch XX (2n, D) (rows 0…n−1 the inputs x_i, rows n…2n−1 their successors
/// x′_i), D = m.input_dim(). params (n_params = m.parameter_count()) float32 in the flat order
/// [encoder | decoder | latent] (m.params is not read). grad (n_params), when not nullptr, is OVERWRITTEN with
/// ∂L/∂θ (frozen latent output bias: 0). Host pointers. Throws noether::Error on bad arguments before touching
/// the device.
PixelLossTerms cuda_pixel_loss(const PixelModel& m, const float* params, std::size_t n_params, const float* XX, int n,
                               float* grad);

/// The same evaluation with device buffers kept across calls, for batches of up to max_pairs pairs of m's
/// shapes (m.params is not read or kept). Not thread-safe.
class CudaPixelLoss {
 public:
  /// Checks m's shapes and max_pairs >= 1 (noether::Error), then allocates on the device.
  CudaPixelLoss(const PixelModel& m, int max_pairs);
  ~CudaPixelLoss();
  CudaPixelLoss(const CudaPixelLoss&) = delete;
  CudaPixelLoss& operator=(const CudaPixelLoss&) = delete;

  /// As cuda_pixel_loss: params (m.parameter_count()), XX (2n, D) with 1 <= n <= max_pairs, grad or nullptr.
  /// Host pointers; synchronises before returning.
  PixelLossTerms evaluate(const float* params, const float* XX, int n, float* grad);

 private:
  struct Impl;  // kernels/pixel/fit.cu (or the throwing stand-in of a build without CUDA)
  std::unique_ptr<Impl> impl_;
};

/// Adam settings of cuda_pixel_train (constant learning rate, coupled L2, no clipping: the pixel protocol).
struct CudaPixelTrainSpec {
  int steps = 0;
  double lr = 1e-3, weight_decay = 0.0;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
};

/// Fills rows[0 … n) with the pairs of step `step` (1-based), each in [0, N).
using PixelBatchSampler = std::function<void(int step, int* rows)>;
/// Called after each step with its number (1-based) and its batch's loss terms.
using PixelStepCallback = std::function<void(int step, const PixelLossTerms& terms)>;

/// `spec.steps` Adam steps on batches of n pairs drawn by `sample` from the N training pairs X (N, D) and
/// Xnext (N, D) (x′ of row i is Xnext row i). params (m.parameter_count()) float64 master parameters: the
/// initial point on entry, the trained ones on return. on_step may be empty. Host pointers; the loop stays on
/// the device. Throws noether::Error on bad arguments (before any device work), a sampler row outside
/// [0, N), or a non-finite batch loss.
void cuda_pixel_train(const PixelModel& m, double* params, const float* X, const float* Xnext, int N, int n,
                      const CudaPixelTrainSpec& spec, const PixelBatchSampler& sample,
                      const PixelStepCallback& on_step = nullptr);

}  // namespace noether
