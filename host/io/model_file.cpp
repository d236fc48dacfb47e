// io/model_file.cpp — read, validate and write model files (docs/MODEL_FORMAT.md).
// Every error names the file and the key path (e.g. "pot.json: layers[1].bias") and what was
// expected. Numbers are written shortest-round-trip (std::to_chars) and always as JSON floats, so
// save → load is bit-exact, negative zero and subnormals included.
#include "noether/io/model_file.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/model_eval.hpp"

namespace noether {

using json = nlohmann::json;
using cfg::brief;
using cfg::check_keys;
using cfg::Ctx;
using cfg::did_you_mean;
using cfg::finite_number;
using cfg::join;
using cfg::number_list;

const std::vector<std::string>& model_kinds() {
  static const std::vector<std::string> kinds{"mclnn", "lnn", "hnn", "mlp"};
  return kinds;
}

namespace {

const std::vector<std::string> kTopKeys{"format",         "version",       "model",          "activation",
                                        "input_transform", "input_scaling", "output_scaling", "metadata",
                                        "layers",          "tail"};
const std::vector<std::string> kActivations{"squareplus", "softplus", "tanh"};

/// "input_scaling"/"output_scaling": {"shift": [width], "scale": [width]}; a missing inner key is identity.
AffineScaling parse_scaling(const json& root, const std::string& file, const std::string& key, int width,
                            const std::string& width_name) {
  AffineScaling s;
  if (!root.contains(key)) return s;
  const Ctx ctx{file, key};
  const std::string where = ctx.where();
  const json& v = root.at(key);
  NOETHER_REQUIRE(v.is_object(), where << ": expected an object {\"shift\": [...], \"scale\": [...]}, got " << brief(v));
  check_keys(v, ctx, {"shift", "scale"});
  s.shift.assign(width, 0.0);
  s.scale.assign(width, 1.0);
  for (const char* inner : {"shift", "scale"}) {
    if (!v.contains(inner)) continue;
    const std::string w = ctx.sub(inner).where();
    std::vector<double> x = number_list(v.at(inner), ctx.sub(inner));
    NOETHER_REQUIRE(int(x.size()) == width, w << ": expected " << width << " entries (the model's " << width_name
                                              << " width), got " << x.size());
    if (std::string(inner) == "scale")
      for (std::size_t i = 0; i < x.size(); ++i)
        NOETHER_REQUIRE(x[i] != 0.0, w << "[" << i << "]: a scale must be non-zero, got 0");
    (std::string(inner) == "shift" ? s.shift : s.scale) = std::move(x);
  }
  return s;
}

/// "input_transform": "none" | "log" (optional; absent = none): what the input scaling is applied to.
InputTransform parse_input_transform(const json& root, const std::string& file) {
  if (!root.contains("input_transform")) return InputTransform::None;
  const std::string where = Ctx{file, "input_transform"}.where();
  const json& v = root.at("input_transform");
  InputTransform t = InputTransform::None;
  NOETHER_REQUIRE(v.is_string() && parse_input_transform(v.get<std::string>(), t),
                  where << ": expected one of " << join(input_transform_names()) << ", got " << brief(v));
  return t;
}

/// "tail": {"policy": name, "r_hi": x, "r_on": y, "n": k}; the distances optional (0 = from the support); n (power
/// only) a given exponent.
ModelTail parse_tail(const json& root, const std::string& file) {
  ModelTail t;
  if (!root.contains("tail")) return t;
  const Ctx ctx{file, "tail"};
  const json& v = root.at("tail");
  NOETHER_REQUIRE(v.is_object(), ctx.where() << ": expected an object {\"policy\": " << join(tail_policy_names())
                                             << ", \"r_hi\": x, \"r_on\": y}, got " << brief(v));
  check_keys(v, ctx, {"policy", "r_hi", "r_on", "n"});
  const std::string pw = ctx.sub("policy").where();
  NOETHER_REQUIRE(v.contains("policy"), pw << ": missing; expected one of " << join(tail_policy_names()));
  const json& p = v.at("policy");
  NOETHER_REQUIRE(p.is_string(), pw << ": expected a string (one of " << join(tail_policy_names()) << "), got " << brief(p));
  NOETHER_REQUIRE(parse_tail_policy(p.get<std::string>(), t.policy),
                  pw << ": unknown tail policy '" << p.get<std::string>() << "'"
                     << did_you_mean(p.get<std::string>(), tail_policy_names()) << "; expected one of "
                     << join(tail_policy_names()));
  for (const char* k : {"r_hi", "r_on"}) {
    if (!v.contains(k)) continue;
    const double x = finite_number(v.at(k), ctx.sub(k));
    NOETHER_REQUIRE(x > 0, ctx.sub(k).where() << ": expected a distance > 0, got " << x);
    (std::string(k) == "r_hi" ? t.r_hi : t.r_on) = x;
  }
  if (v.contains("n")) {
    NOETHER_REQUIRE(t.policy == TailPolicy::Power,
                    ctx.sub("n").where() << ": only policy 'power' has an exponent n");
    t.n = finite_number(v.at("n"), ctx.sub("n"));
    NOETHER_REQUIRE(t.n > 0, ctx.sub("n").where() << ": expected an exponent > 0 (V = C + A r^-n), got " << t.n);
  }
  NOETHER_REQUIRE(t.policy == TailPolicy::Zero || t.n > 0 || !v.contains("r_on"),
                  ctx.sub("r_on").where() << ": only policy 'zero' (the start of its switch) and 'power' with an "
                                             "exponent n (the start of its fit window) have r_on");
  return t;
}

std::string list_text(const double* x, std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", " : "") + json(x[i]).dump();
  return s + "]";
}

std::string scaling_text(const AffineScaling& s) {
  return "{\"shift\": " + list_text(s.shift.data(), s.shift.size()) + ", \"scale\": " +
         list_text(s.scale.data(), s.scale.size()) + "}";
}

void validate_scaling(const AffineScaling& s, const std::string& key, int width) {
  if (s.identity()) return;
  NOETHER_REQUIRE(int(s.shift.size()) == width && int(s.scale.size()) == width,
                  key << ": shift and scale need " << width << " entries each, got " << s.shift.size() << " and "
                      << s.scale.size());
  for (int i = 0; i < width; ++i) {
    NOETHER_REQUIRE(std::isfinite(s.shift[i]), key << ".shift[" << i << "]: expected a finite number, got " << s.shift[i]);
    NOETHER_REQUIRE(std::isfinite(s.scale[i]) && s.scale[i] != 0.0,
                    key << ".scale[" << i << "]: expected a finite non-zero number, got " << s.scale[i]);
  }
}

}  // namespace

