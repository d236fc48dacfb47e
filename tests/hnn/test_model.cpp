// hnn/test_model.cpp — HNN and baseline (hnn/model.hpp) and their data (hnn/tasks.hpp): loss θ-gradients against
// float64 central differences, the orthogonal initialisation, generated data (energy conservation, shapes,
// noise, determinism), the real-pendulum reader and its errors, and a fast end-to-end mass-spring run in
// which the HNN's energy MSE beats the baseline's. DISABLED_FullProtocol measures the reference protocol
// (run with --gtest_also_run_disabled_tests --gtest_filter='*FullProtocol*').
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "noether/core/rng.hpp"
#include "noether/core/error.hpp"
#include "noether/hnn/train.hpp"
#include "noether/hnn/tasks.hpp"

using namespace noether;

namespace {

/// The repository's copy of the Schmidt & Lipson real-pendulum data (data/schmidt-lipson/README.md).
const std::string kRealPendulum = std::string(NOETHER_SOURCE_DIR) + "/data/schmidt-lipson/real_pend_h_1.txt";

/// Random X, Y (n, 2) and a model whose parameters (all of them, biases included) are perturbed away from
/// the initialisation so no term of the gradient is trivially zero.
struct GradCase {
  HnnModel model;
  std::vector<double> X, Y;
  int n = 7;
};

GradCase make_case(HnnModelKind kind) {
  GradCase c;
  c.model = init_hnn_model(kind, 2, {8, 8}, Activation::Tanh, 5);
  SplitMix64 rng{42};
  for (double& p : c.model.params) p += 0.3 * (2 * rng.uniform() - 1);
  const std::size_t ob = c.model.shape.bias_offset(c.model.shape.layers());
  for (std::size_t k = ob; k < c.model.params.size(); ++k) c.model.params[k] = 0.0;
  c.X.resize(2 * c.n);
  c.Y.resize(2 * c.n);
  for (double& v : c.X) v = 3 * (2 * rng.uniform() - 1);
  for (double& v : c.Y) v = 2 * (2 * rng.uniform() - 1);
  return c;
}

/// max |analytic − central difference| / max(1, max |fd|) over the parameters before the output bias
/// (the output bias is frozen: its analytic gradient must be exactly 0).
double gradient_error(GradCase& c) {
  std::vector<double> g(c.model.params.size());
  hnn_model_loss(c.model, c.X.data(), c.Y.data(), c.n, g.data());
  const std::size_t ob = c.model.shape.bias_offset(c.model.shape.layers());
  for (std::size_t k = ob; k < g.size(); ++k) EXPECT_EQ(g[k], 0.0) << "output bias must be frozen";
  const double h = 1e-5;
  double err = 0, scale = 1;
  for (std::size_t k = 0; k < ob; ++k) {
    const double p0 = c.model.params[k];
    c.model.params[k] = p0 + h;
    const double lp = hnn_model_loss(c.model, c.X.data(), c.Y.data(), c.n, nullptr);
    c.model.params[k] = p0 - h;
    const double lm = hnn_model_loss(c.model, c.X.data(), c.Y.data(), c.n, nullptr);
    c.model.params[k] = p0;
    const double fd = (lp - lm) / (2 * h);
    err = std::max(err, std::abs(fd - g[k]));
    scale = std::max(scale, std::abs(fd));
  }
  return err / scale;
}

double clean_energy_drift(const HnnDataset& d, HnnTask task) {
  double worst = 0;
  for (int b = 0; b < d.trajectories; ++b) {
    const double* C = d.clean.data() + std::size_t(b) * d.points * 2;
    const double H0 = hnn_task_energy(task, C);
    for (int i = 1; i < d.points; ++i) worst = std::max(worst, std::abs(hnn_task_energy(task, C + 2 * i) - H0));
  }
  return worst;
}

}  // namespace

TEST(Hnn, LossGradientMatchesCentralDifferences) {
  auto c = make_case(HnnModelKind::Hnn);
  const double e = gradient_error(c);
  std::printf("[hnn] HNN loss θ-gradient vs central differences: max scaled error %.3e\n", e);
  EXPECT_LT(e, 1e-8);
}

TEST(Hnn, BaselineLossGradientMatchesCentralDifferences) {
  auto c = make_case(HnnModelKind::Baseline);
  const double e = gradient_error(c);
  std::printf("[hnn] baseline loss θ-gradient vs central differences: max scaled error %.3e\n", e);
  EXPECT_LT(e, 1e-8);
}

