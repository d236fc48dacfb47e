// physics/table_rows.hpp — all-pairs accelerations of a pair table (physics/pair_table.hpp) in open space, in SIMD
// rows with Newton's third law: accelerations_cpu's path for PairTable<T> in AVX-512 host builds.
//
// A table costs ~25 FLOPs a pair, so the pair-buffer passes of forces_symmetric.hpp (r² written, f_over_r written, both
// read back per row) cost more than the law: measured ~50 cycles per unordered pair, 56% of it outside the law. Here
// each row i runs over j > i in chunks of K = 64 bytes of lanes (8 doubles, 16 floats) against coordinate copies of
// the trajectory stored per axis (contiguous loads):
//   d_ij = q_i − q_j,  r² = Σ_c d_c²,  r = √r²,
//   (V, V′) = the table's quintic at t = (r − r_min)/h − k, the coefficients of interval k gathered per lane (float64:
//             6 gathers; float32: 3 gathers of coefficient pairs as 64-bit elements per 8 lanes, split by
//             permutes), or the quadratic Taylor polynomial at r_min / r_max outside (table_slope, per lane),
//   f_over_r = −V′/r (0 at r = 0; lanes j ≥ N masked to 0),
//   F_i += Σ_lanes f_over_r d_ij (the lanes' sum in lane order, after the row),  F_j −= f_over_r d_ij (a contiguous
//   load, subtract, store of K values: j is consecutive),
//   u_i = Σ_{j>i} V_ij (V in T, summed per lane in float64);  U_b = Σ_i u_i in i order.
// With fewer than kTableRowChunks = 8 trajectories the rows of each are split into 8 chunks of about equal pair counts,
// each with its own force sums F; a_i = (Σ_chunks F_i in chunk order) / m_i (with more trajectories, one chunk each).
// The chunks depend on B and N alone, so results are bitwise independent of the thread count (threads take whole
// chunks). Used from kTableRowsMinParticles = 16 particles on (shorter rows: forces_symmetric.hpp). Against the one-pair ordered path (a running sum over j) the sums
// are regrouped: equal to round-off (1e-12 relative in float64, 1e-5 in float32, tested), not bitwise.
// Lanes where the table's tail acts (physics/pair_tail.hpp) take the one-pair value_and_slope.
// Memory: 8 (B < 8) or 1 force sums of (D, ⌈N/K⌉K + K) values per trajectory (O(B N)), no pair buffer, so any N.
// FLOPs per unordered pair (3-D): 3 sub + 5 r² + sqrt + 3 (t) + 10 (V) + 9 (V′) + 1 + div + 12 (F_i, F_j) ≈ 43
// + sqrt + div; bytes: the coefficient gathers (48 B in float64) from a table that sits in L1/L2.
#pragma once
#include <cstddef>
#include <type_traits>
#include <vector>

#include "noether/physics/lanes_math.hpp"
#include "noether/physics/pair_table.hpp"

#if !defined(__CUDACC__) && defined(__AVX512F__)
#include <immintrin.h>
#define NOETHER_TABLE_ROWS 1
#endif

