// physics/test_neighbor_list.cpp — CPU cell + Verlet lists (physics/neighbor_list.hpp) against all pairs
// (physics/bulk.hpp): forces bitwise equal (lists sorted by j) in periodic boxes, slabs and open space, bitwise
// equal across 1 and 2 OpenMP threads, list overflow grows the capacity instead of dropping pairs, the skin rule.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "noether/physics/bulk.hpp"
#include "noether/physics/sampler.hpp"

using namespace noether;

namespace {

SpeciesLaws<double, LennardJones<double>> lj_laws(double rc, double ron) {
  CutoffSpec c;
  c.cutoff = rc, c.r_on = ron, c.smoothing = Smoothing::Switch;
  SpeciesLaws<double, LennardJones<double>> t;
  t.laws.emplace_back(LennardJones<double>{1.0, 1.0}, c);
  return t;
}

/// An fcc LJ state at density rho with each position jittered (so distances are not degenerate), wrapped.
InitialState jittered_fcc(int cells, double rho, double jitter, unsigned seed) {
  FccSamplerSpec f;
  f.cells[0] = f.cells[1] = f.cells[2] = cells, f.density = rho, f.seed = seed;
  InitialState s = sample_fcc(f);
  unsigned x = seed * 2654435761u + 1;
  for (int i = 0; i < s.N; ++i)
    for (int c = 0; c < 3; ++c) {
      x = x * 1664525u + 1013904223u;
      double& q = s.pos[i * 3 + c];
      q += jitter * (double(x >> 8) / double(1u << 24) - 0.5);
      int n = 0;
      wrap_coordinate(q, n, s.box.L[c], 1.0 / s.box.L[c]);
    }
  return s;
}

std::vector<double> forces(const InitialState& s, const NeighborList<double>* nl, double rc = 2.5) {
  const auto laws = lj_laws(rc, rc - 0.5);
  std::vector<double> acc(s.pos.size());
  bulk_accelerations(laws, PeriodicAxes<double>(s.box), s.pos.data(), s.mass.data(), nullptr, nl, acc.data(), s.N, 3);
  return acc;
}

}  // namespace

TEST(NeighborList, CellListForcesEqualAllPairsBitwise) {
  const InitialState s = jittered_fcc(5, 0.8, 0.3, 3);  // 500 particles, L ≈ 8.5: 3 cells per axis
  NeighborList<double> nl(2.5, 0.3, s.box, 3);
  nl.build(s.pos.data(), s.N);
  EXPECT_EQ(nl.cells()[0], 3);
  const auto a = forces(s, nullptr), b = forces(s, &nl);
  double norm = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k], b[k]) << k;
    norm += a[k] * a[k];
  }
  EXPECT_GT(norm, 1.0);  // a real force field, not zeros
  double U1, W1, U2, W2;
  const auto laws = lj_laws(2.5, 2.0);
  bulk_energy_virial(laws, PeriodicAxes<double>(s.box), s.pos.data(), s.mass.data(), nullptr, static_cast<const NeighborList<double>*>(nullptr), s.N, 3, U1, W1);
  bulk_energy_virial(laws, PeriodicAxes<double>(s.box), s.pos.data(), s.mass.data(), nullptr, &nl, s.N, 3, U2, W2);
  EXPECT_EQ(U1, U2);
  EXPECT_EQ(W1, W2);
  EXPECT_LT(U1, 0);
}

TEST(NeighborList, SmallBoxesAndSlabsAndOpenSpace) {
  for (int mode = 0; mode < 3; ++mode) {
    InitialState s = jittered_fcc(mode == 0 ? 3 : 4, 0.8, 0.3, 7 + mode);  // mode 0: L = 5.1 < 3 cells: 1 per axis
    if (mode == 1) s.box.periodic[2] = false;                               // slab, z open
    if (mode == 2) s.box = Box{};                                            // open space, cells from the extent
    NeighborList<double> nl(2.5, 0.3, s.box, 3);
    nl.build(s.pos.data(), s.N);
    const auto a = forces(s, nullptr), b = forces(s, &nl);
    for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a[k], b[k]) << "mode " << mode << ", " << k;
  }
}

TEST(NeighborList, BitwiseEqualAcrossThreadCounts) {
#ifdef _OPENMP
  const InitialState s = jittered_fcc(10, 0.8, 0.3, 11);  // 4,000 particles: above the threading thresholds
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  NeighborList<double> n1(2.5, 0.3, s.box, 3);
  n1.build(s.pos.data(), s.N);
  const auto a = forces(s, &n1);
  omp_set_num_threads(2);
  NeighborList<double> n2(2.5, 0.3, s.box, 3);
  n2.build(s.pos.data(), s.N);
  const auto b = forces(s, &n2);
  omp_set_num_threads(before);
  for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a[k], b[k]) << k;
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}