TEST(Hnn, FieldIsSymplecticGradientOfH) {
  // For an HNN, div F = ∂²H/∂q∂p − ∂²H/∂p∂q = 0; check by central differences of the field.
  auto c = make_case(HnnModelKind::Hnn);
  const double h = 1e-5;
  for (int r = 0; r < c.n; ++r) {
    double x[2] = {c.X[2 * r], c.X[2 * r + 1]}, fp[2], fm[2], div = 0;
    for (int j = 0; j < 2; ++j) {
      const double x0 = x[j];
      x[j] = x0 + h;
      hnn_model_field(c.model, x, 1, fp);
      x[j] = x0 - h;
      hnn_model_field(c.model, x, 1, fm);
      x[j] = x0;
      div += (fp[j] - fm[j]) / (2 * h);
    }
    EXPECT_NEAR(div, 0.0, 1e-7) << "row " << r;
  }
}

TEST(Hnn, OrthogonalInitialisation) {
  const HnnModel m = init_hnn_model(HnnModelKind::Baseline, 4, {16, 16}, Activation::Tanh, 3);
  for (int l = 1; l <= m.shape.layers(); ++l) {
    const int out = m.shape.widths[l], in = m.shape.widths[l - 1];
    const double* W = m.params.data() + m.shape.weight_offset(l);
    // W Wᵀ = I when out <= in (orthonormal rows), Wᵀ W = I otherwise (orthonormal columns).
    const bool rows = out <= in;
    const int k = rows ? out : in, len = rows ? in : out;
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) {
        double dot = 0;
        for (int t = 0; t < len; ++t)
          dot += rows ? W[a * in + t] * W[b * in + t] : W[t * in + a] * W[t * in + b];
        EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-12) << "layer " << l;
      }
  }
  const std::size_t ob = m.shape.bias_offset(m.shape.layers());
  for (std::size_t k = ob; k < m.params.size(); ++k) EXPECT_EQ(m.params[k], 0.0);
}

TEST(HnnTasks, GeneratedDataFollowsTheProtocol) {
  for (HnnTask task : {HnnTask::MassSpring, HnnTask::Pendulum}) {
    const bool spring = task == HnnTask::MassSpring;
    const HnnDataset d = make_hnn_task_data(task, {});
    const int T = spring ? 30 : 45;
    EXPECT_EQ(d.trajectories, 50);
    EXPECT_EQ(d.train_trajectories, 25);
    EXPECT_EQ(d.points, T);
    EXPECT_EQ(d.n_train, 25 * T);
    EXPECT_EQ(d.n_test, 25 * T);
    ASSERT_EQ(d.x.size(), std::size_t(50) * T * 2);
    ASSERT_EQ(d.dxdt.size(), d.x.size());
    ASSERT_EQ(d.clean.size(), d.x.size());
    EXPECT_DOUBLE_EQ(d.times.front(), 0.0);
    EXPECT_DOUBLE_EQ(d.times.back(), 3.0);
    const double drift = clean_energy_drift(d, task);
    std::printf("[hnn] %s: max |H(t) − H(0)| along clean trajectories %.3e\n", hnn_task_name(task), drift);
    EXPECT_LT(drift, 1e-8);
    // Radius of the initial state in (q, p) within the protocol's range; targets = true field at clean states.
    const double lo = spring ? 0.1 : 1.3, hi = spring ? 1.0 : 2.3;
    double noise2 = 0;
    for (int b = 0; b < d.trajectories; ++b) {
      const double* C = d.clean.data() + std::size_t(b) * T * 2;
      const double r = std::hypot(C[0], C[1]);
      EXPECT_GE(r, lo - 1e-12);
      EXPECT_LE(r, hi + 1e-12);
    }
    for (std::size_t i = 0; i < d.x.size() / 2; ++i) {
      double f[2];
      hnn_task_field(task, d.clean.data() + 2 * i, f);
      EXPECT_EQ(f[0], d.dxdt[2 * i]);
      EXPECT_EQ(f[1], d.dxdt[2 * i + 1]);
      for (int c = 0; c < 2; ++c) noise2 += std::pow(d.x[2 * i + c] - d.clean[2 * i + c], 2);
    }
    const double noise = std::sqrt(noise2 / double(d.x.size()));
    EXPECT_NEAR(noise, 0.1, 0.01) << "noise std";
  }
}

