// run/test_mclnn_at_scale.cpp — the "at_scale" section of an MCLNN experiment (run/mclnn_at_scale.hpp) end to end on a
// tiny gravity model: metrics per tail (the force-error distribution, energy drift, virial ratio, support visits),
// force_errors.csv with one column per tail, the summary's table; and bad "tails" entries named before any work.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

std::string tiny_gravity(const std::string& tails) {
  return R"({"system": {"potential": "gravity", "G": 1.0, "softening": 0.1}, "device": "cpu",
 "train_data": {"initial_state": {"sampler": "uniform", "trajectories": 8, "particles": 4, "dim": 3, "seed": 1,
                                  "box": 6.0, "min_distance": 1.0, "velocity_scale": 0.2},
                "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 6}},
 "train": {"epochs": 3, "hidden": [6, 6], "init": "force-match"},
 "cases": {"four": {"initial_state": {"sampler": "uniform", "particles": 4, "dim": 3, "seed": 2, "box": 6.0,
                                      "min_distance": 1.0},
                    "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 3}}},
 "at_scale": {"initial_state": {"sampler": "uniform", "particles": 60, "dim": 3, "seed": 3, "box": 14.0,
                                "min_distance": 1.0, "velocity": "gaussian", "velocity_scale": 0.5},
              "integrator": {"method": "verlet", "dt": 0.01, "stride": 5, "frames": 4},
              "tails": )" + tails + "}}";
}

}  // namespace

TEST_F(CliTest, RunAtScaleReportsEveryTail) {
  write("g.json", tiny_gravity(R"(["none", {"policy": "power", "n": 1}])"));
  const CmdResult r = noether("run g.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  const auto& a = m.at("models").at("mclnn").at("at_scale");
  EXPECT_EQ(a.at("particles"), 60);
  for (const char* t : {"none", "power n=1"}) {
    const auto& x = a.at("tails").at(t);
    const auto& e = x.at("force_error");
    EXPECT_GE(e.at("p90").get<double>(), e.at("median").get<double>()) << t;
    EXPECT_GE(e.at("max").get<double>(), e.at("p99").get<double>()) << t;
    EXPECT_EQ(x.at("virial_ratio").at("series").size(), 4u) << t;
    EXPECT_TRUE(x.at("support_visits").contains("fraction_outside")) << t;
  }
  EXPECT_TRUE(a.at("tails").at("power n=1").at("tail").at("fitted").get<bool>());
  EXPECT_EQ(a.at("truth").at("virial_ratio").at("series").size(), 4u);
  const std::string csv = slurp("out/at_scale/force_errors.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "particle,none,power_n_1");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 61);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "at_scale" / "power_n_1.npz"));
  EXPECT_NE(slurp("out/summary.md").find("| power n=1 | "), std::string::npos);
}

TEST_F(CliTest, RunAtScaleRejectsBadTailsBeforeAnyWork) {
  struct Bad {
    std::string tails, says;
  };
  const Bad bad[] = {{R"([])", "at_scale.tails"},
                     {R"(["none", "powr"])", "at_scale.tails[1]"},
                     {R"(["none", {"policy": "zero", "n": 1}])", "tail.n"},
                     {R"(["power", "power"])", "given twice"},
                     {R"([3])", "at_scale.tails[0]"}};
  for (const Bad& b : bad) {
    write("bad.json", tiny_gravity(b.tails));
    const CmdResult r = noether("run bad.json -o out");
    EXPECT_NE(r.code, 0) << b.tails;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.tails << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out")) << b.tails;
  }
}
