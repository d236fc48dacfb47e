// support/spring_data.hpp — a small in-memory training set for the learning tests: B planar trajectories of
// 3 unit masses under the linear spring k = 1, r0 = 1, integrated with velocity Verlet (dt 0.01,
// stride 10, so frames are 0.1 apart), from seeded random states.
#pragma once
#include <algorithm>
#include <random>
#include <vector>

#include "noether/mclnn/dataset.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/verlet.hpp"

namespace noether_test {

/// The data set; when `acc` is given it receives the true accelerations of every frame (B, T, N, D).
inline noether::TrajectoryData spring_data(int B, int T, unsigned seed, std::vector<double>* acc = nullptr) {
  using namespace noether;
  TrajectoryData d;
  d.source = "in-memory";
  d.B = B, d.T = T, d.N = 3, d.D = 2;
  d.frame_dt = 0.1;
  for (int t = 0; t < T; ++t) d.times.push_back(0.1 * t);
  d.mass.assign(std::size_t(B) * 3, 1.0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  const LinearSpring<double> law{1.0, 1.0};
  d.pos.resize(std::size_t(B) * T * 6), d.vel.resize(d.pos.size());
  if (acc) acc->resize(d.pos.size());
  for (int b = 0; b < B; ++b) {
    std::vector<double> q(6), v(6), a(6), m(3, 1.0);
    for (int k = 0; k < 6; ++k) q[k] = 0.8 * u(rng), v[k] = 0.4 * u(rng);
    accelerations_cpu(law, q.data(), m.data(), a.data(), 1, 3, 2);
    for (int t = 0; t < T; ++t) {
      if (t > 0) verlet_steps_cpu(law, q.data(), v.data(), a.data(), m.data(), 1, 3, 2, 0.01, 10);
      const std::size_t o = (std::size_t(b) * T + t) * 6;
      std::copy(q.begin(), q.end(), d.pos.begin() + o);
      std::copy(v.begin(), v.end(), d.vel.begin() + o);
      if (acc) std::copy(a.begin(), a.end(), acc->begin() + o);
    }
  }
  return d;
}

}  // namespace noether_test