ModelTail parse_model_tail(const std::string& tail_json, const std::string& file) {
  json v;
  try {
    v = json::parse(tail_json);
  } catch (const json::exception& e) {
    NOETHER_FAIL(file << ": tail: not JSON (" << e.what() << ")");
  }
  return parse_tail(json{{"tail", v}}, file);
}

ModelFile parse_model_json(const std::string& text, const std::string& file) {
  json root;
  try {
    root = cfg::parse_json_text(text, file);  // duplicate keys and numbers beyond float64 (1e999) are named there
  } catch (const json::parse_error& e) {
    // Python's json.dump writes NaN/Infinity, which JSON does not allow: say so.
    const std::size_t at = e.byte > 12 ? e.byte - 12 : 0;
    const std::string near = text.substr(std::min(at, text.size()), 24);
    const bool nonfinite = near.find("NaN") != std::string::npos || near.find("Infinity") != std::string::npos;
    NOETHER_FAIL(file << ": not a noether model file: malformed JSON: " << e.what()
                      << (nonfinite ? " (NaN and Infinity are not valid JSON; a model's numbers must be finite)" : ""));
  }
  NOETHER_REQUIRE(root.is_object(), file << ": not a noether model file: expected a JSON object at the top level, got "
                                         << root.type_name());
  check_keys(root, Ctx{file, ""}, kTopKeys);
  auto require_key = [&](const char* key, const std::string& what) {
    NOETHER_REQUIRE(root.contains(key), file << ": missing key '" << key << "' (" << what << ")");
  };

  require_key("format", "expected \"format\": \"noether-model\"");
  const json& fmt = root.at("format");
  NOETHER_REQUIRE(fmt.is_string() && fmt.get<std::string>() == "noether-model",
                  file << ": format: expected \"noether-model\", got " << brief(fmt) << " (not a noether model file?)");
  require_key("version", "expected \"version\": 1");
  const json& ver = root.at("version");
  NOETHER_REQUIRE(ver.is_number_integer(), file << ": version: expected an integer, got " << brief(ver));
  NOETHER_REQUIRE(ver.get<long>() == kModelFileVersion, file << ": version: unsupported version " << ver.get<long>()
                                                             << "; this noether reads version " << kModelFileVersion);

  ModelFile m;
  m.source = file;
  require_key("model", "the model kind: one of " + join(model_kinds()));
  const json& kind = root.at("model");
  NOETHER_REQUIRE(kind.is_string(), file << ": model: expected a string (" << join(model_kinds()) << "), got " << brief(kind));
  m.model = kind.get<std::string>();
  NOETHER_REQUIRE(std::find(model_kinds().begin(), model_kinds().end(), m.model) != model_kinds().end(),
                  file << ": model: unknown model kind '" << m.model << "'" << did_you_mean(m.model, model_kinds())
                       << "; expected one of " << join(model_kinds()));

  require_key("activation", "one of " + join(kActivations));
  const json& act = root.at("activation");
  NOETHER_REQUIRE(act.is_string(), file << ": activation: expected a string (" << join(kActivations) << "), got " << brief(act));
  NOETHER_REQUIRE(parse_activation(act.get<std::string>(), m.shape.activation),
                  file << ": activation: unknown activation '" << act.get<std::string>() << "'"
                       << did_you_mean(act.get<std::string>(), kActivations) << "; expected one of " << join(kActivations));

  require_key("layers", "a list of {\"weight\": [[...]], \"bias\": [...]} objects, first layer first");
  const json& layers = root.at("layers");
  NOETHER_REQUIRE(layers.is_array(), file << ": layers: expected a list of {\"weight\", \"bias\"} objects, got " << brief(layers));
  NOETHER_REQUIRE(!layers.empty(), file << ": layers: expected at least one layer, got an empty list");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const Ctx lc = Ctx{file, "layers"}.at(l);
    const std::string where = lc.where();
    const json& layer = layers[l];
    NOETHER_REQUIRE(layer.is_object(), where << ": expected an object {\"weight\": [[...]], \"bias\": [...]}, got " << brief(layer));
    check_keys(layer, lc, {"weight", "bias"});
    NOETHER_REQUIRE(layer.contains("weight"), where << ": missing key 'weight' (a list of rows, out × in)");
    NOETHER_REQUIRE(layer.contains("bias"), where << ": missing key 'bias' (a list with one entry per weight row)");
    const json& W = layer.at("weight");
    NOETHER_REQUIRE(W.is_array() && !W.empty(), where << ".weight: expected a non-empty list of rows (out × in), got " << brief(W));
    const std::size_t rows = W.size();
    std::size_t cols = 0;
    std::vector<double> flat;
    for (std::size_t o = 0; o < rows; ++o) {
      const Ctx rc = lc.sub("weight").at(o);
      const std::string rw = rc.where();
      NOETHER_REQUIRE(W[o].is_array(), rw << ": expected a row (a list of numbers), got " << brief(W[o])
                                          << "; weight is a list of rows, out × in");
      if (o == 0) {
        cols = W[0].size();
        NOETHER_REQUIRE(cols >= 1, rw << ": expected a non-empty row");
      }
      NOETHER_REQUIRE(W[o].size() == cols, rw << ": ragged weight: row has " << W[o].size() << " entries, row 0 has "
                                              << cols << " (every row must have the input width)");
      for (std::size_t i = 0; i < cols; ++i) flat.push_back(finite_number(W[o][i], rc.at(i)));
    }
    if (l == 0) {
      m.shape.widths.push_back(int(cols));
    } else {
      NOETHER_REQUIRE(int(cols) == m.shape.widths.back(),
                      where << ".weight: layers do not chain: has " << cols << " columns (inputs) but layers[" << l - 1
                            << "] has " << m.shape.widths.back() << " outputs (weight rows); expected " << m.shape.widths.back()
                            << " columns");
    }
    m.shape.widths.push_back(int(rows));
    const std::vector<double> b = number_list(layer.at("bias"), lc.sub("bias"));
    NOETHER_REQUIRE(b.size() == rows, where << ".bias: expected " << rows << " entries (one per weight row), got " << b.size());
    m.params.insert(m.params.end(), flat.begin(), flat.end());
    m.params.insert(m.params.end(), b.begin(), b.end());
  }
  m.input_transform = parse_input_transform(root, file);
  m.input_scaling = parse_scaling(root, file, "input_scaling", m.shape.in(), "input");
  m.output_scaling = parse_scaling(root, file, "output_scaling", m.shape.out(), "output");
  if (root.contains("metadata")) {
    const json& md = root.at("metadata");
    NOETHER_REQUIRE(md.is_object(), file << ": metadata: expected an object (free-form), got " << brief(md));
    m.metadata = md.dump();
  }
  m.tail = parse_tail(root, file);
  try {
    validate_model(m);
  } catch (const Error& e) {
    NOETHER_FAIL(file << ": " << e.what());
  }
  if (m.tail.policy != TailPolicy::None) model_tail(m);  // a tail that cannot be resolved is an error at load
  return m;
}

