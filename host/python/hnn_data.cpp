// python/hnn_data.cpp — the data sets and true systems of the HNN tasks (hnn/tasks.hpp, hnn/orbits.hpp,
// run/hnn_task.hpp) on NumPy arrays: hnn_data(task, options) generates (or reads) the rows that train_hnn takes,
// hnn_true_energy / hnn_true_field evaluate the task's true H and field (for comparisons with a learned model), and
// hnn_energy_mse is the energy MSE of a learned model along a data set's test trajectories (hnn/train.hpp).
#include <nanobind/stl/string.h>

#include <cmath>

#include "noether/hnn/orbits.hpp"
#include "noether/hnn/tasks.hpp"
#include "noether/hnn/train.hpp"
#include "noether/io/json_config.hpp"
#include "python/common.hpp"
#include "python/hnn.hpp"
#include "run/hnn_task.hpp"

namespace noether::py {

namespace {

const std::vector<std::string> kTasks{"mass-spring", "pendulum", "real-pendulum", "two-body", "three-body"};

HnnRunTask task_arg(const std::string& t) {
  if (t == "mass-spring") return HnnRunTask::MassSpring;
  if (t == "pendulum") return HnnRunTask::Pendulum;
  if (t == "real-pendulum") return HnnRunTask::RealPendulum;
  if (t == "two-body") return HnnRunTask::TwoBody;
  if (t == "three-body") return HnnRunTask::ThreeBody;
  throw ArgumentError("task: expected one of " + cfg::join(kTasks) + ", got '" + t + "'" +
                      cfg::did_you_mean(t, kTasks));
}

HnnDataset make_data(const std::string& task, const std::string& options_json) {
  using namespace cfg;
  const HnnRunTask t = task_arg(task);
  const json v = json::parse(options_json);
  const Ctx ctx{"hnn_data", ""};
  if (t == HnnRunTask::RealPendulum) {
    check_keys(v, ctx, {"path", "train_fraction"});
    const std::string path = get_string(v, ctx, "path", "");
    if (path.empty()) throw ArgumentError("path: the real pendulum needs path= (real_pend_h_1.txt)");
    require_file(path, "real pendulum data");
    const double f = get_number(v, ctx, "train_fraction", 0.8, true);
    NOETHER_REQUIRE(f < 1, ctx.sub("train_fraction").where() << ": expected a value in (0, 1)");
    return load_real_pendulum(path, f);
  }
  if (t == HnnRunTask::TwoBody || t == HnnRunTask::ThreeBody) {
    check_keys(v, ctx, {"trajectories", "points", "t_end", "radius_lo", "radius_hi", "noise", "test_fraction", "rtol",
                        "atol", "seed"});
    HnnOrbitOptions o;
    o.bodies = t == HnnRunTask::TwoBody ? 2 : 3;
    o.trajectories = int(get_int(v, ctx, "trajectories", 0, 0, 10000000));
    o.points = int(get_int(v, ctx, "points", 0, 0, 10000000));
    o.t_end = get_number(v, ctx, "t_end", -1);
    o.radius_lo = get_number(v, ctx, "radius_lo", -1);
    o.radius_hi = get_number(v, ctx, "radius_hi", -1);
    o.noise = get_number(v, ctx, "noise", -1);
    o.test_fraction = get_number(v, ctx, "test_fraction", o.test_fraction);
    o.rtol = get_number(v, ctx, "rtol", o.rtol, true);
    o.atol = get_number(v, ctx, "atol", o.atol, true);
    o.seed = get_uint64(v, ctx, "seed", 0);
    return make_hnn_orbit_data(o);
  }
  check_keys(v, ctx, {"trajectories", "train_trajectories", "points", "t_end", "radius_lo", "radius_hi", "noise_std",
                      "rtol", "atol", "seed"});
  HnnTaskOptions o;
  o.trajectories = int(get_int(v, ctx, "trajectories", o.trajectories, 2, 10000000));
  o.train_trajectories = int(get_int(v, ctx, "train_trajectories", 0, 0, 10000000));
  o.points = int(get_int(v, ctx, "points", 0, 0, 10000000));
  o.t_end = get_number(v, ctx, "t_end", o.t_end, true);
  o.radius_lo = get_number(v, ctx, "radius_lo", -1);
  o.radius_hi = get_number(v, ctx, "radius_hi", -1);
  o.noise_std = get_number(v, ctx, "noise_std", o.noise_std);
  o.rtol = get_number(v, ctx, "rtol", o.rtol, true);
  o.atol = get_number(v, ctx, "atol", o.atol, true);
  o.seed = get_uint64(v, ctx, "seed", 0);
  return make_hnn_task_data(t == HnnRunTask::Pendulum ? HnnTask::Pendulum : HnnTask::MassSpring, o);
}

/// x (dim,) or (n, dim) of the task's dimension → flat rows, n, and whether one state was given.
Checked task_states(const HnnSystem& s, const AnyArray& x, int* n, bool* one) {
  Checked c = check_array(x, "x", {1, 2});
  if (c.shape.back() != std::size_t(s.dim))
    throw ArgumentError("x: expected shape (" + std::to_string(s.dim) + ",) or (n, " + std::to_string(s.dim) +
                        ") for the " + s.name + " task, got " + shape_str(c.shape));
  *one = c.shape.size() == 1;
  *n = *one ? 1 : int(c.shape[0]);
  return c;
}

}  // namespace

void register_hnn_data(nb::module_& m) {
  m.def(
      "hnn_data",
      [](const std::string& task, const std::string& options_json) {
        HnnDataset d;
        try {
          nb::gil_scoped_release release;  // the orbit tasks integrate hundreds of orbits (seconds)
          d = make_data(task, options_json);
        } catch (const ArgumentError&) {
          throw;
        } catch (const MissingFile&) {
          throw;
        } catch (const Error& e) {
          throw ArgumentError(e.what());
        }
        const std::size_t rows = std::size_t(d.n_train + d.n_test), dim = std::size_t(d.dim);
        nb::dict out;
        out["x"] = to_numpy(std::move(d.x), {rows, dim});
        out["dxdt"] = to_numpy(std::move(d.dxdt), {rows, dim});
        out["n_train"] = d.n_train;
        out["n_test"] = d.n_test;
        out["dim"] = d.dim;
        if (d.trajectories > 0) {
          out["trajectories"] = d.trajectories;
          out["train_trajectories"] = d.train_trajectories;
          out["times"] = to_numpy(std::move(d.times), {std::size_t(d.points)});
          out["clean"] = to_numpy(std::move(d.clean), {std::size_t(d.trajectories), std::size_t(d.points), dim});
        }
        if (!d.row_times.empty()) out["row_times"] = to_numpy(std::move(d.row_times), {rows});
        return out;
      },
      nb::arg("task"), nb::arg("options_json"));
  m.def(
      "hnn_energy_mse",
      [](const HnnModelObject& o, const std::string& task, const AnyArray& clean, const AnyArray& times,
         long train_trajectories, double rtol, double atol, long max_test_trajectories) {
        const HnnSystem s = hnn_run_system(task_arg(task));
        const Checked C = check_array(clean, "clean", {3});
        const Checked Tm = check_array(times, "times", {1});
        HnnDataset d;
        d.source = "hnn_energy_mse";
        d.trajectories = int(C.shape[0]);
        d.points = int(C.shape[1]);
        d.dim = int(C.shape[2]);
        if (d.dim != s.dim || o.model.shape.in() != s.dim)
          throw ArgumentError("clean: expected (trajectories, points, " + std::to_string(s.dim) + ") states of the " +
                              s.name + " task for a model of width " + std::to_string(o.model.shape.in()) +
                              ", got " + shape_str(C.shape));
        if (Tm.shape[0] != C.shape[1])
          throw ArgumentError("times: expected shape (" + std::to_string(d.points) + ",) (the points of clean), got " +
                              shape_str(Tm.shape));
        if (train_trajectories < 0 || train_trajectories >= d.trajectories)
          throw ArgumentError("train_trajectories: expected 0 <= train_trajectories < " + std::to_string(d.trajectories) +
                              " (the test trajectories follow the training ones), got " + std::to_string(train_trajectories));
        if (!(rtol > 0 && atol > 0)) throw ArgumentError("rtol, atol: expected values > 0");
        d.train_trajectories = int(train_trajectories);
        d.clean = C.data;
        d.times = Tm.data;
        nb::gil_scoped_release release;
        return hnn_energy_mse(o.model, d, s.energy, rtol, atol, int(max_test_trajectories));
      },
      nb::arg("model"), nb::arg("task"), nb::arg("clean"), nb::arg("times"), nb::arg("train_trajectories"),
      nb::arg("rtol") = 1e-10, nb::arg("atol") = 1e-12, nb::arg("max_test_trajectories") = 0);
  m.def(
      "hnn_true_energy",
      [](const std::string& task, const AnyArray& x) -> nb::object {
        const HnnSystem s = hnn_run_system(task_arg(task));
        int n = 0;
        bool one = false;
        const Checked c = task_states(s, x, &n, &one);
        std::vector<double> H(n);
        for (int i = 0; i < n; ++i) H[i] = s.energy(c.data.data() + std::size_t(i) * s.dim);
        if (one) return nb::float_(H[0]);
        return to_numpy(std::move(H), {std::size_t(n)});
      },
      nb::arg("task"), nb::arg("x"));
  m.def(
      "hnn_true_field",
      [](const std::string& task, const AnyArray& x) {
        const HnnSystem s = hnn_run_system(task_arg(task));
        int n = 0;
        bool one = false;
        const Checked c = task_states(s, x, &n, &one);
        std::vector<double> F(c.data.size());
        for (int i = 0; i < n; ++i) s.field(c.data.data() + std::size_t(i) * s.dim, F.data() + std::size_t(i) * s.dim);
        return to_numpy(std::move(F), c.shape);
      },
      nb::arg("task"), nb::arg("x"));
}

}  // namespace noether::py
