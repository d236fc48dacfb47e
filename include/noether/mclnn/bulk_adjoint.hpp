// mclnn/bulk_adjoint.hpp — the MCLNN trajectory loss of one segment and its exact gradient for BULK matter: an
// orthorhombic box (physics/box.hpp, minimum image on periodic axes), a cutoff with the engine's smoothing
// (mclnn/cutoff_jet.hpp), species with one pair model per unordered species pair, and a pair list fixed for the
// segment. Design and its argument: docs/BULK_TRAINING.md. CPU, float64 or float32.
//
// Pair list (built once, at the segment's start q_0): every pair i < j whose minimum-image distance is < r_c + skin
// (r_c the largest cutoff of the species pairs), in lexicographic order; all pairs when there is no cutoff.
// Forward, from data (q_0, v_0), S = stride·horizon steps, positions NOT wrapped along the segment:
//   d_ij = minimum image of q_i − q_j,  r = |d_ij|,  û = d_ij/r,   p = the species pair of (s_i, s_j)
//   A_i(q) = −(1/m_i) Σ_{j in the list of i} V_p′(r_ij) û_ij        (V_p = the model of pair p with its cutoff)
//   q_{n+1} = q_n + v_n dt + ½ a_n dt²,   a_{n+1} = A(q_{n+1}),   v_{n+1} = v_n + ½ (a_n + a_{n+1}) dt
//   loss = (1/(horizon·N)) Σ_{k=1..horizon} Σ_i |e_{k,i}|²,   e_{k,i} = minimum image of (q_{k·stride,i} − q̂_{k,i})
// The minimum image is rint-based, locally constant: ∂d_ij/∂q_i = I, ∂e/∂q = I (its jumps sit at |d_c| = L_c/2 ≥ r_c,
// where V_c = 0, and at residuals of half a box, which a converging fit never reaches). So the reverse sweep is
// mclnn/verlet_adjoint.hpp's, with per pair (μ = λ_i/m_i − λ_j/m_j, s = û·μ):
//   q̄_i −= H μ,  q̄_j += H μ,   H μ = V_p″ s û + (V_p′/r)(μ − s û);    θ̄_p += −s ∂V_p′(r)/∂θ_p.
// Exactness of the fixed list: a pair outside the list had r ≥ r_c + skin at q_0; while every particle stays within
// skin/2 of its start, its distance stays > r_c, where V_c and all its derivatives are 0, so the listed sum IS the
// all-pairs sum along the whole segment. The forward checks max_{n,i} |q_{n,i} − q_{0,i}| < skin/2; when it fails
// (an untrained model can push particles hard) the list is rebuilt from q_0 with skin = 2.5 × that displacement and
// the forward repeated until the check passes: the loss and gradient returned are always those of the all-pairs model.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/mclnn/cutoff_jet.hpp"
#include "noether/physics/box.hpp"

namespace noether {

/// Index of the unordered species pair {a, b} among S species: (0,0), (0,1), …, (0,S−1), (1,1), …, (S−1,S−1).
///   p = a' S − a'(a' − 1)/2 + (b' − a'),  a' = min(a, b), b' = max(a, b);   S(S + 1)/2 pairs in all.
inline int species_pair_index(int a, int b, int S) {
  const int lo = a < b ? a : b, hi = a < b ? b : a;
  return lo * S - lo * (lo - 1) / 2 + (hi - lo);
}
inline int species_pair_count(int S) { return S * (S + 1) / 2; }

/// The learned laws of a bulk system: one cut-off model per unordered species pair, each owning the slice
/// [offset[p], offset[p] + count) of the flat parameter (and gradient) buffer.
template <typename T, typename Model>
struct BulkPairModels {
  int S = 1;                                  ///< number of species
  std::vector<CutoffJet<T, Model>> laws;      ///< (S(S+1)/2), species_pair_index order
  std::vector<std::size_t> offset;            ///< (S(S+1)/2): where pair p's θ_p starts in θ and θ̄
  double max_cutoff() const {                 ///< the largest r_c; 0 when some pair has none
    double m = 0;
    for (const auto& l : laws) {
      if (!(l.rc > T(0))) return 0;
      m = std::max(m, double(l.rc));
    }
    return m;
  }
};

/// The fixed pair list of one segment: pairs (i[k], j[k]) with i < j and their species pair p[k].
struct SegmentPairList {
  std::vector<int> i, j, p;
  std::size_t size() const { return i.size(); }
};

/// Pairs i < j of q0 (N, D) within r_list (minimum image on the periodic axes of ax), lexicographic; r_list ≤ 0:
/// all pairs. species (N) or null (all 0); S species.
template <typename T>
SegmentPairList build_segment_pairs(const PeriodicAxes<T>& ax, const T* q0, const int* species, int S, int N, int D,
                                    double r_list) {
  SegmentPairList pl;
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      if (r_list > 0) {
        double r2 = 0;
        for (int c = 0; c < D; ++c) {
          const double d = double(ax.min_image(q0[i * D + c] - q0[j * D + c], c));
          r2 += d * d;
        }
        if (!(r2 < r_list * r_list)) continue;
      }
      pl.i.push_back(i), pl.j.push_back(j);
      pl.p.push_back(species ? species_pair_index(species[i], species[j], S) : 0);
    }
  return pl;
}

