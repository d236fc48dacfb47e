// pixel/test_data.cpp — the pixel pendulum data (pixel/data.hpp): the exact dynamics (energy conserved,
// small-angle period 2π/ω), the renderer (covered area = the capsule's, mirror symmetry, the bob moves the
// right way, values within [0, intensity]), the sample pairs and the test split, the .npz file, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "noether/pixel/data.hpp"
#include "support/temp_path.hpp"

using namespace noether;

TEST(PixelData, TrajectoryConservesEnergyAndHasTheSmallAnglePeriod) {
  const PendulumPhysics ph;
  const int T = 400;
  const auto s = pendulum_trajectory(ph, 0.4, -0.7, T);
  const double E0 = pendulum_canonical_energy(ph, s[0], 0.25 * s[1]);
  double worst = 0;
  for (int k = 0; k < T; ++k) worst = std::max(worst, std::abs(pendulum_canonical_energy(ph, s[2 * k], 0.25 * s[2 * k + 1]) - E0));
  EXPECT_LT(worst, 1e-8 * E0);  // RK45 at rtol 1e-10 over 400 frames
  // H = E/8 with E = ½θ̇² + (3g/2l)(1 − cos θ).
  EXPECT_NEAR(E0, (0.5 * 0.49 + 15.0 * (1 - std::cos(0.4))) / 8.0, 1e-15);
  // Small amplitude: θ(t) = a cos(ωt), ω² = 3g/2l = 15.
  const auto small = pendulum_trajectory(ph, 1e-4, 0.0, 60);
  for (int k = 0; k < 60; ++k) EXPECT_NEAR(small[2 * k], 1e-4 * std::cos(std::sqrt(15.0) * k * ph.dt), 1e-11) << k;
  EXPECT_THROW(pendulum_trajectory(ph, 0.1, 0.0, 0), Error);
}

TEST(PixelData, RendererCoversTheCapsuleArea) {
  PendulumRenderer r;
  r.supersample = 16;
  std::vector<float> img(28 * 28);
  for (double theta : {0.0, 0.3, -0.5}) {
    render_pendulum(r, theta, img.data());
    const double sum = std::accumulate(img.begin(), img.end(), 0.0);
    const double w = r.half_width(), L = r.rod_length();
    const double area = 2 * w * L + M_PI * w * w;  // rectangle + two half discs
    EXPECT_NEAR(sum / r.intensity, area, 0.01 * area) << theta;
    for (float v : img) {
      EXPECT_GE(v, 0.0f);
      EXPECT_LE(v, float(r.intensity) + 1e-6f);
    }
  }
  // Anti-aliased: some pixels are partly covered.
  render_pendulum(r, 0.3, img.data());
  int partial = 0;
  for (float v : img) partial += v > 0.02f * r.intensity && v < 0.98f * r.intensity;
  EXPECT_GT(partial, 10);
}

TEST(PixelData, RendererIsMirrorSymmetricAndSwingsRight) {
  const PendulumRenderer r;
  std::vector<float> a(28 * 28), b(28 * 28);
  render_pendulum(r, 0.4, a.data());
  render_pendulum(r, -0.4, b.data());
  for (int row = 0; row < 28; ++row)
    for (int col = 0; col < 28; ++col) EXPECT_NEAR(a[row * 28 + col], b[row * 28 + (27 - col)], 1e-6) << row << "," << col;
  // θ > 0: the lower rows' mass sits right of centre (x = 14).
  double mx = 0, m = 0;
  for (int row = 20; row < 28; ++row)
    for (int col = 0; col < 28; ++col) {
      mx += a[row * 28 + col] * (col + 0.5);
      m += a[row * 28 + col];
    }
  ASSERT_GT(m, 0);
  EXPECT_GT(mx / m, 14.0 + 0.5 * r.rod_length() * std::sin(0.4));
  PendulumRenderer bad;
  bad.side = 4;
  EXPECT_THROW(render_pendulum(bad, 0.0, a.data()), Error);
}

