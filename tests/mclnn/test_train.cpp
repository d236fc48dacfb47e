// mclnn/test_train.cpp — MCLNN training on the CPU: the through-the-integrator gradient of the learned
// pair MLP against central differences, loss reduction and the learned dV/dr on a small linear-spring
// data set, bitwise determinism across thread counts, checkpoint/resume equality, and the metadata; the
// validation-plateau stop (stops on a plateau, keeps the best epoch, thread-independent, resumes exactly).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "noether/io/model_eval.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/mclnn/train.hpp"
#include "noether/physics/pair_laws.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/verlet.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "support/spring_data.hpp"

using namespace noether;
using noether_test::spring_data;
namespace fs = std::filesystem;

namespace {

/// V of a model file's law at r (tail included), through io/model_eval.hpp.
double pair_law_jets_at_for_test(const ModelFile& m, double r) { return pair_model_jets(m, {r})[0].V; }

MclnnTrainOptions small_options() {
  MclnnTrainOptions o;
  o.hidden = {8, 8};
  o.epochs = 40;
  o.batch_size = 16;
  o.lr = 3e-3;
  o.lr_final = 1e-4;
  o.seed = 7;
  o.time_budget_s = 0;
  return o;
}

}  // namespace

TEST(MclnnTrain, GradientThroughVerletWithPairMlpMatchesCentralDifferences) {
  const TrajectoryData d = spring_data(1, 4, 3u);
  const MlpShape shape{{1, 5, 4, 1}, Activation::Squareplus};
  std::vector<double> p(shape.parameter_count());
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(-0.8, 0.8);
  for (auto& x : p) x = u(rng);
  for (const PairScaling& sc : {PairScaling{1.0, 0.7, 0.9, 0.0}, PairScaling{0.1, 0.6, 0.9, 0.0, InputTransform::Log}}) {
  auto loss = [&](const std::vector<double>& params, double* grad) {
    const auto mlp = make_pair_mlp<double, 16>(shape, params.data(), sc);
    return segment_loss_and_grad_cpu<double>(mlp, d.q(0, 0), d.v(0, 0), d.m(0), 3, 2, 0.01, 10, 3, d.q(0, 1), 1.0,
                                             grad);
  };
  std::vector<double> g(p.size(), 0.0);
  loss(p, g.data());
  double worst = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    auto pp = p, pm = p;
    const double h = 1e-5;
    pp[k] += h, pm[k] -= h;
    const double fd = (loss(pp, nullptr) - loss(pm, nullptr)) / (2 * h);
    const double scale = 1e-9 + std::abs(fd);
    worst = std::max(worst, std::abs(g[k] - fd) / scale);
    EXPECT_NEAR(g[k], fd, 1e-6 * std::abs(fd) + 1e-11) << "parameter " << k;
  }
  std::printf("  %zu parameters%s: worst relative error of the adjoint vs central differences %.2e\n", p.size(),
              sc.input == InputTransform::Log ? " (log input)" : "", worst);
  }
}

TEST(MclnnTrain, LearnsTheLinearSpringForce) {
  const TrajectoryData d = spring_data(24, 8, 11u);
  MclnnTrainOptions o = small_options();
  o.epochs = 150;
  std::vector<double> losses;
  const MclnnTrainResult r = train_mclnn(d, o, [&](const EpochReport& e) { losses.push_back(e.train_loss); });
  ASSERT_EQ(int(losses.size()), o.epochs);
  std::printf("  loss: epoch 1 %.3e -> epoch %d %.3e (validation %.3e) in %.2f s\n", losses.front(), o.epochs,
              losses.back(), r.val_loss, r.seconds);
  EXPECT_LT(losses.back(), 1e-2 * losses.front());
  // dV/dr against k (r − r0) over the central training distances.
  const auto meta = nlohmann::json::parse(r.model.metadata).at("training");
  const double a = meta["pair_distance_range"]["p05"], b = meta["pair_distance_range"]["p95"];
  ASSERT_LT(a, b);
  const auto mlp = make_pair_mlp<double, 16>(r.model.shape, r.model.params.data(), pair_scaling(r.model));
  double num = 0, den = 0;
  for (int k = 0; k <= 100; ++k) {
    const double x = a + (b - a) * k / 100.0, truth = x - 1.0, got = mlp.jets(x).dV;
    num += (got - truth) * (got - truth), den += truth * truth;
  }
  const double rel = std::sqrt(num / den);
  std::printf("  learned dV/dr over [%.3f, %.3f]: relative L2 error %.3f%%\n", a, b, 100 * rel);
  EXPECT_LT(rel, 0.05);
}