namespace detail {
/// d = minimum image of q_i − q_j, returns r = |d|.
template <typename T>
inline T pair_displacement(const PeriodicAxes<T>& ax, const T* q, int i, int j, int D, T* d) {
  T r2 = 0;
  for (int c = 0; c < D; ++c) {
    d[c] = ax.min_image(q[i * D + c] - q[j * D + c], c);
    r2 += d[c] * d[c];
  }
  return std::sqrt(r2);
}
}  // namespace detail

/// acc (N, D) = A(q) over the pair list (file header). q (N, D), mass (N).
template <typename T, typename Model>
void bulk_pair_accelerations(const BulkPairModels<T, Model>& models, const PeriodicAxes<T>& ax,
                             const SegmentPairList& pl, const T* q, const T* mass, int N, int D, T* acc) {
  std::fill(acc, acc + std::size_t(N) * D, T(0));
  for (std::size_t k = 0; k < pl.size(); ++k) {
    const int i = pl.i[k], j = pl.j[k];
    T d[3] = {0, 0, 0};
    const T r = detail::pair_displacement(ax, q, i, j, D, d);
    if (!(r > T(0))) continue;  // coincident particles exert no force (physics/pair_laws.hpp convention)
    const T dV = models.laws[pl.p[k]].jets(r).dV;
    for (int c = 0; c < D; ++c) {
      const T f = -dV * d[c] / r;  // force on i
      acc[i * D + c] += f / mass[i];
      acc[j * D + c] -= f / mass[j];
    }
  }
}

/// g_pos (N, D) += J_A(q)ᵀ λ and g_theta += (∂A/∂θ)ᵀ λ over the pair list (file header); λ (N, D).
template <typename T, typename Model>
void bulk_accelerations_vjp(const BulkPairModels<T, Model>& models, const PeriodicAxes<T>& ax,
                            const SegmentPairList& pl, const T* q, const T* mass, const T* lambda, int N, int D,
                            T* g_pos, T* g_theta) {
  (void)N;
  for (std::size_t k = 0; k < pl.size(); ++k) {
    const int i = pl.i[k], j = pl.j[k];
    T d[3] = {0, 0, 0}, mu[3] = {0, 0, 0};
    const T r = detail::pair_displacement(ax, q, i, j, D, d);
    if (!(r > T(0))) continue;
    T s = 0;
    for (int c = 0; c < D; ++c) {
      mu[c] = lambda[i * D + c] / mass[i] - lambda[j * D + c] / mass[j];
      s += (d[c] / r) * mu[c];
    }
    const auto& law = models.laws[pl.p[k]];
    const PairJet<T> jet = law.jets(r);
    const T v1_over_r = jet.dV / r;
    for (int c = 0; c < D; ++c) {
      const T u = d[c] / r;
      const T Hmu = jet.d2V * s * u + v1_over_r * (mu[c] - s * u);
      g_pos[i * D + c] -= Hmu;
      g_pos[j * D + c] += Hmu;
    }
    if (g_theta) law.param_grad(r, T(0), -s, g_theta + models.offset[pl.p[k]]);
  }
}

/// What a bulk segment did (for logs and tests).
struct BulkSegmentStats {
  std::size_t pairs = 0;          ///< pairs in the fixed list
  double max_displacement = 0;    ///< max_{n,i} |q_{n,i} − q_{0,i}|
  double skin = 0;                ///< the skin of the list used (grown when the model moved a particle ≥ skin/2)
};

