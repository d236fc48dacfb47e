// physics/bulk_simd.hpp — the vectorised force row of the bulk path (physics/bulk.hpp): one particle's force summed
// over its partners in SIMD lanes, for the analytic pair laws of one species (Lennard-Jones, the springs, gravity).
//
//   a_i = (1/m_i) Σ_k f_over_r(r_ij) d_ij,   j = list[k] (a neighbor list) or every j ≠ i (all pairs),
//   d_ij = minimum image of q_i − q_j (branch-free, |d| < L),  r_ij² = Σ_c d_c²,
// with the cutoff law evaluated without branches (eval_cutoff_branchless: the formula of CutoffLaw::eval, the lane
// zeroed beyond r_c), so `#pragma omp simd` turns the partner loop into gathers and packed arithmetic (AVX-512:
// 8 float64 / 16 float32 partners per instruction in the native build, docs/PERFORMANCE.md).
//
// Summation order: the partners are added in chunks of 64, within a chunk in the compiler's lanes (k mod the vector
// width), the lanes and then the chunks in a fixed order — the same for every run of one build and any thread count (each row is summed by one thread), but not
// the sequential order of the scalar loop: forces agree with it to rounding (~1e-15 relative), not bit for bit.
#pragma once
#include <cmath>
#include <type_traits>

#include "noether/physics/box.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_laws.hpp"

