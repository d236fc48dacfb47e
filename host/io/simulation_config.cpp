// io/simulation_config.cpp — parse and validate simulation configs (JSON) into SimulationConfig.
// Every error names the file and the key path (e.g. "lin.json: integrator.dt") and what was expected;
// unknown keys and values get a "did you mean" hint.
#include "noether/io/trajectory.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/io/pair_laws_file.hpp"
#include "noether/io/table_file.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "noether/core/device.hpp"
#include "noether/core/text.hpp"
#include "noether/core/error.hpp"
#include "noether/core/memory.hpp"
#include "noether/physics/sampler.hpp"

namespace noether {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {
using namespace cfg;

InitialState state_from_arrays(const json& o, const Ctx& ctx) {
  check_keys(o, ctx, {"positions", "velocities", "masses"});
  for (const char* k : {"positions", "velocities"})
    NOETHER_REQUIRE(o.contains(k), ctx.sub(k).where() << ": missing; expected a (N, D) or (B, N, D) list of numbers");
  std::vector<std::size_t> ps, vs, ms;
  InitialState s;
  flatten(o.at("positions"), ctx.sub("positions"), 0, ps, s.pos);
  flatten(o.at("velocities"), ctx.sub("velocities"), 0, vs, s.vel);
  NOETHER_REQUIRE(ps.size() == 2 || ps.size() == 3, ctx.sub("positions").where() << ": expected shape (N, D) or (B, N, D)");
  NOETHER_REQUIRE(vs == ps, ctx.sub("velocities").where() << ": expected the same shape as positions");
  s.D = int(ps.back());
  s.N = int(ps[ps.size() - 2]);
  s.B = ps.size() == 3 ? int(ps[0]) : 1;
  std::vector<double> m;
  if (!o.contains("masses")) {
    m.assign(std::size_t(s.B) * s.N, 1.0);
  } else if (o.at("masses").is_number()) {
    m.assign(std::size_t(s.B) * s.N, o.at("masses").get<double>());
  } else {
    flatten(o.at("masses"), ctx.sub("masses"), 0, ms, m);
    if (ms.size() == 1 && ms[0] == std::size_t(s.N)) {
      std::vector<double> rep;
      for (int b = 0; b < s.B; ++b) rep.insert(rep.end(), m.begin(), m.end());
      m = rep;
    } else {
      NOETHER_REQUIRE(ms.size() == 2 && ms[0] == std::size_t(s.B) && ms[1] == std::size_t(s.N),
                      ctx.sub("masses").where() << ": expected a number, (N) = (" << s.N << ") or (B, N) = (" << s.B << ", " << s.N << ")");
    }
  }
  s.mass = m;
  validate_initial_state(s, ctx.where());
  return s;
}

std::vector<double> masses_value(const json& o, const Ctx& ctx, int N) {
  if (!o.contains("masses")) return {1.0};
  const json& v = o.at("masses");
  std::vector<double> m;
  if (v.is_number()) {
    m = {v.get<double>()};
  } else {
    std::vector<std::size_t> shape;
    flatten(v, ctx.sub("masses"), 0, shape, m);
    NOETHER_REQUIRE(shape.size() == 1 && shape[0] == std::size_t(N), ctx.sub("masses").where() << ": expected a number or a list of " << N << " masses");
  }
  // Checked here, before the sampler divides by them (zero momentum): a zero mass is the mass's error.
  for (std::size_t i = 0; i < m.size(); ++i)
    NOETHER_REQUIRE(std::isfinite(m[i]) && m[i] > 0, (v.is_number() ? ctx.sub("masses") : ctx.sub("masses").at(i)).where()
                                                         << ": expected a finite mass > 0, got " << m[i]);
  return m;
}

std::string resolve_path(const std::string& p, const std::string& config_file) {
  const fs::path rel = fs::path(config_file).parent_path() / p;
  if (fs::path(p).is_relative() && fs::exists(rel)) return rel.string();
  return p;
}

}  // namespace

namespace cfg {

InitialState parse_initial_state(const json& v, const Ctx& ctx) {
  if (v.is_string()) return load_initial_state_npz(resolve_path(v.get<std::string>(), ctx.file));
  if (v.is_array()) {  // a list of specs: their batches concatenated in order (same N and D)
    NOETHER_REQUIRE(!v.empty(), ctx.where() << ": an empty list; expected one or more initial-state specs");
    InitialState all;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const Ctx item = ctx.sub(std::to_string(k));
      NOETHER_REQUIRE(!v[k].is_array(), item.where() << ": lists of initial states do not nest");
      const InitialState s = parse_initial_state(v[k], item);
      if (k == 0) {
        all = s;
        continue;
      }
      NOETHER_REQUIRE(s.N == all.N && s.D == all.D, item.where() << ": " << s.N << " particles in " << s.D
                                                                  << "-D, but item 0 has " << all.N << " in "
                                                                  << all.D << "-D; every item needs the same N and D");
      NOETHER_REQUIRE(s.species == all.species && s.box.present == all.box.present,
                      item.where() << ": species or box differ from item 0's; every item needs the same");
      all.B += s.B;
      all.pos.insert(all.pos.end(), s.pos.begin(), s.pos.end());
      all.vel.insert(all.vel.end(), s.vel.begin(), s.vel.end());
      all.mass.insert(all.mass.end(), s.mass.begin(), s.mass.end());
    }
    return all;
  }
  NOETHER_REQUIRE(v.is_object(), ctx.where() << ": expected a .npz path, an object with positions/velocities/masses, "
                                                "an object with \"sampler\", or a list of these; got " << v.dump());
  if (!v.contains("sampler")) {
    if (v.contains("file")) {
      check_keys(v, ctx, {"file"});
      NOETHER_REQUIRE(v.at("file").is_string(), ctx.sub("file").where() << ": expected a path string");
      return load_initial_state_npz(resolve_path(v.at("file").get<std::string>(), ctx.file));
    }
    return state_from_arrays(v, ctx);
  }
  const std::string kind = get_choice(v, ctx, "sampler", "", {"uniform", "perturb", "fcc"});
  InitialState s;
  if (kind == "fcc") {
    check_keys(v, ctx, {"sampler", "trajectories", "cells", "density", "temperature", "mass", "seed"});
    FccSamplerSpec f;
    f.trajectories = int(get_int(v, ctx, "trajectories", 1, 1, 2147483647));
    if (v.contains("cells") && v.at("cells").is_array()) {
      NOETHER_REQUIRE(v.at("cells").size() == 3, ctx.sub("cells").where() << ": expected a number or 3 numbers of unit cells");
      for (int c = 0; c < 3; ++c) {
        const json& x = v.at("cells")[c];
        NOETHER_REQUIRE(x.is_number_integer() && x.get<long long>() >= 1 && x.get<long long>() <= 1000,
                        ctx.sub("cells").at(c).where() << ": expected an integer in [1, 1000]");
        f.cells[c] = int(x.get<long long>());
      }
    } else {
      f.cells[0] = f.cells[1] = f.cells[2] = int(get_int(v, ctx, "cells", 3, 1, 1000));
    }
    require_memory(checked_product({std::uint64_t(f.trajectories), 4ull * f.cells[0] * f.cells[1] * f.cells[2], 7 * 8},
                                   ctx.sub("trajectories").where() + " x cells"),
                   ctx.sub("trajectories").where() + " x cells");
    f.density = get_number(v, ctx, "density", 0.8, true);
    f.temperature = get_number(v, ctx, "temperature", 1.0);
    NOETHER_REQUIRE(f.temperature >= 0, ctx.sub("temperature").where() << ": expected a value >= 0");
    f.mass = get_number(v, ctx, "mass", 1.0, true);
    f.seed = get_uint64(v, ctx, "seed", 0);
    s = sample_fcc(f);
  } else if (kind == "uniform") {
    check_keys(v, ctx, {"sampler", "trajectories", "particles", "dim", "seed", "box", "min_distance", "velocity",
                        "velocity_scale", "planar", "zero_momentum", "masses"});
    UniformSamplerSpec u;
    u.trajectories = int(get_int(v, ctx, "trajectories", 1, 1, 2147483647));
    u.particles = int(get_int(v, ctx, "particles", 3, 1, 2147483647));
    u.dim = int(get_int(v, ctx, "dim", 3, 2, 3));
    // Positions, velocities and masses of every sampled state, before the sampler allocates them.
    require_memory(checked_product({std::uint64_t(u.trajectories), std::uint64_t(u.particles), std::uint64_t(u.dim) + 1, 2 * 8},
                                   ctx.sub("trajectories").where() + " x particles"),
                   ctx.sub("trajectories").where() + " (" + std::to_string(u.trajectories) + ") x particles (" +
                       std::to_string(u.particles) + ")");
    u.seed = get_uint64(v, ctx, "seed", 0);
    u.box = get_number(v, ctx, "box", 2.0, true);
    u.min_distance = get_number(v, ctx, "min_distance", 0.0);
    u.velocity = get_choice(v, ctx, "velocity", "uniform", {"uniform", "gaussian"}) == "gaussian"
                     ? VelocityDistribution::Gaussian : VelocityDistribution::Uniform;
    u.velocity_scale = get_number(v, ctx, "velocity_scale", 0.5);
    u.planar = get_bool(v, ctx, "planar", false);
    u.zero_momentum = get_bool(v, ctx, "zero_momentum", true);
    u.masses = masses_value(v, ctx, u.particles);
    s = sample_uniform(u);
  } else {
    check_keys(v, ctx, {"sampler", "trajectories", "seed", "base", "position_noise", "velocity_noise", "planar", "zero_momentum"});
    PerturbSamplerSpec p;
    p.trajectories = int(get_int(v, ctx, "trajectories", 1, 1, 2147483647));
    p.seed = get_uint64(v, ctx, "seed", 0);
    NOETHER_REQUIRE(v.contains("base"), ctx.sub("base").where() << ": missing; expected {positions, velocities, masses} of one state");
    p.base = state_from_arrays(v.at("base"), ctx.sub("base"));
    require_memory(checked_product({std::uint64_t(p.trajectories), std::uint64_t(p.base.N), std::uint64_t(p.base.D) + 1, 2 * 8},
                                   ctx.sub("trajectories").where() + " x particles"),
                   ctx.sub("trajectories").where() + " (" + std::to_string(p.trajectories) + ")");
    NOETHER_REQUIRE(p.base.B == 1, ctx.sub("base").where() << ": expected one state (N, D), got " << p.base.B);
    p.position_noise = get_number(v, ctx, "position_noise", 0.0);
    p.velocity_noise = get_number(v, ctx, "velocity_noise", 0.0);
    p.planar = get_bool(v, ctx, "planar", false);
    p.zero_momentum = get_bool(v, ctx, "zero_momentum", false);
    s = sample_perturbed(p);
  }
  validate_initial_state(s, ctx.where());
  return s;
}

PairLawSpec parse_system(const json& v, const Ctx& ctx) {
  NOETHER_REQUIRE(v.is_object(), ctx.where() << ": expected an object like {\"potential\": \"linear_spring\", \"k\": 1, \"r0\": 1}");
  PairLawSpec law;
  const std::string p = get_choice(v, ctx, "potential", "", {"linear_spring", "nonlinear_spring", "gravity", "lennard_jones"});
  if (p == "lennard_jones") {
    check_keys(v, ctx, {"potential", "epsilon", "sigma"});
    law.kind = PotentialKind::LennardJones;
    law.epsilon = get_number(v, ctx, "epsilon", 1.0, true);
    law.sigma = get_number(v, ctx, "sigma", 1.0, true);
  } else if (p == "gravity") {
    check_keys(v, ctx, {"potential", "G", "softening"});
    law.kind = PotentialKind::Gravity;
    law.G = get_number(v, ctx, "G", 1.0, true);
    law.softening = get_number(v, ctx, "softening", 0.0);
    NOETHER_REQUIRE(law.softening >= 0, ctx.sub("softening").where() << ": expected a value >= 0");
  } else {
    check_keys(v, ctx, {"potential", "k", "r0"});
    law.kind = p == "linear_spring" ? PotentialKind::LinearSpring : PotentialKind::NonlinearSpring;
    law.k = get_number(v, ctx, "k", 1.0, true);
    law.r0 = get_number(v, ctx, "r0", 1.0);
    NOETHER_REQUIRE(law.r0 >= 0, ctx.sub("r0").where() << ": expected a value >= 0");
  }
  return law;
}

IntegratorSpec parse_integrator(const json& v, const Ctx& ctx) {
  check_keys(v, ctx, {"method", "dt", "stride", "frames", "rtol", "atol"});
  IntegratorSpec it;
  const std::string m = get_choice(v, ctx, "method", "verlet", {"verlet", "rk4", "rk45"});
  it.method = m == "rk4" ? IntegratorMethod::RK4 : m == "rk45" ? IntegratorMethod::RK45 : IntegratorMethod::Verlet;
  NOETHER_REQUIRE(v.contains("dt"), ctx.sub("dt").where() << ": missing; expected the time step, a number > 0");
  it.dt = get_number(v, ctx, "dt", 0.0, true);
  it.stride = get_int(v, ctx, "stride", 1, 1, 2147483647);
  NOETHER_REQUIRE(v.contains("frames"), ctx.sub("frames").where() << ": missing; expected the number of saved frames (>= 1, including the initial one)");
  it.frames = int(get_int(v, ctx, "frames", 2, 1, 2147483647));
  it.rtol = get_number(v, ctx, "rtol", 1e-9, true);
  it.atol = get_number(v, ctx, "atol", 1e-9, true);
  return it;
}

void check_no_coincident_particles(const InitialState& s, const std::string& where, const std::vector<char>& singular,
                                   const std::string& laws_key) {
  const int S = int(std::lround(std::sqrt(double(singular.size()))));
  const auto kind = [&](int i) { return s.species.empty() ? 0 : s.species[i]; };
  for (int b = 0; b < s.B; ++b)
    for (int i = 0; i < s.N; ++i)
      for (int j = i + 1; j < s.N; ++j) {
        const int a = kind(i), c = kind(j);
        if (!singular.empty() && (a >= S || c >= S || !singular[std::size_t(a) * S + c])) continue;
        double r2 = 0;
        for (int x = 0; x < s.D; ++x) {
          const double d = s.pos[(b * s.N + i) * s.D + x] - s.pos[(b * s.N + j) * s.D + x];
          r2 += d * d;
        }
        NOETHER_REQUIRE(r2 > 0, where << ": particles " << i << " and " << j << " of trajectory " << b
                                      << " are at the same position; gravity without softening is singular there "
                                         "(move them apart or set "
                                      << (singular.empty() ? std::string("system.softening > 0")
                                                           : "a softening > 0 for species pair (" + std::to_string(a) +
                                                                 ", " + std::to_string(c) + ") in " + laws_key)
                                      << ")");
      }
}

CutoffSpec parse_cutoff(const json& v, const Ctx& ctx) {
  CutoffSpec c;
  if (!v.contains("cutoff")) {
    for (const char* k : {"smoothing", "r_on"})
      NOETHER_REQUIRE(!v.contains(k), ctx.sub(k).where() << ": only with a cutoff (\"cutoff\": r_c)");
    return c;
  }
  c.cutoff = get_number(v, ctx, "cutoff", 0.0, true);
  const std::string m = get_choice(v, ctx, "smoothing", "switch", {"switch", "shifted_force", "none"});
  c.smoothing = m == "switch" ? Smoothing::Switch : m == "shifted_force" ? Smoothing::ShiftedForce : Smoothing::None;
  if (c.smoothing == Smoothing::Switch) {
    NOETHER_REQUIRE(v.contains("r_on"), ctx.sub("r_on").where() << ": missing; the \"switch\" smoothing needs the start "
                                                                   "r_on of the switching region, 0 < r_on < cutoff");
    c.r_on = get_number(v, ctx, "r_on", 0.0, true);
    NOETHER_REQUIRE(c.r_on < c.cutoff, ctx.sub("r_on").where() << ": expected 0 < r_on < cutoff = " << c.cutoff << ", got " << c.r_on);
  } else {
    NOETHER_REQUIRE(!v.contains("r_on"), ctx.sub("r_on").where() << ": only with \"smoothing\": \"switch\"");
  }
  return c;
}

namespace {
json without(json v, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) v.erase(k);
  return v;
}
const std::vector<std::string> kCutoffKeys = {"cutoff", "smoothing", "r_on"};

/// A table (the law of `path`) must reach the cutoff given by `key`.
void require_table_reaches_cutoff(const PairLawSpec& law, const CutoffSpec& cut, const Ctx& key, const std::string& path) {
  if (law.kind == PotentialKind::Tabulated && cut.active())
    NOETHER_REQUIRE(cut.cutoff <= law.table->r_max, key.where() << ": " << cut.cutoff << " is beyond the range of the "
                                                    "table " << path << " (r_max = " << law.table->r_max << ")");
}

/// The law of one system.pairs entry (cutoff keys removed): an analytic law (parse_system), or "potential": "file"
/// with a model or pair-table file (not a species-pair file: that gives every pair itself). A table's range must
/// reach the pair's cutoff.
PairLawSpec parse_pair_entry_law(const json& v, const Ctx& ic, const CutoffSpec& cut, const Ctx& cutoff_key) {
  if (!(v.contains("potential") && v.at("potential") == "file")) return parse_system(v, ic);
  check_keys(v, ic, {"potential", "file"});
  NOETHER_REQUIRE(v.contains("file") && v.at("file").is_string(),
                  ic.sub("file").where() << ": expected the path of a model or pair-table file (relative to the config's folder)");
  const std::string path = resolve_path(v.at("file").get<std::string>(), ic.file);
  NOETHER_REQUIRE(species_pair_file_format(path).empty(),
                  ic.sub("file").where() << ": " << path << " is a species-pair file, which gives every species pair its law "
                                            "itself; use it as system.file without system.pairs, or give this pair a "
                                            "model or pair-table file");
  PairLawSpec law;
  try {
    law = load_pair_law_file(path);
  } catch (const Error& e) {
    NOETHER_FAIL(ic.sub("file").where() << ": " << e.what());
  }
  require_table_reaches_cutoff(law, cut, cutoff_key, path);
  return law;
}
}  // namespace

