// run/analysis_json.cpp — trajectory_analysis_json (run/analysis_json.hpp).
#include "run/analysis_json.hpp"

#include <algorithm>

namespace noether {

void rdf_first_peak(const double* g, const double* r, int bins, double& r_peak, double& g_peak) {
  r_peak = 0, g_peak = 0;
  for (int k = 0; k < bins; ++k) {
    if (g[k] > g_peak) g_peak = g[k], r_peak = r[k];
    if (g_peak > 0 && g[k] < 0.5 * g_peak) break;
  }
}

nlohmann::json trajectory_analysis_json(const TrajectoryAnalysis& a, bool series) {
  using nlohmann::json;
  json j = {{"particles", a.N}, {"dim", a.D}, {"trajectories", a.B}, {"frames", a.T}, {"frames_used", a.frames_used},
            {"species", a.S}};
  if (series) j["times"] = a.times;
  if (!a.temperature.empty()) {
    j["temperature"] = {{"mean", a.temperature_mean}, {"std", a.temperature_std}};
    if (series) j["temperature"]["series"] = a.temperature;
  }
  if (!a.pressure.empty()) {
    j["pressure"] = {{"mean", a.pressure_mean}, {"std", a.pressure_std}};
    if (series) j["pressure"]["series"] = a.pressure;
  }
  if (!a.energy.empty()) {
    j["energy"] = {{"drift", a.energy_drift}};
    if (series) j["energy"]["series"] = a.energy;
  }
  if (!a.msd.empty()) {
    j["msd"] = {{"final", a.msd.back()}, {"diffusion", a.diffusion}};
    if (series) j["msd"]["series"] = a.msd;
  } else {
    j["msd"] = {{"note", a.msd_note}};
  }
  if (a.rdf.empty()) {
    j["rdf"] = {{"note", a.rdf_note}};
    return j;
  }
  json pairs = json::array();
  for (int x = 0; x < a.S; ++x)
    for (int y = x; y < a.S; ++y) {
      const double* g = a.rdf.data() + (std::size_t(x) * a.S + y) * a.rdf_bins;
      double rp, gp;
      rdf_first_peak(g, a.rdf_r.data(), a.rdf_bins, rp, gp);
      json p = {{"species", {x, y}}, {"first_peak", {{"r", rp}, {"g", gp}}}};
      if (series) p["g"] = std::vector<double>(g, g + a.rdf_bins);
      pairs.push_back(p);
    }
  j["rdf"] = {{"r_max", a.rdf_r_max}, {"bins", a.rdf_bins}, {"pairs", pairs}};
  if (series) j["rdf"]["r"] = a.rdf_r;
  return j;
}

}  // namespace noether
