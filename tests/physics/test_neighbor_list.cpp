// physics/test_neighbor_list.cpp — CPU cell + Verlet lists (physics/neighbor_list.hpp) against all pairs
// (physics/bulk.hpp): the same partner sets, forces equal to rounding (1e-13 of the largest component; the sums run
// in a different order) in periodic boxes, slabs and open space, bitwise equal across 1 and 2 OpenMP threads, list
// overflow grows the capacity instead of dropping pairs, the skin rule; and the vectorised rows of one analytic law
// (physics/bulk_simd.hpp) against the scalar loop, every smoothing and law, D = 2 and 3.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
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

/// max_k |a_k − b_k| ≤ rel · max_k |a_k| (and a real force field: max |a| > 0).
::testing::AssertionResult close(const std::vector<double>& a, const std::vector<double>& b, double rel) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < a.size(); ++k) diff = std::max(diff, std::abs(a[k] - b[k])), scale = std::max(scale, std::abs(a[k]));
  if (scale > 0 && diff <= rel * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |a - b| = " << diff << ", max |a| = " << scale << ", rel bound " << rel;
}

}  // namespace

TEST(NeighborList, CellListForcesEqualAllPairs) {
  const InitialState s = jittered_fcc(5, 0.8, 0.3, 3);  // 500 particles, L ≈ 8.5: 3 cells per axis
  NeighborList<double> nl(2.5, 0.3, s.box, 3);
  nl.build(s.pos.data(), s.N);
  EXPECT_EQ(nl.cells()[0], 3);
  const auto a = forces(s, nullptr), b = forces(s, &nl);
  EXPECT_TRUE(close(a, b, 1e-13));
  double norm = 0;
  for (double x : a) norm += x * x;
  EXPECT_GT(norm, 1.0);  // a real force field, not zeros
  double U1, W1, U2, W2;
  const auto laws = lj_laws(2.5, 2.0);
  bulk_energy_virial(laws, PeriodicAxes<double>(s.box), s.pos.data(), s.mass.data(), nullptr, static_cast<const NeighborList<double>*>(nullptr), s.N, 3, U1, W1);
  bulk_energy_virial(laws, PeriodicAxes<double>(s.box), s.pos.data(), s.mass.data(), nullptr, &nl, s.N, 3, U2, W2);
  EXPECT_NEAR(U1, U2, 1e-13 * std::abs(U1));
  EXPECT_NEAR(W1, W2, 1e-13 * std::abs(W1));
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
    EXPECT_TRUE(close(a, b, 1e-13)) << "mode " << mode;
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
  for (int i = 0; i < s.N; ++i) {  // every partner once, i itself never
    std::vector<int> l(nl.neighbors(i), nl.neighbors(i) + nl.count(i));
    std::sort(l.begin(), l.end());
    for (int k = 0; k < 199; ++k) ASSERT_EQ(l[k], k < i ? k : k + 1) << i;
  }
  const auto a = forces(s, nullptr), b = forces(s, &nl);
  EXPECT_TRUE(close(a, b, 1e-13));
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
      P[c] += mass[i] * a1[i * 3 + c];
      scale = std::max(scale, std::abs(mass[i] * a1[i * 3 + c]));
    }
  EXPECT_GT(scale, 1.0);
  EXPECT_TRUE(close(a1, a2, 1e-13));
  for (int c = 0; c < 3; ++c) EXPECT_LT(std::abs(P[c]), 1e-12 * scale * s.N) << c;  // Σ F = 0: Newton's third law
  // the (A, B) law is the (B, A) law, and differs from (A, A)
  with_species_laws<double>(b, [&](const auto& laws) {
    double V1, f1, V2, f2, V3, f3;
    laws.at(0, 1).eval(1.0, 1, 1, V1, f1), laws.at(1, 0).eval(1.0, 1, 1, V2, f2), laws.at(0, 0).eval(1.0, 1, 1, V3, f3);
    EXPECT_EQ(V1, V2);
    EXPECT_NE(V1, V3);
  });
}

// The vectorised rows (one analytic law, physics/bulk_simd.hpp) against the scalar loop, which the same law takes
// when it is given as a 2-species table with every particle of species 0 (SpeciesLaws with S = 2): every analytic
// law, every smoothing and no cutoff, D = 2 and 3, all pairs and cell lists. 1e-13 of the largest component: the
// same pair terms, summed in lanes instead of one after another.
TEST(NeighborList, VectorisedRowsEqualTheScalarLoop) {
  const PotentialKind kinds[4] = {PotentialKind::LennardJones, PotentialKind::LinearSpring, PotentialKind::NonlinearSpring,
                                  PotentialKind::Gravity};
  const Smoothing modes[3] = {Smoothing::Switch, Smoothing::ShiftedForce, Smoothing::None};
  int checked = 0;
  for (int D = 2; D <= 3; ++D)
    for (PotentialKind kind : kinds)
      for (int m = 0; m < 4; ++m) {  // m = 3: no cutoff (open space)
        InitialState s3 = jittered_fcc(4, 0.8, 0.3, 17 + m);  // 256 particles, L ≈ 6.8
        InitialState s = s3;
        if (D == 2) {  // the xy coordinates, a periodic square
          s.D = 2, s.pos.clear();
          for (int i = 0; i < s3.N; ++i) s.pos.push_back(s3.pos[i * 3]), s.pos.push_back(s3.pos[i * 3 + 1]);
          s.box.periodic[2] = false;
        }
        if (m == 3) s.box = Box{};
        PairLawSpec p;
        p.kind = kind, p.k = 2.0, p.r0 = 1.1, p.G = 0.7, p.softening = 0.05;
        CutoffSpec c;
        if (m < 3) c.cutoff = 2.5, c.r_on = 2.0, c.smoothing = modes[m];
        std::vector<double> mass(s.N);
        for (int i = 0; i < s.N; ++i) mass[i] = 1.0 + 0.25 * (i % 3);
        BulkSpec one, two;
        one.pair_laws = {p}, one.pair_cutoffs = {c};
        two.species_count = 2, two.pair_laws.assign(4, p), two.pair_cutoffs.assign(4, c);
        const PeriodicAxes<double> ax(s.box);
        std::unique_ptr<NeighborList<double>> nl;
        if (m < 3) {
          nl = std::make_unique<NeighborList<double>>(2.5, 0.3, s.box, D);
          nl->build(s.pos.data(), s.N);
        }
        const std::vector<int> species(s.N, 0);
        const NeighborList<double>* lists[2] = {nullptr, nl.get()};
        for (int w = 0; w < (m < 3 ? 2 : 1); ++w) {
          const NeighborList<double>* list = lists[w];
          std::vector<double> a(s.pos.size()), b(s.pos.size());
          with_species_laws<double>(one, [&](const auto& laws) {
            bulk_accelerations(laws, ax, s.pos.data(), mass.data(), nullptr, list, a.data(), s.N, D);
          });
          with_species_laws<double>(two, [&](const auto& laws) {
            ASSERT_EQ(laws.S, 2);
            bulk_accelerations(laws, ax, s.pos.data(), mass.data(), species.data(), list, b.data(), s.N, D);
          });
          EXPECT_TRUE(close(b, a, 1e-13)) << "D " << D << ", kind " << int(kind) << ", smoothing " << m << ", list " << (list != nullptr);
          ++checked;
        }
      }
  EXPECT_EQ(checked, 2 * 4 * (3 * 2 + 1));
}
