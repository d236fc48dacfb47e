// cli/tabulate.cpp — `noether tabulate --model M.json [-o T.json] [--r-min A --r-max B] [--tolerance 1e-5]`:
// turn a trained pair MLP ("mclnn" model file) into a piecewise quintic Hermite table of V(r)
// (physics/pair_table.hpp; file format in io/table_file.hpp and docs/TABLES.md). The knot spacing is halved
// until max |V′_table − V′_MLP| ≤ tolerance · max |V′_MLP| on 15 check points per interval.
// The range defaults to the model's metadata.training.pair_distance_range [min, max]. The table inherits the model's
// training support and tail policy (physics/pair_tail.hpp); --tail chooses another policy at tabulation.
// A "noether-pair-models" file (bulk training) gets one table per species pair, written as one "noether-pair-tables"
// file (io/pair_laws_file.hpp) with the same cutoffs.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "noether/core/error.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"
#include "run/tabulate_pairs.hpp"

namespace noether {

void add_tabulate_command(CLI::App& app) {
  struct Opts {
    std::string model, output, tail = "inherit";
    double r_min = NAN, r_max = NAN, tolerance = 1e-5;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "tabulate",
      "Turn a trained pair MLP (model 'mclnn') into a piecewise quintic Hermite table of V(r) built from\n"
      "V, dV/dr and d2V/dr2 at uniform knots (docs/TABLES.md). Knots are doubled until the table's dV/dr is\n"
      "within --tolerance x max|dV/dr| of the MLP's over [r-min, r-max]; outside it the table continues with\n"
      "the quadratic Taylor polynomial at the nearest end. The table is a pair law for `rollout` and\n"
      "`potential` (pass it as --model). Example: noether tabulate --model pot.json -o pot_table.json\n"
      "A noether-pair-models file (bulk training) gets one table per species pair, on [its support's lo, its cutoff]\n"
      "by default, written as one noether-pair-tables file with the same cutoffs (docs/TABLES.md).");
  cmd->add_option("--model", o->model,
                  "trained pair-potential model file (JSON, model 'mclnn'), or a noether-pair-models file (one table "
                  "per species pair, written as one noether-pair-tables file)")->required();
  cmd->add_option("-o,--output", o->output,
                  "table file to write (atomically); default <model name>_table.json (<model name>_tables.json for "
                  "a noether-pair-models file)");
  cmd->add_option("--r-min", o->r_min, "smallest tabulated distance (default: metadata.training.pair_distance_range.min)")
      ->check(cli_check::finite());
  cmd->add_option("--r-max", o->r_max, "largest tabulated distance (default: metadata.training.pair_distance_range.max)")
      ->check(cli_check::finite());
  cmd->add_option("--tolerance", o->tolerance, "max |dV/dr error| / max |dV/dr| over the range (default 1e-5)")
      ->check(cli_check::positive_finite());
  cmd->add_option("--tail", o->tail,
                  "the law beyond the trained distances: inherit (default: the model's \"tail\") | none | zero | power "
                  "(docs/MODEL_FORMAT.md; zero and power need the model's training support)");
  cmd->add_flag("-q,--quiet", o->quiet, "print nothing on success");
  cmd->callback([o] {
    TailPolicy tail = TailPolicy::None;
    NOETHER_REQUIRE(o->tail == "inherit" || parse_tail_policy(o->tail, tail),
                    "--tail: unknown tail policy '" << o->tail << "'; expected one of inherit, none, zero, power");
    if (!species_pair_file_format(o->model).empty())
      return tabulate_species_pairs(o->model, o->output, o->r_min, o->r_max, o->tolerance, o->tail, tail, o->quiet);
    const ModelFile m = load_model_file(o->model);
    const PairLawSpec law = learned_pair_law(m);
    double a = o->r_min, b = o->r_max;
    if (std::isnan(a) || std::isnan(b)) {
      double lo = NAN, hi = NAN;
      if (!m.metadata.empty()) {
        const nlohmann::json md = nlohmann::json::parse(m.metadata);
        const auto* tr = md.contains("training") ? &md.at("training") : nullptr;
        if (tr && tr->is_object() && tr->contains("pair_distance_range")) {
          const auto& r = tr->at("pair_distance_range");
          if (r.is_object() && r.contains("min") && r.contains("max") && r.at("min").is_number() && r.at("max").is_number())
            lo = r.at("min").get<double>(), hi = r.at("max").get<double>();
        }
      }
      NOETHER_REQUIRE(!std::isnan(lo) || (!std::isnan(a) && !std::isnan(b)),
                      o->model << ": metadata.training.pair_distance_range {min, max} is missing (a model written by "
                                  "noether train has it); give the range with --r-min and --r-max");
      if (std::isnan(a)) a = lo;
      if (std::isnan(b)) b = hi;
    }
    PairTableBuildReport rep;
    PairTableData t = build_pair_table(law, a, b, o->tolerance, 8, &rep);
    nlohmann::json src{{"model", o->model},
                       {"model_kind", m.model},
                       {"widths", m.shape.widths},
                       {"max_abs_error_V", rep.max_abs_error_V},
                       {"check_points_per_interval", rep.check_points_per_interval}};
    t.source_json = src.dump();
    if (o->tail != "inherit") {
      NOETHER_REQUIRE(tail == TailPolicy::None || t.support.known(),
                      "--tail " << o->tail << ": " << o->model
                                << " records no training support (metadata.training.pair_distance_histogram) to place "
                                   "the tail at; train it with noether train, or use --tail none");
      set_pair_table_tail(t, tail, default_zero_tail_r_on(t.support), t.support.hi, "--tail " + o->tail);
    }
    std::string out = o->output;
    if (out.empty()) out = std::filesystem::path(o->model).stem().string() + "_table.json";
    save_pair_table_file(out, t);
    if (!o->quiet)
      std::printf("wrote %s: %d knots on [%.6g, %.6g] (h = %.3g); max |dV/dr error| / max |dV/dr| = %.3e "
                  "(tolerance %.1e), max |V error| = %.3e\n",
                  out.c_str(), rep.intervals + 1, a, b, t.h(), rep.max_rel_error_dVdr, o->tolerance, rep.max_abs_error_V);
    if (!o->quiet && t.tail.policy != TailPolicy::None)
      std::printf("tail '%s' beyond r = %.6g\n", tail_policy_name(t.tail.policy),
                  t.tail.policy == TailPolicy::Zero ? t.tail.r_on : t.tail.r_hi);
  });
}

}  // namespace noether
