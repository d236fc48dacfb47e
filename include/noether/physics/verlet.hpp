// physics/verlet.hpp — velocity Verlet on the CPU for a batch of trajectories (B, N, D).
//   q' = q + v dt + ½ a dt²;   a' = a(q');   v' = v + ½ (a + a') dt
// Symplectic, second order, time-reversible.
#pragma once
#include <cstddef>
#include <vector>

#include "noether/physics/forces.hpp"

namespace noether {

/// Advance `steps` Verlet steps in place. pos, vel, acc are (B, N, D); mass is (B, N).
/// acc must hold a(pos) on entry and holds a(pos) of the final state on exit. When U is not null it
/// receives the potential energy (B) of the final state, from the final step's force pass (no extra pass).
template <typename T, typename Law>
void verlet_steps_cpu(const Law& law, T* pos, T* vel, T* acc, const T* mass, int B, int N, int D, T dt,
                      long steps, double* U = nullptr) {
  const std::size_t n = std::size_t(B) * N * D;
  std::vector<T> acc_new(n);
  for (long s = 0; s < steps; ++s) {
    for (std::size_t k = 0; k < n; ++k) pos[k] += vel[k] * dt + T(0.5) * acc[k] * dt * dt;
    accelerations_cpu(law, pos, mass, acc_new.data(), B, N, D, s + 1 == steps ? U : nullptr);
    for (std::size_t k = 0; k < n; ++k) {
      vel[k] += T(0.5) * (acc[k] + acc_new[k]) * dt;
      acc[k] = acc_new[k];
    }
  }
}

}  // namespace noether
