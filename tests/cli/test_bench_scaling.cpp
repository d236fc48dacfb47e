// cli/test_bench_scaling.cpp — `noether bench --scaling` (run/bench_scaling.hpp) as a user meets it, without timing
// anything: the options that belong to it are refused elsewhere, and the GPU and a negative peak are refused for it.
// The sweep itself is a benchmark and is never run by CTest.
#include <gtest/gtest.h>

#include <string>

#include "support/cli_fixture.hpp"

using namespace noether_test;

TEST_F(CliTest, BenchScalingOptionsAreChecked) {
  struct Bad {
    std::string args, says;
  };
  const Bad bad[] = {{"bench --peak-gflops 100", "--peak-gflops: only with --scaling"},
                     {"bench --no-plot", "--no-plot: only with --scaling"},
                     {"bench --scaling --device cuda", "--device cuda"},
                     {"bench --scaling --peak-gflops -5", "--peak-gflops"},
                     {"bench --scaling --json no/such/folder/b.json", "--json"}};
  for (const Bad& b : bad) {
    const CmdResult r = noether(b.args);
    EXPECT_NE(r.code, 0) << b.args;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.args << ": " << r.err;
  }
}
