// physics/forces_symmetric.hpp — Newton's third law for the block pair laws (the learned pair MLP) in
// accelerations_cpu: each unordered pair {i, j} goes through the network once instead of twice, with results
// bitwise equal to evaluating every ordered pair (i, j ≠ i) as the ordered paths of forces.hpp do.
//
// Why the results are bitwise the same. For the ordered pair (j, i) the ordered path computes
// d′ = q_j − q_i = −(q_i − q_j) exactly (IEEE subtraction is antisymmetric), so r′² = Σ d′² = r² bit for bit,
// and the law's f_over_r(r²) is the same lane arithmetic for either pair (eval_block computes every lane with the
// same operations). Caching s_ij = f_over_r(r_ij²) per unordered pair and then accumulating, for every row i and
// every j ≠ i in j order, f_i += s_ij · (q_i − q_j) — the same expression as the ordered path, the difference
// recomputed per row — therefore gives every acceleration bit for bit, in any thread count. The potential energy is
// one running float64 sum per trajectory over the pairs (i, j > i) in lexicographic order, serial or threaded (the
// threaded pass keeps each pair's V and sums them afterwards in that order): potential_energy_cpu's order.
//
// Serial and threaded passes give bitwise the same a and U, so whether to use threads is a question of speed only,
// and it is answered by measuring (SymmetricThreading): small systems on a loaded machine run faster on one thread,
// the same systems on an idle one faster on two (N = 100: 1.2–1.75× on two idle cores, several times slower on
// two busy ones; docs/PERFORMANCE.md).
//
// Cost: half the pair evaluations, plus a buffer of B·N(N−1)/2 values of T (thread-local, reused between calls; a
// second one for V when threaded with U); beyond kSymmetricPairsMax pairs accelerations_cpu keeps the ordered paths.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace noether {

/// Largest B·N(N−1)/2 for which accelerations_cpu caches the pair values (2²⁴: 128 MiB in float64).
constexpr long long kSymmetricPairsMax = 1LL << 24;

/// Fewest unordered pairs per call for which accelerations_cpu considers threads for the symmetric path (N ≈ 32).
constexpr long long kSymmetricThreadedPairsMin = 1LL << 9;

/// Chooses serial or threaded passes of accelerations_symmetric by timing both (their results are bitwise equal, so
/// the choice changes the speed only). Per calling thread (thread_local) and per problem size: after two warm-up
/// calls (one per mode), one timed call in each mode; then the faster mode by an exponential average of the measured
/// seconds per call (weight 1/4 for the newest), with a probe — one call in the other mode, whose time replaces that
/// mode's average — now and then so that a change of load changes the choice. The probes back off: every kProbeFirst calls at first, twice as far apart each time the probe
/// loses, up to kProbeMost; back to kProbeFirst when a probe wins. (On two busy cores a threaded call waits for a
/// descheduled thread — measured ~13 ms against 0.5 ms serial at N = 100 — so frequent probes would cost more than
/// the choice saves.) Serial whenever threads cannot help: fewer than kSymmetricThreadedPairsMin pairs, one OpenMP
/// thread, or a call from inside a parallel region.
class SymmetricThreading {
 public:
  static constexpr long long kProbeFirst = 32, kProbeMost = 4096;

