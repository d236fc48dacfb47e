// mclnn/bulk_model_file.cpp — reading and writing species-pair MCLNN models (mclnn/bulk_model_file.hpp).
#include "noether/mclnn/bulk_model_file.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/model_file.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"

namespace noether {
namespace {

using json = nlohmann::json;

/// Pair p's parameters and scaling as an ordinary model file.
ModelFile pair_model_file(const BulkPairModel& m, int p) {
  ModelFile f;
  f.model = "mclnn";
  f.shape = m.shape;
  const std::size_t n = m.shape.parameter_count();
  f.params.assign(m.params.begin() + std::ptrdiff_t(p * n), m.params.begin() + std::ptrdiff_t((p + 1) * n));
  const PairScaling& s = m.scalings[p];
  f.input_transform = s.input;
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
  json j{{"format", kPairModelsFormat}, {"version", kSpeciesPairFileVersion}, {"species_count", m.S}};
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
  BulkPairModel m;
  std::vector<std::vector<double>> params;
  bool first = true;
  // the wrapper (format, version, species_count, pairs, cutoffs) is shared with the engine's reader (io/pair_laws_file.hpp)
  m.S = parse_species_pair_file(
      j, src, kPairModelsFormat, "model",
      [&](int a, int b, const CutoffSpec& cut, const json& body, const std::string& where) {
        if (first) {
          const int P = species_pair_count(int(j["species_count"]));
          m.scalings.resize(P), m.ranges.resize(P), m.pair_cutoffs.resize(P), params.resize(P);
        }
        const int p = species_pair_index(a, b, int(j["species_count"]));
        m.pair_cutoffs[p] = cut;
        const ModelFile f = parse_model_json(body.dump(), where + ".model'");
        const PairScaling s = pair_scaling(f);
        if (first) m.shape = f.shape;
        first = false;
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
      });
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
