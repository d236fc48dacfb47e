// physics/bulk.cpp — validation of bulk configs and the CPU bulk simulation (velocity Verlet with wrapping,
// image counters and neighbor lists); the formulas are in physics/bulk.hpp.
#include "noether/physics/bulk.hpp"

#include <cmath>
#include <memory>
#include <sstream>

#include "noether/core/error.hpp"
#include "noether/core/rng.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/physics/observables.hpp"

namespace noether {
namespace {

template <typename T>
std::vector<T> cast(const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); }

/// The Bussi velocity-rescaling factor √(K'/K) (formula in physics/bulk.hpp) for kinetic energy K.
double bussi_scale(double K, int Nf, const ThermostatSpec& th, double dt, SplitMix64& rng) {
  if (K <= 0 || Nf < 1) return 1.0;
  const double Kt = 0.5 * Nf * th.temperature, c = std::exp(-dt / th.tau);
  const double R = standard_normal(rng);
  double S = 0;
  for (int k = 0; k < Nf - 1; ++k) {
    const double g = standard_normal(rng);
    S += g * g;
  }
  const double Kn = c * K + (1 - c) * Kt * (S + R * R) / Nf + 2 * R * std::sqrt(c * (1 - c) * K * Kt / Nf);
  return std::sqrt(std::max(Kn, 0.0) / K);
}

/// The thermostat's random stream of trajectory b (the same on the CPU and the GPU path).
SplitMix64 thermostat_stream(const ThermostatSpec& th, int b) {
  return SplitMix64{th.seed + 0x9E3779B97F4A7C15ull * std::uint64_t(b + 1)};
}

template <typename T, typename Law>
void run_bulk(const SpeciesLaws<T, Law>& laws, const SimulationConfig& cfg, Trajectory& out,
              const std::function<void(int, int)>& progress) {
  const InitialState& s = cfg.init;
  const IntegratorSpec& it = cfg.integrator;
  const int B = s.B, N = s.N, D = s.D;
  const std::size_t per = std::size_t(N) * D;
  const Box& box = s.box;
  const PeriodicAxes<T> ax(box);
  const int* species = s.species.empty() ? nullptr : s.species.data();
  const bool cells = bulk_uses_cells(cfg.bulk, N);
  const T dt = T(it.dt);
  const ThermostatSpec& th = cfg.bulk.thermostat;
  for (int b = 0; b < B; ++b) {
    SplitMix64 rng = thermostat_stream(th, b);
    std::vector<T> pos(s.pos.begin() + b * per, s.pos.begin() + (b + 1) * per);
    std::vector<T> vel(s.vel.begin() + b * per, s.vel.begin() + (b + 1) * per);
    std::vector<T> mass(s.mass.begin() + std::size_t(b) * N, s.mass.begin() + std::size_t(b + 1) * N);
    std::vector<T> acc(per), acc_new(per);
    std::vector<int> img(per, 0);
    const auto wrap = [&] {
      for (int c = 0; c < D; ++c)
        if (ax.L[c] > T(0))
          for (int i = 0; i < N; ++i) wrap_coordinate(pos[i * D + c], img[i * D + c], ax.L[c], ax.inv_L[c]);
    };
    wrap();
    std::unique_ptr<NeighborList<T>> nl;
    if (cells) nl = std::make_unique<NeighborList<T>>(cfg.bulk.max_cutoff(), cfg.bulk.skin, box, D, true);
    const auto forces = [&](std::vector<T>& a) {
      if (nl && nl->needs_rebuild(pos.data(), N)) nl->build(pos.data(), N);
      bulk_accelerations(laws, ax, pos.data(), mass.data(), species, nl.get(), a.data(), N, D);
    };
    const auto record = [&](int f) {
      FrameObservables& o = out.frames[f];
      FrameObservables one;
      kinematic_observables_cpu(pos.data(), vel.data(), mass.data(), 1, N, D, one);
      double U, W;
      bulk_energy_virial(laws, ax, pos.data(), mass.data(), species, nl.get(), N, D, U, W);
      const int A = angular_components(D);
      o.kinetic[b] = one.kinetic[0];
      o.potential[b] = U;
      for (int c = 0; c < D; ++c) o.momentum[std::size_t(b) * D + c] = one.momentum[c];
      for (int c = 0; c < A; ++c) o.angular[std::size_t(b) * A + c] = one.angular[c];
      out.virial[std::size_t(b) * out.T + f] = W;
      const std::size_t dst = (std::size_t(b) * out.T + f) * per;
      for (std::size_t k = 0; k < per; ++k) {
        out.pos[dst + k] = pos[k], out.vel[dst + k] = vel[k], out.acc[dst + k] = acc[k];
        out.images[dst + k] = img[k];
      }
    };
    forces(acc);
    record(0);
    for (int f = 1; f < it.frames; ++f) {
      for (long st = 0; st < it.stride; ++st) {
        for (std::size_t k = 0; k < per; ++k) pos[k] += vel[k] * dt + T(0.5) * acc[k] * dt * dt;
        wrap();
        forces(acc_new);
        for (std::size_t k = 0; k < per; ++k) {
          vel[k] += T(0.5) * (acc[k] + acc_new[k]) * dt;
          acc[k] = acc_new[k];
        }
        if (th.enabled) {
          double K = 0;
          for (int i = 0; i < N; ++i)
            for (int c = 0; c < D; ++c) K += 0.5 * double(mass[i]) * double(vel[i * D + c]) * double(vel[i * D + c]);
          const T a = T(bussi_scale(K, D * (N - 1), th, it.dt, rng));
          for (std::size_t k = 0; k < per; ++k) vel[k] *= a;
        }
      }
      for (std::size_t k = 0; k < per; ++k)
        if (!std::isfinite(double(pos[k])) || !std::isfinite(double(vel[k])))
          NOETHER_FAIL("simulation became non-finite (NaN/Inf) in trajectory " << b << ", particle " << k / D
                       << " before saved frame " << f << " (time step too large, or overlapping particles?)");
      record(f);
      if (progress && B == 1) progress(f + 1, it.frames);
    }
    if (nl) out.neighbor_builds += nl->builds();
    if (progress && B > 1) progress(b + 1, B);
  }
}

}  // namespace

