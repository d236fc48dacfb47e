// test_hnn_run.cpp — `noether run` on HNN configs (a top-level "task", run_hnn.hpp) end to end through the
// CLI on tiny settings: metrics.json with both models' mean / std error and the published numbers,
// summary.md's table; config errors (unknown key, missing real-pendulum data) name the key before any output.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

using namespace noether_test;

namespace {
const char* kRealPendulum = "/work/shared/data/schmidt-lipson/real_pend_h_1.txt";
}  // namespace

TEST_F(CliTest, RunHnnMassSpringWritesMetricsAndSummary) {
  write("hnn.json", R"({"task": "hnn_mass_spring", "steps": 50, "hidden": [16, 16], "seeds": [0, 1]})");
  const CmdResult r = noether("run hnn.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "hnn_mass_spring");
  EXPECT_EQ(m.at("seeds").size(), 2u);
  for (const char* model : {"hnn", "baseline"}) {
    const auto& mm = m.at("models").at(model);
    for (const char* k : {"train_loss", "test_loss", "energy_mse"}) {
      const auto& s = mm.at(k);
      const double mean = s.at("mean").get<double>(), se = s.at("stderr").get<double>();
      const auto v = s.at("per_seed").get<std::vector<double>>();
      ASSERT_EQ(v.size(), 2u) << model << " " << k;
      EXPECT_GT(mean, 0.0) << model << " " << k;
      EXPECT_NEAR(mean, 0.5 * (v[0] + v[1]), 1e-12 * mean);
      EXPECT_NEAR(se, 0.5 * std::abs(v[0] - v[1]), 1e-12 * mean);  // n = 2: s/√2 = |a − b|/2
    }
    EXPECT_GT(mm.at("seconds").get<double>(), 0.0);
  }
  EXPECT_EQ(m.at("published").at("hnn").at("energy_mse").get<double>(), 3.84e-4);
  EXPECT_EQ(m.at("published").at("baseline").at("test_loss").get<double>(), 3.67e-2);
  const std::string md = slurp("out/summary.md");
  EXPECT_NE(md.find("| model | train loss | test loss | test loss (published) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| HNN | "), std::string::npos) << md;
  EXPECT_NE(md.find("| baseline | "), std::string::npos) << md;
  EXPECT_NE(md.find(" ± "), std::string::npos) << md;
  EXPECT_NE(md.find("Energy MSE ratio HNN / baseline"), std::string::npos) << md;
  EXPECT_NE(r.out.find("seed 1 (2/2) hnn"), std::string::npos) << r.out;
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
}

TEST_F(CliTest, RunHnnRealPendulumReadsTheDataKey) {
  if (!fs::exists(kRealPendulum)) GTEST_SKIP() << kRealPendulum << " not available";
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