ModelFile load_model_file(const std::string& path) {
  return parse_model_json(cfg::read_text_file(path, "model file"), path);
}

void validate_model(const ModelFile& m) {
  NOETHER_REQUIRE(std::find(model_kinds().begin(), model_kinds().end(), m.model) != model_kinds().end(),
                  "model: unknown model kind '" << m.model << "'; expected one of " << join(model_kinds()));
  m.shape.validate("layers");
  const std::string kind = "model '" + m.model + "'";
  if (m.model == "mclnn")
    NOETHER_REQUIRE(m.shape.in() == 1 && m.shape.out() == 1,
                    kind << " is a pair potential V(r): input and output widths must be 1, got " << m.shape.in() << " and "
                         << m.shape.out());
  if (m.model == "lnn" || m.model == "hnn")
    NOETHER_REQUIRE(m.shape.out() == 1, kind << " outputs a scalar (V or H): output width must be 1, got " << m.shape.out());
  if (m.model == "hnn")
    NOETHER_REQUIRE(m.shape.in() % 2 == 0, kind << " takes (q, p): input width must be even, got " << m.shape.in());
  if (m.model == "mlp")
    NOETHER_REQUIRE(m.shape.in() == m.shape.out(), kind << " maps (q, p) to (dq/dt, dp/dt): input and output widths must match, got "
                                                        << m.shape.in() << " and " << m.shape.out());
  NOETHER_REQUIRE(m.params.size() == m.shape.parameter_count(), "layers: widths need " << m.shape.parameter_count()
                                                                   << " parameters, got " << m.params.size());
  for (std::size_t k = 0; k < m.params.size(); ++k)
    NOETHER_REQUIRE(std::isfinite(m.params[k]), "layers: parameter " << k << " is not finite: " << m.params[k]);
  NOETHER_REQUIRE(m.input_transform == InputTransform::None || m.model == "mclnn",
                  "input_transform: only a pair potential (model 'mclnn') has an input transform, this model is '"
                      << m.model << "'");
  validate_scaling(m.input_scaling, "input_scaling", m.shape.in());
  validate_scaling(m.output_scaling, "output_scaling", m.shape.out());
  if (!m.metadata.empty()) {
    json md;
    try {
      md = json::parse(m.metadata);
    } catch (const json::parse_error& e) {
      NOETHER_FAIL("metadata: not valid JSON: " << e.what());
    }
    NOETHER_REQUIRE(md.is_object(), "metadata: expected a JSON object, got " << md.type_name());
  }
  NOETHER_REQUIRE(m.tail.policy == TailPolicy::None || m.model == "mclnn",
                  "tail: only a pair potential (model 'mclnn') has a tail policy, this model is '" << m.model << "'");
  NOETHER_REQUIRE(std::isfinite(m.tail.r_hi) && m.tail.r_hi >= 0 && std::isfinite(m.tail.r_on) && m.tail.r_on >= 0,
                  "tail: r_hi and r_on must be finite distances >= 0 (0 = from the support)");
  NOETHER_REQUIRE(std::isfinite(m.tail.n) && m.tail.n >= 0 && (m.tail.n == 0 || m.tail.policy == TailPolicy::Power),
                  "tail.n: only policy 'power' has an exponent n (> 0), got " << m.tail.n);
  NOETHER_REQUIRE(m.tail.policy == TailPolicy::Zero || m.tail.n > 0 || m.tail.r_on == 0,
                  "tail.r_on: only policy 'zero' (the start of its switch) and 'power' with an exponent n have r_on");
  NOETHER_REQUIRE(!(m.tail.r_on > 0 && m.tail.r_hi > 0) || m.tail.r_on < m.tail.r_hi,
                  "tail: policy '" << tail_policy_name(m.tail.policy) << "' needs r_on < r_hi, got r_on = " << m.tail.r_on
                                   << ", r_hi = " << m.tail.r_hi);
}

