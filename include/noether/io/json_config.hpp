// io/json_config.hpp — helpers for reading JSON configs with errors that name the file and the key path
// ("run.json: train.lr: expected a number > 0") and "did you mean" hints for unknown keys and values.
// Host-only (nlohmann/json never reaches nvcc); shared by every config, model, table and checkpoint reader.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/text.hpp"

namespace noether {
namespace cfg {

using json = nlohmann::json;

/// Context for error messages: file and key path.
struct Ctx {
  std::string file, path;
  Ctx sub(const std::string& key) const { return {file, path.empty() ? key : path + "." + key}; }
  /// Element i of the array at this path ("layers[2]").
  Ctx at(std::size_t i) const { return {file, path + "[" + std::to_string(i) + "]"}; }
  std::string where() const { return file + ": " + (path.empty() ? "top level" : path); }
};

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

/// " (did you mean 'x'?)" for the candidate nearest to `word`, or "" when none is close.
inline std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string hint = nearest_word(word, candidates);
  return hint.empty() ? "" : " (did you mean '" + hint + "'?)";
}

/// A JSON value shortened for messages (at most 60 characters).
inline std::string brief(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

inline void check_keys(const json& obj, const Ctx& ctx, const std::vector<std::string>& allowed) {
  NOETHER_REQUIRE(obj.is_object(), ctx.where() << ": expected a JSON object, got " << obj.type_name());
  for (const auto& item : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end()) continue;
    NOETHER_FAIL(ctx.sub(item.key()).where() << ": unknown key" << did_you_mean(item.key(), allowed)
                                             << "; valid keys: " << join(allowed));
  }
}

/// The finite number `v` at ctx.
inline double finite_number(const json& v, const Ctx& ctx) {
  NOETHER_REQUIRE(v.is_number(), ctx.where() << ": expected a number, got " << brief(v));
  const double x = v.get<double>();
  NOETHER_REQUIRE(std::isfinite(x), ctx.where() << ": expected a finite number, got " << brief(v));
  return x;
}

/// The list of finite numbers `v` at ctx (elements named ctx[i]).
inline std::vector<double> number_list(const json& v, const Ctx& ctx) {
  NOETHER_REQUIRE(v.is_array(), ctx.where() << ": expected a list of numbers, got " << brief(v));
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(finite_number(v[i], ctx.at(i)));
  return out;
}

inline double get_number(const json& obj, const Ctx& ctx, const std::string& key, double def, bool positive = false) {
  if (!obj.contains(key)) return def;
  const json& v = obj.at(key);
  const double x = finite_number(v, ctx.sub(key));
  if (positive) NOETHER_REQUIRE(x > 0, ctx.sub(key).where() << ": expected a value > 0, got " << v.dump());
  return x;
}

/// The integer at `key` (`def` when absent), range-checked in its full width (signed or unsigned 64-bit as
/// written) against [min_value, max_value] before any narrowing: "expected an integer in [1, 2147483647], got
/// 4294967298". Callers narrow to int only with max_value <= INT_MAX.
inline long long get_int(const json& obj, const Ctx& ctx, const std::string& key, long long def, long long min_value,
                         long long max_value) {
  if (!obj.contains(key)) return def;
  const json& v = obj.at(key);
  const auto range = [&] {
    std::ostringstream os;
    os << "expected an integer in [" << min_value << ", " << max_value << "], got " << brief(v);
    return os.str();
  };
  NOETHER_REQUIRE(v.is_number_integer(), ctx.sub(key).where() << ": " << range());
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<long long>::max()))
    NOETHER_FAIL(ctx.sub(key).where() << ": " << range());
  const long long x = v.get<long long>();
  NOETHER_REQUIRE(x >= min_value && x <= max_value, ctx.sub(key).where() << ": " << range());
  return x;
}

/// An unsigned 64-bit integer (a seed) in [0, 2^64 - 1]; `def` when absent.
inline std::uint64_t get_uint64(const json& obj, const Ctx& ctx, const std::string& key, std::uint64_t def) {
  if (!obj.contains(key)) return def;
  const json& v = obj.at(key);
  NOETHER_REQUIRE(v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0),
                  ctx.sub(key).where() << ": expected an integer in [0, 18446744073709551615], got " << brief(v));
  return v.get<std::uint64_t>();
}

inline bool get_bool(const json& obj, const Ctx& ctx, const std::string& key, bool def) {
  if (!obj.contains(key)) return def;
  NOETHER_REQUIRE(obj.at(key).is_boolean(), ctx.sub(key).where() << ": expected true or false, got " << obj.at(key).dump());
  return obj.at(key).get<bool>();
}

