// mclnn/verlet_adjoint_lanes.hpp — segment_loss_and_grad_cpu (mclnn/verlet_adjoint.hpp) of kBlock trajectory
// segments at once, one per SIMD lane, for the pair MLP (AVX-512 host builds only, like PairMlp::eval_block).
//
// MCLNN training on the CPU (mclnn/train.cpp) sums the segments of a batch in kLanes fixed lanes, each lane adding its
// segments' losses and gradients in segment order; here a SIMD lane is such a lane. Per lane every operation is the
// one-segment function's, in its order: the Verlet rollout, the forces (pair r², PairMlp::slope_lanes, then
// a_i = (1/m_i) Σ_{j≠i, in j order} s_ij (q_i − q_j) as accelerations_cpu's symmetric path), the loss, and the reverse
// sweep with the pair MLP's jets and parameter gradient in lanes (physics/pair_mlp_lanes.hpp), each lane's θ̄ in its
// own accumulator. Each lane's loss and gradient agree with what segment_loss_and_grad_cpu adds to that lane to
// round-off (1e-12 relative, MclnnLanes.* tests; not bitwise: the lanes fuse every term of the MLP's sums into an FMA,
// GCC's vectorised one-pair code does not), and a segment gives the same bits in any lane, so training stays bitwise
// independent of the thread count. Faster: the paper's 3-particle segments filled 3 of 8 lanes of a pair block, and
// the jets and gradient ran one pair at a time.
//
// Formulas: mclnn/verlet_adjoint.hpp's file header. A lane whose weight is 0 and whose rollout is finite adds exact
// zeros to its gradient (its adjoints are 0): padding lanes of a batch's last group carry a copy of a real segment of
// the same call with weight 0.
#pragma once
#if !defined(__CUDACC__) && defined(__AVX512F__)
#include <cmath>
#include <cstddef>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/forces_symmetric.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_mlp_lanes.hpp"

namespace noether {

/// kBlock segments of the same N, D, dt, stride and horizon, one per lane; lane l's arrays at q0[l], v0[l], mass[l],
/// target[l] (the shapes of segment_loss_and_grad_cpu: (N, D), (N, D), (N), (horizon, N, D)).
template <typename T, int MaxWidth>
struct SegmentLanes {
  static constexpr int K = PairMlp<T, MaxWidth>::kBlock;
  const T* q0[K];
  const T* v0[K];
  const T* mass[K];
  const T* target[K];
  T weight[K];  ///< the loss weight of each lane's gradient (0: a padding lane)
};

namespace detail {
/// A (N, D) of the lanes at positions q (N·D lanes) and masses m (N lanes): pair r² (pass 1 of accelerations_cpu's
/// symmetric path), s = f_over_r = −V′/r (0 at r = 0) from slope_lanes, a_i = (Σ_{j≠i} s_ij (q_i − q_j)) / m_i in j
/// order. s (N(N−1)/2 lanes): scratch.
template <typename T, int MaxWidth>
void accelerations_lanes(const PairMlp<T, MaxWidth>& mlp, const typename PairMlp<T, MaxWidth>::Lanes* q,
                         const typename PairMlp<T, MaxWidth>::Lanes* m, typename PairMlp<T, MaxWidth>::Lanes* a,
                         typename PairMlp<T, MaxWidth>::Lanes* s, int N, int D) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  const Lanes zero = {};
  std::size_t p = 0;
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j, ++p) {
      Lanes r2 = zero;
      for (int c = 0; c < D; ++c) {
        const Lanes d = q[i * D + c] - q[j * D + c];
        r2 += d * d;
      }
      Lanes r = detail::sqrt_(r2), V, dV;
      mlp.slope_lanes(r, V, dV);
      s[p] = r > T(0) ? -dV / r : zero;
    }
  for (int i = 0; i < N; ++i) {
    Lanes f[3] = {zero, zero, zero};
    for (int j = 0; j < N; ++j) {
      if (j == i) continue;
      const Lanes sij = j < i ? s[upper_pair_index(j, i, N)] : s[upper_pair_index(i, j, N)];
      for (int c = 0; c < D; ++c) f[c] += sij * (q[i * D + c] - q[j * D + c]);
    }
    for (int c = 0; c < D; ++c) a[i * D + c] = f[c] / m[i];
  }
}

