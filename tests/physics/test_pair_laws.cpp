// physics/test_pair_laws.cpp — forces equal minus the float64 finite-difference gradient of the energy,
// momentum conservation of the force sum, translation/rotation invariance, float32 vs float64.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "noether/physics/forces.hpp"
#include "noether/physics/pair_laws.hpp"

using namespace noether;

namespace {

struct Batch {
  int B, N, D;
  std::vector<double> pos, mass;
};

Batch random_batch(int B, int N, int D, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2.0, 2.0), um(0.5, 2.0);
  Batch s{B, N, D, std::vector<double>(B * N * D), std::vector<double>(B * N)};
  for (auto& x : s.pos) x = u(rng);
  for (auto& m : s.mass) m = um(rng);
  return s;
}

std::vector<PairLawSpec> all_laws() {
  return {{PotentialKind::LinearSpring, 0.7, 1.3, 1, 0},
          {PotentialKind::NonlinearSpring, 0.7, 1.3, 1, 0},
          {PotentialKind::Gravity, 1, 1, 1.5, 0},
          {PotentialKind::Gravity, 1, 1, 1.5, 0.1}};
}

double energy(const PairLawSpec& spec, const Batch& s, const std::vector<double>& pos) {
  std::vector<double> U(s.B);
  with_pair_law<double>(spec, [&](auto law) { potential_energy_cpu(law, pos.data(), s.mass.data(), U.data(), s.B, s.N, s.D); });
  double t = 0;
  for (double u : U) t += u;
  return t;
}

}  // namespace

TEST(PairLaws, ClosedFormValues) {
  double V, f;
  LinearSpring<double>{2.0, 1.0}.eval(9.0, 1, 1, V, f);  // r = 3
  EXPECT_DOUBLE_EQ(V, 0.5 * 2 * 4);
  EXPECT_DOUBLE_EQ(f, -2.0 * 2 / 3);
  NonlinearSpring<double>{2.0, 1.0}.eval(9.0, 1, 1, V, f);
  EXPECT_DOUBLE_EQ(V, 0.5 * 2 * 16);
  EXPECT_DOUBLE_EQ(f, -2 * 2.0 * 8 / 3);
  Gravity<double>{1.5, 0.0}.eval(4.0, 2, 3, V, f);  // r = 2
  EXPECT_DOUBLE_EQ(V, -1.5 * 6 / 2);
  EXPECT_DOUBLE_EQ(f, -1.5 * 6 / 8);
}

TEST(PairLaws, ForceIsMinusFiniteDifferenceGradient) {
  for (int D : {2, 3}) {
    for (const auto& spec : all_laws()) {
      Batch s = random_batch(2, 5, D, 42 + D);
      std::vector<double> acc(s.pos.size());
      with_pair_law<double>(spec, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), acc.data(), s.B, s.N, s.D); });
      const double h = 1e-6;
      for (std::size_t k = 0; k < s.pos.size(); ++k) {
        auto p = s.pos, m = s.pos;
        p[k] += h;
        m[k] -= h;
        const double grad = (energy(spec, s, p) - energy(spec, s, m)) / (2 * h);
        const double mass = s.mass[k / D];
        const double force = acc[k] * mass;
        EXPECT_NEAR(force, -grad, 1e-6 * (1 + std::abs(grad))) << "law " << int(spec.kind) << " D " << D << " k " << k;
      }
    }
  }
}

TEST(PairLaws, TotalForceAndTorqueVanish) {
  for (const auto& spec : all_laws()) {
    Batch s = random_batch(1, 16, 3, 7);
    std::vector<double> acc(s.pos.size());
    with_pair_law<double>(spec, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), acc.data(), 1, 16, 3); });
    double F[3] = {0, 0, 0}, tau[3] = {0, 0, 0}, scale = 0;
    for (int i = 0; i < 16; ++i) {
      const double* q = &s.pos[3 * i];
      double f[3];
      for (int c = 0; c < 3; ++c) f[c] = acc[3 * i + c] * s.mass[i], F[c] += f[c], scale += std::abs(f[c]);
      tau[0] += q[1] * f[2] - q[2] * f[1];
      tau[1] += q[2] * f[0] - q[0] * f[2];
      tau[2] += q[0] * f[1] - q[1] * f[0];
    }
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(F[c], 0, 1e-13 * scale);
      EXPECT_NEAR(tau[c], 0, 1e-12 * scale);
    }
  }
}

TEST(PairLaws, TranslationAndRotationInvariance) {
  const double th = 0.7, c = std::cos(th), sn = std::sin(th);
  for (const auto& spec : all_laws()) {
    Batch s = random_batch(1, 8, 3, 11);
    Batch t = s;
    for (int i = 0; i < 8; ++i) {  // rotate about z, then translate
      double* p = &t.pos[3 * i];
      const double x = p[0], y = p[1];
      p[0] = c * x - sn * y + 3.0;
      p[1] = sn * x + c * y - 1.0;
      p[2] += 0.5;
    }
    EXPECT_NEAR(energy(spec, s, s.pos), energy(spec, t, t.pos), 1e-12 * (1 + std::abs(energy(spec, s, s.pos))));
    std::vector<double> a(24), b(24);
    with_pair_law<double>(spec, [&](auto law) {
      accelerations_cpu(law, s.pos.data(), s.mass.data(), a.data(), 1, 8, 3);
      accelerations_cpu(law, t.pos.data(), t.mass.data(), b.data(), 1, 8, 3);
    });
    for (int i = 0; i < 8; ++i) {
      const double rx = c * a[3 * i] - sn * a[3 * i + 1], ry = sn * a[3 * i] + c * a[3 * i + 1];
      const double tol = 1e-11 * (1 + std::abs(a[3 * i]) + std::abs(a[3 * i + 1]));
      EXPECT_NEAR(rx, b[3 * i], tol);
      EXPECT_NEAR(ry, b[3 * i + 1], tol);
      EXPECT_NEAR(a[3 * i + 2], b[3 * i + 2], tol);
    }
  }
}

TEST(PairLaws, Float32MatchesFloat64) {
  for (const auto& spec : all_laws()) {
    Batch s = random_batch(1, 10, 3, 5);
    std::vector<float> pf(s.pos.begin(), s.pos.end()), mf(s.mass.begin(), s.mass.end()), af(30);
    std::vector<double> ad(30);
    with_pair_law<double>(spec, [&](auto law) { accelerations_cpu(law, s.pos.data(), s.mass.data(), ad.data(), 1, 10, 3); });
    with_pair_law<float>(spec, [&](auto law) { accelerations_cpu(law, pf.data(), mf.data(), af.data(), 1, 10, 3); });
    double scale = 0;
    for (double x : ad) scale = std::max(scale, std::abs(x));
    for (int k = 0; k < 30; ++k) EXPECT_NEAR(af[k], ad[k], 1e-4 * scale) << k;
  }
}
