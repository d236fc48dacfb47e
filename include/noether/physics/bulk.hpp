// physics/bulk.hpp — bulk matter on the CPU: a box (physics/box.hpp), pair laws with cutoffs (physics/cutoff.hpp)
// per species pair, and all-pairs or neighbor-list (physics/neighbor_list.hpp) forces, energies and virials.
// A run is "bulk" when its config has a box, a cutoff, species or a Lennard-Jones law (BulkSpec::enabled); every
// other run takes the open-space all-pairs path of physics/forces.hpp, unchanged.
//
//   a_i = (1/m_i) Σ_{j≠i} f_over_r_{s_i s_j}(r_ij) d_ij,   d_ij = minimum image of q_i − q_j,  r_ij = |d_ij|,
//   U = Σ_{i<j} V_{s_i s_j}(r_ij),   W = Σ_{i<j} f_over_r(r_ij) r_ij²   (the pair virial Σ d_ij · F_ij),
//   T_kin = 2K / (D (N − 1)) (k_B = 1, total momentum removed),   P = (2K + W) / (D · volume).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "noether/physics/box.hpp"
#include "noether/physics/bulk_observables.hpp"
#include "noether/physics/bulk_simd.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/mixed_pair_law.hpp"
#include "noether/physics/neighbor_list.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/state.hpp"