namespace noether {
namespace detail {

/// Fewest particles for which accelerations_cpu takes the table rows: shorter rows leave most lanes empty, and the
/// per-call force sums outweigh them (N = 2–10 with many trajectories measured 1.2–5× slower than forces_symmetric.hpp).
constexpr int kTableRowsMinParticles = 16;

/// Whether accelerations_cpu takes the table rows for Law (PairTable<T> in AVX-512 host builds).
template <typename Law, typename T>
struct table_rows_law : std::false_type {};
#ifdef NOETHER_TABLE_ROWS
template <typename T>
struct table_rows_law<PairTable<T>, T> : std::true_type {};

/// K lanes of T, one zmm register, and K int32 indices.
template <typename T>
struct TableLanes {
  static constexpr int K = int(64 / sizeof(T));
  typedef T V __attribute__((vector_size(64)));
  typedef int I __attribute__((vector_size(4 * K)));
  typedef decltype(V{} < V{}) M;  ///< a comparison's lanes (64-bit for double, 32-bit for float)
};

/// The lanes of x gathered from base[idx[k]].
template <typename T>
__attribute__((always_inline)) inline typename TableLanes<T>::V table_gather(const T* base, const typename TableLanes<T>::I& idx) {
  using L = TableLanes<T>;
  if constexpr (sizeof(T) == 8)
    return (typename L::V)_mm512_i32gather_pd((__m256i)idx, base, 8);
  else
    return (typename L::V)_mm512_i32gather_ps((__m512i)idx, base, 4);
}

/// Float32: the coefficient pairs (base[idx], base[idx + 1]) of 16 lanes as 64-bit elements — two gathers of 8
/// instead of two of 16 floats (Zen 4 gathers cost per element; base + idx must be 8-byte aligned: the 6-float rows of
/// a table start at 24-byte multiples) — split into a (even floats) and b (odd). By reference: -Wpsabi.
__attribute__((always_inline)) inline void table_gather_float_pairs(const float* base, const TableLanes<float>::I& idx, TableLanes<float>::V& a,
                                     TableLanes<float>::V& b) {
  const __m512i ix = (__m512i)idx;
  const __m512d lo = _mm512_i32gather_pd(_mm512_castsi512_si256(ix), (const void*)base, 4);
  const __m512d hi = _mm512_i32gather_pd(_mm512_extracti64x4_epi64(ix, 1), (const void*)base, 4);
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  a = (TableLanes<float>::V)_mm512_permutex2var_ps(_mm512_castpd_ps(lo), even, _mm512_castpd_ps(hi));
  b = (TableLanes<float>::V)_mm512_permutex2var_ps(_mm512_castpd_ps(lo), odd, _mm512_castpd_ps(hi));
}

/// V and V′ of the raw table (PairTable::table_slope) at the K distances r, per lane. By reference: -Wpsabi.
template <typename T>
__attribute__((always_inline)) inline void table_slope_lanes(const PairTable<T>& tb, const typename TableLanes<T>::V& r, typename TableLanes<T>::V& V,
                              typename TableLanes<T>::V& dV) {
  using L = TableLanes<T>;
  using Vec = typename L::V;
  using Idx = typename L::I;
  const Vec lo = r < tb.r_min ? Vec{} + tb.r_min : r;
  const Vec rc = lo > tb.r_max ? Vec{} + tb.r_max : lo;  // clamped: every lane reads a valid interval (NaN stays)
  const Vec s = (rc - tb.r_min) * tb.inv_h;
  Idx k = __builtin_convertvector(s, Idx);  // truncation: s >= 0 (NaN → INT_MIN, clamped to 0 below)
  k = k < tb.n - 1 ? k : Idx{} + (tb.n - 1);
  k = k > 0 ? k : Idx{};
  const Vec t = s - __builtin_convertvector(k, Vec);
  const Idx k6 = k * 6;
  Vec c0, c1, c2, c3, c4, c5;
  if constexpr (sizeof(T) == 8) {
    c0 = table_gather(tb.coef, k6), c1 = table_gather(tb.coef + 1, k6), c2 = table_gather(tb.coef + 2, k6);
    c3 = table_gather(tb.coef + 3, k6), c4 = table_gather(tb.coef + 4, k6), c5 = table_gather(tb.coef + 5, k6);
  } else {
    table_gather_float_pairs(tb.coef, k6, c0, c1);
    table_gather_float_pairs(tb.coef + 2, k6, c2, c3);
    table_gather_float_pairs(tb.coef + 4, k6, c4, c5);
  }
  const Vec Vin = c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * c5))));
  const Vec dVin = (c1 + t * (T(2) * c2 + t * (T(3) * c3 + t * (T(4) * c4 + t * (T(5) * c5))))) * tb.inv_h;
  const Vec xl = r - tb.r_min, xh = r - tb.r_max;
  const Vec Vlo = tb.V_lo + xl * (tb.dV_lo + T(0.5) * tb.d2V_lo * xl), dVlo = tb.dV_lo + tb.d2V_lo * xl;
  const Vec Vhi = tb.V_hi + xh * (tb.dV_hi + T(0.5) * tb.d2V_hi * xh), dVhi = tb.dV_hi + tb.d2V_hi * xh;
  V = r < tb.r_min ? Vlo : (r > tb.r_max ? Vhi : Vin);
  dV = r < tb.r_min ? dVlo : (r > tb.r_max ? dVhi : dVin);
}

