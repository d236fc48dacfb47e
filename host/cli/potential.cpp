// cli/potential.cpp — `noether potential --model M.json --r-min A --r-max B --points N [-o OUT.csv]`:
// tabulate a scalar pair-potential model's V(r), dV/dr and d²V/dr² in float64 as CSV.
//   r_k = A + (B − A)·k/(N − 1), k = 0…N−1 (both ends exact); N = 1 gives r = A.
// Output goes to stdout, or atomically to OUT.csv; nothing is written when anything fails.
// --support adds a column `support`: the share of training pair distances per unit r at r (the histogram in
// the model's metadata.training.pair_distance_histogram, docs/MODEL_FORMAT.md); 0 outside the histogram's
// range [smallest training distance, upper edge of the input scaling] (the tail above it is only counted).
// --ensemble M2.json,M3.json,… adds a column `dVdr_spread`: an error estimate of dV/dr from models trained on
// the same data with other seeds, the sample standard deviation over the K = 1 + (ensemble size) models
//   s(r) = sqrt( Σ_k (V′_k(r) − mean V′(r))² / (K − 1) ),
// the `dVdr` column staying that of --model (the ensemble only measures how much the fit depends on the seed).
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "noether/core/memory.hpp"
#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/model_eval.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"
#include "noether/mclnn/evaluate.hpp"

