// mclnn/bulk_model_file.hpp — species-pair MCLNN models on disk: a NEW, separate JSON format (not a change to the
// single-model file of io/model_file.hpp), docs/BULK_TRAINING.md:
//   {"format": "noether-pair-models", "version": 1, "species_count": S,
//    "pairs": [{"species": [a, b],
//               "cutoff": {"cutoff": r_c, "smoothing": "switch" | "shifted_force" | "none", "r_on": r_on},
//               "model": { …a complete "noether-model" object (io/model_file.hpp)… }}, …],
//    "metadata": {...}}
// one entry per unordered species pair a ≤ b, in species_pair_index order (mclnn/bulk_adjoint.hpp). Each pair's model
// is an ordinary "mclnn" model object, written and read by model_json / parse_model_json, so whatever that format
// gains (e.g. a supported range or a tail policy) applies per pair unchanged. The wrapper is read by
// parse_species_pair_file (io/pair_laws_file.hpp), shared with the engine's reader of this file (rollout, simulate).
#pragma once
#include <string>

#include "noether/mclnn/bulk_train.hpp"

namespace noether {

/// The JSON text of a species-pair model; metadata_json is an object's JSON text ("" = none).
std::string bulk_pair_model_json(const BulkPairModel& m, const std::string& metadata_json = "");
/// Write it atomically. Throws noether::Error on an inconsistent model or a write failure.
void save_bulk_pair_model(const std::string& path, const BulkPairModel& m, const std::string& metadata_json = "");
/// Read and validate; every error names the file and the key. All pairs must share one MLP shape.
BulkPairModel parse_bulk_pair_model(const std::string& text, const std::string& source);
BulkPairModel load_bulk_pair_model(const std::string& path);

}  // namespace noether
