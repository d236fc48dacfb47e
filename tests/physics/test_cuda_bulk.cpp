// physics/test_cuda_bulk.cpp — the device neighbor lists and bulk forces (kernels/physics/neighbor_list.cu,
// bulk_forces.cu; physics/cuda.hpp) against the CPU neighbor-list path (physics/neighbor_list.hpp, physics/bulk.hpp):
// the same partner lists (sets and order), forces, energy and virial to 1e-13 for Lennard-Jones and the Kob–Andersen
// mixture in a periodic cube, a slab (z open) and 2-D, analytic, tabulated and learned (pair MLPs of several widths,
// scalings and tails), and a mix of kinds per species pair; all pairs (no list) against the CPU's all-pairs sums, with and without a box; list overflow
// grows to the same result; bitwise identical across runs and block sizes; a 200-step NVE rollout (`simulate` on the
// device) against the CPU rollout, with the same neighbor-list rebuild count; learned rollouts with the Bussi
// thermostat, on the lists and on all pairs, against the CPU's. Runs on a GPU or on the CPU executor (docs/CUDA_ON_CPU.md); skips without either unless
// NOETHER_REQUIRE_GPU=1.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <memory>
#include <cmath>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/physics/sampler.hpp"
#include "noether/physics/simulate.hpp"
#include "support/gpu_gate.hpp"
#include "support/pair_law_specs.hpp"

using namespace noether;

