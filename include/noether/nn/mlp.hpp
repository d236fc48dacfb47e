// nn/mlp.hpp — the generic batched MLP on the CPU: forward, backward (vector-Jacobian products), the input
// gradient ∇_x f of a scalar MLP and "double backprop" (the θ- and x-gradients of a loss on ∇_x f).
// float64 and float32; the matrix products go through Eigen (host/nn/mlp.cpp). The GPU twin is
// nn/cuda.hpp; both follow the same formulas, written here once.
//
// Notation (batch rows are independent; every matrix below is (n, width) row-major, one row per input):
//   H_0 = X (n, d_0);  Z_l = H_{l−1} W_lᵀ + 1 b_lᵀ (n, d_l);  H_l = σ(Z_l) for l < L;  Y = Z_L (n, d_L).
//   S1_l = σ′(Z_l), S2_l = σ″(Z_l) (l = 1…L−1); ⊙ is the element-wise product; Σ_n sums over batch rows.
//
// Backward (mlp_backward), given Ȳ = ∂loss/∂Y:
//   Z̄_L = Ȳ;  for l = L…1:  W̄_l += Z̄_lᵀ H_{l−1},  b̄_l += Σ_n Z̄_l,  H̄_{l−1} = Z̄_l W_l,
//                           Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1} (l > 1);   X̄ = H̄_0.
//
// Input gradient of a scalar MLP (d_L = 1; mlp_input_gradient): reverse mode seeded with 1,
//   U_L = 1 (n, 1);  for l = L…1:  A_{l−1} = U_l W_l,  U_{l−1} = S1_{l−1} ⊙ A_{l−1} (l > 1);   G = ∇_x f = A_0.
//
// Double backprop (mlp_input_gradient_backward): the reverse of the two passes above, given
// Ḡ = ∂loss/∂G (n, d_0) and f̄ = ∂loss/∂f (n). Reversing "A_{l−1} = U_l W_l, U_l = S1_l ⊙ A_l" from l = 1
// upward is a forward-mode (tangent) sweep along Ḡ:
//   Ḣ_0 = Ḡ;  for l = 1…L−1:  Ż_l = Ḣ_{l−1} W_lᵀ (= Ū_l),  Ḣ_l = S1_l ⊙ Ż_l (= Ā_l),
//             and the σ′(Z_l) dependence of U_l leaves  Z̃_l = S2_l ⊙ A_l ⊙ Ż_l  on Z_l.
//   W_l appears in both passes, so  W̄_l += Z̄_lᵀ H_{l−1} + U_lᵀ Ḣ_{l−1}.
// Then the reverse of the forward pass with the Z̃_l injected:
//   Z̄_L = f̄;  for l = L…1:  W̄_l += Z̄_lᵀ H_{l−1} + U_lᵀ Ḣ_{l−1},  b̄_l += Σ_n Z̄_l,  H̄_{l−1} = Z̄_l W_l,
//                           Z̄_{l−1} = S1_{l−1} ⊙ H̄_{l−1} + Z̃_{l−1} (l > 1);   X̄ = H̄_0.
// (Per sample this is θ̄ = Hessian-vector products of f: X̄ = ∇²_x f · Ḡ + f̄ ∇_x f.) No bias term gets a
// U-contribution because b_l does not appear in the input-gradient pass.
//
// Pass nullptr for an optional argument with the template argument spelled out, e.g. mlp_backward<float>(…).
// Conventions: parameters are ONE flat buffer in nn/mlp_layout.hpp order, given with their count (checked
// against MlpShape::parameter_count). Parameter gradients ACCUMULATE (+=) into dparams (nullptr skips
// them); input gradients dX are OVERWRITTEN (nullptr skips them). The tape keeps what the reverse passes
// need and is reused across calls (buffers only grow).
#pragma once
#include <array>
#include <cstddef>
#include <vector>

#include "noether/nn/mlp_layout.hpp"

namespace noether {

/// What a forward call recorded, for the matching reverse call. Reuse one tape across steps.
template <typename T>
struct MlpTape {
  enum class Kind { None, Forward, InputGradient };
  Kind kind = Kind::None;
  int n = 0;                           ///< batch size recorded
  std::vector<int> widths;             ///< shape recorded (checked by the reverse calls)
  Activation activation = Activation::Squareplus;
  std::vector<std::vector<T>> h;       ///< h[l] = H_l (n, d_l), l = 0…L−1
  std::vector<std::vector<T>> s1, s2;  ///< S1_l, S2_l (n, d_l), l = 1…L−1 (index 0 unused; s2 only for InputGradient;
                                       ///< tanh records no S1 and S2: they are formed from H_l; the S2 slot is
                                       ///< the reverse pass's scratch)
  std::vector<std::vector<T>> a, u;    ///< A_l (l = 0…L−1), U_l (l = 1…L) of the input-gradient pass
  std::vector<T> t0, t1, t2;           ///< scratch (n · max width): t0, t1 the MLP's passes, t2 the pixel autoencoder's
  std::vector<std::vector<T>> packed;  ///< scratch: the weights packed for the CPU's row-block products
};

/// Y (n, d_L) = MLP(X), X (n, d_0); records H_l and σ′(Z_l) in `tape` for mlp_backward.
template <typename T>
void mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y,
                 MlpTape<T>& tape);

/// Y (n, d_L) = MLP(X) without keeping a tape (allocates a temporary one).
template <typename T>
void mlp_forward(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* Y);

/// Reverse of the last mlp_forward (or mlp_input_gradient) recorded in `tape`: dY (n, d_L) = ∂loss/∂Y;
/// dparams (n_params) += ∂loss/∂θ; dX (n, d_0) = ∂loss/∂X. Either output may be nullptr.
template <typename T>
void mlp_backward(const MlpShape& shape, const T* params, std::size_t n_params, MlpTape<T>& tape, const T* dY,
                  T* dparams, T* dX);

/// Scalar MLP (d_L = 1): f (n) = f(X) and G (n, d_0) = ∇_x f; records the tape for mlp_input_gradient_backward.
/// f may be nullptr.
template <typename T>
void mlp_input_gradient(const MlpShape& shape, const T* params, std::size_t n_params, const T* X, int n, T* f, T* G,
                        MlpTape<T>& tape);

/// Double backprop of the last mlp_input_gradient: dG (n, d_0) = ∂loss/∂G, df (n) = ∂loss/∂f (nullptr: 0);
/// dparams (n_params) += ∂loss/∂θ; dX (n, d_0) = ∂loss/∂X (total, through both f and G). Outputs may be nullptr.
/// Consumes the tape (its A_l and S2_l slots hold the tangents afterwards): call mlp_input_gradient again first.
template <typename T>
void mlp_input_gradient_backward(const MlpShape& shape, const T* params, std::size_t n_params, MlpTape<T>& tape,
                                 const T* dG, const T* df, T* dparams, T* dX);

/// The L1, L2, L3 cache sizes (bytes) the CPU matrix products plan their blocking with: pinned constants,
/// not the machine's, so that a build rounds the same way on every CPU (host/nn/eigen_maps.hpp).
std::array<std::ptrdiff_t, 3> mlp_gemm_cache_sizes();

}  // namespace noether