/// Row i of one trajectory, Newton's third law: the pairs (i, j > i) in lanes of K consecutive j. F (Dim, Np): this
/// chunk's force sums per axis; F[c][i] += Σ_j f_over_r d_c (the lanes' sum in lane order), F[c][j] −= f_over_r d_c
/// (a contiguous load, subtract, store of K values; lanes j ≥ N carry 0 and land in the padding). u = Σ_{j>i} V_ij
/// (float64) when want_u. x (Dim, Np): the trajectory's coordinates per axis; Np ≥ N + K.
template <typename T, int Dim>
void table_row_half(const PairTable<T>& tb, const T* x, T* F, int Np, int N, int i, bool want_u, double& u) {
  using L = TableLanes<T>;
  using Vec = typename L::V;
  using Idx = typename L::I;
  using Mask = typename L::M;
  constexpr int K = L::K;
  Idx lane;
  for (int k = 0; k < K; ++k) lane[k] = k;
  T qi[3] = {0, 0, 0};
  for (int c = 0; c < Dim; ++c) qi[c] = x[std::size_t(c) * Np + i];
  Vec f[3] = {Vec{}, Vec{}, Vec{}};
  __m512d uacc = _mm512_setzero_pd();  // Σ V per lane in float64 (float32: the two halves of the lanes)
  for (int j0 = i + 1; j0 < N; j0 += K) {
    const Idx j = lane + j0;
    const Idx valid_i = j < N;
    const Mask valid = __builtin_convertvector(valid_i, Mask);
    Vec d[3];
    Vec r2{};
    for (int c = 0; c < Dim; ++c) {
      Vec xj;
      __builtin_memcpy(&xj, x + std::size_t(c) * Np + j0, sizeof(Vec));
      d[c] = qi[c] - xj;
      r2 += d[c] * d[c];
    }
    const Vec r = detail::sqrt_(r2);  // one vsqrtp[sd], IEEE as std::sqrt (physics/lanes_math.hpp)
    Vec V, dV;
    table_slope_lanes(tb, r, V, dV);
    if (tb.tail.mode != 0)  // lanes beyond the trained range: the one-pair law, which applies the tail
      for (int k = 0; k < K; ++k)
        if (valid_i[k] && tb.tail.acts(r[k])) {
          const PairSlope<T> s = tb.value_and_slope(r[k]);
          V[k] = s.V, dV[k] = s.dV;
        }
    const Vec safe_r = r > T(0) ? r : Vec{} + T(1);
    Vec fo = -dV / safe_r;
    fo = (r > T(0)) & valid ? fo : Vec{};
    for (int c = 0; c < Dim; ++c) {
      const Vec fc = fo * d[c];
      f[c] += fc;
      T* Fj = F + std::size_t(c) * Np + j0;
      Vec old;
      __builtin_memcpy(&old, Fj, sizeof(Vec));
      old -= fc;
      __builtin_memcpy(Fj, &old, sizeof(Vec));
    }
    if (want_u) {
      const Vec Vm = valid ? V : Vec{};
      if constexpr (sizeof(T) == 8) {
        uacc = _mm512_add_pd(uacc, (__m512d)Vm);
      } else {
        uacc = _mm512_add_pd(uacc, _mm512_cvtps_pd(_mm512_castps512_ps256((__m512)Vm)));
        uacc = _mm512_add_pd(uacc, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd((__m512d)Vm, 1))));
      }
    }
  }
  for (int c = 0; c < Dim; ++c) {
    T s = 0;
    for (int k = 0; k < K; ++k) s += f[c][k];
    F[std::size_t(c) * Np + i] += s;
  }
  if (want_u) {
    alignas(64) double ul[8];
    _mm512_store_pd(ul, uacc);
    double s = 0;
    for (int k = 0; k < 8; ++k) s += ul[k];
    u = s;
  }
}

