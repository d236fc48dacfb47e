// run/test_hnn.cpp — `noether run` on HNN configs (a top-level "task", run/hnn.hpp) end to end through the
// CLI on tiny settings: metrics.json with both models' mean / std error and the published numbers,
// summary.md's table; the two-body / three-body tasks (their reference defaults, energy protocol) and
// trajectories.npz (array names and shapes of scripts/plot_hnn.py's spec, the dim == 2 grid); config errors
// (unknown key, missing real-pendulum data, bad batch / orbit keys) name the key before any output.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"
#include "support/run_metrics_util.hpp"
#include "noether/physics/cuda.hpp"

using namespace noether_test;

namespace {
/// The repository's copy of the Schmidt & Lipson real-pendulum data (data/schmidt-lipson/README.md).
const std::string kRealPendulum = std::string(NOETHER_SOURCE_DIR) + "/data/schmidt-lipson/real_pend_h_1.txt";
}  // namespace

TEST_F(CliTest, RunHnnMassSpringWritesMetricsAndSummary) {
  write("hnn.json", R"({"task": "hnn_mass_spring", "steps": 50, "hidden": [16, 16], "seeds": [0, 1]})");
  const CmdResult r = noether("run hnn.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "hnn_mass_spring");
  EXPECT_EQ(m.at("seeds").size(), 2u);
  expect_two_seed_models(m);
  EXPECT_EQ(m.at("published").at("hnn").at("energy_mse").get<double>(), 3.84e-4);
  EXPECT_EQ(m.at("published").at("baseline").at("test_loss").get<double>(), 3.67e-2);
  const std::string md = slurp("out/summary.md");
  EXPECT_NE(md.find("| model | train loss | test loss | test loss (published) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| HNN | "), std::string::npos) << md;
  EXPECT_NE(md.find("| baseline | "), std::string::npos) << md;
  EXPECT_NE(md.find(" ± "), std::string::npos) << md;
  EXPECT_NE(md.find("Energy MSE ratio HNN / baseline"), std::string::npos) << md;
  EXPECT_NE(r.out.find("seed 1 (2/2) hnn"), std::string::npos) << r.out;
  const std::string dev = m.at("training").at("device").get<std::string>();  // auto: the GPU only when usable
  EXPECT_EQ(dev == "cpu", !noether::cuda_device_available()) << dev;
}

TEST_F(CliTest, RunHnnRejectsBadConfigsNamingTheKey) {
  write("bad.json", R"({"task": "hnn_pendulum", "step": 50})");
  CmdResult r = noether("run bad.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad.json: step: unknown key (did you mean 'steps'?)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  write("bad2.json", R"({"task": "hnn_pendulm"})");
  r = noether("run bad2.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("did you mean 'hnn_pendulum'"), std::string::npos) << r.err;
  write("bad3.json", R"({"task": "hnn_real_pendulum", "steps": 5})");  // default data path absent here
  r = noether("run bad3.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad3.json: data: real pendulum data not found"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  write("bad4.json", R"({"task": "hnn_mass_spring", "data": "x.txt"})");
  r = noether("run bad4.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad4.json: data: only the task hnn_real_pendulum"), std::string::npos) << r.err;
  write("bad5.json", R"({"task": "hnn_mass_spring", "seeds": [1, 1]})");
  r = noether("run bad5.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad5.json: seeds: seed 1 appears twice"), std::string::npos) << r.err;
  write("bad6.json", R"({"task": "hnn_mass_spring", "device": "gpu"})");
  r = noether("run bad6.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad6.json: device"), std::string::npos) << r.err;
  if (!noether::cuda_device_available()) {  // cuda without a device: refused before any work
    write("bad7.json", R"({"task": "hnn_mass_spring", "device": "cuda"})");
    r = noether("run bad7.json -o out");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("bad7.json: device: \"cuda\" but no CUDA device is usable"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir_ / "out"));
  }
}

TEST_F(CliTest, RunHnnRealPendulumReadsTheDataKey) {
  ASSERT_TRUE(fs::exists(kRealPendulum)) << kRealPendulum << " is part of the repository";
  write("real.json", std::string(R"({"task": "hnn_real_pendulum", "steps": 20, "hidden": [8], "seeds": [3], "data": ")") +
                         kRealPendulum + "\"}");
  const CmdResult r = noether("run real.json -o out -q");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("data"), kRealPendulum);
  EXPECT_EQ(m.at("training").at("weight_decay").get<double>(), 1e-5);  // the real pendulum's default
  EXPECT_EQ(m.at("models").at("hnn").at("energy_mse").at("stderr").get<double>(), 0.0);  // one seed
  EXPECT_GT(m.at("models").at("baseline").at("energy_mse").at("mean").get<double>(), 0.0);
}

