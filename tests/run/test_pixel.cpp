// run/test_pixel.cpp — `noether run` on a pixel pendulum config (task "hnn_pixel_pendulum", run/pixel.hpp)
// end to end through the CLI on a tiny version (seconds): metrics.json in the HNN tasks' shape with both
// models' mean / std error and the published numbers, summary.md's table, the data and rollout .npz files;
// the trainer's loss falls; config errors name the key before any output; HNN configs still dispatch to the
// HNN experiment.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/cli_fixture.hpp"
#include "support/run_metrics_util.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/io/npz.hpp"
#include "noether/pixel/train.hpp"

using namespace noether_test;

TEST_F(CliTest, RunPixelPendulumWritesMetricsSummaryAndNpz) {
  write("pix.json", R"({"task": "hnn_pixel_pendulum", "steps": 30, "batch": 16, "trials": 10, "frames": 12,
                        "ae_hidden": 16, "hidden": [16, 16], "rollout_frames": 15, "seeds": [0, 1]})");
  const CmdResult r = noether("run pix.json -o out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp("out/metrics.json"));
  EXPECT_EQ(m.at("task"), "hnn_pixel_pendulum");
  EXPECT_EQ(m.at("seeds").size(), 2u);
  expect_two_seed_models(m);
  EXPECT_EQ(m.at("published").at("hnn").at("energy_mse").get<double>(), 1.53e-4);
  EXPECT_EQ(m.at("published").at("baseline").at("test_loss").get<double>(), 1.73e-4);
  EXPECT_EQ(m.at("data").at("test_trials").get<int>(), 2);
  EXPECT_EQ(m.at("data").at("train_samples").get<int>(), 80);
  EXPECT_EQ(m.at("training").at("device"), "cpu");  // the default "device": "cpu"
  const std::string md = slurp("out/summary.md");
  EXPECT_NE(md.find("| model | train loss | test loss | test loss (published) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| HNN | "), std::string::npos) << md;
  EXPECT_NE(md.find("| baseline | "), std::string::npos) << md;
  EXPECT_NE(md.find("Energy MSE ratio HNN / baseline"), std::string::npos) << md;
  EXPECT_NE(md.find("trained on the CPU"), std::string::npos) << md;
  EXPECT_NE(r.out.find("seed 1 (2/2) hnn"), std::string::npos) << r.out;
  const noether::NpzArchive data = noether::read_npz((dir_ / "out/pixel_pendulum.npz").string());
  EXPECT_EQ(data.at("pixels").shape, (std::vector<std::size_t>{10, 12, 28, 28}));
  const noether::NpzArchive roll = noether::read_npz((dir_ / "out/rollouts.npz").string());
  EXPECT_EQ(roll.at("hnn_frames").shape, (std::vector<std::size_t>{2, 15, 28, 28}));
  EXPECT_EQ(roll.at("true_H").shape, (std::vector<std::size_t>{2, 15}));
}

TEST_F(CliTest, RunPixelRejectsBadConfigsNamingTheKey) {
  write("bad.json", R"({"task": "hnn_pixel_pendulum", "step": 50})");
  CmdResult r = noether("run bad.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad.json: step: unknown key (did you mean 'steps'?)"), std::string::npos) << r.err;
  write("bad2.json", R"({"task": "hnn_pixel_pendulum", "trials": 4})");
  r = noether("run bad2.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad2.json: trials: the first 20% of the trials are the test set"), std::string::npos) << r.err;
  write("bad3.json", R"({"task": "hnn_pixel_pendulum", "trials": 5, "frames": 4, "batch": 500})");
  r = noether("run bad3.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad3.json: batch: larger than the 8 training samples"), std::string::npos) << r.err;
  write("bad4.json", R"({"task": "hnn_pixel_pendulum", "weight_decay": -1})");
  r = noether("run bad4.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bad4.json: weight_decay: expected a value >= 0"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  // An HNN task still goes to the HNN experiment's parser (which knows nothing of pixel keys).
  write("hnn.json", R"({"task": "hnn_pendulum", "batch": 5})");
  r = noether("run hnn.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("hnn.json: batch: unknown key"), std::string::npos) << r.err;
}

TEST(PixelTrain, LossFallsAndTrainingIsDeterministic) {
  noether::PixelPendulumOptions o;
  o.trials = 10;
  o.frames = 12;
  const noether::PixelPendulumData d = noether::make_pixel_pendulum_data(o);
  noether::PixelTrainOptions t;
  t.steps = 60;
  t.batch = 20;
  t.ae_hidden = 24;
  t.latent_hidden = {16, 16};
  t.seed = 2;
  for (noether::HnnModelKind kind : {noether::HnnModelKind::Hnn, noether::HnnModelKind::Baseline}) {
    const noether::PixelTrainResult a = noether::train_pixel_model(kind, d, t);
    ASSERT_EQ(a.batch_loss.size(), 60u);
    double first = 0, last = 0;
    for (int i = 0; i < 5; ++i) first += a.batch_loss[std::size_t(i)], last += a.batch_loss[std::size_t(55 + i)];
    EXPECT_LT(last, 0.5 * first);
    EXPECT_GT(a.test.total, 0);
    EXPECT_NEAR(a.test.total, a.test.ae + a.test.cc + 0.1 * a.test.latent, 1e-12);
    const noether::PixelTrainResult b = noether::train_pixel_model(kind, d, t);
    EXPECT_EQ(a.model.params, b.model.params);
  }
  t.batch = 1000;
  EXPECT_THROW(noether::train_pixel_model(noether::HnnModelKind::Hnn, d, t), noether::Error);
}

TEST_F(CliTest, RunPixelDeviceKeyIsChecked) {
  // "device": auto | cpu | cuda; cuda without a usable GPU is an error naming the key, before any output.
  write("dev.json", R"({"task": "hnn_pixel_pendulum", "device": "gpu"})");
  CmdResult r = noether("run dev.json -o out");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("dev.json: device:"), std::string::npos) << r.err;
  if (!noether::cuda_device_available()) {
    write("dev2.json", R"({"task": "hnn_pixel_pendulum", "device": "cuda"})");
    r = noether("run dev2.json -o out");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("dev2.json: device: \"cuda\" but no CUDA device is usable"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}
