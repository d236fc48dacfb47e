// mclnn/dataset.cpp — loading, validating and segmenting trajectory data sets (mclnn/dataset.hpp).
#include "noether/mclnn/dataset.hpp"

#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/io/npz.hpp"

namespace noether {
namespace {

}  // namespace

TrajectoryData load_trajectory_data(const std::string& path, double frame_dt) {
  return trajectory_data_from_archive(read_npz(path), path, frame_dt);
}

TrajectoryData trajectory_data_from_archive(const NpzArchive& a, const std::string& path, double frame_dt) {
  TrajectoryData d;
  d.source = path;
  auto key = [&](const char* k, const std::string& expected) -> const NpyArray& {
    auto it = a.find(k);
    NOETHER_REQUIRE(it != a.end(), path << ": missing key '" << k << "' (expected " << expected << ")");
    return it->second;
  };
  const NpyArray& P = key("positions", "(B, T, N, D) with T >= 2 frames and D = 2 or 3");
  const NpyArray& V = key("velocities", "the shape of 'positions'");
  NOETHER_REQUIRE(P.shape.size() == 4, path << ": key 'positions' has shape " << shape_str(P.shape)
                                            << ", expected a trajectory (B, T, N, D)");
  NOETHER_REQUIRE(V.shape == P.shape, path << ": key 'velocities' has shape " << shape_str(V.shape)
                                           << ", expected the shape of 'positions' " << shape_str(P.shape));
  d.B = int(P.shape[0]), d.T = int(P.shape[1]), d.N = int(P.shape[2]), d.D = int(P.shape[3]);
  NOETHER_REQUIRE(d.B >= 1 && d.N >= 2, path << ": key 'positions' has shape " << shape_str(P.shape)
                                            << ", expected at least 1 trajectory and 2 particles");
  NOETHER_REQUIRE(d.T >= 2, path << ": key 'positions' has " << d.T
                                 << " frame(s); training needs at least 2 saved frames per trajectory");
  NOETHER_REQUIRE(d.D == 2 || d.D == 3, path << ": key 'positions' has shape " << shape_str(P.shape)
                                             << ", expected last axis D = 2 or 3");
  d.pos = P.data, d.vel = V.data;
  const std::size_t frame = std::size_t(d.N) * d.D;
  for (const auto* arr : {&d.pos, &d.vel})
    for (std::size_t k = 0; k < arr->size(); ++k)
      NOETHER_REQUIRE(std::isfinite((*arr)[k]),
                      path << ": key '" << (arr == &d.pos ? "positions" : "velocities")
                           << "' has a non-finite value at trajectory " << k / (frame * d.T) << ", frame "
                           << (k / frame) % d.T << ", particle " << (k / d.D) % d.N);

  const NpyArray& M = key("masses", "(N) or (B, N)");
  if (M.shape.size() == 1 && M.shape[0] == std::size_t(d.N)) {
    for (int b = 0; b < d.B; ++b) d.mass.insert(d.mass.end(), M.data.begin(), M.data.end());
  } else {
    NOETHER_REQUIRE(M.shape.size() == 2 && M.shape[0] == std::size_t(d.B) && M.shape[1] == std::size_t(d.N),
                    path << ": key 'masses' has shape " << shape_str(M.shape) << ", expected (" << d.N << ",) or ("
                         << d.B << ", " << d.N << ")");
    d.mass = M.data;
  }
  for (std::size_t k = 0; k < d.mass.size(); ++k)
    NOETHER_REQUIRE(std::isfinite(d.mass[k]) && d.mass[k] > 0,
                    path << ": key 'masses' must be finite and > 0, got " << d.mass[k] << " at trajectory "
                         << k / d.N << ", particle " << k % d.N);

  auto it = a.find("times");
  if (it == a.end()) {
    NOETHER_REQUIRE(frame_dt > 0, path << ": missing key 'times' (T,) and no frame spacing given to replace it");
    for (int t = 0; t < d.T; ++t) d.times.push_back(t * frame_dt);
  } else {
    const NpyArray& Tm = it->second;
    NOETHER_REQUIRE(Tm.shape.size() == 1 && Tm.shape[0] == std::size_t(d.T),
                    path << ": key 'times' has shape " << shape_str(Tm.shape) << ", expected (" << d.T << ",)");
    d.times = Tm.data;
  }
  d.frame_dt = d.times[1] - d.times[0];
  NOETHER_REQUIRE(std::isfinite(d.frame_dt) && d.frame_dt > 0,
                  path << ": key 'times' must be strictly increasing, got times[0] = " << d.times[0]
                       << ", times[1] = " << d.times[1]);
  for (int t = 1; t < d.T; ++t) {
    const double step = d.times[t] - d.times[t - 1];
    NOETHER_REQUIRE(std::abs(step - d.frame_dt) <= 1e-6 * d.frame_dt,
                    path << ": key 'times' must be evenly spaced (velocity Verlet rolls out between frames): "
                         << "times[" << t << "] − times[" << t - 1 << "] = " << step << " but times[1] − times[0] = "
                         << d.frame_dt);
  }
  if (frame_dt > 0)
    NOETHER_REQUIRE(std::abs(frame_dt - d.frame_dt) <= 1e-6 * frame_dt,
                    path << ": key 'times' gives frames " << d.frame_dt << " apart, but the configuration says "
                         << frame_dt << " (dt × stride)");
  return d;
}

void split_trajectories(int B, double val_fraction, std::uint64_t seed, std::vector<int>& train,
                        std::vector<int>& val) {
  NOETHER_REQUIRE(val_fraction >= 0 && val_fraction < 1,
                  "validation fraction must be in [0, 1), got " << val_fraction);
  std::vector<int> idx(B);
  for (int b = 0; b < B; ++b) idx[b] = b;
  SplitMix64 rng{seed ^ 0x5eedULL};
  shuffle(idx, rng);
  int n_val = int(std::lround(val_fraction * B));
  if (val_fraction > 0 && B >= 2) n_val = std::max(n_val, 1);
  n_val = std::min(n_val, B - 1);
  val.assign(idx.begin(), idx.begin() + n_val);
  train.assign(idx.begin() + n_val, idx.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
}

std::vector<Segment> make_segments(const TrajectoryData& data, const std::vector<int>& trajectories, int horizon) {
  NOETHER_REQUIRE(horizon >= 1 && horizon < data.T, data.source << ": horizon must be in [1, " << data.T - 1
                                                                 << "] (frames per trajectory − 1), got " << horizon);
  std::vector<Segment> out;
  for (int b : trajectories)
    for (int t = 0; t + horizon < data.T; ++t) out.push_back({b, t});
  return out;
}

std::vector<double> pair_distances(const TrajectoryData& data, const std::vector<int>& trajectories) {
  std::vector<double> r;
  const int D = data.D;
  for (int b : trajectories)
    for (int t = 0; t < data.T; ++t) {
      const double* q = data.q(b, t);
      for (int i = 0; i < data.N; ++i)
        for (int j = i + 1; j < data.N; ++j) {
          double r2 = 0;
          for (int c = 0; c < D; ++c) r2 += (q[i * D + c] - q[j * D + c]) * (q[i * D + c] - q[j * D + c]);
          r.push_back(std::sqrt(r2));
        }
    }
  return r;
}

DistanceRange pair_distance_range(const TrajectoryData& data, const std::vector<int>& trajectories) {
  std::vector<double> r = pair_distances(data, trajectories);
  NOETHER_REQUIRE(!r.empty(), data.source << ": no particle pairs to measure");
  std::sort(r.begin(), r.end());
  auto pct = [&](double p) { return r[std::size_t(std::lround(p * double(r.size() - 1)))]; };
  DistanceRange out{r.front(), r.back(), pct(0.05), pct(0.95), pct(0.5)};
  out.upper = std::min(out.max, out.min + kScalingBulkFactor * (out.p50 - out.min));
  if (!(out.upper > out.min)) out.upper = out.max;  // half the distances at the minimum: no bulk to measure
  return out;
}

double DistanceHistogram::density(double r) const {
  if (counts.empty() || total <= 0 || !(hi > lo) || r < lo || r > hi) return 0.0;
  const double w = (hi - lo) / double(counts.size());
  const std::size_t k = std::min(counts.size() - 1, std::size_t((r - lo) / w));
  return double(counts[k]) / (double(total) * w);
}

DistanceHistogram pair_distance_histogram(const TrajectoryData& data, const std::vector<int>& trajectories, int bins) {
  NOETHER_REQUIRE(bins >= 1, "pair_distance_histogram: bins must be >= 1, got " << bins);
  const DistanceRange range = pair_distance_range(data, trajectories);
  const std::vector<double> r = pair_distances(data, trajectories);
  DistanceHistogram h;
  h.lo = range.min, h.hi = range.upper;
  h.counts.assign(std::size_t(bins), 0);
  h.total = long(r.size());
  const double w = (h.hi - h.lo) / bins;
  for (double x : r) {
    if (x > h.hi) {
      ++h.above;
    } else {
      const std::size_t k = w > 0 ? std::min(std::size_t(bins - 1), std::size_t((x - h.lo) / w)) : 0;
      ++h.counts[k];
    }
  }
  return h;
}

double force_scale(const TrajectoryData& data, const std::vector<int>& trajectories) {
  double s = 0;
  long n = 0;
  for (int b : trajectories)
    for (int t = 0; t + 1 < data.T; ++t) {
      const double *v0 = data.v(b, t), *v1 = data.v(b, t + 1), *m = data.m(b);
      for (int i = 0; i < data.N; ++i) {
        double a2 = 0;
        for (int c = 0; c < data.D; ++c) {
          const double a = (v1[i * data.D + c] - v0[i * data.D + c]) / data.frame_dt;
          a2 += a * a;
        }
        s += m[i] * m[i] * a2;
        ++n;
      }
    }
  return n > 0 ? std::sqrt(s / double(n)) : 0.0;
}

}  // namespace noether
