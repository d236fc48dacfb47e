// cli/test_train_bulk.cpp — `noether train` on bulk data as a user meets it: `noether simulate` of a small periodic
// LJ mixture (2 species) writes box, periodic and species; `noether train --cutoff` trains the 3 species-pair networks
// and writes a "noether-pair-models" file that loads back; without --cutoff the per-pair cutoffs come from the data;
// metadata.training.init records the start (--init force-match, the default, or random).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "noether/mclnn/bulk_model_file.hpp"
#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

const char* kLj = R"({"system": {"potential": "lennard_jones", "smoothing": "switch",
   "pairs": [{"species": [0, 0], "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.5, "r_on": 2.0},
             {"species": [0, 1], "epsilon": 1.2, "sigma": 1.0, "cutoff": 2.3, "r_on": 1.9},
             {"species": [1, 1], "epsilon": 0.8, "sigma": 1.0, "cutoff": 2.5, "r_on": 2.0}]},
 "initial_state": {"sampler": "fcc", "cells": [3, 3, 3], "density": 0.8, "temperature": 1.0, "seed": 1},
 "species": {"pattern": [0, 1]},
 "integrator": {"method": "verlet", "dt": 0.005, "stride": 10, "frames": 4}})";

}  // namespace

class TrainBulkCliTest : public CliTest {};

TEST_F(TrainBulkCliTest, TrainOnBulkDataWritesSpeciesPairModels) {
  write("lj.json", kLj);
  ASSERT_EQ(noether("simulate lj.json -o lj.npz -q").code, 0);
  const CmdResult r =
      noether("train --data lj.npz -o pairs.json --cutoff 2.5 --r-on 2.0 --epochs 2 --stride 2 --hidden 6,6");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("3 pair networks"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(slurp("pairs.json"));
  EXPECT_EQ(j["format"], "noether-pair-models");
  EXPECT_EQ(j["pairs"].size(), 3u);
  EXPECT_EQ(j["pairs"][1]["model"]["format"], "noether-model");
  const noether::BulkPairModel m = noether::load_bulk_pair_model((dir_ / "pairs.json").string());
  EXPECT_EQ(m.S, 2);
  for (const auto& c : m.pair_cutoffs) EXPECT_EQ(c.cutoff, 2.5);  // --cutoff: every pair
  EXPECT_EQ(m.shape.widths, (std::vector<int>{1, 6, 6, 1}));
  EXPECT_EQ(m.params.size(), 3 * m.shape.parameter_count());
  // round trip: the same JSON again
  EXPECT_EQ(noether::bulk_pair_model_json(m, j["metadata"].dump()), j.dump(1));

  // without --cutoff: the per-pair cutoffs `noether simulate` wrote into the data
  const CmdResult r2 = noether("train --data lj.npz -o pairs2.json --epochs 1 --stride 2 --hidden 4");
  ASSERT_EQ(r2.code, 0) << r2.err << r2.out;
  EXPECT_NE(r2.out.find("per species pair from the data"), std::string::npos) << r2.out;
  const noether::BulkPairModel m2 = noether::load_bulk_pair_model((dir_ / "pairs2.json").string());
  ASSERT_EQ(m2.pair_cutoffs.size(), 3u);
  EXPECT_EQ(m2.pair_cutoffs[0].cutoff, 2.5);
  EXPECT_EQ(m2.pair_cutoffs[1].cutoff, 2.3);
  EXPECT_EQ(m2.pair_cutoffs[1].r_on, 1.9);
  EXPECT_EQ(m2.pair_cutoffs[2].cutoff, 2.5);
  EXPECT_EQ(m2.pair_cutoffs[1].smoothing, noether::Smoothing::Switch);
  // the start is recorded: force-match by default (4 frames: the 3-point stencil), random on request
  const auto md2 = nlohmann::json::parse(slurp("pairs2.json"))["metadata"]["training"]["init"];
  EXPECT_EQ(md2["kind"], "force-match") << md2.dump();
  EXPECT_EQ(md2["stencil"], 3);
  EXPECT_EQ(md2["prefit_loss"].size(), 3u);
  EXPECT_NE(r2.out.find("force-matching start"), std::string::npos) << r2.out;
  const CmdResult r3 = noether("train --data lj.npz -o pairs3.json --epochs 1 --stride 2 --hidden 4 --init random -q");
  ASSERT_EQ(r3.code, 0) << r3.err << r3.out;
  EXPECT_EQ(nlohmann::json::parse(slurp("pairs3.json"))["metadata"]["training"]["init"]["kind"], "random");
  const CmdResult r4 = noether("train --data lj.npz -o pairs4.json --epochs 1 --init forcematch -q");
  EXPECT_NE(r4.code, 0);
  EXPECT_NE(r4.err.find("--init"), std::string::npos) << r4.err;
}