/// accelerations_vjp_cpu of the lanes: g_pos (N·D lanes) += J_A(q)ᵀ λ, g_theta (P lanes) += (∂A/∂θ)ᵀ λ. A lane whose
/// pair has r = 0 adds nothing for that pair (as the one-pair function's `continue`).
template <typename T, int MaxWidth>
void accelerations_vjp_lanes(const PairMlp<T, MaxWidth>& mlp, const typename PairMlp<T, MaxWidth>::Lanes* q,
                             const typename PairMlp<T, MaxWidth>::Lanes* mass,
                             const typename PairMlp<T, MaxWidth>::Lanes* lambda, int N, int D,
                             typename PairMlp<T, MaxWidth>::Lanes* g_pos, typename PairMlp<T, MaxWidth>::Lanes* g_theta,
                             PairMlpLanesTape<T, MaxWidth>& tape) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  const Lanes zero = {}, one = zero + T(1);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      Lanes d[3] = {zero, zero, zero}, mu[3] = {zero, zero, zero};
      Lanes r2 = zero;
      for (int c = 0; c < D; ++c) {
        d[c] = q[i * D + c] - q[j * D + c];
        r2 += d[c] * d[c];
        mu[c] = lambda[i * D + c] / mass[i] - lambda[j * D + c] / mass[j];
      }
      Lanes r = detail::sqrt_(r2);
      const auto valid = r > T(0);  // lanes of coincident particles: no force, nothing added
      r = valid ? r : one;          // evaluated at r = 1 there (finite), every contribution then masked to 0
      Lanes s = zero;
      for (int c = 0; c < D; ++c) s += (d[c] / r) * mu[c];
      s = valid ? s : zero;
      Lanes V, dV, d2V;
      pair_mlp_jets_lanes(mlp, r, tape, V, dV, d2V);
      const Lanes v1_over_r = dV / r;
      for (int c = 0; c < D; ++c) {
        const Lanes u = d[c] / r;
        Lanes Hmu = d2V * s * u + v1_over_r * (mu[c] - s * u);
        Hmu = valid ? Hmu : zero;
        g_pos[i * D + c] -= Hmu;
        g_pos[j * D + c] += Hmu;
      }
      if (g_theta) pair_mlp_param_grad_lanes(mlp, tape, zero, -s, g_theta);
    }
}
}  // namespace detail

