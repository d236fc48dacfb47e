// tests/cli/test_support_cli.cpp — the CLI side of a learned law's support: `noether rollout` reports the share of
// pair visits outside the trained range on stderr and warns above --support-warn; --support-warn, tabulate --tail and
// train --tail are validated and name the flag and the allowed values; a tabulated table carries support and tail.
#include <gtest/gtest.h>

#include "support/cli_fixture.hpp"

using namespace noether_test;

namespace {

const char* kModel = R"({"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
  "metadata": {"training": {"pair_distance_range": {"min": 0.4, "max": 3.0},
                            "pair_distance_histogram": {"lo": 0.5, "hi": 2.5}}},
  "layers": [{"weight": [[1.5], [-0.7], [2.0]], "bias": [-1.0, 0.3, 0.25]},
             {"weight": [[0.8, -1.2, 0.5]], "bias": [-0.4]}]})";

}  // namespace

TEST_F(CliTest, RolloutReportsPairVisitsOutsideTheTrainedRange) {
  write("m.json", kModel);
  write_init("init.npz", {0, 0, 0.3, 0, 0.15, 1.0}, 3, 2, {1e6, 1e6, 1e6});  // pair 0-1 at 0.3 < lo = 0.5
  CmdResult r = noether("rollout --model m.json --init init.npz --dt 0.001 --steps 3 -o ok.npz");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("pair visits outside the trained range: 33.3% (4 of 12; 4 below lo = 0.5, 0 above hi = 2.5)"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  r = noether("rollout --model m.json --init init.npz --dt 0.001 --steps 3 -o ok.npz --support-warn 0.5");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  r = noether("rollout --model m.json --init init.npz --dt 0.001 --steps 3 -o ok.npz --support-warn 0.5 -q");
  EXPECT_EQ(r.err, "");
  expect_rejected("rollout --model m.json --init init.npz --dt 0.001 --steps 3 -o out.npz --support-warn 2",
                  {"--support-warn", "[0, 1]"});
}

TEST_F(CliTest, TailFlagsAreValidatedAndTablesCarryTheTail) {
  write("m.json", kModel);
  expect_rejected("tabulate --model m.json -o out.npz --tail powr", {"--tail", "powr", "inherit, none, zero, power"});
  expect_rejected("train --data none.npz -o out.npz --tail bogus", {"--tail", "bogus", "none, zero, power"});
  const CmdResult r = noether("tabulate --model m.json -o t.json --tail zero");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string t = slurp("t.json");
  EXPECT_NE(t.find("\"support\": {\"lo\": 0.5, \"hi\": 2.5}"), std::string::npos) << t.substr(0, 400);
  EXPECT_NE(t.find("\"tail\": {\"policy\": \"zero\", \"r_hi\": 2.5, \"r_on\": 2.3"), std::string::npos) << t.substr(0, 400);
  write_init("init.npz", {0, 0, 0.3, 0, 0.15, 1.0}, 3, 2, {1e6, 1e6, 1e6});
  const CmdResult q = noether("rollout --model t.json --init init.npz --dt 0.001 --steps 3 -o ok.npz");
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_NE(q.err.find("4 below lo = 0.5"), std::string::npos) << q.err;  // the table reports its inherited support
}
