// mclnn/verlet_adjoint.hpp — the MCLNN trajectory loss (paper 000, Eq. 6) of one trajectory segment and its
// exact gradient with respect to the pair model's parameters θ: reverse mode through the DISCRETE
// velocity-Verlet map (an adjoint of the map, not of the ODE), on the CPU.
//
// Forward, from data (q_0, v_0), S = stride·horizon steps, a_n = A(q_n; θ):
//   q_{n+1} = q_n + v_n dt + ½ a_n dt²,   a_{n+1} = A(q_{n+1}),   v_{n+1} = v_n + ½ (a_n + a_{n+1}) dt
//   A_i(q) = −(1/m_i) Σ_{j≠i} V′(r_ij) û_ij,   û_ij = (q_i − q_j)/r_ij
//   loss = (1/(horizon·N)) Σ_{k=1..horizon} Σ_i |q_{k·stride,i} − q̂_{k,i}|²
// Reverse, n = S−1 … 0, with adjoints q̄, v̄, ā (q̄_{n+1} already holds ∂loss/∂q_{n+1}):
//   ā_{n+1} += ½dt v̄_{n+1};   q̄_{n+1} += J_A(q_{n+1})ᵀ ā_{n+1};   θ̄ += (∂A/∂θ)ᵀ ā_{n+1}
//   q̄_n += q̄_{n+1};   v̄_n = v̄_{n+1} + dt q̄_{n+1};   ā_n = ½dt v̄_{n+1} + ½dt² q̄_{n+1}
// and finally θ̄ += (∂A(q_0)/∂θ)ᵀ ā_0. Per unordered pair (i, j), with μ = λ_i/m_i − λ_j/m_j, s = û·μ
// (λ = the ā being pulled back), docs/TRAINING.md:
//   J_Aᵀλ:   q̄_i −= H μ,  q̄_j += H μ,   H μ = V″ s û + (V′/r)(μ − s û)   (the pair Hessian applied to μ)
//   θ̄:       θ̄ += −s · ∂V′(r)/∂θ
// Positions and accelerations are stored per step (S+1 frames of N·D); per-pair activations never are:
// the model recomputes them in jets() and param_grad().
//
// A pair model provides (PairMlp does; tests also use an analytic one):
//   eval(r2, mi, mj, V, f_over_r)                 the pair-law interface of physics/pair_laws.hpp
//   PairJet<T> jets(T r)                          V, V′, V″
//   void param_grad(T r, T wV, T wdV, T* g)   g += wV ∂V/∂θ + wdV ∂V′/∂θ
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/forces.hpp"

namespace noether {

/// g_pos (N, D) += J_A(q)ᵀ λ and g_theta += (∂A/∂θ)ᵀ λ, for λ (N, D) and A of `model` at q (N, D).
/// Formulas in the file header.
template <typename T, typename Model>
void accelerations_vjp_cpu(const Model& model, const T* q, const T* mass, const T* lambda, int N, int D, T* g_pos,
                           T* g_theta) {
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      T d[3] = {0, 0, 0}, mu[3] = {0, 0, 0};
      T r2 = 0;
      for (int c = 0; c < D; ++c) {
        d[c] = q[i * D + c] - q[j * D + c];
        r2 += d[c] * d[c];
        mu[c] = lambda[i * D + c] / mass[i] - lambda[j * D + c] / mass[j];
      }
      const T r = std::sqrt(r2);
      if (!(r > T(0))) continue;  // coincident particles exert no force (physics/pair_laws.hpp convention)
      T s = 0;
      for (int c = 0; c < D; ++c) s += (d[c] / r) * mu[c];
      const auto jet = model.jets(r);
      const T v1_over_r = jet.dV / r;
      for (int c = 0; c < D; ++c) {
        const T u = d[c] / r;
        const T Hmu = jet.d2V * s * u + v1_over_r * (mu[c] - s * u);
        g_pos[i * D + c] -= Hmu;
        g_pos[j * D + c] += Hmu;
      }
      if (g_theta) model.param_grad(r, T(0), -s, g_theta);
    }
}

