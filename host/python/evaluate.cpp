// python/evaluate.cpp — evaluate(truth, pred[, model, system]): the metrics of `noether evaluate`
// (mclnn/evaluate.hpp; the same keys as its metrics.json) for trajectories in memory.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "noether/io/model_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "noether/mclnn/evaluate_report.hpp"
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
          out["potential"] = potential_report(pc, *model, "model");
        }
        RolloutComparison rc;
        try {
          rc = compare_rollouts(t, "truth", p, "pred", offset);
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        out["rollout"] = rollout_report(rc);
        return out.dump();
      },
      nb::arg("truth"), nb::arg("pred"), nb::arg("model").none() = nb::none(), nb::arg("system_json") = "",
      "The metrics of `noether evaluate` as JSON text (same keys as its -o metrics.json).");
}

}  // namespace noether::py