std::string model_json(const ModelFile& m) {
  validate_model(m);
  std::string s = "{\n";
  s += "  \"format\": \"noether-model\",\n";
  s += "  \"version\": " + std::to_string(kModelFileVersion) + ",\n";
  s += "  \"model\": " + json(m.model).dump() + ",\n";
  s += "  \"activation\": \"" + std::string(activation_name(m.shape.activation)) + "\",\n";
  if (m.input_transform != InputTransform::None)
    s += "  \"input_transform\": \"" + std::string(input_transform_name(m.input_transform)) + "\",\n";
  if (!m.input_scaling.identity()) s += "  \"input_scaling\": " + scaling_text(m.input_scaling) + ",\n";
  if (!m.output_scaling.identity()) s += "  \"output_scaling\": " + scaling_text(m.output_scaling) + ",\n";
  if (!m.metadata.empty()) {
    std::string md = json::parse(m.metadata).dump(2);
    for (std::size_t p = md.find('\n'); p != std::string::npos; p = md.find('\n', p + 1)) md.insert(p + 1, "  ");
    s += "  \"metadata\": " + md + ",\n";
  }
  if (m.tail.policy != TailPolicy::None) {
    s += "  \"tail\": {\"policy\": \"" + std::string(tail_policy_name(m.tail.policy)) + "\"";
    if (m.tail.r_hi > 0) s += ", \"r_hi\": " + json(m.tail.r_hi).dump();
    if ((m.tail.policy == TailPolicy::Zero || m.tail.n > 0) && m.tail.r_on > 0) s += ", \"r_on\": " + json(m.tail.r_on).dump();
    if (m.tail.n > 0) s += ", \"n\": " + json(m.tail.n).dump();
    s += "},\n";
  }
  s += "  \"layers\": [\n";
  for (int l = 1; l <= m.shape.layers(); ++l) {
    const int din = m.shape.widths[l - 1], dout = m.shape.widths[l];
    const double* W = m.params.data() + m.shape.weight_offset(l);
    const double* b = m.params.data() + m.shape.bias_offset(l);
    s += "    {\"weight\": [";
    for (int o = 0; o < dout; ++o) s += std::string(o ? ",\n                " : "") + list_text(W + std::size_t(o) * din, din);
    s += "],\n     \"bias\": " + list_text(b, dout) + "}" + (l < m.shape.layers() ? "," : "") + "\n";
  }
  s += "  ]\n}\n";
  return s;
}

