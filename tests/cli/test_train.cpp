// cli/test_train.cpp — `noether train` and `noether rollout` as a user meets them: train with no config
// from a simulated data set, the model file's training metadata, a resumable checkpoint, bad data
// rejected before training with no model written, and a rollout of the trained 3-particle model on
// 6 particles in the trajectory format with momentum conserved to round-off; the deterministic defaults
// (plateau stop, no clock), --patience without validation, `potential --support` and `--ensemble`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>
#include <string>
#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"
#include "noether/io/npz.hpp"

using namespace noether_test;
using noether::NpzArchive;
using noether::read_npz;

namespace {

const char* kData = R"({"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
 "initial_state": {"sampler": "uniform", "trajectories": 12, "particles": 3, "dim": 2, "seed": 3, "box": 1.6,
                   "velocity_scale": 0.4},
 "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 6}})";

const char* kSix = R"({"system": {"potential": "linear_spring"},
 "initial_state": {"sampler": "uniform", "trajectories": 2, "particles": 6, "dim": 3, "seed": 9, "box": 2.0,
                   "velocity_scale": 0.3},
 "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 2}})";

/// Two saved frames per trajectory: too short for the force-matching start and for the default horizon.
const char* kTwoFrames = R"({"system": {"potential": "linear_spring"},
 "initial_state": {"sampler": "uniform", "trajectories": 6, "particles": 3, "dim": 2, "seed": 3, "box": 1.6,
                   "velocity_scale": 0.4},
 "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 2}})";

class TrainCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write("data.json", kData);
    ASSERT_EQ(noether("simulate data.json -o data.npz -q").code, 0);
  }
};

}  // namespace

TEST_F(TrainCliTest, TrainsWithoutConfigAndRecordsTrainingDistances) {
  const CmdResult r = noether("train --model mclnn --data data.npz -o model.json --epochs 5 --log log.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote model.json"), std::string::npos) << r.out;
  const auto m = nlohmann::json::parse(slurp("model.json"));
  EXPECT_EQ(m["format"], "noether-model");
  EXPECT_EQ(m["model"], "mclnn");
  EXPECT_EQ(m["activation"], "squareplus");
  EXPECT_EQ(m["layers"].size(), 3u);  // [1, 10, 10, 1]: the paper's A.6 default
  const auto& range = m["metadata"]["training"]["pair_distance_range"];
  EXPECT_LT(range["min"].get<double>(), range["max"].get<double>());
  EXPECT_DOUBLE_EQ(m["metadata"]["training"]["dt"].get<double>(), 0.01);
  const std::string log = slurp("log.csv");
  EXPECT_EQ(log.rfind("epoch,train_loss,val_loss,lr,seconds\n", 0), 0u) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 6);
}

TEST_F(TrainCliTest, CheckpointResumesToTheSameModel) {
  ASSERT_EQ(noether("train --data data.npz -o full.json --epochs 6 --time-budget 0 -q").code, 0);
  ASSERT_EQ(noether("train --data data.npz -o part.json --epochs 6 --time-budget 0 --checkpoint ck.json -q").code, 0);
  // The final checkpoint is of epoch 6; resuming from it trains nothing more and gives the same weights.
  ASSERT_EQ(noether("train --data data.npz -o resumed.json --epochs 6 --time-budget 0 --resume ck.json -q").code, 0);
  const auto a = nlohmann::json::parse(slurp("full.json")), b = nlohmann::json::parse(slurp("resumed.json"));
  EXPECT_EQ(a["layers"], b["layers"]);
  const CmdResult r = noether("train --data data.npz -o x.json --epochs 7 --time-budget 0 --resume ck.json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("other training options"), std::string::npos) << r.err;
}

TEST_F(TrainCliTest, BadDataIsRejectedBeforeTrainingAndNoModelIsWritten) {
  write_npz((dir_ / "short.npz").string(), {{"positions", {2, 1, 3, 2}, std::vector<double>(12, 0.5)},
                                             {"velocities", {2, 1, 3, 2}, std::vector<double>(12, 0.0)},
                                             {"masses", {3}, {1, 1, 1}},
                                             {"times", {1}, {0.0}}});
  CmdResult r = noether("train --data short.npz -o model.json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("short.npz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at least 2 saved frames"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "model.json"));
  r = noether("train --data missing.npz -o model.json");
  EXPECT_NE(r.code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "model.json"));
  r = noether("train --data data.npz -o model.json --hidden 10,x");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--hidden"), std::string::npos) << r.err;
  r = noether("train --data data.npz -o model.json --horizon 9");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("horizon"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "model.json"));
}

