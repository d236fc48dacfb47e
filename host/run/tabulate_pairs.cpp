// run/tabulate_pairs.cpp — tabulate_species_pairs (run/tabulate_pairs.hpp).
#include "run/tabulate_pairs.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "noether/core/error.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"

namespace noether {

void tabulate_species_pairs(const std::string& model, const std::string& output, double r_min, double r_max,
                            double tolerance, const std::string& tail_name, TailPolicy tail, bool quiet) {
  NOETHER_REQUIRE(species_pair_file_format(model) == kPairModelsFormat,
                  model << ": format: this is already a " << kPairTablesFormat << " file; tabulate its "
                        << kPairModelsFormat << " file instead");
  const SpeciesPairLaws f = load_species_pair_laws(model);
  const int S = f.S;
  std::vector<PairTableData> tables(std::size_t(S) * S);
  std::vector<std::string> lines;
  for (int a = 0; a < S; ++a)
    for (int b = a; b < S; ++b) {
      const std::size_t ab = std::size_t(a) * S + b;
      const PairLawSpec& law = f.laws[ab];
      const CutoffSpec& cut = f.cutoffs[ab];
      const PairSupport sup = pair_law_support(law);
      const std::string pair = "species pair [" + std::to_string(a) + ", " + std::to_string(b) + "]";
      double lo = r_min, hi = r_max;
      if (std::isnan(lo) || std::isnan(hi))
        NOETHER_REQUIRE(sup.known() || (!std::isnan(lo) && (!std::isnan(hi) || cut.active())),
                        model << ": " << pair << ": its model records no metadata.training.pair_distance_range (a "
                                 "file written by noether train has it); give the range with --r-min and --r-max");
      if (std::isnan(lo)) lo = sup.lo;
      if (std::isnan(hi)) hi = cut.active() ? cut.cutoff : sup.hi;
      NOETHER_REQUIRE(!cut.active() || hi >= cut.cutoff,
                      "--r-max: " << hi << " is below the cutoff r_c = " << cut.cutoff << " of " << pair << " in "
                                  << model << "; the table must cover every interacting distance");
      PairTableBuildReport rep;
      PairTableData t = build_pair_table(law, lo, hi, tolerance, 8, &rep);
      t.source_json = nlohmann::json{{"model", model},
                                     {"species", {a, b}},
                                     {"widths", law.learned->shape.widths},
                                     {"max_abs_error_V", rep.max_abs_error_V},
                                     {"check_points_per_interval", rep.check_points_per_interval}}
                          .dump();
      if (tail_name != "inherit") {
        NOETHER_REQUIRE(tail == TailPolicy::None || t.support.known(),
                        "--tail " << tail_name << ": " << pair << " of " << model
                                  << " records no training support to place the tail at; use --tail none");
        set_pair_table_tail(t, tail, default_zero_tail_r_on(t.support), t.support.hi, "--tail " + tail_name);
      }
      char line[256];
      std::snprintf(line, sizeof line, "  %s: %d knots on [%.6g, %.6g]; max |dV/dr error| / max |dV/dr| = %.3e%s%s",
                    pair.c_str(), rep.intervals + 1, lo, hi, rep.max_rel_error_dVdr,
                    t.tail.policy != TailPolicy::None ? ", tail " : "",
                    t.tail.policy != TailPolicy::None ? tail_policy_name(t.tail.policy) : "");
      lines.push_back(line);
      tables[ab] = t;
      tables[std::size_t(b) * S + a] = t;
    }
  std::string out = output;
  if (out.empty()) out = std::filesystem::path(model).stem().string() + "_tables.json";
  save_species_pair_tables(out, S, tables, f.cutoffs,
                           nlohmann::json{{"model", model}, {"tolerance", tolerance}}.dump());
  if (quiet) return;
  std::printf("wrote %s (%s): %d species pairs (tolerance %.1e)\n", out.c_str(), kPairTablesFormat,
              S * (S + 1) / 2, tolerance);
  for (const std::string& l : lines) std::printf("%s\n", l.c_str());
}

}  // namespace noether