namespace {

/// N particles on a jittered lattice in D dimensions at density rho (fcc in 3-D, square in 2-D), wrapped, unit masses.
InitialState jittered(int D, int cells, double rho, double jitter, unsigned seed) {
  InitialState s;
  if (D == 3) {
    FccSamplerSpec f;
    f.cells[0] = f.cells[1] = f.cells[2] = cells, f.density = rho, f.seed = seed;
    s = sample_fcc(f);
  } else {
    s.B = 1, s.D = 2, s.N = cells * cells;
    const double a = std::sqrt(1.0 / rho);
    s.box.present = true, s.box.L[0] = s.box.L[1] = a * cells, s.box.periodic[0] = s.box.periodic[1] = true;
    for (int y = 0; y < cells; ++y)
      for (int x = 0; x < cells; ++x) s.pos.push_back((x + 0.5) * a), s.pos.push_back((y + 0.5) * a);
    s.vel.assign(s.pos.size(), 0.0);
    s.mass.assign(s.N, 1.0);
  }
  unsigned x = seed * 2654435761u + 1;
  for (int i = 0; i < s.N; ++i)
    for (int c = 0; c < D; ++c) {
      x = x * 1664525u + 1013904223u;
      double& q = s.pos[i * D + c];
      q += jitter * (double(x >> 8) / double(1u << 24) - 0.5);
      int n = 0;
      wrap_coordinate(q, n, s.box.L[c], 1.0 / s.box.L[c]);
    }
  return s;
}

/// One LJ law (ε = σ = 1), r_c = 2.5 switched from 2.0.
BulkSpec lj_spec() {
  BulkSpec b;
  b.enabled = true;
  PairLawSpec lj;
  lj.kind = PotentialKind::LennardJones;
  CutoffSpec c;
  c.cutoff = 2.5, c.r_on = 2.0, c.smoothing = Smoothing::Switch;
  b.pair_laws = {lj}, b.pair_cutoffs = {c};
  return b;
}

/// The Kob–Andersen 80:20 mixture: ε_AA = 1, σ_AA = 1; ε_AB = 1.5, σ_AB = 0.8; ε_BB = 0.5, σ_BB = 0.88; r_c = 2.5 σ_ab
/// switched from 0.9 r_c (smoothing sm); species (N): every 5th particle B.
BulkSpec ka_spec(Smoothing sm = Smoothing::Switch) {
  BulkSpec b;
  b.enabled = true;
  b.species_count = 2;
  const double eps[4] = {1.0, 1.5, 1.5, 0.5}, sig[4] = {1.0, 0.8, 0.8, 0.88};
  for (int k = 0; k < 4; ++k) {
    PairLawSpec p;
    p.kind = PotentialKind::LennardJones, p.epsilon = eps[k], p.sigma = sig[k];
    CutoffSpec c;
    c.cutoff = 2.5 * sig[k], c.r_on = 0.9 * c.cutoff, c.smoothing = sm;
    b.pair_laws.push_back(p), b.pair_cutoffs.push_back(c);
  }
  return b;
}

/// The laws of `b` as tables: V = 4ε[(σ/r)¹² − (σ/r)⁶] tabulated with exact jets at 801 knots on [0.6σ, 2.7σ].
BulkSpec tabulated(BulkSpec b) {
  for (PairLawSpec& p : b.pair_laws) {
    PairTableData t;
    const double e = p.epsilon, sg = p.sigma;
    t.r_min = 0.6 * sg, t.r_max = 2.7 * sg;
    for (int k = 0; k <= 800; ++k) {
      const double r = t.r_min + (t.r_max - t.r_min) * k / 800.0, s6 = std::pow(sg / r, 6), s12 = s6 * s6;
      t.V.push_back(4 * e * (s12 - s6));
      t.dV.push_back(4 * e * (-12 * s12 + 6 * s6) / r);
      t.d2V.push_back(4 * e * (156 * s12 - 42 * s6) / (r * r));
    }
    finalize_pair_table(t, "test table");
    p = PairLawSpec{};
    p.kind = PotentialKind::Tabulated;
    p.table = std::make_shared<const PairTableData>(t);
  }
  return b;
}

using test::mlp_law;  // support/pair_law_specs.hpp

/// The laws of `b` replaced by pair MLPs: [1,16,16,1] for one species; for two, [1,16,16,1] (A–A), [1,24,1] with the
/// log input (A–B = B–A: one instantiation of width 32 for all) and [1,8,8,1] with a zero tail from 1.6 to 2.0 (B–B).
BulkSpec learned(BulkSpec b) {
  if (b.species_count == 1) {
    b.pair_laws = {mlp_law({1, 16, 16, 1}, 1)};
    return b;
  }
  const PairLawSpec ab = mlp_law({1, 24, 1}, 2, {}, true);
  b.pair_laws = {mlp_law({1, 16, 16, 1}, 1), ab, ab, mlp_law({1, 8, 8, 1}, 3, {}, false, zero_tail(1.6, 2.0))};
  return b;
}

std::vector<int> ka_species(int N) {
  std::vector<int> s(N);
  for (int i = 0; i < N; ++i) s[i] = i % 5 == 4;
  return s;
}

struct CpuResult {
  std::vector<double> acc;
  double U = 0, W = 0;
  std::vector<std::vector<int>> lists;
};

/// The CPU neighbor-list path (all_pairs: the all-pairs path, no lists): lists (per particle, in list order),
/// accelerations, energy, virial.
CpuResult cpu_forces(const BulkSpec& spec, const InitialState& s, const int* species, bool all_pairs = false) {
  CpuResult r;
  std::unique_ptr<NeighborList<double>> nl;
  if (!all_pairs) {
    nl = std::make_unique<NeighborList<double>>(spec.max_cutoff(), spec.skin, s.box, s.D, true);
    nl->build(s.pos.data(), s.N);
  }
  r.acc.resize(s.pos.size());
  with_species_laws<double>(spec, [&](const auto& laws) {
    const PeriodicAxes<double> ax(s.box);
    bulk_accelerations(laws, ax, s.pos.data(), s.mass.data(), species, nl.get(), r.acc.data(), s.N, s.D);
    bulk_energy_virial(laws, ax, s.pos.data(), s.mass.data(), species, nl.get(), s.N, s.D, r.U, r.W);
  });
  if (nl)
    for (int i = 0; i < s.N; ++i) r.lists.emplace_back(nl->neighbors(i), nl->neighbors(i) + nl->count(i));
  return r;
}

struct GpuResult {
  std::vector<double> acc;
  double U = 0, W = 0;
  CudaNeighborListCopy list;
  /// The lists per particle, in list order (the first count[i] entries of each row).
  std::vector<std::vector<int>> lists() const {
    std::vector<std::vector<int>> out;
    for (std::size_t i = 0; i < list.count.size(); ++i)
      out.emplace_back(list.nbr.begin() + i * list.capacity, list.nbr.begin() + i * list.capacity + list.count[i]);
    return out;
  }
};

GpuResult gpu_forces(const BulkSpec& spec, const InitialState& s, const int* species, int capacity = 32,
                     int block = 128, bool all_pairs = false) {
  GpuResult r;
  r.acc.resize(s.pos.size());
  CudaNeighborOptions opt;
  opt.skin = spec.skin, opt.capacity = capacity, opt.block = block, opt.all_pairs = all_pairs;
  cuda_bulk_forces<double>(spec.pair_laws.data(), spec.pair_cutoffs.data(), spec.species_count, s.box, s.pos.data(),
                           s.mass.data(), species, s.N, s.D, opt, r.acc.data(), &r.U, &r.W, &r.list);
  return r;
}

/// max_k |a_k − b_k| ≤ rel · max_k |a_k|, and a real force field (max |a| > 1e-3).
::testing::AssertionResult close(const std::vector<double>& a, const std::vector<double>& b, double rel) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < a.size(); ++k) diff = std::max(diff, std::abs(a[k] - b[k])), scale = std::max(scale, std::abs(a[k]));
  if (scale > 1e-3 && diff <= rel * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |a - b| = " << diff << ", max |a| = " << scale << ", rel bound " << rel;
}

