// physics/test_bulk_species_laws.cpp — several species with a learned or tabulated law per species pair
// (physics/bulk.hpp with_species_laws, physics/pair_laws.hpp with_buffer_pair_laws): the accelerations, energy and
// virial of a 2-species periodic system equal a hand-built loop over the pairs with each pair's own PairMlp (PairTable)
// and cutoff; a mix of kinds (learned, tabulated, Lennard-Jones: MixedPairLaw) equals the pairs' own evaluators; a simulation counts its support visits per species pair
// with each pair's own support.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include "noether/core/error.hpp"
#include "noether/physics/bulk.hpp"
#include "noether/physics/config.hpp"
#include "noether/physics/simulate.hpp"
#include "support/pair_law_specs.hpp"

using namespace noether;

namespace {

constexpr int kN = 40, kD = 3;
constexpr double kL = 6.0;

using test::mlp_law;

/// A tabulated law: V(r) = a (r − 1.3)² e^{−r} on [0.5, 3.0] at 65 knots (exact jets at the knots).
PairLawSpec table_law(double a) {
  PairTableData t;
  t.r_min = 0.5, t.r_max = 3.0;
  for (int k = 0; k <= 64; ++k) {
    const double r = 0.5 + 2.5 * k / 64.0, x = r - 1.3, e = std::exp(-r);
    t.V.push_back(a * x * x * e);
    t.dV.push_back(a * (2 * x - x * x) * e);
    t.d2V.push_back(a * (2 - 4 * x + x * x) * e);
  }
  finalize_pair_table(t, "test table");
  PairLawSpec s;
  s.kind = PotentialKind::Tabulated;
  s.table = std::make_shared<const PairTableData>(t);
  return s;
}

CutoffSpec cutoff(double rc, Smoothing sm, double ron = 0) {
  CutoffSpec c;
  c.cutoff = rc, c.smoothing = sm, c.r_on = ron;
  return c;
}

/// Two species: pair (0, 0), (0, 1) = (1, 0), (1, 1) laws and cutoffs.
BulkSpec two_species(const PairLawSpec& l00, const PairLawSpec& l01, const PairLawSpec& l11) {
  BulkSpec b;
  b.enabled = true;
  b.species_count = 2;
  b.pair_laws = {l00, l01, l01, l11};
  const CutoffSpec c00 = cutoff(2.5, Smoothing::Switch, 2.0), c01 = cutoff(2.2, Smoothing::ShiftedForce),
                   c11 = cutoff(2.8, Smoothing::Switch, 2.3);
  b.pair_cutoffs = {c00, c01, c01, c11};
  return b;
}

struct System {
  std::vector<double> pos, mass;
  std::vector<int> species;
  Box box;
};

/// kN particles at pseudo-random wrapped positions in a periodic cube of edge kL, species 0 0 1 0 1 1 ...
System system() {
  System s;
  std::uint64_t x = 12345;
  const auto next = [&] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return double(x >> 11) * (1.0 / 9007199254740992.0);
  };
  for (int i = 0; i < kN * kD; ++i) s.pos.push_back(kL * next());
  for (int i = 0; i < kN; ++i) s.mass.push_back(1.0 + 0.5 * (i % 3)), s.species.push_back((i * 7 / 3) % 2);
  s.box.present = true;
  for (int c = 0; c < kD; ++c) s.box.L[c] = kL, s.box.periodic[c] = true;
  return s;
}

/// Reference: a plain loop over ordered pairs with law(a, b) = the pair's own evaluator with its own cutoff.
template <typename MakeLaw>
void reference(const System& s, MakeLaw&& law_of, std::vector<double>& acc, double& U, double& W) {
  acc.assign(kN * kD, 0.0);
  U = 0, W = 0;
  for (int i = 0; i < kN; ++i)
    for (int j = 0; j < kN; ++j) {
      if (i == j) continue;
      double d[3], r2 = 0;
      for (int c = 0; c < kD; ++c) {
        d[c] = s.pos[i * kD + c] - s.pos[j * kD + c];
        d[c] -= kL * std::round(d[c] / kL);
        r2 += d[c] * d[c];
      }
      double V, f;
      law_of(s.species[i], s.species[j]).eval(r2, s.mass[i], s.mass[j], V, f);
      for (int c = 0; c < kD; ++c) acc[i * kD + c] += f * d[c] / s.mass[i];
      if (j > i) U += V, W += f * r2;
    }
}