namespace {

/// The array `name` of an npz, with its shape checked.
noether::NpyArray npz_array(const noether::NpzArchive& z, const std::string& name, std::vector<std::size_t> shape) {
  const auto it = z.find(name);
  EXPECT_NE(it, z.end()) << "array " << name << " missing";
  if (it == z.end()) return {};
  EXPECT_EQ(it->second.shape, shape) << name;
  EXPECT_EQ(it->second.dtype, "<f8") << name;
  return it->second;
}

}  // namespace

TEST_F(CliTest, RunHnnTwoBodyWritesMetricsAndTrajectories) {
  write("two.json", R"({"task": "hnn_two_body", "steps": 20, "hidden": [16], "seeds": [4], "trajectories": 10,
                        "energy_states": 3})");
  const CmdResult r = noether("run two.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "hnn_two_body");
  EXPECT_EQ(m.at("dim"), 8);
  EXPECT_EQ(m.at("training").at("batch_size"), 200);  // the reference defaults of the two-body task
  EXPECT_EQ(m.at("training").at("weight_decay").get<double>(), 0.0);
  EXPECT_EQ(m.at("training").at("steps"), 20);
  EXPECT_EQ(m.at("dataset").at("trajectories"), 10);
  EXPECT_EQ(m.at("dataset").at("rows_test"), 2 * 50);  // the first 20% of the rows
  EXPECT_NE(m.at("energy_protocol").get<std::string>().find("t = linspace(0, 20, 100)"), std::string::npos);
  for (const char* model : {"hnn", "baseline"})
    for (const char* k : {"train_loss", "test_loss", "energy_mse", "energy_mse_test_trajectories"}) {
      const auto v = m.at("models").at(model).at(k).at("per_seed").get<std::vector<double>>();
      ASSERT_EQ(v.size(), 1u) << model << " " << k;
      EXPECT_TRUE(std::isfinite(v[0]) && v[0] > 0) << model << " " << k;
    }
  EXPECT_EQ(m.at("published").at("hnn").at("energy_mse").get<double>(), 3.88e-5);
  const auto z = noether::read_npz((dir_ / "out/trajectories.npz").string());
  const auto t = npz_array(z, "times", {100});
  EXPECT_EQ(t.data.front(), 0.0);
  EXPECT_DOUBLE_EQ(t.data.back(), 20.0);
  for (const char* k : {"true", "hnn", "baseline"}) npz_array(z, k, {3, 100, 8});
  const auto E = npz_array(z, "true_energy", {3, 100});
  for (const char* k : {"hnn_energy", "baseline_energy", "hnn_learned_H"}) npz_array(z, k, {3, 100});
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < 100; ++i) EXPECT_NEAR(E.data[s * 100 + i], E.data[s * 100], 1e-8);  // truth conserves H
  EXPECT_EQ(z.count("grid_q"), 0u);  // no phase-space grid for 8 dimensions
  // energy_mse is the mean squared difference of the npz's energies (first seed).
  const auto Eb = npz_array(z, "baseline_energy", {3, 100});
  double mse = 0;
  for (std::size_t i = 0; i < E.data.size(); ++i) mse += (E.data[i] - Eb.data[i]) * (E.data[i] - Eb.data[i]) / 300.0;
  EXPECT_NEAR(m.at("models").at("baseline").at("energy_mse").at("mean").get<double>(), mse, 1e-12 * mse);
  const std::string md = slurp("out/summary.md");
  EXPECT_NE(md.find("phase_space.png"), std::string::npos) << md;
  EXPECT_NE(md.find("energy MSE, test trajectories"), std::string::npos) << md;
}

TEST_F(CliTest, RunHnnThreeBodyUsesItsReferenceProtocol) {
  write("three.json", R"({"task": "hnn_three_body", "steps": 10, "hidden": [8], "seeds": [0], "trajectories": 5,
                          "energy_states": 2, "batch_size": 30})");
  const CmdResult r = noether("run three.json -o out -q");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("dim"), 12);
  EXPECT_EQ(m.at("training").at("batch_size"), 30);
  EXPECT_EQ(m.at("training").at("weight_decay").get<double>(), 1e-4);
  EXPECT_EQ(m.at("dataset").at("rows_train"), 4 * 20);
  EXPECT_EQ(m.at("published").at("baseline").at("energy_mse").get<double>(), 1.09e+2);
  const auto z = noether::read_npz((dir_ / "out/trajectories.npz").string());
  const auto t = npz_array(z, "times", {500});
  EXPECT_DOUBLE_EQ(t.data.back(), 3.0);
  for (const char* k : {"true", "hnn", "baseline"}) npz_array(z, k, {2, 500, 12});
  for (const char* k : {"true_energy", "hnn_energy", "baseline_energy", "hnn_learned_H"}) npz_array(z, k, {2, 500});
}

