// io/pair_laws_file.cpp — reading species-pair law files ("noether-pair-models", "noether-pair-tables") and writing
// "noether-pair-tables" (io/pair_laws_file.hpp, docs/FORMATS.md). Every error names the file and the key.
#include "noether/io/pair_laws_file.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "noether/core/error.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/model_file.hpp"
#include "noether/io/table_file.hpp"

namespace noether {
using json = nlohmann::json;

int parse_species_pair_file(
    const json& j, const std::string& src, const std::string& format, const std::string& body_key,
    const std::function<void(int, int, const CutoffSpec&, const json&, const std::string&)>& on_pair) {
  NOETHER_REQUIRE(j.is_object() && j.contains("format") && j["format"].is_string() && j["format"] == format,
                  src << ": key 'format': expected \"" << format << "\"");
  NOETHER_REQUIRE(j.contains("version") && j["version"].is_number_integer() && j["version"] == kSpeciesPairFileVersion,
                  src << ": key 'version': expected " << kSpeciesPairFileVersion);
  NOETHER_REQUIRE(j.contains("species_count") && j["species_count"].is_number_integer() && j["species_count"] >= 1 &&
                      j["species_count"] <= kSpeciesPairFileMaxSpecies,
                  src << ": key 'species_count': expected an integer in [1, " << kSpeciesPairFileMaxSpecies << "]");
  const int S = j["species_count"].get<int>();
  const int P = S * (S + 1) / 2;
  NOETHER_REQUIRE(j.contains("pairs") && j["pairs"].is_array() && int(j["pairs"].size()) == P,
                  src << ": key 'pairs': expected " << P << " entries (one per species pair of " << S << " species)");
  std::vector<char> seen(std::size_t(S) * S, 0);
  for (int k = 0; k < P; ++k) {
    const json& e = j["pairs"][k];
    const std::string where = src + ": key 'pairs[" + std::to_string(k) + "]";
    NOETHER_REQUIRE(e.is_object() && e.contains("species") && e["species"].is_array() && e["species"].size() == 2 &&
                        e["species"][0].is_number_integer() && e["species"][1].is_number_integer(),
                    where << ".species': expected [a, b]");
    const int a = e["species"][0], b = e["species"][1];
    NOETHER_REQUIRE(a >= 0 && b >= a && b < S, where << ".species': expected 0 <= a <= b < " << S << " (species_count)");
    NOETHER_REQUIRE(!seen[std::size_t(a) * S + b], where << ".species': pair [" << a << ", " << b << "] given twice");
    seen[std::size_t(a) * S + b] = 1;
    NOETHER_REQUIRE(e.contains("cutoff") && e["cutoff"].is_object(), where << ".cutoff': expected an object");
    const json& c = e["cutoff"];
    CutoffSpec cs;
    for (const char* key : {"cutoff", "r_on"})
      if (c.contains(key))
        NOETHER_REQUIRE(c[key].is_number(), where << ".cutoff." << key << "': expected a number");
    cs.cutoff = c.value("cutoff", 0.0), cs.r_on = c.value("r_on", 0.0);
    NOETHER_REQUIRE(!c.contains("smoothing") || c["smoothing"].is_string(),
                    where << ".cutoff.smoothing': expected switch, shifted_force or none");
    const std::string sm = c.value("smoothing", "switch");
    NOETHER_REQUIRE(sm == "switch" || sm == "shifted_force" || sm == "none",
                    where << ".cutoff.smoothing': expected switch, shifted_force or none, got '" << sm << "'");
    cs.smoothing = sm == "switch" ? Smoothing::Switch : sm == "shifted_force" ? Smoothing::ShiftedForce : Smoothing::None;
    NOETHER_REQUIRE(std::isfinite(cs.cutoff) && cs.cutoff >= 0 &&
                        (!cs.active() || cs.smoothing != Smoothing::Switch || (cs.r_on > 0 && cs.r_on < cs.cutoff)),
                    where << ".cutoff': expected cutoff >= 0 and, for switch, 0 < r_on < cutoff");
    NOETHER_REQUIRE(e.contains(body_key) && e[body_key].is_object(),
                    where << "." << body_key << "': missing; expected a " << (body_key == "table" ? "noether-pair-table"
                                                                                                   : "noether-model")
                          << " object");
    on_pair(a, b, cs, e[body_key], where);
  }
  return S;
}

std::string species_pair_file_format(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary)) return "";
  const json root = json::parse(cfg::read_text_file(path, "file"), nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains("format") || !root.at("format").is_string()) return "";
  const std::string f = root.at("format").get<std::string>();
  return f == kPairModelsFormat || f == kPairTablesFormat ? f : "";
}

void require_single_pair_law_file(const std::string& path) {
  const std::string f = species_pair_file_format(path);
  NOETHER_REQUIRE(f.empty(), path << ": format: a " << f << " file holds a law per species pair; this command takes "
                                  << "one pair law (a model or pair-table file); noether rollout, noether tabulate and "
                                     "the config's \"potential\": \"file\" take species-pair files (docs/FORMATS.md)");
}