void validate_bulk(const SimulationConfig& cfg, const std::string& file) {
  const BulkSpec& bs = cfg.bulk;
  const InitialState& s = cfg.init;
  const Box& box = s.box;
  NOETHER_REQUIRE(cfg.integrator.method == IntegratorMethod::Verlet,
                  file << ": integrator.method: a run with a box, cutoffs or species is integrated with velocity "
                          "Verlet only; use method 'verlet'");
  const double rc = bs.max_cutoff();
  if (box.present) {
    for (int c = 0; c < s.D; ++c) {
      NOETHER_REQUIRE(std::isfinite(box.L[c]) && box.L[c] > 0,
                      file << ": box.lengths[" << c << "]: expected a length > 0, got " << box.L[c]);
      if (box.periodic[c]) {
        NOETHER_REQUIRE(rc > 0, file << ": box.periodic[" << c << "]: a periodic axis needs every pair law to have a "
                                        "cutoff (system.cutoff) so that the minimum image is the only image");
        NOETHER_REQUIRE(box.L[c] >= 2 * rc, file << ": box.lengths[" << c << "] = " << box.L[c]
                                                 << " is shorter than twice the cutoff r_c = " << rc
                                                 << " on a periodic axis (the minimum-image convention needs L >= 2 r_c)");
      } else {
        for (int b = 0; b < s.B; ++b)
          for (int i = 0; i < s.N; ++i) {
            const double x = s.pos[(std::size_t(b) * s.N + i) * s.D + c];
            NOETHER_REQUIRE(x >= 0 && x <= box.L[c],
                            file << ": box.lengths[" << c << "]: particle " << i << " of trajectory " << b << " is at "
                                 << x << ", outside the non-periodic box wall [0, " << box.L[c] << "] of axis " << c);
          }
      }
    }
  }
  if (!s.species.empty()) {
    NOETHER_REQUIRE(int(s.species.size()) == s.N, file << ": species: expected " << s.N << " species indices (one per "
                                                          "particle), got " << s.species.size());
    for (int i = 0; i < s.N; ++i)
      NOETHER_REQUIRE(s.species[i] >= 0 && s.species[i] < bs.species_count,
                      file << ": species[" << i << "] = " << s.species[i] << " has no parameters: " << bs.laws_key << " gives "
                           << bs.species_count << " species (0.." << bs.species_count - 1 << ")");
  } else {
    NOETHER_REQUIRE(bs.species_count == 1, file << ": species: " << bs.laws_key << " gives " << bs.species_count
                                                << " species but the initial state has no species indices");
  }
}

