// physics/observables.hpp — per-frame physical observables of a batch of trajectories (CPU twin of the
// device reduction in kernels/physics/observables.cu).
//   K = Σ ½ m |v|²,  U = Σ_{i<j} V(r_ij),  L = K − U,  H = K + U,
//   P = Σ m v  (D components),  J = Σ m q × v  (3 components in 3-D; the scalar z-component in 2-D).
#pragma once
#include <cstddef>
#include <vector>

#include "noether/physics/forces.hpp"

namespace noether {

/// Number of angular-momentum components stored per frame: 3 in 3-D, 1 (scalar) in 2-D.
inline int angular_components(int D) { return D == 3 ? 3 : 1; }

/// Observables of B trajectories at one frame (always float64: they are sums over many particles).
struct FrameObservables {
  std::vector<double> kinetic;    ///< (B)
  std::vector<double> potential;  ///< (B)
  std::vector<double> momentum;   ///< (B, D)
  std::vector<double> angular;    ///< (B, angular_components(D))
};

/// Kinetic energy, linear and angular momentum of one frame; pos, vel (B, N, D), mass (B, N).
/// Leaves `potential` untouched (see potential_energy_cpu). Sums in float64.
template <typename T>
void kinematic_observables_cpu(const T* pos, const T* vel, const T* mass, int B, int N, int D,
                               FrameObservables& out) {
  const int A = angular_components(D);
  out.kinetic.assign(B, 0.0);
  out.momentum.assign(std::size_t(B) * D, 0.0);
  out.angular.assign(std::size_t(B) * A, 0.0);
  for (int b = 0; b < B; ++b)
    for (int i = 0; i < N; ++i) {
      const std::size_t o = (std::size_t(b) * N + i) * D;
      const double m = mass[std::size_t(b) * N + i];
      double q[3] = {0, 0, 0}, v[3] = {0, 0, 0};
      for (int c = 0; c < D; ++c) q[c] = pos[o + c], v[c] = vel[o + c];
      out.kinetic[b] += 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      for (int c = 0; c < D; ++c) out.momentum[b * D + c] += m * v[c];
      const double jz = m * (q[0] * v[1] - q[1] * v[0]);
      if (A == 3) {
        out.angular[b * 3 + 0] += m * (q[1] * v[2] - q[2] * v[1]);
        out.angular[b * 3 + 1] += m * (q[2] * v[0] - q[0] * v[2]);
        out.angular[b * 3 + 2] += jz;
      } else {
        out.angular[b] += jz;
      }
    }
}

}  // namespace noether
