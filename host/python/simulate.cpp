// python/simulate.cpp — simulate(config), rollout(law, state, ...), PairLaw and its forces: the engine's
// physics/simulate.hpp and physics/forces.hpp on NumPy arrays, GIL released, with progress and Ctrl-C.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <nlohmann/json.hpp>

#include "noether/io/simulation_config.hpp"
#include "noether/io/table_file.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/simulate.hpp"
#include "python/common.hpp"

namespace noether::py {

InitialState initial_state_from_arrays(const AnyArray& positions, const AnyArray& velocities, const AnyArray& masses,
                                       bool* float32) {
  const Checked P = check_array(positions, "positions", {2, 3});
  const Checked V = check_array(velocities, "velocities", {2, 3});
  const Checked M = check_array(masses, "masses", {1, 2});
  if (V.shape != P.shape)
    throw ArgumentError("velocities: expected the shape of positions " + shape_str(P.shape) + ", got " +
                        shape_str(V.shape));
  InitialState s;
  const bool batched = P.shape.size() == 3;
  s.B = batched ? int(P.shape[0]) : 1;
  s.N = int(P.shape[batched ? 1 : 0]);
  s.D = int(P.shape[batched ? 2 : 1]);
  if (s.D != 2 && s.D != 3)
    throw ArgumentError("positions: expected D = 2 or 3 on the last axis, got shape " + shape_str(P.shape));
  if (s.B < 1 || s.N < 1) throw ArgumentError("positions: expected at least one particle, got shape " + shape_str(P.shape));
  const bool m_ok = (M.shape.size() == 1 && M.shape[0] == std::size_t(s.N)) ||
                    (M.shape.size() == 2 && M.shape[0] == std::size_t(s.B) && M.shape[1] == std::size_t(s.N));
  if (!m_ok)
    throw ArgumentError("masses: expected shape (" + std::to_string(s.N) + ",) or (" + std::to_string(s.B) + ", " +
                        std::to_string(s.N) + "), got " + shape_str(M.shape));
  s.pos = P.data;
  s.vel = V.data;
  if (M.shape.size() == 1)
    for (int b = 0; b < s.B; ++b) s.mass.insert(s.mass.end(), M.data.begin(), M.data.end());
  else
    s.mass = M.data;
  try {
    validate_initial_state(s, "initial state");
  } catch (const Error& e) {
    throw ArgumentError(e.what());
  }
  if (float32) *float32 = P.float32;
  return s;
}

nb::list trajectory_arrays(Trajectory&& t) {
  std::vector<NpzEntry> entries = trajectory_npz_entries(t);
  t = Trajectory{};  // the entries hold copies; free the originals before the conversion
  nb::list out;
  for (auto& e : entries) out.append(nb::make_tuple(e.name, to_numpy(std::move(e.data), e.shape, e.as_float32)));
  return out;
}

namespace {

IntegratorMethod parse_method(const std::string& m) {
  if (m == "verlet") return IntegratorMethod::Verlet;
  if (m == "rk4") return IntegratorMethod::RK4;
  if (m == "rk45") return IntegratorMethod::RK45;
  throw ArgumentError("method: expected 'verlet', 'rk4' or 'rk45', got '" + m + "'");
}

DeviceChoice device_arg(const std::string& d) {
  try {
    return parse_device(d, "device");
  } catch (const Error& e) {
    throw ArgumentError(e.what());
  }
}

nb::list run_simulation(const SimulationConfig& cfg, DeviceChoice dev, nb::object progress) {
  Trajectory traj;
  GilFreeCall call(std::move(progress));
  call.run([&](const std::function<void(long, long)>& report) {
    traj = simulate(cfg, dev, [&](int done, int total) { report(done, total); });
  });
  return trajectory_arrays(std::move(traj));
}

/// Forces F = m a and potential energy U of positions (N, D) or (B, N, D) under `law`, in the positions' dtype.
nb::tuple law_forces(const PairLaw& law, const AnyArray& positions, const AnyArray& masses) {
  const Checked P = check_array(positions, "positions", {2, 3});
  const Checked M = check_array(masses, "masses", {1, 2});
  const bool batched = P.shape.size() == 3;
  const int B = batched ? int(P.shape[0]) : 1, N = int(P.shape[batched ? 1 : 0]), D = int(P.shape[batched ? 2 : 1]);
  if (D != 2 && D != 3) throw ArgumentError("positions: expected D = 2 or 3 on the last axis, got shape " + shape_str(P.shape));
  const bool m_ok = (M.shape.size() == 1 && M.shape[0] == std::size_t(N)) ||
                    (M.shape.size() == 2 && M.shape[0] == std::size_t(B) && M.shape[1] == std::size_t(N));
  if (!m_ok)
    throw ArgumentError("masses: expected shape (" + std::to_string(N) + ",) or (" + std::to_string(B) + ", " +
                        std::to_string(N) + "), got " + shape_str(M.shape));
  std::vector<double> mass;
  if (M.shape.size() == 1)
    for (int b = 0; b < B; ++b) mass.insert(mass.end(), M.data.begin(), M.data.end());
  else
    mass = M.data;
  for (double m : mass)
    if (!(m > 0) || !std::isfinite(m)) throw ArgumentError("masses: expected finite values > 0");
  std::vector<double> F(P.data.size()), U(B);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const std::vector<T> q(P.data.begin(), P.data.end()), m(mass.begin(), mass.end());
    std::vector<T> a(q.size());
    with_pair_law<T>(law.spec, [&](auto l) { accelerations_cpu<T>(l, q.data(), m.data(), a.data(), B, N, D, U.data()); });
    for (std::size_t k = 0; k < a.size(); ++k) F[k] = double(m[k / D]) * double(a[k]);
  };
  {
    nb::gil_scoped_release release;
    if (P.float32) run(float(0));
    else run(double(0));
  }
  nb::object u = batched ? to_numpy(std::move(U), {std::size_t(B)}) : nb::object(nb::float_(U[0]));
  return nb::make_tuple(to_numpy(std::move(F), P.shape, P.float32), u);
}

}  // namespace

