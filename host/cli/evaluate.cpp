// cli/evaluate.cpp — `noether evaluate --truth T.npz --pred P.npz [--model M.json --system CFG.json]
// [-o METRICS.json]`: a learned rollout against ground truth from the same initial states (MAE of L, H,
// linear and angular momentum, relative position error per frame, energy and momentum drift), and with
// --model and --system the learned dV/dr against the true one over the model's training distances
// (mclnn/evaluate.hpp explains every metric and how the potential's constant is fixed), and where the model is
// supported by data (the range of its training-distance histogram, potential.support).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "noether/mclnn/evaluate_report.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/model_file.hpp"

namespace noether {

void add_evaluate_command(CLI::App& app) {
  struct Opts {
    std::string truth, pred, model, system, output;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Compare a learned rollout with ground truth (and a learned potential with the true one)");
  cmd->add_option("--truth", o->truth, "ground-truth trajectory (.npz from noether simulate)")->required();
  cmd->add_option("--pred", o->pred, "learned rollout from the same initial states and times (.npz from noether rollout)")
      ->required();
  cmd->add_option("--model", o->model, "the learned model (mclnn JSON): compare its dV/dr with the truth");
  cmd->add_option("--system", o->system, "a config whose \"system\" section is the true law (with --model)");
  cmd->add_option("-o,--output", o->output, "write the metrics as JSON here");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing but errors");
  cmd->callback([o] {
    NOETHER_REQUIRE(o->model.empty() == o->system.empty(), "--model and --system go together (the learned and the true law)");
    cfg::json out = cfg::json::object();
    double offset = 0;
    if (!o->model.empty()) {
      require_single_pair_law_file(o->model);
      const ModelFile m = load_model_file(o->model);
      const PairLawSpec learned = learned_pair_law(m);
      const cfg::json root = cfg::read_json_file(o->system);
      const cfg::Ctx ctx{o->system, ""};
      NOETHER_REQUIRE(root.is_object() && root.contains("system"), ctx.sub("system").where() << ": missing; expected the true pair law");
      const PairLawSpec truth = cfg::parse_system(root.at("system"), ctx.sub("system"));
      DistanceRange range;
      try {
        const auto r = cfg::json::parse(m.metadata).at("training").at("pair_distance_range");
        range = {r.at("min"), r.at("max"), r.at("p05"), r.at("p95")};
      } catch (const std::exception&) {
        NOETHER_FAIL(o->model << ": metadata.training.pair_distance_range is missing (a model written by noether train has it)");
      }
      const PotentialComparison pc = compare_potentials(truth, learned, range);
      offset = pc.V_offset;
      out["potential"] = potential_report(pc, m, o->model);
      if (!o->quiet)
        std::printf("learned dV/dr vs truth over [%.4g, %.4g] (central 90%% of training distances): relative L2 %.3e; "
                    "V offset %.6g\n", pc.p05, pc.p95, pc.dVdr_rel_l2_uniform, pc.V_offset);
      if (!o->quiet && out["potential"].contains("support")) {
        const cfg::json& h = out["potential"]["support"];
        const double above = h["share_above_hi"].get<double>();
        std::printf("  supported by %ld training distances on [%.4g, %.4g]%s (noether potential --support: density per r)\n",
                    h["distances"].get<long>(), h["lo"].get<double>(), h["hi"].get<double>(),
                    above > 0 ? (", " + std::to_string(100 * above).substr(0, 5) + "% of them above").c_str() : "");
      }
    }
    const RolloutComparison rc = compare_rollouts(read_npz(o->truth), o->truth, read_npz(o->pred), o->pred, offset);
    const auto& e = rc.relative_position_error;
    out["rollout"] = rollout_report(rc);
    if (!o->quiet) {
      std::printf("%d trajectories x %d frames x %d particles x %dD\n", rc.B, rc.T, rc.N, rc.D);
      std::printf("  MAE  Lagrangian %.3e  Hamiltonian %.3e  linear momentum %.3e  angular momentum %.3e\n",
                  rc.mae_lagrangian, rc.mae_hamiltonian, rc.mae_linear_momentum, rc.mae_angular_momentum);
      std::printf("  relative position error: frame 1 %.3e, middle %.3e, last %.3e\n", e.size() > 1 ? e[1] : 0.0,
                  e[e.size() / 2], e.back());
      std::printf("  learned system: energy drift %.3e (relative %.3e), momentum drift %.3e linear, %.3e angular (relative)\n",
                  rc.energy_drift_abs, rc.energy_drift_rel, rc.linear_momentum_drift_rel, rc.angular_momentum_drift_rel);
    }
    if (!o->output.empty()) write_text_file_atomic(o->output, out.dump(2) + "\n");
  });
}

}  // namespace noether
