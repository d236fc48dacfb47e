// physics/forces_symmetric.hpp — Newton's third law in accelerations_cpu for the learned laws, functions of r alone
// (the pair MLP's block evaluator, and PairMlp and PairTable, which declare kMassIndependent): each unordered pair
// {i, j} is evaluated once instead of twice. (The analytic laws keep the ordered paths: the data of the paper's
// experiments stays bit for bit what it was, and their evaluation costs about what a cached value does.)
//
// Three passes over the unordered pairs of every trajectory, kept in one buffer in lexicographic order (i, j > i):
//   1. r²_ij = Σ_c (q_ic − q_jc)²                      (rows of pairs; pair_r2_rows)
//   2. s_ij = f_over_r(r²_ij), V_ij = V(r²_ij)          (chunks of W pairs of the buffer; eval_pair_chunk)
//   3. a_i = (1/m_i) Σ_{j≠i, in j order} s_ij (q_i − q_j)   (groups of rows; accumulate_symmetric_rows)
//   U_b = Σ_{(i, j>i) in lexicographic order} V_ij, one running float64 sum (potential_energy_cpu's order).
// Each pass is one non-inlined function whatever the threads, each pair's arithmetic independent of where the chunks
// start: serial and threaded calls give bitwise the same a and U, so whether to use threads is a question of speed
// only, answered by measuring (SymmetricThreading): small systems on a loaded machine run faster on one thread, the
// same systems on an idle one faster on two (N = 100: 1.2–1.75× on two idle cores, several times slower on two busy
// ones; docs/PERFORMANCE.md).
//
// Against the ordered paths of forces.hpp (every ordered pair evaluated): for (j, i) they compute
// d′ = q_j − q_i = −(q_i − q_j) exactly (IEEE subtraction is antisymmetric), so r′² = r², and f_over_r(r²) is the same
// for either pair; pass 3 is their accumulation expression. For the block MLP the accelerations and U come out bit for
// bit those of the ordered paths (tested). For one-pair laws inlined into the ordered loop the compiler may fuse a
// multiply-add across the law's last operation there and not here: agreement to round-off.
//
// Cost: half the pair evaluations, plus buffers of B·N(N−1)/2 values of T (thread-local, reused between calls: one
// for r² then s, one for V when U is asked for); beyond kSymmetricPairsMax pairs accelerations_cpu keeps the ordered
// paths.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "noether/core/fused.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace noether {

/// Largest B·N(N−1)/2 for which accelerations_cpu caches the pair values (2²³, N ≈ 4,096: 64 MiB per buffer in
/// float64).
constexpr long long kSymmetricPairsMax = 1LL << 23;
/// Whether accelerations_cpu evaluates each unordered pair of B trajectories of N particles once, for a law of r
/// alone (detail::symmetric_law): B·N(N−1)/2 ≤ kSymmetricPairsMax.
inline bool symmetric_pairs_fit(long long B, long long N) { return B * N * (N - 1) / 2 <= kSymmetricPairsMax; }

namespace detail {
/// Whether Law has eval_block(const T* r2, T* V, T* f_over_r) for Law::kBlock pairs at once (PairMlp, AVX-512 builds).
template <typename Law, typename T, typename = void>
struct has_eval_block : std::false_type {};
template <typename Law, typename T>
struct has_eval_block<Law, T, std::void_t<decltype(std::declval<const Law&>().eval_block(
                                  std::declval<const T*>(), std::declval<T*>(), std::declval<T*>()))>>
    : std::true_type {};
/// Whether Law declares kMassIndependent = true: eval(r2, mi, mj, …) ignores the masses, so the pair (j, i) has the
/// V and f_over_r of (i, j) bit for bit (not so for gravity: G·mi·mj rounds differently from G·mj·mi).
template <typename Law, typename = void>
struct mass_independent : std::false_type {};
template <typename Law>
struct mass_independent<Law, std::void_t<decltype(Law::kMassIndependent)>>
    : std::bool_constant<Law::kMassIndependent> {};
/// The laws accelerations_cpu evaluates once per unordered pair.
template <typename Law, typename T>
struct symmetric_law : std::bool_constant<has_eval_block<Law, T>::value || mass_independent<Law>::value> {};

/// Pairs per chunk of pass 2: Law::kBlock for block laws (one eval_block), else 16 (eval one pair after another).
template <typename Law, typename T, bool = has_eval_block<Law, T>::value>
struct symmetric_width { static constexpr int value = 16; };
template <typename Law, typename T>
struct symmetric_width<Law, T, true> { static constexpr int value = Law::kBlock; };
}  // namespace detail

/// Fewest unordered pairs per call for which accelerations_cpu considers threads for the symmetric path (N ≈ 32).
constexpr long long kSymmetricThreadedPairsMin = 1LL << 9;
/// From this many unordered pairs per call on (N ≈ 256; the ordered paths' 2¹⁶ ordered pairs) the symmetric path is
/// always threaded: a call takes milliseconds, so the threads' start and barrier are negligible, and timing both modes
/// would cost whole calls of a short rollout.
constexpr long long kSymmetricThreadedPairsAlways = 1LL << 15;