namespace noether {

/// Analytic laws whose eval is straight-line code (no loops, tables or buffers): their rows vectorise.
template <typename Law>
struct is_simd_pair_law : std::false_type {};
template <typename T>
struct is_simd_pair_law<LennardJones<T>> : std::true_type {};
template <typename T>
struct is_simd_pair_law<LinearSpring<T>> : std::true_type {};
template <typename T>
struct is_simd_pair_law<NonlinearSpring<T>> : std::true_type {};
template <typename T>
struct is_simd_pair_law<Gravity<T>> : std::true_type {};

/// CutoffLaw::eval without branches, for SIMD lanes. Mode = c.mode and HasCut = (c.rc > 0), fixed per loop.
/// Switch: x = max(0, (r − r_on)/(r_c − r_on)), S, dS/dx = switch_poly(x) (S = 1 and dS = 0 at x = 0, so below r_on
/// V and f_over_r pass unchanged), f_over_r ← S f_over_r − V (dS/dx) / ((r_c − r_on) r), V ← S V.
/// Shifted force: V ← V − V(r_c) − (r − r_c) V'(r_c), f_over_r ← f_over_r + V'(r_c)/r. Beyond r_c: V = f_over_r = 0.
/// Returned by value, not through references: inside an `omp simd` loop a local whose address is taken becomes a
/// per-lane array in memory, and GCC 12 then gives up on the loop ("unsupported access type for masked load").
template <typename T>
struct PairEval {
  T V, f_over_r;
};

template <Smoothing Mode, bool HasCut, typename T, typename Law>
inline PairEval<T> eval_cutoff_branchless(const CutoffLaw<T, Law>& c, T r2, T mi, T mj) {
  T V, f_over_r;
  c.law.eval(r2, mi, mj, V, f_over_r);
  if constexpr (Mode == Smoothing::Switch) {
    const T r = std::sqrt(r2);
    T x = (r - c.ron) * c.inv_w;
    x = x > T(0) ? x : T(0);
    T S, dS;
    switch_poly(x, S, dS);
    f_over_r = S * f_over_r - V * dS * c.inv_w / r;
    V *= S;
  } else if constexpr (Mode == Smoothing::ShiftedForce) {
    const T r = std::sqrt(r2);
    V = V - c.Vc - (r - c.rc) * c.dVc;
    f_over_r = f_over_r + c.dVc / r;
  }
  if constexpr (HasCut) {
    const bool inside = r2 < c.rc2;
    V = inside ? V : T(0);
    f_over_r = inside ? f_over_r : T(0);
  }
  return {V, f_over_r};
}

/// Σ_k f_over_r(r_ij) d_ij over j = list[k], k in [begin, end), or j = k in [begin, end) when list is null (a
/// contiguous range that must not contain i). pos (N, D) wrapped, mass (N); adds into f (D).
/// A list is processed in chunks of kSimdChunk partners whose coordinates (and masses) are first copied into
/// contiguous buffers: the arithmetic loop then has only contiguous loads, which vectorise in every build (AVX2 and
/// AVX-512 alike) without depending on the compiler's gather support or cost model (GCC 12 left the indexed loop
/// scalar).
template <int D, Smoothing Mode, bool HasCut, typename T, typename Law>
inline void bulk_row_simd(const CutoffLaw<T, Law>& law, const PeriodicAxes<T>& ax, const T* pos, const T* mass,
                          int i, const int* list, int begin, int end, T* f) {
  constexpr int kSimdChunk = 64;
  const T xi = pos[i * D], yi = pos[i * D + 1], zi = D == 3 ? pos[i * D + D - 1] : T(0), mi = mass[i];
  T fx = 0, fy = 0, fz = 0;
  // Partner k's coordinates xs[k], ys[k], zs[k] and mass ms[k] (k counted from 0 over n contiguous values).
  const auto accumulate = [&](const T* xs, const T* ys, const T* zs, const T* ms, int n) {
    T gx = 0, gy = 0, gz = 0;
#pragma omp simd reduction(+ : gx, gy, gz)
    for (int k = 0; k < n; ++k) {
      const T dx = ax.min_image_wrapped(xi - xs[k], 0);
      const T dy = ax.min_image_wrapped(yi - ys[k], 1);
      const T dz = D == 3 ? ax.min_image_wrapped(zi - zs[k], 2) : T(0);
      const T r2 = dx * dx + dy * dy + dz * dz;
      const T fr = eval_cutoff_branchless<Mode, HasCut>(law, r2, mi, ms[k]).f_over_r;
      gx += fr * dx, gy += fr * dy, gz += fr * dz;
    }
    fx += gx, fy += gy, fz += gz;
  };
  alignas(64) T xs[kSimdChunk], ys[kSimdChunk], zs[kSimdChunk], ms[kSimdChunk];
  for (int k0 = begin; k0 < end; k0 += kSimdChunk) {
    const int n = end - k0 < kSimdChunk ? end - k0 : kSimdChunk;
    for (int k = 0; k < n; ++k) {
      const int j = list ? list[k0 + k] : k0 + k;
      xs[k] = pos[j * D], ys[k] = pos[j * D + 1];
      if constexpr (D == 3) zs[k] = pos[j * D + 2];
      ms[k] = mass[j];
    }
    accumulate(xs, ys, zs, ms, n);
  }
  f[0] += fx, f[1] += fy;
  if constexpr (D == 3) f[2] += fz;
}

/// Call fn(std::integral_constant<int, D>, std::integral_constant<Smoothing, Mode>, std::bool_constant<HasCut>) for
/// the D (2 or 3) and the smoothing of law c (one instantiation per combination, chosen once per force pass).
template <typename T, typename Law, typename Fn>
inline void with_simd_row_kind(const CutoffLaw<T, Law>& c, int D, Fn&& fn) {
  const auto by_d = [&](auto mode, auto cut) {
    if (D == 3) fn(std::integral_constant<int, 3>{}, mode, cut);
    else fn(std::integral_constant<int, 2>{}, mode, cut);
  };
  using S = Smoothing;
  if (!(c.rc > T(0))) by_d(std::integral_constant<S, S::None>{}, std::false_type{});
  else if (c.mode == S::Switch) by_d(std::integral_constant<S, S::Switch>{}, std::true_type{});
  else if (c.mode == S::ShiftedForce) by_d(std::integral_constant<S, S::ShiftedForce>{}, std::true_type{});
  else by_d(std::integral_constant<S, S::None>{}, std::true_type{});
}

}  // namespace noether