TEST(NeighborList, OverflowGrowsTheListInsteadOfDroppingPairs) {
  // 200 particles packed in an open cube of edge 1.5 (diagonal 2.6 < 2.8) with cutoff 2.5: every particle has 199 neighbors (capacity 32).
  InitialState s;
  s.N = 200, s.D = 3, s.B = 1;
  unsigned x = 5;
  for (int k = 0; k < 600; ++k) x = x * 1664525u + 1013904223u, s.pos.push_back(1.5 * double(x >> 8) / double(1u << 24));
  s.mass.assign(200, 1.0);
  NeighborList<double> nl(2.5, 0.3, s.box, 3);
  nl.build(s.pos.data(), s.N);
  EXPECT_GE(nl.grows(), 1);
  EXPECT_GE(nl.capacity(), 199);
  for (int i = 0; i < s.N; ++i) ASSERT_EQ(nl.count(i), 199);
  const auto a = forces(s, nullptr), b = forces(s, &nl);
  for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(a[k], b[k]) << k;
}

TEST(NeighborList, RebuildWhenADisplacementExceedsHalfTheSkin) {
  InitialState s = jittered_fcc(4, 0.8, 0.2, 2);
  NeighborList<double> nl(2.5, 0.4, s.box, 3);
  EXPECT_TRUE(nl.needs_rebuild(s.pos.data(), s.N));
  nl.build(s.pos.data(), s.N);
  EXPECT_FALSE(nl.needs_rebuild(s.pos.data(), s.N));
  s.pos[5 * 3 + 1] += 0.19;  // < skin/2
  EXPECT_FALSE(nl.needs_rebuild(s.pos.data(), s.N));
  s.pos[5 * 3 + 1] += 0.02;  // > skin/2
  EXPECT_TRUE(nl.needs_rebuild(s.pos.data(), s.N));
  // across the periodic boundary: a wrapped move of 0.1 is a move of 0.1, not of L − 0.1
  InitialState t = jittered_fcc(4, 0.8, 0.0, 2);
  NeighborList<double> n2(2.5, 0.4, t.box, 3);
  t.pos[0] = 0.05;
  n2.build(t.pos.data(), t.N);
  t.pos[0] = t.box.L[0] - 0.05;
  EXPECT_FALSE(n2.needs_rebuild(t.pos.data(), t.N));
  EXPECT_EQ(n2.builds(), 1);
}

TEST(NeighborList, TwoSpeciesForcesEqualAllPairsAndConserveMomentum) {
  // Kob–Andersen-like parameters per species pair, built through with_species_laws as a config would.
  const InitialState s = jittered_fcc(5, 1.2, 0.2, 5);
  BulkSpec b;
  b.species_count = 2;
  const double eps[4] = {1.0, 1.5, 1.5, 0.5}, sig[4] = {1.0, 0.8, 0.8, 0.88};
  for (int k = 0; k < 4; ++k) {
    PairLawSpec p;
    p.kind = PotentialKind::LennardJones, p.epsilon = eps[k], p.sigma = sig[k];
    CutoffSpec c;
    c.cutoff = 2.5 * sig[k], c.r_on = 2.2 * sig[k], c.smoothing = Smoothing::Switch;
    b.pair_laws.push_back(p), b.pair_cutoffs.push_back(c);
  }
  std::vector<int> species(s.N);
  for (int i = 0; i < s.N; ++i) species[i] = i % 5 == 4;
  std::vector<double> mass(s.N);
  for (int i = 0; i < s.N; ++i) mass[i] = species[i] ? 0.5 : 1.0;
  std::vector<double> a1(s.pos.size()), a2(s.pos.size());
  with_species_laws<double>(b, [&](const auto& laws) {
    EXPECT_EQ(laws.S, 2);
    NeighborList<double> nl(b.max_cutoff(), 0.3, s.box, 3);
    nl.build(s.pos.data(), s.N);
    const PeriodicAxes<double> ax(s.box);
    using NL = NeighborList<double>;
    bulk_accelerations(laws, ax, s.pos.data(), mass.data(), species.data(), static_cast<const NL*>(nullptr), a1.data(), s.N, 3);
    bulk_accelerations(laws, ax, s.pos.data(), mass.data(), species.data(), &nl, a2.data(), s.N, 3);
  });
  double P[3] = {0, 0, 0}, scale = 0;
  for (int i = 0; i < s.N; ++i)
    for (int c = 0; c < 3; ++c) {
      ASSERT_EQ(a1[i * 3 + c], a2[i * 3 + c]);
      P[c] += mass[i] * a1[i * 3 + c];
      scale = std::max(scale, std::abs(mass[i] * a1[i * 3 + c]));
    }
  EXPECT_GT(scale, 1.0);
  for (int c = 0; c < 3; ++c) EXPECT_LT(std::abs(P[c]), 1e-12 * scale * s.N) << c;  // Σ F = 0: Newton's third law
  // the (A, B) law is the (B, A) law, and differs from (A, A)
  with_species_laws<double>(b, [&](const auto& laws) {
    double V1, f1, V2, f2, V3, f3;
    laws.at(0, 1).eval(1.0, 1, 1, V1, f1), laws.at(1, 0).eval(1.0, 1, 1, V2, f2), laws.at(0, 0).eval(1.0, 1, 1, V3, f3);
    EXPECT_EQ(V1, V2);
    EXPECT_NE(V1, V3);
  });
}
