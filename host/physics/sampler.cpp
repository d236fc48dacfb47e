// physics/sampler.cpp — seeded random initial states (uniform box, perturbation of a base state).
#include "noether/physics/sampler.hpp"

#include <cmath>
#include <random>

#include "noether/core/error.hpp"

namespace noether {
namespace {

/// Portable random numbers: the same sequence for a seed on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  double uniform() { return double(gen_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double gaussian() {  // Box–Muller
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    double u1;
    do u1 = uniform(); while (u1 <= 0.0);
    const double u2 = uniform(), r = std::sqrt(-2.0 * std::log(u1)), th = 2.0 * M_PI * u2;
    spare_ = r * std::sin(th);
    have_spare_ = true;
    return r * std::cos(th);
  }

 private:
  std::mt19937_64 gen_;
  bool have_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace

void remove_total_momentum(InitialState& s) {
  for (int b = 0; b < s.B; ++b) {
    double P[3] = {0, 0, 0}, M = 0;
    for (int i = 0; i < s.N; ++i) {
      const double m = s.mass[b * s.N + i];
      M += m;
      for (int c = 0; c < s.D; ++c) P[c] += m * s.vel[(b * s.N + i) * s.D + c];
    }
    for (int i = 0; i < s.N; ++i)
      for (int c = 0; c < s.D; ++c) s.vel[(b * s.N + i) * s.D + c] -= P[c] / M;
  }
}

InitialState sample_fcc(const FccSamplerSpec& spec) {
  InitialState s;
  const int nx = spec.cells[0], ny = spec.cells[1], nz = spec.cells[2];
  s.B = spec.trajectories, s.N = 4 * nx * ny * nz, s.D = 3;
  const double a = std::cbrt(4.0 / spec.density);
  s.box.present = true;
  s.box.L[0] = nx * a, s.box.L[1] = ny * a, s.box.L[2] = nz * a;
  s.box.periodic[0] = s.box.periodic[1] = s.box.periodic[2] = true;
  s.pos.assign(std::size_t(s.B) * s.N * 3, 0.0);
  s.vel.assign(s.pos.size(), 0.0);
  s.mass.assign(std::size_t(s.B) * s.N, spec.mass);
  const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  Rng rng(spec.seed);
  for (int b = 0; b < s.B; ++b) {
    std::size_t i = std::size_t(b) * s.N;
    for (int z = 0; z < nz; ++z)
      for (int y = 0; y < ny; ++y)
        for (int x = 0; x < nx; ++x)
          for (const auto& o : basis) {
            const double cell[3] = {double(x), double(y), double(z)};
            for (int c = 0; c < 3; ++c) s.pos[i * 3 + c] = (cell[c] + o[c] + 0.25) * a;
            ++i;
          }
    for (std::size_t k = std::size_t(b) * s.N * 3; k < std::size_t(b + 1) * s.N * 3; ++k)
      s.vel[k] = rng.gaussian() / std::sqrt(spec.mass);
  }
  remove_total_momentum(s);
  for (int b = 0; b < s.B; ++b) {
    double K = 0;
    for (std::size_t k = std::size_t(b) * s.N * 3; k < std::size_t(b + 1) * s.N * 3; ++k) K += 0.5 * spec.mass * s.vel[k] * s.vel[k];
    const double T = s.N > 1 ? 2 * K / (3.0 * (s.N - 1)) : 0;
    const double scale = T > 0 ? std::sqrt(spec.temperature / T) : 0;
    for (std::size_t k = std::size_t(b) * s.N * 3; k < std::size_t(b + 1) * s.N * 3; ++k) s.vel[k] *= scale;
  }
  return s;
}

InitialState sample_uniform(const UniformSamplerSpec& spec) {
  InitialState s;
  s.B = spec.trajectories, s.N = spec.particles, s.D = spec.dim;
  s.pos.assign(std::size_t(s.B) * s.N * s.D, 0.0);
  s.vel.assign(s.pos.size(), 0.0);
  s.mass.assign(std::size_t(s.B) * s.N, 1.0);
  Rng rng(spec.seed);
  const int free_dims = (spec.planar && s.D == 3) ? 2 : s.D;
  for (int b = 0; b < s.B; ++b) {
    for (int i = 0; i < s.N; ++i) {
      double* q = &s.pos[(std::size_t(b) * s.N + i) * s.D];
      for (int attempt = 0;; ++attempt) {
        NOETHER_REQUIRE(attempt < 100000, "sampler: cannot place " << s.N << " particles with min_distance "
                                                                   << spec.min_distance << " in a box of " << spec.box);
        for (int c = 0; c < free_dims; ++c) q[c] = rng.uniform(-0.5 * spec.box, 0.5 * spec.box);
        bool ok = true;
        for (int j = 0; j < i && ok; ++j) {
          const double* p = &s.pos[(std::size_t(b) * s.N + j) * s.D];
          double r2 = 0;
          for (int c = 0; c < s.D; ++c) r2 += (q[c] - p[c]) * (q[c] - p[c]);
          ok = r2 >= spec.min_distance * spec.min_distance;
        }
        if (ok) break;
      }
      double* v = &s.vel[(std::size_t(b) * s.N + i) * s.D];
      for (int c = 0; c < free_dims; ++c)
        v[c] = spec.velocity == VelocityDistribution::Gaussian ? spec.velocity_scale * rng.gaussian()
                                                               : rng.uniform(-spec.velocity_scale, spec.velocity_scale);
      if (spec.masses.size() == 1) s.mass[b * s.N + i] = spec.masses[0];
      else if (!spec.masses.empty()) s.mass[b * s.N + i] = spec.masses[i];
    }
  }
  if (spec.zero_momentum) remove_total_momentum(s);
  return s;
}

InitialState sample_perturbed(const PerturbSamplerSpec& spec) {
  const InitialState& base = spec.base;
  NOETHER_ASSERT(base.B == 1);
  InitialState s;
  s.B = spec.trajectories, s.N = base.N, s.D = base.D;
  Rng rng(spec.seed);
  const int free_dims = (spec.planar && s.D == 3) ? 2 : s.D;
  for (int b = 0; b < s.B; ++b) {
    for (int i = 0; i < s.N; ++i)
      for (int c = 0; c < s.D; ++c) {
        const bool free = c < free_dims;
        s.pos.push_back(base.pos[i * s.D + c] + (free ? spec.position_noise * rng.gaussian() : 0.0));
        s.vel.push_back(base.vel[i * s.D + c] + (free ? spec.velocity_noise * rng.gaussian() : 0.0));
      }
    s.mass.insert(s.mass.end(), base.mass.begin(), base.mass.begin() + s.N);
  }
  if (spec.zero_momentum) remove_total_momentum(s);
  return s;
}

}  // namespace noether
