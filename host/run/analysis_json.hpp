// run/analysis_json.hpp — a trajectory analysis (physics/trajectory_analysis.hpp) as JSON: what `noether analyze` writes
// to DIR/analysis.json and the bulk generalization experiment embeds per rollout (docs/BULK.md "noether analyze").
#pragma once
#include <nlohmann/json.hpp>

#include "noether/physics/trajectory_analysis.hpp"

namespace noether {

/// {"particles", "dim", "trajectories", "frames", "frames_used", "species", "temperature": {mean, std, series},
///  "pressure": {…} (when known), "energy": {drift, series} (when known), "msd": {t, msd, diffusion} or {note},
///  "rdf": {r_max, bins, r, pairs: [{species: [a, b], g, first_peak: {r, g}}]} or {note}}. Series only when `series`.
nlohmann::json trajectory_analysis_json(const TrajectoryAnalysis& a, bool series = true);

/// The first maximum of g (bins) with centres r: the largest g before g first falls below half of it again.
void rdf_first_peak(const double* g, const double* r, int bins, double& r_peak, double& g_peak);

}  // namespace noether
