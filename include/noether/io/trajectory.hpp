// io/trajectory.hpp — trajectory files (.npz, docs/FORMATS.md): reading initial states, writing trajectories.
#pragma once
#include <string>
#include <vector>

#include "noether/io/npz.hpp"
#include "noether/physics/state.hpp"

namespace noether {

/// Load an initial state from a .npz: positions/velocities (B, N, D) or (N, D) (= one trajectory) or a
/// trajectory file's (B, T, N, D) (its first frame); masses (N) or (B, N).
InitialState load_initial_state_npz(const std::string& path);

/// Validate a trajectory archive (docs/FORMATS.md) once, before any array is indexed: every key of `required` is
/// present; 'positions' is (B, T, N, D) with D = 2 or 3 and no empty axis; every known key that is present has the
/// shape the format gives it relative to positions and times (velocities, accelerations (B, T, N, D); masses (N) or
/// (B, N); times (T); kinetic_energy, potential_energy, lagrangian, hamiltonian (B, T); linear_momentum (B, T, D);
/// angular_momentum (B, T) in 2-D, (B, T, 3) in 3-D; the bulk keys box, periodic (D); species (N); images (B, T, N, D);
/// virial, temperature, pressure, msd (B, T)); and every value of those keys is finite (masses > 0).
/// Errors name the file and the key. Returns {B, T, N, D}.
std::vector<std::size_t> check_trajectory_archive(const NpzArchive& a, const std::string& path,
                                                  const std::vector<std::string>& required);

/// A trajectory file read back for analysis (`noether analyze`): positions (required), velocities, masses, times and the
/// energies (kinetic_energy, potential_energy into frames[t].kinetic / .potential), and the bulk keys box, periodic,
/// species, images, virial when present. Absent optional arrays stay empty (times: 0, 1, 2, …; masses: 1). Validated
/// by check_trajectory_archive, plus: box lengths > 0, periodic 0 or 1, species and images integers (species ≥ 0).
/// Errors name `path` and the key.
Trajectory trajectory_from_archive(const NpzArchive& a, const std::string& path);

/// The arrays of a trajectory file in the order they are written (positions, velocities, accelerations, masses,
/// times, then the observables; docs/FORMATS.md): what write_trajectory_npz writes, and what the Python API returns.
std::vector<NpzEntry> trajectory_npz_entries(const Trajectory& traj);

/// Write a trajectory as a .npz: positions, velocities, accelerations, masses, times and observables (docs/FORMATS.md).
void write_trajectory_npz(const std::string& path, const Trajectory& traj);

}  // namespace noether
