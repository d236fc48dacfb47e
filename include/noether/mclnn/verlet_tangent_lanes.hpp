// mclnn/verlet_tangent_lanes.hpp — segment_residuals_and_jacobian_cpu (mclnn/verlet_tangent.hpp) of kBlock trajectory
// segments at once, one per SIMD lane, for the pair MLP (AVX-512 host builds only, like verlet_adjoint_lanes.hpp).
//
// The Levenberg–Marquardt polish (mclnn/train.cpp) needs every training segment's residuals and Jacobian per
// iteration. Per lane every operation is the one-segment function's: the Verlet rollout and forces of
// verlet_adjoint_lanes.hpp (detail::accelerations_lanes), and per unordered pair the tangent update of
// verlet_tangent.hpp's header with the pair MLP's jets and ∂V′/∂θ in lanes (physics/pair_mlp_lanes.hpp). Each lane's
// residuals and Jacobian agree with the one-segment function's to round-off (1e-12 relative, MclnnTangentLanes.*;
// not bitwise: the lanes fuse the MLP's sums into FMAs), and a segment gives the same bits in any lane.
//
// A lane of coincident particles (r = 0) adds nothing for that pair, as the one-segment function's `continue`.
#pragma once
#if !defined(__CUDACC__) && defined(__AVX512F__)
#include <cmath>
#include <cstddef>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/mclnn/verlet_adjoint_lanes.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_mlp_lanes.hpp"

namespace noether {
namespace detail {

/// accelerations_tangent_cpu of the lanes: G (N·D × P lanes, row-major) = ∂A/∂θ + J_A(q) Q for Q (N·D × P lanes) at
/// q (N·D lanes), masses m (N lanes); g (P lanes): scratch.
template <typename T, int MaxWidth>
void accelerations_tangent_lanes(const PairMlp<T, MaxWidth>& mlp, const typename PairMlp<T, MaxWidth>::Lanes* q,
                                 const typename PairMlp<T, MaxWidth>::Lanes* m,
                                 const typename PairMlp<T, MaxWidth>::Lanes* Q, int N, int D, int P,
                                 typename PairMlp<T, MaxWidth>::Lanes* G, typename PairMlp<T, MaxWidth>::Lanes* g,
                                 PairMlpLanesTape<T, MaxWidth>& tape) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  const Lanes zero = {}, one = zero + T(1);
  const std::size_t rows = std::size_t(N) * D;
  for (std::size_t k = 0; k < rows * P; ++k) G[k] = zero;
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      Lanes d[3] = {zero, zero, zero}, r2 = zero;
      for (int c = 0; c < D; ++c) {
        d[c] = q[i * D + c] - q[j * D + c];
        r2 += d[c] * d[c];
      }
      Lanes r = detail::sqrt_(r2);
      const auto valid = r > T(0);  // lanes of coincident particles: evaluated at r = 1, every term masked to 0
      r = valid ? r : one;
      Lanes u[3] = {zero, zero, zero};
      for (int c = 0; c < D; ++c) u[c] = valid ? d[c] / r : zero;
      Lanes V, dV, d2V;
      pair_mlp_jets_lanes(mlp, r, tape, V, dV, d2V);
      const Lanes v1_over_r = valid ? dV / r : zero, radial = valid ? d2V - dV / r : zero;
      for (int k = 0; k < P; ++k) g[k] = zero;
      pair_mlp_param_grad_lanes(mlp, tape, zero, one, g);
      const Lanes inv_mi = one / m[i], inv_mj = one / m[j];
      const Lanes* Qi = Q + std::size_t(i) * D * P;
      const Lanes* Qj = Q + std::size_t(j) * D * P;
      Lanes* Gi = G + std::size_t(i) * D * P;
      Lanes* Gj = G + std::size_t(j) * D * P;
      for (int k = 0; k < P; ++k) {
        Lanes delta[3], s = zero;
        for (int c = 0; c < D; ++c) {
          delta[c] = Qi[c * P + k] - Qj[c * P + k];
          s += u[c] * delta[c];
        }
        for (int c = 0; c < D; ++c) {
          const Lanes f = radial * u[c] * s + v1_over_r * delta[c] + u[c] * g[k];
          Gi[c * P + k] -= f * inv_mi;
          Gj[c * P + k] += f * inv_mj;
        }
      }
    }
}

}  // namespace detail

