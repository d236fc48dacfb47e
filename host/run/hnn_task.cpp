// run/hnn_task.cpp — the HNN experiments' task definitions (run/hnn_task.hpp): systems, data sets, published
// numbers and the reference analysis protocols.
#include "run/hnn_task.hpp"

#include <cmath>

#include "noether/core/error.hpp"
#include "noether/hnn/orbits.hpp"

namespace noether {

namespace {

bool is_orbits(HnnRunTask t) { return t == HnnRunTask::TwoBody || t == HnnRunTask::ThreeBody; }
int bodies(HnnRunTask t) { return t == HnnRunTask::TwoBody ? 2 : 3; }

std::vector<double> linspace(double t_end, int T) {
  std::vector<double> t(T);
  for (int i = 0; i < T; ++i) t[i] = t_end * double(i) / double(T - 1);
  return t;
}

}  // namespace

HnnPublished hnn_published(HnnRunTask t) {
  switch (t) {
    case HnnRunTask::MassSpring: return {3.67e-2, 3.59e-2, 1.71e-1, 3.84e-4};
    case HnnRunTask::Pendulum: return {3.53e-2, 3.56e-2, 4.15e-2, 2.49e-2};
    case HnnRunTask::RealPendulum: return {2.19e-3, 5.96e-3, 3.86e-1, 1.45e-2};
    case HnnRunTask::TwoBody: return {2.96e-5, 2.82e-6, 6.33e-2, 3.88e-5};
    case HnnRunTask::ThreeBody: return {3.80e-1, 4.88e-1, 1.09e+2, 4.19e-2};
  }
  return {};
}

HnnSystem hnn_run_system(HnnRunTask t) {
  HnnSystem s;
  switch (t) {
    case HnnRunTask::MassSpring:
    case HnnRunTask::Pendulum: {
      const HnnTask task = t == HnnRunTask::Pendulum ? HnnTask::Pendulum : HnnTask::MassSpring;
      s.name = hnn_task_name(task);
      s.dim = 2;
      s.energy = [task](const double* x) { return hnn_task_energy(task, x); };
      s.field = [task](const double* x, double* f) { hnn_task_field(task, x, f); };
      return s;
    }
    case HnnRunTask::RealPendulum:
      s.name = "real pendulum";
      s.dim = 2;
      s.energy = [](const double* x) { return 2.4 * (1 - std::cos(x[0])) + x[1] * x[1]; };
      s.field = [](const double* x, double* f) {
        f[0] = 2 * x[1];                // ∂H/∂p
        f[1] = -2.4 * std::sin(x[0]);   // −∂H/∂q
      };
      return s;
    case HnnRunTask::TwoBody:
    case HnnRunTask::ThreeBody: {
      const int N = bodies(t);
      s.name = N == 2 ? "two-body" : "three-body";
      s.dim = 4 * N;
      s.energy = [N](const double* x) { return nbody_energy(N, x); };
      s.field = [N](const double* x, double* f) { nbody_field(N, x, f); };
      return s;
    }
  }
  return s;
}

HnnDataset hnn_run_data(const HnnRunConfig& c, std::uint64_t seed) {
  NOETHER_REQUIRE(c.task != HnnRunTask::RealPendulum, "hnn_run_data: the real pendulum's data is the recording");
  if (is_orbits(c.task)) {
    HnnOrbitOptions o;
    o.bodies = bodies(c.task);
    o.trajectories = c.trajectories;
    o.seed = seed;
    return make_hnn_orbit_data(o);
  }
  HnnTaskOptions o;
  o.seed = seed;
  if (c.trajectories > 0) o.trajectories = c.trajectories;
  return make_hnn_task_data(c.task == HnnRunTask::Pendulum ? HnnTask::Pendulum : HnnTask::MassSpring, o);
}

HnnAnalysisSetup hnn_analysis_setup(const HnnRunConfig& c, std::uint64_t seed) {
  NOETHER_REQUIRE(c.task != HnnRunTask::RealPendulum,
                  "hnn_analysis_setup: the real pendulum is analysed along its recorded test segment");
  HnnAnalysisSetup a;
  a.S = c.energy_states;
  if (is_orbits(c.task)) {
    const int N = bodies(c.task);
    const HnnOrbitOptions o = resolved_orbit_options(HnnOrbitOptions{N});
    a.x0.resize(std::size_t(a.S) * 4 * N);
    for (int s = 0; s < a.S; ++s) {  // state s from its own stream s, as np.random.seed(trial) in the notebooks
      SplitMix64 rng{0x4F52424954ull + std::uint64_t(s)};
      orbit_initial_state(N, o.radius_lo, o.radius_hi, o.noise, rng, a.x0.data() + std::size_t(s) * 4 * N);
    }
    a.times = N == 2 ? linspace(20.0, 100) : linspace(3.0, 500);
    a.rtol = 1e-10;
    a.atol = 1e-12;
    a.description = std::to_string(a.S) + " random_config states (state s seeded by s), t = linspace(0, " +
                    (N == 2 ? "20, 100" : "3, 500") + "), RK45 rtol 1e-10, atol 1e-12";
    return a;
  }
  SplitMix64 rng{seed * 0x9E3779B97F4A7C15ull + 0xA4A1ull};  // a stream of the seed, apart from the data's
  a.x0 = spring_analysis_states(a.S, rng);
  a.times = linspace(20.0, 100);
  a.rtol = 1e-12;
  a.atol = 1e-12;
  a.description = std::to_string(a.S) + " states x0 = u + 0.2 sign(u), u ~ U(-0.8, 0.8)^2, t = linspace(0, 20, 100), " +
                  "RK45 rtol 1e-12, atol 1e-12";
  return a;
}

}  // namespace noether