TEST_F(TrainCliTest, RollsTheTrainedModelOutOnSixParticles) {
  ASSERT_EQ(noether("train --data data.npz -o model.json --epochs 3 -q").code, 0);
  write("six.json", kSix);
  ASSERT_EQ(noether("simulate six.json -o six.npz -q").code, 0);
  const CmdResult r = noether("rollout --model model.json --init six.npz --dt 0.01 --steps 200 --stride 20 -o out.npz");
  ASSERT_EQ(r.code, 0) << r.err;
  const NpzArchive a = read_npz((dir_ / "out.npz").string());
  EXPECT_EQ(a.at("positions").shape, (std::vector<std::size_t>{2, 11, 6, 3}));
  EXPECT_EQ(a.at("times").data.back(), 2.0);
  const auto& P = a.at("linear_momentum").data;  // (2, 11, 3)
  for (int b = 0; b < 2; ++b)
    for (int f = 0; f < 11; ++f)
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(P[(b * 11 + f) * 3 + c], P[(b * 11) * 3 + c], 1e-13);
}

TEST_F(TrainCliTest, RolloutRejectsBadArguments) {
  ASSERT_EQ(noether("train --data data.npz -o model.json --epochs 1 -q").code, 0);
  CmdResult r = noether("rollout --model model.json --init data.npz --dt 0.01 --steps 15 --stride 10 -o out.npz");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--steps"), std::string::npos) << r.err;
  r = noether("rollout --model model.json --init data.npz --dt -1 --steps 10 -o out.npz");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--dt"), std::string::npos) << r.err;
  write("hnn.json", R"({"format": "noether-model", "version": 1, "model": "hnn", "activation": "tanh",
    "layers": [{"weight": [[1.0, 0.5]], "bias": [0.0]}]})");
  r = noether("rollout --model hnn.json --init data.npz --dt 0.01 --steps 10 -o out.npz");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("pair-potential model"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.npz"));
}

// Issue 16: the defaults stop on the data (validation plateau, epoch cap), never on the clock.
TEST_F(TrainCliTest, DefaultsAreDeterministicAndRecordWhyTrainingStopped) {
  CmdResult r = noether("train --data data.npz -o a.json --epochs 4 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("stopped: epoch cap after 4 epochs"), std::string::npos) << r.out;
  ASSERT_EQ(noether("train --data data.npz -o b.json --epochs 4 --threads 2 -q").code, 0);
  const auto a = nlohmann::json::parse(slurp("a.json")), b = nlohmann::json::parse(slurp("b.json"));
  EXPECT_EQ(a["layers"], b["layers"]);
  const auto& t = a["metadata"]["training"];
  EXPECT_FALSE(t.contains("time_budget_s")) << t.dump();  // no clock unless asked for
  EXPECT_EQ(t["stop_reason"], "epochs");
  EXPECT_EQ(t["options"]["patience"].get<int>(), 200);
  // The best of the force-matching start (epoch 0; on these springs it is hard to beat) and the 4 epochs.
  EXPECT_GE(t["best_epoch"].get<int>(), 0);
  EXPECT_LE(t["best_epoch"].get<int>(), 4);
  EXPECT_EQ(t["pair_distance_histogram"]["counts"].size(), 100u);
  // A time budget is explicit and recorded.
  ASSERT_EQ(noether("train --data data.npz -o c.json --epochs 2 --time-budget 500 -q").code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp("c.json"))["metadata"]["training"]["time_budget_s"].get<double>(), 500.0);
}

TEST_F(TrainCliTest, PatienceNeedsValidation) {
  CmdResult r = noether("train --data data.npz -o m.json --epochs 2 --patience 5 --val-fraction 0");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--patience"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--val-fraction"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "m.json"));
  // The default patience yields to --val-fraction 0: the epoch cap alone stops, and says so.
  r = noether("train --data data.npz -o m.json --epochs 2 --val-fraction 0");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no plateau stop"), std::string::npos) << r.out;
  EXPECT_EQ(nlohmann::json::parse(slurp("m.json"))["metadata"]["training"]["options"]["patience"].get<int>(), 0);
  // In a config: both keys named.
  write("t.json", R"({"data": "data.npz", "output": "n.json", "train": {"epochs": 2, "patience": 3, "val_fraction": 0}})");
  r = noether("train --config t.json");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("t.json: train.patience"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("train.val_fraction"), std::string::npos) << r.err;
  r = noether("train --data data.npz -o m.json --epochs 2 --min-delta 1.5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--min-delta"), std::string::npos) << r.err;
}