/// A string; `def` when the key is absent.
inline std::string get_string(const json& obj, const Ctx& ctx, const std::string& key, const std::string& def) {
  if (!obj.contains(key)) return def;
  const json& v = obj.at(key);
  NOETHER_REQUIRE(v.is_string(), ctx.sub(key).where() << ": expected a string, got " << brief(v));
  return v.get<std::string>();
}

inline std::string get_choice(const json& obj, const Ctx& ctx, const std::string& key, const std::string& def,
                       const std::vector<std::string>& choices) {
  if (!obj.contains(key)) {
    NOETHER_REQUIRE(!def.empty(), ctx.sub(key).where() << ": missing; expected one of " << join(choices));
    return def;
  }
  const json& v = obj.at(key);
  NOETHER_REQUIRE(v.is_string(), ctx.sub(key).where() << ": expected a string (one of " << join(choices) << "), got " << v.dump());
  const std::string s = v.get<std::string>();
  if (std::find(choices.begin(), choices.end(), s) == choices.end()) {
    NOETHER_FAIL(ctx.sub(key).where() << ": unknown value '" << s << "'" << did_you_mean(s, choices)
                                      << "; expected one of " << join(choices));
  }
  return s;
}

/// A non-empty list of layer widths, each an integer in [1, 4096]; `def` when the key is absent.
inline std::vector<int> get_widths(const json& obj, const Ctx& ctx, const std::string& key, std::vector<int> def) {
  if (!obj.contains(key)) return def;
  const json& h = obj.at(key);
  NOETHER_REQUIRE(h.is_array() && !h.empty(), ctx.sub(key).where() << ": expected a non-empty list of widths, got " << h.dump());
  std::vector<int> out;
  for (const auto& w : h) {
    NOETHER_REQUIRE(w.is_number_integer() && w.get<long>() >= 1 && w.get<long>() <= 4096,
                    ctx.sub(key).where() << ": widths must be integers in [1, 4096], got " << w.dump());
    out.push_back(w.get<int>());
  }
  return out;
}

/// A non-empty list of distinct integer seeds >= 0; `def` when the key is absent.
inline std::vector<std::uint64_t> get_seeds(const json& obj, const Ctx& ctx, const std::string& key,
                                            std::vector<std::uint64_t> def) {
  if (!obj.contains(key)) return def;
  const json& s = obj.at(key);
  NOETHER_REQUIRE(s.is_array() && !s.empty(),
                  ctx.sub(key).where() << ": expected a non-empty list of integers >= 0, got " << s.dump());
  std::vector<std::uint64_t> out;
  for (const auto& v : s) {
    NOETHER_REQUIRE(v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0),
                    ctx.sub(key).where() << ": seeds must be integers in [0, 18446744073709551615], got " << brief(v));
    const auto seed = v.get<std::uint64_t>();
    NOETHER_REQUIRE(std::find(out.begin(), out.end(), seed) == out.end(),
                    ctx.sub(key).where() << ": seed " << seed << " appears twice");
    out.push_back(seed);
  }
  return out;
}

/// Flatten a nested numeric array, recording its shape; errors name the key.
inline void flatten(const json& v, const Ctx& ctx, std::size_t depth, std::vector<std::size_t>& shape, std::vector<double>& out) {
  if (v.is_number()) {
    NOETHER_REQUIRE(depth == shape.size(), ctx.where() << ": ragged array (a number where a list was expected)");
    out.push_back(v.get<double>());
    return;
  }
  NOETHER_REQUIRE(v.is_array(), ctx.where() << ": expected a nested list of numbers, got " << v.dump());
  if (depth == shape.size()) shape.push_back(v.size());
  NOETHER_REQUIRE(depth < shape.size() && shape[depth] == v.size(), ctx.where() << ": ragged array (rows of different lengths)");
  for (const auto& x : v) flatten(x, ctx, depth + 1, shape, out);
}

/// Read a JSON file; errors name the file ("cannot open <what>", "is a directory", "malformed JSON: …", a number
/// out of range such as 1e999) and reject a key that appears twice in one object, naming its path.
json read_json_file(const std::string& path, const std::string& what = "config file");

/// The bytes of a file; errors name it ("is a directory, expected a <what>", "cannot open <what>").
std::string read_text_file(const std::string& path, const std::string& what);

/// Parse JSON text from `file`: a key that appears twice in one object and a number out of double's range are
/// noether::Error naming the file and the key path; other syntax errors propagate as json::parse_error (the
/// caller words them). Every JSON file noether reads goes through here.
json parse_json_text(const std::string& text, const std::string& file);

}  // namespace cfg
}  // namespace noether
