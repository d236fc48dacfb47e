// physics/test_simulate.cpp — end-to-end CPU simulation: Kepler orbit period, integrator agreement,
// NaN detection naming trajectory/step/time, observables of saved frames, float32 against float64.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/core/error.hpp"
#include "noether/physics/simulate.hpp"

using namespace noether;

namespace {

/// Two bodies (m1 = 1, m2 = 3, G = 1) on an ellipse: relative separation 1, relative speed 1.5.
SimulationConfig kepler_config(IntegratorMethod method, double dt, long stride, double& period) {
  const double m1 = 1, m2 = 3, M = m1 + m2, r = 1, v = 1.5;
  const double mu = m1 * m2 / M, E = 0.5 * mu * v * v - m1 * m2 / r, a = -m1 * m2 / (2 * E);
  period = 2 * M_PI * std::sqrt(a * a * a / M);
  SimulationConfig cfg;
  cfg.law = {PotentialKind::Gravity, 1, 1, 1.0, 0.0};
  cfg.init.B = 1, cfg.init.N = 2, cfg.init.D = 2;
  // Centre of mass at rest at the origin.
  cfg.init.pos = {m2 / M * r, 0, -m1 / M * r, 0};
  cfg.init.vel = {0, m2 / M * v, 0, -m1 / M * v};
  cfg.init.mass = {m1, m2};
  cfg.integrator.method = method;
  cfg.integrator.dt = dt;
  cfg.integrator.stride = stride;
  cfg.integrator.frames = 2;
  cfg.integrator.rtol = cfg.integrator.atol = 1e-12;
  return cfg;
}

double return_error(const Trajectory& t) {
  double e = 0;
  for (int k = 0; k < 4; ++k) e = std::max(e, std::abs(t.pos[4 + k] - t.pos[k]));
  return e;
}

}  // namespace

TEST(Simulate, KeplerOrbitReturnsAfterAnalyticPeriodRk45) {
  double T;
  SimulationConfig cfg = kepler_config(IntegratorMethod::RK45, 1.0, 1, T);
  cfg.integrator.dt = T;  // one saved interval of exactly one period
  const Trajectory t = simulate(cfg, DeviceChoice::Cpu);
  EXPECT_LT(return_error(t), 1e-8);
  // and not after 0.99 T: the test can fail
  cfg.integrator.dt = 0.99 * T;
  EXPECT_GT(return_error(simulate(cfg, DeviceChoice::Cpu)), 1e-3);
}

TEST(Simulate, KeplerOrbitWithVerletConvergesAtSecondOrder) {
  double T;
  SimulationConfig c1 = kepler_config(IntegratorMethod::Verlet, 1, 1, T);
  const long n = 4000;
  c1.integrator.dt = T / n, c1.integrator.stride = n;
  SimulationConfig c2 = c1;
  c2.integrator.dt = T / (2 * n), c2.integrator.stride = 2 * n;
  const double e1 = return_error(simulate(c1, DeviceChoice::Cpu)), e2 = return_error(simulate(c2, DeviceChoice::Cpu));
  EXPECT_LT(e1, 1e-3);
  EXPECT_NEAR(std::log2(e1 / e2), 2.0, 0.25);
}

TEST(Simulate, FramesTimesAndObservables) {
  double T;
  SimulationConfig cfg = kepler_config(IntegratorMethod::Verlet, 0.001, 20, T);
  cfg.integrator.frames = 31;
  const Trajectory t = simulate(cfg, DeviceChoice::Cpu);
  ASSERT_EQ(t.T, 31);
  EXPECT_DOUBLE_EQ(t.times[0], 0.0);
  EXPECT_NEAR(t.times[30], 30 * 20 * 0.001, 1e-15);
  const double H0 = t.frames[0].kinetic[0] + t.frames[0].potential[0];
  EXPECT_NEAR(t.frames[0].potential[0], -3.0, 1e-15);
  for (const auto& f : t.frames) {
    EXPECT_NEAR(f.kinetic[0] + f.potential[0], H0, 1e-5);
    EXPECT_NEAR(f.momentum[0], 0, 1e-14);
    EXPECT_NEAR(f.angular[0], t.frames[0].angular[0], 1e-13);
  }
  // accelerations saved with the frame are those of its positions: a_1 m_1 = −a_2 m_2
  EXPECT_NEAR(t.acc[0] * 1 + t.acc[2] * 3, 0, 1e-14);
}

