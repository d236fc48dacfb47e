// mclnn/evaluate_report.hpp — the metrics JSON of `noether evaluate` (and of noether.evaluate in Python, which
// must write the same thing): the "potential" and "rollout" objects built from mclnn/evaluate.hpp's comparisons.
#pragma once
#include <string>

#include "noether/io/json_config.hpp"
#include "noether/io/model_file.hpp"
#include "noether/mclnn/evaluate.hpp"

namespace noether {

/// {"r_min", "r_max", "p05", "p95", "V_offset", "dVdr_rel_l2_uniform"} of a learned-vs-true potential comparison,
/// plus "support": {"lo", "hi", "share_above_hi", "distances"} when the model carries a training-distance
/// histogram (mclnn/dataset.hpp); `model_name` names the model file in errors.
cfg::json potential_report(const PotentialComparison& pc, const ModelFile& model, const std::string& model_name);

/// {"trajectories", "frames", "particles", "dim", "mae", "relative_position_error", "energy_drift",
/// "momentum_drift"} of a rollout comparison.
cfg::json rollout_report(const RolloutComparison& rc);

}  // namespace noether
