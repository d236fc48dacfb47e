// physics/forces.hpp — CPU all-pairs accelerations and potential energy, templated on the pair evaluator.
// The CPU twin of kernels/physics/allpairs.cu: same per-i summation order over j = 0..N-1, no atomics.
// With OpenMP the (trajectory, particle i) rows are split across threads; each row is still summed by
// one thread in the same order, so results do not depend on the thread count.
#pragma once
#include <cstddef>

namespace noether {

/// Accelerations of one batch:  a_i = (1/m_i) Σ_{j≠i} f_over_r(r_ij) (q_i − q_j).
/// pos is (B, N, D), mass is (B, N), acc is (B, N, D) written.
/// Threads are used only above kParallelPairs pair evaluations per call (small systems stay serial).
constexpr long long kParallelPairs = 1LL << 16;

template <typename T, typename Law>
void accelerations_cpu(const Law& law, const T* pos, const T* mass, T* acc, int B, int N, int D) {
  const long long rows = (long long)B * N;
#pragma omp parallel for schedule(static) if (rows * N > kParallelPairs)
  for (long long row = 0; row < rows; ++row) {
    const int b = int(row / N), i = int(row % N);
    const T* q = pos + std::size_t(b) * N * D;
    const T* m = mass + std::size_t(b) * N;
    T* a = acc + std::size_t(b) * N * D;
    {
      T f[3] = {0, 0, 0};
      for (int j = 0; j < N; ++j) {
        if (j == i) continue;
        T d[3] = {0, 0, 0};
        T r2 = 0;
        for (int c = 0; c < D; ++c) {
          d[c] = q[i * D + c] - q[j * D + c];
          r2 += d[c] * d[c];
        }
        T V, f_over_r;
        law.eval(r2, m[i], m[j], V, f_over_r);
        for (int c = 0; c < D; ++c) f[c] += f_over_r * d[c];
      }
      for (int c = 0; c < D; ++c) a[i * D + c] = f[c] / m[i];
    }
  }
}

/// Potential energy per trajectory:  U_b = Σ_{i<j} V(r_ij).  pos (B, N, D), mass (B, N), U (B).
template <typename T, typename Law>
void potential_energy_cpu(const Law& law, const T* pos, const T* mass, T* U, int B, int N, int D) {
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
          r2 += d * d;
        }
        T V, f_over_r;
        law.eval(r2, m[i], m[j], V, f_over_r);
        u += V;
      }
    U[b] = T(u);
  }
}

}  // namespace noether