TEST_F(CliTest, RunHnnMassSpringWritesThePhaseSpaceGrid) {
  write("ms.json", R"({"task": "hnn_mass_spring", "steps": 5, "hidden": [8], "seeds": [1], "energy_states": 2})");
  const CmdResult r = noether("run ms.json -o out -q");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto z = noether::read_npz((dir_ / "out/trajectories.npz").string());
  npz_array(z, "true", {2, 100, 2});
  const auto q = npz_array(z, "grid_q", {20}), p = npz_array(z, "grid_p", {20});
  const auto H = npz_array(z, "grid_true_H", {20, 20});
  npz_array(z, "grid_hnn_H", {20, 20});
  const auto F = npz_array(z, "grid_true_field", {20, 20, 2});
  npz_array(z, "grid_hnn_field", {20, 20, 2});
  npz_array(z, "grid_baseline_field", {20, 20, 2});
  ASSERT_EQ(H.data.size(), 400u);
  ASSERT_EQ(F.data.size(), 800u);
  EXPECT_LT(q.data.front(), 0.0);  // the data's range spans both signs
  EXPECT_GT(q.data.back(), 0.0);
  for (int i = 0; i < 20; i += 7)
    for (int j = 0; j < 20; j += 5) {  // [iq, ip]: H = q² + p², field (2p, −2q)
      EXPECT_DOUBLE_EQ(H.data[i * 20 + j], q.data[i] * q.data[i] + p.data[j] * p.data[j]);
      EXPECT_DOUBLE_EQ(F.data[2 * (i * 20 + j)], 2 * p.data[j]);
      EXPECT_DOUBLE_EQ(F.data[2 * (i * 20 + j) + 1], -2 * q.data[i]);
    }
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("dim"), 2);
  EXPECT_EQ(m.at("training").at("batch_size"), 0);
  EXPECT_TRUE(m.at("models").at("hnn").contains("energy_mse_test_trajectories"));
}

TEST_F(CliTest, RunHnnRejectsBadOrbitAndBatchKeys) {
  write("b1.json", R"({"task": "hnn_two_body", "batch_sise": 10})");
  CmdResult r = noether("run b1.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("b1.json: batch_sise: unknown key (did you mean 'batch_size'?)"), std::string::npos) << r.err;
  write("b2.json", R"({"task": "hnn_three_body", "batch_size": -5})");
  r = noether("run b2.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("b2.json: batch_size"), std::string::npos) << r.err;
  write("b3.json", R"({"task": "hnn_two_body", "trajectories": 3})");
  r = noether("run b3.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("b3.json: trajectories: expected 0 (the reference count) or at least 5"), std::string::npos)
      << r.err;
  write("b4.json", R"({"task": "hnn_mass_spring", "energy_states": 0})");
  r = noether("run b4.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("b4.json: energy_states"), std::string::npos) << r.err;
  write("b5.json", R"({"task": "hnn_two_bdy"})");
  r = noether("run b5.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("did you mean 'hnn_two_body'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(CliTest, RunHnnPendulumUsesItsOwnHamiltonian) {
  // The ideal pendulum end to end (tiny): its grid holds H = 3(1 − cos q) + p², not the spring's.
  write("pend.json", R"({"task": "hnn_pendulum", "steps": 5, "hidden": [8], "seeds": [2], "energy_states": 2})");
  const CmdResult r = noether("run pend.json -o out -q");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "hnn_pendulum");
  EXPECT_EQ(m.at("published").at("hnn").at("energy_mse").get<double>(), 2.49e-2);
  EXPECT_GT(m.at("models").at("hnn").at("energy_mse").at("mean").get<double>(), 0.0);
  const auto z = noether::read_npz((dir_ / "out/trajectories.npz").string());
  const auto q = npz_array(z, "grid_q", {20}), p = npz_array(z, "grid_p", {20});
  const auto H = npz_array(z, "grid_true_H", {20, 20});
  for (int i = 0; i < 20; i += 6)
    for (int j = 0; j < 20; j += 6)
      EXPECT_NEAR(H.data[i * 20 + j], 3 * (1 - std::cos(q.data[i])) + p.data[j] * p.data[j], 1e-12);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "summary.md"));
}
