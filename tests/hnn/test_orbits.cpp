// hnn/test_orbits.cpp — the two-body and three-body tasks (hnn/orbits.hpp): the field is Hamilton's
// equations of the energy (float64 central differences), Newton's third law, the ground truth conserves
// energy and momentum, circular reference configurations stay circular (analytic solution), the reference
// test split (the FIRST orbits drawn) and the option errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/hnn/orbits.hpp"

using namespace noether;

namespace {

/// A random state of `bodies` bodies: positions in a ring (no close pairs), velocities O(1).
std::vector<double> random_state(int bodies, SplitMix64& rng) {
  std::vector<double> x(4 * bodies);
  for (int b = 0; b < bodies; ++b) {
    const double a = 2 * M_PI * b / bodies + 0.3 * rng.uniform(), r = 0.8 + 0.4 * rng.uniform();
    x[b] = r * std::cos(a);
    x[bodies + b] = r * std::sin(a);
    x[2 * bodies + b] = 2 * rng.uniform() - 1;
    x[3 * bodies + b] = 2 * rng.uniform() - 1;
  }
  return x;
}

}  // namespace

TEST(HnnOrbits, FieldIsHamiltonsEquationsOfTheEnergy) {
  SplitMix64 rng{7};
  for (int bodies : {2, 3, 4}) {
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<double> x = random_state(bodies, rng);
      const int d = 4 * bodies, half = d / 2;
      std::vector<double> f(d);
      nbody_field(bodies, x.data(), f.data());
      const double h = 1e-6;
      for (int c = 0; c < d; ++c) {
        const double x0 = x[c];
        x[c] = x0 + h;
        const double Ep = nbody_energy(bodies, x.data());
        x[c] = x0 - h;
        const double Em = nbody_energy(bodies, x.data());
        x[c] = x0;
        const double dH = (Ep - Em) / (2 * h);
        // f_q = ∂H/∂p (component c + half), f_p = −∂H/∂q (component c − half).
        const double expect = c < half ? -dH : dH;
        const int fc = c < half ? c + half : c - half;
        EXPECT_NEAR(f[fc], expect, 1e-7 * std::max(1.0, std::abs(expect))) << bodies << " bodies, coordinate " << c;
      }
      // Newton's third law: the forces sum to zero, so dP/dt = 0.
      double fx = 0, fy = 0;
      for (int b = 0; b < bodies; ++b) fx += f[2 * bodies + b], fy += f[3 * bodies + b];
      EXPECT_NEAR(fx, 0.0, 1e-13);
      EXPECT_NEAR(fy, 0.0, 1e-13);
    }
  }
}

TEST(HnnOrbits, EnergyOfTwoBodiesAtRest) {
  // H = −1/r for two bodies at rest a distance r apart; field = attraction 1/r² towards the other.
  const double x[8] = {0.0, 1.5, 0.0, 0.0, 0, 0, 0, 0};  // q1 = (0, 0), q2 = (1.5, 0)
  EXPECT_DOUBLE_EQ(nbody_energy(2, x), -1.0 / 1.5);
  double f[8];
  nbody_field(2, x, f);
  EXPECT_DOUBLE_EQ(f[4], 1.0 / (1.5 * 1.5));   // px1' > 0: towards body 2
  EXPECT_DOUBLE_EQ(f[5], -1.0 / (1.5 * 1.5));
  const double coincident[8] = {1, 1, 2, 2, 0, 0, 0, 0};
  EXPECT_THROW(nbody_field(2, coincident, f), Error);
}

TEST(HnnOrbits, GroundTruthConservesEnergyAndMomentum) {
  for (int bodies : {2, 3}) {
    HnnOrbitOptions o;
    o.bodies = bodies;
    o.trajectories = 10;
    o.seed = 3;
    const HnnDataset d = make_hnn_orbit_data(o);
    const int dim = 4 * bodies, T = d.points;
    ASSERT_EQ(d.dim, dim);
    ASSERT_EQ(d.trajectories, 10);
    EXPECT_EQ(T, bodies == 2 ? 50 : 20);
    EXPECT_EQ(d.times.back(), bodies == 2 ? 20.0 : 5.0);
    ASSERT_EQ(d.clean.size(), std::size_t(10) * T * dim);
    EXPECT_EQ(d.x, d.clean);  // no input noise
    double max_dE = 0, max_dP = 0;
    for (int b = 0; b < d.trajectories; ++b) {
      const double* C = d.clean.data() + std::size_t(b) * T * dim;
      const double E0 = nbody_energy(bodies, C);
      double P0[2];
      nbody_momentum(bodies, C, P0);
      for (int i = 0; i < T; ++i) {
        const double* x = C + std::size_t(i) * dim;
        double P[2], f[12];
        nbody_momentum(bodies, x, P);
        max_dE = std::max(max_dE, std::abs(nbody_energy(bodies, x) - E0) / std::abs(E0));
        max_dP = std::max({max_dP, std::abs(P[0] - P0[0]), std::abs(P[1] - P0[1])});
        nbody_field(bodies, x, f);  // targets are the true field at the (clean) inputs
        for (int c = 0; c < dim; ++c) ASSERT_EQ(d.dxdt[(std::size_t(b) * T + i) * dim + c], f[c]);
      }
    }
    EXPECT_LT(max_dE, 1e-7) << bodies << " bodies";
    EXPECT_LT(max_dP, 1e-8) << bodies << " bodies";
    std::printf("[orbits] %d bodies: max relative energy drift %.2e, max momentum drift %.2e\n", bodies, max_dE, max_dP);
  }
}

