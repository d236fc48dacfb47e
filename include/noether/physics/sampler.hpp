// physics/sampler.hpp — seeded random initial states for B trajectories (documented in docs/CONFIG.md).
// Random numbers come from std::mt19937_64 turned into uniforms by bit arithmetic and Gaussians by
// Box–Muller, so a seed gives the same states with any C++ standard library.
#pragma once
#include <cstdint>
#include <vector>

#include "noether/physics/state.hpp"

namespace noether {

enum class VelocityDistribution { Uniform, Gaussian };

/// "uniform" sampler: positions uniform in the box [−box/2, box/2]^D (rejecting draws closer than
/// min_distance to an earlier particle), velocities uniform in [−scale, scale] or Gaussian with std
/// `scale` per component; planar = third coordinate and velocity 0 in 3-D; zero_momentum subtracts
/// the centre-of-mass velocity.
struct UniformSamplerSpec {
  int trajectories = 1, particles = 3, dim = 3;
  std::uint64_t seed = 0;
  double box = 2.0;
  double min_distance = 0.0;
  VelocityDistribution velocity = VelocityDistribution::Uniform;
  double velocity_scale = 0.5;
  bool planar = false;
  bool zero_momentum = true;
  std::vector<double> masses;  ///< (N), or one value for all particles
};

/// "perturb" sampler: base state + Gaussian noise of std position_noise / velocity_noise.
struct PerturbSamplerSpec {
  int trajectories = 1;
  std::uint64_t seed = 0;
  InitialState base;  ///< B = 1
  double position_noise = 0.0, velocity_noise = 0.0;
  bool planar = false;  ///< keep the third coordinate and velocity untouched in 3-D
  bool zero_momentum = false;
};

/// "fcc" sampler (bulk liquids and solids): 4 n_x n_y n_z particles on a face-centred cubic lattice of constant
/// a = (4 / density)^{1/3} in the periodic box [0, n_x a) x [0, n_y a) x [0, n_z a) (set as the state's box), each
/// site offset by a/4 (no particle on a wall); Gaussian velocities, momentum removed and rescaled to the exact
/// kinetic temperature T = 2K / (D (N − 1)) (k_B = 1). 3-D only.
struct FccSamplerSpec {
  int trajectories = 1;
  int cells[3] = {3, 3, 3};
  double density = 0.8, temperature = 1.0, mass = 1.0;
  std::uint64_t seed = 0;
};

InitialState sample_uniform(const UniformSamplerSpec& spec);
InitialState sample_fcc(const FccSamplerSpec& spec);
InitialState sample_perturbed(const PerturbSamplerSpec& spec);

/// Subtract the centre-of-mass velocity of each trajectory (total momentum → 0).
void remove_total_momentum(InitialState& s);

}  // namespace noether