TEST_F(TrainCliTest, PotentialPrintsTheSupportOfTheTrainingData) {
  ASSERT_EQ(noether("train --data data.npz -o m.json --epochs 1 -q").code, 0);
  const auto t = nlohmann::json::parse(slurp("m.json"))["metadata"]["training"];
  const double lo = t["pair_distance_histogram"]["lo"], hi = t["pair_distance_histogram"]["hi"];
  const CmdResult r = noether("potential --model m.json --r-min 0.001 --r-max 10 --points 400 --support -o V.csv");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string csv = slurp("V.csv");
  ASSERT_EQ(csv.rfind("r,V,dVdr,d2Vdr2,support\n", 0), 0u) << csv.substr(0, 80);
  // Rows: support > 0 only inside [lo, hi], and its integral over r (rectangle rule) is about 1 − above/total.
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  double integral = 0, prev_r = 0, prev_s = 0;
  int rows = 0;
  while (std::getline(in, line)) {
    double v[5];
    ASSERT_EQ(std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4]), 5) << line;
    if (v[0] < lo || v[0] > hi) EXPECT_EQ(v[4], 0.0) << line;
    if (rows++ > 0) integral += 0.5 * (v[4] + prev_s) * (v[0] - prev_r);
    prev_r = v[0], prev_s = v[4];
  }
  EXPECT_EQ(rows, 400);
  const double inside = 1.0 - t["pair_distance_histogram"]["above"].get<double>() / t["pair_distance_histogram"]["total"].get<double>();
  EXPECT_NEAR(integral, inside, 0.1);
  // A model without the histogram: --support is an error naming it, not a silently missing column.
  auto m = nlohmann::json::parse(slurp("m.json"));
  m["metadata"]["training"].erase("pair_distance_histogram");
  write("old.json", m.dump());
  const CmdResult e = noether("potential --model old.json --r-min 0.5 --r-max 2 --points 3 --support");
  EXPECT_NE(e.code, 0);
  EXPECT_NE(e.err.find("old.json: metadata.training.pair_distance_histogram: missing"), std::string::npos) << e.err;
  ASSERT_EQ(noether("potential --model old.json --r-min 0.5 --r-max 2 --points 3").code, 0);
}

// An error estimate per distance: the spread of dV/dr over models trained with other seeds.
TEST_F(TrainCliTest, PotentialEnsembleSpreadIsTheStandardDeviationOverSeeds) {
  for (const char* s : {"1", "2", "3"})
    ASSERT_EQ(noether(std::string("train --data data.npz -o s") + s + ".json --epochs 2 -q --seed " + s).code, 0);
  auto column = [&](const std::string& csv, int col) {
    std::vector<double> out;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string cell;
      for (int c = 0; c <= col; ++c) std::getline(ls, cell, ',');
      out.push_back(std::stod(cell));
    }
    return out;
  };
  const char* grid = " --r-min 0.3 --r-max 2.5 --points 23";
  std::vector<std::vector<double>> dv;
  for (const char* s : {"1", "2", "3"}) {
    const CmdResult r = noether(std::string("potential --model s") + s + ".json" + grid);
    ASSERT_EQ(r.code, 0) << r.err;
    dv.push_back(column(r.out, 2));
  }
  CmdResult r = noether(std::string("potential --model s1.json --ensemble s2.json,s3.json --support") + grid);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(r.out.rfind("r,V,dVdr,d2Vdr2,support,dVdr_spread\n", 0), 0u) << r.out.substr(0, 80);
  const std::vector<double> spread = column(r.out, 5), own = column(r.out, 2);
  ASSERT_EQ(spread.size(), 23u);
  for (std::size_t k = 0; k < spread.size(); ++k) {
    const double m = (dv[0][k] + dv[1][k] + dv[2][k]) / 3;
    double v = 0;
    for (int i = 0; i < 3; ++i) v += (dv[i][k] - m) * (dv[i][k] - m);
    EXPECT_NEAR(spread[k], std::sqrt(v / 2), 1e-12 * (1 + std::abs(m))) << k;
    EXPECT_GT(spread[k], 0.0);
    EXPECT_EQ(own[k], dv[0][k]);  // the dVdr column stays --model's
  }
  // The same model twice: no spread.
  r = noether(std::string("potential --model s1.json --ensemble s1.json") + grid);
  ASSERT_EQ(r.code, 0) << r.err;
  for (double s : column(r.out, 4)) EXPECT_EQ(s, 0.0);
  r = noether(std::string("potential --model s1.json --ensemble missing.json") + grid);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
}

