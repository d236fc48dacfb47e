// physics/trajectory_analysis.hpp — the observables of a saved trajectory in one pass (`noether analyze`, the bulk
// generalization experiment): temperature, virial pressure and energy over time, the energy drift, the mean-squared
// displacement and the diffusion coefficient, g(r) per species pair. Formulas: physics/bulk_observables.hpp.
#pragma once
#include <string>
#include <vector>

#include "noether/physics/state.hpp"

namespace noether {

struct TrajectoryAnalysisOptions {
  int rdf_bins = 100;
  double rdf_r_max = 0;   ///< 0: min(5 (V/N)^{1/D}, half the shortest periodic edge) — five mean spacings, within
                          ///< what the minimum image allows
  double fit_from = 0.5;  ///< the diffusion fit uses frames with t ≥ fit_from · t_last
  int skip_frames = 0;    ///< leave out the first frames (equilibration) from the averages and g(r)
};

/// What `analyze_trajectory` found; time series are averages over the B trajectories, per frame (T).
struct TrajectoryAnalysis {
  int B = 0, T = 0, N = 0, D = 0, S = 1;  ///< S species
  int frames_used = 0;                    ///< T − skip_frames
  std::vector<double> times;              ///< (T)
  std::vector<double> temperature;        ///< (T) kinetic temperature; empty without velocities and masses
  std::vector<double> pressure;           ///< (T) virial pressure; empty without a virial or a box volume
  std::vector<double> energy;             ///< (T) K + U; empty without both energies
  double temperature_mean = 0, temperature_std = 0;  ///< over the used frames and trajectories
  double pressure_mean = 0, pressure_std = 0;
  double energy_drift = 0;  ///< max_t |H(t) − H(0)| / |H(0)|, the largest over trajectories (0 without energies)
  std::vector<double> msd;  ///< (T) from the first used frame, unwrapped; empty when a periodic box has no images
  double diffusion = 0;     ///< from msd (diffusion_coefficient); 0 when msd is empty or too short
  std::string msd_note;     ///< why msd is empty, if it is
  // g(r) per species pair over the used frames of every trajectory; empty without a box.
  int rdf_bins = 0;
  double rdf_r_max = 0;
  std::vector<double> rdf;  ///< (S, S, bins)
  std::vector<double> rdf_r;  ///< (bins) bin centres
  std::string rdf_note;       ///< why rdf is empty, if it is
};

/// Analyse a trajectory (physics/state.hpp; from a run or io/trajectory.hpp trajectory_from_archive). Throws
/// noether::Error on options that do not fit it (skip_frames ≥ T, r_max beyond half a periodic edge), naming the option
/// as `noether analyze` spells it.
TrajectoryAnalysis analyze_trajectory(const Trajectory& t, const TrajectoryAnalysisOptions& opt);

/// max_r |g_a(r) − g_b(r)| / max_r g_a(r) over bins with centre ≤ r_limit (all when r_limit ≤ 0): the relative g(r)
/// deviation of issue 18 (a the reference). g_a, g_b (bins) on the same bins, r (bins) the centres.
double rdf_relative_deviation(const double* g_a, const double* g_b, const double* r, int bins, double r_limit);

}  // namespace noether