namespace noether {

enum class NeighborMethod { Auto, AllPairs, Cell };

/// Below this many particles "auto" uses all pairs (LJ at ρ = 0.8 on 2 cores: the cell list is 1.2x faster at
/// N = 256 and 3x at N = 864; docs/BULK.md).
constexpr int kCellListMinParticles = 200;

/// Bussi–Donadio–Parrinello stochastic velocity rescaling (J. Chem. Phys. 126, 014101 (2007)), for preparing states
/// at a temperature (canonical sampling); production runs stay NVE. After each Verlet step, with N_f = D (N − 1)
/// degrees of freedom, K_t = N_f T / 2, c = exp(−dt / τ), R ~ N(0, 1) and S a sum of N_f − 1 squared N(0, 1) draws:
///   K' = c K + (1 − c) K_t (S + R²) / N_f + 2 R √(c (1 − c) K K_t / N_f),   v ← v √(K' / K).
/// Draws: SplitMix64 + Box–Muller (core/rng.hpp), the same sequence on every platform for a seed.
struct ThermostatSpec {
  bool enabled = false;
  double temperature = 1.0, tau = 0.1;
  std::uint64_t seed = 0;
};

/// The bulk part of a simulation config (docs/FORMATS.md: "box", "system.cutoff", "system.pairs", "species",
/// "neighbor"). pair_laws / pair_cutoffs are (S, S), symmetric; with S = 1 they hold the config's one law.
struct BulkSpec {
  bool enabled = false;
  int species_count = 1;
  std::vector<PairLawSpec> pair_laws;    ///< (S, S)
  std::vector<CutoffSpec> pair_cutoffs;  ///< (S, S)
  /// Where the laws per species pair come from, for errors: "system.pairs" (a config), or "<file>: species_count"
  /// (a species-pair file, io/pair_laws_file.hpp).
  std::string laws_key = "system.pairs";
  NeighborMethod neighbor = NeighborMethod::Auto;
  double skin = 0.3;
  ThermostatSpec thermostat;
  int rdf_bins = 0;       ///< > 0: g(r) of every species pair over the saved frames (config "rdf")
  double rdf_r_max = 0;
  /// The largest cutoff of all species pairs (0 when some pair has none).
  double max_cutoff() const {
    double m = 0;
    for (const CutoffSpec& c : pair_cutoffs) {
      if (!c.active()) return 0;
      m = std::max(m, c.cutoff);
    }
    return m;
  }
};

/// Whether a run of N particles with this spec uses a cell + Verlet list (resolves "auto").
inline bool bulk_uses_cells(const BulkSpec& b, int N) {
  if (b.max_cutoff() <= 0) return false;
  if (b.neighbor == NeighborMethod::Cell) return true;
  return b.neighbor == NeighborMethod::Auto && N >= kCellListMinParticles;
}

/// The per-species-pair laws of one run in precision T: laws[a·S + b].
template <typename T, typename Law>
struct SpeciesLaws {
  int S = 1;
  std::vector<CutoffLaw<T, Law>> laws;
  const CutoffLaw<T, Law>& at(int a, int b) const { return laws[std::size_t(a) * S + b]; }
};

/// Accelerations of one configuration (one analytic law: vectorised rows, physics/bulk_simd.hpp; otherwise one
/// partner after another). pos (N, D) wrapped (every periodic coordinate in [0, L)), mass (N), species (N) or null (all 0), acc (N, D) written.
/// nl: the neighbor lists (built for pos's configuration within the skin), or null for all pairs j = 0..N−1.
template <typename T, typename Law>
void bulk_accelerations(const SpeciesLaws<T, Law>& laws, const PeriodicAxes<T>& ax, const T* pos, const T* mass,
                        const int* species, const NeighborList<T>* nl, T* acc, int N, int D) {
  if constexpr (is_simd_pair_law<Law>::value) {
    if (laws.S == 1) {  // one analytic law: the vectorised rows (physics/bulk_simd.hpp)
      const CutoffLaw<T, Law>& law = laws.laws[0];
      with_simd_row_kind(law, D, [&](auto d, auto mode, auto cut) {
        constexpr int Dim = decltype(d)::value;
#pragma omp parallel for schedule(static) if ((long long)N * (nl ? 64 : N) > kParallelPairs)
        for (int i = 0; i < N; ++i) {
          T f[3] = {0, 0, 0};
          if (nl) {
            bulk_row_simd<Dim, decltype(mode)::value, decltype(cut)::value>(law, ax, pos, mass, i, nl->neighbors(i), 0,
                                                                             nl->count(i), f);
          } else {  // every j ≠ i, as two contiguous ranges
            bulk_row_simd<Dim, decltype(mode)::value, decltype(cut)::value>(law, ax, pos, mass, i, nullptr, 0, i, f);
            bulk_row_simd<Dim, decltype(mode)::value, decltype(cut)::value>(law, ax, pos, mass, i, nullptr, i + 1, N, f);
          }
          for (int c = 0; c < Dim; ++c) acc[i * Dim + c] = f[c] / mass[i];
        }
      });
      return;
    }
  }
#pragma omp parallel for schedule(static) if ((long long)N * (nl ? 64 : N) > kParallelPairs)
  for (int i = 0; i < N; ++i) {
    T f[3] = {0, 0, 0};
    const int si = species ? species[i] : 0;
    const int cnt = nl ? nl->count(i) : N;
    const int* list = nl ? nl->neighbors(i) : nullptr;
    for (int k = 0; k < cnt; ++k) {
      const int j = list ? list[k] : k;
      if (j == i) continue;
      T d[3] = {0, 0, 0};
      T r2 = 0;
      for (int c = 0; c < D; ++c) {
        d[c] = ax.min_image_wrapped(pos[i * D + c] - pos[j * D + c], c);
        r2 += d[c] * d[c];
      }
      T V, f_over_r;
      laws.at(si, species ? species[j] : 0).eval(r2, mass[i], mass[j], V, f_over_r);
      for (int c = 0; c < D; ++c) f[c] += f_over_r * d[c];
    }
    for (int c = 0; c < D; ++c) acc[i * D + c] = f[c] / mass[i];
  }
}

/// Potential energy U = Σ_{i<j} V and pair virial W = Σ_{i<j} f_over_r r² of one configuration (float64 sums;
/// per-particle partial sums added in particle order, so independent of the thread count). Arguments as above.
template <typename T, typename Law>
void bulk_energy_virial(const SpeciesLaws<T, Law>& laws, const PeriodicAxes<T>& ax, const T* pos, const T* mass,
                        const int* species, const NeighborList<T>* nl, int N, int D, double& U, double& W) {
  std::vector<double> u(N), w(N);
#pragma omp parallel for schedule(static) if ((long long)N * (nl ? 64 : N) > kParallelPairs)
  for (int i = 0; i < N; ++i) {
    double ui = 0, wi = 0;
    const int si = species ? species[i] : 0;
    const int cnt = nl ? nl->count(i) : N;
    const int* list = nl ? nl->neighbors(i) : nullptr;
    for (int k = 0; k < cnt; ++k) {
      const int j = list ? list[k] : k;
      if (j <= i) continue;
      T r2 = 0;
      for (int c = 0; c < D; ++c) {
        const T d = ax.min_image_wrapped(pos[i * D + c] - pos[j * D + c], c);
        r2 += d * d;
      }
      T V, f_over_r;
      laws.at(si, species ? species[j] : 0).eval(r2, mass[i], mass[j], V, f_over_r);
      ui += double(V);
      wi += double(f_over_r) * double(r2);
    }
    u[i] = ui, w[i] = wi;
  }
  U = 0, W = 0;
  for (int i = 0; i < N; ++i) U += u[i], W += w[i];
}

/// Build the per-species-pair laws of `spec` in precision T and call fn(const SpeciesLaws<T, Law>&).
/// One species: any law (learned and tabulated included). Several: analytic laws all of one kind (config
/// "system.pairs"), or every pair learned (a PairMlp each) or every pair tabulated (a PairTable each), e.g. from a
/// species-pair file (io/pair_laws_file.hpp); or laws of different kinds (config "system.pairs" entries with their own
/// "potential"): a MixedPairLaw each (physics/mixed_pair_law.hpp). Each pair with its own cutoff, parameters, support
/// and tail.
template <typename T, typename Fn>
void with_species_laws(const BulkSpec& spec, Fn&& fn) {
  const int S = spec.species_count;
  NOETHER_REQUIRE(int(spec.pair_laws.size()) == S * S && int(spec.pair_cutoffs.size()) == S * S,
                  "bulk spec: expected " << S * S << " species-pair laws");
  if (S == 1) {
    with_pair_law<T>(spec.pair_laws[0], [&](auto law) {
      using Law = std::decay_t<decltype(law)>;
      SpeciesLaws<T, Law> t;
      t.laws.push_back(CutoffLaw<T, Law>(law, spec.pair_cutoffs[0]));
      fn(static_cast<const SpeciesLaws<T, Law>&>(t));
    });
    return;
  }
  if (pair_law_kinds_differ(spec.pair_laws)) {
    std::vector<std::vector<T>> buffers;
    for (const PairLawSpec& p : spec.pair_laws) buffers.push_back(pair_law_buffer<T>(p, spec.laws_key));
    SpeciesLaws<T, MixedPairLaw<T>> t;
    t.S = S;
    for (int k = 0; k < S * S; ++k)
      t.laws.push_back(CutoffLaw<T, MixedPairLaw<T>>(make_mixed_pair_law<T>(spec.pair_laws[k], buffers[k].data()),
                                                     spec.pair_cutoffs[k]));
    fn(static_cast<const SpeciesLaws<T, MixedPairLaw<T>>&>(t));
    return;
  }
  if (pair_law_has_buffer(spec.pair_laws[0])) {
    with_buffer_pair_laws<T>(spec.pair_laws, spec.laws_key, [&](const auto& laws) {
      using Law = typename std::decay_t<decltype(laws)>::value_type;
      SpeciesLaws<T, Law> t;
      t.S = S;
      for (int k = 0; k < S * S; ++k) t.laws.push_back(CutoffLaw<T, Law>(laws[k], spec.pair_cutoffs[k]));
      fn(static_cast<const SpeciesLaws<T, Law>&>(t));
    });
    return;
  }
  for (const PairLawSpec& p : spec.pair_laws)
    NOETHER_REQUIRE(!pair_law_has_buffer(p) && p.kind == spec.pair_laws[0].kind,
                    spec.laws_key << ": every species pair needs an analytic law of the same kind");
  with_analytic_pair_law<T>(spec.pair_laws[0], [&](auto first) {
    using Law = std::decay_t<decltype(first)>;
    SpeciesLaws<T, Law> t;
    t.S = S;
    for (int k = 0; k < S * S; ++k)
      with_analytic_pair_law<T>(spec.pair_laws[k], [&](auto law) {
        using L = std::decay_t<decltype(law)>;
        if constexpr (std::is_same_v<L, Law>) t.laws.push_back(CutoffLaw<T, L>(law, spec.pair_cutoffs[k]));
      });
    NOETHER_REQUIRE(int(t.laws.size()) == S * S, spec.laws_key << ": every species pair needs a law of the same kind");
    fn(static_cast<const SpeciesLaws<T, Law>&>(t));
  });
}

struct SimulationConfig;

/// Check the bulk parts of a config against its initial state; errors name `file` and the key:
/// particles outside a non-periodic box wall, a periodic axis shorter than 2 r_c (or a periodic axis without
/// cutoffs), species indices without parameters, a method other than Verlet.
void validate_bulk(const SimulationConfig& cfg, const std::string& file);

/// Simulate a bulk config on the CPU with velocity Verlet: positions wrapped into the box each step (image counters
/// kept in Trajectory::images), neighbor lists rebuilt by the skin rule (counted in Trajectory::neighbor_builds).
Trajectory simulate_bulk(const SimulationConfig& cfg, const std::function<void(int, int)>& progress);

/// The same simulation on the CUDA backend (physics/cuda.hpp, cuda_bulk_rollout): the CPU's choice of device
/// neighbor lists or all pairs (bulk_uses_cells), every law kind, the Bussi thermostat (its random numbers drawn on
/// the host from the CPU run's stream), one trajectory after another; the saved frames and observables of
/// simulate_bulk (g(r) computed on the host from the saved frames).
Trajectory simulate_bulk_cuda(const SimulationConfig& cfg, const std::function<void(int, int)>& progress);

}  // namespace noether