/// The CPU and device results agree: lists equal per particle as sets and in order, forces, U and W to 1e-13.
void expect_parity(const BulkSpec& spec, const InitialState& s, const int* species, int block = 128) {
  const CpuResult c = cpu_forces(spec, s, species);
  const GpuResult g = gpu_forces(spec, s, species, 32, block);
  ASSERT_EQ(int(g.list.count.size()), s.N);
  long pairs = 0, same_order = 0;
  for (int i = 0; i < s.N; ++i) {
    ASSERT_LE(g.list.count[i], g.list.capacity);
    std::vector<int> gl(g.list.nbr.begin() + std::size_t(i) * g.list.capacity,
                        g.list.nbr.begin() + std::size_t(i) * g.list.capacity + g.list.count[i]);
    same_order += gl == c.lists[i];
    std::vector<int> a = c.lists[i], b = gl;
    std::sort(a.begin(), a.end()), std::sort(b.begin(), b.end());
    ASSERT_EQ(a, b) << "partners of particle " << i;
    pairs += long(a.size());
  }
  EXPECT_EQ(same_order, s.N);  // the device scans the cells in the CPU's order
  EXPECT_GT(pairs, 10L * s.N);
  EXPECT_TRUE(close(c.acc, g.acc, 1e-13));
  EXPECT_NEAR(g.U, c.U, 1e-13 * std::abs(c.U));
  EXPECT_NEAR(g.W, c.W, 1e-13 * std::abs(c.W));
  EXPECT_GT(std::abs(c.U), 1.0);
}

}  // namespace

TEST(CudaBulk, LennardJonesPeriodicCubeMatchesCpuLists) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 5, 0.8, 0.3, 3);  // 500 particles, L ≈ 8.5: 3 cells per axis
  expect_parity(lj_spec(), s, nullptr);
}

TEST(CudaBulk, ShuffledParticlesGiveTheCpuListOrder) {
  NOETHER_NEED_GPU();
  // Particles of one cell spread over many blocks of 32, which the executor runs on parallel host threads (a GPU in
  // any order): the scatter into cells then lands in an arbitrary order, which the per-cell sort must undo.
  InitialState s = jittered(3, 6, 0.8, 0.3, 31);  // 864 particles
  unsigned x = 77;
  for (int i = s.N - 1; i > 0; --i) {
    x = x * 1664525u + 1013904223u;
    const int j = int((x >> 8) % unsigned(i + 1));
    for (int c = 0; c < 3; ++c) std::swap(s.pos[i * 3 + c], s.pos[j * 3 + c]);
  }
  for (int rep = 0; rep < 3; ++rep) expect_parity(lj_spec(), s, nullptr, 32);
}

