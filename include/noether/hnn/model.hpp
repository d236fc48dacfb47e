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

}  // namespace noether