TEST(HnnTasks, DeterministicPerSeed) {
  HnnTaskOptions o;
  o.trajectories = 6;
  o.seed = 7;
  const HnnDataset a = make_hnn_task_data(HnnTask::Pendulum, o), b = make_hnn_task_data(HnnTask::Pendulum, o);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.dxdt, b.dxdt);
  o.seed = 8;
  const HnnDataset c = make_hnn_task_data(HnnTask::Pendulum, o);
  EXPECT_NE(a.x, c.x);
  o.trajectories = 1;
  EXPECT_THROW(make_hnn_task_data(HnnTask::Pendulum, o), Error);
}

TEST(HnnTasks, RealPendulumReader) {
  ASSERT_TRUE(std::ifstream(kRealPendulum).good()) << kRealPendulum << " is part of the repository";
  const HnnDataset d = load_real_pendulum(kRealPendulum);
  EXPECT_EQ(d.dim, 2);
  EXPECT_EQ(d.n_train + d.n_test, 555);  // 556 rows, forward differences
  EXPECT_EQ(d.n_train, 444);
  EXPECT_EQ(d.trajectories, 0);
  // Rows 4 → 5 of the file are 1/3 s apart (a dropped frame): the target uses the actual Δt.
  const double dq = (1.4327903031373772 - 1.4738786990005335) / (6.0 - 5.6666666666666670);
  EXPECT_NEAR(d.dxdt[2 * 4], dq, 1e-12);
  EXPECT_NEAR(d.x[2 * 4], 1.4738786990005335, 1e-15);
  ASSERT_EQ(d.row_times.size(), 555u);
  EXPECT_DOUBLE_EQ(d.row_times[4], 5.6666666666666670);
}

TEST(HnnTasks, RealPendulumReaderErrorsNameFileAndLine) {
  const std::string path = ::testing::TempDir() + "noether_bad_pend.txt";
  auto expect_error = [&](const std::string& body, const std::string& needle) {
    std::ofstream(path) << body;
    try {
      load_real_pendulum(path);
      ADD_FAILURE() << "no error for: " << body;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(path), std::string::npos) << msg;
      EXPECT_NE(msg.find(needle), std::string::npos) << msg;
    }
  };
  expect_error("%o v\n0 0 1 2\n0 0.1 1 x2\n0 0.2 1 2\n", ":3:");
  expect_error("%o v\n0 0 1 2\n0 0.1 1\n0 0.2 1 2\n", ":3: expected 4 columns");
  expect_error("%o v\n0 0 1 2\n0 0.1 1 2\n0 0.1 1 2\n", ":4: time");
  expect_error("%o v\n0 0 1 2\n0 0.1 1 nan\n", ":3: non-finite");
  expect_error("%o v\n0 0 1 2\n", "at least 3 data rows");
  EXPECT_THROW(load_real_pendulum(path + ".missing"), Error);
  std::remove(path.c_str());
}

TEST(Hnn, EndToEndMassSpringHnnConservesEnergyBetterThanBaseline) {
  const HnnDataset d = make_hnn_task_data(HnnTask::MassSpring, {});
  HnnTrainOptions o;
  o.hidden = {32, 32};
  o.steps = 300;
  o.threads = 1;  // small GEMMs: threads only add overhead (and much more on a loaded machine)
  const auto hnn = train_hnn(d, o), base = train_baseline(d, o);
  const auto H = [](const double* x) { return hnn_task_energy(HnnTask::MassSpring, x); };
  const double e_hnn = hnn_energy_mse(hnn.model, d, H, 1e-8, 1e-10);
  const double e_base = hnn_energy_mse(base.model, d, H, 1e-8, 1e-10);
  std::printf("[hnn] mass-spring [2,32,32,·] 300 steps: test loss HNN %.3e baseline %.3e; energy MSE HNN %.3e "
              "baseline %.3e (%.2f s + %.2f s)\n",
              hnn.test_loss, base.test_loss, e_hnn, e_base, hnn.seconds, base.seconds);
  EXPECT_LT(hnn.test_loss, 0.1);
  EXPECT_LT(base.test_loss, 0.1);
  EXPECT_LT(e_hnn, e_base);
}