TEST(MclnnTrain, BitwiseDeterministicForAnyThreadCount) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 8;
  o.threads = 1;
  const MclnnTrainResult a = train_mclnn(d, o);
  o.threads = 2;
  const MclnnTrainResult b = train_mclnn(d, o);
  EXPECT_EQ(a.model.params, b.model.params);
  o.seed = 8;
  const MclnnTrainResult c = train_mclnn(d, o);
  EXPECT_NE(a.model.params, c.model.params);
}

TEST(MclnnTrain, ResumedRunEqualsUninterruptedRun) {
  const TrajectoryData d = spring_data(12, 6, 6u);
  const fs::path dir = fs::temp_directory_path() / ("noether_ckpt_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  MclnnTrainOptions o = small_options();
  o.epochs = 12;
  const MclnnTrainResult full = train_mclnn(d, o);
  // Interrupted: checkpoints every 5 epochs; keep the one of epoch 5 by stopping the copy there.
  o.checkpoint = (dir / "ckpt.json").string();
  o.checkpoint_every = 5;
  o.log_csv = (dir / "log.csv").string();
  train_mclnn(d, o, [&](const EpochReport& e) {
    if (e.epoch == 5) fs::copy_file(o.checkpoint, dir / "ckpt5.json", fs::copy_options::overwrite_existing);
  });
  o.resume = (dir / "ckpt5.json").string();
  const MclnnTrainResult resumed = train_mclnn(d, o);
  EXPECT_EQ(full.model.params, resumed.model.params);
  // Resuming with other options is refused.
  o.lr *= 2;
  EXPECT_THROW(train_mclnn(d, o), Error);
  fs::remove_all(dir);
}

TEST(MclnnTrain, ModelRecordsScalingAndTrainingDistances) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 2;
  const MclnnTrainResult r = train_mclnn(d, o);
  EXPECT_EQ(r.model.model, "mclnn");
  EXPECT_EQ(r.model.shape.widths, (std::vector<int>{1, 8, 8, 1}));
  const auto meta = nlohmann::json::parse(r.model.metadata).at("training");
  EXPECT_GT(meta["pair_distance_range"]["max"].get<double>(), meta["pair_distance_range"]["min"].get<double>());
  EXPECT_DOUBLE_EQ(meta["dt"].get<double>(), 0.01);
  EXPECT_EQ(r.model.input_scaling.shift.size(), 1u);
}

TEST(MclnnTrain, TailPolicyIsWrittenAtTheSupportEdgeAndLeavesTrainingUnchanged) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 2;
  const MclnnTrainResult none = train_mclnn(d, o);
  EXPECT_EQ(none.model.tail.policy, TailPolicy::None);
  o.tail = TailPolicy::Zero;
  const MclnnTrainResult zero = train_mclnn(d, o);
  EXPECT_EQ(zero.model.params, none.model.params);  // the tail is not part of training
  const PairSupport sup = model_support(zero.model);
  ASSERT_TRUE(sup.known());
  EXPECT_EQ(zero.model.tail.policy, TailPolicy::Zero);
  EXPECT_EQ(zero.model.tail.r_hi, sup.hi);
  EXPECT_DOUBLE_EQ(zero.model.tail.r_on, sup.hi - 0.1 * (sup.hi - sup.lo));
  // The saved model resolves to the same law: 0 beyond the support.
  const ModelFile back = parse_model_json(model_json(zero.model), "mem");
  EXPECT_EQ(pair_law_jets_at_for_test(back, 1.5 * sup.hi), 0.0);
  // power: written when V and V' allow it, else 'zero' with a note.
  o.tail = TailPolicy::Power;
  const MclnnTrainResult power = train_mclnn(d, o);
  if (power.tail_note.empty()) {
    EXPECT_EQ(power.model.tail.policy, TailPolicy::Power);
    EXPECT_GT(model_tail(power.model).n, 0);
  } else {
    EXPECT_EQ(power.model.tail.policy, TailPolicy::Zero);
    EXPECT_NE(power.tail_note.find("'zero'"), std::string::npos) << power.tail_note;
  }
}

