// physics/forces.hpp — CPU all-pairs accelerations and potential energy, templated on the pair evaluator.
// The CPU twin of kernels/physics/allpairs.cu: same per-i summation order over j = 0..N-1, no atomics.
// With OpenMP the (trajectory, particle i) rows are split across threads; each row is still summed by
// one thread in the same order, so results do not depend on the thread count.
//
// Laws with a block evaluator (PairMlp::eval_block: kPairBlock pairs at once, each layer a small matrix
// product over the block, so the compiler vectorises over pairs) are evaluated kPairBlock partners j at a
// time; the forces are still accumulated one j after the other in j order, as in the one-pair path.
// The learned laws (block laws and kMassIndependent ones: pair MLP, table) evaluate each unordered pair once and
// reuse it for both rows (forces_symmetric.hpp): bitwise the same accelerations for the block MLP, the same to
// round-off for one-pair laws. In AVX-512 builds a table takes its own SIMD rows instead (table_rows.hpp: Newton's
// third law in registers, equal to round-off; ~2.7× faster than the pair buffers at N = 1,000). Laws with kRowLanes (gravity) run 8 or 16 rows i in SIMD lanes against one j at a
// time (accelerations_row_lanes), each row still summed in j order by one lane of one thread.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "noether/core/fused.hpp"
#include "noether/physics/forces_symmetric.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/table_rows.hpp"