TEST(CudaBulk, LennardJonesSmallBoxDeduplicatesCells) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 4, 0.8, 0.3, 5);  // 256 particles, L ≈ 6.8: 2 cells per axis (de-duplicated)
  BulkSpec spec = lj_spec();
  spec.pair_cutoffs[0].smoothing = Smoothing::ShiftedForce;
  expect_parity(spec, s, nullptr);
}

TEST(CudaBulk, KobAndersenPeriodicCubeMatchesCpu) {
  NOETHER_NEED_GPU();
  InitialState s = jittered(3, 5, 1.2, 0.2, 7);  // 500 particles at ρ = 1.2
  const std::vector<int> sp = ka_species(s.N);
  expect_parity(ka_spec(), s, sp.data());
}

TEST(CudaBulk, KobAndersenSlabMatchesCpu) {
  NOETHER_NEED_GPU();
  InitialState s = jittered(3, 5, 1.2, 0.2, 11);
  s.box.periodic[2] = false;  // open in z: the region is the positions' z range, no minimum image on z
  const std::vector<int> sp = ka_species(s.N);
  expect_parity(ka_spec(Smoothing::ShiftedForce), s, sp.data());
}

TEST(CudaBulk, TwoDimensionsMatchCpu) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(2, 20, 0.8, 0.3, 13);  // 400 particles, L ≈ 22.4
  expect_parity(lj_spec(), s, nullptr);
  const std::vector<int> sp = ka_species(s.N);
  expect_parity(ka_spec(), s, sp.data());
}

TEST(CudaBulk, TabulatedLawsMatchCpu) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 4, 0.8, 0.3, 23);  // 256 particles, one table
  expect_parity(tabulated(lj_spec()), s, nullptr);
  InitialState k = jittered(3, 4, 1.2, 0.2, 29);  // Kob–Andersen as three tables, in a slab
  k.box.periodic[2] = false;
  const std::vector<int> sp = ka_species(k.N);
  expect_parity(tabulated(ka_spec(Smoothing::ShiftedForce)), k, sp.data());
}

TEST(CudaBulk, LearnedLawsMatchCpu) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 4, 0.8, 0.3, 41);  // 256 particles, one [1,16,16,1] MLP, switched at 2.5
  expect_parity(learned(lj_spec()), s, nullptr);
  InitialState k = jittered(3, 4, 1.2, 0.2, 43);  // two species, three MLPs of widths 16, 24 and 8, in a slab
  k.box.periodic[2] = false;
  const std::vector<int> sp = ka_species(k.N);
  expect_parity(learned(ka_spec(Smoothing::ShiftedForce)), k, sp.data());
}

TEST(CudaBulk, MixedKindsMatchCpu) {
  NOETHER_NEED_GPU();
  // Lennard-Jones (A–A), a pair MLP with the log input (A–B), a table of Lennard-Jones (B–B): MixedPairLaw per pair
  BulkSpec spec = ka_spec();
  const BulkSpec tables = tabulated(ka_spec());
  spec.pair_laws[1] = spec.pair_laws[2] = mlp_law({1, 24, 1}, 2, {}, true);
  spec.pair_laws[3] = tables.pair_laws[3];
  InitialState k = jittered(3, 4, 1.2, 0.2, 59);
  const std::vector<int> sp = ka_species(k.N);
  expect_parity(spec, k, sp.data());
  spec.pair_cutoffs.assign(4, CutoffSpec{});  // and without cutoffs, on all pairs in open space
  k.box = Box{};
  const CpuResult c = cpu_forces(spec, k, sp.data(), true);
  const GpuResult g = gpu_forces(spec, k, sp.data(), 32, 128, true);
  EXPECT_TRUE(close(c.acc, g.acc, 1e-13));
  EXPECT_NEAR(g.U, c.U, 1e-13 * std::abs(c.U));
}

