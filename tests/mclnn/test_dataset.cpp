// mclnn/test_dataset.cpp — trajectory data sets: loading a simulated file, and every kind of bad data rejected
// with a message naming the file and key before any training starts; splits and segments; the input-scaling
// range robust to an escaping particle, and the histogram of training distances.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <filesystem>
#include <limits>
#include <string>

#include "noether/mclnn/dataset.hpp"
#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"
#include "support/temp_path.hpp"

using namespace noether;
namespace fs = std::filesystem;

namespace {

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = noether_test::unique_temp_path("dataset", "");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A valid file: B=3, T=5, N=3, D=2, times 0, 0.1, …
  std::vector<NpzEntry> good(int B = 3, int T = 5, int N = 3, int D = 2) const {
    std::vector<double> q(std::size_t(B) * T * N * D), v(q.size()), m(std::size_t(N), 1.0), t(T);
    for (std::size_t k = 0; k < q.size(); ++k) q[k] = std::sin(0.37 * double(k)), v[k] = std::cos(0.11 * double(k));
    for (int i = 0; i < T; ++i) t[i] = 0.1 * i;
    const std::size_t sB = B, sT = T, sN = N, sD = D;
    return {{"positions", {sB, sT, sN, sD}, q}, {"velocities", {sB, sT, sN, sD}, v}, {"masses", {sN}, m}, {"times", {sT}, t}};
  }
  std::string write(const std::vector<NpzEntry>& e) const {
    const std::string p = (dir_ / "data.npz").string();
    write_npz(p, e);
    return p;
  }
  void expect_error(const std::vector<NpzEntry>& e, const std::string& needle, double frame_dt = 0.0) const {
    const std::string p = write(e);
    try {
      load_trajectory_data(p, frame_dt);
      ADD_FAILURE() << "expected an error mentioning " << needle;
    } catch (const Error& err) {
      const std::string msg = err.what();
      EXPECT_NE(msg.find(needle), std::string::npos) << msg;
      EXPECT_NE(msg.find("data.npz"), std::string::npos) << msg;
    }
  }
  fs::path dir_;
};

}  // namespace

TEST_F(DatasetTest, LoadsAValidFile) {
  const TrajectoryData d = load_trajectory_data(write(good()));
  EXPECT_EQ(d.B, 3);
  EXPECT_EQ(d.T, 5);
  EXPECT_EQ(d.N, 3);
  EXPECT_EQ(d.D, 2);
  EXPECT_NEAR(d.frame_dt, 0.1, 1e-15);
  EXPECT_EQ(d.mass.size(), 9u);
  EXPECT_EQ(d.q(1, 2)[0], std::sin(0.37 * double((1 * 5 + 2) * 6)));
  EXPECT_NO_THROW(load_trajectory_data(write(good()), 0.1));  // agrees with the configuration
}

TEST_F(DatasetTest, RejectsBadData) {
  auto e = good();
  e[0].data[7] = std::numeric_limits<double>::quiet_NaN();
  expect_error(e, "'positions' has a non-finite value");
  e = good();
  e[1].shape = {3, 5, 3, 3};  // (with data of the wrong size it would not even be a valid npy; resize)
  e[1].data.resize(3 * 5 * 3 * 3);
  expect_error(e, "'velocities' has shape (3, 5, 3, 3)");
  expect_error(good(3, 1), "at least 2 saved frames");
  e = good();
  e[3].data[3] = 0.35;
  expect_error(e, "evenly spaced");
  expect_error(good(), "the configuration says 0.05", 0.05);
  e = good();
  e.pop_back();
  expect_error(e, "missing key 'times'");
  e = good();
  e[2].data[1] = -1;
  expect_error(e, "'masses' must be finite and > 0");
  e = good();
  e[2].shape = {4};
  e[2].data.assign(4, 1.0);
  expect_error(e, "'masses' has shape (4,)");
  e = good();
  e.erase(e.begin() + 1);
  expect_error(e, "missing key 'velocities'");
  e = good();
  e[0].shape = {15, 3, 2};
  e[1].shape = {15, 3, 2};
  expect_error(e, "expected a trajectory (B, T, N, D)");
}

TEST_F(DatasetTest, MissingTimesAreDefinedByTheFrameSpacing) {
  auto e = good();
  e.pop_back();
  const TrajectoryData d = load_trajectory_data(write(e), 0.25);
  EXPECT_DOUBLE_EQ(d.times[4], 1.0);
}

TEST(Dataset, SplitIsSeededDisjointAndComplete) {
  std::vector<int> tr, va, tr2, va2;
  split_trajectories(100, 0.1, 100, tr, va);
  split_trajectories(100, 0.1, 100, tr2, va2);
  EXPECT_EQ(tr, tr2);
  EXPECT_EQ(va, va2);
  EXPECT_EQ(va.size(), 10u);
  EXPECT_EQ(tr.size(), 90u);
  std::vector<int> all = tr;
  all.insert(all.end(), va.begin(), va.end());
  std::sort(all.begin(), all.end());
  for (int b = 0; b < 100; ++b) EXPECT_EQ(all[b], b);
  split_trajectories(100, 0.1, 101, tr2, va2);
  EXPECT_NE(va, va2);
  split_trajectories(1, 0.1, 1, tr, va);  // one trajectory: all of it trains
  EXPECT_EQ(tr.size(), 1u);
  EXPECT_TRUE(va.empty());
}

