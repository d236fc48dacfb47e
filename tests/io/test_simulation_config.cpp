// io/test_simulation_config.cpp — a config's "initial_state" given as a LIST of specs (host/io/simulation_config.cpp):
// the batches are concatenated in order, each item parsed as if it stood alone; items must agree on N and D,
// and errors name the item's index.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "noether/io/simulation_config.hpp"
#include "noether/core/error.hpp"
#include "support/temp_path.hpp"

using namespace noether;

namespace {

/// A spring config with this initial_state, written to a temporary file of this test (removed afterwards) and loaded.
SimulationConfig load_config(const std::string& name, const std::string& initial_state) {
  const noether_test::TempFile file("init_list_" + name, ".json");
  std::ofstream(file.path) << R"({"system": {"potential": "linear_spring", "k": 1.0},
 "integrator": {"method": "verlet", "dt": 0.01, "frames": 2}, "initial_state": )"
                           << initial_state << "}";
  return load_simulation_config(file.path.string());
}

const char* kUniform = R"({"sampler": "uniform", "trajectories": 3, "particles": 4, "dim": 2, "seed": 5})";
const char* kPerturb = R"({"sampler": "perturb", "trajectories": 2, "seed": 1, "position_noise": 0.1,
  "base": {"positions": [[0,0],[1,0],[0,1],[1,1]], "velocities": [[0,0],[0,0],[0,0],[0,0]], "masses": [1,2,3,4]}})";

std::string error_of(const std::string& name, const std::string& initial_state) {
  try {
    load_config(name, initial_state);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigInitialState, ListConcatenatesTheItemsInOrder) {
  const SimulationConfig one = load_config("one", kUniform);
  const SimulationConfig two = load_config("two", kPerturb);
  const SimulationConfig both =
      load_config("both", std::string("[") + kUniform + ", " + kPerturb + "]");
  ASSERT_EQ(both.init.B, 5);
  EXPECT_EQ(both.init.N, 4);
  EXPECT_EQ(both.init.D, 2);
  ASSERT_EQ(both.init.pos.size(), 5u * 4 * 2);
  ASSERT_EQ(both.init.mass.size(), 5u * 4);
  for (std::size_t k = 0; k < one.init.pos.size(); ++k) EXPECT_EQ(both.init.pos[k], one.init.pos[k]);
  for (std::size_t k = 0; k < two.init.pos.size(); ++k) {
    EXPECT_EQ(both.init.pos[one.init.pos.size() + k], two.init.pos[k]);
    EXPECT_EQ(both.init.vel[one.init.vel.size() + k], two.init.vel[k]);
  }
  EXPECT_EQ(both.init.mass[12 + 3], 4.0);  // the perturb item's own masses
}

TEST(ConfigInitialState, ListErrorsNameTheItem) {
  const std::string three =
      R"({"sampler": "uniform", "trajectories": 1, "particles": 3, "dim": 2})";  // N = 3, not 4
  std::string e = error_of("mismatch", std::string("[") + kUniform + ", " + three + "]");
  EXPECT_NE(e.find("initial_state.1"), std::string::npos) << e;
  EXPECT_NE(e.find("same N and D"), std::string::npos) << e;
  e = error_of("empty", "[]");
  EXPECT_NE(e.find("empty list"), std::string::npos) << e;
  e = error_of("nested", std::string("[[") + kUniform + "]]");
  EXPECT_NE(e.find("do not nest"), std::string::npos) << e;
  e = error_of("badkey", std::string("[") + kUniform + R"(, {"sampler": "uniform", "trajectorys": 2}])");
  EXPECT_NE(e.find("initial_state.1.trajectorys"), std::string::npos) << e;
}
