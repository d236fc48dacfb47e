// physics/pair_mlp_grad.hpp — batched CPU parameter gradients of the learned pair potential: the per-pair
// reverse mode of PairMlp::param_grad (physics/pair_mlp.hpp) summed over a list of pairs. This is the θ-part of
// one Verlet step's adjoint in the MCLNN trajectory loss (docs/TRAINING.md): w_k is the adjoint weight of
// the pair energy V(r_k), c_k = (λ_i/m_i − λ_j/m_j)·û_ij the one of V′(r_k).
#pragma once
#include <cstddef>

#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// grad += Σ_{k<n} ( w[k] · ∂V(r[k])/∂θ + c[k] · ∂V′(r[k])/∂θ ),   V′ = dV/dr, θ = the flat params.
/// r, w, c are (n); w or c may be null (= all zeros); params and grad are (shape.parameter_count()),
/// nn/mlp_layout.hpp order; scaling as in physics/pair_mlp.hpp (fixed, not differentiated). Per-pair terms are
/// computed in T and summed in float64, then added to grad once. Throws noether::Error for a shape
/// check_pair_mlp_shape refuses. Instantiated for float and double.
template <typename T>
void pair_mlp_param_grad_cpu(const MlpShape& shape, const T* params, const PairScaling& scaling, const T* r,
                             const T* w, const T* c, std::size_t n, T* grad);

}  // namespace noether
