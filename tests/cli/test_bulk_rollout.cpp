// cli/test_bulk_rollout.cpp — bulk runs on the command line (docs/BULK.md): `noether simulate` of a periodic
// Lennard-Jones config writes box, periodic flags, image counters and the MSD; `noether rollout` of a learned pair model takes
// the box over from --init, cuts the model off with --cutoff / --r-on and runs on the cell list; a cutoff longer than
// half the box is an error naming --init's box, and one beyond a pair table's range an error naming --cutoff.
#include <gtest/gtest.h>

#include <string>

#include "noether/io/model_file.hpp"
#include "noether/io/npz.hpp"
#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

const char* kLj = R"({"system": {"potential": "lennard_jones", "cutoff": 2.5, "r_on": 2.0},
 "initial_state": {"sampler": "fcc", "cells": 3, "density": 0.8, "temperature": 1.0, "seed": 2},
 "integrator": {"method": "verlet", "dt": 0.005, "stride": 10, "frames": 3}})";

}  // namespace

TEST_F(CliTest, BulkSimulateAndRolloutCarryTheBox) {
  write("lj.json", kLj);
  const CmdResult sim = noether("simulate lj.json -o truth.npz");
  ASSERT_EQ(sim.code, 0) << sim.err;
  EXPECT_NE(sim.out.find("neighbor-list builds"), std::string::npos) << sim.out;
  const noether::NpzArchive truth = noether::read_npz((dir_ / "truth.npz").string());
  ASSERT_TRUE(truth.count("box") && truth.count("periodic") && truth.count("images") && truth.count("pressure"));
  const std::vector<double>& msd = truth.at("msd").data;  // (1, 3): 0 at the start, growing
  ASSERT_EQ(msd.size(), 3u);
  EXPECT_EQ(msd[0], 0.0);
  EXPECT_GT(msd[1], 0.0);
  EXPECT_GT(msd[2], msd[1]);
  const double L = truth.at("box").data[0];
  EXPECT_NEAR(L, 3 * std::cbrt(4.0 / 0.8), 1e-12);

  noether::ModelFile m;  // a small pair MLP V(r): widths 1-8-1, fixed weights
  m.shape.widths = {1, 8, 1};
  m.shape.activation = noether::Activation::Tanh;
  m.params.resize(m.shape.parameter_count());
  for (std::size_t k = 0; k < m.params.size(); ++k) m.params[k] = 0.1 * double(int(k % 7) - 3);
  noether::save_model_file((dir_ / "model.json").string(), m);

  const CmdResult ro = noether("rollout --model model.json --init truth.npz --dt 0.005 --steps 20 --stride 10 "
                               "--cutoff 2.5 --r-on 2.0 --neighbor cell --device cpu -o pred.npz -q");
  ASSERT_EQ(ro.code, 0) << ro.err;
  const noether::NpzArchive pred = noether::read_npz((dir_ / "pred.npz").string());
  ASSERT_TRUE(pred.count("box") && pred.count("images"));
  EXPECT_EQ(pred.at("box").data, truth.at("box").data);
  for (double x : pred.at("positions").data) {
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, L);
  }

  const CmdResult ev = noether("evaluate --truth truth.npz --pred pred.npz -q");  // the bulk keys pass the archive check
  EXPECT_EQ(ev.code, 0) << ev.err;

  const CmdResult bad = noether("rollout --model model.json --init truth.npz --dt 0.005 --steps 20 --cutoff 2.7 "
                                "--smoothing shifted_force --device cpu -o bad.npz -q");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("truth.npz: box.lengths[0]"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("twice the cutoff"), std::string::npos) << bad.err;

  // a table's range bounds the cutoff
  const CmdResult tab = noether("tabulate --model model.json --r-min 0.5 --r-max 2.0 -o table.json -q");
  ASSERT_EQ(tab.code, 0) << tab.err;
  const CmdResult beyond = noether("rollout --model table.json --init truth.npz --dt 0.005 --steps 20 --cutoff 2.5 "
                                   "--r-on 2.0 --device cpu -o t.npz -q");
  EXPECT_EQ(beyond.code, 1);
  EXPECT_NE(beyond.err.find("--cutoff: 2.5 is beyond the range of the table"), std::string::npos) << beyond.err;
}