/// Loss of one bulk segment (file header) and, when grad is non-null, grad (θ, all species pairs) += ∂loss/∂θ ·
/// weight. q0, v0 (N, D) and mass (N): the data state (positions wrapped or not); species (N) or null (all 0);
/// target (horizon, N, D): data positions (wrapped or not) at the next `horizon` saved frames, `stride` Verlet steps
/// of dt apart; skin: the pair list's margin beyond the largest cutoff (unused without a cutoff). Returns the
/// unweighted loss. When the model's rollout moves a particle by skin/2 or more, the list is rebuilt from q_0 with
/// skin = 2.5 × that displacement and the forward repeated (file header). Throws noether::Error when the rollout
/// becomes non-finite or when a periodic axis is shorter than 2 r_c.
template <typename T, typename Model>
T bulk_segment_loss_and_grad_cpu(const BulkPairModels<T, Model>& models, const Box& box, const int* species,
                                 double skin, const T* q0, const T* v0, const T* mass, int N, int D, T dt, int stride,
                                 int horizon, const T* target, T weight, T* grad, BulkSegmentStats* stats = nullptr) {
  const PeriodicAxes<T> ax(box);
  const double rc = models.max_cutoff();
  NOETHER_REQUIRE(int(models.laws.size()) == species_pair_count(models.S) &&
                      models.offset.size() == models.laws.size(),
                  "bulk MCLNN: expected " << species_pair_count(models.S) << " species-pair models for "
                                          << models.S << " species, got " << models.laws.size());
  for (int c = 0; c < D; ++c)
    if (box.any_periodic(D) && box.periodic[c])
      NOETHER_REQUIRE(rc > 0 && box.L[c] >= 2 * rc, "bulk MCLNN: periodic axis box.lengths["
                                                        << c << "] = " << box.L[c]
                                                        << " needs a cutoff r_c with L >= 2 r_c (r_c = " << rc << ")");
  if (species)
    for (int i = 0; i < N; ++i)
      NOETHER_REQUIRE(species[i] >= 0 && species[i] < models.S,
                      "bulk MCLNN: species[" << i << "] = " << species[i] << ", expected 0.." << models.S - 1);
  NOETHER_REQUIRE(rc <= 0 || skin > 0, "bulk MCLNN: expected a neighbor skin > 0 with a cutoff, got " << skin);
  const std::size_t f = std::size_t(N) * D;
  const long S = long(stride) * horizon;
  std::vector<T> q((S + 1) * f), a((S + 1) * f), v(f);
  SegmentPairList pl;
  double worst2 = 0;
  // Forward; repeated with a wider list while some particle moves skin/2 or more (see the file header).
  for (int attempt = 0;; ++attempt) {
    pl = build_segment_pairs(ax, q0, species, models.S, N, D, rc > 0 ? rc + skin : 0.0);
    for (std::size_t k = 0; k < f; ++k) q[k] = q0[k], v[k] = v0[k];
    bulk_pair_accelerations(models, ax, pl, q.data(), mass, N, D, a.data());
    worst2 = 0;
    for (long n = 0; n < S; ++n) {
      const T* qn = &q[n * f];
      const T* an = &a[n * f];
      T* q1 = &q[(n + 1) * f];
      T* a1 = &a[(n + 1) * f];
      for (std::size_t k = 0; k < f; ++k) q1[k] = qn[k] + v[k] * dt + T(0.5) * an[k] * dt * dt;
      bulk_pair_accelerations(models, ax, pl, q1, mass, N, D, a1);
      for (std::size_t k = 0; k < f; ++k) v[k] += T(0.5) * (an[k] + a1[k]) * dt;
      for (int i = 0; i < N; ++i) {
        double d2 = 0;
        for (int c = 0; c < D; ++c) {
          const double d = double(q1[i * D + c]) - double(q0[i * D + c]);
          d2 += d * d;
        }
        worst2 = std::max(worst2, d2);
      }
    }
    if (rc <= 0 || 4 * worst2 < skin * skin) break;
    NOETHER_REQUIRE(std::isfinite(worst2) && attempt < 8,
                    "bulk MCLNN: the segment's rollout moved a particle by " << std::sqrt(worst2) << " with skin "
                                                                             << skin << " (the rollout diverged)");
    skin = 2.5 * std::sqrt(worst2);  // a list that covers the observed motion with a margin; check again
  }
  if (stats) stats->pairs = pl.size(), stats->max_displacement = std::sqrt(worst2), stats->skin = skin;
  // e (horizon, N, D): minimum-image residuals at the saved frames.
  std::vector<T> e(std::size_t(horizon) * f);
  T loss = 0;
  for (int h = 1; h <= horizon; ++h) {
    const T* qp = &q[std::size_t(h) * stride * f];
    const T* qt = target + std::size_t(h - 1) * f;
    T* eh = &e[std::size_t(h - 1) * f];
    for (std::size_t k = 0; k < f; ++k) {
      eh[k] = ax.min_image(qp[k] - qt[k], int(k % D));
      loss += eh[k] * eh[k];
    }
  }
  const T scale = T(1) / (T(horizon) * T(N));
  loss *= scale;
  NOETHER_REQUIRE(std::isfinite(double(loss)), "bulk trajectory loss is not finite (the rollout of "
                                                   << S << " steps of dt = " << dt << " diverged)");
  if (!grad) return loss;

  // Reverse sweep, as mclnn/verlet_adjoint.hpp. qb = q̄_{n+1}, vb = v̄_{n+1}, ab = ā_{n+1} on entry to iteration n.
  std::vector<T> qb(f, T(0)), vb(f, T(0)), ab(f, T(0)), ab_new(f);
  const T w2 = T(2) * scale * weight;
  auto add_loss_adjoint = [&](long n) {  // q̄_n += ∂(weight·loss)/∂q_n = 2·scale·weight·e at saved frames
    if (n == 0 || n % stride != 0) return;
    const T* eh = &e[std::size_t(n / stride - 1) * f];
    for (std::size_t k = 0; k < f; ++k) qb[k] += w2 * eh[k];
  };
  add_loss_adjoint(S);
  for (long n = S - 1; n >= 0; --n) {
    for (std::size_t k = 0; k < f; ++k) ab[k] += T(0.5) * dt * vb[k];
    bulk_accelerations_vjp(models, ax, pl, &q[(n + 1) * f], mass, ab.data(), N, D, qb.data(), grad);
    for (std::size_t k = 0; k < f; ++k) {
      ab_new[k] = T(0.5) * dt * vb[k] + T(0.5) * dt * dt * qb[k];
      vb[k] += dt * qb[k];
    }
    ab.swap(ab_new);
    add_loss_adjoint(n);
  }
  std::vector<T> dummy(f, T(0));
  bulk_accelerations_vjp(models, ax, pl, q.data(), mass, ab.data(), N, D, dummy.data(), grad);
  return loss;
}

