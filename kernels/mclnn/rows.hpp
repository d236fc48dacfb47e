// mclnn/rows.hpp — the per-row bodies of the GPU MCLNN loss/gradient (kernels/mclnn/adjoint.cu), written
// once as host/device functions, and mclnn_loss_and_grad_rows_cpu: the kernels' CPU twin, which runs the
// same bodies over every row in the kernels' launch order. Tests compare the twin with the independent
// CPU adjoint (mclnn/verlet_adjoint.hpp) without a GPU, and the kernels with both on a GPU.
//
// A row is (segment b, particle i), t = b·N + i, R = B·N rows; S = stride·horizon. Layout:
//   q, a      (S+1, B, N, D)   positions and accelerations of every Verlet frame (stored, never recomputed)
//   v         (B, N, D)        velocities of the current forward frame
//   target    (B, horizon, N, D)
//   qb, vb    (B, N, D)        adjoints q̄, v̄ (each touched by its own row only)
//   lam_in/out (B, N, D)       λ_f, the adjoint pulled back through J_A(q_f); double-buffered between frames
//   rows      (R, P) float64   θ̄ of each row's pairs, accumulated over all frames
//
// Forward, frame f = 0 … S (mclnn_forward_row), row i of segment b:
//   a_{f,i} = (1/m_i) Σ_{j≠i} f_over_r(r_ij) (q_{f,i} − q_{f,j})         (physics/forces.hpp order: j = 0 … N−1)
//   f > 0:  v_i += ½ (a_{f−1,i} + a_{f,i}) dt;     f < S:  q_{f+1,i} = q_{f,i} + v_i dt + ½ a_{f,i} dt²
// Loss (mclnn_loss_row): Σ_{k=1..horizon} Σ_c (q_{k·stride,i,c} − q̂_{k,i,c})² in float64; a segment's loss
//   is 1/(horizon·N) times the sum of its rows.
// Reverse, frame f = S … 0 (mclnn_adjoint_row), λ_f in lam_in (mclnn/verlet_adjoint.hpp's sweep, by rows):
//   f = S:   q̄_i = w2 (q_{S,i} − q̂_{horizon,i}),  v̄_i = 0   (λ_S = ā_S + ½dt v̄_S = 0: no pair terms)
//   f < S:   per j ≠ i, d = q_i − q_j, r = |d|, û = d/r, μ = λ_i/m_i − λ_j/m_j, s = û·μ,
//              q̄_i −= H μ,   H μ = V″ s û + (V′/r)(μ − s û)      (the pair Hessian; for row j the same pair
//                                                                  gives μ → −μ, û → −û, so q̄_j += H μ)
//              j > i only:  θ̄_row += −s ∂V′(r)/∂θ                (each unordered pair exactly once)
//            f = 0 stops here (λ_0 = ā_0 pulls back into θ only)
//   then, pulling back through Verlet step n = f − 1:
//            ā_n = ½dt v̄ + ½dt² q̄;   v̄ ← v̄ + dt q̄;   q̄ += w2 (q_{n,i} − q̂_{n/stride,i}) when n > 0, n % stride = 0;
//            λ_n = ā_n + ½dt v̄  (n > 0),   λ_0 = ā_0
//   with w2 = 2/(horizon·N) (weight 1 per segment). q̄_i is summed by its own row over all j (no atomics).
// Gradient: Σ over rows of `rows`, in row order on the CPU; on the GPU by a fixed-order two-stage reduction.
#pragma once
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/hostdev.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// Forward frame f for row t (file header): a_f from q_f, then v_f and (f < S) q_{f+1}.
/// q, a (S+1, B, N, D); v (B, N, D); mass (B, N).
template <typename T, int D, class Mlp>
NOETHER_HOSTDEV void mclnn_forward_row(const Mlp& mlp, T* q, T* a, T* v, const T* mass, int B, int N, int f, int S,
                                       T dt, long long t) {
  const int b = int(t / N), i = int(t % N);
  const std::size_t fs = std::size_t(B) * N * D;    // one frame of the whole batch
  const std::size_t seg = std::size_t(b) * N * D;   // segment b inside a frame
  const T* qf = q + std::size_t(f) * fs + seg;      // (N, D)
  const T* m = mass + std::size_t(b) * N;           // (N)
  T acc[D];
  for (int c = 0; c < D; ++c) acc[c] = T(0);
  for (int j = 0; j < N; ++j) {
    if (j == i) continue;
    T d[D];
    T r2 = T(0);
    for (int c = 0; c < D; ++c) {
      d[c] = qf[i * D + c] - qf[j * D + c];
      r2 += d[c] * d[c];
    }
    T V, f_over_r;
    mlp.eval(r2, m[i], m[j], V, f_over_r);
    for (int c = 0; c < D; ++c) acc[c] += f_over_r * d[c];
  }
  T* af = a + std::size_t(f) * fs + seg;
  for (int c = 0; c < D; ++c) af[i * D + c] = acc[c] / m[i];
  T* vi = v + std::size_t(t) * D;
  if (f > 0) {
    const T* ap = a + std::size_t(f - 1) * fs + seg;
    for (int c = 0; c < D; ++c) vi[c] += T(0.5) * (ap[i * D + c] + af[i * D + c]) * dt;
  }
  if (f < S) {
    T* qn = q + std::size_t(f + 1) * fs + seg;
    for (int c = 0; c < D; ++c) qn[i * D + c] = qf[i * D + c] + vi[c] * dt + T(0.5) * af[i * D + c] * dt * dt;
  }
}

