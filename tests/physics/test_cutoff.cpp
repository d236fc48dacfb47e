// physics/test_cutoff.cpp — Lennard-Jones and cutoffs (physics/pair_laws.hpp, physics/cutoff.hpp): the force is
// −dV/dr against float64 central differences everywhere, the switching region and the shifted force included; the
// switching polynomial is C² with S(0) = 1, S(1) = 0; the smoothed laws vanish with their force at r_c.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_laws.hpp"

using namespace noether;

namespace {

/// max relative error of f_over_r·r against −dV/dr (central differences, h = 1e-6) over r in [lo, hi).
template <typename Law>
double worst_force_error(const Law& law, double lo, double hi) {
  double worst = 0;
  for (double r = lo; r < hi; r += 0.0137) {
    const double h = 1e-6;
    double Vp, Vm, V, f, dummy;
    law.eval((r + h) * (r + h), 1.0, 1.0, Vp, dummy);
    law.eval((r - h) * (r - h), 1.0, 1.0, Vm, dummy);
    law.eval(r * r, 1.0, 1.0, V, f);
    const double fd = -(Vp - Vm) / (2 * h);
    worst = std::max(worst, std::abs(f * r - fd) / std::max(1.0, std::abs(fd)));
  }
  return worst;
}

}  // namespace

TEST(Cutoff, LennardJonesForceIsMinusDerivative) {
  const LennardJones<double> lj{1.5, 0.9 * 0.9};
  EXPECT_LT(worst_force_error(lj, 0.85, 4.0), 1e-7);
  double V, f;
  lj.eval(std::pow(2.0, 1.0 / 3.0) * 0.81, 1, 1, V, f);  // minimum at r = 2^{1/6} σ: V = −ε, no force
  EXPECT_NEAR(V, -1.5, 1e-12);
  EXPECT_NEAR(f, 0.0, 1e-12);
}

TEST(Cutoff, SwitchingPolynomialIsC2) {
  double S, dS;
  switch_poly(0.0, S, dS);
  EXPECT_EQ(S, 1.0);
  EXPECT_EQ(dS, 0.0);
  switch_poly(1.0, S, dS);
  EXPECT_EQ(S, 0.0);
  EXPECT_EQ(dS, 0.0);
  const double h = 1e-4;  // second derivative −60x + 180x² − 120x³ vanishes at 0 and 1 (central differences)
  for (double x : {h, 1 - h}) {
    double Sp, Sm, S0, d;
    switch_poly(x + h, Sp, d), switch_poly(x - h, Sm, d), switch_poly(x, S0, d);
    EXPECT_NEAR((Sp - 2 * S0 + Sm) / (h * h), 0.0, 1e-2);
  }
  for (double x = 0; x <= 1; x += 0.01) {  // dS/dx against central differences
    double Sp, Sm, d0, d;
    switch_poly(x + 1e-6, Sp, d), switch_poly(x - 1e-6, Sm, d), switch_poly(x, S, d0);
    EXPECT_NEAR(d0, (Sp - Sm) / 2e-6, 1e-7);
  }
}

TEST(Cutoff, SwitchedLennardJonesForceIsMinusDerivativeAndVanishesAtCutoff) {
  CutoffSpec c;
  c.cutoff = 2.5, c.r_on = 2.0, c.smoothing = Smoothing::Switch;
  const CutoffLaw<double, LennardJones<double>> law(LennardJones<double>{1.0, 1.0}, c);
  EXPECT_LT(worst_force_error(law, 0.9, 2.0), 1e-7);
  EXPECT_LT(worst_force_error(law, 2.0 + 1e-5, 2.5 - 1e-5), 1e-7);  // the switching region
  EXPECT_LT(worst_force_error(law, 2.5 + 1e-5, 3.0), 1e-12);        // beyond: zero
  double V, f, V0, f0;
  law.eval(2.5 * 2.5, 1, 1, V, f);
  EXPECT_EQ(V, 0.0);
  EXPECT_EQ(f, 0.0);
  law.eval(std::pow(2.5 - 1e-7, 2), 1, 1, V, f);  // continuous into r_c
  EXPECT_NEAR(V, 0.0, 1e-12);
  EXPECT_NEAR(f, 0.0, 1e-10);
  law.eval(1.5 * 1.5, 1, 1, V, f);  // untouched below r_on
  LennardJones<double>{1.0, 1.0}.eval(1.5 * 1.5, 1, 1, V0, f0);
  EXPECT_EQ(V, V0);
  EXPECT_EQ(f, f0);
}

TEST(Cutoff, ShiftedForceVanishesAtCutoff) {
  CutoffSpec c;
  c.cutoff = 2.5, c.smoothing = Smoothing::ShiftedForce;
  const CutoffLaw<double, LennardJones<double>> law(LennardJones<double>{1.0, 1.0}, c);
  EXPECT_LT(worst_force_error(law, 0.9, 2.5 - 1e-5), 1e-7);
  double V, f;
  law.eval(std::pow(2.5 - 1e-9, 2), 1, 1, V, f);
  EXPECT_NEAR(V, 0.0, 1e-12);
  EXPECT_NEAR(f, 0.0, 1e-9);
  CutoffSpec none;
  none.cutoff = 2.5, none.smoothing = Smoothing::None;  // plain truncation: a jump at r_c
  const CutoffLaw<double, LennardJones<double>> cut(LennardJones<double>{1.0, 1.0}, none);
  cut.eval(std::pow(2.5 - 1e-9, 2), 1, 1, V, f);
  EXPECT_LT(V, -0.01);
}

TEST(Cutoff, NoCutoffIsTheLawUnchanged) {
  const CutoffLaw<double, LinearSpring<double>> law(LinearSpring<double>{2.0, 1.0}, CutoffSpec{});
  double V, f, V0, f0;
  for (double r : {0.5, 3.0, 1e3}) {
    law.eval(r * r, 1, 1, V, f);
    LinearSpring<double>{2.0, 1.0}.eval(r * r, 1, 1, V0, f0);
    EXPECT_EQ(V, V0);
    EXPECT_EQ(f, f0);
  }
}