/// The engine's accelerations, energy and virial of `spec` on s (all pairs, or a cell list).
void engine(const BulkSpec& spec, const System& s, bool cells, std::vector<double>& acc, double& U, double& W) {
  acc.assign(kN * kD, 0.0);
  const PeriodicAxes<double> ax(s.box);
  std::unique_ptr<NeighborList<double>> nl;
  if (cells) {
    nl = std::make_unique<NeighborList<double>>(spec.max_cutoff(), 0.3, s.box, kD, true);
    nl->build(s.pos.data(), kN);
  }
  with_species_laws<double>(spec, [&](const auto& laws) {
    bulk_accelerations(laws, ax, s.pos.data(), s.mass.data(), s.species.data(), nl.get(), acc.data(), kN, kD);
    bulk_energy_virial(laws, ax, s.pos.data(), s.mass.data(), s.species.data(), nl.get(), kN, kD, U, W);
  });
}

void expect_close(const std::vector<double>& a, double Ua, double Wa, const std::vector<double>& b, double Ub, double Wb) {
  double scale = 0;
  for (double v : b) scale = std::max(scale, std::abs(v));
  ASSERT_GT(scale, 1e-3);  // the laws act: the comparison is not between zeros
  for (std::size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-14 * scale) << "component " << k;
  EXPECT_NEAR(Ua, Ub, 1e-13 * std::max(1.0, std::abs(Ub)));
  EXPECT_NEAR(Wa, Wb, 1e-13 * std::max(1.0, std::abs(Wb)));
}

/// The engine's all-pairs and cell-list results equal the reference loop with law_of.
template <typename MakeLaw>
void expect_engine_matches(const BulkSpec& spec, const System& s, MakeLaw&& law_of, std::vector<double>* all_out = nullptr) {
  std::vector<double> ref, all, cell;
  double Ur, Wr, Ua, Wa, Uc, Wc;
  reference(s, law_of, ref, Ur, Wr);
  engine(spec, s, false, all, Ua, Wa);
  engine(spec, s, true, cell, Uc, Wc);
  expect_close(all, Ua, Wa, ref, Ur, Wr);
  expect_close(cell, Uc, Wc, ref, Ur, Wr);
  if (all_out) *all_out = all;
}

}  // namespace

TEST(BulkSpeciesLaws, PairMlpPerSpeciesPairEqualsAHandBuiltLoop) {
  const System s = system();
  // different widths per pair (the widest, 20, puts every pair in PairMlp<T, 32>), scalings and cutoffs
  const BulkSpec spec = two_species(mlp_law({1, 8, 1}, 1), mlp_law({1, 6, 6, 1}, 2), mlp_law({1, 20, 1}, 3));
  std::vector<PairMlp<double, 64>> mlps;
  for (int k = 0; k < 4; ++k) {
    const LearnedPotential& L = *spec.pair_laws[k].learned;
    mlps.push_back(make_pair_mlp<double, 64>(L.shape, L.params.data(), L.scaling, L.tail));
  }
  const auto law_of = [&](int a, int b) {
    return CutoffLaw<double, PairMlp<double, 64>>(mlps[a * 2 + b], spec.pair_cutoffs[a * 2 + b]);
  };
  expect_engine_matches(spec, s, law_of);
}

TEST(BulkSpeciesLaws, PairTablePerSpeciesPairEqualsAHandBuiltLoop) {
  const System s = system();
  const BulkSpec spec = two_species(table_law(1.0), table_law(-0.7), table_law(2.0));
  const auto law_of = [&](int a, int b) {
    const PairTableData& t = *spec.pair_laws[a * 2 + b].table;
    return CutoffLaw<double, PairTable<double>>(make_pair_table<double>(t, t.coef.data()), spec.pair_cutoffs[a * 2 + b]);
  };
  std::vector<double> ref, all;
  double Ur, Wr, Ua, Wa;
  reference(s, law_of, ref, Ur, Wr);
  engine(spec, s, false, all, Ua, Wa);
  expect_close(all, Ua, Wa, ref, Ur, Wr);
}