void parse_bulk(const json& root, const Ctx& ctx, SimulationConfig& cfg) {
  const json& sys = root.at("system");
  const Ctx sctx = ctx.sub("system");
  NOETHER_REQUIRE(sys.is_object(), sctx.where() << ": expected an object like {\"potential\": \"linear_spring\", \"k\": 1, \"r0\": 1}");
  BulkSpec& b = cfg.bulk;
  // "potential": "file": the law (or the laws per species pair) of a file
  const bool from_file = sys.contains("potential") && sys.at("potential") == "file";
  bool pair_file = false;
  if (from_file) {
    check_keys(sys, sctx, {"potential", "file", "cutoff", "smoothing", "r_on"});
    NOETHER_REQUIRE(sys.contains("file") && sys.at("file").is_string(),
                    sctx.sub("file").where() << ": expected the path of a model, pair-table or species-pair file "
                                                "(relative to the config's folder)");
    const std::string path = resolve_path(sys.at("file").get<std::string>(), ctx.file);
    pair_file = !species_pair_file_format(path).empty();
    if (pair_file) {
      for (const std::string& k : kCutoffKeys)
        NOETHER_REQUIRE(!sys.contains(k), sctx.sub(k).where() << ": " << path << " is a species-pair file, which gives "
                                                                 "every species pair its own cutoff (its key "
                                                                 "pairs[k].cutoff); drop system." << k);
      const SpeciesPairLaws f = load_species_pair_laws(path);
      use_species_pair_laws(f, b);
      cfg.law = f.laws[0];
    } else {
      cfg.law = load_pair_law_file(path);  // a model file ('mclnn') or a pair table: one law for every pair
      b.species_count = 1;
      b.pair_laws = {cfg.law};
      b.pair_cutoffs = {parse_cutoff(sys, sctx)};
      require_table_reaches_cutoff(cfg.law, b.pair_cutoffs[0], sctx.sub("cutoff"), path);
    }
  }
  const json base = without(sys, {"cutoff", "smoothing", "r_on", "pairs"});
  if (!from_file) cfg.law = parse_system(base, sctx);
  if (from_file) {
    // laws and cutoffs set above
  } else if (!sys.contains("pairs")) {
    b.species_count = 1;
    b.pair_laws = {cfg.law};
    b.pair_cutoffs = {parse_cutoff(sys, sctx)};
  } else {
    const json& pairs = sys.at("pairs");
    const Ctx pctx = sctx.sub("pairs");
    NOETHER_REQUIRE(pairs.is_array() && !pairs.empty(),
                    pctx.where() << ": expected a list of {\"species\": [a, b], <law parameters>} objects");
    std::vector<std::pair<int, int>> idx;
    int S = 0;
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      const json& it = pairs[k];
      const Ctx ic = pctx.at(k);
      NOETHER_REQUIRE(it.is_object() && it.contains("species") && it.at("species").is_array() && it.at("species").size() == 2 &&
                          it.at("species")[0].is_number_integer() && it.at("species")[1].is_number_integer(),
                      ic.sub("species").where() << ": expected a pair of species indices [a, b]");
      const int a = it.at("species")[0].get<int>(), c = it.at("species")[1].get<int>();
      NOETHER_REQUIRE(a >= 0 && c >= 0 && a < 64 && c < 64, ic.sub("species").where() << ": expected indices in [0, 64)");
      idx.push_back({a, c});
      S = std::max(S, std::max(a, c) + 1);
    }
    b.species_count = S;
    b.pair_laws.assign(std::size_t(S) * S, PairLawSpec{});
    b.pair_cutoffs.assign(std::size_t(S) * S, CutoffSpec{});
    std::vector<int> given(std::size_t(S) * S, -1);
    for (std::size_t k = 0; k < pairs.size(); ++k) {
      // A pair naming a potential other than system.potential takes its law's parameters from its own entry only
      // (system's are for system.potential's law); the cutoff keys default to system's either way.
      const bool own_law = pairs[k].contains("potential") && pairs[k].at("potential") != sys.value("potential", json());
      json merged = own_law ? json::object() : without(sys, {"pairs"});
      if (own_law)
        for (const std::string& key : kCutoffKeys)
          if (sys.contains(key)) merged[key] = sys.at(key);
      for (auto kv = pairs[k].begin(); kv != pairs[k].end(); ++kv)
        if (kv.key() != "species") merged[kv.key()] = kv.value();
      // a pair choosing a smoothing other than the switch does not inherit system's r_on (only the switch has one)
      if (pairs[k].contains("smoothing") && pairs[k].at("smoothing") != "switch" && !pairs[k].contains("r_on"))
        merged.erase("r_on");
      const Ctx ic = pctx.at(k);
      const CutoffSpec cut = parse_cutoff(merged, ic);
      // the key that gave the cutoff: the pair's own, or system's when inherited
      const Ctx cutoff_key = pairs[k].contains("cutoff") ? ic.sub("cutoff") : sctx.sub("cutoff");
      const PairLawSpec law = parse_pair_entry_law(without(merged, kCutoffKeys), ic, cut, cutoff_key);
      const auto [a, c] = idx[k];
      NOETHER_REQUIRE(given[a * S + c] < 0, ic.sub("species").where() << ": species pair (" << a << ", " << c
                                                                        << ") is already given by pairs[" << given[a * S + c] << "]");
      for (const auto [x, y] : {std::pair<int, int>{a, c}, std::pair<int, int>{c, a}}) {
        b.pair_laws[x * S + y] = law, b.pair_cutoffs[x * S + y] = cut, given[x * S + y] = int(k);
      }
    }
    for (int x = 0; x < S; ++x)
      for (int y = x; y < S; ++y)
        NOETHER_REQUIRE(given[x * S + y] >= 0, pctx.where() << ": no parameters for species pair (" << x << ", " << y
                                                             << "); every pair of species 0.." << S - 1 << " needs an entry");
    for (const CutoffSpec& c : b.pair_cutoffs)
      NOETHER_REQUIRE(c.active() == b.pair_cutoffs[0].active(), pctx.where() << ": either every species pair has a cutoff or none");
  }
  InitialState& s = cfg.init;
  if (root.contains("box")) {
    const json& bx = root.at("box");
    const Ctx bc = ctx.sub("box");
    NOETHER_REQUIRE(bx.is_object(), bc.where() << ": expected {\"lengths\": [Lx, Ly(, Lz)], \"periodic\": [true, ...]}");
    check_keys(bx, bc, {"lengths", "periodic"});
    NOETHER_REQUIRE(bx.contains("lengths"), bc.sub("lengths").where() << ": missing; expected " << s.D << " lengths > 0");
    const std::vector<double> L = number_list(bx.at("lengths"), bc.sub("lengths"));
    NOETHER_REQUIRE(int(L.size()) == s.D, bc.sub("lengths").where() << ": expected " << s.D << " lengths (the initial state is "
                                                                     << s.D << "-D), got " << L.size());
    Box box;
    box.present = true;
    for (int c = 0; c < s.D; ++c) {
      NOETHER_REQUIRE(L[c] > 0, bc.sub("lengths").at(c).where() << ": expected a length > 0, got " << L[c]);
      box.L[c] = L[c], box.periodic[c] = true;
    }
    if (bx.contains("periodic")) {
      const json& p = bx.at("periodic");
      if (p.is_boolean()) {
        for (int c = 0; c < s.D; ++c) box.periodic[c] = p.get<bool>();
      } else {
        NOETHER_REQUIRE(p.is_array() && int(p.size()) == s.D, bc.sub("periodic").where() << ": expected true, false or " << s.D << " booleans");
        for (int c = 0; c < s.D; ++c) {
          NOETHER_REQUIRE(p[c].is_boolean(), bc.sub("periodic").at(c).where() << ": expected true or false");
          box.periodic[c] = p[c].get<bool>();
        }
      }
    }
    s.box = box;
  }
  if (root.contains("species")) {
    const json& sp = root.at("species");
    const Ctx spc = ctx.sub("species");
    std::vector<int> out;
    if (sp.is_object() && sp.contains("pattern")) {
      check_keys(sp, spc, {"pattern"});
      const json& pat = sp.at("pattern");
      NOETHER_REQUIRE(pat.is_array() && !pat.empty(), spc.sub("pattern").where() << ": expected a non-empty list of species indices");
      for (std::size_t k = 0; k < pat.size(); ++k)
        NOETHER_REQUIRE(pat[k].is_number_integer(), spc.sub("pattern").at(k).where() << ": expected an integer species index");
      for (int i = 0; i < s.N; ++i) out.push_back(pat[std::size_t(i) % pat.size()].get<int>());
    } else if (sp.is_object()) {
      check_keys(sp, spc, {"counts", "pattern"});
      NOETHER_REQUIRE(sp.contains("counts") && sp.at("counts").is_array(), spc.sub("counts").where() << ": expected a list of counts per species");
      for (std::size_t k = 0; k < sp.at("counts").size(); ++k) {
        const json& n = sp.at("counts")[k];
        NOETHER_REQUIRE(n.is_number_integer() && n.get<long long>() >= 0 && n.get<long long>() <= s.N,
                        spc.sub("counts").at(k).where() << ": expected a count in [0, " << s.N << "]");
        out.insert(out.end(), std::size_t(n.get<long long>()), int(k));
        NOETHER_REQUIRE(int(out.size()) <= s.N, spc.sub("counts").where() << ": the counts add up to more than the " << s.N << " particles");
      }
      NOETHER_REQUIRE(int(out.size()) == s.N, spc.sub("counts").where() << ": the counts add up to " << out.size() << ", expected " << s.N << " particles");
    } else {
      NOETHER_REQUIRE(sp.is_array() && int(sp.size()) == s.N, spc.where() << ": expected " << s.N << " species indices or {\"counts\": [...]}");
      for (std::size_t k = 0; k < sp.size(); ++k) {
        NOETHER_REQUIRE(sp[k].is_number_integer(), spc.at(k).where() << ": expected an integer species index");
        out.push_back(sp[k].get<int>());
      }
    }
    s.species = out;
  }
  if (root.contains("neighbor")) {
    const json& nb = root.at("neighbor");
    const Ctx nc = ctx.sub("neighbor");
    std::string m;
    if (nb.is_string()) {
      m = get_choice(root, ctx, "neighbor", "auto", {"auto", "all_pairs", "cell"});
    } else {
      NOETHER_REQUIRE(nb.is_object(), nc.where() << ": expected \"auto\", \"all_pairs\", \"cell\" or {\"method\": ..., \"skin\": ...}");
      check_keys(nb, nc, {"method", "skin"});
      m = get_choice(nb, nc, "method", "auto", {"auto", "all_pairs", "cell"});
      b.skin = get_number(nb, nc, "skin", 0.3, true);
    }
    b.neighbor = m == "cell" ? NeighborMethod::Cell : m == "all_pairs" ? NeighborMethod::AllPairs : NeighborMethod::Auto;
    NOETHER_REQUIRE(m != "cell" || b.max_cutoff() > 0, nc.where() << ": \"cell\" needs a cutoff on every pair law (system.cutoff)");
  }
  if (root.contains("thermostat")) {
    const json& tj = root.at("thermostat");
    const Ctx tc = ctx.sub("thermostat");
    NOETHER_REQUIRE(tj.is_object(), tc.where() << ": expected {\"method\": \"bussi\", \"temperature\": T, \"tau\": 0.1, \"seed\": 0}");
    check_keys(tj, tc, {"method", "temperature", "tau", "seed"});
    get_choice(tj, tc, "method", "bussi", {"bussi"});
    NOETHER_REQUIRE(tj.contains("temperature"), tc.sub("temperature").where() << ": missing; expected the target temperature > 0");
    b.thermostat.enabled = true;
    b.thermostat.temperature = get_number(tj, tc, "temperature", 1.0, true);
    b.thermostat.tau = get_number(tj, tc, "tau", 0.1, true);
    b.thermostat.seed = get_uint64(tj, tc, "seed", 0);
  }
  if (root.contains("rdf")) {
    const json& rj = root.at("rdf");
    const Ctx rc = ctx.sub("rdf");
    NOETHER_REQUIRE(rj.is_object(), rc.where() << ": expected {\"r_max\": r, \"bins\": n}");
    check_keys(rj, rc, {"r_max", "bins"});
    NOETHER_REQUIRE(rj.contains("r_max"), rc.sub("r_max").where() << ": missing; expected the largest distance > 0");
    b.rdf_r_max = get_number(rj, rc, "r_max", 1.0, true);
    b.rdf_bins = int(get_int(rj, rc, "bins", 100, 1, 100000));
    NOETHER_REQUIRE(s.box.present, rc.where() << ": g(r) needs a box (its volume normalises g)");
    for (int c = 0; c < s.D; ++c)
      NOETHER_REQUIRE(!s.box.periodic[c] || b.rdf_r_max <= 0.5 * s.box.L[c],
                      rc.sub("r_max").where() << ": " << b.rdf_r_max << " is beyond half the periodic box edge " << s.box.L[c]);
  }
  b.enabled = root.contains("box") || root.contains("thermostat") || root.contains("rdf") || root.contains("species") || root.contains("neighbor") || sys.contains("cutoff") ||
              sys.contains("pairs") || pair_file || cfg.law.kind == PotentialKind::LennardJones || s.box.present || !s.species.empty();
}

}  // namespace cfg