TEST(Simulate, IntegratorsAgreeOnSpringSystem) {
  SimulationConfig cfg;
  cfg.law = {PotentialKind::NonlinearSpring, 0.7, 1.3, 1, 0};
  cfg.init.B = 2, cfg.init.N = 3, cfg.init.D = 3;
  cfg.init.pos = {0.49, 0.76, 0, -0.68, 0.29, 0, -0.02, -0.61, 0, 0.3, 0.2, 0.1, -0.9, 0.4, 0.2, 0.1, -0.8, -0.3};
  cfg.init.vel = {-0.18, 0.36, 0, -0.58, -0.75, 0, 0.76, 0.39, 0, 0.1, 0, 0, 0, 0.2, 0, 0, 0, -0.1};
  cfg.init.mass = {1, 1, 1, 1, 2, 1.5};
  cfg.integrator = {IntegratorMethod::RK45, 0.01, 10, 11, 1e-11, 1e-11};
  const Trajectory ref = simulate(cfg, DeviceChoice::Cpu);
  cfg.integrator.method = IntegratorMethod::RK4;
  const Trajectory rk4 = simulate(cfg, DeviceChoice::Cpu);
  cfg.integrator.method = IntegratorMethod::Verlet;
  cfg.integrator.dt = 0.001, cfg.integrator.stride = 100;
  const Trajectory ver = simulate(cfg, DeviceChoice::Cpu);
  double e4 = 0, ev = 0;
  for (std::size_t k = 0; k < ref.pos.size(); ++k) {
    e4 = std::max(e4, std::abs(rk4.pos[k] - ref.pos[k]));
    ev = std::max(ev, std::abs(ver.pos[k] - ref.pos[k]));
  }
  EXPECT_LT(e4, 1e-7);
  EXPECT_LT(ev, 1e-4);
}

TEST(Simulate, Float32TracksFloat64) {
  double T;
  SimulationConfig cfg = kepler_config(IntegratorMethod::Verlet, 0.001, 100, T);
  cfg.integrator.frames = 10;
  const Trajectory d = simulate(cfg, DeviceChoice::Cpu);
  cfg.float32 = true;
  const Trajectory f = simulate(cfg, DeviceChoice::Cpu);
  for (std::size_t k = 0; k < d.pos.size(); ++k) EXPECT_NEAR(f.pos[k], d.pos[k], 1e-3);
}

TEST(Simulate, NonFiniteStateNamesTrajectoryStepAndTime) {
  SimulationConfig cfg;
  cfg.law = {PotentialKind::Gravity, 1, 1, 1.0, 0.0};
  cfg.init.B = 2, cfg.init.N = 2, cfg.init.D = 2;
  // trajectory 1: two particles at the same point (the config layer rejects this; the engine must
  // still stop cleanly when a state goes singular)
  cfg.init.pos = {1, 0, -1, 0, 0.3, 0, 0.3, 0};
  cfg.init.vel = {0, 1, 0, -1, 0, 0, 0, 0};
  cfg.init.mass = {1, 1, 1, 1};
  cfg.integrator = {IntegratorMethod::Verlet, 0.125, 1, 100, 1e-9, 1e-9};
  try {
    simulate(cfg, DeviceChoice::Cpu);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("trajectory 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("step 1,"), std::string::npos) << msg;
    EXPECT_NE(msg.find("time"), std::string::npos) << msg;
  }
}