/// Builds the bulk models of S species from ONE MLP shape shared by all pairs (pair p's parameters θ_p at
/// p·shape.parameter_count() of params), per-pair scalings and cutoffs (each (S(S+1)/2), species_pair_index order),
/// and calls fn(const BulkPairModels<T, PairMlp<T, W>>&) with W ∈ {16, 32, 64} chosen from the widest layer.
template <typename T, typename Fn>
decltype(auto) with_bulk_pair_mlps(const MlpShape& shape, const T* params, int S,
                                   const std::vector<PairScaling>& scalings, const std::vector<CutoffSpec>& cutoffs,
                                   Fn&& fn) {
  const int P = species_pair_count(S);
  NOETHER_REQUIRE(S >= 1 && int(scalings.size()) == P && int(cutoffs.size()) == P,
                  "bulk MCLNN: expected " << P << " scalings and cutoffs (one per species pair of " << S
                                          << " species), got " << scalings.size() << " and " << cutoffs.size());
  const std::size_t n = shape.parameter_count();
  auto build = [&](auto tag) -> decltype(auto) {
    constexpr int W = decltype(tag)::value;
    BulkPairModels<T, PairMlp<T, W>> m;
    m.S = S;
    for (int p = 0; p < P; ++p) {
      check_pair_mlp_shape(shape, scalings[p]);
      m.laws.emplace_back(make_pair_mlp<T, W>(shape, params + p * n, scalings[p]), cutoffs[p]);
      m.offset.push_back(p * n);
    }
    return fn(static_cast<const BulkPairModels<T, PairMlp<T, W>>&>(m));
  };
  const int w = shape.max_width();
  if (w <= 16) return build(std::integral_constant<int, 16>{});
  if (w <= 32) return build(std::integral_constant<int, 32>{});
  return build(std::integral_constant<int, 64>{});
}

}  // namespace noether