/// Loss of one segment (file header) and, when grad is non-null, grad (θ) += ∂loss/∂θ · weight.
/// q0, v0 (N, D) and mass (N): the data state; target (horizon, N, D): data positions at the next
/// `horizon` saved frames, `stride` Verlet steps of dt apart. Returns the unweighted loss.
/// Throws noether::Error when the rollout becomes non-finite.
template <typename T, typename Model>
T segment_loss_and_grad_cpu(const Model& model, const T* q0, const T* v0, const T* mass, int N, int D, T dt,
                            int stride, int horizon, const T* target, T weight, T* grad) {
  const std::size_t f = std::size_t(N) * D;
  const long S = long(stride) * horizon;
  std::vector<T> q((S + 1) * f), a((S + 1) * f), v(f);
  for (std::size_t k = 0; k < f; ++k) q[k] = q0[k], v[k] = v0[k];
  accelerations_cpu(model, q.data(), mass, a.data(), 1, N, D);
  for (long n = 0; n < S; ++n) {
    const T* qn = &q[n * f];
    const T* an = &a[n * f];
    T* q1 = &q[(n + 1) * f];
    T* a1 = &a[(n + 1) * f];
    for (std::size_t k = 0; k < f; ++k) q1[k] = qn[k] + v[k] * dt + T(0.5) * an[k] * dt * dt;
    accelerations_cpu(model, q1, mass, a1, 1, N, D);
    for (std::size_t k = 0; k < f; ++k) v[k] += T(0.5) * (an[k] + a1[k]) * dt;
  }
  const T scale = T(1) / (T(horizon) * T(N));
  T loss = 0;
  for (int h = 1; h <= horizon; ++h) {
    const T* qp = &q[std::size_t(h) * stride * f];
    const T* qt = target + std::size_t(h - 1) * f;
    for (std::size_t k = 0; k < f; ++k) loss += (qp[k] - qt[k]) * (qp[k] - qt[k]);
  }
  loss *= scale;
  NOETHER_REQUIRE(std::isfinite(double(loss)), "trajectory loss is not finite (the rollout of "
                                                   << S << " steps of dt = " << dt << " diverged)");
  if (!grad) return loss;

  // Reverse sweep. qb = q̄_{n+1}, vb = v̄_{n+1}, ab = ā_{n+1} on entry to iteration n.
  std::vector<T> qb(f, T(0)), vb(f, T(0)), ab(f, T(0)), qb_new(f), ab_new(f);
  const T w2 = T(2) * scale * weight;
  auto add_loss_adjoint = [&](long n) {  // q̄_n += ∂(weight·loss)/∂q_n at saved frames
    if (n == 0 || n % stride != 0) return;
    const T* qp = &q[std::size_t(n) * f];
    const T* qt = target + std::size_t(n / stride - 1) * f;
    for (std::size_t k = 0; k < f; ++k) qb[k] += w2 * (qp[k] - qt[k]);
  };
  add_loss_adjoint(S);
  for (long n = S - 1; n >= 0; --n) {
    for (std::size_t k = 0; k < f; ++k) ab[k] += T(0.5) * dt * vb[k];
    accelerations_vjp_cpu(model, &q[(n + 1) * f], mass, ab.data(), N, D, qb.data(), grad);
    for (std::size_t k = 0; k < f; ++k) {
      ab_new[k] = T(0.5) * dt * vb[k] + T(0.5) * dt * dt * qb[k];
      vb[k] += dt * qb[k];
      // q̄_n = q̄_{n+1} (+ the loss term at n, added below)
    }
    ab.swap(ab_new);
    add_loss_adjoint(n);
  }
  std::vector<T> dummy(f, T(0));
  accelerations_vjp_cpu(model, q.data(), mass, ab.data(), N, D, dummy.data(), grad);
  return loss;
}

}  // namespace noether
