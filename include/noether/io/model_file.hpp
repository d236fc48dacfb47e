// io/model_file.hpp — a learned model as stored on disk (JSON, docs/MODEL_FORMAT.md) and in memory.
//
// A model file holds one MLP (nn/mlp_layout.hpp) plus what is needed to use it outside noether:
//   {"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
//    "input_transform": "none" | "log",                      // optional (mclnn only): absent = none
//    "input_scaling":  {"shift": [...], "scale": [...]},   // optional, length = input width
//    "output_scaling": {"shift": [...], "scale": [...]},   // optional, length = output width
//    "metadata": {...},                                      // optional, free-form
//    "tail": {"policy": "none" | "zero" | "power", "r_hi": x, "r_on": y, "n": k},  // optional (mclnn): the law beyond the
//                                                            // trained range (physics/pair_tail.hpp); absent = none
//    "layers": [{"weight": [[...]] /* out × in, row-major */, "bias": [...]}, ...]}
// evaluated as  x = (g(input) − in_shift) / in_scale  (per component; g = identity, or log with "input_transform": "log"),
//               y = W_L σ(… σ(W_1 x + b_1) …) + b_L,
//               output = out_scale · y + out_shift   (per component).
// Parsing and writing live in host/io/model_file.cpp so that nlohmann/json never reaches nvcc.
#pragma once
#include <string>
#include <vector>

#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// Current (and only) model-file version this build reads and writes.
constexpr int kModelFileVersion = 1;

/// The model kinds a file may declare (docs/MODEL_FORMAT.md).
const std::vector<std::string>& model_kinds();

/// A per-component affine map; both vectors empty means identity (the key is absent from the file).
struct AffineScaling {
  std::vector<double> shift;  ///< subtracted from the input / added to the output
  std::vector<double> scale;  ///< divides the input / multiplies the output; never 0
  bool identity() const { return shift.empty() && scale.empty(); }
};

/// The "tail" key of a model file: the policy and its distances as written (0 = the default from the support:
/// r_hi = support.hi, r_on = default_zero_tail_r_on). model_tail resolves it (power: A and n matched to the network).
struct ModelTail {
  TailPolicy policy = TailPolicy::None;
  double r_hi = 0.0, r_on = 0.0;
  double n = 0.0;  ///< power only: a given exponent (fitted over [r_on, r_hi], physics/pair_tail.hpp); 0 = matched at r_hi
};

/// A loaded (or to-be-saved) model: kind, shape, parameters in float64, scaling and metadata.
struct ModelFile {
  std::string source;            ///< path it was read from (for messages); empty when built in memory
  std::string model = "mclnn";   ///< one of model_kinds()
  MlpShape shape;                ///< widths inferred from the layers; activation from "activation"
  std::vector<double> params;    ///< flat buffer, nn/mlp_layout.hpp order: [W_1, b_1, W_2, b_2, …]
  InputTransform input_transform = InputTransform::None;  ///< g of x = (g(input) − shift)/scale (mclnn only)
  AffineScaling input_scaling;   ///< x = (g(input) − shift) / scale
  AffineScaling output_scaling;  ///< output = scale · y + shift
  std::string metadata;          ///< the "metadata" object as JSON text ("" = absent), e.g. training info
  ModelTail tail;                ///< "tail" (mclnn only; policy none = absent)
};

/// Read and validate a model file; throws noether::Error naming the file, the key/layer and what was expected.
ModelFile load_model_file(const std::string& path);

/// Parse model JSON text; `source` names it in error messages.
ModelFile parse_model_json(const std::string& text, const std::string& source);

/// A model file's "tail" object alone (its JSON text), checked as in a model file; errors name `file` and "tail.<key>".
/// The distances and exponent are not resolved against a law (that needs the model: model_tail).
ModelTail parse_model_tail(const std::string& tail_json, const std::string& file);

/// The JSON text of a model (numbers printed shortest-round-trip, so parsing it back is bit-exact).
/// Throws noether::Error when the model is inconsistent (see validate_model).
std::string model_json(const ModelFile& m);

/// Write a model file atomically (temporary name + rename; never a partial file).
void save_model_file(const std::string& path, const ModelFile& m);

/// Throws noether::Error unless kind, shape, parameter count, finiteness, scaling lengths and
/// non-zero scales, and metadata (a JSON object) are all consistent.
void validate_model(const ModelFile& m);

/// The scaling of a scalar pair model as PairScaling; throws unless input and output widths are 1.
PairScaling pair_scaling(const ModelFile& m);

/// The distances the model was trained on: metadata.training.pair_distance_histogram [lo, hi] (written by
/// noether train), else metadata.training.pair_distance_range [min, max], else unknown (lo = hi = 0).
PairSupport model_support(const ModelFile& m);

/// The resolved tail of a pair model (physics/pair_tail.hpp): none without a "tail" key; zero over [r_on, r_hi] and
/// power matched to the network's V, V′ at r_hi, their distances defaulting to the support. Throws noether::Error
/// naming the file and "tail" when a distance is needed but the model records no support, or the match is impossible.
PairTailSpec model_tail(const ModelFile& m);

/// The pair law (PotentialKind::Learned) of an "mclnn" model file, for simulations and rollouts;
/// throws noether::Error naming the file when the model is not a pair potential.
PairLawSpec learned_pair_law(const ModelFile& m);

}  // namespace noether