/// Σ_{k=1..horizon} Σ_c (q_{k·stride,i,c} − q̂_{k,i,c})² of row t, in float64.
/// q (S+1, B, N, D); target (B, horizon, N, D).
template <typename T, int D>
NOETHER_HOSTDEV double mclnn_loss_row(const T* q, const T* target, int B, int N, int stride, int horizon,
                                      long long t) {
  const int b = int(t / N), i = int(t % N);
  const std::size_t fs = std::size_t(B) * N * D;
  double sum = 0;
  for (int k = 1; k <= horizon; ++k) {
    const T* qk = q + std::size_t(k) * stride * fs + std::size_t(t) * D;
    const T* tk = target + ((std::size_t(b) * horizon + (k - 1)) * N + i) * D;
    for (int c = 0; c < D; ++c) {
      const T e = qk[c] - tk[c];
      sum += double(e) * double(e);
    }
  }
  return sum;
}

/// Reverse frame f for row t (file header): pull λ_f (lam_in) back through J_A(q_f) and ∂A/∂θ (into
/// rows[t, ·]), then through Verlet step f − 1 into lam_out[t]. q (S+1, B, N, D); target (B, horizon, N, D);
/// mass (B, N); lam_in, lam_out, qb, vb (B, N, D); rows (R, P) float64.
template <typename T, int D, class Mlp>
NOETHER_HOSTDEV void mclnn_adjoint_row(const Mlp& mlp, const T* q, const T* target, const T* mass, const T* lam_in,
                                       T* lam_out, T* qb, T* vb, double* rows, int P, int B, int N, int f,
                                       int stride, int horizon, T dt, T w2, long long t) {
  using std::sqrt;
  const int b = int(t / N), i = int(t % N);
  const int S = stride * horizon;
  const std::size_t fs = std::size_t(B) * N * D, seg = std::size_t(b) * N * D, me = std::size_t(t) * D;
  const T* tg = target + std::size_t(b) * horizon * N * D;  // (horizon, N, D) of segment b
  T* qbi = qb + me;
  T* vbi = vb + me;
  if (f == S) {
    const T* qS = q + std::size_t(S) * fs + me;
    const T* tS = tg + (std::size_t(horizon - 1) * N + i) * D;
    for (int c = 0; c < D; ++c) {
      qbi[c] = w2 * (qS[c] - tS[c]);
      vbi[c] = T(0);
    }
  } else {
    const T* qf = q + std::size_t(f) * fs + seg;  // (N, D)
    const T* lam = lam_in + seg;                  // (N, D)
    const T* m = mass + std::size_t(b) * N;       // (N)
    double* row = rows + std::size_t(t) * P;      // (P)
    T g[D];
    for (int c = 0; c < D; ++c) g[c] = T(0);
    for (int j = 0; j < N; ++j) {
      if (j == i) continue;
      T d[D], mu[D];
      T r2 = T(0);
      for (int c = 0; c < D; ++c) {
        d[c] = qf[i * D + c] - qf[j * D + c];
        r2 += d[c] * d[c];
        mu[c] = lam[i * D + c] / m[i] - lam[j * D + c] / m[j];
      }
      const T r = sqrt(r2);
      if (!(r > T(0))) continue;  // coincident particles exert no force (physics/pair_laws.hpp convention)
      T s = T(0);
      for (int c = 0; c < D; ++c) s += (d[c] / r) * mu[c];
      const PairJet<T> jet = mlp.jets(r);
      const T v1_over_r = jet.dV / r;
      for (int c = 0; c < D; ++c) {
        const T u = d[c] / r;
        g[c] -= jet.d2V * s * u + v1_over_r * (mu[c] - s * u);
      }
      if (j > i) mlp.param_grad(r, T(0), -s, row);
    }
    if (f == 0) return;
    for (int c = 0; c < D; ++c) qbi[c] += g[c];
  }
  const int n = f - 1;  // the Verlet step q_n → q_{n+1} = q_f
  T ab[D];
  for (int c = 0; c < D; ++c) {
    ab[c] = T(0.5) * dt * vbi[c] + T(0.5) * dt * dt * qbi[c];
    vbi[c] += dt * qbi[c];
  }
  if (n > 0 && n % stride == 0) {
    const T* qn = q + std::size_t(n) * fs + me;
    const T* tn = tg + (std::size_t(n / stride - 1) * N + i) * D;
    for (int c = 0; c < D; ++c) qbi[c] += w2 * (qn[c] - tn[c]);
  }
  T* lo = lam_out + me;
  for (int c = 0; c < D; ++c) lo[c] = n > 0 ? ab[c] + T(0.5) * dt * vbi[c] : ab[c];
}