TEST(MclnnTrain, BadOptionsAreRejectedBeforeTraining) {
  const TrajectoryData d = spring_data(4, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.horizon = 5;  // T − 1 = 4 at most
  EXPECT_THROW(train_mclnn(d, o), Error);
  o = small_options();
  o.hidden = {0};
  EXPECT_THROW(train_mclnn(d, o), Error);
}

TEST(MclnnTrain, CheckpointLoaderReturnsTheStateAndRejectsBadCounters) {
  const TrajectoryData d = spring_data(6, 5, 3u);
  const fs::path dir = fs::temp_directory_path() / ("noether_ckpt_load_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  MclnnTrainOptions o = small_options();
  o.epochs = 2;
  o.checkpoint = (dir / "ckpt.json").string();
  const MclnnTrainResult r = train_mclnn(d, o);
  const std::size_t n = r.model.params.size();
  const MclnnCheckpoint c = load_mclnn_checkpoint(o.checkpoint, o, n, 1000);
  EXPECT_EQ(c.epochs, 2);
  EXPECT_EQ(c.epoch, 2);
  EXPECT_EQ(c.params, r.model.params);
  EXPECT_EQ(c.adam_m.size(), n);
  // Each bad field is an Error naming the file and the key (epoch past the run, wrong parameter count, options).
  auto ckpt = nlohmann::json::parse(std::ifstream(o.checkpoint));
  const auto expect_error = [&](const nlohmann::json& j, const std::string& key, std::size_t params) {
    const std::string bad = (dir / "bad.json").string();
    std::ofstream(bad) << j.dump();
    try {
      load_mclnn_checkpoint(bad, o, params, 1000);
      ADD_FAILURE() << "accepted a checkpoint with a bad " << key;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  auto j = ckpt;
  j["epoch"] = 3;
  expect_error(j, "epoch", n);
  expect_error(ckpt, "params", n + 1);
  j = ckpt;
  j["options"]["lr"] = 1.0;
  expect_error(j, "options", n);
  j = ckpt;
  j.erase("adam_v");
  expect_error(j, "adam_v", n);
  fs::remove_all(dir);
}

// ---- The validation-plateau stop (issue 16): deterministic, restores the best epoch, resumes exactly. ----

TEST(MclnnTrain, PlateauStopsBeforeTheCapAndKeepsTheBestValidationEpoch) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 400;
  o.lr = 3e-2, o.lr_final = 3e-2;  // a constant, large rate: the validation loss soon stops improving by 20%
  o.patience = 4;
  o.min_delta = 0.2;
  std::vector<double> val;
  const MclnnTrainResult r = train_mclnn(d, o, [&](const EpochReport& e) { val.push_back(e.val_loss); });
  EXPECT_EQ(r.stop_reason, "plateau");
  ASSERT_LT(r.epochs, o.epochs);
  ASSERT_EQ(int(val.size()), r.epochs);
  // The rule: the last improvement (by 20% over the previous improving epoch) was `patience` epochs before the stop.
  int ref = 0;
  for (int e = 1; e < int(val.size()); ++e)
    if (val[e] < val[ref] * (1 - o.min_delta)) ref = e;
  EXPECT_EQ(r.epochs - 1 - ref, o.patience);
  // The model holds the lowest validation loss seen, and is that epoch's model (recomputed: bitwise).
  const int best = int(std::min_element(val.begin(), val.end()) - val.begin());
  EXPECT_EQ(r.best_epoch, best + 1);
  EXPECT_EQ(r.val_loss, val[best]);
  std::vector<int> tr, va;
  split_trajectories(d.B, o.val_fraction, o.seed, tr, va);
  EXPECT_EQ(mclnn_loss(r.model, d, make_segments(d, va, o.horizon), o.stride, o.horizon), val[best]);
  const auto meta = nlohmann::json::parse(r.model.metadata).at("training");
  EXPECT_EQ(meta.at("stop_reason"), "plateau");
  EXPECT_EQ(meta.at("best_epoch").get<int>(), best + 1);
  EXPECT_EQ(meta.at("options").at("patience").get<int>(), o.patience);
  EXPECT_FALSE(meta.contains("time_budget_s"));  // no clock was used
  std::printf("  stopped on a plateau after %d of %d epochs; best validation epoch %d\n", r.epochs, o.epochs, best + 1);
}

// After the force-matching start the start is a candidate of the plateau rule (epoch 0): a trajectory phase that only
// damages it (here a huge constant rate) leaves the model at the start, whose validation loss beats every epoch's.
TEST(MclnnTrain, PlateauKeepsTheForceMatchingStartWhenNoEpochBeatsIt) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.init = MclnnInit::ForceMatch;
  o.epochs = 40;
  o.lr = 3.0, o.lr_final = 3.0;
  o.patience = 5, o.min_delta = 0.0;
  std::vector<double> val;
  const MclnnTrainResult r = train_mclnn(d, o, [&](const EpochReport& e) { val.push_back(e.val_loss); });
  ASSERT_FALSE(val.empty());
  EXPECT_EQ(r.best_epoch, 0);
  for (double v : val) EXPECT_LT(r.val_loss, v);
  std::vector<int> tr, va;
  split_trajectories(d.B, o.val_fraction, o.seed, tr, va);
  EXPECT_EQ(mclnn_loss(r.model, d, make_segments(d, va, o.horizon), o.stride, o.horizon), r.val_loss);
  // The start's parameters: the same run with one epoch at a vanishing rate keeps them bitwise.
  MclnnTrainOptions s = o;
  s.epochs = 1, s.patience = 0, s.lr = 1e-300, s.lr_final = 1e-300;
  EXPECT_EQ(train_mclnn(d, s).model.params, r.model.params);
  EXPECT_EQ(nlohmann::json::parse(r.model.metadata).at("training").at("best_epoch").get<int>(), 0);
}

TEST(MclnnTrain, WithoutAPlateauTheCapStops) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 10;
  o.patience = 1000;
  const MclnnTrainResult r = train_mclnn(d, o);
  EXPECT_EQ(r.stop_reason, "epochs");
  EXPECT_EQ(r.epochs, 10);
}

TEST(MclnnTrain, PlateauRunIsBitwiseTheSameForOneAndTwoThreads) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 60;
  o.lr = 3e-2, o.lr_final = 3e-2;
  o.patience = 4, o.min_delta = 0.2;
  o.threads = 1;
  const MclnnTrainResult a = train_mclnn(d, o);
  o.threads = 2;
  const MclnnTrainResult b = train_mclnn(d, o);
  EXPECT_EQ(a.model.params, b.model.params);
  EXPECT_EQ(a.epochs, b.epochs);
  EXPECT_EQ(a.best_epoch, b.best_epoch);
}

