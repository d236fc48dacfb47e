// cli/test_cli.cpp — the `noether simulate` command as a user meets it: the issue's example config with an
// init.npz works exactly as written; bad input exits non-zero with a message naming the file/key and
// leaves no output file; the written .npz loads in NumPy.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/cli_fixture.hpp"
#include "noether/io/npz.hpp"

namespace fs = std::filesystem;
using namespace noether;

using namespace noether_test;
namespace {

const char* kIssueConfig = R"({"system": {"potential": "nonlinear_spring", "k": 0.7, "r0": 1.3},
 "initial_state": "init.npz",
 "integrator": {"method": "verlet", "dt": 0.005, "stride": 20, "frames": 31},
 "precision": "float64", "device": "cpu"})";

}  // namespace

TEST_F(CliTest, IssueExampleConfigWorksAsWritten) {
  write_init("init.npz", {0.49, 0.76, -0.68, 0.29, -0.02, -0.61}, 3, 2, {1.0, 2.0, 1.5});
  write("cfg.json", kIssueConfig);
  const CmdResult r = noether("simulate cfg.json -o out.npz");
  ASSERT_EQ(r.code, 0) << r.err;
  const NpzArchive a = read_npz((dir_ / "out.npz").string());
  EXPECT_EQ(a.at("positions").shape, (std::vector<std::size_t>{1, 31, 3, 2}));
  EXPECT_EQ(a.at("velocities").shape, (std::vector<std::size_t>{1, 31, 3, 2}));
  EXPECT_EQ(a.at("masses").shape, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(a.at("masses").data[1], 2.0);  // masses come from the init file
  EXPECT_EQ(a.at("times").shape, (std::vector<std::size_t>{31}));
  EXPECT_NEAR(a.at("times").data[30], 30 * 20 * 0.005, 1e-12);
  EXPECT_EQ(a.at("angular_momentum").shape, (std::vector<std::size_t>{1, 31}));  // scalar in 2-D
  EXPECT_EQ(a.at("positions").data[0], 0.49);                                  // frame 0 is the initial state
}

TEST_F(CliTest, WrittenTrajectoryLoadsInNumPy) {
  if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0) GTEST_SKIP() << "no /usr/bin/python3 with numpy";
  write_init("init.npz", {0.49, 0.76, 0, -0.68, 0.29, 0, -0.02, -0.61, 0.1}, 3, 3, {1.0, 1.0, 1.0});
  write("cfg.json", kIssueConfig);
  ASSERT_EQ(noether("simulate cfg.json -o out.npz").code, 0);
  write("check.py",
        "import numpy as np\n"
        "d = np.load('out.npz')\n"
        "assert d['positions'].shape == (1, 31, 3, 3) and d['positions'].dtype == np.float64\n"
        "assert d['angular_momentum'].shape == (1, 31, 3)\n"
        "H = d['hamiltonian'][0]\n"
        "assert np.all(np.abs(H - H[0]) < 1e-4), H\n"
        "assert np.allclose(d['lagrangian'], d['kinetic_energy'] - d['potential_energy'])\n"
        "print('ok')\n");
  const std::string cmd = "cd '" + dir_.string() + "' && /usr/bin/python3 check.py";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST_F(CliTest, BadInputIsRejectedClearlyWithoutOutput) {
  write_init("init.npz", {0.49, 0.76, -0.68, 0.29, -0.02, -0.61}, 3, 2, {1.0, 1.0, 1.0});
  write("malformed.json", "{\"system\": {\"potential\": \"gravity\"},");
  expect_rejected("simulate malformed.json -o out.npz", {"malformed.json", "malformed JSON"});

  std::string cfg = kIssueConfig;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string c = cfg;
    c.replace(c.find(from), from.size(), to);
    return c;
  };
  write("c1.json", with("nonlinear_spring", "nonlinear_sprin"));
  expect_rejected("simulate c1.json -o out.npz", {"c1.json", "system.potential", "did you mean 'nonlinear_spring'"});
  write("c2.json", with("\"stride\"", "\"strde\""));
  expect_rejected("simulate c2.json -o out.npz", {"integrator.strde", "did you mean 'stride'"});
  write("c3.json", with("\"dt\": 0.005", "\"dt\": -0.005"));
  expect_rejected("simulate c3.json -o out.npz", {"integrator.dt", "> 0"});
  write("c4.json", with("\"frames\": 31", "\"frames\": 0"));
  expect_rejected("simulate c4.json -o out.npz", {"integrator.frames"});
  write("c5.json", with("init.npz", "missing.npz"));
  expect_rejected("simulate c5.json -o out.npz", {"missing.npz"});
  expect_rejected("simulate cfg_absent.json -o out.npz", {"cfg_absent.json"});
  write("c6.json", with("\"device\": \"cpu\"", "\"device\": \"cdua\""));
  expect_rejected("simulate c6.json -o out.npz", {"device", "did you mean 'cuda'"});

  // bad init files: NaN, wrong shape, non-positive mass
  write("cfg.json", cfg);
  write_init("init.npz", {0.49, std::nan(""), -0.68, 0.29, -0.02, -0.61}, 3, 2, {1.0, 1.0, 1.0});
  expect_rejected("simulate cfg.json -o out.npz", {"init.npz", "positions", "non-finite"});
  write_init("init.npz", {0.49, 0.76, -0.68, 0.29, -0.02, -0.61}, 3, 2, {1.0, 0.0, 1.0});
  expect_rejected("simulate cfg.json -o out.npz", {"init.npz", "masses", "> 0"});
  write_npz((dir_ / "init.npz").string(), {{"positions", {1, 3, 2}, std::vector<double>(6, 0.5)},
                                           {"velocities", {1, 3, 2}, std::vector<double>(6, 0.0)},
                                           {"masses", {2}, std::vector<double>(2, 1.0)}});
  expect_rejected("simulate cfg.json -o out.npz", {"init.npz", "masses", "shape"});
  write_npz((dir_ / "init.npz").string(), {{"positions", {6, 1}, std::vector<double>(6, 0.0)},
                                           {"velocities", {6, 1}, std::vector<double>(6, 0.0)},
                                           {"masses", {6}, std::vector<double>(6, 1.0)}});
  expect_rejected("simulate cfg.json -o out.npz", {"init.npz", "positions", "D = 2 or 3"});

  // gravity with two particles at the same position
  write("g.json", R"({"system": {"potential": "gravity"},
    "initial_state": {"positions": [[0, 0], [1, 1], [0, 0]], "velocities": [[0, 0], [0, 0], [0, 0]]},
    "integrator": {"dt": 0.01, "frames": 3}})");
  expect_rejected("simulate g.json -o out.npz", {"g.json", "initial_state", "particles 0 and 2", "same position"});
  // a run that blows up: error with trajectory, step and time; no output
  write("blow.json", R"({"system": {"potential": "nonlinear_spring", "k": 1000},
    "initial_state": {"positions": [[0, 0], [5, 0]], "velocities": [[0, 0], [0, 0]]},
    "integrator": {"dt": 0.5, "frames": 100}})");
  expect_rejected("simulate blow.json -o out.npz", {"non-finite", "trajectory 0", "step", "time"});
}

TEST_F(CliTest, HelpListsSubcommands) {
  const CmdResult r = noether("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("simulate"), std::string::npos);
  EXPECT_NE(r.out.find("bench"), std::string::npos);
}

TEST_F(CliTest, BenchQuickWritesJson) {
  const CmdResult r = noether("bench --device cpu --quick --cpu-max-n 64 --json bench.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("gravity"), std::string::npos);
  EXPECT_NE(slurp("bench.json").find("interactions_per_s"), std::string::npos);
}