TEST(CudaBulk, AllPairsMatchTheCpuAllPairsSums) {
  NOETHER_NEED_GPU();
  // Periodic cube with cutoffs: every j ≠ i in index order on both sides; a list-free result.
  const InitialState s = jittered(3, 4, 0.8, 0.3, 47);
  const CpuResult c = cpu_forces(lj_spec(), s, nullptr, true);
  const GpuResult g = gpu_forces(lj_spec(), s, nullptr, 32, 128, true);
  EXPECT_TRUE(g.list.count.empty());
  EXPECT_EQ(g.list.builds, 0);
  EXPECT_TRUE(close(c.acc, g.acc, 1e-13));
  EXPECT_NEAR(g.U, c.U, 1e-13 * std::abs(c.U));
  EXPECT_NEAR(g.W, c.W, 1e-13 * std::abs(c.W));
  EXPECT_TRUE(close(cpu_forces(lj_spec(), s, nullptr).acc, g.acc, 1e-13));  // = the neighbor-list forces
  // Open space (no box), two species of learned laws without cutoffs: a cluster, all pairs interacting.
  InitialState o = jittered(3, 3, 0.8, 0.3, 53);  // 108 particles
  o.box = Box{};
  BulkSpec spec = learned(ka_spec());
  spec.pair_cutoffs.assign(4, CutoffSpec{});
  const std::vector<int> sp = ka_species(o.N);
  const CpuResult co = cpu_forces(spec, o, sp.data(), true);
  const GpuResult go = gpu_forces(spec, o, sp.data(), 32, 64, true);
  EXPECT_TRUE(close(co.acc, go.acc, 1e-13));
  EXPECT_NEAR(go.U, co.U, 1e-13 * std::abs(co.U));
  EXPECT_NEAR(go.W, co.W, 1e-13 * std::abs(co.W));
  EXPECT_GT(std::abs(co.U), 1.0);
  // Without all pairs, a pair without a cutoff is refused (the lists need one)
  std::vector<double> acc(o.pos.size());
  try {
    cuda_bulk_forces<double>(spec.pair_laws.data(), spec.pair_cutoffs.data(), 2, o.box, o.pos.data(), o.mass.data(),
                             sp.data(), o.N, 3, CudaNeighborOptions{}, acc.data(), nullptr, nullptr, nullptr);
    FAIL() << "lists without cutoffs accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs a cutoff"), std::string::npos) << e.what();
  }
}

TEST(CudaBulk, Float32MatchesTheCpuFloat32Path) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 5, 1.2, 0.2, 37);
  const std::vector<int> sp = ka_species(s.N);
  const BulkSpec spec = ka_spec();
  const std::vector<float> pos(s.pos.begin(), s.pos.end()), mass(s.mass.begin(), s.mass.end());
  std::vector<float> ac(pos.size()), ag(pos.size());
  double Uc, Wc, Ug, Wg;
  NeighborList<float> nl(spec.max_cutoff(), spec.skin, s.box, 3, true);
  nl.build(pos.data(), s.N);
  with_species_laws<float>(spec, [&](const auto& laws) {
    const PeriodicAxes<float> ax(s.box);
    bulk_accelerations(laws, ax, pos.data(), mass.data(), sp.data(), &nl, ac.data(), s.N, 3);
    bulk_energy_virial(laws, ax, pos.data(), mass.data(), sp.data(), &nl, s.N, 3, Uc, Wc);
  });
  CudaNeighborListCopy list;
  cuda_bulk_forces<float>(spec.pair_laws.data(), spec.pair_cutoffs.data(), 2, s.box, pos.data(), mass.data(), sp.data(),
                          s.N, 3, CudaNeighborOptions{}, ag.data(), &Ug, &Wg, &list);
  for (int i = 0; i < s.N; ++i)
    ASSERT_EQ(list.count[i], nl.count(i)) << "particle " << i;
  EXPECT_TRUE(close(std::vector<double>(ac.begin(), ac.end()), std::vector<double>(ag.begin(), ag.end()), 1e-5));
  EXPECT_NEAR(Ug, Uc, 1e-6 * std::abs(Uc));
  EXPECT_NEAR(Wg, Wc, 1e-5 * std::abs(Wc));
}

