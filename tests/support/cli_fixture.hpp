// support/cli_fixture.hpp — a GoogleTest fixture that runs the `noether` binary in a fresh temporary folder
// and captures its exit code, stdout and stderr; shared by the command-line tests.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "noether/io/npz.hpp"
#include "support/temp_path.hpp"

namespace noether_test {

namespace fs = std::filesystem;
using noether::write_npz;

struct CmdResult {
  int code;
  std::string out, err;
};

/// Runs `noether ARGS` inside dir_ (a fresh folder per test).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = unique_temp_path("cli", "");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CmdResult noether(const std::string& args) {
    const std::string cmd = "cd '" + dir_.string() + "' && '" + NOETHER_BINARY + "' " + args + " > stdout.txt 2> stderr.txt";
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp("stdout.txt"), slurp("stderr.txt")};
  }
  std::string slurp(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  void write_init(const std::string& name, std::vector<double> pos, int N, int D, std::vector<double> masses) {
    std::vector<double> vel(pos.size(), 0.0);
    for (std::size_t k = 0; k < vel.size(); ++k) vel[k] = 0.1 * double(k % 3) - 0.1;
    write_npz((dir_ / name).string(), {{"positions", {1, std::size_t(N), std::size_t(D)}, pos},
                                       {"velocities", {1, std::size_t(N), std::size_t(D)}, vel},
                                       {"masses", {std::size_t(N)}, masses}});
  }
  /// Expect failure with every fragment in stderr and no output .npz (nor temporary) in the folder.
  void expect_rejected(const std::string& args, std::vector<std::string> fragments) {
    const CmdResult r = noether(args);
    EXPECT_NE(r.code, 0) << args;
    for (const auto& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "missing '" << f << "' in: " << r.err;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string n = e.path().filename().string();
      EXPECT_TRUE(n.find("out.npz") == std::string::npos) << "left behind: " << n;
    }
  }
  fs::path dir_;
};

}  // namespace noether_test