TEST(MclnnTrain, ResumedPlateauRunEqualsUninterruptedRun) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  const fs::path dir = fs::temp_directory_path() / ("noether_ckpt_plateau_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  MclnnTrainOptions o = small_options();
  o.epochs = 400;
  o.lr = 3e-2, o.lr_final = 3e-2;
  o.patience = 4, o.min_delta = 0.2;
  const MclnnTrainResult full = train_mclnn(d, o);
  ASSERT_EQ(full.stop_reason, "plateau");
  ASSERT_GT(full.epochs, 3);
  // A checkpoint of an epoch before the stop, and before the best epoch when there is room.
  const int at = std::max(1, std::min(full.best_epoch, full.epochs) - 2);
  o.checkpoint = (dir / "ckpt.json").string();
  o.checkpoint_every = 1;
  train_mclnn(d, o, [&](const EpochReport& e) {
    if (e.epoch == at) fs::copy_file(o.checkpoint, dir / "ckpt_at.json", fs::copy_options::overwrite_existing);
  });
  o.resume = (dir / "ckpt_at.json").string();
  const MclnnTrainResult resumed = train_mclnn(d, o);
  EXPECT_EQ(full.model.params, resumed.model.params);
  EXPECT_EQ(full.epochs, resumed.epochs);
  EXPECT_EQ(full.best_epoch, resumed.best_epoch);
  EXPECT_EQ(resumed.stop_reason, "plateau");
  // The patience is part of the fingerprint: resuming with another is refused.
  o.patience = 5;
  EXPECT_THROW(train_mclnn(d, o), Error);
  fs::remove_all(dir);
}