SpeciesPairLaws parse_species_pair_laws(const std::string& text, const std::string& src) {
  json root;
  try {
    root = cfg::parse_json_text(text, src);
  } catch (const json::exception& e) {
    NOETHER_FAIL(src << ": not valid JSON: " << e.what());
  }
  SpeciesPairLaws f;
  f.source = src;
  f.format = root.is_object() && root.contains("format") && root["format"] == kPairTablesFormat ? kPairTablesFormat
                                                                                                : kPairModelsFormat;
  const bool tables = f.format == kPairTablesFormat;
  for (const auto& item : root.items())  // the wrapper's own keys (the model and table bodies check theirs)
    NOETHER_REQUIRE(item.key() == "format" || item.key() == "version" || item.key() == "species_count" ||
                        item.key() == "pairs" || item.key() == (tables ? "source" : "metadata"),
                    src << ": key '" << item.key() << "': unknown key of a " << f.format << " file");
  std::vector<std::pair<int, int>> order;
  std::vector<PairLawSpec> laws;
  std::vector<CutoffSpec> cuts;
  const int S = parse_species_pair_file(
      root, src, f.format, tables ? "table" : "model",
      [&](int a, int b, const CutoffSpec& cut, const json& body, const std::string& where) {
        PairLawSpec law;
        if (tables) {
          law = tabulated_pair_law(parse_pair_table_json(body.dump(), where + ".table'"));
          NOETHER_REQUIRE(!cut.active() || cut.cutoff <= law.table->r_max,
                          where << ".cutoff': r_c = " << cut.cutoff << " is beyond the range of the pair's table (r_max = "
                                << law.table->r_max << "); tabulate up to the cutoff");
        } else {
          ModelFile m = parse_model_json(body.dump(), where + ".model'");
          m.source = where + ".model'";
          law = learned_pair_law(m);
        }
        order.push_back({a, b}), laws.push_back(law), cuts.push_back(cut);
      });
  f.S = S;
  f.laws.assign(std::size_t(S) * S, PairLawSpec{});
  f.cutoffs.assign(std::size_t(S) * S, CutoffSpec{});
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto [a, b] = order[k];
    NOETHER_REQUIRE(cuts[k].active() == cuts[0].active(),
                    src << ": key 'pairs[" << k << "].cutoff': either every species pair has a cutoff or none");
    f.laws[std::size_t(a) * S + b] = f.laws[std::size_t(b) * S + a] = laws[k];
    f.cutoffs[std::size_t(a) * S + b] = f.cutoffs[std::size_t(b) * S + a] = cuts[k];
  }
  return f;
}

SpeciesPairLaws load_species_pair_laws(const std::string& path) {
  return parse_species_pair_laws(cfg::read_text_file(path, "species-pair file"), path);
}

void use_species_pair_laws(const SpeciesPairLaws& f, BulkSpec& b) {
  b.species_count = f.S;
  b.pair_laws = f.laws;
  b.pair_cutoffs = f.cutoffs;
  b.laws_key = f.source + ": species_count";
  b.enabled = true;
}

std::string species_pair_tables_json(int S, const std::vector<PairTableData>& tables,
                                     const std::vector<CutoffSpec>& cutoffs, const std::string& source_json) {
  NOETHER_REQUIRE(S >= 1 && S <= kSpeciesPairFileMaxSpecies && tables.size() == std::size_t(S) * S &&
                      cutoffs.size() == std::size_t(S) * S,
                  "species-pair tables: expected (S, S) tables and cutoffs for S = " << S);
  json j{{"format", kPairTablesFormat}, {"version", kSpeciesPairFileVersion}, {"species_count", S}};
  json pairs = json::array();
  for (int a = 0; a < S; ++a)
    for (int b = a; b < S; ++b) {
      const std::size_t ab = std::size_t(a) * S + b;
      const CutoffSpec& c = cutoffs[ab];
      pairs.push_back({{"species", {a, b}},
                       {"cutoff", {{"cutoff", c.cutoff}, {"smoothing", smoothing_name(c.smoothing)}, {"r_on", c.r_on}}},
                       {"table", json::parse(pair_table_json(tables[ab]))}});
    }
  j["pairs"] = pairs;
  if (!source_json.empty()) j["source"] = json::parse(source_json);
  return j.dump(1);
}

void save_species_pair_tables(const std::string& path, int S, const std::vector<PairTableData>& tables,
                              const std::vector<CutoffSpec>& cutoffs, const std::string& source_json) {
  std::string text;
  try {
    text = species_pair_tables_json(S, tables, cutoffs, source_json);
  } catch (const Error& e) {
    NOETHER_FAIL(path << ": cannot save species-pair tables: " << e.what());
  }
  write_text_file_atomic(path, text + "\n");
}

}  // namespace noether
