// io/trajectory.hpp — trajectory files (.npz, docs/FORMATS.md): reading initial states, writing trajectories.
#pragma once
#include <string>

#include "noether/physics/state.hpp"

namespace noether {

/// Load an initial state from a .npz: positions/velocities (B, N, D) or (N, D) (= one trajectory) or a
/// trajectory file's (B, T, N, D) (its first frame); masses (N) or (B, N).
InitialState load_initial_state_npz(const std::string& path);

/// Write a trajectory as a .npz: positions, velocities, accelerations, masses, times and observables (docs/FORMATS.md).
void write_trajectory_npz(const std::string& path, const Trajectory& traj);

}  // namespace noether
