// mclnn/bulk_model_file.cpp — reading and writing species-pair MCLNN models (mclnn/bulk_model_file.hpp).
#include "noether/mclnn/bulk_model_file.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/model_file.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"

namespace noether {
namespace {

using json = nlohmann::json;

const char* smoothing_name(Smoothing s) {
  return s == Smoothing::Switch ? "switch" : s == Smoothing::ShiftedForce ? "shifted_force" : "none";
}

/// Pair p's parameters and scaling as an ordinary model file.
ModelFile pair_model_file(const BulkPairModel& m, int p) {
  ModelFile f;
  f.model = "mclnn";
  f.shape = m.shape;
  const std::size_t n = m.shape.parameter_count();
  f.params.assign(m.params.begin() + std::ptrdiff_t(p * n), m.params.begin() + std::ptrdiff_t((p + 1) * n));
  const PairScaling& s = m.scalings[p];
  f.input_scaling = {{s.in_shift}, {s.in_scale}};
  f.output_scaling = {{s.out_shift}, {s.out_scale}};
  if (p < int(m.ranges.size())) {
    const DistanceRange& r = m.ranges[p];
    f.metadata = json{{"training", {{"pair_distance_range",
                                     {{"min", r.min}, {"max", r.max}, {"p05", r.p05}, {"p50", r.p50}, {"p95", r.p95}}}}}}
                     .dump();
  }
  return f;
}

}  // namespace

std::string bulk_pair_model_json(const BulkPairModel& m, const std::string& metadata_json) {
  const int P = species_pair_count(m.S);
  NOETHER_REQUIRE(int(m.scalings.size()) == P && m.params.size() == std::size_t(P) * m.shape.parameter_count(),
                  "species-pair model: expected " << P << " pairs of " << m.shape.parameter_count() << " parameters");
  NOETHER_REQUIRE(int(m.pair_cutoffs.size()) == P, "species-pair model: expected " << P << " cutoffs");
  json j{{"format", "noether-pair-models"}, {"version", 1}, {"species_count", m.S}};
  json pairs = json::array();
  for (int a = 0; a < m.S; ++a)
    for (int b = a; b < m.S; ++b) {
      const int p = species_pair_index(a, b, m.S);
      const CutoffSpec& c = m.pair_cutoffs[p];
      pairs.push_back({{"species", {a, b}},
                       {"cutoff", {{"cutoff", c.cutoff}, {"smoothing", smoothing_name(c.smoothing)}, {"r_on", c.r_on}}},
                       {"model", json::parse(model_json(pair_model_file(m, p)))}});
    }
  j["pairs"] = pairs;
  if (!metadata_json.empty()) j["metadata"] = json::parse(metadata_json);
  return j.dump(1);
}

void save_bulk_pair_model(const std::string& path, const BulkPairModel& m, const std::string& metadata_json) {
  write_text_file_atomic(path, bulk_pair_model_json(m, metadata_json) + "\n");
}

BulkPairModel parse_bulk_pair_model(const std::string& text, const std::string& src) {
  json j;
  try {
    j = json::parse(text);
  } catch (const std::exception& e) {
    NOETHER_FAIL(src << ": not valid JSON (" << e.what() << ")");
  }
  NOETHER_REQUIRE(j.is_object() && j.value("format", "") == "noether-pair-models",
                  src << ": key 'format': expected \"noether-pair-models\"");
  NOETHER_REQUIRE(j.value("version", 0) == 1, src << ": key 'version': expected 1");
  NOETHER_REQUIRE(j.contains("species_count") && j["species_count"].is_number_integer() && j["species_count"] >= 1,
                  src << ": key 'species_count': expected an integer >= 1");
  BulkPairModel m;
  m.S = j["species_count"].get<int>();
  const int P = species_pair_count(m.S);
  NOETHER_REQUIRE(j.contains("pairs") && j["pairs"].is_array() && int(j["pairs"].size()) == P,
                  src << ": key 'pairs': expected " << P << " entries (one per species pair of " << m.S << " species)");
  m.scalings.resize(P);
  m.ranges.resize(P);
  m.pair_cutoffs.resize(P);
  std::vector<std::vector<double>> params(P);
  for (int k = 0; k < P; ++k) {
    const json& e = j["pairs"][k];
    const std::string where = src + ": key 'pairs[" + std::to_string(k) + "]";
    NOETHER_REQUIRE(e.is_object() && e.contains("species") && e["species"].is_array() && e["species"].size() == 2 &&
                        e["species"][0].is_number_integer() && e["species"][1].is_number_integer(),
                    where << ".species': expected [a, b]");
    const int a = e["species"][0], b = e["species"][1];
    NOETHER_REQUIRE(a >= 0 && b >= a && b < m.S, where << ".species': expected 0 <= a <= b < " << m.S);
    const int p = species_pair_index(a, b, m.S);
    NOETHER_REQUIRE(params[p].empty(), where << ".species': pair [" << a << ", " << b << "] given twice");
    NOETHER_REQUIRE(e.contains("cutoff") && e["cutoff"].is_object(), where << ".cutoff': expected an object");
    const json& c = e["cutoff"];
    CutoffSpec& cs = m.pair_cutoffs[p];
    cs.cutoff = c.value("cutoff", 0.0), cs.r_on = c.value("r_on", 0.0);
    const std::string sm = c.value("smoothing", "switch");
    NOETHER_REQUIRE(sm == "switch" || sm == "shifted_force" || sm == "none",
                    where << ".cutoff.smoothing': expected switch, shifted_force or none, got '" << sm << "'");
    cs.smoothing = sm == "switch" ? Smoothing::Switch : sm == "shifted_force" ? Smoothing::ShiftedForce : Smoothing::None;
    NOETHER_REQUIRE(std::isfinite(cs.cutoff) && cs.cutoff >= 0 &&
                        (!cs.active() || cs.smoothing != Smoothing::Switch || (cs.r_on > 0 && cs.r_on < cs.cutoff)),
                    where << ".cutoff': expected cutoff >= 0 and, for switch, 0 < r_on < cutoff");
    NOETHER_REQUIRE(e.contains("model"), where << ".model': missing");
    const ModelFile f = parse_model_json(e["model"].dump(), where + ".model'");
    const PairScaling s = pair_scaling(f);
    if (k == 0) m.shape = f.shape;
    NOETHER_REQUIRE(f.shape.widths == m.shape.widths && f.shape.activation == m.shape.activation,
                    where << ".model': every species pair must have the same widths and activation");
    m.scalings[p] = s;
    params[p] = f.params;
    if (!f.metadata.empty()) {
      const json md = json::parse(f.metadata);
      if (md.contains("training") && md["training"].contains("pair_distance_range")) {
        const json& r = md["training"]["pair_distance_range"];
        m.ranges[p] = {r.value("min", 0.0), r.value("max", 0.0), r.value("p05", 0.0), r.value("p95", 0.0),
                       r.value("p50", 0.0), r.value("max", 0.0)};
      }
    }
  }
  for (const auto& v : params) m.params.insert(m.params.end(), v.begin(), v.end());
  return m;
}

BulkPairModel load_bulk_pair_model(const std::string& path) {
  std::ifstream in(path);
  NOETHER_REQUIRE(in, path << ": cannot open the species-pair model file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_bulk_pair_model(ss.str(), path);
}

}  // namespace noether
