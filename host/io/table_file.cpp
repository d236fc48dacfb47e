// io/table_file.cpp — build pair tables from pair potentials and read/write table files
// (io/table_file.hpp, docs/TABLES.md). Every file error names the file and the key.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"

namespace noether {

using json = nlohmann::json;
using cfg::brief;
using cfg::Ctx;
using cfg::finite_number;
using cfg::number_list;

namespace {

/// Table data (knots and coefficients) of `ref` on n intervals.
PairTableData sample(const std::function<PairJet<double>(double)>& ref, double r_min, double r_max, int n) {
  PairTableData t;
  t.r_min = r_min, t.r_max = r_max;
  t.V.resize(std::size_t(n) + 1), t.dV.resize(std::size_t(n) + 1), t.d2V.resize(std::size_t(n) + 1);
  for (int k = 0; k <= n; ++k) {
    const double r = k == n ? r_max : r_min + (r_max - r_min) * (double(k) / double(n));
    const PairJet<double> j = ref(r);
    t.V[k] = j.V, t.dV[k] = j.dV, t.d2V[k] = j.d2V;
  }
  finalize_pair_table(t, "pair table");
  return t;
}

std::string list_text(const std::vector<double>& x) {
  std::string s = "[";
  for (std::size_t i = 0; i < x.size(); ++i) s += (i ? (i % 4 == 0 ? ",\n    " : ", ") : "") + json(x[i]).dump();
  return s + "]";
}

double number_at(const json& root, const std::string& file, const char* key) {
  NOETHER_REQUIRE(root.contains(key), file << ": " << key << ": missing (a noether-pair-table needs it)");
  return finite_number(root.at(key), Ctx{file, key});
}

std::vector<double> list_at(const json& root, const std::string& file, const char* key, std::size_t knots) {
  NOETHER_REQUIRE(root.contains(key), file << ": " << key << ": missing (a noether-pair-table needs it)");
  const json& v = root.at(key);
  NOETHER_REQUIRE(v.is_array(), file << ": " << key << ": expected a list of " << knots << " numbers, got " << brief(v));
  NOETHER_REQUIRE(v.size() == knots,
                  file << ": " << key << ": expected " << knots << " entries (\"knots\"), got " << v.size());
  return number_list(v, Ctx{file, key});
}

std::string read_text(const std::string& path, const char* what) { return cfg::read_text_file(path, what); }

/// "support": {"lo", "hi"} of a table file.
PairSupport parse_support(const json& root, const std::string& file) {
  PairSupport s;
  if (!root.contains("support")) return s;
  const Ctx ctx{file, "support"};
  const json& v = root.at("support");
  NOETHER_REQUIRE(v.is_object(), ctx.where() << ": expected an object {\"lo\": x, \"hi\": y}, got " << brief(v));
  cfg::check_keys(v, ctx, {"lo", "hi"});
  NOETHER_REQUIRE(v.contains("lo") && v.contains("hi"), ctx.where() << ": expected both \"lo\" and \"hi\"");
  s.lo = finite_number(v.at("lo"), ctx.sub("lo"));
  s.hi = finite_number(v.at("hi"), ctx.sub("hi"));
  NOETHER_REQUIRE(s.lo >= 0 && s.hi > s.lo, ctx.where() << ": expected 0 <= lo < hi, got lo = " << s.lo << ", hi = " << s.hi);
  return s;
}

/// "tail": {"policy", "r_hi", "r_on", "n"} of a table file: the policy, its distances and a power tail's given exponent
/// (resolved by set_pair_table_tail).
void parse_tail(const json& root, const std::string& file, TailPolicy& policy, double& r_on, double& r_hi, double& n) {
  policy = TailPolicy::None, r_on = 0, r_hi = 0, n = 0;
  if (!root.contains("tail")) return;
  const Ctx ctx{file, "tail"};
  const json& v = root.at("tail");
  NOETHER_REQUIRE(v.is_object(), ctx.where() << ": expected an object {\"policy\": " << cfg::join(tail_policy_names())
                                             << ", \"r_hi\": x, \"r_on\": y}, got " << brief(v));
  cfg::check_keys(v, ctx, {"policy", "r_hi", "r_on", "n"});
  const std::string pw = ctx.sub("policy").where();
  NOETHER_REQUIRE(v.contains("policy") && v.at("policy").is_string(),
                  pw << ": expected one of " << cfg::join(tail_policy_names()));
  const std::string name = v.at("policy").get<std::string>();
  NOETHER_REQUIRE(parse_tail_policy(name, policy), pw << ": unknown tail policy '" << name << "'"
                                                      << cfg::did_you_mean(name, tail_policy_names())
                                                      << "; expected one of " << cfg::join(tail_policy_names()));
  if (policy == TailPolicy::None) return;
  NOETHER_REQUIRE(v.contains("r_hi"), ctx.sub("r_hi").where() << ": missing (policy '" << name << "' needs it)");
  r_hi = finite_number(v.at("r_hi"), ctx.sub("r_hi"));
  if (v.contains("n")) {
    NOETHER_REQUIRE(policy == TailPolicy::Power, ctx.sub("n").where() << ": only policy 'power' has an exponent n");
    n = finite_number(v.at("n"), ctx.sub("n"));
    NOETHER_REQUIRE(n > 0, ctx.sub("n").where() << ": expected an exponent > 0, got " << n);
  }
  if (policy == TailPolicy::Zero || n > 0) {
    NOETHER_REQUIRE(v.contains("r_on"), ctx.sub("r_on").where() << ": missing (policy '" << name
                                                                 << (n > 0 ? "' with an exponent n" : "'") << " needs it)");
    r_on = finite_number(v.at("r_on"), ctx.sub("r_on"));
  } else {
    NOETHER_REQUIRE(!v.contains("r_on"), ctx.sub("r_on").where()
                                             << ": only policy 'zero' and 'power' with an exponent n have r_on");
  }
}

}  // namespace

PairTableData build_pair_table(const std::function<PairJet<double>(double)>& ref, double r_min, double r_max, double tol,
                               int start_intervals, PairTableBuildReport* report) {
  NOETHER_REQUIRE(std::isfinite(r_min) && std::isfinite(r_max) && r_min >= 0 && r_max > r_min,
                  "tabulate: the range must satisfy 0 <= r_min < r_max (finite), got [" << r_min << ", " << r_max << "]");
  NOETHER_REQUIRE(std::isfinite(tol) && tol > 0, "tabulate: the tolerance must be > 0, got " << tol);
  NOETHER_REQUIRE(start_intervals >= 1 && start_intervals <= kPairTableMaxIntervals,
                  "tabulate: start_intervals must be in [1, " << kPairTableMaxIntervals << "], got " << start_intervals);
  for (int n = start_intervals;; n *= 2) {
    PairTableData t = sample(ref, r_min, r_max, n);
    const PairTable<double> table = make_pair_table<double>(t, t.coef.data());
    PairTableBuildReport rep;
    rep.intervals = n;
    rep.check_points_per_interval = kPairTableChecksPerInterval;
    for (double d : t.dV) rep.max_abs_dVdr = std::max(rep.max_abs_dVdr, std::abs(d));
    const double h = t.h();
    for (int k = 0; k < n; ++k)
      for (int j = 1; j <= kPairTableChecksPerInterval; ++j) {
        const double r = r_min + h * (double(k) + double(j) / double(kPairTableChecksPerInterval + 1));
        const PairJet<double> a = table.jets(r), b = ref(r);
        rep.max_abs_dVdr = std::max(rep.max_abs_dVdr, std::abs(b.dV));
        rep.max_abs_error_dVdr = std::max(rep.max_abs_error_dVdr, std::abs(a.dV - b.dV));
        rep.max_abs_error_V = std::max(rep.max_abs_error_V, std::abs(a.V - b.V));
      }
    rep.max_rel_error_dVdr = rep.max_abs_dVdr > 0 ? rep.max_abs_error_dVdr / rep.max_abs_dVdr : 0.0;
    if (rep.max_abs_error_dVdr <= tol * rep.max_abs_dVdr) {
      t.tolerance = tol;
      t.max_rel_error_dVdr = rep.max_rel_error_dVdr;
      if (report) *report = rep;
      return t;
    }
    NOETHER_REQUIRE(2 * n <= kPairTableMaxIntervals,
                    "tabulate: " << n << " intervals on [" << r_min << ", " << r_max << "] still give max |dV/dr error| / max |dV/dr| = "
                                 << rep.max_rel_error_dVdr << " > tolerance " << tol << ", and at most "
                                 << kPairTableMaxIntervals << " intervals are allowed; use a larger --tolerance or a smaller range");
  }
}

PairJet<double> pair_law_jets(const PairLawSpec& law, double r) {
  if (law.kind == PotentialKind::Learned) {
    NOETHER_REQUIRE(law.learned != nullptr, "pair law 'learned' without a model");
    return with_pair_mlp<double>(law.learned->shape, law.learned->params.data(), law.learned->scaling,
                                 law.learned->tail, [&](const auto& mlp) { return mlp.jets(r); });
  }
  if (law.kind == PotentialKind::Tabulated) {
    NOETHER_REQUIRE(law.table != nullptr, "pair law 'tabulated' without a table");
    return make_pair_table<double>(*law.table, law.table->coef.data()).jets(r);
  }
  return pair_law_raw_jets(law, r);
}

PairJet<double> pair_law_raw_jets(const PairLawSpec& law, double r) {
  if (law.kind == PotentialKind::Learned) {
    NOETHER_REQUIRE(law.learned != nullptr, "pair law 'learned' without a model");
    return with_pair_mlp<double>(law.learned->shape, law.learned->params.data(), law.learned->scaling,
                                 [&](const auto& mlp) { return mlp.network_jets(r); });
  }
  if (law.kind == PotentialKind::Tabulated) {
    NOETHER_REQUIRE(law.table != nullptr, "pair law 'tabulated' without a table");
    return make_pair_table<double>(*law.table, law.table->coef.data()).table_jets(r);
  }
  auto slope = [&](double x) {
    double V = 0, f = 0;
    with_analytic_pair_law<double>(law, [&](const auto& L) { L.eval(x * x, 1.0, 1.0, V, f); });
    return PairSlope<double>{V, -f * x};
  };
  const double e = 1e-5 * std::max(1.0, r);
  const PairSlope<double> s = slope(r);
  return {s.V, s.dV, (slope(r + e).dV - slope(r - e).dV) / (2 * e)};
}

PairTableData build_pair_table(const PairLawSpec& law, double r_min, double r_max, double tol, int start_intervals,
                               PairTableBuildReport* report) {
  PairTableData t = build_pair_table([&](double r) { return pair_law_raw_jets(law, r); }, r_min, r_max, tol,
                                     start_intervals, report);
  t.support = pair_law_support(law);
  const PairTailSpec* tail = law.kind == PotentialKind::Learned && law.learned ? &law.learned->tail
                             : law.kind == PotentialKind::Tabulated && law.table ? &law.table->tail
                                                                                  : nullptr;
  if (tail) set_pair_table_tail(t, tail->policy, tail->r_on, tail->r_hi, "tabulate: tail", tail->fitted ? tail->n : 0.0);
  return t;
}

void set_pair_table_tail(PairTableData& t, TailPolicy policy, double r_on, double r_hi, const std::string& where,
                         double fixed_n) {
  t.tail = PairTailSpec{};
  const PairTable<double> raw = make_pair_table<double>(t, t.coef.data());
  t.tail = resolve_tail(policy, r_on, r_hi, [&](double r) { return raw.table_jets(r); }, where, fixed_n);
}

std::vector<PairJet<double>> pair_table_jets(const PairTableData& t, const std::vector<double>& r) {
  const PairTable<double> table = make_pair_table<double>(t, t.coef.data());
  std::vector<PairJet<double>> out(r.size());
  for (std::size_t k = 0; k < r.size(); ++k) out[k] = table.jets(r[k]);
  return out;
}

PairLawSpec tabulated_pair_law(const PairTableData& t) {
  NOETHER_REQUIRE(t.coef.size() == 6 * std::size_t(t.intervals()), "pair table: coefficients missing (finalize_pair_table)");
  PairLawSpec spec;
  spec.kind = PotentialKind::Tabulated;
  spec.table = std::make_shared<const PairTableData>(t);
  return spec;
}

PairTableData parse_pair_table_json(const std::string& text, const std::string& file) {
  json root;
  try {
    root = cfg::parse_json_text(text, file);  // duplicate keys and 1e999 are named there
  } catch (const json::exception& e) {  // parse errors, and numbers out of range (1e999)
    NOETHER_FAIL(file << ": not valid JSON: " << e.what());
  }
  NOETHER_REQUIRE(root.is_object(), file << ": expected a JSON object (a noether-pair-table)");
  NOETHER_REQUIRE(root.contains("format") && root.at("format").is_string() &&
                      root.at("format").get<std::string>() == kPairTableFormat,
                  file << ": format: expected \"" << kPairTableFormat << "\", got "
                       << (root.contains("format") ? brief(root.at("format")) : std::string("nothing")));
  NOETHER_REQUIRE(root.contains("version") && root.at("version").is_number_integer() &&
                      root.at("version").get<long long>() == kPairTableFileVersion,
                  file << ": version: this build reads version " << kPairTableFileVersion << ", got "
                       << (root.contains("version") ? brief(root.at("version")) : std::string("nothing")));
  static const std::vector<std::string> keys{"format", "version", "r_min", "r_max", "knots", "V", "dVdr", "d2Vdr2",
                                             "tolerance", "max_rel_error_dVdr", "extrapolation", "source",
                                             "support", "tail"};
  for (const auto& item : root.items())
    NOETHER_REQUIRE(std::find(keys.begin(), keys.end(), item.key()) != keys.end(),
                    file << ": " << item.key() << ": unknown key of a noether-pair-table");
  PairTableData t;
  t.r_min = number_at(root, file, "r_min");
  t.r_max = number_at(root, file, "r_max");
  NOETHER_REQUIRE(t.r_max > t.r_min, file << ": r_max: must be > r_min, got r_min = " << t.r_min << ", r_max = " << t.r_max);
  NOETHER_REQUIRE(root.contains("knots"), file << ": knots: missing (a noether-pair-table needs it)");
  const json& kn = root.at("knots");
  NOETHER_REQUIRE(kn.is_number_integer() && kn.get<long long>() >= 2 && kn.get<long long>() <= kPairTableMaxIntervals + 1LL,
                  file << ": knots: expected an integer in [2, " << kPairTableMaxIntervals + 1 << "], got " << brief(kn));
  const std::size_t knots = std::size_t(kn.get<long long>());
  t.V = list_at(root, file, "V", knots);
  t.dV = list_at(root, file, "dVdr", knots);
  t.d2V = list_at(root, file, "d2Vdr2", knots);
  if (root.contains("tolerance")) t.tolerance = number_at(root, file, "tolerance");
  if (root.contains("max_rel_error_dVdr")) t.max_rel_error_dVdr = number_at(root, file, "max_rel_error_dVdr");
  if (root.contains("extrapolation")) {
    const json& e = root.at("extrapolation");
    NOETHER_REQUIRE(e.is_string() && e.get<std::string>() == kPairTableExtrapolation,
                    file << ": extrapolation: the only one supported is \"" << kPairTableExtrapolation << "\", got " << brief(e));
  }
  if (root.contains("source")) {
    NOETHER_REQUIRE(root.at("source").is_object(), file << ": source: expected an object, got " << brief(root.at("source")));
    t.source_json = root.at("source").dump();
  }
  finalize_pair_table(t, file);
  t.support = parse_support(root, file);
  TailPolicy policy;
  double r_on, r_hi, n;
  parse_tail(root, file, policy, r_on, r_hi, n);
  set_pair_table_tail(t, policy, r_on, r_hi, file + ": tail", n);
  return t;
}

PairTableData load_pair_table_file(const std::string& path) {
  return parse_pair_table_json(read_text(path, "pair table file"), path);
}

std::string pair_table_json(const PairTableData& t) {
  NOETHER_REQUIRE(t.V.size() >= 2 && t.dV.size() == t.V.size() && t.d2V.size() == t.V.size(),
                  "pair table: inconsistent knot arrays");
  std::string s = "{\n";
  s += std::string("  \"format\": \"") + kPairTableFormat + "\",\n";
  s += "  \"version\": " + std::to_string(kPairTableFileVersion) + ",\n";
  s += "  \"r_min\": " + json(t.r_min).dump() + ",\n";
  s += "  \"r_max\": " + json(t.r_max).dump() + ",\n";
  s += "  \"knots\": " + std::to_string(t.V.size()) + ",\n";
  s += "  \"tolerance\": " + json(t.tolerance).dump() + ",\n";
  s += "  \"max_rel_error_dVdr\": " + json(t.max_rel_error_dVdr).dump() + ",\n";
  s += std::string("  \"extrapolation\": \"") + kPairTableExtrapolation + "\",\n";
  if (!t.source_json.empty()) s += "  \"source\": " + json::parse(t.source_json).dump() + ",\n";
  if (t.support.known())
    s += "  \"support\": {\"lo\": " + json(t.support.lo).dump() + ", \"hi\": " + json(t.support.hi).dump() + "},\n";
  if (t.tail.policy != TailPolicy::None) {
    s += "  \"tail\": {\"policy\": \"" + std::string(tail_policy_name(t.tail.policy)) + "\", \"r_hi\": " +
         json(t.tail.r_hi).dump();
    if (t.tail.policy == TailPolicy::Zero || t.tail.fitted) s += ", \"r_on\": " + json(t.tail.r_on).dump();
    if (t.tail.fitted) s += ", \"n\": " + json(t.tail.n).dump();
    s += "},\n";
  }
  s += "  \"V\": " + list_text(t.V) + ",\n";
  s += "  \"dVdr\": " + list_text(t.dV) + ",\n";
  s += "  \"d2Vdr2\": " + list_text(t.d2V) + "\n}\n";
  return s;
}

void save_pair_table_file(const std::string& path, const PairTableData& t) {
  std::string text;
  try {
    text = pair_table_json(t);
  } catch (const Error& e) {
    NOETHER_FAIL(path << ": cannot save pair table: " << e.what());
  }
  write_text_file_atomic(path, text);
}

bool is_pair_table_file(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary)) return false;  // the caller's own loader reports it
  const std::string text = read_text(path, "file");
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains("format") || !root.at("format").is_string()) return false;
  return root.at("format").get<std::string>() == kPairTableFormat;
}

PairLawSpec load_pair_law_file(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary)) return learned_pair_law(load_model_file(path));  // its usual error
  const std::string text = read_text(path, "model or pair table file");
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_object() && root.contains("format") && root.at("format").is_string() &&
      root.at("format").get<std::string>() == kPairTableFormat)
    return tabulated_pair_law(parse_pair_table_json(text, path));
  require_single_pair_law_file(path);
  return learned_pair_law(parse_model_json(text, path));
}

}  // namespace noether
