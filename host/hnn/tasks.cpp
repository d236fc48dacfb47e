// hnn/tasks.cpp — the HNN data sets (hnn/tasks.hpp): mass-spring and pendulum ground truth by adaptive
// RK45, seeded SplitMix64 + Box–Muller noise, and the real-pendulum text reader.
#include "noether/hnn/tasks.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/physics/ode.hpp"

namespace noether {

const char* hnn_task_name(HnnTask task) { return task == HnnTask::MassSpring ? "mass-spring" : "pendulum"; }

double hnn_task_energy(HnnTask task, const double* x) {
  const double q = x[0], p = x[1];
  return task == HnnTask::MassSpring ? q * q + p * p : 3.0 * (1.0 - std::cos(q)) + p * p;
}

void hnn_task_field(HnnTask task, const double* x, double* dxdt) {
  const double q = x[0], p = x[1];
  dxdt[0] = 2.0 * p;                                                        // ∂H/∂p
  dxdt[1] = task == HnnTask::MassSpring ? -2.0 * q : -3.0 * std::sin(q);  // −∂H/∂q
}

HnnDataset make_hnn_task_data(HnnTask task, const HnnTaskOptions& o) {
  const bool spring = task == HnnTask::MassSpring;
  const int B = o.trajectories;
  const int B_train = o.train_trajectories > 0 ? o.train_trajectories : B / 2;
  const int T = o.points > 0 ? o.points : (spring ? 30 : 45);
  const double r_lo = o.radius_lo >= 0 ? o.radius_lo : (spring ? 0.1 : 1.3);
  const double r_hi = o.radius_hi >= 0 ? o.radius_hi : (spring ? 1.0 : 2.3);
  const char* name = hnn_task_name(task);
  NOETHER_REQUIRE(B >= 2, name << ": trajectories must be >= 2, got " << B);
  NOETHER_REQUIRE(B_train >= 1 && B_train < B,
                  name << ": train_trajectories must be in [1, " << B - 1 << "], got " << B_train);
  NOETHER_REQUIRE(T >= 2, name << ": points must be >= 2, got " << T);
  NOETHER_REQUIRE(o.t_end > 0, name << ": t_end must be > 0, got " << o.t_end);
  NOETHER_REQUIRE(r_lo > 0 && r_hi >= r_lo, name << ": need 0 < radius_lo <= radius_hi, got " << r_lo << ", " << r_hi);
  NOETHER_REQUIRE(o.noise_std >= 0, name << ": noise_std must be >= 0, got " << o.noise_std);

  HnnDataset d;
  d.source = name;
  d.dim = 2;
  d.trajectories = B;
  d.train_trajectories = B_train;
  d.points = T;
  d.n_train = B_train * T;
  d.n_test = (B - B_train) * T;
  d.times.resize(T);
  for (int i = 0; i < T; ++i) d.times[i] = o.t_end * double(i) / double(T - 1);
  d.clean.resize(std::size_t(B) * T * 2);
  d.x.resize(d.clean.size());
  d.dxdt.resize(d.clean.size());

  SplitMix64 rng{o.seed};
  for (int b = 0; b < B; ++b) {
    // Direction uniform in the square [−1, 1]², normalised (as the reference); redraw the (measure-zero) origin.
    double a0 = 0, a1 = 0;
    while (a0 == 0 && a1 == 0) a0 = 2 * rng.uniform() - 1, a1 = 2 * rng.uniform() - 1;
    const double r = r_lo + (r_hi - r_lo) * rng.uniform();
    const double n = std::sqrt(a0 * a0 + a1 * a1);
    const double x0[2] = {r * a0 / n, r * a1 / n};
    double* C = d.clean.data() + std::size_t(b) * T * 2;  // (T, 2)
    rk45_path([task](const double* x, double* dx) { hnn_task_field(task, x, dx); }, 2, x0, d.times, o.rtol, o.atol, C);
    double* X = d.x.data() + std::size_t(b) * T * 2;
    double* F = d.dxdt.data() + std::size_t(b) * T * 2;
    for (int i = 0; i < T; ++i) hnn_task_field(task, C + 2 * i, F + 2 * i);
    // Noise: all q draws of the trajectory, then all p draws (the reference's order).
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < T; ++i) X[2 * i + c] = C[2 * i + c] + o.noise_std * standard_normal(rng);
  }
  return d;
}

HnnDataset load_real_pendulum(const std::string& path, double train_fraction) {
  NOETHER_REQUIRE(train_fraction > 0 && train_fraction < 1,
                  "real pendulum: train_fraction must be in (0, 1), got " << train_fraction);
  std::ifstream in(path);
  NOETHER_REQUIRE(in, "real pendulum: cannot open '" << path << "'");
  std::vector<double> t, x;  // t (N), x (N, 2)
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;  // blank line
    if (line[first] == '%' || line[first] == '#') {
      NOETHER_REQUIRE(t.empty(), path << ":" << lineno << ": header/comment line after the data started");
      continue;
    }
    std::istringstream ls(line);
    std::vector<double> v;
    std::string tok;
    while (ls >> tok) {
      char* end = nullptr;
      const double val = std::strtod(tok.c_str(), &end);
      NOETHER_REQUIRE(end != tok.c_str() && *end == '\0',
                      path << ":" << lineno << ": '" << tok << "' is not a number");
      NOETHER_REQUIRE(std::isfinite(val), path << ":" << lineno << ": non-finite value '" << tok << "'");
      v.push_back(val);
    }
    NOETHER_REQUIRE(v.size() == 4, path << ":" << lineno << ": expected 4 columns (trial t angle angular_velocity), got "
                                        << v.size());
    NOETHER_REQUIRE(t.empty() || v[1] > t.back(), path << ":" << lineno << ": time " << v[1]
                                                      << " is not after the previous row's " << t.back());
    t.push_back(v[1]);
    x.push_back(v[2]);
    x.push_back(v[3]);
  }
  const int N = int(t.size());
  NOETHER_REQUIRE(N >= 3, path << ": needs at least 3 data rows, got " << N);
  HnnDataset d;
  d.source = path;
  d.dim = 2;
  const int n = N - 1;
  d.n_train = int(double(n) * train_fraction);
  d.n_test = n - d.n_train;
  NOETHER_REQUIRE(d.n_train >= 1 && d.n_test >= 1,
                  path << ": " << n << " samples cannot be split with train_fraction " << train_fraction);
  d.x.assign(x.begin(), x.begin() + 2 * std::size_t(n));
  d.row_times.assign(t.begin(), t.begin() + n);
  d.dxdt.resize(2 * std::size_t(n));
  for (int i = 0; i < n; ++i) {
    const double dt = t[i + 1] - t[i];
    for (int c = 0; c < 2; ++c) d.dxdt[2 * i + c] = (x[2 * (i + 1) + c] - x[2 * i + c]) / dt;
  }
  return d;
}

}  // namespace noether
