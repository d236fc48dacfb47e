// io/test_bulk_config.cpp — the bulk keys of a simulation config (host/io/simulation_config.cpp, docs/FORMATS.md):
// "box", "system.cutoff" / "smoothing" / "r_on", "system.pairs", "species", "neighbor"; the shipped Lennard-Jones and
// Kob–Andersen configs parse; bad input is an error naming the key; box, species and image counters round-trip
// through the trajectory .npz into an initial state; open-space configs stay non-bulk.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "noether/core/device.hpp"
#include "noether/core/error.hpp"
#include "noether/io/simulation_config.hpp"
#include "noether/io/trajectory.hpp"
#include "noether/physics/simulate.hpp"
#include "support/temp_path.hpp"

using namespace noether;

namespace {

const char* kSys = R"("system": {"potential": "lennard_jones", "cutoff": 2.5, "r_on": 2.0})";
const char* kInt = R"("integrator": {"method": "verlet", "dt": 0.005, "frames": 3, "stride": 2})";
const char* kTwo = R"("initial_state": {"positions": [[1,1,1],[2.1,1,1],[1,2.2,1]], "velocities": [[0,0,0],[0,0,0],[0,0,0]]})";

/// The config {body}, written to a temporary file of this test (removed afterwards) and loaded.
SimulationConfig load_config(const std::string& name, const std::string& body) {
  const noether_test::TempFile file("bulk_" + name, ".json");
  std::ofstream(file.path) << "{" << body << "}";
  return load_simulation_config(file.path.string());
}

std::string error_of(const std::string& body) {
  try {
    load_config("err", body);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(BulkConfig, ShippedConfigsParse) {
  const std::string dir = std::string(NOETHER_SOURCE_DIR) + "/configs/";
  const SimulationConfig lj = load_simulation_config(dir + "lj_liquid_256.json");
  EXPECT_TRUE(lj.bulk.enabled);
  EXPECT_EQ(lj.init.N, 256);
  EXPECT_TRUE(lj.init.box.present && lj.init.box.periodic[0] && lj.init.box.periodic[2]);
  EXPECT_EQ(lj.bulk.pair_cutoffs[0].cutoff, 2.5);
  const SimulationConfig prep = load_simulation_config(dir + "lj_liquid_256_prep.json");
  EXPECT_TRUE(prep.bulk.thermostat.enabled);
  EXPECT_EQ(prep.bulk.thermostat.temperature, 1.0);
  const SimulationConfig ka = load_simulation_config(dir + "kob_andersen_1000.json");
  EXPECT_EQ(ka.init.N, 1000);
  EXPECT_EQ(ka.bulk.species_count, 2);
  int b = 0;
  for (int s : ka.init.species) b += s;
  EXPECT_EQ(b, 200);
  EXPECT_EQ(ka.bulk.pair_laws[1].epsilon, 1.5);   // (A, B)
  EXPECT_EQ(ka.bulk.pair_laws[2].sigma, 0.8);     // (B, A) = (A, B)
  EXPECT_EQ(ka.bulk.pair_laws[3].sigma, 0.88);
  EXPECT_EQ(ka.bulk.pair_cutoffs[3].cutoff, 2.2);
  EXPECT_TRUE(bulk_uses_cells(ka.bulk, ka.init.N));
  // auto: the GPU bulk path where a device is usable (every law kind, the thermostat included), else the CPU
  const DeviceChoice usable = cuda_device_available() ? DeviceChoice::Cuda : DeviceChoice::Cpu;
  EXPECT_EQ(resolve_device(ka), usable);
  EXPECT_EQ(resolve_device(prep), usable);
}

TEST(BulkConfig, OpenSpaceConfigsStayAsBefore) {
  const SimulationConfig c = load_simulation_config(std::string(NOETHER_SOURCE_DIR) + "/configs/linear_spring_6particles.json");
  EXPECT_FALSE(c.bulk.enabled);
  EXPECT_FALSE(c.init.box.present);
}

TEST(BulkConfig, SlabBoxAndSpeciesAndNeighborKeys) {
  const SimulationConfig c = load_config(
      "slab", std::string(kSys) + "," + kInt + "," + kTwo +
                  R"(, "box": {"lengths": [6, 6, 3], "periodic": [true, true, false]}, "neighbor": {"method": "cell", "skin": 0.4})");
  EXPECT_TRUE(c.bulk.enabled);
  EXPECT_FALSE(c.init.box.periodic[2]);
  EXPECT_EQ(c.bulk.neighbor, NeighborMethod::Cell);
  EXPECT_EQ(c.bulk.skin, 0.4);
  const Trajectory t = simulate(c, DeviceChoice::Cpu);
  EXPECT_EQ(t.images.size(), t.pos.size());
  EXPECT_EQ(t.virial.size(), 3u);
}

TEST(BulkConfig, BadInputNamesTheKey) {
  const std::string base = std::string(kSys) + "," + kInt + "," + kTwo;
  // a particle outside a non-periodic wall (z = 1 > 0.5)
  EXPECT_NE(error_of(base + R"(, "box": {"lengths": [6, 6, 0.5], "periodic": [true, true, false]})").find("box.lengths[2]"),
            std::string::npos);
  // a periodic axis shorter than 2 r_c
  const std::string shortbox = error_of(base + R"(, "box": {"lengths": [6, 4.9, 6]})");
  EXPECT_NE(shortbox.find("box.lengths[1]"), std::string::npos) << shortbox;
  EXPECT_NE(shortbox.find("twice the cutoff"), std::string::npos) << shortbox;
  // species indices without parameters
  const std::string sp = error_of(base + R"(, "species": [0, 1, 0])");
  EXPECT_NE(sp.find("species[1]"), std::string::npos) << sp;
  EXPECT_NE(sp.find("no parameters"), std::string::npos) << sp;
  // a species pair without parameters
  const std::string pairs = error_of(std::string(kInt) + "," + kTwo + R"(, "system": {"potential": "lennard_jones",
      "cutoff": 2.5, "r_on": 2.0, "pairs": [{"species": [0, 0]}, {"species": [1, 1]}]}, "species": [0, 1, 1])");
  EXPECT_NE(pairs.find("system.pairs"), std::string::npos) << pairs;
  EXPECT_NE(pairs.find("(0, 1)"), std::string::npos) << pairs;
  // a periodic axis without cutoff
  const std::string nocut = error_of(std::string(kInt) + "," + kTwo +
                                     R"(, "system": {"potential": "linear_spring"}, "box": {"lengths": [6, 6, 6]})");
  EXPECT_NE(nocut.find("box.periodic[0]"), std::string::npos) << nocut;
  // r_on beyond the cutoff, a switch without r_on, a wrong box dimension, an unknown neighbor method
  EXPECT_NE(error_of(std::string(kInt) + "," + kTwo + R"(, "system": {"potential": "lennard_jones", "cutoff": 2.5, "r_on": 3})")
                .find("system.r_on"), std::string::npos);
  EXPECT_NE(error_of(std::string(kInt) + "," + kTwo + R"(, "system": {"potential": "lennard_jones", "cutoff": 2.5})")
                .find("system.r_on"), std::string::npos);
  EXPECT_NE(error_of(base + R"(, "box": {"lengths": [6, 6]})").find("box.lengths"), std::string::npos);
  EXPECT_NE(error_of(base + R"(, "neighbor": "cells")").find("neighbor"), std::string::npos);
  // an RK integrator with a box
  EXPECT_NE(error_of(std::string(kSys) + "," + kTwo + R"(, "integrator": {"method": "rk4", "dt": 0.01, "frames": 2}, "box": {"lengths": [6, 6, 6]})")
                .find("integrator.method"), std::string::npos);
}

TEST(BulkConfig, BoxSpeciesAndImagesRoundTripThroughTheNpz) {
  const SimulationConfig c = load_config(
      "rt", std::string(kSys) + "," + kInt + "," + kTwo +
                R"(, "box": {"lengths": [6, 7, 8], "periodic": [true, false, true]}, "species": [0, 0, 0])");
  const Trajectory t = simulate(c, DeviceChoice::Cpu);
  const std::string out = noether_test::unique_temp_path("bulk_rt", ".npz").string();
  write_trajectory_npz(out, t);
  const NpzArchive a = read_npz(out);
  ASSERT_TRUE(a.count("box") && a.count("periodic") && a.count("species") && a.count("images") && a.count("pressure") &&
              a.count("temperature") && a.count("virial"));
  EXPECT_EQ(a.at("box").data, (std::vector<double>{6, 7, 8}));
  EXPECT_EQ(a.at("periodic").data, (std::vector<double>{1, 0, 1}));
  const InitialState s = load_initial_state_npz(out);
  EXPECT_TRUE(s.box.present);
  EXPECT_EQ(s.box.L[1], 7.0);
  EXPECT_FALSE(s.box.periodic[1]);
  EXPECT_EQ(s.species, (std::vector<int>{0, 0, 0}));
  std::filesystem::remove(out);
}

TEST(BulkConfig, SpeciesPairsOfDifferentKinds) {
  // (0, 0) Lennard-Jones from system, (0, 1) a linear spring of its own, (1, 1) a learned law from a model file.
  const noether_test::TempFile model_file("bulk_mixed_model", ".json");
  const auto& model = model_file.path;
  std::ofstream(model) << R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
    "layers": [{"weight": [[0.5], [-0.3], [0.8], [0.1]], "bias": [0.1, 0.2, -0.1, 0.0]},
               {"weight": [[0.4, -0.2, 0.3, 0.5]], "bias": [0.05]}],
    "input_scaling": {"shift": [1.0], "scale": [0.8]}, "output_scaling": {"shift": [0.0], "scale": [0.5]}})";
  const std::string sys = R"("system": {"potential": "lennard_jones", "epsilon": 0.5, "cutoff": 2.5, "r_on": 2.0,
      "pairs": [{"species": [0, 0]}, {"species": [0, 1], "potential": "linear_spring", "k": 2.0, "r0": 1.1},
                {"species": [1, 1], "potential": "file", "file": ")" + model.string() + R"(", "cutoff": 2.4,
                 "smoothing": "shifted_force"}]})";
  const std::string body = sys + "," + kInt + "," + kTwo + R"(, "species": [0, 1, 1])";
  const SimulationConfig c = load_config("mixed", body);
  ASSERT_EQ(c.bulk.species_count, 2);
  EXPECT_EQ(c.bulk.pair_laws[0].kind, PotentialKind::LennardJones);
  EXPECT_EQ(c.bulk.pair_laws[0].epsilon, 0.5);
  EXPECT_EQ(c.bulk.pair_laws[1].kind, PotentialKind::LinearSpring);
  EXPECT_EQ(c.bulk.pair_laws[2].k, 2.0);
  EXPECT_EQ(c.bulk.pair_laws[3].kind, PotentialKind::Learned);
  EXPECT_EQ(c.bulk.pair_cutoffs[1].cutoff, 2.5);  // system's cutoff keys are the default of a pair with its own law
  EXPECT_EQ(c.bulk.pair_cutoffs[3].cutoff, 2.4);
  EXPECT_EQ(c.bulk.pair_cutoffs[3].smoothing, Smoothing::ShiftedForce);
  const Trajectory t = simulate(c, DeviceChoice::Cpu);
  EXPECT_TRUE(std::isfinite(t.frames.back().potential[0]));
  EXPECT_NE(t.frames.back().potential[0], 0.0);
  // a pair with its own law does not inherit system's parameters: epsilon is not a key of a spring
  const std::string bad = error_of(std::string(kInt) + "," + kTwo + R"(, "species": [0, 1, 1], "system": {"potential":
      "lennard_jones", "cutoff": 2.5, "r_on": 2.0, "pairs": [{"species": [0, 0]}, {"species": [1, 1]},
      {"species": [0, 1], "potential": "linear_spring", "epsilon": 1.0}]})");
  EXPECT_NE(bad.find("system.pairs[2]"), std::string::npos) << bad;
  EXPECT_NE(bad.find("epsilon"), std::string::npos) << bad;
  // a pair's file that is missing
  const std::string missing = error_of(std::string(kInt) + "," + kTwo + R"(, "species": [0, 1, 1], "system": {"potential":
      "lennard_jones", "cutoff": 2.5, "r_on": 2.0, "pairs": [{"species": [0, 0]}, {"species": [1, 1]},
      {"species": [0, 1], "potential": "file", "file": "no_such_model.json"}]})");
  EXPECT_NE(missing.find("no_such_model.json"), std::string::npos) << missing;
  EXPECT_NE(missing.find("system.pairs[2].file"), std::string::npos) << missing;
}