void save_model_file(const std::string& path, const ModelFile& m) {
  std::string text;
  try {
    text = model_json(m);
  } catch (const Error& e) {
    NOETHER_FAIL(path << ": cannot save model: " << e.what());
  }
  write_text_file_atomic(path, text);
}

PairScaling pair_scaling(const ModelFile& m) {
  NOETHER_REQUIRE(m.shape.in() == 1 && m.shape.out() == 1,
                  (m.source.empty() ? std::string("model") : m.source)
                      << ": a pair potential needs input and output widths 1, got " << m.shape.in() << " and " << m.shape.out());
  PairScaling s;
  if (!m.input_scaling.identity()) s.in_shift = m.input_scaling.shift[0], s.in_scale = m.input_scaling.scale[0];
  if (!m.output_scaling.identity()) s.out_shift = m.output_scaling.shift[0], s.out_scale = m.output_scaling.scale[0];
  s.input = m.input_transform;
  return s;
}

PairSupport model_support(const ModelFile& m) {
  PairSupport s;
  if (m.metadata.empty()) return s;
  const json md = json::parse(m.metadata, nullptr, /*allow_exceptions=*/false);
  if (!md.is_object() || !md.contains("training") || !md.at("training").is_object()) return s;
  const json& tr = md.at("training");
  auto pick = [&](const char* key, const char* lo, const char* hi) {
    if (!tr.contains(key) || !tr.at(key).is_object()) return false;
    const json& h = tr.at(key);
    if (!h.contains(lo) || !h.contains(hi) || !h.at(lo).is_number() || !h.at(hi).is_number()) return false;
    const double a = h.at(lo).get<double>(), b = h.at(hi).get<double>();
    if (!(std::isfinite(a) && std::isfinite(b) && b > a)) return false;
    s.lo = a, s.hi = b;
    return true;
  };
  if (!pick("pair_distance_histogram", "lo", "hi")) pick("pair_distance_range", "min", "max");
  return s;
}

