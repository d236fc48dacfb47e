// nn/mlp_elementwise.cuh — the element-wise kernels between the cuBLAS GEMMs of the batched MLP
// (kernels/nn/mlp.cu): bias + activation jets, Hadamard products and the double-backprop updates.
// Every kernel is a grid-stride loop over the m = n·d entries of row-major (n, d) matrices.
// Internal to kernels/.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "noether/nn/activations.hpp"

namespace noether {
namespace cuda {

/// Z (n, d) holds Z − b on entry; writes H = σ(Z + b), S1 = σ′(Z + b) and, when S2 != nullptr, S2 = σ″(Z + b).
template <typename T>
__global__ void bias_activation_kernel(Activation act, const T* __restrict__ Z, const T* __restrict__ b, int d,
                                       std::size_t m, T* __restrict__ H, T* __restrict__ S1, T* __restrict__ S2) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x) {
    const ActivationJet<T> j = activation_jet<T>(act, Z[k] + b[k % d]);
    H[k] = j.s0;
    S1[k] = j.s1;
    if (S2) S2[k] = j.s2;
  }
}

/// Y (n, d) += b (broadcast over rows): the output layer's bias.
template <typename T>
__global__ void add_bias_kernel(T* __restrict__ Y, const T* __restrict__ b, int d, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    Y[k] += b[k % d];
}

/// out = x ⊙ y (out may alias x or y).
template <typename T>
__global__ void hadamard_kernel(T* out, const T* x, const T* y, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    out[k] = x[k] * y[k];
}

/// Tangent step of double backprop on layer l: Z̃ = S2 ⊙ A ⊙ Ż (into the S2 slot), Ḣ = S1 ⊙ Ż (into the A slot).
template <typename T>
__global__ void tangent_kernel(const T* __restrict__ Zdot, const T* __restrict__ S1, T* __restrict__ A_to_Hdot,
                               T* __restrict__ S2_to_Ztilde, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x) {
    const T zd = Zdot[k];
    S2_to_Ztilde[k] = S2_to_Ztilde[k] * A_to_Hdot[k] * zd;
    A_to_Hdot[k] = S1[k] * zd;
  }
}

/// Reverse step of double backprop: Z̄_{l−1} = S1 ⊙ H̄_{l−1} + Z̃_{l−1}, in place over H̄.
template <typename T>
__global__ void adjoint_kernel(T* __restrict__ Hbar, const T* __restrict__ S1, const T* __restrict__ Ztilde,
                               std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    Hbar[k] = S1[k] * Hbar[k] + Ztilde[k];
}

/// p[k] = v for k < m.
template <typename T>
__global__ void fill_kernel(T* p, T v, std::size_t m) {
  for (std::size_t k = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; k < m; k += std::size_t(gridDim.x) * blockDim.x)
    p[k] = v;
}

}  // namespace cuda
}  // namespace noether