TEST(HnnOrbits, CircularReferenceConfigurationsStayCircular) {
  // Without noise, random_config is an exact circular solution: every body keeps its distance to the
  // centre of mass (the origin) and its speed; the two-body state has zero total momentum.
  for (int bodies : {2, 3}) {
    HnnOrbitOptions o;
    o.bodies = bodies;
    o.trajectories = 5;
    o.noise = 0;
    o.seed = 11;
    const HnnDataset d = make_hnn_orbit_data(o);
    const int N = bodies, dim = 4 * N;
    for (int b = 0; b < d.trajectories; ++b) {
      const double* C = d.clean.data() + std::size_t(b) * d.points * dim;
      double P[2];
      nbody_momentum(N, C, P);
      EXPECT_NEAR(P[0], 0.0, 1e-14);
      EXPECT_NEAR(P[1], 0.0, 1e-14);
      for (int k = 0; k < N; ++k) {
        const double r0 = std::hypot(C[k], C[N + k]), v0 = std::hypot(C[2 * N + k], C[3 * N + k]);
        if (N == 2) EXPECT_NEAR(v0, 1.0 / (2 * std::sqrt(r0)), 1e-14);       // circular speed of the pair
        if (N == 3) EXPECT_NEAR(v0, std::pow(3.0, -0.25) / std::sqrt(r0), 1e-14);  // equilateral triangle
        for (int i = 0; i < d.points; ++i) {
          const double* x = C + std::size_t(i) * dim;
          EXPECT_NEAR(std::hypot(x[k], x[N + k]), r0, 1e-8) << N << " bodies, orbit " << b << ", t = " << d.times[i];
          EXPECT_NEAR(std::hypot(x[2 * N + k], x[3 * N + k]), v0, 1e-8);
        }
      }
    }
  }
}

TEST(HnnOrbits, TestSetIsTheFirstOrbitsDrawnAndSplitIsDeterministic) {
  HnnOrbitOptions o;
  o.bodies = 2;
  o.trajectories = 12;  // ⌊0.2 · 12 · 50⌋ = 120 rows = 2 orbits
  o.seed = 5;
  const HnnDataset d = make_hnn_orbit_data(o);
  EXPECT_EQ(d.train_trajectories, 10);
  EXPECT_EQ(d.n_test, 2 * 50);
  EXPECT_EQ(d.n_train, 10 * 50);
  // Replay the draws: draw 0 and 1 are the test orbits (stored last), draw 2 the first training orbit.
  SplitMix64 rng{5};
  const HnnOrbitOptions r = resolved_orbit_options(o);
  std::vector<double> x0(8);
  for (int k = 0; k < 3; ++k) {
    orbit_initial_state(2, r.radius_lo, r.radius_hi, r.noise, rng, x0.data());
    const int b = k < 2 ? 10 + k : 0;
    for (int c = 0; c < 8; ++c) EXPECT_EQ(d.clean[std::size_t(b) * 50 * 8 + c], x0[c]) << "draw " << k;
    // Test rows follow training rows: the first test row is the first test orbit's initial state.
    if (k == 0)
      for (int c = 0; c < 8; ++c) EXPECT_EQ(d.x_test()[c], x0[c]);
  }
  const HnnDataset again = make_hnn_orbit_data(o);
  EXPECT_EQ(again.x, d.x);
  EXPECT_EQ(again.dxdt, d.dxdt);
  o.seed = 6;
  EXPECT_NE(make_hnn_orbit_data(o).x, d.x);
}

TEST(HnnOrbits, InitialStatesFollowTheReferenceDistributions) {
  SplitMix64 rng{1};
  std::vector<double> x(12);
  for (int trial = 0; trial < 200; ++trial) {
    orbit_initial_state(2, 0.5, 1.5, 0.05, rng, x.data());
    // Body 2 mirrors body 1 through the origin; body 1's position components lie in [0.5, 1.5].
    EXPECT_GE(x[0], 0.5);
    EXPECT_LE(x[0], 1.5);
    EXPECT_GE(x[2], 0.5);
    EXPECT_LE(x[2], 1.5);
    EXPECT_EQ(x[1], -x[0]);
    EXPECT_EQ(x[3], -x[2]);
    EXPECT_EQ(x[5], -x[4]);
    EXPECT_EQ(x[7], -x[6]);
    // Velocity ⟂ position for body 1 (the noise only scales it).
    EXPECT_NEAR(x[0] * x[4] + x[2] * x[6], 0.0, 1e-14);
    orbit_initial_state(3, 0.9, 1.2, 0.2, rng, x.data());
    for (int b = 0; b < 3; ++b) {
      const double r = std::hypot(x[b], x[3 + b]);
      EXPECT_NEAR(r, std::hypot(x[0], x[3]), 1e-14);  // one radius for the triangle
      EXPECT_GE(r, 0.9 - 1e-15);
      EXPECT_LE(r, 1.2 + 1e-15);
    }
  }
}

TEST(HnnOrbits, BadOptionsAreErrors) {
  HnnOrbitOptions o;
  o.bodies = 4;
  EXPECT_THROW(make_hnn_orbit_data(o), Error);
  o.bodies = 2;
  o.trajectories = 4;  // ⌊0.2 · 4⌋ = 0 test orbits
  try {
    make_hnn_orbit_data(o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("two-body: 4 orbits with test_fraction 0.2 leave 0 test orbits"),
              std::string::npos)
        << e.what();
  }
  o.trajectories = 10;
  o.noise = 1.5;
  EXPECT_THROW(make_hnn_orbit_data(o), Error);
  o.noise = -1;
  o.radius_lo = 2, o.radius_hi = 1;
  EXPECT_THROW(make_hnn_orbit_data(o), Error);
}
