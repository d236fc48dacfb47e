// run/mclnn_at_scale.hpp — the "at_scale" section of an MCLNN experiment (issue 18, "gravity at scale";
// docs/EXPERIMENTS.md): the trained model applied to a much larger system than it was trained on, once per tail
// policy of the distances beyond its trained range (physics/pair_tail.hpp), next to the true law from the same state.
// Reported per policy: the distribution of the per-particle relative force error at t = 0,
//   e_i = |a_i,learned − a_i,true| / |a_i,true|,
// the relative energy drift, the virial ratio Q(t) = 2K / |U| over time (U of the learned law with the experiment's
// V_offset per pair), and the pair visits outside the trained range.
#pragma once
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "noether/io/model_file.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/pair_tail.hpp"

namespace noether {

struct AtScaleSpec {
  bool enabled = false;
  SimulationConfig sim;  ///< the large system with the true law
  /// The tails to compare, as a model file's "tail" key (io/model_file.hpp): none, power (matched at the support's
  /// edge), power with a given exponent n (fitted over the outer half of the support), zero.
  std::vector<ModelTail> tails = {ModelTail{TailPolicy::None}, ModelTail{TailPolicy::Power}};
};

/// "none", "zero", "power", "power n=1": the name a tail is reported under.
std::string at_scale_tail_name(const ModelTail& t);
/// The same with ' ' and '=' as '_' ("power_n_1"): its .npz file and its column of force_errors.csv.
std::string at_scale_tail_file_name(const ModelTail& t);

/// Run it into dir/at_scale/ (truth.npz, <tail file name>.npz, force_errors.csv) and return the metrics object
/// {"particles", "truth": {energy_drift, virial_ratio}, "tails": {<tail>: {force_error: {median, p90, p99, max, mean},
/// energy_drift, virial_ratio: {first, last, min, max}, support_visits}}}. `say` prints a progress line.
nlohmann::json run_at_scale(const AtScaleSpec& spec, const ModelFile& model, double V_offset,
                            const std::filesystem::path& dir, double support_warn,
                            const std::function<void(const std::string&)>& say);

/// Sorted-sample statistics of per-particle relative errors: median, p90, p99, max, mean.
nlohmann::json error_distribution(std::vector<double> e);

}  // namespace noether
