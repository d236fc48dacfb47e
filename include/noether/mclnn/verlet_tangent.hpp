// mclnn/verlet_tangent.hpp — the residuals of one MCLNN trajectory segment and their exact Jacobian with respect
// to the pair model's parameters θ: forward mode (tangents) through the DISCRETE velocity-Verlet map, on the CPU.
// The Gauss–Newton / Levenberg–Marquardt polish (nn/levenberg_marquardt.hpp, docs/TRAINING.md) is built on it.
//
// Forward, as mclnn/verlet_adjoint.hpp, from data (q_0, v_0), S = stride·horizon steps:
//   q_{n+1} = q_n + v_n dt + ½ a_n dt²,   a_{n+1} = A(q_{n+1}),   v_{n+1} = v_n + ½ (a_n + a_{n+1}) dt
//   A_i(q) = −(1/m_i) Σ_{j≠i} V′(r_ij) û_ij
// Residuals e (horizon, N, D): e_k = q_{k·stride} − q̂_k, so that the segment's loss is (1/(horizon·N)) |e|².
// Tangents Q_n = ∂q_n/∂θ, W_n = ∂v_n/∂θ, G_n = ∂a_n/∂θ (each N·D × P), Q_0 = W_0 = 0:
//   Q_{n+1} = Q_n + W_n dt + ½ G_n dt²,   W_{n+1} = W_n + ½ (G_n + G_{n+1}) dt
//   G_n = J_A(q_n) Q_n + ∂A/∂θ(q_n)
// Per unordered pair (i, j), with Δ = Q_i − Q_j (D × P), s = ûᵀΔ (a row of P), g = ∂V′(r)/∂θ (a row of P):
//   H Δ = (V″ − V′/r) û s + (V′/r) Δ          (the pair Hessian of V(|q_i − q_j|) applied to Δ)
//   G_i −= (H Δ + û g) / m_i,   G_j += (H Δ + û g) / m_j
// and the Jacobian is J = ∂e/∂θ = (Q_{stride}, Q_{2·stride}, …) stacked. Cost per pair and step ≈ (3D + 2) P
// multiply-adds plus one param_grad; nothing per pair is stored.
//
// The model interface is verlet_adjoint.hpp's (jets, param_grad) plus parameter_count().
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"

namespace noether {

/// G (N·D, P) = ∂A(q)/∂θ + J_A(q) Q for Q (N·D, P), at q (N, D); g_scratch has P entries. Formulas in the header.
template <typename T, typename Model>
void accelerations_tangent_cpu(const Model& model, const T* q, const T* mass, const T* Q, int N, int D, int P, T* G,
                               T* g_scratch) {
  const std::size_t rows = std::size_t(N) * D;
  for (std::size_t k = 0; k < rows * P; ++k) G[k] = T(0);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      T d[3] = {0, 0, 0}, r2 = 0;
      for (int c = 0; c < D; ++c) {
        d[c] = q[i * D + c] - q[j * D + c];
        r2 += d[c] * d[c];
      }
      const T r = std::sqrt(r2);
      if (!(r > T(0))) continue;  // coincident particles exert no force (physics/pair_laws.hpp convention)
      T u[3] = {0, 0, 0};
      for (int c = 0; c < D; ++c) u[c] = d[c] / r;
      const auto jet = model.jets(r);
      const T v1_over_r = jet.dV / r, radial = jet.d2V - v1_over_r;
      for (int k = 0; k < P; ++k) g_scratch[k] = T(0);
      model.param_grad(r, T(0), T(1), g_scratch);
      const T inv_mi = T(1) / mass[i], inv_mj = T(1) / mass[j];
      const T* Qi = Q + std::size_t(i) * D * P;
      const T* Qj = Q + std::size_t(j) * D * P;
      T* Gi = G + std::size_t(i) * D * P;
      T* Gj = G + std::size_t(j) * D * P;
      for (int k = 0; k < P; ++k) {
        T s = 0;
        for (int c = 0; c < D; ++c) s += u[c] * (Qi[c * P + k] - Qj[c * P + k]);
        for (int c = 0; c < D; ++c) {
          const T f = radial * u[c] * s + v1_over_r * (Qi[c * P + k] - Qj[c * P + k]) + u[c] * g_scratch[k];
          Gi[c * P + k] -= f * inv_mi;
          Gj[c * P + k] += f * inv_mj;
        }
      }
    }
}

/// The residuals e (horizon, N, D) of one segment and, when J is non-null, their Jacobian J (horizon·N·D, P),
/// row-major, P = model.parameter_count(). q0, v0 (N, D), mass (N), target (horizon, N, D) as in
/// segment_loss_and_grad_cpu. Returns the segment's loss (1/(horizon·N)) |e|², the same value as
/// segment_loss_and_grad_cpu. Throws noether::Error when the rollout becomes non-finite.
template <typename T, typename Model>
T segment_residuals_and_jacobian_cpu(const Model& model, const T* q0, const T* v0, const T* mass, int N, int D, T dt,
                                     int stride, int horizon, const T* target, T* e, T* J) {
  const std::size_t f = std::size_t(N) * D;
  const int P = J ? model.parameter_count() : 0;
  const std::size_t fp = f * std::size_t(P);
  std::vector<T> q(q0, q0 + f), v(v0, v0 + f), a(f), a1(f);
  std::vector<T> Q(fp, T(0)), W(fp, T(0)), G(fp), G1(fp), g(static_cast<std::size_t>(P));
  accelerations_cpu(model, q.data(), mass, a.data(), 1, N, D);
  if (J) accelerations_tangent_cpu(model, q.data(), mass, Q.data(), N, D, P, G.data(), g.data());
  const long S = long(stride) * horizon;
  const T scale = T(1) / (T(horizon) * T(N));
  T loss = 0;
  for (long n = 0; n < S; ++n) {
    for (std::size_t k = 0; k < f; ++k) q[k] = q[k] + v[k] * dt + T(0.5) * a[k] * dt * dt;  // verlet_adjoint's order
    accelerations_cpu(model, q.data(), mass, a1.data(), 1, N, D);
    for (std::size_t k = 0; k < f; ++k) v[k] += T(0.5) * (a[k] + a1[k]) * dt;
    a.swap(a1);
    if (J) {
      for (std::size_t k = 0; k < fp; ++k) Q[k] = Q[k] + W[k] * dt + T(0.5) * G[k] * dt * dt;
      accelerations_tangent_cpu(model, q.data(), mass, Q.data(), N, D, P, G1.data(), g.data());
      for (std::size_t k = 0; k < fp; ++k) W[k] += T(0.5) * (G[k] + G1[k]) * dt;
      G.swap(G1);
    }
    if ((n + 1) % stride == 0) {
      const std::size_t h = std::size_t((n + 1) / stride - 1);
      for (std::size_t k = 0; k < f; ++k) {
        e[h * f + k] = q[k] - target[h * f + k];
        loss += e[h * f + k] * e[h * f + k];
      }
      if (J)
        for (std::size_t k = 0; k < fp; ++k) J[h * fp + k] = Q[k];
    }
  }
  loss *= scale;
  NOETHER_REQUIRE(std::isfinite(double(loss)), "trajectory loss is not finite (the rollout of "
                                                   << S << " steps of dt = " << dt << " diverged)");
  return loss;
}

}  // namespace noether