TEST(PixelData, SamplesArePairsOfConsecutiveFramesAndTheTestTrialsComeFirst) {
  PixelPendulumOptions o;
  o.trials = 10;
  o.frames = 7;
  o.seed = 3;
  const PixelPendulumData d = make_pixel_pendulum_data(o);
  EXPECT_EQ(d.test_trials, 2);
  EXPECT_EQ(d.samples_per_trial(), 5);
  EXPECT_EQ(d.n_test(), 10);
  EXPECT_EQ(d.n_train(), 40);
  EXPECT_EQ(d.first_train(), 10);
  EXPECT_EQ(d.input_dim(), 1568);
  for (int b = 0; b < d.trials; ++b) {  // |θ₀| < π/6, |θ̇₀| < 1; frames rendered from the states
    const double* s = d.states.data() + std::size_t(b) * d.frames * 2;
    EXPECT_LT(std::abs(s[0]), M_PI / 6);
    EXPECT_LT(std::abs(s[1]), 1.0);
    std::vector<float> img(784);
    render_pendulum(o.renderer, s[2 * 4], img.data());
    for (int j = 0; j < 784; ++j) ASSERT_EQ(img[j], d.frame(b, 4)[j]);
  }
  const int s = 3 * 5 + 2;  // trial 3, k = 2
  std::vector<float> X(1568), Xn(1568);
  d.gather(&s, 1, X.data(), Xn.data());
  for (int j = 0; j < 784; ++j) {
    EXPECT_EQ(X[j], d.frame(3, 2)[j]);
    EXPECT_EQ(X[784 + j], d.frame(3, 3)[j]);
    EXPECT_EQ(Xn[j], d.frame(3, 3)[j]);
    EXPECT_EQ(Xn[784 + j], d.frame(3, 4)[j]);
  }
  double qp[2];
  d.canonical(s, qp);
  EXPECT_EQ(qp[0], d.states[(3 * 7 + 2) * 2]);
  EXPECT_EQ(qp[1], 0.25 * d.states[(3 * 7 + 2) * 2 + 1]);
  const int out = 50;
  EXPECT_THROW(d.gather(&out, 1, X.data(), nullptr), Error);
  // Deterministic for a seed, different for another.
  EXPECT_EQ(make_pixel_pendulum_data(o).states, d.states);
  o.seed = 4;
  EXPECT_NE(make_pixel_pendulum_data(o).states, d.states);
}

TEST(PixelData, NpzHoldsFramesAndStates) {
  PixelPendulumOptions o;
  o.trials = 5;
  o.frames = 4;
  const PixelPendulumData d = make_pixel_pendulum_data(o);
  const auto path = noether_test::unique_temp_path("pixel_data", ".npz").string();
  write_pixel_pendulum_npz(d, path);
  const NpzArchive a = read_npz(path);
  std::filesystem::remove(path);
  ASSERT_EQ(a.at("pixels").shape, (std::vector<std::size_t>{5, 4, 28, 28}));
  EXPECT_EQ(a.at("pixels").dtype, "<f4");
  ASSERT_EQ(a.at("states").shape, (std::vector<std::size_t>{5, 4, 2}));
  EXPECT_EQ(a.at("states").data, d.states);
  EXPECT_EQ(a.at("test_trials").data.at(0), 1.0);
  for (std::size_t i = 0; i < d.pixels.size(); ++i) ASSERT_EQ(float(a.at("pixels").data[i]), d.pixels[i]);
}

TEST(PixelData, BadOptionsThrow) {
  PixelPendulumOptions o;
  o.trials = 4;  // ⌊0.2 · 4⌋ = 0 test trials
  EXPECT_THROW(make_pixel_pendulum_data(o), Error);
  o.trials = 10;
  o.frames = 2;
  EXPECT_THROW(make_pixel_pendulum_data(o), Error);
  o.frames = 5;
  o.max_angle = -1;
  EXPECT_THROW(make_pixel_pendulum_data(o), Error);
}