namespace noether {

/// Accelerations of one batch:  a_i = (1/m_i) Σ_{j≠i} f_over_r(r_ij) (q_i − q_j).
/// pos is (B, N, D), mass is (B, N), acc is (B, N, D) written.
/// The ordered paths use threads only above kParallelPairs pair evaluations per call (small systems stay serial);
/// a law may set its own with a static member kParallelPairs. (At N = 100 on the loaded 2-core machine two threads
/// were 2.7–8× SLOWER than one, the per-step barrier waiting on a descheduled thread; docs/PERFORMANCE.md.) The
/// learned laws' symmetric path measures instead (SymmetricThreading, forces_symmetric.hpp).
constexpr long long kParallelPairs = 1LL << 16;
/// Most pairs per call of a law's eval_block (the law's kBlock).
constexpr int kPairBlock = 16;

namespace detail {
template <typename Law, typename = void>
struct parallel_pairs { static constexpr long long value = kParallelPairs; };
template <typename Law>
struct parallel_pairs<Law, std::void_t<decltype(Law::kParallelPairs)>> {
  static constexpr long long value = Law::kParallelPairs;
};

/// U_b = Σ_{i<j} V(r_ij) as one running float64 sum over (i, j > i) in lexicographic order per trajectory (threads
/// over trajectories when there are many pairs). pos (B, N, D), mass (B, N), U (B).
template <typename T, typename Law>
void potential_energy_running(const Law& law, const T* pos, const T* mass, double* U, int B, int N, int D) {
#pragma omp parallel for schedule(static) if ((long long)B * N * N > 2 * kParallelPairs && B > 1)
  for (int b = 0; b < B; ++b) {
    const T* q = pos + std::size_t(b) * N * D;
    const T* m = mass + std::size_t(b) * N;
    double u = 0;
    for (int i = 0; i < N; ++i)
      for (int j = i + 1; j < N; ++j) {
        T r2 = 0;
        for (int c = 0; c < D; ++c) {
          const T d = q[i * D + c] - q[j * D + c];
          r2 = fmadd(d, d, r2);
        }
        T V, f_over_r;
        law.eval(r2, m[i], m[j], V, f_over_r);
        u += V;
      }
    U[b] = u;
  }
}

/// Whether Law declares kRowLanes = true: its eval_any is eval as a template that also runs on registers of lanes
/// (detail::LanesF64 / LanesF32, physics/pair_laws.hpp).
template <typename Law, typename = void>
struct row_lanes_law : std::false_type {};
template <typename Law>
struct row_lanes_law<Law, std::void_t<decltype(Law::kRowLanes)>> : std::bool_constant<Law::kRowLanes> {};

#if !defined(__CUDACC__) && defined(__AVX512F__)
/// One group of L rows of the row-lane path (accelerations_row_lanes) in D dimensions, D a compile-time constant so
/// the differences stay in registers: f[c] (lane k) = Σ_j f_over_r(i0 + k, j) · (q_{i0+k} − q_j)_c over j = 0 … N−1 in
/// order. Only the partners j of the group's own rows need the self-pair mask (the lane of row i = j gets
/// f_over_r = 0, adding an exact zero), so the j range is cut there: [0, i0) and [i0 + L, N) run unmasked.
template <int D, typename Lanes, typename IndexLanes, typename T, typename Law>
void row_lanes_group(const Law& law_in, const T* q, const T* m, int N, int i0, const Lanes (&qi_in)[3],
                     const Lanes& mi_in, const IndexLanes& iv_in, Lanes (&f_out)[3]) {
  using Index = std::remove_reference_t<decltype(iv_in[0])>;
  // Local copies: through the references GCC cannot rule out that q and m alias them, and reloads qi, the law's
  // parameters and f from memory (and stores f) on every j.
  const Law law = law_in;
  const Lanes mi = mi_in;
  const IndexLanes iv = iv_in;
  Lanes qi[D], f[D];
  for (int c = 0; c < D; ++c) qi[c] = qi_in[c], f[c] = f_out[c];
  const Lanes zero = {};
  auto pair = [&](int j, auto masked) {
    Lanes d[D];
    for (int c = 0; c < D; ++c) d[c] = qi[c] - q[j * D + c];
    Lanes r2 = d[0] * d[0];  // = 0 + d₀² exactly, as the one-pair loop's first term
    for (int c = 1; c < D; ++c) r2 += d[c] * d[c];
    Lanes V, f_over_r;
    law.eval_any(r2, mi, lanes_of(m[j]), V, f_over_r);
    if constexpr (decltype(masked)::value) f_over_r = iv == Index(j) ? zero : f_over_r;
    for (int c = 0; c < D; ++c) f[c] += f_over_r * d[c];
  };
  constexpr int L = int(sizeof(Lanes) / sizeof(T));
  const int own_end = std::min(N, i0 + L);
  for (int j = 0; j < i0; ++j) pair(j, std::false_type{});
  for (int j = i0; j < own_end; ++j) pair(j, std::true_type{});
  for (int j = own_end; j < N; ++j) pair(j, std::false_type{});
  for (int c = 0; c < D; ++c) f_out[c] = f[c];
}

/// The ordered path of a kRowLanes law (gravity), rows in SIMD lanes: L = 64 / sizeof(T) rows i of one trajectory
/// against one j at a time, j = 0 … N−1, each lane summing its row's force in j order with the one-pair loop's
/// expressions (row_lanes_group), 8 or 16 pairs per instruction. The same to round-off as the one-pair loop (the
/// compiler fuses r² = Σ d² into FMAs differently in the two; ForcesRowLanes.*), and bitwise independent of the
/// thread count (a row is one lane of one thread). The rows of a trajectory past its last group's end repeat its
/// last row; their lanes are not written.
/// pos (B, N, D), mass (B, N), acc (B, N, D); D = 1, 2 or 3.
template <typename T, typename Law>
void accelerations_row_lanes(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D,
                             bool threaded) {
  using Lanes = std::conditional_t<sizeof(T) == 8, LanesF64, LanesF32>;
  using Index = std::conditional_t<sizeof(T) == 8, long long, int>;
  typedef Index IndexLanes __attribute__((vector_size(64)));
  constexpr int L = int(64 / sizeof(T));
  const long long groups_per_b = (N + L - 1) / L;
#pragma omp parallel for schedule(static) if (threaded)
  for (long long g = 0; g < B * groups_per_b; ++g) {
    const int b = int(g / groups_per_b), i0 = int(g % groups_per_b) * L, n = std::min(L, N - i0);
    const T* q = pos + std::size_t(b) * N * D;
    const T* m = mass + std::size_t(b) * N;
    Lanes qi[3] = {}, mi = {}, f[3] = {};
    IndexLanes iv;
    for (int k = 0; k < L; ++k) {
      const int row = i0 + std::min(k, n - 1);
      for (int c = 0; c < D; ++c) qi[c][k] = q[row * D + c];
      mi[k] = m[row];
      iv[k] = Index(i0 + k);
    }
    if (D == 3)
      row_lanes_group<3, Lanes, IndexLanes>(law, q, m, N, i0, qi, mi, iv, f);
    else if (D == 2)
      row_lanes_group<2, Lanes, IndexLanes>(law, q, m, N, i0, qi, mi, iv, f);
    else
      row_lanes_group<1, Lanes, IndexLanes>(law, q, m, N, i0, qi, mi, iv, f);
    T* a = acc + std::size_t(b) * N * D;
    for (int k = 0; k < n; ++k)
      for (int c = 0; c < D; ++c) a[(i0 + k) * D + c] = f[c][k] / m[i0 + k];
  }
}
#endif

/// The ordered paths: every ordered pair (i, j ≠ i) evaluated, each row summed in j order (block laws kBlock partners
/// at a time). accelerations_cpu takes them for the analytic laws and for the learned ones beyond kSymmetricPairsMax
/// pairs; forces_symmetric.hpp gives the learned laws the same results with half the evaluations.
template <typename T, typename Law>
void accelerations_ordered(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D, double* U,
                           bool threaded) {
#if !defined(__CUDACC__) && defined(__AVX512F__)
  if constexpr (row_lanes_law<Law>::value) {  // U by its own running pass: rows in lanes have no running order
    accelerations_row_lanes(law, pos, mass, acc, B, N, D, threaded);
    if (U) potential_energy_running(law, pos, mass, U, B, N, D);
    return;
  }
#endif
  const long long rows = (long long)B * N;
  std::vector<double> row_u(U && threaded ? std::size_t(rows) : 0);
  std::vector<double> running(U && !threaded ? std::size_t(B) : 0, 0.0);
  double* ru = U ? (threaded ? row_u.data() : running.data()) : nullptr;
#pragma omp parallel for schedule(static) if (threaded)
  for (long long row = 0; row < rows; ++row) {
    const int b = int(row / N), i = int(row % N);
    const T* q = pos + std::size_t(b) * N * D;
    const T* m = mass + std::size_t(b) * N;
    T* a = acc + std::size_t(b) * N * D;
    T f[3] = {0, 0, 0};
    double u = ru && !threaded ? ru[b] : 0.0;  // serial: continue trajectory b's running sum
    if constexpr (detail::has_eval_block<Law, T>::value) {
      // Law::kBlock partners at a time; padding lanes get r² = 1 and are not used.
      constexpr int KB = Law::kBlock;
      static_assert(KB <= kPairBlock, "eval_block wider than kPairBlock");
      alignas(64) T r2b[kPairBlock], Vb[kPairBlock], fb[kPairBlock];
      alignas(64) T db[3][kPairBlock];
      int js[kPairBlock];
      int j = 0;
      while (j < N) {
        int n = 0;
        for (; j < N && n < KB; ++j) {
          if (j == i) continue;
          T r2 = 0;
          for (int c = 0; c < D; ++c) {
            const T d = q[i * D + c] - q[j * D + c];
            db[c][n] = d;
            r2 = fmadd(d, d, r2);
          }
          r2b[n] = r2, js[n] = j, ++n;
        }
        for (int k = n; k < KB; ++k) r2b[k] = T(1);
        law.eval_block(r2b, Vb, fb);
        for (int k = 0; k < n; ++k) {
          for (int c = 0; c < D; ++c) f[c] = fmadd(fb[k], db[c][k], f[c]);
          if (ru && js[k] > i) u += Vb[k];
        }
      }
    } else {
      for (int j = 0; j < N; ++j) {
        if (j == i) continue;
        T d[3] = {0, 0, 0};
        T r2 = 0;
        for (int c = 0; c < D; ++c) {
          d[c] = q[i * D + c] - q[j * D + c];
          r2 = fmadd(d[c], d[c], r2);
        }
        T V, f_over_r;
        law.eval(r2, m[i], m[j], V, f_over_r);
        for (int c = 0; c < D; ++c) f[c] = fmadd(f_over_r, d[c], f[c]);
        if (ru && j > i) u += V;
      }
    }
    for (int c = 0; c < D; ++c) a[i * D + c] = f[c] / m[i];
    if (ru) ru[threaded ? row : b] = u;
  }
  if (U && threaded)
    for (int b = 0; b < B; ++b) {
      double s = 0;
      for (int i = 0; i < N; ++i) s += ru[std::size_t(b) * N + i];
      U[b] = s;
    }
  else if (U)
    for (int b = 0; b < B; ++b) U[b] = running[b];
}
}  // namespace detail

/// The accelerations documented at the top of this file; when U is not null also the potential energy per trajectory,
///   U_b = Σ_{i<j} V(r_ij),
/// from the V of the same pass (no extra pair evaluation), summed in float64. A serial pass (below the
/// threading threshold) keeps potential_energy_cpu's single running sum over (i, j > i) in lexicographic
/// order, so U is bitwise what that function returns for the same V; a threaded pass of the ordered paths sums each
/// row's j > i in j order and then the rows in i order (fixed: independent of the thread count, but rounded
/// differently from the running sum). Whether an ordered pass is threaded depends on B·N² only.
/// The learned laws, functions of r alone (a block evaluator — the pair MLP — or kMassIndependent: PairMlp,
/// PairTable) evaluate each unordered pair once (Newton's third law, forces_symmetric.hpp)
/// up to kSymmetricPairsMax pairs, with accelerations bitwise those of evaluating every ordered pair; their U is always
/// the running lexicographic sum, and whether they use threads is measured, not fixed (SymmetricThreading: bitwise
/// the same results either way). Exception: a table with N ≥ kTableRowsMinParticles in an AVX-512 build takes the
/// SIMD rows of table_rows.hpp (Newton's third law in registers): accelerations and U equal the paths above to
/// round-off, not bitwise, so a table's results differ at round-off between AVX-512 and portable builds.
template <typename T, typename Law>
void accelerations_cpu(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D, double* U) {
  const long long rows = (long long)B * N;
  const bool threaded = rows * N > detail::parallel_pairs<Law>::value;
#ifdef NOETHER_TABLE_ROWS
  if constexpr (detail::table_rows_law<Law, T>::value) {
    if ((D == 2 || D == 3) && N >= detail::kTableRowsMinParticles) {  // a table in SIMD rows (table_rows.hpp)
      detail::accelerations_table_rows(law, pos, mass, acc, B, N, D, U, threaded);
      return;
    }
  }
#endif
  if constexpr (detail::symmetric_law<Law, T>::value) {
    if (symmetric_pairs_fit(B, N)) {
      const long long pairs = (long long)B * N * (N - 1) / 2;
      thread_local SymmetricThreading choice;
      bool timed = false;
      const bool symmetric_threaded = choice.choose(pairs, timed);
      const auto t0 = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
      detail::accelerations_symmetric(law, pos, mass, acc, B, N, D, U, symmetric_threaded);
      if (timed)
        choice.record(symmetric_threaded,
                      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      return;
    }
  }
  detail::accelerations_ordered(law, pos, mass, acc, B, N, D, U, threaded);
}

template <typename T, typename Law>
void accelerations_cpu(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D) {
  accelerations_cpu(law, pos, mass, acc, B, N, D, static_cast<double*>(nullptr));
}

/// Potential energy per trajectory:  U_b = Σ_{i<j} V(r_ij).  pos (B, N, D), mass (B, N), U (B).
/// One running float64 sum over (i, j > i) in lexicographic order (the fused sum of accelerations_cpu keeps
/// it in serial passes; threaded ones sum per row first). Rollouts use the fused pass.
template <typename T, typename Law>
void potential_energy_cpu(const Law& law, const T* pos, const T* mass, T* U, int B, int N, int D) {
  std::vector<double> u(B);
  detail::potential_energy_running(law, pos, mass, u.data(), B, N, D);
  for (int b = 0; b < B; ++b) U[b] = T(u[b]);
}

}  // namespace noether