TEST(MclnnTrain, PatienceWithoutValidationIsAnError) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.patience = 10;
  o.val_fraction = 0;
  try {
    train_mclnn(d, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("patience"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("val_fraction"), std::string::npos) << e.what();
  }
  o.val_fraction = 0.1, o.patience = -1;
  EXPECT_THROW(train_mclnn(d, o), Error);
  o.patience = 3, o.min_delta = 1.5;
  EXPECT_THROW(train_mclnn(d, o), Error);
}

TEST(MclnnTrain, TimeBudgetIsRecordedWhenUsed) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 3;
  o.time_budget_s = 1000;
  const MclnnTrainResult r = train_mclnn(d, o);
  const auto meta = nlohmann::json::parse(r.model.metadata).at("training");
  EXPECT_EQ(meta.at("time_budget_s").get<double>(), 1000.0);
  EXPECT_EQ(meta.at("stop_reason"), "epochs");
}

TEST(MclnnTrain, LogInputRefusesCoincidentParticlesNamingTheData) {
  TrajectoryData d = spring_data(4, 6, 5u);
  d.source = "coincide.npz";
  for (int b = 0; b < d.B; ++b)  // frame 0 of every trajectory (training or validation): particle 1 on particle 0
    for (int k = 0; k < d.D; ++k) d.pos[(std::size_t(b) * d.T * d.N + 1) * d.D + k] = d.pos[std::size_t(b) * d.T * d.N * d.D + k];
  MclnnTrainOptions o = small_options();
  o.epochs = 1;
  o.input_transform = InputTransform::Log;
  try {
    train_mclnn(d, o);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("coincide.npz"), std::string::npos) << m;
    EXPECT_NE(m.find("--input-transform none"), std::string::npos) << m;
  }
  o.input_transform = InputTransform::None;  // the distance input takes it
  EXPECT_NO_THROW(train_mclnn(d, o));
}

TEST(MclnnTrain, PolishLowersTheTrainingLossStartsFromAdamAndIsThreadIndependent) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 10;
  const MclnnTrainResult adam = train_mclnn(d, o);
  o.polish = 30;
  o.threads = 1;
  const MclnnTrainResult a = train_mclnn(d, o);
  o.threads = 2;
  const MclnnTrainResult b = train_mclnn(d, o);
  EXPECT_EQ(a.model.params, b.model.params);
  ASSERT_TRUE(a.polished);
  EXPECT_EQ(a.polish_val_before, adam.val_loss);  // it starts where Adam stopped
  EXPECT_LT(a.polish_train_after, a.polish_train_before);
  EXPECT_EQ(a.polish_kept, a.polish_val_after < a.polish_val_before);
  std::vector<int> tr, va;
  split_trajectories(d.B, o.val_fraction, o.seed, tr, va);
  const double val = mclnn_loss(a.model, d, make_segments(d, va, o.horizon), o.stride, o.horizon);
  EXPECT_EQ(val, a.val_loss);  // the model holds what the result reports
  if (a.polish_kept) {
    EXPECT_LT(a.val_loss, adam.val_loss);
    EXPECT_NE(a.model.params, adam.model.params);
  } else {
    EXPECT_EQ(a.model.params, adam.model.params);
  }
  const auto meta = nlohmann::json::parse(a.model.metadata).at("training");
  EXPECT_EQ(meta.at("options").at("polish").get<int>(), 30);
  EXPECT_EQ(meta.at("polish").at("kept").get<bool>(), a.polish_kept);
  EXPECT_EQ(meta.at("polish").at("evaluations").get<long>(), a.polish_evaluations);
  EXPECT_FALSE(nlohmann::json::parse(adam.model.metadata).at("training").contains("polish"));
}

TEST(MclnnTrain, PolishWithoutValidationIsKeptForTheLowerTrainingLoss) {
  const TrajectoryData d = spring_data(8, 6, 3u);
  MclnnTrainOptions o = small_options();
  o.epochs = 5;
  o.val_fraction = 0;
  o.polish = 20;
  const MclnnTrainResult r = train_mclnn(d, o);
  ASSERT_TRUE(r.polished);
  EXPECT_TRUE(r.polish_kept);
  EXPECT_LT(r.train_loss, r.polish_train_before);
  std::vector<int> all(d.B);
  for (int b = 0; b < d.B; ++b) all[b] = b;
  EXPECT_NEAR(mclnn_loss(r.model, d, make_segments(d, all, o.horizon), o.stride, o.horizon), r.train_loss,
              1e-12 * r.train_loss);
}

