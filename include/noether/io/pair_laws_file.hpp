// io/pair_laws_file.hpp — species-pair law files: one pair law and one cutoff per unordered species pair a ≤ b, read
// into the (S, S) laws and cutoffs of a bulk run (physics/bulk.hpp BulkSpec), for `noether rollout --model`, the
// simulation config's "system": {"potential": "file"} and `noether tabulate`. Two formats share one wrapper:
//   {"format": "noether-pair-models" | "noether-pair-tables", "version": 1, "species_count": S,
//    "pairs": [{"species": [a, b],
//               "cutoff": {"cutoff": r_c, "smoothing": "switch" | "shifted_force" | "none", "r_on": r_on},
//               "model": { …a "noether-model" object (io/model_file.hpp)… }        // noether-pair-models
//               "table": { …a "noether-pair-table" object (io/table_file.hpp)… }}, // noether-pair-tables
//              …],                                          // one entry per unordered pair, each exactly once
//    "metadata": {...}  /  "source": {...}}                 // optional, free-form
// "noether-pair-models" is written by bulk training (mclnn/bulk_model_file.hpp, docs/BULK_TRAINING.md), which reads its
// wrapper through parse_species_pair_file too; "noether-pair-tables" by `noether tabulate` of such a file
// (docs/TABLES.md). Each pair's model or table is the ordinary single format, so its support and tail apply per pair.
// Host only: nlohmann/json stays in host/io/pair_laws_file.cpp and the callers of parse_species_pair_file.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "noether/io/json_config.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_table.hpp"

namespace noether {

constexpr const char* kPairModelsFormat = "noether-pair-models";
constexpr const char* kPairTablesFormat = "noether-pair-tables";
constexpr int kSpeciesPairFileVersion = 1;
/// Most species a species-pair file may declare (as the config's "system.pairs": indices in [0, 64)).
constexpr int kSpeciesPairFileMaxSpecies = 64;

/// Check the wrapper of a species-pair file (format == `format`, version, species_count, "pairs" with one entry per
/// unordered pair, each pair's "species" and "cutoff") and call on_pair(a, b, cutoff, body, where) for every entry, with
/// body = the entry's `body_key` object and where = "<src>: key 'pairs[k]" (append ".key'" for a message). Returns S.
/// Errors name `src` and the key ("pairs[1].species': pair [0, 1] given twice").
int parse_species_pair_file(
    const cfg::json& root, const std::string& src, const std::string& format, const std::string& body_key,
    const std::function<void(int a, int b, const CutoffSpec& cut, const cfg::json& body, const std::string& where)>&
        on_pair);

/// The pair laws of a species-pair file: (S, S) arrays, symmetric (pair (b, a) holds the law of (a, b)).
struct SpeciesPairLaws {
  std::string source;  ///< the file (for messages)
  std::string format;  ///< kPairModelsFormat or kPairTablesFormat
  int S = 1;
  std::vector<PairLawSpec> laws;    ///< (S, S) Learned (models) or Tabulated (tables), each with its support and tail
  std::vector<CutoffSpec> cutoffs;  ///< (S, S)
};

/// "noether-pair-models" or "noether-pair-tables" when the JSON file at `path` declares that format, else "" (a single
/// model or table file, or anything unreadable: the caller's own loader then reports it).
std::string species_pair_file_format(const std::string& path);

/// Throws noether::Error naming `path` and "format" when it is a species-pair file: for commands that take one pair law
/// (noether potential, evaluate, and load_pair_law_file), so the user hears why rather than a model file's key errors.
void require_single_pair_law_file(const std::string& path);

/// Parse a species-pair file of either format: every pair's model becomes a learned law (learned_pair_law: support
/// from its metadata.training.pair_distance_range, tail from its "tail"), every pair's table a tabulated one. Besides
/// the wrapper's checks: either every pair has a cutoff or none, and a table covers its pair's cutoff (r_c <= r_max).
SpeciesPairLaws parse_species_pair_laws(const std::string& text, const std::string& source);
SpeciesPairLaws load_species_pair_laws(const std::string& path);

/// Give a bulk spec the file's laws: species_count, pair_laws, pair_cutoffs, laws_key = "<file>: species_count"
/// (named when an initial state's species index has no law), enabled.
void use_species_pair_laws(const SpeciesPairLaws& f, BulkSpec& b);

/// The JSON text of a "noether-pair-tables" file: tables and cutoffs (S, S) (entries a <= b written, in the order
/// (0,0), (0,1), …, (1,1), …), source_json an object's JSON text ("" = none). Numbers shortest-round-trip.
std::string species_pair_tables_json(int S, const std::vector<PairTableData>& tables,
                                     const std::vector<CutoffSpec>& cutoffs, const std::string& source_json = "");
/// Write it atomically.
void save_species_pair_tables(const std::string& path, int S, const std::vector<PairTableData>& tables,
                              const std::vector<CutoffSpec>& cutoffs, const std::string& source_json = "");

}  // namespace noether