TEST(Hnn, TrainingIsDeterministicPerSeed) {
  HnnTaskOptions t;
  t.trajectories = 4;
  const HnnDataset d = make_hnn_task_data(HnnTask::Pendulum, t);
  HnnTrainOptions o;
  o.hidden = {8, 8};
  o.steps = 20;
  o.threads = 1;
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    const auto a = train_hnn_model(kind, d, o), b = train_hnn_model(kind, d, o);
    EXPECT_EQ(a.model.params, b.model.params);
    EXPECT_EQ(a.test_loss, b.test_loss);
    o.seed = 1;
    const auto c = train_hnn_model(kind, d, o);
    EXPECT_NE(a.model.params, c.model.params);
    o.seed = 0;
  }
}

TEST(Hnn, LossWithWorkspaceEqualsWithout) {
  auto c = make_case(HnnModelKind::Hnn);
  std::vector<double> g1(c.model.params.size()), g2(g1.size());
  HnnWorkspace ws;
  const double l1 = hnn_model_loss(c.model, c.X.data(), c.Y.data(), c.n, g1.data());
  for (int rep = 0; rep < 2; ++rep) {
    const double l2 = hnn_model_loss(c.model, c.X.data(), c.Y.data(), c.n, g2.data(), &ws);
    EXPECT_EQ(l1, l2);
    EXPECT_EQ(g1, g2);
  }
}

TEST(Hnn, TrajectoryEnergyMseIsZeroForTheTrueFieldShape) {
  // A baseline whose field is exactly the mass-spring's, f = (2p, −2q) (one linear layer), conserves the true
  // energy along its own integration: energy MSE ≈ 0 against the clean trajectory.
  HnnModel m;
  m.kind = HnnModelKind::Baseline;
  m.shape.widths = {2, 2};
  m.params = {0, 2, -2, 0, 0, 0};  // W = [[0, 2], [−2, 0]], b = 0
  HnnTaskOptions t;
  t.trajectories = 4;
  const HnnDataset d = make_hnn_task_data(HnnTask::MassSpring, t);
  const auto H = [](const double* x) { return hnn_task_energy(HnnTask::MassSpring, x); };
  EXPECT_LT(hnn_energy_mse(m, d, H), 1e-18);
  m.params = {0, 2, -2.2, 0, 0, 0};  // a wrong spring constant changes the energy
  EXPECT_GT(hnn_energy_mse(m, d, H), 1e-4);
}

/// The reference protocol, one seed: [2,200,200,·] tanh, 2000 full-batch steps, lr 1e-3, L2 1e-4.
TEST(Hnn, DISABLED_FullProtocol) {
  for (HnnTask task : {HnnTask::MassSpring, HnnTask::Pendulum}) {
    const HnnDataset d = make_hnn_task_data(task, {});
    const auto H = [task](const double* x) { return hnn_task_energy(task, x); };
    HnnTrainOptions o;
    for (HnnModelKind kind : {HnnModelKind::Baseline, HnnModelKind::Hnn}) {
      const auto r = train_hnn_model(kind, d, o);
      const double e = hnn_energy_mse(r.model, d, H);
      std::printf("[hnn-full] %s %s: train loss %.3e test loss %.3e energy MSE %.3e (%.1f s)\n", hnn_task_name(task),
                  kind == HnnModelKind::Hnn ? "HNN" : "baseline", r.train_loss, r.test_loss, e, r.seconds);
    }
  }
}

/// Real pendulum, one seed: 2000 steps, L2 1e-5; energy MSE along the test rows with H = 2.4(1 − cos q) + p²
/// (the reference analysis' Hamiltonian), integrating from the first test state to the recorded test times.
TEST(Hnn, DISABLED_FullProtocolRealPendulum) {
  const HnnDataset d = load_real_pendulum(kRealPendulum);
  const auto H = [](const double* x) { return 2.4 * (1 - std::cos(x[0])) + x[1] * x[1]; };
  HnnTrainOptions o;
  o.weight_decay = 1e-5;
  for (HnnModelKind kind : {HnnModelKind::Baseline, HnnModelKind::Hnn}) {
    const auto r = train_hnn_model(kind, d, o);
    const double e =
        hnn_trajectory_energy_mse(r.model, d.x_test(), d.row_times.data() + d.n_train, d.n_test, H);
    std::printf("[hnn-full] real pendulum %s: train loss %.3e test loss %.3e energy MSE %.3e (%.1f s)\n",
                kind == HnnModelKind::Hnn ? "HNN" : "baseline", r.train_loss, r.test_loss, e, r.seconds);
  }
}