TEST(CudaBulk, ListOverflowGrowsToTheSameResult) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 4, 0.8, 0.3, 17);
  const GpuResult small = gpu_forces(lj_spec(), s, nullptr, /*capacity=*/4);
  const GpuResult big = gpu_forces(lj_spec(), s, nullptr, /*capacity=*/512);
  EXPECT_GE(small.list.grows, 1);
  EXPECT_EQ(big.list.grows, 0);
  EXPECT_EQ(small.list.count, big.list.count);
  EXPECT_EQ(small.lists(), big.lists());
  const int most = *std::max_element(small.list.count.begin(), small.list.count.end());
  EXPECT_GE(small.list.capacity, most);
  EXPECT_GT(most, 4);
  EXPECT_EQ(small.acc, big.acc);  // bitwise: the same pairs in the same order
  EXPECT_EQ(small.U, big.U);
  EXPECT_EQ(small.W, big.W);
}

TEST(CudaBulk, BitwiseIdenticalAcrossRunsAndBlockSizes) {
  NOETHER_NEED_GPU();
  InitialState s = jittered(3, 4, 1.2, 0.2, 19);
  const std::vector<int> sp = ka_species(s.N);
  const GpuResult a = gpu_forces(ka_spec(), s, sp.data(), 32, 128);
  const GpuResult b = gpu_forces(ka_spec(), s, sp.data(), 32, 128);
  const GpuResult c = gpu_forces(ka_spec(), s, sp.data(), 32, 32);
  const GpuResult d = gpu_forces(ka_spec(), s, sp.data(), 32, 1024);
  for (const GpuResult* r : {&b, &c, &d}) {
    EXPECT_EQ(a.acc, r->acc);
    EXPECT_EQ(a.U, r->U);
    EXPECT_EQ(a.W, r->W);
    EXPECT_EQ(a.lists(), r->lists());
  }
}

TEST(CudaBulk, BadOptionsAreErrors) {
  NOETHER_NEED_GPU();
  const InitialState s = jittered(3, 4, 0.8, 0.3, 1);
  BulkSpec spec = lj_spec();
  std::vector<double> acc(s.pos.size());
  CudaNeighborOptions opt;
  opt.block = 100;
  try {
    cuda_bulk_forces<double>(spec.pair_laws.data(), spec.pair_cutoffs.data(), 1, s.box, s.pos.data(), s.mass.data(),
                             nullptr, s.N, 3, opt, acc.data(), nullptr, nullptr, nullptr);
    FAIL() << "block 100 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("block must be a multiple of 32"), std::string::npos) << e.what();
  }
  spec.pair_cutoffs[0].cutoff = 0;
  try {
    cuda_bulk_forces<double>(spec.pair_laws.data(), spec.pair_cutoffs.data(), 1, s.box, s.pos.data(), s.mass.data(),
                             nullptr, s.N, 3, CudaNeighborOptions{}, acc.data(), nullptr, nullptr, nullptr);
    FAIL() << "a pair without cutoff accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs a cutoff"), std::string::npos) << e.what();
  }
}

namespace {

/// A 108-particle LJ liquid from the fcc lattice at T = 1, ρ = 0.8 (L ≈ 5.1 ≥ 2 r_c), cell lists, dt = 0.005.
SimulationConfig lj_liquid(long stride, int frames) {
  SimulationConfig cfg;
  cfg.source = "test";
  FccSamplerSpec f;
  f.cells[0] = f.cells[1] = f.cells[2] = 3, f.density = 0.8, f.temperature = 1.0, f.seed = 4;
  cfg.init = sample_fcc(f);
  cfg.law.kind = PotentialKind::LennardJones;
  cfg.bulk = lj_spec();
  cfg.bulk.neighbor = NeighborMethod::Cell;
  cfg.integrator.dt = 0.005, cfg.integrator.stride = stride, cfg.integrator.frames = frames;
  return cfg;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t k = 0; k < a.size(); ++k) d = std::max(d, std::abs(a[k] - b[k]));
  return d;
}

}  // namespace

