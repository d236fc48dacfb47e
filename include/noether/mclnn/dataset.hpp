// mclnn/dataset.hpp — trajectory data sets for training: a trajectory .npz (docs/FORMATS.md) loaded, validated
// (shapes, finiteness, masses, evenly spaced times) and cut into segments (a start frame and the
// `horizon` saved frames after it), split into training and validation sets by trajectory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "noether/core/rng.hpp"
#include "noether/io/npz.hpp"

namespace noether {

/// B trajectories of T saved frames, N particles in D dimensions, float64 on the host.
struct TrajectoryData {
  std::string source;             ///< file name, for messages
  int B = 0, T = 0, N = 0, D = 0;
  std::vector<double> pos, vel;   ///< (B, T, N, D)
  std::vector<double> mass;       ///< (B, N)
  std::vector<double> times;      ///< (T), first 0 not required; evenly spaced
  double frame_dt = 0;            ///< times[1] − times[0]

  const double* q(int b, int t) const { return pos.data() + (std::size_t(b) * T + t) * N * D; }
  const double* v(int b, int t) const { return vel.data() + (std::size_t(b) * T + t) * N * D; }
  const double* m(int b) const { return mass.data() + std::size_t(b) * N; }
};

/// Load and validate a trajectory .npz: `positions`, `velocities` (B, T, N, D) with T >= 2, D = 2 or 3;
/// `masses` (N) or (B, N), finite and > 0; `times` (T) strictly increasing and evenly spaced (relative
/// tolerance 1e-6). When the file has no `times`, `frame_dt` (> 0) must be given and defines them; when
/// both are present they must agree. Every error names the file and key. Throws noether::Error.
TrajectoryData load_trajectory_data(const std::string& path, double frame_dt = 0.0);

/// The same for arrays already in memory (the Python API's trajectories); `source` names them in errors.
TrajectoryData trajectory_data_from_archive(const NpzArchive& archive, const std::string& source, double frame_dt = 0.0);

/// A training sample: trajectory b, start frame t; targets are frames t+1 … t+horizon.
struct Segment {
  int b, t;
};

/// Split trajectory indices 0…B−1 into validation (a seeded random `val_fraction` of them, at least one
/// when B >= 2 and val_fraction > 0) and training (the rest, at least one).
void split_trajectories(int B, double val_fraction, std::uint64_t seed, std::vector<int>& train,
                        std::vector<int>& val);

/// All segments of the given trajectories with `horizon` target frames (start frames 0 … T−1−horizon).
std::vector<Segment> make_segments(const TrajectoryData& data, const std::vector<int>& trajectories, int horizon);

/// Every pair distance r_ij (i < j) of every frame of the given trajectories, in data order.
std::vector<double> pair_distances(const TrajectoryData& data, const std::vector<int>& trajectories);

/// Pair distances of all frames of the given trajectories: min, max, the 5th/50th/95th percentiles (the
/// sample at index round(p·(n − 1)) of the sorted distances), and the upper edge of the network's input
/// scaling, robust to a tail of escaping particles:
///   upper = min(max, min + kScalingBulkFactor·(p50 − min)),
/// i.e. the scaling covers at most kScalingBulkFactor times the distance from the closest approach to the
/// median. A bound or scattering data set (the paper's springs and gravity) has max well inside it and keeps
/// upper = max; one escaping particle (distances up to 25 while the structure is at 0.75–3) no longer stretches
/// the input range over the empty tail.
struct DistanceRange {
  double min = 0, max = 0, p05 = 0, p95 = 0, p50 = 0;
  double upper = 0;  ///< the upper edge of the input scaling (above); == max when there is no tail
};
constexpr double kScalingBulkFactor = 4.0;
DistanceRange pair_distance_range(const TrajectoryData& data, const std::vector<int>& trajectories);

/// What the model knows: a histogram of the training pair distances, `counts.size()` equal bins over
/// [lo, hi] = [min, upper] of the DistanceRange (bin k = [lo + k·w, lo + (k+1)·w), the last one closed, w =
/// (hi − lo)/bins), and the number of distances above hi (`above`, the escaping tail). `total` = all distances.
struct DistanceHistogram {
  double lo = 0, hi = 0;
  std::vector<long> counts;
  long above = 0, total = 0;
  /// Support density at r: the share of training distances per unit r, counts[k]/(total·w) in bin k; 0
  /// outside [lo, hi].
  double density(double r) const;
};
DistanceHistogram pair_distance_histogram(const TrajectoryData& data, const std::vector<int>& trajectories,
                                          int bins = 100);

/// RMS of m_i |a_i| over the given trajectories, with a from central differences of the velocities
/// (a force scale used to normalise a learned potential's output).
double force_scale(const TrajectoryData& data, const std::vector<int>& trajectories);

}  // namespace noether
