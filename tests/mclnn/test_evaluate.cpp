// mclnn/test_evaluate.cpp — the paper's metrics (mclnn/evaluate.hpp): zero for identical rollouts, the potential's
// additive constant removed before comparing L and H, dV/dr errors against closed forms; and
// `noether run` (with the LNN baseline) / `noether evaluate` end to end on a tiny experiment.
#include <gtest/gtest.h>

#include "noether/physics/cuda.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"
#include "noether/mclnn/evaluate.hpp"
#include "noether/io/npz.hpp"

using namespace noether;
using namespace noether_test;

namespace {

/// A fake trajectory archive: B = 1, T frames, N = 3, D = 2, with energies and momenta.
NpzArchive fake(int T, double Uoffset, double qscale) {
  NpzArchive a;
  const std::size_t N = 3, D = 2;
  std::vector<double> q(T * N * D), v(T * N * D), K(T), U(T), L(T), H(T), P(T * D), J(T), t(T);
  for (int f = 0; f < T; ++f) {
    t[f] = 0.1 * f;
    for (std::size_t k = 0; k < N * D; ++k) q[f * N * D + k] = qscale * std::sin(0.3 * f + k), v[f * N * D + k] = std::cos(0.2 * f + k);
    K[f] = 1.0 + 0.1 * std::sin(f), U[f] = -0.5 - 0.1 * std::sin(f) + 3 * Uoffset;
    L[f] = K[f] - U[f], H[f] = K[f] + U[f];
    P[f * D] = 0.2, P[f * D + 1] = -0.1, J[f] = 0.7;
  }
  auto put = [&](const std::string& k, std::vector<std::size_t> s, std::vector<double> d) { a[k] = NpyArray{s, d, "<f8"}; };
  const std::size_t Ts = T;
  put("positions", {1, Ts, N, D}, q);
  put("velocities", {1, Ts, N, D}, v);
  put("masses", {1, N}, {1, 1, 1});
  put("times", {Ts}, t);
  put("kinetic_energy", {1, Ts}, K);
  put("potential_energy", {1, Ts}, U);
  put("lagrangian", {1, Ts}, L);
  put("hamiltonian", {1, Ts}, H);
  put("linear_momentum", {1, Ts, D}, P);
  put("angular_momentum", {1, Ts}, J);
  return a;
}

}  // namespace

TEST(Evaluate, IdenticalRolloutsScoreZeroAndTheOffsetIsRemoved) {
  const NpzArchive truth = fake(7, 0.0, 1.0);
  RolloutComparison r = compare_rollouts(truth, "t", truth, "p");
  EXPECT_EQ(r.mae_hamiltonian, 0.0);
  EXPECT_EQ(r.mae_linear_momentum, 0.0);
  for (double e : r.relative_position_error) EXPECT_EQ(e, 0.0);
  EXPECT_NEAR(r.energy_drift_abs, 0.2 * 0.0, 1e-15);  // K + U is constant in fake()
  // A prediction whose pair energies are all 0.25 lower (3 pairs): corrected by V_offset = 0.25.
  const NpzArchive shifted = fake(7, -0.25, 1.0);
  r = compare_rollouts(truth, "t", shifted, "p");
  EXPECT_NEAR(r.mae_hamiltonian, 0.75, 1e-12);
  r = compare_rollouts(truth, "t", shifted, "p", 0.25);
  EXPECT_NEAR(r.mae_hamiltonian, 0.0, 1e-12);
  EXPECT_NEAR(r.mae_lagrangian, 0.0, 1e-12);
  // Positions scaled by 1.5: e = 0.5/2.5 = 0.2 at every frame with q ≠ 0.
  r = compare_rollouts(truth, "t", fake(7, 0.0, 1.5), "p");
  EXPECT_NEAR(r.relative_position_error[3], 0.2, 1e-12);
}

TEST(Evaluate, MismatchedRolloutsAreErrorsNamingTheFile) {
  try {
    compare_rollouts(fake(7, 0, 1), "truth.npz", fake(6, 0, 1), "pred.npz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pred.npz"), std::string::npos) << e.what();
  }
}

TEST(Evaluate, PotentialErrorOfALinearModelAgainstTheSpring) {
  // V_θ(r) = 0.9 r (one affine layer) against V = ½(r − 1)²: dV/dr error |0.9 − (r − 1)| over [1.5, 2.5].
  auto L = std::make_shared<LearnedPotential>();
  L->shape = MlpShape{{1, 1}, Activation::Squareplus};
  L->params = {0.9, 0.0};
  PairLawSpec learned;
  learned.kind = PotentialKind::Learned;
  learned.learned = L;
  const PairLawSpec spring{PotentialKind::LinearSpring, 1.0, 1.0, 1.0, 0.0};
  const PotentialComparison c = compare_potentials(spring, learned, DistanceRange{1.0, 3.0, 1.5, 2.5});
  double num = 0, den = 0, off = 0;
  for (int k = 0; k < 400; ++k) {
    const double r = 1.5 + k / 399.0, t = r - 1;
    num += (0.9 - t) * (0.9 - t), den += t * t, off += (0.5 * t * t - 0.9 * r) / 400;
  }
  EXPECT_NEAR(c.dVdr_rel_l2_uniform, std::sqrt(num / den), 1e-12);
  EXPECT_NEAR(c.V_offset, off, 1e-12);
  const PotentialComparison self = compare_potentials(spring, spring, DistanceRange{1.0, 3.0, 1.5, 2.5}, {1.6, 2.0});
  EXPECT_EQ(self.dVdr_rel_l2_uniform, 0.0);
  EXPECT_EQ(self.dVdr_rel_l2_samples, 0.0);
}