/// Chooses serial or threaded passes of accelerations_symmetric by timing both (their results are bitwise equal, so
/// the choice changes the speed only). Per calling thread (thread_local) and per problem size: after two warm-up
/// calls (one per mode), one timed call in each mode; then the faster mode by an exponential average of the measured
/// seconds per call (weight 1/4 for the newest), with a probe — one call in the other mode, whose time replaces that
/// mode's average — now and then so that a change of load changes the choice. The probes back off: every
/// kProbeFirst calls at first, twice as far apart each time the probe loses, up to kProbeMost; back to kProbeFirst
/// when a probe wins. (On two busy cores a threaded call waits for a
/// descheduled thread — measured ~13 ms against 0.5 ms serial at N = 100 — so frequent probes would cost more than
/// the choice saves.) Serial whenever threads cannot help: fewer than kSymmetricThreadedPairsMin pairs, one OpenMP
/// thread, or a call from inside a parallel region; threaded without timing from kSymmetricThreadedPairsAlways on.
class SymmetricThreading {
 public:
  static constexpr long long kProbeFirst = 32, kProbeMost = 4096;

  /// Whether the next call with `pairs` unordered pairs should be threaded; `timed` says whether to time it.
  bool choose(long long pairs, bool& timed) {
    timed = probing_ = false;
    if (pairs < kSymmetricThreadedPairsMin || !threads_available()) return false;
    if (pairs >= kSymmetricThreadedPairsAlways) return true;
    if (pairs != pairs_)
      pairs_ = pairs, avg_[0] = avg_[1] = -1.0, calls_ = 0, interval_ = until_probe_ = kProbeFirst;
    const long long n = calls_++;
    if (n < 2) return n == 1;  // warm-up, not timed: first touch of the buffers, then of the thread team
    timed = true;
    if (avg_[0] < 0) return false;
    if (avg_[1] < 0) return true;
    const bool faster = prefers_threads();
    if (--until_probe_ > 0) return faster;
    probing_ = true;
    return !faster;
  }
  /// The measured seconds of the timed call just chosen, in mode `threaded`.
  void record(bool threaded, double seconds) {
    double& a = avg_[threaded ? 1 : 0];
    const bool before = prefers_threads();
    a = a < 0 || probing_ ? seconds : 0.75 * a + 0.25 * seconds;  // a probe replaces its mode's stale average
    if (probing_) {
      const bool won = prefers_threads() != before;
      interval_ = won ? kProbeFirst : std::min(2 * interval_, kProbeMost);
      until_probe_ = interval_;
    }
  }

 private:
  /// Threads only when clearly faster (below kThreadedMargin of the serial time): when they are not, a busy machine
  /// makes them several times slower, and two noisy timings of an idle one should not flip the choice.
  static constexpr double kThreadedMargin = 0.85;
  bool prefers_threads() const { return avg_[1] < kThreadedMargin * avg_[0]; }
  static bool threads_available() {
#ifdef _OPENMP
    return omp_get_max_threads() > 1 && !omp_in_parallel();
#else
    return false;
#endif
  }
  long long pairs_ = -1, calls_ = 0, interval_ = kProbeFirst, until_probe_ = kProbeFirst;
  bool probing_ = false;
  double avg_[2] = {-1.0, -1.0};  ///< seconds per call: serial, threaded (< 0: not measured yet)
};