TEST_F(TrainCliTest, EvaluateReportsWhereTheModelIsSupported) {
  ASSERT_EQ(noether("train --data data.npz -o m.json --epochs 2 -q").code, 0);
  ASSERT_EQ(noether("rollout --model m.json --init data.npz --dt 0.01 --steps 50 --stride 10 -o pred.npz -q").code, 0);
  const CmdResult r = noether("evaluate --truth data.npz --pred pred.npz --model m.json --system data.json -o ev.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("supported by"), std::string::npos) << r.out;
  const auto ev = nlohmann::json::parse(slurp("ev.json"));
  const auto h = nlohmann::json::parse(slurp("m.json"))["metadata"]["training"]["pair_distance_histogram"];
  EXPECT_EQ(ev["potential"]["support"]["lo"], h["lo"]);
  EXPECT_EQ(ev["potential"]["support"]["hi"], h["hi"]);
  EXPECT_EQ(ev["potential"]["support"]["distances"], h["total"]);
}

// Issue 16: the force-matching start is the default, recorded with its epoch cap; --init random restores the Glorot
// start and the 3000-epoch cap; an unknown start is an error naming the flag; 2-frame data fall back with a note.
TEST_F(TrainCliTest, ForceMatchingStartIsTheDefaultAndRecorded) {
  CmdResult r = noether("train --data data.npz -o fm.json --epochs 2 -q");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto t = nlohmann::json::parse(slurp("fm.json"))["metadata"]["training"];
  EXPECT_EQ(t["options"]["init"], "force-match");
  EXPECT_EQ(t["init"]["kind"], "force-match");
  EXPECT_EQ(t["init"]["stencil"], 5);
  EXPECT_LT(t["init"]["fit_rel_residual"].get<double>(), 0.05);
  write("t.json", R"({"data": "data.npz", "output": "c.json", "train": {"init": "random", "patience": 0}})");
  ASSERT_EQ(noether("train --config t.json --epochs 1 -q").code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp("c.json"))["metadata"]["training"]["init"]["kind"], "random");
  r = noether("train --data data.npz -o x.json --epochs 1 --init bogus");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("--init"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.json"));
  write("two.json", kTwoFrames);
  ASSERT_EQ(noether("simulate two.json -o two.npz -q").code, 0);
  r = noether("train --data two.npz -o two_model.json --epochs 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("at least 3 frames"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp("two_model.json"))["metadata"]["training"]["init"]["kind"], "random");
}

TEST_F(TrainCliTest, DefaultEpochCapFollowsTheStart) {
  // The cap itself is recorded in the options: 100 after the force-matching start, 3000 from random parameters. A
  // one-epoch time budget stops both at once (the budget is explicit and recorded), so this stays fast.
  ASSERT_EQ(noether("train --data data.npz -o a.json --time-budget 1e-6 -q").code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp("a.json"))["metadata"]["training"]["options"]["epochs"].get<int>(), 100);
  ASSERT_EQ(noether("train --data data.npz -o b.json --init random --time-budget 1e-6 -q").code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp("b.json"))["metadata"]["training"]["options"]["epochs"].get<int>(), 3000);
}

TEST_F(TrainCliTest, DefaultHorizonAndPolishMethodFitTheDataAndAreRecorded) {
  // horizon 3 and the auto polish (Levenberg–Marquardt for the [10, 10] network) by default
  CmdResult r = noether("train --data data.npz -o a.json --epochs 1 --polish 2 --threads 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Levenberg-Marquardt polish"), std::string::npos) << r.out;
  auto t = nlohmann::json::parse(slurp("a.json"))["metadata"]["training"];
  EXPECT_EQ(t["options"]["horizon"].get<int>(), 3);
  EXPECT_EQ(t["options"]["polish_method"], "auto");
  EXPECT_EQ(t["polish"]["method"], "lm");
  // a network above the Levenberg–Marquardt limit: auto falls back to L-BFGS, an explicit lm is an error (random start:
  // the force-matching start's own Levenberg–Marquardt prefit of 1,761 parameters takes minutes)
  ASSERT_EQ(noether("train --data data.npz -o b.json --epochs 1 --polish 2 --hidden 40,40 --init random -q").code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp("b.json"))["metadata"]["training"]["polish"]["method"], "lbfgs");
  r = noether("train --data data.npz -o c.json --epochs 1 --polish 2 --hidden 40,40 --init random --polish-method lm -q");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("at most 1200 parameters"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "c.json"));
  // two frames per trajectory: the default horizon becomes 1, with a note; a given horizon 3 is an error
  write("two.json", kTwoFrames);
  ASSERT_EQ(noether("simulate two.json -o two.npz -q").code, 0);
  r = noether("train --data two.npz -o two_model.json --epochs 1 --polish 2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("horizon 1 instead of the default 3"), std::string::npos) << r.out;
  EXPECT_EQ(nlohmann::json::parse(slurp("two_model.json"))["metadata"]["training"]["options"]["horizon"].get<int>(), 1);
  r = noether("train --data two.npz -o h3.json --epochs 1 --horizon 3 -q");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("horizon must be in [1, 1]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "h3.json"));
}