PairTailSpec model_tail(const ModelFile& m) {
  if (m.tail.policy == TailPolicy::None) return PairTailSpec{};
  const std::string where = (m.source.empty() ? std::string("model") : m.source) + ": tail";
  const PairSupport sup = model_support(m);
  NOETHER_REQUIRE(m.tail.r_hi > 0 || sup.known(),
                  where << ": policy '" << tail_policy_name(m.tail.policy)
                        << "' needs r_hi, and the model records no training support "
                           "(metadata.training.pair_distance_histogram); give tail.r_hi");
  const double r_hi = m.tail.r_hi > 0 ? m.tail.r_hi : sup.hi;
  double r_on = m.tail.r_on;
  if (m.tail.policy == TailPolicy::Zero && r_on <= 0) {
    NOETHER_REQUIRE(sup.known(), where << ": policy 'zero' needs r_on, and the model records no training support to "
                                          "default it from; give tail.r_on");
    r_on = default_zero_tail_r_on(PairSupport{sup.lo, r_hi});
  }
  if (m.tail.policy == TailPolicy::Power && m.tail.n > 0 && r_on <= 0) {
    NOETHER_REQUIRE(sup.known(), where << ": policy 'power' with an exponent n fits over [r_on, r_hi], and the model "
                                          "records no training support to default r_on from; give tail.r_on");
    r_on = default_power_fit_r_on(PairSupport{sup.lo, r_hi});
  }
  return resolve_tail(m.tail.policy, r_on, r_hi, [&](double r) { return pair_model_network_jets(m, {r})[0]; }, where,
                      m.tail.n);
}

/// The pair law of an mclnn model file (throws unless the file holds a scalar pair model).
PairLawSpec learned_pair_law(const ModelFile& m) {
  const std::string who = m.source.empty() ? "model" : m.source;
  NOETHER_REQUIRE(m.model != "lnn", who << ": an LNN baseline model (V of all " << m.shape.in()
                                        << " coordinates of the system it was trained on) cannot be rolled out by "
                                           "noether rollout or run on other particle counts; only pair-potential "
                                           "models ('mclnn') generalise to any N (the LNN's own rollouts are part "
                                           "of `noether run`)");
  NOETHER_REQUIRE(m.model == "mclnn", who << ": \"model\" is '" << m.model
                                          << "'; rollout needs a pair-potential model ('mclnn')");
  auto L = std::make_shared<LearnedPotential>();
  L->shape = m.shape;
  L->params = m.params;
  L->scaling = pair_scaling(m);
  L->support = model_support(m);
  L->tail = model_tail(m);
  PairLawSpec spec;
  spec.kind = PotentialKind::Learned;
  spec.learned = L;
  return spec;
}

}  // namespace noether
