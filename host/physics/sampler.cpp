// physics/sampler.cpp — seeded random initial states (uniform box, perturbation of a base state).
#include "noether/physics/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

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

namespace {

/// The min_distance test of sample_uniform against the particles placed so far, on a grid of cells of edge
/// h ≥ min_distance (1 + 1e-9) over [−box/2, box/2] in the free dimensions (at most 2N + 64 cells): a placed particle
/// two or more cells away in some axis is farther than min_distance, so only the 3^d adjacent cells are tested —
/// O(1) per attempt instead of O(N), with exactly the same accept/reject decisions (the same r² ≥ min_distance²
/// test on the same candidates), hence the same states. Without a min_distance nothing is tested.
class MinDistanceGrid {
 public:
  MinDistanceGrid(double box, double min_distance, int free_dims, int D, int N)
      : md2_(min_distance * min_distance), lo_(-0.5 * box), d_(free_dims), D_(D) {
    if (!(min_distance > 0)) return;
    n_ = int(std::max(1.0, std::min(std::floor(box / (min_distance * (1 + 1e-9))), 1e6)));
    while (n_ > 1 && std::pow(double(n_), d_) > 2.0 * N + 64) --n_;
    h_ = box / n_;
    cells_.assign(std::size_t(std::pow(double(n_), d_)), {});
  }
  bool active() const { return !cells_.empty(); }
  void clear() { for (auto& c : cells_) c.clear(); }
  /// True when q (D) is at least min_distance from every particle added (pos: the trajectory's (N, D) positions).
  bool far_enough(const double* q, const double* pos) const {
    int k[3] = {0, 0, 0};
    for (int c = 0; c < d_; ++c) k[c] = cell(q[c]);
    for (int dz = d_ > 2 ? -1 : 0; dz <= (d_ > 2 ? 1 : 0); ++dz)
      for (int dy = d_ > 1 ? -1 : 0; dy <= (d_ > 1 ? 1 : 0); ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int o[3] = {k[0] + dx, k[1] + dy, k[2] + dz};
          bool inside = true;
          for (int c = 0; c < d_; ++c) inside = inside && o[c] >= 0 && o[c] < n_;
          if (!inside) continue;
          for (int j : cells_[index(o)]) {
            const double* p = pos + std::size_t(j) * D_;
            double r2 = 0;
            for (int c = 0; c < D_; ++c) r2 += (q[c] - p[c]) * (q[c] - p[c]);
            if (!(r2 >= md2_)) return false;
          }
        }
    return true;
  }
  void add(int i, const double* q) {
    int k[3] = {0, 0, 0};
    for (int c = 0; c < d_; ++c) k[c] = cell(q[c]);
    cells_[index(k)].push_back(i);
  }

 private:
  int cell(double x) const { return std::min(n_ - 1, std::max(0, int(std::floor((x - lo_) / h_)))); }
  std::size_t index(const int* k) const {
    std::size_t id = 0;
    for (int c = d_ - 1; c >= 0; --c) id = id * n_ + std::size_t(k[c]);
    return id;
  }
  double md2_, lo_, h_ = 1;
  int d_, D_, n_ = 1;
  std::vector<std::vector<int>> cells_;
};

}  // namespace

InitialState sample_uniform(const UniformSamplerSpec& spec) {
  InitialState s;
  s.B = spec.trajectories, s.N = spec.particles, s.D = spec.dim;
  s.pos.assign(std::size_t(s.B) * s.N * s.D, 0.0);
  s.vel.assign(s.pos.size(), 0.0);
  s.mass.assign(std::size_t(s.B) * s.N, 1.0);
  Rng rng(spec.seed);
  const int free_dims = (spec.planar && s.D == 3) ? 2 : s.D;
  MinDistanceGrid grid(spec.box, spec.min_distance, free_dims, s.D, s.N);
  for (int b = 0; b < s.B; ++b) {
    grid.clear();
    const double* traj = &s.pos[std::size_t(b) * s.N * s.D];
    for (int i = 0; i < s.N; ++i) {
      double* q = &s.pos[(std::size_t(b) * s.N + i) * s.D];
      for (int attempt = 0;; ++attempt) {
        NOETHER_REQUIRE(attempt < 100000, "sampler: cannot place " << s.N << " particles with min_distance "
                                                                   << spec.min_distance << " in a box of " << spec.box);
        for (int c = 0; c < free_dims; ++c) q[c] = rng.uniform(-0.5 * spec.box, 0.5 * spec.box);
        if (!grid.active() || grid.far_enough(q, traj)) break;
      }
      if (grid.active()) grid.add(i, q);
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