  /// Whether the next call with `pairs` unordered pairs should be threaded; `timed` says whether to time it.
  bool choose(long long pairs, bool& timed) {
    timed = probing_ = false;
    if (pairs < kSymmetricThreadedPairsMin || !threads_available()) return false;
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

/// Phase 2: a_i = (1/m_i) Σ_{j≠i, in j order} s_ij (q_i − q_j) for the rows [row0, row1) of trajectory b, G rows at a
/// time so that the s_ji of the rows below (j < i) are read as G consecutive values of row j's triangle.
/// s (N(N−1)/2, upper triangle of trajectory b), pos/mass/acc of trajectory b: (N, D), (N), (N, D).
template <typename T>
void accumulate_symmetric_rows(const T* s, const T* q, const T* m, T* a, int N, int D, int row0, int row1) {
  constexpr int G = 8;
  for (int i0 = row0; i0 < row1; i0 += G) {
    const int g = std::min(G, row1 - i0);
    T f[G][3] = {};
    for (int j = 0; j < N; ++j) {
      for (int r = 0; r < g; ++r) {
        const int i = i0 + r;
        if (j == i) continue;
        const T sij = j < i ? s[upper_pair_index(j, i, N)] : s[upper_pair_index(i, j, N)];
        for (int c = 0; c < D; ++c) f[r][c] += sij * (q[i * D + c] - q[j * D + c]);
      }
    }
    for (int r = 0; r < g; ++r)
      for (int c = 0; c < D; ++c) a[(i0 + r) * D + c] = f[r][c] / m[i0 + r];
  }
}

/// accelerations_cpu for a law with eval_block, each unordered pair evaluated once (see the file comment).
/// pos (B, N, D), mass (B, N), acc (B, N, D) written; U (B) written when not null.
/// threaded: phase 1 splits the rows (b, i) with their pairs j > i across threads, each row in its own blocks; serial:
/// the pairs (b, i, j > i) in lexicographic order fill the blocks across rows. Both give bitwise the same a and U.
template <typename T, typename Law>
void accelerations_symmetric(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D, double* U,
                             bool threaded) {
  constexpr int KB = Law::kBlock;
  const std::size_t per = std::size_t(N) * (N - 1) / 2;
  thread_local std::vector<T> buffer;
  if (buffer.size() < per * B) buffer.resize(per * B);
  T* S = buffer.data();
  const long long rows = (long long)B * N;
  if (!threaded) {
    alignas(64) T r2b[KB], Vb[KB], fb[KB];
    std::size_t slot[KB];
    int trj[KB];
    std::vector<double> running(U ? std::size_t(B) : 0, 0.0);
    auto flush = [&](int n) {
      for (int k = n; k < KB; ++k) r2b[k] = T(1);  // padding lanes: r² = 1, unused
      law.eval_block(r2b, Vb, fb);
      for (int k = 0; k < n; ++k) {
        S[slot[k]] = fb[k];
        if (U) running[trj[k]] += Vb[k];
      }
    };
    int n = 0;
    for (int b = 0; b < B; ++b) {
      const T* q = pos + std::size_t(b) * N * D;
      std::size_t idx = std::size_t(b) * per;
      for (int i = 0; i < N; ++i)
        for (int j = i + 1; j < N; ++j, ++idx) {
          T r2 = 0;
          for (int c = 0; c < D; ++c) {
            const T d = q[i * D + c] - q[j * D + c];
            r2 += d * d;
          }
          r2b[n] = r2, slot[n] = idx, trj[n] = b;
          if (++n == KB) flush(n), n = 0;
        }
    }
    if (n > 0) flush(n);
    for (int b = 0; b < B; ++b)
      accumulate_symmetric_rows(S + std::size_t(b) * per, pos + std::size_t(b) * N * D, mass + std::size_t(b) * N,
                                acc + std::size_t(b) * N * D, N, D, 0, N);
    if (U)
      for (int b = 0; b < B; ++b) U[b] = running[b];
    return;
  }
  thread_local std::vector<T> v_buffer;  // each pair's V, summed in lexicographic order after phase 1
  if (U && v_buffer.size() < per * B) v_buffer.resize(per * B);
  T* Vp = U ? v_buffer.data() : nullptr;
  constexpr int G = 8;
  const long long groups_per_b = (N + G - 1) / G;
#pragma omp parallel
  {
    // Phase 1: rows (b, i), their pairs j > i in blocks of KB. Row i has N − 1 − i pairs: dynamic chunks balance.
#pragma omp for schedule(dynamic, 4)
    for (long long row = 0; row < rows; ++row) {
      const int b = int(row / N), i = int(row % N);
      const T* q = pos + std::size_t(b) * N * D;
      const std::size_t first = std::size_t(b) * per + upper_pair_index(i, i + 1, N);
      T* s = S + first;
      alignas(64) T r2b[KB], Vb[KB], fb[KB];
      for (int j0 = i + 1; j0 < N; j0 += KB) {
        const int n = std::min(KB, N - j0);
        for (int k = 0; k < n; ++k) {
          const int j = j0 + k;
          T r2 = 0;
          for (int c = 0; c < D; ++c) {
            const T d = q[i * D + c] - q[j * D + c];
            r2 += d * d;
          }
          r2b[k] = r2;
        }
        for (int k = n; k < KB; ++k) r2b[k] = T(1);
        law.eval_block(r2b, Vb, fb);
        for (int k = 0; k < n; ++k) s[j0 - i - 1 + k] = fb[k];
        if (Vp)
          for (int k = 0; k < n; ++k) Vp[first + (j0 - i - 1) + k] = Vb[k];
      }
    }  // implicit barrier: every s_ij is written before phase 2 reads it
    // Phase 2: groups of G rows; each row summed by one thread in j order.
#pragma omp for schedule(static)
    for (long long gi = 0; gi < (long long)B * groups_per_b; ++gi) {
      const int b = int(gi / groups_per_b), i0 = int(gi % groups_per_b) * G;
      accumulate_symmetric_rows(S + std::size_t(b) * per, pos + std::size_t(b) * N * D, mass + std::size_t(b) * N,
                                acc + std::size_t(b) * N * D, N, D, i0, std::min(N, i0 + G));
    }
  }
  if (U)
    for (int b = 0; b < B; ++b) {
      double u = 0;
      for (std::size_t k = 0; k < per; ++k) u += Vp[std::size_t(b) * per + k];
      U[b] = u;
    }
}

}  // namespace detail
}  // namespace noether