namespace {
const char* kTinyRun = R"({"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
 "device": "cpu",
 "train_data": {"initial_state": {"sampler": "uniform", "trajectories": 10, "particles": 3, "dim": 2, "seed": 1,
                                  "box": 1.6, "velocity_scale": 0.4},
                "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 6}},
 "train": {"epochs": 20, "hidden": [6, 6], "lr": 0.003},
 "lnn": {"epochs": 20, "hidden": [8, 8], "lr": 0.01},
 "cases": {"three": {"initial_state": {"positions": [[0.5, 0.7], [-0.7, 0.3], [0.0, -0.6]],
                                       "velocities": [[-0.2, 0.4], [-0.6, -0.7], [0.8, 0.3]]},
                     "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 21}},
           "six": {"initial_state": {"sampler": "uniform", "particles": 6, "dim": 2, "seed": 4, "box": 2.0},
                   "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 11}}}})";
}  // namespace

TEST_F(CliTest, RunWritesMetricsSummaryAndTrajectories) {
  write("exp.json", kTinyRun);
  const CmdResult r = noether("run exp.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  const auto& mc = m.at("models").at("mclnn");
  EXPECT_GT(mc.at("potential").at("dVdr_rel_l2_uniform").get<double>(), 0.0);
  for (const char* c : {"three", "six"}) {
    const auto& k = mc.at("cases").at(c);
    EXPECT_LT(k.at("momentum_drift").at("linear").get<double>(), 1e-12) << c;
    EXPECT_LT(k.at("momentum_drift").at("angular").get<double>(), 1e-12) << c;
    EXPECT_TRUE(fs::exists(dir_ / "out" / "cases" / c / "truth.npz"));
    EXPECT_TRUE(fs::exists(dir_ / "out" / "cases" / c / "mclnn.npz"));
  }
  EXPECT_EQ(mc.at("cases").at("six").at("particles"), 6);
  EXPECT_NE(slurp("out/summary.md").find("| six | 6 |"), std::string::npos);
  // The LNN baseline: trained, rolled out on the 3-particle case, skipped (with the reason) on 6 particles.
  const auto& ln = m.at("models").at("lnn");
  EXPECT_LT(ln.at("training").at("train_loss").get<double>(), ln.at("training").at("initial_train_loss").get<double>());
  EXPECT_TRUE(fs::exists(dir_ / "out" / "lnn" / "model.json"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "lnn" / "train_log.csv"));
  EXPECT_EQ(nlohmann::json::parse(slurp("out/lnn/model.json")).at("model"), "lnn");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "cases" / "three" / "lnn.npz"));
  EXPECT_GT(ln.at("cases").at("three").at("momentum_drift").at("linear").get<double>(), 1e-10);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "cases" / "six" / "lnn.npz"));
  EXPECT_EQ(ln.at("cases").at("six").at("skipped"), "lnn: cannot run 6 particles");
  EXPECT_NE(slurp("out/summary.md").find("lnn: cannot run 6 particles"), std::string::npos);
  // evaluate on the same files reproduces the run's Hamiltonian MAE.
  const CmdResult e = noether("evaluate --truth out/cases/three/truth.npz --pred out/cases/three/mclnn.npz "
                              "--model out/mclnn/model.json --system exp.json -o ev.json -q");
  ASSERT_EQ(e.code, 0) << e.err;
  const auto ev = nlohmann::json::parse(slurp("ev.json"));
  EXPECT_GT(ev.at("rollout").at("mae").at("hamiltonian").get<double>(), 0.0);
}

TEST_F(CliTest, RunRejectsBadConfigsBeforeAnyWork) {
  write("bad.json", R"({"system": {"potential": "linear_spring"}, "train_data": {}, "cases": {}, "trian": {}})");
  CmdResult r = noether("run bad.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("did you mean 'train'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  write("bad2.json", R"({"system": {"potential": "linear_spring"},
    "train_data": {"initial_state": {"sampler": "uniform"}, "integrator": {"dt": 0.01, "frames": 3}},
    "cases": {"x": {"initial_state": {"sampler": "uniform"}, "integrator": {"dt": -1, "frames": 3}}}})");
  r = noether("run bad2.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("cases.x.integrator.dt"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  if (!noether::cuda_device_available()) {  // "device": "cuda" without a GPU: refused up front (training uses it)
    write("bad3.json", R"({"system": {"potential": "linear_spring"}, "device": "cuda",
      "train_data": {"initial_state": {"sampler": "uniform"}, "integrator": {"dt": 0.01, "frames": 3}},
      "cases": {"x": {"initial_state": {"sampler": "uniform"}, "integrator": {"dt": 0.01, "frames": 3}}}})");
    r = noether("run bad3.json -o out");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("bad3.json: device"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "out"));
  }
}