namespace detail {

/// Index of the unordered pair (i < j) of N particles in the row-major upper triangle: pairs (0,1..N−1), (1,2..), ….
inline std::size_t upper_pair_index(long long i, long long j, long long N) {
  return std::size_t(i * N - i * (i + 1) / 2 + (j - i - 1));
}

/// Pass 1: r² of the pairs (i, j > i) of the rows [row0, row1) of one trajectory, written from out (the first of
/// them, at upper_pair_index(row0, row0 + 1, N)) on.  q (N, D).
template <typename T>
__attribute__((noinline)) void pair_r2_rows(const T* q, int N, int D, int row0, int row1, T* out) {
  for (int i = row0; i < row1; ++i)
    for (int j = i + 1; j < N; ++j) {
      T r2 = 0;
      for (int c = 0; c < D; ++c) {
        const T d = q[i * D + c] - q[j * D + c];
        r2 = fmadd(d, d, r2);
      }
      *out++ = r2;
    }
}

/// Pass 2 on the n ≤ W pairs of one chunk: r2s holds their r² on entry and their f_over_r on return; V (n values) is
/// written when not null. Padding lanes of a block get r² = 1 and are dropped.
template <typename T, typename Law>
__attribute__((noinline)) void eval_pair_chunk(const Law& law, T* r2s, T* V, int n) {
  constexpr int W = symmetric_width<Law, T>::value;
  alignas(64) T r2b[W], Vb[W], fb[W];
  for (int k = 0; k < W; ++k) r2b[k] = k < n ? r2s[k] : T(1);
  if constexpr (has_eval_block<Law, T>::value) {
    law.eval_block(r2b, Vb, fb);
  } else {
    for (int k = 0; k < n; ++k) law.eval(r2b[k], T(1), T(1), Vb[k], fb[k]);  // mass_independent: masses unused
  }
  for (int k = 0; k < n; ++k) r2s[k] = fb[k];
  if (V)
    for (int k = 0; k < n; ++k) V[k] = Vb[k];
}

/// Pass 3: a_i = (1/m_i) Σ_{j≠i, in j order} s_ij (q_i − q_j) for the rows [row0, row1) of one trajectory, G rows at a
/// time so that the s_ji of the rows below (j < i) are read as G consecutive values of row j's triangle.
/// s (N(N−1)/2, that trajectory's upper triangle), q (N, D), m (N), a (N, D).
template <typename T>
__attribute__((noinline)) void accumulate_symmetric_rows(const T* s, const T* q, const T* m, T* a, int N, int D,
                                                         int row0, int row1) {
  constexpr int G = 8;
  for (int i0 = row0; i0 < row1; i0 += G) {
    const int g = std::min(G, row1 - i0);
    T f[G][3] = {};
    for (int j = 0; j < N; ++j) {
      for (int r = 0; r < g; ++r) {
        const int i = i0 + r;
        if (j == i) continue;
        const T sij = j < i ? s[upper_pair_index(j, i, N)] : s[upper_pair_index(i, j, N)];
        for (int c = 0; c < D; ++c) f[r][c] = fmadd(sij, q[i * D + c] - q[j * D + c], f[r][c]);
      }
    }
    for (int r = 0; r < g; ++r)
      for (int c = 0; c < D; ++c) a[(i0 + r) * D + c] = f[r][c] / m[i0 + r];
  }
}

/// accelerations_cpu for a symmetric_law, each unordered pair evaluated once (the file comment's three passes).
/// pos (B, N, D), mass (B, N), acc (B, N, D) written; U (B) written when not null. threaded: each pass split across
/// the OpenMP threads (rows; chunks; groups of rows), with bitwise the same a and U as serial.
template <typename T, typename Law>
void accelerations_symmetric(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D, double* U,
                             bool threaded) {
  constexpr int W = symmetric_width<Law, T>::value;
  constexpr int G = 8;
  const std::size_t per = std::size_t(N) * (N - 1) / 2, total = per * B;
  thread_local std::vector<T> s_buffer, v_buffer;
  if (s_buffer.size() < total) s_buffer.resize(total);
  if (U && v_buffer.size() < total) v_buffer.resize(total);
  T* S = s_buffer.data();
  T* V = U ? v_buffer.data() : nullptr;
  const long long rows = (long long)B * N, chunks = (long long)((total + W - 1) / W);
  const long long groups_per_b = (N + G - 1) / G, groups = B * groups_per_b;
  auto pass1 = [&](long long row) {
    const int b = int(row / N), i = int(row % N);
    if (i + 1 < N)
      pair_r2_rows(pos + std::size_t(b) * N * D, N, D, i, i + 1,
                   S + std::size_t(b) * per + upper_pair_index(i, i + 1, N));
  };
  auto pass2 = [&](long long c) {
    const std::size_t k0 = std::size_t(c) * W;
    eval_pair_chunk(law, S + k0, V ? V + k0 : nullptr, int(std::min<std::size_t>(W, total - k0)));
  };
  auto pass3 = [&](long long gi) {
    const int b = int(gi / groups_per_b), i0 = int(gi % groups_per_b) * G;
    accumulate_symmetric_rows(S + std::size_t(b) * per, pos + std::size_t(b) * N * D, mass + std::size_t(b) * N,
                              acc + std::size_t(b) * N * D, N, D, i0, std::min(N, i0 + G));
  };
  if (!threaded) {  // the same three passes without any OpenMP construct (small training batches call this often)
    for (long long row = 0; row < rows; ++row) pass1(row);
    for (long long c = 0; c < chunks; ++c) pass2(c);
    for (long long gi = 0; gi < groups; ++gi) pass3(gi);
  } else {
#pragma omp parallel
    {
      // Pass 1: rows (b, i); row i has N − 1 − i pairs, so dynamic chunks of rows balance the threads.
#pragma omp for schedule(dynamic, 4)
      for (long long row = 0; row < rows; ++row) pass1(row);
      // Pass 2: chunks of W consecutive pairs of the whole buffer (rows and trajectories run on: no half-empty
      // blocks).
#pragma omp for schedule(static)
      for (long long c = 0; c < chunks; ++c) pass2(c);
      // Pass 3: groups of G rows; each row summed by one thread in j order.
#pragma omp for schedule(static)
      for (long long gi = 0; gi < groups; ++gi) pass3(gi);
    }
  }
  if (U)
    for (int b = 0; b < B; ++b) {
      double u = 0;
      for (std::size_t k = 0; k < per; ++k) u += V[std::size_t(b) * per + k];
      U[b] = u;
    }
}

}  // namespace detail
}  // namespace noether