using namespace cfg;

void require_simulation_fits(const SimulationConfig& cfg, const std::string& frames_name) {
  const std::uint64_t frames = std::uint64_t(cfg.integrator.frames);
  checked_product({std::uint64_t(cfg.integrator.stride), frames}, frames_name + ": stride x frames");
  const std::uint64_t per_frame = std::uint64_t(cfg.init.N) * std::uint64_t(cfg.init.D) * 3 + 16;
  require_memory(checked_product({std::uint64_t(cfg.init.B), frames, per_frame, 8}, frames_name + " x trajectories x particles"),
                 frames_name + " (" + std::to_string(frames) + " frames) x " + std::to_string(cfg.init.B) +
                     " trajectories x " + std::to_string(cfg.init.N) + " particles");
}

SimulationConfig load_simulation_config(const std::string& path) {
  return parse_simulation_config(read_json_file(path), path);
}

SimulationConfig parse_simulation_config(const json& root, const std::string& path) {
  const Ctx ctx{path, ""};
  check_keys(root, ctx, {"description", "system", "initial_state", "integrator", "precision", "device", "output", "box",
                         "species", "neighbor", "thermostat", "rdf"});
  SimulationConfig cfg;
  cfg.source = path;
  for (const char* k : {"system", "initial_state", "integrator"})
    NOETHER_REQUIRE(root.contains(k), ctx.sub(k).where() << ": missing required section");
  cfg.integrator = parse_integrator(root.at("integrator"), ctx.sub("integrator"));
  cfg.init = parse_initial_state(root.at("initial_state"), ctx.sub("initial_state"));
  parse_bulk(root, ctx, cfg);
  cfg.float32 = get_choice(root, ctx, "precision", "float64", {"float64", "float32"}) == "float32";
  cfg.device = parse_device(get_choice(root, ctx, "device", "auto", {"auto", "cpu", "cuda"}), path + ": device");
  if (root.contains("output")) {
    NOETHER_REQUIRE(root.at("output").is_string(), ctx.sub("output").where() << ": expected a path string");
    cfg.output = resolve_path(root.at("output").get<std::string>(), "");
  }
  require_simulation_fits(cfg, ctx.sub("integrator.frames").where());
  if (cfg.bulk.enabled) validate_bulk(cfg, path);
  const auto unsoftened = [](const PairLawSpec& p) { return p.kind == PotentialKind::Gravity && p.softening == 0; };
  const std::vector<PairLawSpec>& laws = cfg.bulk.pair_laws;
  if (cfg.bulk.species_count > 1) {  // a species pair's own unsoftened gravity: only its particle pairs are singular
    std::vector<char> singular(laws.size());
    std::transform(laws.begin(), laws.end(), singular.begin(), unsoftened);
    if (std::count(singular.begin(), singular.end(), 1) > 0)
      check_no_coincident_particles(cfg.init, ctx.sub("initial_state").where(), singular, cfg.bulk.laws_key);
  } else if (unsoftened(cfg.law) || std::any_of(laws.begin(), laws.end(), unsoftened)) {
    check_no_coincident_particles(cfg.init, ctx.sub("initial_state").where());
  }
  return cfg;
}

}  // namespace noether
