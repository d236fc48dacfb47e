// physics/test_verlet.cpp — velocity Verlet physics: harmonic oscillator closed form, dt² energy-error scaling,
// conservation of linear and angular momentum to round-off.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "noether/physics/pair_laws.hpp"
#include "noether/physics/verlet.hpp"

using namespace noether;

namespace {
/// Two unit masses on a linear spring (k, r0 = 0) along x: relative coordinate oscillates with ω = sqrt(2k).
double oscillator_error(double dt, double t_end) {
  const double k = 1.0;
  LinearSpring<double> law{k, 0.0};
  std::vector<double> pos = {0.5, 0, -0.5, 0}, vel = {0, 0, 0, 0}, mass = {1, 1}, acc(4);
  accelerations_cpu(law, pos.data(), mass.data(), acc.data(), 1, 2, 2);
  const long steps = std::lround(t_end / dt);
  verlet_steps_cpu(law, pos.data(), vel.data(), acc.data(), mass.data(), 1, 2, 2, dt, steps);
  const double w = std::sqrt(2 * k), x = pos[0] - pos[2];
  return std::abs(x - 1.0 * std::cos(w * steps * dt));
}

double max_energy_error(double dt) {
  LinearSpring<double> law{1.0, 1.0};
  std::vector<double> pos = {0.4867, 0.7550, 0, -0.6817, 0.2937, 0, -0.0226, -0.6126, 0};
  std::vector<double> vel = {-0.1827, 0.3630, 0, -0.5791, -0.7482, 0, 0.7618, 0.3851, 0}, mass = {1, 1, 1}, acc(9);
  accelerations_cpu(law, pos.data(), mass.data(), acc.data(), 1, 3, 3);
  auto H = [&] {
    double U;
    potential_energy_cpu(law, pos.data(), mass.data(), &U, 1, 3, 3);
    double K = 0;
    for (int k = 0; k < 9; ++k) K += 0.5 * vel[k] * vel[k];
    return K + U;
  };
  const double H0 = H();
  double worst = 0;
  const long steps = std::lround(10.0 / dt);
  for (long s = 0; s < steps; ++s) {
    verlet_steps_cpu(law, pos.data(), vel.data(), acc.data(), mass.data(), 1, 3, 3, dt, 1);
    worst = std::max(worst, std::abs(H() - H0));
  }
  return worst;
}
}  // namespace

TEST(Verlet, HarmonicOscillatorMatchesClosedFormAtSecondOrder) {
  const double e1 = oscillator_error(0.01, 5.0), e2 = oscillator_error(0.005, 5.0);
  EXPECT_LT(e1, 1e-4);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.1);
}

TEST(Verlet, EnergyErrorScalesAsDtSquared) {
  const double e1 = max_energy_error(0.02), e2 = max_energy_error(0.01);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.15) << e1 << " " << e2;
}

TEST(Verlet, MomentaConservedToRoundOff) {
  Gravity<double> law{1.0, 0.0};
  std::vector<double> pos = {1, 0, 0, 9, 0, 0, 11, 0, 0, -1, 0, 0};
  std::vector<double> vel = {0, 0.05, 0.01, 0, -0.05, 0, 0, 0.65, 0, 0, -0.65, -0.01}, mass = {1, 2, 1, 1.5}, acc(12);
  auto momenta = [&](double* P, double* Lz) {
    P[0] = P[1] = P[2] = 0;
    *Lz = 0;
    for (int i = 0; i < 4; ++i) {
      for (int c = 0; c < 3; ++c) P[c] += mass[i] * vel[3 * i + c];
      *Lz += mass[i] * (pos[3 * i] * vel[3 * i + 1] - pos[3 * i + 1] * vel[3 * i]);
    }
  };
  double P0[3], L0, P1[3], L1;
  momenta(P0, &L0);
  accelerations_cpu(law, pos.data(), mass.data(), acc.data(), 1, 4, 3);
  verlet_steps_cpu(law, pos.data(), vel.data(), acc.data(), mass.data(), 1, 4, 3, 0.01, 2000);
  momenta(P1, &L1);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(P1[c], P0[c], 1e-13);
  EXPECT_NEAR(L1, L0, 1e-12);
}
