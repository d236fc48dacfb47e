// pixel/res_mlp.cuh — the residual MLP of pixel/autoencoder.hpp on the GPU, float32: CudaResMlp runs
// res_mlp_forward / res_mlp_backward on device pointers, every matrix product a cuBLAS GEMM (nn/cublas_util.cuh)
// and the rest the element-wise kernels below (their CPU twin: host/pixel/autoencoder.cpp). Internal to
// kernels/, included by pixel/fit.cu only (its definitions have internal linkage).
//
// widths [d_0, h, …, h, d_L], X (n, d_0):  Z_l = H_{l−1} W_lᵀ + b_l;  H_1 = σ(Z_1);  H_l = H_{l−1} + σ(Z_l)
// (1 < l < L);  Y = Z_L.  Backward: W̄_l += Z̄_lᵀ H_{l−1}, b̄_l += Σ_rows Z̄_l, Z̄_l = σ′(Z_l) ⊙ H̄_l,
// H̄_{l−1} = Z̄_l W_l [+ H̄_l for residual layers], X̄ = Z̄_1 W_1.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "nn/cublas_util.cuh"
#include "core/cuda_check.cuh"
#include "core/device_util.cuh"
#include "noether/nn/activations.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp_layout.hpp"

namespace noether {
namespace cuda {
namespace {

constexpr int kResMlpThreads = 256;

// ---------------------------------------------------------------------------------------------------------
// Element-wise kernels of the residual MLP (pixel/autoencoder.hpp). Matrices are row-major (n, d).
// ---------------------------------------------------------------------------------------------------------

/// Hidden layer l: Z (n, d) holds H_{l−1} W_lᵀ on entry; with u = Z + b (b (d)):
///   S1 = σ′(u),  H = σ(u)  (first layer, Hprev == nullptr)  or  H = Hprev + σ(u)  (residual layers).
/// Z and S1 may alias (the forward pass writes S1 over Z): each entry is read before it is written.
__global__ void res_layer_kernel(Activation act, const float* Z, const float* __restrict__ b,
                                 const float* __restrict__ Hprev, int d, std::size_t m, float* __restrict__ H,
                                 float* S1) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x) {
    const ActivationJet<float> j = activation_jet<float>(act, Z[k] + b[k % d]);
    H[k] = Hprev ? Hprev[k] + j.s0 : j.s0;
    S1[k] = j.s1;
  }
}

/// Y (n, d) += b (broadcast over rows): the linear output layer's bias.
__global__ void add_bias_kernel(float* __restrict__ Y, const float* __restrict__ b, int d, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    Y[k] += b[k % d];
}

/// out = x ⊙ y (m entries).
__global__ void hadamard_kernel(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ y,
                                std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    out[k] = x[k] * y[k];
}

/// db (d) += Σ_rows A (n, d): the bias gradient. One thread per column, rows summed in order (deterministic).
__global__ void column_sum_add_kernel(const float* __restrict__ A, int n, int d, float* __restrict__ db) {
  for (int c = blockIdx.x * blockDim.x + threadIdx.x; c < d; c += gridDim.x * blockDim.x) {
    float s = 0.f;
    for (int r = 0; r < n; ++r) s += A[std::size_t(r) * d + c];
    db[c] += s;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The residual MLP on the device (pixel/autoencoder.hpp's res_mlp_forward / res_mlp_backward, float32).
// ---------------------------------------------------------------------------------------------------------

class CudaResMlp {
 public:
  /// widths [d_0, h, …, h, d_L] (validated by the caller), batches of up to cap rows.
  CudaResMlp(const MlpShape& s, int cap, cudaStream_t stream, cublasHandle_t blas)
      : shape_(s), L_(s.layers()), h_(s.widths[1]), cap_(cap), stream_(stream), blas_(blas),
        tape_(std::size_t(2 * (s.layers() - 1) + 2) * cap * s.widths[1]) {
    float* p = tape_.get();
    const std::size_t m = std::size_t(cap) * h_;
    for (int l = 1; l < L_; ++l) H_.push_back(p), p += m;   // H_l, l = 1 … L−1
    for (int l = 1; l < L_; ++l) S1_.push_back(p), p += m;  // S1_l
    Zbar_ = p, p += m;
    Hbar_ = p;
  }

  /// Y (n, d_L) = ResMlp(X (n, d_0)); X must stay valid until backward().
  void forward(const float* params, const float* X, int n, float* Y) {
    NOETHER_REQUIRE(n >= 1 && n <= cap_, "CudaResMlp: batch size must be in [1, " << cap_ << "], got " << n);
    X_ = X, n_ = n;
    const std::size_t m = std::size_t(n) * h_;
    const float* prev = X;
    for (int l = 1; l < L_; ++l) {
      // Z_l (n, h) = H_{l−1} W_lᵀ   [2·n·h·d_{l−1} FLOPs]; S1_ slot holds Z before the kernel overwrites it.
      gemm_rm<float>(blas_, false, true, n, h_, shape_.widths[l - 1], 1.f, prev, W(params, l), 0.f, S1_[l - 1]);
      NOETHER_LAUNCH(elementwise_blocks(m, kResMlpThreads), kResMlpThreads, 0, stream_, res_layer_kernel)(
          shape_.activation, S1_[l - 1], b(params, l), l == 1 ? nullptr : prev, h_, m, H_[l - 1], S1_[l - 1]);
      NOETHER_CUDA_CHECK_LAUNCH();
      prev = H_[l - 1];
    }
    const int out = shape_.out();
    gemm_rm<float>(blas_, false, true, n, out, h_, 1.f, prev, W(params, L_), 0.f, Y);  // [2·n·out·h]
    const std::size_t my = std::size_t(n) * out;
    NOETHER_LAUNCH(elementwise_blocks(my, kResMlpThreads), kResMlpThreads, 0, stream_, add_bias_kernel)(Y, b(params, L_), out, my);
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  /// dY (n, d_L) → dparams += ∂loss/∂θ (this MLP's slice), dX (n, d_0) = ∂loss/∂X (nullptr: skipped).
  void backward(const float* params, const float* dY, float* dparams, float* dX) {
    NOETHER_REQUIRE(n_ >= 1, "CudaResMlp: backward before forward");
    const int n = n_, out = shape_.out();
    const std::size_t m = std::size_t(n) * h_;
    // Output layer: W̄_L += Ȳᵀ H_{L−1} [2·out·h·n], b̄_L += Σ_rows Ȳ, H̄_{L−1} = Ȳ W_L [2·n·h·out].
    gemm_rm<float>(blas_, true, false, out, h_, n, 1.f, dY, H_[L_ - 2], 1.f, dW(dparams, L_));
    col_sum(dY, n, out, db(dparams, L_));
    gemm_rm<float>(blas_, false, false, n, h_, out, 1.f, dY, W(params, L_), 0.f, Hbar_);
    for (int l = L_ - 1; l >= 1; --l) {
      const int in = shape_.widths[l - 1];
      const float* Hprev = l == 1 ? X_ : H_[l - 2];
      // Z̄_l = S1_l ⊙ H̄_l; W̄_l += Z̄_lᵀ H_{l−1} [2·h·in·n]; b̄_l += Σ_rows Z̄_l.
      NOETHER_LAUNCH(elementwise_blocks(m, kResMlpThreads), kResMlpThreads, 0, stream_, hadamard_kernel)(Zbar_, S1_[l - 1], Hbar_, m);
      NOETHER_CUDA_CHECK_LAUNCH();
      gemm_rm<float>(blas_, true, false, h_, in, n, 1.f, Zbar_, Hprev, 1.f, dW(dparams, l));
      col_sum(Zbar_, n, h_, db(dparams, l));
      if (l > 1)  // H̄_{l−1} = Z̄_l W_l + H̄_l (residual), in place [2·n·h·h]
        gemm_rm<float>(blas_, false, false, n, h_, h_, 1.f, Zbar_, W(params, l), 1.f, Hbar_);
      else if (dX)  // X̄ = Z̄_1 W_1 [2·n·d_0·h]
        gemm_rm<float>(blas_, false, false, n, in, h_, 1.f, Zbar_, W(params, 1), 0.f, dX);
    }
  }

 private:
  const float* W(const float* p, int l) const { return p + shape_.weight_offset(l); }
  const float* b(const float* p, int l) const { return p + shape_.bias_offset(l); }
  float* dW(float* p, int l) const { return p + shape_.weight_offset(l); }
  float* db(float* p, int l) const { return p + shape_.bias_offset(l); }
  void col_sum(const float* A, int n, int d, float* out) {
    NOETHER_LAUNCH((d + kResMlpThreads - 1) / kResMlpThreads, kResMlpThreads, 0, stream_, column_sum_add_kernel)(A, n, d, out);
    NOETHER_CUDA_CHECK_LAUNCH();
  }

  MlpShape shape_;
  int L_, h_, cap_;
  cudaStream_t stream_;
  cublasHandle_t blas_;
  DeviceBuffer<float> tape_;  // H_1…H_{L−1}, S1_1…S1_{L−1}, Z̄, H̄ (cap · h each)
  std::vector<float*> H_, S1_;
  float *Zbar_ = nullptr, *Hbar_ = nullptr;
  const float* X_ = nullptr;
  int n_ = 0;
};


}  // namespace
}  // namespace cuda
}  // namespace noether