void register_simulate(nb::module_& m) {
  nb::class_<PairLaw>(m, "PairLaw", "A pair law V(r) for rollouts and forces: analytic, learned MLP or table.")
      .def_ro("name", &PairLaw::name)
      .def("__repr__", [](const PairLaw& l) { return "<noether.PairLaw " + l.name + ">"; })
      .def("forces", &law_forces, nb::arg("positions"), nb::arg("masses"),
           "Forces (same shape and dtype as positions (N, D) or (B, N, D)) and potential energy (float, or (B,)).");
  m.def(
      "law_from_system",
      [](const std::string& json_text, const std::string& source) {
        cfg::json v;
        try {
          v = cfg::json::parse(json_text);
        } catch (const std::exception& e) {
          throw ArgumentError(source + ": not JSON: " + e.what());
        }
        PairLaw law;
        try {
          law.spec = cfg::parse_system(v, cfg::Ctx{source, ""});
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        law.name = v.is_object() && v.contains("potential") && v["potential"].is_string() ? v["potential"].get<std::string>() : "system";
        return law;
      },
      nb::arg("json_text"), nb::arg("source"), "A PairLaw from a config's \"system\" section (docs/CONFIG.md) as JSON text.");
  m.def(
      "law_from_file",
      [](const std::string& path) {
        require_file(path, "model file");
        return PairLaw{load_pair_law_file(path), path};
      },
      nb::arg("path"), "A PairLaw from a model file (mclnn) or a pair table file.");
  m.def(
      "simulate_file",
      [](const std::string& path, const std::string& device, nb::object progress) {
        require_file(path, "config file");
        SimulationConfig cfg = load_simulation_config(path);
        if (!device.empty()) cfg.device = device_arg(device);
        const DeviceChoice dev = resolve_device(cfg);  // bulk configs: the GPU path only where it supports them
        return run_simulation(cfg, dev, std::move(progress));
      },
      nb::arg("path"), nb::arg("device") = "", nb::arg("progress") = nb::none());
  m.def(
      "simulate_json",
      [](const std::string& json_text, const std::string& source, const std::string& device, nb::object progress) {
        cfg::json v;
        try {
          v = cfg::json::parse(json_text);
        } catch (const std::exception& e) {
          throw ArgumentError(source + ": not JSON: " + e.what());
        }
        SimulationConfig cfg = parse_simulation_config(v, source);
        if (!device.empty()) cfg.device = device_arg(device);
        const DeviceChoice dev = resolve_device(cfg);  // bulk configs: the GPU path only where it supports them
        return run_simulation(cfg, dev, std::move(progress));
      },
      nb::arg("json_text"), nb::arg("source"), nb::arg("device") = "", nb::arg("progress") = nb::none());
  m.def(
      "rollout",
      [](const PairLaw& law, const AnyArray& positions, const AnyArray& velocities, const AnyArray& masses, double dt,
         long steps, long stride, const std::string& method, int float32, const std::string& device,
         nb::object progress) {
        bool f32_input = false;
        SimulationConfig cfg;
        cfg.source = "rollout";
        cfg.law = law.spec;
        cfg.init = initial_state_from_arrays(positions, velocities, masses, &f32_input);
        if (!(std::isfinite(dt) && dt > 0)) throw ArgumentError("dt: expected a finite step > 0, got " + std::to_string(dt));
        if (stride < 1) throw ArgumentError("stride: expected >= 1, got " + std::to_string(stride));
        if (steps < 0 || steps % stride != 0)
          throw ArgumentError("steps: expected a non-negative multiple of stride (" + std::to_string(stride) + "), got " +
                              std::to_string(steps));
        if (steps / stride >= 2147483647L) throw ArgumentError("steps: too many saved frames");
        cfg.integrator.dt = dt;
        cfg.integrator.stride = stride;
        cfg.integrator.frames = int(steps / stride) + 1;
        cfg.integrator.method = parse_method(method);
        require_simulation_fits(cfg, "steps");
        cfg.float32 = float32 < 0 ? f32_input : float32 != 0;
        cfg.device = device_arg(device);
        const DeviceChoice dev = resolve_device(cfg.device, cfg.integrator.method, cfg.law);
        return run_simulation(cfg, dev, std::move(progress));
      },
      nb::arg("law"), nb::arg("positions"), nb::arg("velocities"), nb::arg("masses"), nb::arg("dt"), nb::arg("steps"),
      nb::arg("stride") = 1, nb::arg("method") = "verlet", nb::arg("float32") = -1, nb::arg("device") = "auto",
      nb::arg("progress") = nb::none());
}

}  // namespace noether::py