TEST_F(DatasetTest, SegmentsDistancesAndForceScale) {
  const TrajectoryData d = load_trajectory_data(write(good()));
  const auto segs = make_segments(d, {0, 2}, 2);
  ASSERT_EQ(segs.size(), 6u);  // start frames 0, 1, 2 of two trajectories
  EXPECT_EQ(segs[3].b, 2);
  EXPECT_EQ(segs[3].t, 0);
  EXPECT_THROW(make_segments(d, {0}, 5), Error);
  const DistanceRange r = pair_distance_range(d, {0, 1, 2});
  EXPECT_LE(r.min, r.p05);
  EXPECT_LE(r.p05, r.p95);
  EXPECT_LE(r.p95, r.max);
  EXPECT_GT(r.min, 0);
  EXPECT_GT(force_scale(d, {0}), 0);
}

namespace {

/// B trajectories of T frames of 3 particles in 2-D: particles 0 and 1 at distances 0.75 … 3 of each other
/// (the bulk), particle 2 next to them in every trajectory but the first, where it escapes to r ≈ 25.
TrajectoryData escaping_data(int B, int T) {
  TrajectoryData d;
  d.source = "in-memory";
  d.B = B, d.T = T, d.N = 3, d.D = 2;
  d.frame_dt = 0.1;
  for (int t = 0; t < T; ++t) d.times.push_back(0.1 * t);
  d.mass.assign(std::size_t(B) * 3, 1.0);
  d.pos.assign(std::size_t(B) * T * 6, 0.0);
  d.vel = d.pos;
  for (int b = 0; b < B; ++b)
    for (int t = 0; t < T; ++t) {
      double* q = d.pos.data() + (std::size_t(b) * T + t) * 6;
      const double s = double(b * T + t) / double(B * T - 1);  // 0 … 1 over the data set
      q[2] = 0.75 + 2.25 * s;                                   // particle 1 on the x axis
      const double far = b == 0 ? 1.0 + 24.0 * t / (T - 1) : 1.0 + 0.5 * s;
      q[4] = 0.3, q[5] = far;                                   // particle 2 above them
    }
  return d;
}

}  // namespace

TEST(Dataset, ScalingRangeIgnoresAnEscapingTailButKeepsABulkRange) {
  std::vector<int> all(10);
  for (int b = 0; b < 10; ++b) all[b] = b;
  const TrajectoryData d = escaping_data(10, 20);
  const DistanceRange r = pair_distance_range(d, all);
  EXPECT_GT(r.max, 20.0);
  EXPECT_LT(r.upper, 6.0);  // min + 4 (median − min): the bulk, not the escaping particle
  EXPECT_GE(r.upper, 3.0);  // the structure 0.75 … 3 stays inside
  EXPECT_DOUBLE_EQ(r.upper, std::min(r.max, r.min + kScalingBulkFactor * (r.p50 - r.min)));
  // Without the escaping trajectory the range is the whole data's: upper = max exactly.
  std::vector<int> bulk(all.begin() + 1, all.end());
  const DistanceRange rb = pair_distance_range(d, bulk);
  EXPECT_EQ(rb.upper, rb.max);
  EXPECT_LT(rb.max, 4.0);
}

TEST(Dataset, HistogramCountsEveryTrainingDistance) {
  std::vector<int> all(10);
  for (int b = 0; b < 10; ++b) all[b] = b;
  const TrajectoryData d = escaping_data(10, 20);
  const DistanceHistogram h = pair_distance_histogram(d, all, 40);
  const DistanceRange r = pair_distance_range(d, all);
  ASSERT_EQ(h.counts.size(), 40u);
  EXPECT_EQ(h.lo, r.min);
  EXPECT_EQ(h.hi, r.upper);
  long sum = h.above;
  for (long c : h.counts) sum += c;
  EXPECT_EQ(sum, h.total);
  EXPECT_EQ(h.total, 10L * 20 * 3);
  EXPECT_GT(h.above, 0);  // the escaping particle's distances
  // The density integrates to the share of distances inside [lo, hi].
  const double w = (h.hi - h.lo) / 40;
  double integral = 0;
  for (int k = 0; k < 40; ++k) integral += h.density(h.lo + (k + 0.5) * w) * w;
  EXPECT_NEAR(integral, double(h.total - h.above) / double(h.total), 1e-12);
  EXPECT_EQ(h.density(h.lo - 1e-9), 0.0);
  EXPECT_EQ(h.density(h.hi + 1e-9), 0.0);
  EXPECT_THROW(pair_distance_histogram(d, all, 0), Error);
}
