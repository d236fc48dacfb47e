// io/xyz.hpp — extended XYZ output of a trajectory (the text format ASE, OVITO and MDAnalysis read), for viewing and
// analysing noether runs in those tools: one block per saved frame,
//   N
//   Lattice="Lx 0 0 0 Ly 0 0 0 Lz" Properties=species:S:1:pos:R:3:velo:R:3:mass:R:1:noether_species:I:1 pbc="T T T" Time=t
//   X x y z vx vy vz m s                                          (one line per particle)
// `species` is the dummy element X for every particle (noether is unit-free; ASE needs a chemical symbol there) and
// the particle's noether species index is the integer column `noether_species`. Lattice and pbc come from the box
// (a 2-D run gets z = 0, an open z axis of length 1 and pbc F on it); open space writes pbc="F F F" and no Lattice.
// Positions are written as stored (wrapped into the box in bulk runs). Numbers shortest-round-trip (%.17g).
#pragma once
#include <string>
#include <vector>

#include "noether/physics/box.hpp"

namespace noether {

/// One trajectory's frames: pos, vel (T, N, D), mass (N), species (N) or empty (all 0), times (T), D = 2 or 3.
struct XyzTrajectory {
  int T = 0, N = 0, D = 0;
  const double* pos = nullptr;
  const double* vel = nullptr;
  const double* mass = nullptr;
  const int* species = nullptr;
  const double* times = nullptr;
  Box box;
};

/// The extended XYZ text of every frame (see the file comment).
std::string trajectory_xyz(const XyzTrajectory& t);
/// Write it atomically (temporary name + rename: never a partial file).
void write_trajectory_xyz(const std::string& path, const XyzTrajectory& t);

}  // namespace noether