/// Chunks of rows per trajectory with their own force sums when there are fewer than kTableRowChunks trajectories
/// (one chunk each otherwise: the threads take whole trajectories). Fixed by B alone, whatever the thread count.
constexpr int kTableRowChunks = 8;

/// accelerations_cpu for a table (file comment): pos (B, N, D), mass (B, N), acc (B, N, D); U (B) when not null.
/// The rows (i, j > i) of each trajectory are split into C chunks of about equal pair counts (C = kTableRowChunks for
/// B < kTableRowChunks, else 1), each with its own force sums F (D, Np); a_i = (Σ_chunks F_i in chunk order) / m_i.
/// threaded: the (trajectory, chunk) tasks split across the OpenMP threads — bitwise the same as serial.
template <typename T>
void accelerations_table_rows(const PairTable<T>& tb, const T* pos, const T* mass, T* acc, int B, int N, int D,
                              double* U, bool threaded) {
  constexpr int K = TableLanes<T>::K;
  const int C = B < kTableRowChunks ? kTableRowChunks : 1;
  const int Np = (N + K - 1) / K * K + K;
  thread_local std::vector<T> coords, forces;
  thread_local std::vector<double> urow;
  coords.assign(std::size_t(B) * D * Np, T(0));
  forces.assign(std::size_t(B) * C * D * Np, T(0));
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < N; ++i)
      for (int c = 0; c < D; ++c) coords[(std::size_t(b) * D + c) * Np + i] = pos[(std::size_t(b) * N + i) * D + c];
  if (U) urow.assign(std::size_t(B) * N, 0.0);
  // chunk boundaries: rows [row0[c], row0[c + 1]) hold about 1/C of the N(N−1)/2 pairs (row i has N − 1 − i)
  int row0[kTableRowChunks + 1];
  {
    const double total = 0.5 * double(N) * double(N - 1);
    long long seen = 0;
    int i = 0;
    row0[0] = 0;
    for (int c = 1; c < C; ++c) {
      while (i < N && double(seen) < total * c / C) seen += N - 1 - i, ++i;
      row0[c] = i;
    }
    row0[C] = N;
  }
  const T* X = coords.data();
  T* Fall = forces.data();
  double* ur = U ? urow.data() : nullptr;
  const long long tasks = (long long)B * C;
#pragma omp parallel for schedule(static) if (threaded)  // each task one thread, its rows in order
  for (long long task = 0; task < tasks; ++task) {
    const int b = int(task / C), c = int(task % C);
    const T* x = X + std::size_t(b) * D * Np;
    T* F = Fall + (std::size_t(b) * C + c) * D * Np;
    for (int i = row0[c]; i < row0[c + 1]; ++i) {
      double u = 0;
      if (D == 3) table_row_half<T, 3>(tb, x, F, Np, N, i, ur != nullptr, u);
      else table_row_half<T, 2>(tb, x, F, Np, N, i, ur != nullptr, u);
      if (ur) ur[std::size_t(b) * N + i] = u;
    }
  }
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < N; ++i)
      for (int c = 0; c < D; ++c) {
        T s = 0;
        for (int k = 0; k < C; ++k) s += Fall[((std::size_t(b) * C + k) * D + c) * Np + i];
        acc[(std::size_t(b) * N + i) * D + c] = s / mass[std::size_t(b) * N + i];
      }
  if (U)
    for (int b = 0; b < B; ++b) {
      double s = 0;
      for (int i = 0; i < N; ++i) s += ur[std::size_t(b) * N + i];
      U[b] = s;
    }
}
#endif

}  // namespace detail
}  // namespace noether
