// hnn/test_minibatch.cpp — minibatch training of HNN / baseline models (hnn/model.hpp): the batch rows are distinct,
// in range, uniformly spread and a pure function of (seed, step); minibatch training is deterministic and
// equals a hand-written Adam loop over those rows; batch_size 0 is the unchanged full-batch loop, bit for bit;
// the final losses are on the full sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "noether/nn/adam.hpp"
#include "noether/core/error.hpp"
#include "noether/hnn/train.hpp"
#include "noether/hnn/orbits.hpp"

using namespace noether;

namespace {

HnnDataset small_orbits() {
  HnnOrbitOptions o;
  o.bodies = 2;
  o.trajectories = 10;
  o.points = 12;
  o.seed = 2;
  return make_hnn_orbit_data(o);  // 96 training rows of dimension 8
}

/// Adam exactly as train_hnn_model sets it up (coupled L2, constant lr).
Adam make_adam(std::size_t n, const HnnTrainOptions& o) {
  AdamOptions ao;
  ao.weight_decay = o.weight_decay;
  ao.decay_mode = WeightDecay::L2;
  ao.schedule.lr = o.lr;
  return Adam(n, ao);
}

}  // namespace

TEST(HnnMinibatch, RowsAreDistinctInRangeAndAPureFunctionOfSeedAndStep) {
  const int n = 50, b = 20;
  std::vector<int> rows(b), again(b), other(b);
  std::vector<long> count(n, 0);
  const long steps = 5000;
  for (long s = 0; s < steps; ++s) {
    hnn_minibatch_rows(9, s, n, b, rows.data());
    hnn_minibatch_rows(9, s, n, b, again.data());
    ASSERT_EQ(rows, again);
    const std::set<int> unique(rows.begin(), rows.end());
    ASSERT_EQ(unique.size(), std::size_t(b)) << "step " << s;
    ASSERT_GE(*unique.begin(), 0);
    ASSERT_LT(*unique.rbegin(), n);
    for (int r : rows) ++count[r];
  }
  // Uniform: each row is drawn with probability b/n per step; 5000 steps → mean 2000, std ≈ 35.
  const double mean = double(steps) * b / n;
  for (int r = 0; r < n; ++r) EXPECT_NEAR(double(count[r]), mean, 6 * std::sqrt(mean)) << "row " << r;
  hnn_minibatch_rows(9, 1, n, b, rows.data());
  hnn_minibatch_rows(9, 2, n, b, other.data());
  EXPECT_NE(rows, other);  // steps differ
  hnn_minibatch_rows(10, 1, n, b, other.data());
  EXPECT_NE(rows, other);  // seeds differ
  rows.resize(n);
  hnn_minibatch_rows(3, 0, n, n, rows.data());  // batch = n: a permutation
  std::sort(rows.begin(), rows.end());
  for (int i = 0; i < n; ++i) EXPECT_EQ(rows[i], i);
  EXPECT_THROW(hnn_minibatch_rows(3, 0, n, n + 1, rows.data()), Error);
  EXPECT_THROW(hnn_minibatch_rows(3, 0, n, 0, rows.data()), Error);
}

TEST(HnnMinibatch, TrainingEqualsAdamOverTheSampledRowsAndIsDeterministic) {
  const HnnDataset d = small_orbits();
  ASSERT_EQ(d.n_train, 96);
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    HnnTrainOptions o;
    o.hidden = {16, 16};
    o.steps = 7;
    o.batch_size = 10;
    o.seed = 4;
    int calls = 0;
    o.on_step = [&calls](int done, double loss) {
      EXPECT_EQ(done, ++calls);
      EXPECT_GT(loss, 0.0);
    };
    const HnnTrainResult a = train_hnn_model(kind, d, o);
    EXPECT_EQ(calls, 7);
    o.on_step = nullptr;
    const HnnTrainResult b = train_hnn_model(kind, d, o);
    EXPECT_EQ(a.model.params, b.model.params);  // deterministic, bit for bit
    // Hand-written loop: Adam on the loss of exactly the rows hnn_minibatch_rows gives.
    HnnModel m = init_hnn_model(kind, d.dim, o.hidden, o.activation, o.seed);
    Adam adam = make_adam(m.params.size(), o);
    std::vector<double> grad(m.params.size()), Xb(10 * 8), Yb(10 * 8);
    std::vector<int> rows(10);
    for (int s = 0; s < o.steps; ++s) {
      hnn_minibatch_rows(o.seed, s, d.n_train, 10, rows.data());
      for (int i = 0; i < 10; ++i)
        for (int c = 0; c < 8; ++c)
          Xb[i * 8 + c] = d.x_train()[rows[i] * 8 + c], Yb[i * 8 + c] = d.dxdt_train()[rows[i] * 8 + c];
      hnn_model_loss(m, Xb.data(), Yb.data(), 10, grad.data());
      adam.step(m.params.data(), grad.data());
    }
    EXPECT_EQ(a.model.params, m.params);
    // Final losses are over the full training and test sets.
    EXPECT_DOUBLE_EQ(a.train_loss, hnn_model_loss(m, d.x_train(), d.dxdt_train(), d.n_train, nullptr));
    EXPECT_DOUBLE_EQ(a.test_loss, hnn_model_loss(m, d.x_test(), d.dxdt_test(), d.n_test, nullptr));
    o.seed = 5;
    EXPECT_NE(train_hnn_model(kind, d, o).model.params, a.model.params);
  }
}

TEST(HnnMinibatch, BatchSizeZeroIsTheFullBatchLoopBitForBit) {
  const HnnDataset d = small_orbits();
  for (HnnModelKind kind : {HnnModelKind::Hnn, HnnModelKind::Baseline}) {
    HnnTrainOptions o;
    o.hidden = {16};
    o.steps = 5;
    o.seed = 8;
    const HnnTrainResult full = train_hnn_model(kind, d, o);
    HnnModel m = init_hnn_model(kind, d.dim, o.hidden, o.activation, o.seed);
    Adam adam = make_adam(m.params.size(), o);
    std::vector<double> grad(m.params.size());
    for (int s = 0; s < o.steps; ++s) {
      hnn_model_loss(m, d.x_train(), d.dxdt_train(), d.n_train, grad.data());
      adam.step(m.params.data(), grad.data());
    }
    EXPECT_EQ(full.model.params, m.params);
    o.batch_size = d.n_train;  // a batch of every row is the full batch, in order
    EXPECT_EQ(train_hnn_model(kind, d, o).model.params, m.params);
    o.batch_size = -1;
    EXPECT_THROW(train_hnn_model(kind, d, o), Error);
  }
}
