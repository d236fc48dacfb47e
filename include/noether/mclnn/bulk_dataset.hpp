// mclnn/bulk_dataset.hpp — bulk trajectory data for MCLNN training (docs/BULK_TRAINING.md): a trajectory .npz
// (mclnn/dataset.hpp's keys) with the optional bulk keys `box` (D), `periodic` (D) and `species` (N) that
// `noether simulate` writes for bulk runs, and per-species-pair pair-distance ranges under a cutoff.
#pragma once
#include <string>
#include <vector>

#include "noether/io/npz.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/physics/box.hpp"
#include "noether/physics/cutoff.hpp"

namespace noether {

struct BulkTrajectoryData {
  TrajectoryData traj;           ///< positions (wrapped or not), velocities, masses, times
  Box box;                       ///< present = false: open space (no `box` key)
  std::vector<int> species;      ///< (N) species indices; empty = all 0
  int S = 1;                     ///< number of species = 1 + the largest index
  std::vector<CutoffSpec> pair_cutoffs;  ///< (S, S) from keys `cutoff`, `r_on`, `smoothing`; empty when absent
  const int* species_ptr() const { return species.empty() ? nullptr : species.data(); }
};

/// Load a trajectory .npz: the keys of load_trajectory_data plus `box` (D) lengths > 0, `periodic` (D) flags
/// (default: every axis periodic; only with `box`), `species` (N) integers in [0, 64), and the cutoff per species pair
/// `cutoff` (S, S) >= 0 with optional `r_on` (S, S) and `smoothing` (S, S) codes 0 switch (default), 1 shifted_force,
/// 2 none (docs/FORMATS.md). Every error names the file and key. Throws noether::Error.
BulkTrajectoryData load_bulk_trajectory_data(const std::string& path, double frame_dt = 0.0);
BulkTrajectoryData bulk_trajectory_data_from_archive(const NpzArchive& archive, const std::string& source,
                                                     double frame_dt = 0.0);

/// Per unordered species pair (S(S+1)/2, mclnn/bulk_adjoint.hpp's species_pair_index order): the range of the
/// minimum-image pair distances r < r_max (r_max ≤ 0: all) over every frame of the given trajectories; min, max and
/// the 5th/50th/95th percentiles as in pair_distance_range, upper = max. A species pair without any such distance
/// gets all zeros.
std::vector<DistanceRange> species_pair_distance_ranges(const BulkTrajectoryData& data,
                                                        const std::vector<int>& trajectories, double r_max);

}  // namespace noether
