// io/simulation_config.cpp — parse and validate simulation configs (JSON) into SimulationConfig.
// Every error names the file and the key path (e.g. "lin.json: integrator.dt") and what was expected;
// unknown keys and values get a "did you mean" hint.
#include "noether/io/trajectory.hpp"
#include "noether/io/simulation_config.hpp"

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
  const std::string kind = get_choice(v, ctx, "sampler", "", {"uniform", "perturb"});
  InitialState s;
  if (kind == "uniform") {
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
  const std::string p = get_choice(v, ctx, "potential", "", {"linear_spring", "nonlinear_spring", "gravity"});
  if (p == "gravity") {
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

void check_no_coincident_particles(const InitialState& s, const std::string& where) {
  for (int b = 0; b < s.B; ++b)
    for (int i = 0; i < s.N; ++i)
      for (int j = i + 1; j < s.N; ++j) {
        double r2 = 0;
        for (int c = 0; c < s.D; ++c) {
          const double d = s.pos[(b * s.N + i) * s.D + c] - s.pos[(b * s.N + j) * s.D + c];
          r2 += d * d;
        }
        NOETHER_REQUIRE(r2 > 0, where << ": particles " << i << " and " << j << " of trajectory " << b
                                      << " are at the same position; gravity without softening is singular there "
                                         "(move them apart or set system.softening > 0)");
      }
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
  check_keys(root, ctx, {"description", "system", "initial_state", "integrator", "precision", "device", "output"});
  SimulationConfig cfg;
  cfg.source = path;
  for (const char* k : {"system", "initial_state", "integrator"})
    NOETHER_REQUIRE(root.contains(k), ctx.sub(k).where() << ": missing required section");
  cfg.law = parse_system(root.at("system"), ctx.sub("system"));
  cfg.integrator = parse_integrator(root.at("integrator"), ctx.sub("integrator"));
  cfg.init = parse_initial_state(root.at("initial_state"), ctx.sub("initial_state"));
  cfg.float32 = get_choice(root, ctx, "precision", "float64", {"float64", "float32"}) == "float32";
  cfg.device = parse_device(get_choice(root, ctx, "device", "auto", {"auto", "cpu", "cuda"}), path + ": device");
  if (root.contains("output")) {
    NOETHER_REQUIRE(root.at("output").is_string(), ctx.sub("output").where() << ": expected a path string");
    cfg.output = resolve_path(root.at("output").get<std::string>(), "");
  }
  require_simulation_fits(cfg, ctx.sub("integrator.frames").where());
  if (cfg.law.kind == PotentialKind::Gravity && cfg.law.softening == 0)
    check_no_coincident_particles(cfg.init, ctx.sub("initial_state").where());
  return cfg;
}

}  // namespace noether