TEST(BulkSpeciesLaws, MixedKindsEqualAHandBuiltLoop) {
  // A learned law for (0, 0), a table for (0, 1), Lennard-Jones for (1, 1): one MixedPairLaw per pair in the engine,
  // each pair's own native evaluator (PairMlp, PairTable, LennardJones) in the reference.
  const System s = system();
  PairLawSpec lj;
  lj.kind = PotentialKind::LennardJones, lj.epsilon = 0.5, lj.sigma = 0.6;
  const BulkSpec spec = two_species(mlp_law({1, 8, 8, 1}, 1), table_law(1.0), lj);
  const PairLawSpec& m = spec.pair_laws[0];
  const PairTableData& t = *spec.pair_laws[1].table;
  const CutoffLaw<double, PairMlp<double, 16>> mlp(
      make_pair_mlp<double, 16>(m.learned->shape, m.learned->params.data(), m.learned->scaling), spec.pair_cutoffs[0]);
  const CutoffLaw<double, PairTable<double>> table(make_pair_table<double>(t, t.coef.data()), spec.pair_cutoffs[1]);
  const CutoffLaw<double, LennardJones<double>> ljc(LennardJones<double>{0.5, 0.36}, spec.pair_cutoffs[3]);
  struct AnyLaw {
    std::function<void(double, double, double, double&, double&)> f;
    void eval(double r2, double mi, double mj, double& V, double& fo) const { f(r2, mi, mj, V, fo); }
  };
  const auto law_of = [&](int a, int b) {
    if (a == 0 && b == 0) return AnyLaw{[&](double r2, double mi, double mj, double& V, double& f) { mlp.eval(r2, mi, mj, V, f); }};
    if (a == 1 && b == 1) return AnyLaw{[&](double r2, double mi, double mj, double& V, double& f) { ljc.eval(r2, mi, mj, V, f); }};
    return AnyLaw{[&](double r2, double mi, double mj, double& V, double& f) { table.eval(r2, mi, mj, V, f); }};
  };
  std::vector<double> all;
  expect_engine_matches(spec, s, law_of, &all);
  // every kind in the mix acts: dropping any one pair's law changes the forces
  for (int k : {0, 1, 3}) {
    BulkSpec off = spec;
    off.pair_laws[k] = PairLawSpec{};
    off.pair_laws[k].kind = PotentialKind::LinearSpring, off.pair_laws[k].k = 0.0;
    if (k == 1) off.pair_laws[2] = off.pair_laws[1];
    std::vector<double> a;
    double U, W;
    engine(off, s, false, a, U, W);
    double diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::abs(a[i] - all[i]));
    EXPECT_GT(diff, 1e-6) << "pair " << k;
  }
}

TEST(BulkSpeciesLaws, SimulationCountsSupportVisitsPerSpeciesPair) {
  const System s = system();
  SimulationConfig cfg;
  cfg.source = "test";
  cfg.bulk = two_species(mlp_law({1, 8, 1}, 1, {0.9, 2.4}), mlp_law({1, 8, 1}, 2, {1.1, 2.0}),
                         mlp_law({1, 8, 1}, 3, {0.8, 2.7}));
  cfg.law = cfg.bulk.pair_laws[0];
  cfg.init.B = 1, cfg.init.N = kN, cfg.init.D = kD;
  cfg.init.pos = s.pos, cfg.init.vel.assign(kN * kD, 0.0), cfg.init.mass = s.mass;
  cfg.init.species = s.species, cfg.init.box = s.box;
  cfg.integrator.dt = 0.001, cfg.integrator.stride = 2, cfg.integrator.frames = 3;
  const Trajectory t = simulate(cfg, DeviceChoice::Cpu);
  ASSERT_EQ(t.support_visits.S, 2);
  EXPECT_EQ(t.support_visits.support[1].lo, 1.1);  // pair (0, 1)'s own support
  EXPECT_EQ(t.support_visits.support[2].hi, 2.0);
  EXPECT_EQ(t.support_visits.support[3].hi, 2.7);
  EXPECT_EQ(t.support_visits.cutoff[1], 2.2);
  EXPECT_GT(t.support_visits.total[1], 0);
  EXPECT_GT(t.support_visits.below[1] + t.support_visits.above[1], 0);  // random positions: some outside
  // the (1, 1) law is not the (0, 0) law: swapping the species changes the forces
  SimulationConfig swapped = cfg;
  for (int& x : swapped.init.species) x = 1 - x;
  EXPECT_NE(simulate(swapped, DeviceChoice::Cpu).acc, t.acc);
}