TEST(CudaBulkRollout, TwoHundredNveStepsMatchTheCpuRollout) {
  NOETHER_NEED_GPU();
  const SimulationConfig cfg = lj_liquid(20, 11);  // 200 steps
  const Trajectory c = simulate(cfg, DeviceChoice::Cpu);
  const Trajectory g = simulate(cfg, DeviceChoice::Cuda);
  ASSERT_EQ(c.pos.size(), g.pos.size());
  EXPECT_EQ(c.images, g.images);
  // unwrapped positions (wrapped + images · L) and velocities
  std::vector<double> uc(c.pos), ug(g.pos);
  for (std::size_t k = 0; k < uc.size(); ++k) {
    const double L = cfg.init.box.L[k % 3];
    uc[k] += c.images[k] * L, ug[k] += g.images[k] * L;
  }
  EXPECT_LT(max_abs_diff(uc, ug), 1e-10);
  EXPECT_LT(max_abs_diff(c.vel, g.vel), 1e-10);
  EXPECT_LT(max_abs_diff(c.acc, g.acc), 1e-9);
  for (int f = 0; f < c.T; ++f) {
    EXPECT_NEAR(g.frames[f].potential[0], c.frames[f].potential[0], 1e-10 * std::abs(c.frames[f].potential[0]));
    EXPECT_NEAR(g.frames[f].kinetic[0], c.frames[f].kinetic[0], 1e-10 * c.frames[f].kinetic[0]);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(g.frames[f].momentum[k], c.frames[f].momentum[k], 1e-11);
    EXPECT_NEAR(g.virial[f], c.virial[f], 1e-10 * std::abs(c.virial[f]) + 1e-10);
  }
  EXPECT_GT(c.neighbor_builds, 2);  // the list was rebuilt during the run, not just built once
  EXPECT_EQ(g.neighbor_builds, c.neighbor_builds);
  // the liquid moved: the last frame is not the first
  const std::size_t per = std::size_t(c.N) * 3;
  EXPECT_GT(max_abs_diff(std::vector<double>(uc.begin(), uc.begin() + per), std::vector<double>(uc.end() - per, uc.end())),
            0.05);
}

TEST(CudaBulkRollout, KobAndersenSlabRolloutIsDeterministicAndMatchesCpu) {
  NOETHER_NEED_GPU();
  SimulationConfig cfg = lj_liquid(10, 6);  // 50 steps
  cfg.bulk = ka_spec(Smoothing::ShiftedForce);
  cfg.bulk.neighbor = NeighborMethod::Cell;
  cfg.init.species = ka_species(cfg.init.N);
  cfg.init.box.periodic[2] = false;
  cfg.init.box.L[2] += 2.0;  // room above the open z wall
  cfg.integrator.dt = 0.002;
  const Trajectory c = simulate(cfg, DeviceChoice::Cpu);
  const Trajectory g1 = simulate(cfg, DeviceChoice::Cuda);
  const Trajectory g2 = simulate(cfg, DeviceChoice::Cuda);
  EXPECT_EQ(g1.pos, g2.pos);
  EXPECT_EQ(g1.vel, g2.vel);
  EXPECT_EQ(g1.virial, g2.virial);
  EXPECT_EQ(g1.images, c.images);
  EXPECT_LT(max_abs_diff(c.pos, g1.pos), 1e-11);
  EXPECT_LT(max_abs_diff(c.vel, g1.vel), 1e-10);
  EXPECT_EQ(g1.neighbor_builds, c.neighbor_builds);
  for (int f = 0; f < c.T; ++f)
    EXPECT_NEAR(g1.frames[f].potential[0], c.frames[f].potential[0], 1e-11 * std::abs(c.frames[f].potential[0]));
}

