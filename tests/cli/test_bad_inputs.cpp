// cli/test_bad_inputs.cpp — the bad-input catalogue (tests/cli/bad_inputs.json, docs/FORMATS.md "Bad input"):
// every case runs `noether ARGS` in a folder of its own, made by tests/cli/make_bad_inputs.py from the case's
// recipes and from valid base files written here by noether itself, and must fail with the case's exit code
// (any non-zero code below 128 when none is given: an error, never a signal), print the case's substring
// (which names the culprit: the file, the key or the flag) on stderr, and leave no file behind (no output, no
// temporary).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

const char* kSim = R"({"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
 "initial_state": {"sampler": "uniform", "trajectories": 4, "particles": 3, "dim": 2, "seed": 3, "box": 1.6,
                   "velocity_scale": 0.4},
 "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 6}})";

const char* kTrainCfg = R"({"model": "mclnn", "data": "truth.npz", "output": "m2.json",
 "train": {"epochs": 2, "time_budget_s": 0, "seed": 1}})";

const char* kSystem = R"({"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0}})";

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.insert(fs::relative(e.path(), dir).string());
  return names;
}

class BadInputTest : public CliTest {
 protected:
  /// Runs `noether args` in `dir` (at most 120 s) and captures code, stdout and stderr.
  CmdResult run_in(const fs::path& dir, const std::string& args) {
    const fs::path saved = dir_;
    dir_ = dir;
    const std::string cmd = "cd '" + dir.string() + "' && timeout 120 '" + NOETHER_BINARY + "' " + args +
                            " > ../" + dir.filename().string() + ".stdout 2> ../" + dir.filename().string() + ".stderr";
    const int status = std::system(cmd.c_str());
    dir_ = dir.parent_path();
    CmdResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir.filename().string() + ".stdout"),
                slurp(dir.filename().string() + ".stderr")};
    dir_ = saved;
    return r;
  }
};

}  // namespace

TEST_F(BadInputTest, EveryCatalogueCaseFailsNamingTheCulpritAndLeavesNothing) {
  const std::string src = NOETHER_SOURCE_DIR;
  const std::string table = src + "/tests/cli/bad_inputs.json";
  // Valid base files, written by noether itself.
  const fs::path base = dir_ / "base";
  fs::create_directories(base);
  std::ofstream(base / "sim.json") << kSim;
  std::ofstream(base / "train.json") << kTrainCfg;
  std::ofstream(base / "system.json") << kSystem;
  for (const char* c : {"mclnn_linear_spring.json", "hnn_mass_spring.json", "hnn_pixel_pendulum.json"})
    fs::copy_file(src + "/configs/" + c, base / c);
  ASSERT_EQ(run_in(base, "simulate sim.json -o truth.npz -q").code, 0);
  ASSERT_EQ(run_in(base, "train --data truth.npz -o model.json --epochs 2 --time-budget 0 --checkpoint ckpt.json -q").code, 0);
  ASSERT_EQ(run_in(base, "tabulate --model model.json -o table.json -q").code, 0);
  ASSERT_EQ(run_in(base, "rollout --model model.json --init truth.npz --dt 0.01 --steps 50 --stride 10 -o pred.npz -q").code, 0);
  const CmdResult ok = run_in(base, "evaluate --truth truth.npz --pred pred.npz -q");
  ASSERT_EQ(ok.code, 0) << ok.err;  // the base files are valid: each case's error is its own

  const fs::path root = dir_ / "cases";
  fs::create_directories(root);
  const std::string gen = "python3 '" + src + "/tests/cli/make_bad_inputs.py' '" + table + "' '" + base.string() +
                          "' '" + root.string() + "'";
  ASSERT_EQ(std::system(gen.c_str()), 0) << gen;

  const nlohmann::json cat = nlohmann::json::parse(std::ifstream(table));
  const auto& cases = cat.at("cases");
  EXPECT_GE(cases.size(), 150u);
  std::set<std::string> commands;
  for (const auto& c : cases) {
    const std::string name = c.at("name"), args = c.at("args"), message = c.at("message");
    SCOPED_TRACE("case '" + name + "': noether " + args);
    commands.insert(args.substr(0, args.find(' ')));
    const fs::path dir = root / name;
    const std::set<std::string> before = listing(dir);
    const CmdResult r = run_in(dir, args);
    if (c.contains("exit")) EXPECT_EQ(r.code, c.at("exit").get<int>()) << r.err;
    EXPECT_NE(r.code, 0) << r.out;
    EXPECT_TRUE(r.code > 0 && r.code < 124) << "not an error exit (signal or timeout): " << r.code;
    EXPECT_NE(r.err.find(message), std::string::npos) << "expected '" << message << "' in: " << r.err;
    const std::set<std::string> after = listing(dir);
    for (const auto& f : after)
      EXPECT_TRUE(before.count(f)) << "left behind: " << f;
  }
  for (const char* cmd : {"simulate", "train", "rollout", "evaluate", "potential", "tabulate", "run", "bench"})
    EXPECT_TRUE(commands.count(cmd)) << "no case for `noether " << cmd << "`";
}
