// physics/state.hpp — initial states and trajectories of a batch: B trajectories of N particles in D = 2 or 3.
#pragma once
#include <string>
#include <vector>

#include "noether/physics/box.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/observables.hpp"
#include "noether/physics/support_visits.hpp"

namespace noether {

/// Initial state of B trajectories (always float64 on the host; cast to the run's precision).
struct InitialState {
  int B = 0, N = 0, D = 0;
  std::vector<double> pos;   ///< (B, N, D)
  std::vector<double> vel;   ///< (B, N, D)
  std::vector<double> mass;  ///< (B, N)
  std::vector<int> species;  ///< (N) species indices, or empty (one species); the same in every trajectory
  Box box;                   ///< open space unless a .npz 'box' key, a sampler or the config's "box" sets it
};

/// A simulated trajectory batch with its observables, in float64 on the host.
struct Trajectory {
  int B = 0, T = 0, N = 0, D = 0;
  bool float32 = false;      ///< computed in float32 (written as float32)
  std::vector<double> pos;   ///< (B, T, N, D)
  std::vector<double> vel;   ///< (B, T, N, D)
  std::vector<double> acc;   ///< (B, T, N, D)
  std::vector<double> mass;  ///< (B, N)
  std::vector<double> times; ///< (T)
  std::vector<FrameObservables> frames;  ///< T entries, each over B trajectories
  // Bulk runs only (physics/bulk.hpp); empty / open space / 0 otherwise, and then not written.
  Box box;
  std::vector<int> species;  ///< (N)
  std::vector<int> images;   ///< (B, T, N, D) image counters: unwrapped = pos + images · L on periodic axes
  std::vector<double> virial;  ///< (B, T) pair virial W = Σ_{i<j} r_ij · F_ij
  long neighbor_builds = 0;    ///< neighbor-list builds summed over trajectories (0: all pairs)
  std::vector<double> rdf;     ///< (S, S, bins) g(r) per species pair over all saved frames, or empty
  double rdf_r_max = 0;        ///< bins cover [0, rdf_r_max)
  int rdf_species = 0, rdf_bins = 0;
  /// The run's cutoff per species pair, (S, S) with S = cutoff_species (written as the npz keys cutoff, r_on and
  /// smoothing, which bulk training reads: docs/FORMATS.md, docs/BULK_TRAINING.md); empty for open-space runs.
  std::vector<CutoffSpec> pair_cutoffs;
  int cutoff_species = 0;
  /// Pair visits outside the trained range of a learned or tabulated law, counted on the saved frames
  /// (physics/support_visits.hpp; not counted, S = 0, for laws without a known support).
  SupportVisits support_visits;
};

/// Validate shapes, finiteness and positive masses; `where` names the source in errors
/// (e.g. "init.npz" or "config.json: initial_state"). Throws noether::Error.
void validate_initial_state(const InitialState& s, const std::string& where);

}  // namespace noether