/// The kernels' CPU twin: the rows of B segments run serially in the kernels' frame order (file header).
/// q0, v0 (B, N, D), mass (B, N), target (B, horizon, N, D); D = 2 or 3; P = mlp.parameter_count().
/// Returns Σ_b loss_b in float64 and, when grad (P) is non-null, overwrites it with Σ_b ∂loss_b/∂θ.
/// Throws noether::Error when a segment's loss is not finite.
template <typename T, class Mlp>
double mclnn_loss_and_grad_rows_cpu(const Mlp& mlp, const T* q0, const T* v0, const T* mass, const T* target, int B,
                                    int N, int D, T dt, int stride, int horizon, double* grad) {
  NOETHER_REQUIRE(D == 2 || D == 3, "mclnn_loss_and_grad_rows_cpu: dimension D must be 2 or 3, got " << D);
  const long long R = (long long)B * N;
  const int S = stride * horizon, P = mlp.parameter_count();
  const std::size_t st = std::size_t(R) * D;
  std::vector<T> q((S + 1) * st), a((S + 1) * st), v(v0, v0 + st), qb(st), vb(st), lam0(st), lam1(st);
  std::vector<double> rows(grad ? std::size_t(R) * P : 0, 0.0), loss_rows(static_cast<std::size_t>(R));
  for (std::size_t k = 0; k < st; ++k) q[k] = q0[k];
  auto run = [&](auto dim) {
    constexpr int Dc = decltype(dim)::value;
    for (int f = 0; f <= S; ++f)
      for (long long t = 0; t < R; ++t) mclnn_forward_row<T, Dc>(mlp, q.data(), a.data(), v.data(), mass, B, N, f, S, dt, t);
    for (long long t = 0; t < R; ++t)
      loss_rows[std::size_t(t)] = mclnn_loss_row<T, Dc>(q.data(), target, B, N, stride, horizon, t);
    if (!grad) return;
    const T w2 = T(2) * (T(1) / (T(horizon) * T(N)));
    T* lin = lam0.data();
    T* lout = lam1.data();
    for (int f = S; f >= 0; --f) {
      for (long long t = 0; t < R; ++t)
        mclnn_adjoint_row<T, Dc>(mlp, q.data(), target, mass, lin, lout, qb.data(), vb.data(), rows.data(), P, B, N, f,
                                 stride, horizon, dt, w2, t);
      std::swap(lin, lout);
    }
  };
  if (D == 3)
    run(std::integral_constant<int, 3>{});
  else
    run(std::integral_constant<int, 2>{});
  const double scale = 1.0 / (double(horizon) * double(N));
  double total = 0;
  for (int b = 0; b < B; ++b) {
    double seg = 0;
    for (int i = 0; i < N; ++i) seg += loss_rows[std::size_t(b) * N + i];
    seg *= scale;
    NOETHER_REQUIRE(std::isfinite(seg), "trajectory loss of segment " << b << " is not finite (the rollout of " << S
                                                                      << " steps of dt = " << dt << " diverged)");
    total += seg;
  }
  if (grad) {
    for (int p = 0; p < P; ++p) grad[p] = 0.0;
    for (long long t = 0; t < R; ++t)
      for (int p = 0; p < P; ++p) grad[p] += rows[std::size_t(t) * P + p];
  }
  return total;
}

}  // namespace noether
