// hnn/orbits.cpp — the two-body and three-body data of the HNN paper (hnn/orbits.hpp): planar gravity of
// unit masses (energy, field, momentum), the reference's near-circular initial states, and the orbit data set
// integrated with adaptive RK45.
#include "noether/hnn/orbits.hpp"

#include <cmath>

#include "noether/core/error.hpp"
#include "noether/physics/ode.hpp"

namespace noether {

namespace {

/// (x, y) rotated by θ: R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]].
void rotate(double theta, const double* v, double* out) {
  const double c = std::cos(theta), s = std::sin(theta);
  const double x = v[0], y = v[1];
  out[0] = c * x - s * y;
  out[1] = s * x + c * y;
}

void check_bodies(int bodies) {
  NOETHER_REQUIRE(bodies >= 2, "N-body: need at least 2 bodies, got " << bodies);
}

}  // namespace

double nbody_energy(int bodies, const double* x) {
  check_bodies(bodies);
  const int N = bodies;
  const double *qx = x, *qy = x + N, *px = x + 2 * N, *py = x + 3 * N;
  double T = 0, U = 0;
  for (int i = 0; i < N; ++i) T += 0.5 * (px[i] * px[i] + py[i] * py[i]);
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) U -= 1.0 / std::hypot(qx[i] - qx[j], qy[i] - qy[j]);
  return T + U;
}

void nbody_field(int bodies, const double* x, double* dxdt) {
  check_bodies(bodies);
  const int N = bodies;
  const double *qx = x, *qy = x + N, *px = x + 2 * N, *py = x + 3 * N;
  double *dqx = dxdt, *dqy = dxdt + N, *dpx = dxdt + 2 * N, *dpy = dxdt + 3 * N;
  for (int i = 0; i < N; ++i) {
    dqx[i] = px[i];  // ∂H/∂p = p / m, m = 1
    dqy[i] = py[i];
    dpx[i] = 0;
    dpy[i] = 0;
  }
  for (int i = 0; i < N; ++i)
    for (int j = i + 1; j < N; ++j) {
      const double dx = qx[j] - qx[i], dy = qy[j] - qy[i];  // q_j − q_i
      const double r2 = dx * dx + dy * dy;
      NOETHER_REQUIRE(r2 > 0, "N-body field: bodies " << i << " and " << j << " coincide");
      const double inv_r3 = 1.0 / (r2 * std::sqrt(r2));  // [≈ 5 FLOPS + sqrt + div]
      dpx[i] += dx * inv_r3, dpy[i] += dy * inv_r3;       // attraction towards j
      dpx[j] -= dx * inv_r3, dpy[j] -= dy * inv_r3;       // Newton's third law
    }
}

void nbody_momentum(int bodies, const double* x, double* P) {
  check_bodies(bodies);
  P[0] = P[1] = 0;
  for (int i = 0; i < bodies; ++i) P[0] += x[2 * bodies + i], P[1] += x[3 * bodies + i];
}

void orbit_initial_state(int bodies, double r_lo, double r_hi, double noise, SplitMix64& rng, double* x) {
  NOETHER_REQUIRE(bodies == 2 || bodies == 3, "orbits: the reference configurations have 2 or 3 bodies, got " << bodies);
  const int N = bodies;
  double q[3][2], v[3][2];
  if (N == 2) {
    const double pos[2] = {r_lo + (r_hi - r_lo) * rng.uniform(), r_lo + (r_hi - r_lo) * rng.uniform()};
    const double r = std::hypot(pos[0], pos[1]);
    const double scale = (1.0 + noise * standard_normal(rng)) / (2.0 * std::pow(r, 1.5));
    q[0][0] = pos[0], q[0][1] = pos[1];
    v[0][0] = -pos[1] * scale, v[0][1] = pos[0] * scale;
    q[1][0] = -q[0][0], q[1][1] = -q[0][1];
    v[1][0] = -v[0][0], v[1][1] = -v[0][1];
  } else {
    double d[2] = {0, 0};
    while (d[0] == 0 && d[1] == 0) d[0] = 2 * rng.uniform() - 1, d[1] = 2 * rng.uniform() - 1;
    const double r = r_lo + (r_hi - r_lo) * rng.uniform();
    const double n = std::hypot(d[0], d[1]);
    q[0][0] = r * d[0] / n, q[0][1] = r * d[1] / n;
    const double third = 2.0 * M_PI / 3.0;
    rotate(third, q[0], q[1]);
    rotate(third, q[1], q[2]);
    rotate(M_PI / 2, q[0], v[0]);
    const double circ = std::sqrt(std::sin(M_PI / 3) / (2 * std::cos(M_PI / 6) * std::cos(M_PI / 6))) / std::pow(r, 1.5);
    v[0][0] *= circ, v[0][1] *= circ;
    rotate(third, v[0], v[1]);
    rotate(third, v[1], v[2]);
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 2; ++c) v[b][c] *= 1.0 + noise * (2 * rng.uniform() - 1);
  }
  for (int b = 0; b < N; ++b) {
    x[b] = q[b][0];
    x[N + b] = q[b][1];
    x[2 * N + b] = v[b][0];  // unit masses: p = v
    x[3 * N + b] = v[b][1];
  }
}

