// python/evaluate.cpp — evaluate(truth, pred[, model, system]): the metrics of `noether evaluate`
// (mclnn/evaluate.hpp; the same keys as its metrics.json) for trajectories in memory.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "noether/io/model_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "python/common.hpp"

namespace noether::py {

NpzArchive archive_from_arrays(const std::vector<std::pair<std::string, AnyArray>>& arrays);  // train.cpp

void register_evaluate(nb::module_& m) {
  m.def(
      "evaluate",
      [](const std::vector<std::pair<std::string, AnyArray>>& truth, const std::vector<std::pair<std::string, AnyArray>>& pred,
         const ModelFile* model, const std::string& system_json) {
        const NpzArchive t = archive_from_arrays(truth), p = archive_from_arrays(pred);
        if ((model == nullptr) != system_json.empty())
          throw ArgumentError("model and system go together (the learned and the true law)");
        cfg::json out = cfg::json::object();
        double offset = 0;
        if (model) {
          const PairLawSpec learned = learned_pair_law(*model);
          PairLawSpec truth_law;
          try {
            truth_law = cfg::parse_system(cfg::json::parse(system_json), cfg::Ctx{"system", ""});
          } catch (const Error& e) {
            throw ArgumentError(e.what());
          }
          DistanceRange range;
          try {
            const auto r = cfg::json::parse(model->metadata).at("training").at("pair_distance_range");
            range = {r.at("min"), r.at("max"), r.at("p05"), r.at("p95")};
          } catch (const std::exception&) {
            throw ArgumentError("model: metadata.training.pair_distance_range is missing (a model trained by noether has it)");
          }
          const PotentialComparison pc = compare_potentials(truth_law, learned, range);
          offset = pc.V_offset;
          out["potential"] = {{"r_min", pc.r_min}, {"r_max", pc.r_max}, {"p05", pc.p05}, {"p95", pc.p95},
                              {"V_offset", pc.V_offset}, {"dVdr_rel_l2_uniform", pc.dVdr_rel_l2_uniform}};
          // Where the model is supported by data, as `noether evaluate --model` reports it (cli/evaluate.cpp).
          const cfg::json meta = model->metadata.empty() ? cfg::json::object() : cfg::json::parse(model->metadata);
          if (meta.contains("training") && meta.at("training").contains("pair_distance_histogram")) {
            const DistanceHistogram h = model_training_histogram(*model, "model");
            out["potential"]["support"] = {{"lo", h.lo}, {"hi", h.hi},
                                           {"share_above_hi", double(h.above) / double(h.total)}, {"distances", h.total}};
          }
        }
        RolloutComparison rc;
        try {
          rc = compare_rollouts(t, "truth", p, "pred", offset);
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        out["rollout"] = {{"trajectories", rc.B}, {"frames", rc.T}, {"particles", rc.N}, {"dim", rc.D},
                          {"mae", {{"lagrangian", rc.mae_lagrangian}, {"hamiltonian", rc.mae_hamiltonian},
                                   {"linear_momentum", rc.mae_linear_momentum}, {"angular_momentum", rc.mae_angular_momentum}}},
                          {"relative_position_error", rc.relative_position_error},
                          {"energy_drift", {{"max_abs", rc.energy_drift_abs}, {"relative", rc.energy_drift_rel}}},
                          {"momentum_drift", {{"linear", rc.linear_momentum_drift_rel}, {"angular", rc.angular_momentum_drift_rel}}}};
        return out.dump();
      },
      nb::arg("truth"), nb::arg("pred"), nb::arg("model").none() = nb::none(), nb::arg("system_json") = "",
      "The metrics of `noether evaluate` as JSON text (same keys as its -o metrics.json).");
}

}  // namespace noether::py