TEST(BulkConfig, UnsoftenedGravityOfOneSpeciesPairChecksOnlyThatPair) {
  // (1, 1) is exact gravity; (0, 0) and (0, 1) springs. Species [0, 1, 1].
  const std::string sys = R"("system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0, "pairs": [{"species": [0, 0]},
      {"species": [0, 1]}, {"species": [1, 1], "potential": "gravity", "G": 1.0}]}, "species": [0, 1, 1])";
  // particles 1 and 2 (species 1 and 1) at one position: the error names that pair and where its softening goes
  const std::string both1 = error_of(sys + "," + kInt + R"(, "initial_state": {"positions": [[0,0,0],[1,1,1],[1,1,1]],
      "velocities": [[0,0,0],[0,0,0],[0,0,0]]})");
  EXPECT_NE(both1.find("particles 1 and 2"), std::string::npos) << both1;
  EXPECT_NE(both1.find("species pair (1, 1) in system.pairs"), std::string::npos) << both1;
  EXPECT_EQ(both1.find("system.softening"), std::string::npos) << both1;
  // particles 0 and 1 (species 0 and 1, a spring) at one position: not gravity's concern
  EXPECT_EQ(error_of(sys + "," + kInt + R"(, "initial_state": {"positions": [[1,1,1],[1,1,1],[0,0,0]],
      "velocities": [[0,0,0],[0,0,0],[0,0,0]]})"), "");
}
