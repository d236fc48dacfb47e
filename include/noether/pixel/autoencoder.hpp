// pixel/autoencoder.hpp — the fully connected residual MLP of the pixel pendulum's autoencoder (reference
// nn_models.py MLPAutoencoder: encoder 1568-200-200(+res)-200(+res)-2, decoder its mirror, ReLU), on the
// CPU, float32 and float64 (host/pixel/autoencoder.cpp, Eigen GEMMs). The encoder and the decoder are each
// one ResMlp; parameters use nn/mlp_layout.hpp's flat order.
//
// widths = [d_0, d_1, …, d_L] with d_1 = … = d_{L−1} (the residual layers need equal widths), σ = the
// shape's activation (ReLU for the autoencoder); rows of X (n, d_0) are independent:
//   H_1 = σ(Z_1),  Z_l = H_{l−1} W_lᵀ + 1 b_lᵀ;
//   H_l = H_{l−1} + σ(Z_l)          for 1 < l < L   (residual);
//   Y = Z_L (n, d_L)                (linear output).
// Backward, given Ȳ = ∂loss/∂Y (S1_l = σ′(Z_l)):
//   Z̄_L = Ȳ;  W̄_l += Z̄_lᵀ H_{l−1},  b̄_l += Σ_rows Z̄_l,  P_{l−1} = Z̄_l W_l;
//   H̄_{L−1} = P_{L−1};   for l = L−1 … 1:  Z̄_l = S1_l ⊙ H̄_l,  then (weights as above)
//   H̄_{l−1} = P_{l−1} + H̄_l [residual, 1 < l]  ;  X̄ = P_0.
// Conventions as nn/mlp.hpp: parameter gradients ACCUMULATE into dparams, dX is OVERWRITTEN, either may be
// nullptr; the tape is reused across calls (buffers only grow).
#pragma once
#include <cstddef>
#include <vector>

#include "noether/nn/mlp_layout.hpp"

namespace noether {

/// What res_mlp_forward recorded for res_mlp_backward.
template <typename T>
struct ResMlpTape {
  int n = 0;
  std::vector<int> widths;
  std::vector<std::vector<T>> h;   ///< H_l (n, d_l), l = 0 … L−1
  std::vector<std::vector<T>> s1;  ///< S1_l = σ′(Z_l) (n, d_l), l = 1 … L−1
  std::vector<T> t0, t1, t2;       ///< scratch (n · max width)
};

/// Throws noether::Error unless the shape is a valid residual MLP (>= 2 layers; hidden widths equal).
void validate_res_mlp_shape(const MlpShape& shape, const char* what);

/// Y (n, d_L) = ResMlp(X), X (n, d_0); records the tape for res_mlp_backward.
template <typename T>
void res_mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y,
                     ResMlpTape<T>& tape);

/// Reverse of the last res_mlp_forward: dY (n, d_L); dparams (n_params) += ∂loss/∂θ; dX (n, d_0) = ∂loss/∂X.
template <typename T>
void res_mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, ResMlpTape<T>& tape,
                      const T* dY, T* dparams, T* dX);

}  // namespace noether
