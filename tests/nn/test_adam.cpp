// nn/test_adam.cpp — Adam/AdamW against steps computed by hand from the formulas (bias correction,
// decoupled and coupled weight decay, global-norm clipping), the learning-rate schedules at their
// landmarks, convergence on a quadratic and on Rosenbrock, determinism and checkpoint/resume.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/nn/adam.hpp"
#include "noether/core/error.hpp"

using namespace noether;

namespace {

constexpr double kTol = 1e-14;

AdamOptions options(double lr) {
  AdamOptions o;
  o.schedule.lr = lr;  // beta1 = 0.9, beta2 = 0.999, eps = 1e-8 (defaults)
  return o;
}

}  // namespace

TEST(Adam, TwoStepsByHand) {
  Adam adam(2, options(0.1));
  std::vector<double> th{1.0, -2.0};
  // t = 1, g = (0.5, −1): m = 0.1 g, v = 0.001 g², m̂ = m/0.1 = g, v̂ = v/0.001 = g².
  const AdamStepInfo i1 = adam.step(th, {0.5, -1.0});
  EXPECT_EQ(i1.step, 1);
  EXPECT_EQ(i1.lr, 0.1);
  EXPECT_NEAR(i1.grad_norm, std::sqrt(1.25), kTol);
  EXPECT_FALSE(i1.clipped);
  EXPECT_NEAR(adam.first_moment()[0], 0.05, kTol);
  EXPECT_NEAR(adam.second_moment()[1], 0.001, kTol);
  const double a1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), b1 = -2.0 - 0.1 * -1.0 / (1.0 + 1e-8);
  EXPECT_NEAR(th[0], a1, kTol);
  EXPECT_NEAR(th[1], b1, kTol);
  // t = 2, g = (0.25, 2): m = 0.9 m + 0.1 g = (0.07, 0.11); v = 0.999 v + 0.001 g² = (0.00031225, 0.004999);
  // bias corrections 1 − 0.9² = 0.19 and 1 − 0.999² = 0.001999.
  adam.step(th, {0.25, 2.0});
  EXPECT_NEAR(adam.first_moment()[0], 0.07, kTol);
  EXPECT_NEAR(adam.first_moment()[1], 0.11, kTol);
  EXPECT_NEAR(adam.second_moment()[0], 0.00031225, kTol);
  EXPECT_NEAR(adam.second_moment()[1], 0.004999, kTol);
  const double a2 = a1 - 0.1 * (0.07 / 0.19) / (std::sqrt(0.00031225 / 0.001999) + 1e-8);
  const double b2 = b1 - 0.1 * (0.11 / 0.19) / (std::sqrt(0.004999 / 0.001999) + 1e-8);
  EXPECT_NEAR(th[0], a2, 1e-14);
  EXPECT_NEAR(th[1], b2, 1e-14);
  // t = 3, g = (−1, 0): m = (0.063 − 0.1, 0.099) = (−0.037, 0.099); v = (0.00031193775 + 0.001, 0.004994001);
  // bias corrections 1 − 0.9³ = 0.271 and 1 − 0.999³ = 0.002997001.
  adam.step(th, {-1.0, 0.0});
  const double a3 = a2 - 0.1 * (-0.037 / 0.271) / (std::sqrt(0.00131193775 / 0.002997001) + 1e-8);
  const double b3 = b2 - 0.1 * (0.099 / 0.271) / (std::sqrt(0.004994001 / 0.002997001) + 1e-8);
  EXPECT_NEAR(th[0], a3, 1e-14);
  EXPECT_NEAR(th[1], b3, 1e-14);
  EXPECT_EQ(adam.steps(), 3);
}

TEST(Adam, DecoupledWeightDecayByHand) {
  AdamOptions o = options(0.1);
  o.weight_decay = 0.01;  // AdamW: θ ← θ − η λ θ − η m̂/(√v̂ + ε)
  Adam adam(1, o);
  std::vector<double> th{3.0};
  adam.step(th, {2.0});
  const double t1 = 3.0 - 0.1 * 0.01 * 3.0 - 0.1 * 2.0 / (2.0 + 1e-8);
  EXPECT_NEAR(th[0], t1, kTol);
  adam.step(th, {-1.0});  // m = 0.18 − 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996
  const double t2 = t1 - 0.1 * 0.01 * t1 - 0.1 * (0.08 / 0.19) / (std::sqrt(0.004996 / 0.001999) + 1e-8);
  EXPECT_NEAR(th[0], t2, kTol);
}