/// segment_residuals_and_jacobian_cpu of every lane of `seg` (same N, D, dt, stride, horizon; a weight only marks a
/// padding lane, 0, whose rollout may go non-finite without an error): e (horizon·N·D lanes) and J (horizon·N·D × P lanes, row-major, P = parameter_count()); returns each lane's
/// loss (1/(horizon·N)) |e|². Throws noether::Error when a lane of non-zero weight rolls out to a non-finite loss.
template <typename T, int MaxWidth>
typename PairMlp<T, MaxWidth>::Lanes segment_lanes_residuals_and_jacobian(const PairMlp<T, MaxWidth>& model,
                                                                          const SegmentLanes<T, MaxWidth>& seg, int N,
                                                                          int D, T dt, int stride, int horizon,
                                                                          typename PairMlp<T, MaxWidth>::Lanes* e,
                                                                          typename PairMlp<T, MaxWidth>::Lanes* J) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  constexpr int K = PairMlp<T, MaxWidth>::kBlock;
  const std::size_t f = std::size_t(N) * D;
  const int P = model.parameter_count();
  const std::size_t fp = f * std::size_t(P);
  const Lanes zero = {};
  thread_local std::vector<Lanes> state, tangents;  // reused between calls
  state.resize(4 * f + N + std::size_t(N) * (N - 1) / 2 + std::size_t(P));
  tangents.resize(4 * fp);
  Lanes *q = state.data(), *v = q + f, *a = v + f, *a1 = a + f, *m = a1 + f, *s_pairs = m + N;
  Lanes* g = s_pairs + std::size_t(N) * (N - 1) / 2;
  Lanes *Q = tangents.data(), *W = Q + fp, *G = W + fp, *G1 = G + fp;
  thread_local PairMlpLanesTape<T, MaxWidth> tape;
  for (int l = 0; l < K; ++l) {
    for (std::size_t k = 0; k < f; ++k) q[k][l] = seg.q0[l][k], v[k][l] = seg.v0[l][k];
    for (int i = 0; i < N; ++i) m[i][l] = seg.mass[l][i];
  }
  for (std::size_t k = 0; k < fp; ++k) Q[k] = W[k] = zero;
  detail::accelerations_lanes(model, q, m, a, s_pairs, N, D);
  detail::accelerations_tangent_lanes(model, q, m, Q, N, D, P, G, g, tape);
  const long S = long(stride) * horizon;
  Lanes loss = zero;
  for (long n = 0; n < S; ++n) {
    for (std::size_t k = 0; k < f; ++k) q[k] = q[k] + v[k] * dt + T(0.5) * a[k] * dt * dt;
    detail::accelerations_lanes(model, q, m, a1, s_pairs, N, D);
    for (std::size_t k = 0; k < f; ++k) v[k] += T(0.5) * (a[k] + a1[k]) * dt;
    std::swap(a, a1);
    for (std::size_t k = 0; k < fp; ++k) Q[k] = Q[k] + W[k] * dt + T(0.5) * G[k] * dt * dt;
    detail::accelerations_tangent_lanes(model, q, m, Q, N, D, P, G1, g, tape);
    for (std::size_t k = 0; k < fp; ++k) W[k] += T(0.5) * (G[k] + G1[k]) * dt;
    std::swap(G, G1);
    if ((n + 1) % stride == 0) {
      const std::size_t h = std::size_t((n + 1) / stride - 1);
      for (std::size_t k = 0; k < f; ++k) {
        Lanes target;
        for (int l = 0; l < K; ++l) target[l] = seg.target[l][h * f + k];
        e[h * f + k] = q[k] - target;
        loss += e[h * f + k] * e[h * f + k];
      }
      for (std::size_t k = 0; k < fp; ++k) J[h * fp + k] = Q[k];
    }
  }
  loss *= T(1) / (T(horizon) * T(N));
  for (int l = 0; l < K; ++l)
    NOETHER_REQUIRE(seg.weight[l] == T(0) || std::isfinite(double(loss[l])),
                    "trajectory loss is not finite (the rollout of " << S << " steps of dt = " << dt << " diverged)");
  return loss;
}

}  // namespace noether
#endif
