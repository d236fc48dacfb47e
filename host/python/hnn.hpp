// python/hnn.hpp — the HnnModel object of the Python extension (python/hnn.cpp): an engine HnnModel with the
// metadata and source of its model file.
#pragma once
#include <string>

#include "noether/hnn/model.hpp"
#include "python/common.hpp"

namespace noether::py {

/// noether.HnnModel: the model, its "metadata" object as JSON text ("" = none) and the file it came from.
struct HnnModelObject {
  HnnModel model;
  std::string metadata;
  std::string source;
};

/// A model from model-file JSON text (kind "hnn" or "mlp"); ArgumentError otherwise.
HnnModelObject from_model_json(const std::string& text);

}  // namespace noether::py
