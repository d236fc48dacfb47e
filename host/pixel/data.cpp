// pixel/data.cpp — the pixel pendulum's dynamics and data set (pixel/data.hpp): exact trajectories of
// θ̈ = −(3g/2l) sin θ by adaptive RK45, rendered frames, the sample pairs and the .npz file.
#include <cmath>

#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "noether/physics/ode.hpp"
#include "noether/pixel/data.hpp"

namespace noether {

std::vector<double> pendulum_trajectory(const PendulumPhysics& ph, double theta0, double omega0, int frames) {
  NOETHER_REQUIRE(frames >= 1, "pendulum: frames must be >= 1, got " << frames);
  NOETHER_REQUIRE(ph.g > 0 && ph.l > 0 && ph.dt > 0,
                  "pendulum: g, l and dt must be > 0, got " << ph.g << ", " << ph.l << ", " << ph.dt);
  NOETHER_REQUIRE(std::isfinite(theta0) && std::isfinite(omega0), "pendulum: initial state must be finite");
  const double w2 = ph.omega2();
  const OdeRhs<double> f = [w2](double, const std::vector<double>& y, std::vector<double>& dy) {
    dy[0] = y[1];                 // dθ/dt = θ̇
    dy[1] = -w2 * std::sin(y[0]);  // dθ̇/dt = −(3g/2l) sin θ
  };
  Rk45Options o;
  o.rtol = 1e-10;
  o.atol = 1e-12;
  std::vector<double> y = {theta0, omega0}, out(std::size_t(frames) * 2);
  double h = 0;
  out[0] = theta0;
  out[1] = omega0;
  for (int k = 1; k < frames; ++k) {
    rk45_integrate(f, (k - 1) * ph.dt, k * ph.dt, y, o, h);
    out[2 * k] = y[0];
    out[2 * k + 1] = y[1];
  }
  return out;
}

double pendulum_canonical_energy(const PendulumPhysics& ph, double q, double p) {
  return ph.omega2() / 8.0 * (1.0 - std::cos(q)) + p * p;  // (3g/16l)(1 − cos q) + p² = E/8
}

PixelPendulumData make_pixel_pendulum_data(const PixelPendulumOptions& o) {
  NOETHER_REQUIRE(o.trials >= 2, "pixel pendulum: trials must be >= 2 (test and training trials), got " << o.trials);
  NOETHER_REQUIRE(o.frames >= 3, "pixel pendulum: frames must be >= 3 (a sample needs 3 frames), got " << o.frames);
  NOETHER_REQUIRE(o.max_angle > 0 && o.max_angle < 3.14159, "pixel pendulum: max_angle must be in (0, π), got " << o.max_angle);
  NOETHER_REQUIRE(o.max_speed >= 0, "pixel pendulum: max_speed must be >= 0, got " << o.max_speed);
  const int test = int(std::floor(o.test_fraction * o.trials));
  NOETHER_REQUIRE(test >= 1 && test < o.trials, "pixel pendulum: test_fraction · trials must leave >= 1 test and >= 1 "
                                                "training trial, got " << o.test_fraction << " · " << o.trials);
  PixelPendulumData d;
  d.options = o;
  d.trials = o.trials;
  d.frames = o.frames;
  d.side = o.renderer.side;
  d.test_trials = test;
  d.pixels.assign(std::size_t(d.trials) * d.frames * d.frame_dim(), 0.0f);
  d.states.assign(std::size_t(d.trials) * d.frames * 2, 0.0);
  SplitMix64 rng{o.seed};
  for (int b = 0; b < d.trials; ++b) {
    const double theta0 = o.max_angle * (2 * rng.uniform() - 1);
    const double omega0 = o.max_speed * (2 * rng.uniform() - 1);
    const std::vector<double> tr = pendulum_trajectory(o.physics, theta0, omega0, d.frames);
    std::copy(tr.begin(), tr.end(), d.states.begin() + std::size_t(b) * d.frames * 2);
    for (int k = 0; k < d.frames; ++k)
      render_pendulum(o.renderer, tr[2 * k], d.pixels.data() + (std::size_t(b) * d.frames + k) * d.frame_dim());
  }
  return d;
}

void PixelPendulumData::gather(const int* s, int n, float* X, float* Xnext) const {
  const int per = samples_per_trial(), D = frame_dim(), total = trials * per;
  for (int i = 0; i < n; ++i) {
    NOETHER_REQUIRE(s[i] >= 0 && s[i] < total, "pixel pendulum: sample " << s[i] << " out of range [0, " << total << ")");
    const int b = s[i] / per, k = s[i] % per;
    float* x = X + std::size_t(i) * 2 * D;
    std::copy(frame(b, k), frame(b, k) + D, x);
    std::copy(frame(b, k + 1), frame(b, k + 1) + D, x + D);
    if (!Xnext) continue;
    float* xn = Xnext + std::size_t(i) * 2 * D;
    std::copy(frame(b, k + 1), frame(b, k + 1) + D, xn);
    std::copy(frame(b, k + 2), frame(b, k + 2) + D, xn + D);
  }
}

void PixelPendulumData::canonical(int s, double* qp) const {
  const int per = samples_per_trial();
  NOETHER_REQUIRE(s >= 0 && s < trials * per, "pixel pendulum: sample " << s << " out of range");
  const double* st = states.data() + (std::size_t(s / per) * frames + s % per) * 2;
  qp[0] = st[0];
  qp[1] = 0.25 * st[1];
}

void write_pixel_pendulum_npz(const PixelPendulumData& d, const std::string& path) {
  NpzEntry px{"pixels", {std::size_t(d.trials), std::size_t(d.frames), std::size_t(d.side), std::size_t(d.side)},
              std::vector<double>(d.pixels.begin(), d.pixels.end()), true};
  NpzEntry st{"states", {std::size_t(d.trials), std::size_t(d.frames), 2}, d.states, false};
  NpzEntry dt{"dt", {}, {d.options.physics.dt}, false};
  NpzEntry tt{"test_trials", {}, {double(d.test_trials)}, false};
  write_npz(path, {px, st, dt, tt});
}

}  // namespace noether