namespace noether {

namespace {

/// N evenly spaced distances in [a, b], ends exact.
std::vector<double> distances(double a, double b, long n) {
  std::vector<double> r(n);
  for (long k = 0; k < n; ++k) r[k] = a + (b - a) * (double(k) / double(n - 1 > 0 ? n - 1 : 1));
  r[0] = a;
  if (n > 1) r[n - 1] = b;
  return r;
}

/// The CSV text: header "r,V,dVdr,d2Vdr2" (",support" when `support` is given), then one row per distance
/// with 17 significant digits.
std::string potential_csv(const std::vector<double>& r, const std::vector<PairJet<double>>& j,
                          const DistanceHistogram* support = nullptr, const std::vector<double>* spread = nullptr) {
  std::string s = std::string("r,V,dVdr,d2Vdr2") + (support ? ",support" : "") + (spread ? ",dVdr_spread" : "") + "\n";
  s.reserve(s.size() + r.size() * 125);
  char line[200];
  for (std::size_t k = 0; k < r.size(); ++k) {
    int n = std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g,%.17g", r[k], j[k].V, j[k].dV, j[k].d2V);
    if (support) n += std::snprintf(line + n, sizeof line - std::size_t(n), ",%.17g", support->density(r[k]));
    if (spread) n += std::snprintf(line + n, sizeof line - std::size_t(n), ",%.17g", (*spread)[k]);
    line[n++] = '\n';
    s.append(line, std::size_t(n));
  }
  return s;
}

}  // namespace

void add_potential_command(CLI::App& app) {
  struct Opts {
    std::string model, output;
    double r_min = 0, r_max = 0;
    long points = 0;
    bool support = false;
    std::vector<std::string> ensemble;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "potential",
      "Tabulate a scalar pair-potential model V(r) (model file, docs/MODEL_FORMAT.md) in float64.\n"
      "Writes CSV with the header r,V,dVdr,d2Vdr2 (17 significant digits) at N evenly spaced r in\n"
      "[r-min, r-max], both ends included (N = 1: r = r-min). The model must have input and output\n"
      "width 1; its input/output scaling is applied; derivatives are exact (forward jets), not finite\n"
      "differences. Example: noether potential --model pot.json --r-min 0.5 --r-max 3 --points 200 -o V.csv");
  cmd->add_option("--model", o->model, "model file (JSON, docs/MODEL_FORMAT.md) with input and output width 1, or a pair table (docs/TABLES.md)")->required();
  cmd->add_option("--r-min", o->r_min, "smallest distance r (first row)")->required();
  cmd->add_option("--r-max", o->r_max, "largest distance r (last row); must be > r-min")->required();
  cmd->add_option("--points", o->points, "number of rows N >= 1")->required();
  cmd->add_option("-o,--output", o->output, "output CSV (written atomically); default: stdout");
  cmd->add_flag("--support", o->support,
                "add a column 'support': training pair distances per unit r (share of all) at r, from the model's "
                "training histogram; 0 outside its range [smallest distance, scaling upper edge] (docs/MODEL_FORMAT.md)");
  cmd->add_option("--ensemble", o->ensemble,
                  "other models of the same data (other --seed), comma-separated: adds a column 'dVdr_spread', the "
                  "standard deviation of dV/dr over them and --model (an error estimate)")
      ->delimiter(',');
  cmd->callback([o, cmd] {
    NOETHER_REQUIRE(std::isfinite(o->r_min) && std::isfinite(o->r_max),
                    "--r-min and --r-max must be finite, got " << o->r_min << " and " << o->r_max);
    NOETHER_REQUIRE(o->r_min < o->r_max, "--r-min must be < --r-max, got " << o->r_min << " >= " << o->r_max);
    NOETHER_REQUIRE(o->points >= 1, "--points must be >= 1, got " << o->points);
    // Each row: r and three jets (float64) plus about 100 characters of CSV.
    require_memory(checked_product({std::uint64_t(o->points), 4 * 8 + 100}, "--points"),
                   "--points (" + std::to_string(o->points) + " rows)");
    const std::vector<double> r = distances(o->r_min, o->r_max, o->points);
    std::string csv;
    require_single_pair_law_file(o->model);
    if (is_pair_table_file(o->model)) {  // a table from `noether tabulate`: its own V, V′, V″ (extrapolated outside)
      NOETHER_REQUIRE(cmd->count("--ensemble") == 0, "--ensemble: needs model files; --model " << o->model << " is a pair table");
      NOETHER_REQUIRE(!o->support, "--support: " << o->model
                                                 << " is a pair table, which records no training distances; give a "
                                                    "model trained by noether train");
      csv = potential_csv(r, pair_table_jets(load_pair_table_file(o->model), r));
    } else {
      const ModelFile m = load_model_file(o->model);
      NOETHER_REQUIRE(m.shape.in() == 1 && m.shape.out() == 1,
                      o->model << ": `potential` needs a scalar pair-potential model (input and output width 1); this '"
                               << m.model << "' model has input width " << m.shape.in() << " and output width "
                               << m.shape.out());
      const std::vector<PairJet<double>> jets = pair_model_jets(m, r);
      DistanceHistogram h;
      if (o->support) h = model_training_histogram(m, o->model);
      std::vector<double> spread;
      if (cmd->count("--ensemble") > 0) {
        NOETHER_REQUIRE(!o->ensemble.empty(), "--ensemble: expected one or more model files");
        // Welford over the K models, each distance on its own (float64).
        std::vector<double> mean(r.size()), m2(r.size(), 0.0);
        for (std::size_t k = 0; k < r.size(); ++k) mean[k] = jets[k].dV;
        int K = 1;
        for (const std::string& f : o->ensemble) {
          const ModelFile e = load_model_file(f);
          NOETHER_REQUIRE(e.shape.in() == 1 && e.shape.out() == 1,
                          "--ensemble: " << f << " is not a scalar pair-potential model (input and output width 1)");
          const std::vector<PairJet<double>> ej = pair_model_jets(e, r);
          ++K;
          for (std::size_t k = 0; k < r.size(); ++k) {
            const double d = ej[k].dV - mean[k];
            mean[k] += d / K;
            m2[k] += d * (ej[k].dV - mean[k]);
          }
        }
        spread.resize(r.size());
        for (std::size_t k = 0; k < r.size(); ++k) spread[k] = std::sqrt(m2[k] / (K - 1));
      }
      csv = potential_csv(r, jets, o->support ? &h : nullptr, spread.empty() ? nullptr : &spread);
    }
    if (o->output.empty()) {
      NOETHER_REQUIRE(std::fwrite(csv.data(), 1, csv.size(), stdout) == csv.size() && std::fflush(stdout) == 0,
                      "potential: cannot write to stdout");
    } else {
      write_text_file_atomic(o->output, csv);
    }
  });
}

}  // namespace noether
