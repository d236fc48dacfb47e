// mclnn/evaluate_report.cpp — see mclnn/evaluate_report.hpp.
#include "noether/mclnn/evaluate_report.hpp"

namespace noether {

cfg::json potential_report(const PotentialComparison& pc, const ModelFile& model, const std::string& model_name) {
  cfg::json out = {{"r_min", pc.r_min}, {"r_max", pc.r_max}, {"p05", pc.p05}, {"p95", pc.p95},
                   {"V_offset", pc.V_offset}, {"dVdr_rel_l2_uniform", pc.dVdr_rel_l2_uniform}};
  const cfg::json meta = model.metadata.empty() ? cfg::json::object() : cfg::json::parse(model.metadata);
  if (meta.contains("training") && meta.at("training").contains("pair_distance_histogram")) {
    const DistanceHistogram h = model_training_histogram(model, model_name);
    out["support"] = {{"lo", h.lo}, {"hi", h.hi}, {"share_above_hi", double(h.above) / double(h.total)},
                      {"distances", h.total}};
  }
  return out;
}

cfg::json rollout_report(const RolloutComparison& rc) {
  return {{"trajectories", rc.B}, {"frames", rc.T}, {"particles", rc.N}, {"dim", rc.D},
          {"mae", {{"lagrangian", rc.mae_lagrangian}, {"hamiltonian", rc.mae_hamiltonian},
                   {"linear_momentum", rc.mae_linear_momentum}, {"angular_momentum", rc.mae_angular_momentum}}},
          {"relative_position_error", rc.relative_position_error},
          {"energy_drift", {{"max_abs", rc.energy_drift_abs}, {"relative", rc.energy_drift_rel}}},
          {"momentum_drift", {{"linear", rc.linear_momentum_drift_rel}, {"angular", rc.angular_momentum_drift_rel}}}};
}

}  // namespace noether