TEST(Adam, CoupledL2WeightDecayByHand) {
  AdamOptions o = options(0.1);
  o.weight_decay = 0.5;
  o.decay_mode = WeightDecay::L2;  // g ← g + λ θ, then plain Adam
  Adam adam(1, o);
  std::vector<double> th{3.0};
  adam.step(th, {2.0});  // g = 2 + 1.5 = 3.5
  const double t1 = 3.0 - 0.1 * 3.5 / (3.5 + 1e-8);
  EXPECT_NEAR(th[0], t1, kTol);
  const double g2 = -1.0 + 0.5 * t1;
  adam.step(th, {-1.0});
  const double m2 = 0.9 * 0.35 + 0.1 * g2, v2 = 0.999 * 0.01225 + 0.001 * g2 * g2;
  EXPECT_NEAR(th[0], t1 - 0.1 * (m2 / 0.19) / (std::sqrt(v2 / 0.001999) + 1e-8), kTol);
}

TEST(Adam, GlobalNormClippingByHand) {
  AdamOptions o = options(0.1);
  o.clip_norm = 1.0;
  Adam adam(2, o);
  std::vector<double> th{0.0, 0.0};
  const AdamStepInfo i1 = adam.step(th, {3.0, 4.0});  // ‖g‖ = 5 > 1: g ← (0.6, 0.8)
  EXPECT_TRUE(i1.clipped);
  EXPECT_NEAR(i1.grad_norm, 5.0, kTol);
  EXPECT_NEAR(adam.first_moment()[0], 0.06, kTol);
  EXPECT_NEAR(adam.first_moment()[1], 0.08, kTol);
  EXPECT_NEAR(adam.second_moment()[1], 0.00064, kTol);
  const double x1 = -0.1 * 0.6 / (0.6 + 1e-8), y1 = -0.1 * 0.8 / (0.8 + 1e-8);
  EXPECT_NEAR(th[0], x1, kTol);
  EXPECT_NEAR(th[1], y1, kTol);
  const AdamStepInfo i2 = adam.step(th, {0.3, 0.4});  // ‖g‖ = 0.5 <= 1: unchanged
  EXPECT_FALSE(i2.clipped);
  // m = 0.9·(0.06, 0.08) + 0.1·(0.3, 0.4) = (0.084, 0.112); v = 0.999·(0.00036, 0.00064) + 0.001·(0.09, 0.16)
  EXPECT_NEAR(th[0], x1 - 0.1 * (0.084 / 0.19) / (std::sqrt(0.00044964 / 0.001999) + 1e-8), kTol);
  EXPECT_NEAR(th[1], y1 - 0.1 * (0.112 / 0.19) / (std::sqrt(0.00079936 / 0.001999) + 1e-8), kTol);
}

TEST(Adam, ScheduleLandmarks) {
  LrSchedule s;
  s.lr = 0.01;
  s.min_lr = 0.001;
  s.decay_steps = 100;
  s.warmup_steps = 4;
  s.kind = LrScheduleKind::Constant;
  EXPECT_NEAR(s.at(0), 0.0025, kTol);  // warmup: η (s + 1)/W
  EXPECT_NEAR(s.at(2), 0.0075, kTol);
  EXPECT_EQ(s.at(4), 0.01);
  EXPECT_EQ(s.at(100000), 0.01);
  s.kind = LrScheduleKind::Cosine;
  EXPECT_NEAR(s.at(1), 0.005, kTol);
  EXPECT_NEAR(s.at(4), 0.01, kTol);
  EXPECT_NEAR(s.at(54), 0.0055, kTol);  // halfway: η_min + (η − η_min)/2
  EXPECT_NEAR(s.at(104), 0.001, kTol);
  EXPECT_NEAR(s.at(5000), 0.001, kTol);
  s.kind = LrScheduleKind::Exponential;
  s.gamma = 0.5;
  EXPECT_NEAR(s.at(54), 0.01 * std::sqrt(0.5), kTol);
  EXPECT_NEAR(s.at(104), 0.005, kTol);
  EXPECT_NEAR(s.at(100000), 0.001, kTol);  // floor
  s.kind = LrScheduleKind::Step;
  EXPECT_NEAR(s.at(103), 0.01, kTol);
  EXPECT_NEAR(s.at(104), 0.005, kTol);
  EXPECT_NEAR(s.at(204), 0.0025, kTol);
  EXPECT_NEAR(s.at(100000), 0.001, kTol);
}

