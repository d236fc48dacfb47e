// mclnn/bulk_dataset.cpp — loading bulk trajectory data and per-species-pair distance ranges (mclnn/bulk_dataset.hpp).
#include "noether/mclnn/bulk_dataset.hpp"

#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/physics/smoothing_code.hpp"

namespace noether {

BulkTrajectoryData load_bulk_trajectory_data(const std::string& path, double frame_dt) {
  return bulk_trajectory_data_from_archive(read_npz(path), path, frame_dt);
}

BulkTrajectoryData bulk_trajectory_data_from_archive(const NpzArchive& a, const std::string& path, double frame_dt) {
  BulkTrajectoryData d;
  d.traj = trajectory_data_from_archive(a, path, frame_dt);
  const int D = d.traj.D, N = d.traj.N;
  if (auto bx = a.find("box"); bx != a.end()) {
    NOETHER_REQUIRE(bx->second.shape == std::vector<std::size_t>{std::size_t(D)},
                    path << ": key 'box' has shape " << shape_str(bx->second.shape) << ", expected (" << D
                         << ",): the box lengths");
    d.box.present = true;
    for (int c = 0; c < D; ++c) {
      d.box.L[c] = bx->second.data[c], d.box.periodic[c] = true;
      NOETHER_REQUIRE(std::isfinite(d.box.L[c]) && d.box.L[c] > 0,
                      path << ": key 'box': length " << c << " is " << d.box.L[c] << ", expected > 0");
    }
    if (auto pr = a.find("periodic"); pr != a.end()) {
      NOETHER_REQUIRE(pr->second.shape == bx->second.shape,
                      path << ": key 'periodic' has shape " << shape_str(pr->second.shape) << ", expected (" << D << ",)");
      for (int c = 0; c < D; ++c) d.box.periodic[c] = pr->second.data[c] != 0;
    }
  } else {
    NOETHER_REQUIRE(!a.count("periodic"), path << ": key 'periodic' without key 'box'");
  }
  if (auto sp = a.find("species"); sp != a.end()) {
    NOETHER_REQUIRE(sp->second.shape == std::vector<std::size_t>{std::size_t(N)},
                    path << ": key 'species' has shape " << shape_str(sp->second.shape) << ", expected (" << N << ",)");
    for (double x : sp->second.data) {
      NOETHER_REQUIRE(x >= 0 && x < 64 && x == std::floor(x),
                      path << ": key 'species': " << x << " is not a species index (an integer in [0, 64))");
      d.species.push_back(int(x));
      d.S = std::max(d.S, int(x) + 1);
    }
  }
  if (auto cu = a.find("cutoff"); cu != a.end()) {
    const std::vector<std::size_t> SS{std::size_t(d.S), std::size_t(d.S)};
    NOETHER_REQUIRE(cu->second.shape == SS, path << ": key 'cutoff' has shape " << shape_str(cu->second.shape)
                                                 << ", expected (" << d.S << ", " << d.S << "): one per species pair");
    const NpyArray* ron = a.count("r_on") ? &a.at("r_on") : nullptr;
    const NpyArray* sm = a.count("smoothing") ? &a.at("smoothing") : nullptr;
    for (const auto& [k, arr] : {std::pair<const char*, const NpyArray*>{"r_on", ron}, {"smoothing", sm}})
      NOETHER_REQUIRE(!arr || arr->shape == SS, path << ": key '" << k << "' has shape " << shape_str(arr->shape)
                                                     << ", expected (" << d.S << ", " << d.S << ")");
    for (std::size_t k = 0; k < cu->second.data.size(); ++k) {
      CutoffSpec c;
      c.cutoff = cu->second.data[k];
      NOETHER_REQUIRE(std::isfinite(c.cutoff) && c.cutoff >= 0, path << ": key 'cutoff': " << c.cutoff << " at ["
                                                                     << k / d.S << ", " << k % d.S << "], expected >= 0");
      const double code = sm ? sm->data[k] : 0.0;
      NOETHER_REQUIRE(smoothing_from_code(code, c.smoothing),
                      path << ": key 'smoothing': " << code << ", expected 0 (switch), 1 (shifted_force) or 2 (none)");
      c.r_on = ron ? ron->data[k] : 0.0;
      NOETHER_REQUIRE(!c.active() || c.smoothing != Smoothing::Switch || (c.r_on > 0 && c.r_on < c.cutoff),
                      path << ": key 'r_on': " << c.r_on << " at [" << k / d.S << ", " << k % d.S
                           << "], expected in (0, cutoff = " << c.cutoff << ") for smoothing switch");
      d.pair_cutoffs.push_back(c);
    }
  }
  return d;
}

std::vector<DistanceRange> species_pair_distance_ranges(const BulkTrajectoryData& data,
                                                        const std::vector<int>& trajectories, double r_max) {
  const TrajectoryData& t = data.traj;
  const PeriodicAxes<double> ax(data.box);
  const int* sp = data.species_ptr();
  std::vector<std::vector<double>> r(species_pair_count(data.S));
  for (int b : trajectories)
    for (int f = 0; f < t.T; ++f) {
      const double* q = t.q(b, f);
      for (int i = 0; i < t.N; ++i)
        for (int j = i + 1; j < t.N; ++j) {
          double r2 = 0;
          for (int c = 0; c < t.D; ++c) {
            const double d = ax.min_image(q[i * t.D + c] - q[j * t.D + c], c);
            r2 += d * d;
          }
          const double x = std::sqrt(r2);
          if (r_max <= 0 || x < r_max) r[sp ? species_pair_index(sp[i], sp[j], data.S) : 0].push_back(x);
        }
    }
  std::vector<DistanceRange> out(r.size());
  for (std::size_t p = 0; p < r.size(); ++p) {
    std::vector<double>& v = r[p];
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::size_t(std::llround(q * double(v.size() - 1)))]; };
    out[p].min = v.front(), out[p].max = v.back(), out[p].upper = v.back();
    out[p].p05 = at(0.05), out[p].p50 = at(0.5), out[p].p95 = at(0.95);
  }
  return out;
}

}  // namespace noether
