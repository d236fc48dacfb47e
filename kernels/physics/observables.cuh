// physics/observables.cuh — per-frame observables reduced on the device (GPU twin of physics/observables.hpp).
// One block per trajectory, cub::BlockReduce over particles, every sum in float64; CUB's block
// reduction has a fixed order for a fixed block size, so results are bitwise reproducible.
#pragma once
#include <cuda_runtime.h>

namespace noether {
namespace cuda {

/// Values per trajectory in the packed observables row:
///   [K, U, P_0 … P_{D−1}, J_0 … J_{A−1}],  A = 3 in 3-D, 1 (J_z) in 2-D.
inline int observables_width(int D) { return 2 + D + (D == 3 ? 3 : 1); }

/// out (B, observables_width(D)) ← K, U = Σ_i pot_i, P, J of each trajectory;
/// nonfinite (B) ← 1 where any position, velocity, acceleration or pot_i of the trajectory is NaN/Inf.
/// Device pointers: pos, vel, acc (B, N, D); mass (B, N); pot (B, N) float64 per-particle potentials.
template <typename T>
void launch_frame_observables(const T* pos, const T* vel, const T* acc, const T* mass, const double* pot, int B,
                              int N, int D, double* out, int* nonfinite, cudaStream_t stream);

/// out (B) ← Σ_i x[b, i] in float64 for x (B, N), one block per row.
void launch_row_sums(const double* x, int B, int N, double* out, cudaStream_t stream);

}  // namespace cuda
}  // namespace noether