TEST(Adam, InvalidOptionsNameTheField) {
  auto fails_with = [](AdamOptions o, const std::string& field) {
    try {
      Adam a(1, o);
      ADD_FAILURE() << field;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  AdamOptions o = options(0.0);
  fails_with(o, "optimizer.lr");
  o = options(0.1), o.beta1 = 1.0;
  fails_with(o, "optimizer.beta1");
  o = options(0.1), o.eps = 0;
  fails_with(o, "optimizer.eps");
  o = options(0.1), o.clip_norm = -1;
  fails_with(o, "optimizer.clip_norm");
  o = options(0.1), o.schedule.kind = LrScheduleKind::Step, o.schedule.gamma = 2;
  fails_with(o, "optimizer.gamma");
  o = options(0.1), o.schedule.min_lr = 1;
  fails_with(o, "optimizer.min_lr");
  Adam a(2, options(0.1));
  std::vector<double> th{0, 0};
  EXPECT_THROW(a.step(th, {NAN, 0.0}), Error);
  EXPECT_THROW(a.step(th, {1.0}), Error);
}

TEST(Adam, MinimisesAnIllConditionedQuadratic) {
  // f = Σ a_i (x_i − c_i)², a spanning 4 decades.
  const std::vector<double> a{1e-2, 1.0, 10.0, 100.0}, c{1.0, -2.0, 0.5, 3.0};
  AdamOptions o = options(0.1);
  o.schedule.kind = LrScheduleKind::Cosine;
  o.schedule.decay_steps = 3000;
  o.schedule.warmup_steps = 50;
  Adam adam(4, o);
  std::vector<double> x(4, 0.0), g(4);
  for (int it = 0; it < 3050; ++it) {
    for (int i = 0; i < 4; ++i) g[i] = 2 * a[i] * (x[i] - c[i]);
    adam.step(x, g);
  }
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(x[i], c[i], 1e-4) << i;
}

TEST(Adam, MinimisesRosenbrock) {
  // f = (1 − x)² + 100 (y − x²)², minimum at (1, 1); classic start (−1.2, 1).
  AdamOptions o = options(0.02);
  o.schedule.kind = LrScheduleKind::Cosine;
  o.schedule.decay_steps = 20000;
  o.clip_norm = 10.0;
  Adam adam(2, o);
  std::vector<double> p{-1.2, 1.0};
  for (int it = 0; it < 20000; ++it) {
    const double x = p[0], y = p[1];
    adam.step(p, {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)});
  }
  EXPECT_NEAR(p[0], 1.0, 1e-3);
  EXPECT_NEAR(p[1], 1.0, 2e-3);
}

TEST(Adam, DeterministicAndResumable) {
  AdamOptions o = options(0.05);
  o.weight_decay = 1e-3;
  o.clip_norm = 0.5;
  o.schedule.kind = LrScheduleKind::Exponential;
  o.schedule.gamma = 0.9;
  o.schedule.decay_steps = 7;
  auto grad = [](const std::vector<double>& p, int it) {
    std::vector<double> g(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) g[i] = std::sin(3.0 * p[i] + it) + 0.1 * double(i);
    return g;
  };
  std::vector<double> a(5, 0.3), b(5, 0.3);
  Adam A(5, o), B(5, o);
  for (int it = 0; it < 40; ++it) A.step(a, grad(a, it));
  for (int it = 0; it < 20; ++it) B.step(b, grad(b, it));
  Adam C(5, o);  // a fresh optimizer restored from B's checkpoint
  C.restore(B.steps(), B.first_moment(), B.second_moment());
  for (int it = 20; it < 40; ++it) C.step(b, grad(b, it));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a[i], b[i]) << i;  // bitwise
}