HnnOrbitOptions resolved_orbit_options(const HnnOrbitOptions& o) {
  NOETHER_REQUIRE(o.bodies == 2 || o.bodies == 3, "orbits: bodies must be 2 or 3, got " << o.bodies);
  const bool two = o.bodies == 2;
  HnnOrbitOptions r = o;
  if (r.trajectories <= 0) r.trajectories = two ? 1000 : 5000;
  if (r.points <= 0) r.points = two ? 50 : 20;
  if (r.t_end < 0) r.t_end = two ? 20.0 : 5.0;
  if (r.radius_lo < 0) r.radius_lo = two ? 0.5 : 0.9;
  if (r.radius_hi < 0) r.radius_hi = two ? 1.5 : 1.2;
  if (r.noise < 0) r.noise = two ? 0.05 : 0.2;
  return r;
}

HnnDataset make_hnn_orbit_data(const HnnOrbitOptions& options) {
  const HnnOrbitOptions o = resolved_orbit_options(options);
  const char* name = o.bodies == 2 ? "two-body" : "three-body";
  const int B = o.trajectories, T = o.points, N = o.bodies, dim = 4 * N;
  NOETHER_REQUIRE(T >= 2, name << ": points must be >= 2, got " << T);
  NOETHER_REQUIRE(o.t_end > 0, name << ": t_end must be > 0, got " << o.t_end);
  NOETHER_REQUIRE(o.radius_lo > 0 && o.radius_hi >= o.radius_lo,
                  name << ": need 0 < radius_lo <= radius_hi, got " << o.radius_lo << ", " << o.radius_hi);
  NOETHER_REQUIRE(o.noise >= 0 && o.noise < 1, name << ": noise must be in [0, 1), got " << o.noise);
  NOETHER_REQUIRE(o.test_fraction > 0 && o.test_fraction < 1,
                  name << ": test_fraction must be in (0, 1), got " << o.test_fraction);
  // Reference split: the first ⌊f · rows⌋ rows; here rounded down to whole orbits.
  const long split_rows = long(double(long(B) * T) * o.test_fraction);
  const int B_test = int(split_rows / T);
  NOETHER_REQUIRE(B_test >= 1 && B_test < B, name << ": " << B << " orbits with test_fraction " << o.test_fraction
                                                  << " leave " << B_test << " test orbits; need at least 1 test and 1 training orbit");

  HnnDataset d;
  d.source = name;
  d.dim = dim;
  d.trajectories = B;
  d.train_trajectories = B - B_test;
  d.points = T;
  d.n_train = (B - B_test) * T;
  d.n_test = B_test * T;
  d.times.resize(T);
  for (int i = 0; i < T; ++i) d.times[i] = o.t_end * double(i) / double(T - 1);
  d.clean.resize(std::size_t(B) * T * dim);
  d.dxdt.resize(d.clean.size());

  SplitMix64 rng{o.seed};
  std::vector<double> y(dim);
  for (int k = 0; k < B; ++k) {
    orbit_initial_state(N, o.radius_lo, o.radius_hi, o.noise, rng, y.data());
    // Draw k < B_test is one of the reference's test orbits: stored after the training orbits.
    const int b = k < B_test ? (B - B_test) + k : k - B_test;
    double* C = d.clean.data() + std::size_t(b) * T * dim;  // (T, dim)
    rk45_path([N](const double* x, double* dx) { nbody_field(N, x, dx); }, dim, y.data(), d.times, o.rtol, o.atol, C);
    for (int i = 0; i < T; ++i)
      nbody_field(N, C + std::size_t(i) * dim, d.dxdt.data() + (std::size_t(b) * T + i) * dim);
  }
  d.x = d.clean;  // no input noise (reference input_noise 0)
  return d;
}

}  // namespace noether