namespace {

/// A learned-law liquid of 108 particles (one [1,16,16,1] MLP, r_c = 2.5 switched from 2.0) with the Bussi thermostat
/// at T = 1.5, τ = 0.05, 60 steps of dt = 0.002; neighbor method `nm`.
SimulationConfig learned_thermostat_run(NeighborMethod nm) {
  SimulationConfig cfg = lj_liquid(20, 4);
  cfg.bulk = learned(lj_spec());
  cfg.bulk.neighbor = nm;
  cfg.bulk.thermostat.enabled = true;
  cfg.bulk.thermostat.temperature = 1.5, cfg.bulk.thermostat.tau = 0.05, cfg.bulk.thermostat.seed = 9;
  cfg.integrator.dt = 0.002;
  return cfg;
}

/// The device rollout of cfg follows the CPU's: images equal, unwrapped positions, velocities and energies close.
void expect_rollout_parity(const SimulationConfig& cfg, double tol) {
  const Trajectory c = simulate(cfg, DeviceChoice::Cpu);
  const Trajectory g = simulate(cfg, DeviceChoice::Cuda);
  ASSERT_EQ(c.pos.size(), g.pos.size());
  EXPECT_EQ(c.images, g.images);
  EXPECT_LT(max_abs_diff(c.pos, g.pos), tol);
  EXPECT_LT(max_abs_diff(c.vel, g.vel), tol);
  for (int f = 0; f < c.T; ++f) {
    EXPECT_NEAR(g.frames[f].potential[0], c.frames[f].potential[0], tol * (1 + std::abs(c.frames[f].potential[0])));
    EXPECT_NEAR(g.frames[f].kinetic[0], c.frames[f].kinetic[0], tol * (1 + c.frames[f].kinetic[0]));
    EXPECT_NEAR(g.virial[f], c.virial[f], tol * (1 + std::abs(c.virial[f])));
  }
  EXPECT_EQ(g.neighbor_builds, c.neighbor_builds);
}

}  // namespace

TEST(CudaBulkRollout, LearnedLawWithTheThermostatMatchesTheCpu) {
  NOETHER_NEED_GPU();
  const SimulationConfig cfg = learned_thermostat_run(NeighborMethod::Cell);
  expect_rollout_parity(cfg, 1e-9);
  // the thermostat acted: the kinetic energy moved towards 3/2 N T from the fcc start at T = 1
  const Trajectory g = simulate(cfg, DeviceChoice::Cuda);
  SimulationConfig nve = cfg;
  nve.bulk.thermostat.enabled = false;
  const Trajectory e = simulate(nve, DeviceChoice::Cuda);
  EXPECT_GT(std::abs(g.frames.back().kinetic[0] - e.frames.back().kinetic[0]), 1e-3 * e.frames.back().kinetic[0]);
}

TEST(CudaBulkRollout, AllPairsRolloutMatchesTheCpu) {
  NOETHER_NEED_GPU();
  const SimulationConfig cfg = learned_thermostat_run(NeighborMethod::AllPairs);
  expect_rollout_parity(cfg, 1e-9);
  EXPECT_EQ(simulate(cfg, DeviceChoice::Cuda).neighbor_builds, 0);
}

TEST(CudaBulkRollout, DeviceChoiceForBulkRuns) {
  NOETHER_NEED_GPU();
  SimulationConfig cfg = lj_liquid(1, 2);
  cfg.device = DeviceChoice::Auto;
  EXPECT_EQ(resolve_device(cfg), DeviceChoice::Cuda);  // auto takes the GPU path when a device is usable
  cfg.device = DeviceChoice::Cpu;
  EXPECT_EQ(resolve_device(cfg), DeviceChoice::Cpu);
  // the thermostat, learned laws and all pairs run on the GPU path too
  cfg.bulk = learned(lj_spec());
  cfg.bulk.neighbor = NeighborMethod::AllPairs;
  cfg.bulk.thermostat.enabled = true;
  cfg.device = DeviceChoice::Auto;
  EXPECT_EQ(resolve_device(cfg), DeviceChoice::Cuda);
  cfg.device = DeviceChoice::Cuda;
  EXPECT_EQ(resolve_device(cfg), DeviceChoice::Cuda);
}
