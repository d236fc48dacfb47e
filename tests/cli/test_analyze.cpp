// cli/test_analyze.cpp — `noether analyze` (physics/trajectory_analysis.hpp) on what `noether simulate` writes: its
// temperature, pressure and MSD equal the keys the simulation wrote (one formula source), g(r) of a 2-species run has
// every species pair, the diffusion coefficient is the MSD slope; a NumPy-style file without images or box gets notes,
// not numbers; bad options and bad files exit non-zero naming the flag or key and write nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "noether/io/npz.hpp"
#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

const char* kMixture = R"({"system": {"potential": "lennard_jones", "smoothing": "switch",
 "pairs": [{"species": [0, 0], "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.5, "r_on": 2.0},
           {"species": [0, 1], "epsilon": 1.5, "sigma": 0.8, "cutoff": 2.0, "r_on": 1.8},
           {"species": [1, 1], "epsilon": 0.5, "sigma": 0.88, "cutoff": 2.2, "r_on": 1.98}]},
 "species": {"pattern": [0, 0, 0, 1]},
 "initial_state": {"sampler": "fcc", "cells": 3, "density": 0.8, "temperature": 1.0, "seed": 5},
 "integrator": {"method": "verlet", "dt": 0.005, "stride": 10, "frames": 6}})";

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

}  // namespace

TEST_F(CliTest, AnalyzeAgreesWithTheSimulationsOwnObservables) {
  write("mix.json", kMixture);
  ASSERT_EQ(noether("simulate mix.json -o traj.npz -q").code, 0);
  const CmdResult r = noether("analyze traj.npz -o an --rdf-bins 40 --r-max 2.4 --no-plot");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("g(r) of species 0-1"), std::string::npos) << r.out;
  const nlohmann::json a = read_json(dir_ / "an" / "analysis.json");
  const noether::NpzArchive z = noether::read_npz((dir_ / "traj.npz").string());
  const auto& Tz = z.at("temperature").data;
  const auto& Pz = z.at("pressure").data;
  const auto& Mz = z.at("msd").data;
  ASSERT_EQ(a["temperature"]["series"].size(), Tz.size());
  for (std::size_t f = 0; f < Tz.size(); ++f) {
    EXPECT_NEAR(a["temperature"]["series"][f].get<double>(), Tz[f], 1e-12 * std::fabs(Tz[f])) << f;
    EXPECT_NEAR(a["pressure"]["series"][f].get<double>(), Pz[f], 1e-12 * std::fabs(Pz[f]) + 1e-15) << f;
    EXPECT_NEAR(a["msd"]["series"][f].get<double>(), Mz[f], 1e-12 * std::fabs(Mz[f]) + 1e-15) << f;
  }
  EXPECT_EQ(a["species"], 2);
  ASSERT_EQ(a["rdf"]["pairs"].size(), 3u);  // 0-0, 0-1, 1-1
  EXPECT_EQ(a["rdf"]["bins"], 40);
  for (const auto& p : a["rdf"]["pairs"]) {
    EXPECT_EQ(p["g"].size(), 40u);
    EXPECT_GT(p["first_peak"]["g"].get<double>(), 0.0) << p["species"];
  }
  EXPECT_GT(a["msd"]["diffusion"].get<double>(), 0.0);
  EXPECT_LT(a["energy"]["drift"].get<double>(), 1e-3);

  // --skip-frames leaves the first frames out: the MSD restarts at the first used frame.
  const CmdResult s = noether("analyze traj.npz -o an2 --skip-frames 2 --no-plot -q");
  ASSERT_EQ(s.code, 0) << s.err;
  const nlohmann::json b = read_json(dir_ / "an2" / "analysis.json");
  EXPECT_EQ(b["frames_used"], 4);
  EXPECT_EQ(b["msd"]["series"][2].get<double>(), 0.0);
}

TEST_F(CliTest, AnalyzeWithoutBoxOrImagesSaysWhy) {
  // A periodic trajectory written without image counters: no MSD (wrapped positions would lie), g(r) still.
  noether::NpzEntry pos{"positions", {1, 3, 4, 3}, {}, false};
  for (int k = 0; k < 36; ++k) pos.data.push_back(0.3 + 0.1 * (k % 5) + 0.01 * k);
  noether::write_npz((dir_ / "np.npz").string(), {pos, {"box", {3}, {4, 4, 4}, false}});
  const CmdResult r = noether("analyze np.npz -o an --no-plot");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no MSD"), std::string::npos) << r.out;
  const nlohmann::json a = read_json(dir_ / "an" / "analysis.json");
  EXPECT_TRUE(a["msd"].contains("note"));
  EXPECT_FALSE(a.contains("temperature"));  // no velocities
  EXPECT_EQ(a["rdf"]["r_max"].get<double>(), 2.0);  // 5 (V/N)^(1/3) = 7.9, capped at half the edge
  // Open space: no g(r), an MSD.
  noether::write_npz((dir_ / "open.npz").string(), {pos});
  const CmdResult o = noether("analyze open.npz -o ao --no-plot");
  ASSERT_EQ(o.code, 0) << o.err;
  const nlohmann::json b = read_json(dir_ / "ao" / "analysis.json");
  EXPECT_TRUE(b["rdf"].contains("note"));
  EXPECT_EQ(b["msd"]["series"].size(), 3u);
}

TEST_F(CliTest, AnalyzeRefusesBadInputAndWritesNothing) {
  write("mix.json", kMixture);
  ASSERT_EQ(noether("simulate mix.json -o traj.npz -q").code, 0);
  struct Bad {
    std::string args, says;
  };
  const Bad bad[] = {{"analyze missing.npz -o out", "missing.npz"},
                     {"analyze traj.npz -o out --skip-frames 6", "--skip-frames"},
                     {"analyze traj.npz -o out --r-max 9", "--r-max"},
                     {"analyze traj.npz -o out --r-max -1", "--r-max"},
                     {"analyze traj.npz -o out --rdf-bins 0", "--rdf-bins"},
                     {"analyze traj.npz -o out --fit-from 1", "--fit-from"}};
  for (const Bad& b : bad) {
    const CmdResult r = noether(b.args);
    EXPECT_NE(r.code, 0) << b.args;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.args << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out")) << b.args;
  }
  noether::NpzEntry pos{"positions", {1, 2, 2, 3}, std::vector<double>(12, 0.5), false};
  noether::write_npz((dir_ / "badbox.npz").string(), {pos, {"box", {3}, {4, -1, 4}, false}});
  const CmdResult r = noether("analyze badbox.npz -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("'box'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}
