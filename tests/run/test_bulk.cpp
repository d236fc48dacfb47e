// run/test_bulk.cpp — `noether run` of the bulk generalization experiment (run/bulk.hpp) end to end on a tiny LJ
// config: metrics.json per case (truth and learned observables, their comparison, support visits), the learned law's
// dV/dr per species pair, summary.md, cases ordered by size; and config errors naming the key before any output.
// The pinned numbers of the documented experiment's short version are the golden bulk_lj_generalization.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

/// A tiny experiment: 108 training particles, 2 epochs, two cases listed largest first.
std::string tiny_config(const std::string& extra = "", const std::string& rdf = R"({"r_max": 2.4, "bins": 24})") {
  return R"({"task": "bulk_generalization",
  "system": {"potential": "lennard_jones", "cutoff": 2.5, "smoothing": "switch", "r_on": 2.0},
  "rdf": )" + rdf + R"(,
  "equilibrate": {"steps": 50, "dt": 0.005, "thermostat": {"method": "bussi", "temperature": 1.0, "tau": 0.1, "seed": 3}},
  "train_data": {"initial_state": {"sampler": "fcc", "cells": 3, "density": 0.8, "temperature": 1.0, "seed": 1},
                 "integrator": {"method": "verlet", "dt": 0.005, "stride": 10, "frames": 11}},
  "train": {"epochs": 2, "stride": 5, "batch_size": 4},
  "cases": {"big": {"initial_state": {"sampler": "fcc", "cells": 4, "density": 0.8, "temperature": 1.0, "seed": 2},
                    "integrator": {"method": "verlet", "dt": 0.005, "stride": 5, "frames": 4}, "truth": false},
            "small": {"initial_state": {"sampler": "fcc", "cells": 3, "density": 0.8, "temperature": 1.0, "seed": 2},
                      "integrator": {"method": "verlet", "dt": 0.005, "stride": 5, "frames": 4}, "equilibrate": false}})" +
         extra + "}";
}

}  // namespace

TEST_F(CliTest, RunBulkGeneralizationWritesMetricsPerCase) {
  write("bulk.json", tiny_config());
  const CmdResult r = noether("run bulk.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_LT(r.out.find("case small"), r.out.find("case big")) << r.out;  // smallest first, whatever the key order
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "bulk_generalization");
  ASSERT_EQ(m.at("potentials").size(), 1u);
  EXPECT_GT(m["potentials"][0]["dVdr_rel_l2"].get<double>(), 0.0);
  const auto& small = m.at("cases").at("small");
  EXPECT_EQ(small.at("particles"), 108);
  EXPECT_EQ(small.at("equilibrated"), false);
  for (const char* side : {"truth", "learned"}) {
    EXPECT_GT(small.at(side).at("temperature").at("mean").get<double>(), 0.0) << side;
    EXPECT_TRUE(small.at(side).at("pressure").contains("mean")) << side;
    EXPECT_EQ(small.at(side).at("steps"), 15) << side;
  }
  const auto& cmp = small.at("compare");
  EXPECT_EQ(cmp.at("rdf").size(), 1u);
  EXPECT_GE(cmp.at("rdf_worst").get<double>(), 0.0);
  EXPECT_TRUE(cmp.contains("pressure_rel") && cmp.contains("diffusion_rel"));
  EXPECT_TRUE(small.at("learned").at("support_visits").contains("fraction_outside"));
  const auto& big = m.at("cases").at("big");
  EXPECT_EQ(big.at("particles"), 256);
  EXPECT_FALSE(big.contains("truth"));
  EXPECT_FALSE(big.contains("compare"));
  EXPECT_GT(big.at("peak_memory_bytes").get<double>(), 0.0);
  const std::string md = slurp("out/summary.md");
  EXPECT_NE(md.find("| small | 108 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| big | 256 |"), std::string::npos) << md;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "cases" / "small" / "truth_analysis.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "mclnn" / "pair_tables.json"));
}

TEST_F(CliTest, RunBulkGeneralizationConfigErrorsNameTheKey) {
  struct Bad {
    std::string config, says;
  };
  std::string no_cutoff = tiny_config();
  no_cutoff.replace(no_cutoff.find(R"("cutoff": 2.5, "smoothing": "switch", "r_on": 2.0)"),
                    std::string(R"("cutoff": 2.5, "smoothing": "switch", "r_on": 2.0)").size(), R"("epsilon": 1.0)");
  const Bad bad[] = {
      {tiny_config(R"(, "train_dat": {})"), "train_dat"},
      {tiny_config("", R"({"bins": 24})"), "rdf.r_max"},
      {tiny_config("", R"({"r_max": 3.0, "bins": 24})"), "rdf.r_max"},  // beyond half the 108-particle box
      {tiny_config(R"(, "learned_law": "spline")"), "learned_law"},
      {no_cutoff, "cutoff"},
  };
  for (const Bad& b : bad) {
    write("bad.json", b.config);
    const CmdResult r = noether("run bad.json -o out");
    EXPECT_NE(r.code, 0) << b.says;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.says << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out")) << b.says;
  }
  std::string patience = tiny_config();
  patience.replace(patience.find(R"("epochs": 2)"), 11, R"("epochs": 2, "patience": 5)");
  write("bad.json", patience);
  const CmdResult r = noether("run bad.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("train.patience"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not an option of the bulk trainer"), std::string::npos) << r.err;
}
