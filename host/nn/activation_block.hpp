// nn/activation_block.hpp — the element-wise step of the CPU MLP's forward pass over one layer's block of
// values: H = σ(Z), S1 = σ′(Z) and optionally S2 = σ″(Z) (nn/activations.hpp's formulas), or H alone. float64 tanh, the
// HNN's activation, takes H alone, through the vectorised tanh_block (the MLP forms σ′ and σ″ from H, nn/mlp.cpp);
// every other case evaluates activation_jet value by value. Host-only.
#pragma once
#include <cstddef>

#include "nn/tanh_block.hpp"
#include "noether/nn/activations.hpp"

namespace noether {

/// h[k] = σ(z[k]), s1[k] = σ′(z[k]), s2[k] = σ″(z[k]) for k < m; s2 == nullptr skips σ″.
template <typename T>
void activation_block(Activation act, const T* z, std::size_t m, T* h, T* s1, T* s2) {
  for (std::size_t k = 0; k < m; ++k) {
    const ActivationJet<T> j = activation_jet<T>(act, z[k]);
    h[k] = j.s0;
    s1[k] = j.s1;
    if (s2) s2[k] = j.s2;
  }
}

/// h[k] = σ(z[k]) for k < m, without the derivatives (tanh: the MLP forms them from h, nn/mlp.cpp).
template <typename T>
void activation_values(Activation act, const T* z, std::size_t m, T* h) {
  for (std::size_t k = 0; k < m; ++k) h[k] = activation_jet<T>(act, z[k]).s0;
}

/// float64: tanh through tanh_block.
inline void activation_values(Activation act, const double* z, std::size_t m, double* h) {
  if (act != Activation::Tanh) return activation_values<double>(act, z, m, h);
  tanh_block(z, h, m);
}

}  // namespace noether