namespace {

/// The trajectory of a bulk run with its arrays sized and its per-run fields (box, species, cutoffs, times) set.
Trajectory bulk_trajectory_shell(const SimulationConfig& cfg) {
  const InitialState& s = cfg.init;
  const IntegratorSpec& it = cfg.integrator;
  Trajectory out;
  out.B = s.B, out.T = it.frames, out.N = s.N, out.D = s.D, out.float32 = cfg.float32;
  const std::size_t n = std::size_t(s.B) * it.frames * s.N * s.D;
  out.pos.assign(n, 0.0), out.vel.assign(n, 0.0), out.acc.assign(n, 0.0), out.images.assign(n, 0);
  out.mass = s.mass;
  out.box = s.box;
  out.species = s.species;
  if (cfg.bulk.pair_cutoffs.size() == std::size_t(cfg.bulk.species_count) * std::size_t(cfg.bulk.species_count)) {
    out.pair_cutoffs = cfg.bulk.pair_cutoffs;
    out.cutoff_species = cfg.bulk.species_count;
  }
  out.virial.assign(std::size_t(s.B) * it.frames, 0.0);
  out.frames.resize(it.frames);
  const int A = angular_components(s.D);
  for (FrameObservables& o : out.frames) {
    o.kinetic.assign(s.B, 0.0), o.potential.assign(s.B, 0.0);
    o.momentum.assign(std::size_t(s.B) * s.D, 0.0), o.angular.assign(std::size_t(s.B) * A, 0.0);
  }
  for (int f = 0; f < it.frames; ++f) out.times.push_back(f * it.stride * it.dt);
  if (cfg.float32)
    for (double& m : out.mass) m = double(float(m));
  return out;
}

/// g(r) of every species pair over the saved frames, when the config asks for it ("rdf").
void add_rdf(const SimulationConfig& cfg, Trajectory& out) {
  if (cfg.bulk.rdf_bins <= 0) return;
  const int S = cfg.bulk.species_count, bins = cfg.bulk.rdf_bins;
  out.rdf_r_max = cfg.bulk.rdf_r_max, out.rdf_species = S, out.rdf_bins = bins;
  out.rdf.assign(std::size_t(S) * S * bins, 0.0);
  for (int a = 0; a < S; ++a)
    for (int c = 0; c < S; ++c) {
      const auto g = radial_distribution(out.pos.data(), out.B * out.T, out.N, out.D, out.box,
                                         out.species.empty() ? nullptr : out.species.data(), a, c, out.rdf_r_max, bins);
      std::copy(g.begin(), g.end(), out.rdf.begin() + (std::size_t(a) * S + c) * bins);
    }
}

/// The device rollout of every trajectory (physics/cuda.hpp, cuda_bulk_rollout), scattered into out.
template <typename T>
void run_bulk_cuda(const SimulationConfig& cfg, Trajectory& out, const std::function<void(int, int)>& progress) {
  const InitialState& s = cfg.init;
  const IntegratorSpec& it = cfg.integrator;
  const BulkSpec& bs = cfg.bulk;
  const int B = s.B, N = s.N, D = s.D, F = it.frames, A = angular_components(D);
  const std::size_t per = std::size_t(N) * D;
  CudaNeighborOptions opt;
  opt.skin = bs.skin;
  opt.all_pairs = !bulk_uses_cells(bs, N);  // the CPU's choice (physics/bulk.hpp)
  const ThermostatSpec& th = bs.thermostat;
  for (int b = 0; b < B; ++b) {
    SplitMix64 rng = thermostat_stream(th, b);
    std::function<double(double)> scale;
    if (th.enabled) scale = [&](double K) { return bussi_scale(K, D * (N - 1), th, it.dt, rng); };
    std::vector<T> pos(s.pos.begin() + b * per, s.pos.begin() + (b + 1) * per);
    std::vector<T> vel(s.vel.begin() + b * per, s.vel.begin() + (b + 1) * per);
    std::vector<T> mass(s.mass.begin() + std::size_t(b) * N, s.mass.begin() + std::size_t(b + 1) * N);
    std::vector<T> po(F * per), vo(F * per), ao(F * per);
    std::vector<int> img(F * per);
    std::vector<double> vir(F);
    std::vector<FrameObservables> obs;
    CudaNeighborListCopy stats;
    cuda_bulk_rollout<T>(bs.pair_laws.data(), bs.pair_cutoffs.data(), bs.species_count, s.box, pos.data(), vel.data(),
                         mass.data(), s.species.empty() ? nullptr : s.species.data(), N, D, T(it.dt), it.stride, F, opt,
                         po.data(), vo.data(), ao.data(), img.data(), obs, vir.data(), &stats, scale);
    for (int f = 0; f < F; ++f) {
      const std::size_t dst = (std::size_t(b) * F + f) * per, src = std::size_t(f) * per;
      for (std::size_t k = 0; k < per; ++k) {
        out.pos[dst + k] = po[src + k], out.vel[dst + k] = vo[src + k], out.acc[dst + k] = ao[src + k];
        out.images[dst + k] = img[src + k];
      }
      FrameObservables& o = out.frames[f];
      o.kinetic[b] = obs[f].kinetic[0];
      o.potential[b] = obs[f].potential[0];
      for (int c = 0; c < D; ++c) o.momentum[std::size_t(b) * D + c] = obs[f].momentum[c];
      for (int c = 0; c < A; ++c) o.angular[std::size_t(b) * A + c] = obs[f].angular[c];
      out.virial[std::size_t(b) * F + f] = vir[f];
    }
    out.neighbor_builds += stats.builds;
    if (progress) progress(b + 1, B);
  }
}

}  // namespace

Trajectory simulate_bulk_cuda(const SimulationConfig& cfg, const std::function<void(int, int)>& progress) {
  validate_bulk(cfg, cfg.source);
  Trajectory out = bulk_trajectory_shell(cfg);
  if (cfg.float32) run_bulk_cuda<float>(cfg, out, progress);
  else run_bulk_cuda<double>(cfg, out, progress);
  add_rdf(cfg, out);
  return out;
}

Trajectory simulate_bulk(const SimulationConfig& cfg, const std::function<void(int, int)>& progress) {
  validate_bulk(cfg, cfg.source);
  Trajectory out = bulk_trajectory_shell(cfg);
  if (cfg.float32)
    with_species_laws<float>(cfg.bulk, [&](const auto& laws) { run_bulk(laws, cfg, out, progress); });
  else
    with_species_laws<double>(cfg.bulk, [&](const auto& laws) { run_bulk(laws, cfg, out, progress); });
  add_rdf(cfg, out);
  return out;
}

}  // namespace noether