TEST(MclnnTrain, NegativePolishIsRejected) {
  const TrajectoryData d = spring_data(4, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.polish = -1;
  EXPECT_THROW(train_mclnn(d, o), Error);
}

TEST(MclnnTrain, PolishPastTheTimeBudgetStopsAndKeepsAdamsParameters) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 3;
  o.time_budget_s = 1e-9;  // spent by the first epoch: the polish evaluates its start, then gives up
  o.polish = 50;
  const MclnnTrainResult r = train_mclnn(d, o);
  ASSERT_TRUE(r.polished);
  EXPECT_EQ(r.polish_stop, "time_budget");
  EXPECT_FALSE(r.polish_kept);
  EXPECT_EQ(r.polish_train_after, r.polish_train_before);
  EXPECT_EQ(nlohmann::json::parse(r.model.metadata).at("training").at("polish").at("stop"), "time_budget");
}

TEST(MclnnTrain, LevenbergMarquardtPolishLowersTheLossIsThreadIndependentAndRecorded) {
  const TrajectoryData d = spring_data(12, 6, 5u);
  MclnnTrainOptions o = small_options();
  o.epochs = 10;
  o.polish = 15;
  const MclnnTrainResult lbfgs = train_mclnn(d, o);
  o.polish_method = PolishMethod::Lm;
  o.threads = 1;
  const MclnnTrainResult a = train_mclnn(d, o);
  o.threads = 2;
  const MclnnTrainResult b = train_mclnn(d, o);
  EXPECT_EQ(a.model.params, b.model.params);  // the normal equations' lanes fix the summation order
  ASSERT_TRUE(a.polished);
  EXPECT_EQ(a.polish_train_before, lbfgs.polish_train_before);  // both start where Adam stopped
  EXPECT_LT(a.polish_train_after, a.polish_train_before);
  EXPECT_EQ(a.polish_kept, a.polish_val_after < a.polish_val_before);
  std::vector<int> tr, va;
  split_trajectories(d.B, o.val_fraction, o.seed, tr, va);
  EXPECT_EQ(mclnn_loss(a.model, d, make_segments(d, va, o.horizon), o.stride, o.horizon), a.val_loss);
  if (a.polish_kept)
    EXPECT_NEAR(mclnn_loss(a.model, d, make_segments(d, tr, o.horizon), o.stride, o.horizon), a.train_loss, 0.0);
  const auto meta = nlohmann::json::parse(a.model.metadata).at("training");
  EXPECT_EQ(meta.at("options").at("polish_method"), "lm");
  EXPECT_EQ(meta.at("polish").at("method"), "lm");
  EXPECT_GE(meta.at("polish").at("accepted_steps").get<int>(), 1);
  EXPECT_LE(meta.at("polish").at("iterations").get<int>(), 15);
  // L-BFGS runs keep their fingerprint (checkpoints written before the method existed still resume)
  EXPECT_FALSE(nlohmann::json::parse(lbfgs.model.metadata).at("training").at("options").contains("polish_method"));
  EXPECT_EQ(nlohmann::json::parse(lbfgs.model.metadata).at("training").at("polish").at("method"), "lbfgs");
}

TEST(MclnnTrain, LevenbergMarquardtPolishRefusesTooManyParameters) {
  const TrajectoryData d = spring_data(4, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 1;
  o.polish = 5;
  o.polish_method = PolishMethod::Lm;
  o.hidden = {40, 40};  // 1,761 parameters
  try {
    train_mclnn(d, o);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at most 1200 parameters"), std::string::npos) << e.what();
  }
  o.polish_method = PolishMethod::Lbfgs;
  EXPECT_NO_THROW(train_mclnn(d, o));
}

TEST(MclnnTrain, LevenbergMarquardtPolishPastTheTimeBudgetKeepsAdamsParameters) {
  const TrajectoryData d = spring_data(6, 5, 2u);
  MclnnTrainOptions o = small_options();
  o.epochs = 3;
  o.time_budget_s = 1e-9;
  o.polish = 50;
  o.polish_method = PolishMethod::Lm;
  const MclnnTrainResult r = train_mclnn(d, o);
  ASSERT_TRUE(r.polished);
  EXPECT_EQ(r.polish_stop, "time_budget");
  EXPECT_FALSE(r.polish_kept);
  EXPECT_EQ(r.polish_train_after, r.polish_train_before);
}