/// segment_loss_and_grad_cpu of every lane of `seg` (same N, D, dt, stride, horizon): returns each lane's unweighted
/// loss; when grad is non-null, grad[k] (lane l) += ∂loss_l/∂θ_k · weight_l (grad: parameter_count() lane vectors).
/// Throws noether::Error when a lane of non-zero weight rolls out to a non-finite loss (the one-segment message).
template <typename T, int MaxWidth>
typename PairMlp<T, MaxWidth>::Lanes segment_lanes_loss_and_grad(const PairMlp<T, MaxWidth>& model,
                                                                 const SegmentLanes<T, MaxWidth>& seg, int N, int D,
                                                                 T dt, int stride, int horizon,
                                                                 typename PairMlp<T, MaxWidth>::Lanes* grad) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  constexpr int K = PairMlp<T, MaxWidth>::kBlock;
  const std::size_t f = std::size_t(N) * D;
  const long S = long(stride) * horizon;
  const Lanes zero = {};
  // Thread-local scratch, reused between calls (training calls this for every group of segments).
  thread_local std::vector<Lanes> q_buf, a_buf, work;
  q_buf.resize((S + 1) * f), a_buf.resize((S + 1) * f);
  work.resize(6 * f + N + std::size_t(N) * (N - 1) / 2 + std::size_t(horizon) * f);
  Lanes* q = q_buf.data();
  Lanes* a = a_buf.data();
  Lanes *v = work.data(), *qb = v + f, *vb = qb + f, *ab = vb + f, *ab_new = ab + f, *dummy = ab_new + f;
  Lanes* m = dummy + f;
  Lanes* s_pairs = m + N;
  Lanes* target = s_pairs + std::size_t(N) * (N - 1) / 2;
  for (int l = 0; l < K; ++l) {
    for (std::size_t k = 0; k < f; ++k) q[k][l] = seg.q0[l][k], v[k][l] = seg.v0[l][k];
    for (int i = 0; i < N; ++i) m[i][l] = seg.mass[l][i];
    for (std::size_t k = 0; k < std::size_t(horizon) * f; ++k) target[k][l] = seg.target[l][k];
  }
  detail::accelerations_lanes(model, q, m, a, s_pairs, N, D);
  for (long n = 0; n < S; ++n) {
    const Lanes* qn = &q[n * f];
    const Lanes* an = &a[n * f];
    Lanes* q1 = &q[(n + 1) * f];
    Lanes* a1 = &a[(n + 1) * f];
    for (std::size_t k = 0; k < f; ++k) q1[k] = qn[k] + v[k] * dt + T(0.5) * an[k] * dt * dt;
    detail::accelerations_lanes(model, q1, m, a1, s_pairs, N, D);
    for (std::size_t k = 0; k < f; ++k) v[k] += T(0.5) * (an[k] + a1[k]) * dt;
  }
  const T scale = T(1) / (T(horizon) * T(N));
  Lanes loss = zero;
  for (int h = 1; h <= horizon; ++h) {
    const Lanes* qp = &q[std::size_t(h) * stride * f];
    const Lanes* qt = target + std::size_t(h - 1) * f;
    for (std::size_t k = 0; k < f; ++k) loss += (qp[k] - qt[k]) * (qp[k] - qt[k]);
  }
  loss *= scale;
  for (int l = 0; l < K; ++l)
    NOETHER_REQUIRE(seg.weight[l] == T(0) || std::isfinite(double(loss[l])),
                    "trajectory loss is not finite (the rollout of " << S << " steps of dt = " << dt << " diverged)");
  if (!grad) return loss;

  // Reverse sweep, as segment_loss_and_grad_cpu's. qb = q̄_{n+1}, vb = v̄_{n+1}, ab = ā_{n+1} on entry to iteration n.
  for (std::size_t k = 0; k < f; ++k) qb[k] = vb[k] = ab[k] = zero;
  Lanes w2;
  for (int l = 0; l < K; ++l) w2[l] = T(2) * scale * seg.weight[l];
  auto add_loss_adjoint = [&](long n) {  // q̄_n += ∂(weight·loss)/∂q_n at saved frames
    if (n == 0 || n % stride != 0) return;
    const Lanes* qp = &q[std::size_t(n) * f];
    const Lanes* qt = target + std::size_t(n / stride - 1) * f;
    for (std::size_t k = 0; k < f; ++k) qb[k] += w2 * (qp[k] - qt[k]);
  };
  thread_local PairMlpLanesTape<T, MaxWidth> tape;
  add_loss_adjoint(S);
  for (long n = S - 1; n >= 0; --n) {
    for (std::size_t k = 0; k < f; ++k) ab[k] += T(0.5) * dt * vb[k];
    detail::accelerations_vjp_lanes(model, &q[(n + 1) * f], m, ab, N, D, qb, grad, tape);
    for (std::size_t k = 0; k < f; ++k) {
      ab_new[k] = T(0.5) * dt * vb[k] + T(0.5) * dt * dt * qb[k];
      vb[k] += dt * qb[k];
    }
    std::swap(ab, ab_new);
    add_loss_adjoint(n);
  }
  for (std::size_t k = 0; k < f; ++k) dummy[k] = zero;
  detail::accelerations_vjp_lanes(model, q, m, ab, N, D, dummy, grad, tape);
  return loss;
}

}  // namespace noether
#endif
