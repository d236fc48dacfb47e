// physics/trajectory_analysis.cpp — analyze_trajectory and the g(r) deviation (physics/trajectory_analysis.hpp).
#include "noether/physics/trajectory_analysis.hpp"

#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/physics/bulk_observables.hpp"

namespace noether {

namespace {

void mean_and_std(const std::vector<double>& x, double& mean, double& sd) {
  mean = sd = 0;
  if (x.empty()) return;
  for (double v : x) mean += v;
  mean /= double(x.size());
  for (double v : x) sd += (v - mean) * (v - mean);
  sd = x.size() > 1 ? std::sqrt(sd / double(x.size() - 1)) : 0.0;
}

}  // namespace

TrajectoryAnalysis analyze_trajectory(const Trajectory& t, const TrajectoryAnalysisOptions& opt) {
  const int B = t.B, T = t.T, N = t.N, D = t.D, f0 = opt.skip_frames;
  NOETHER_REQUIRE(f0 >= 0 && f0 < T, "--skip-frames: expected 0 <= skip < " << T << " (the trajectory's frames), got " << f0);
  NOETHER_REQUIRE(opt.rdf_bins >= 1 && opt.rdf_bins <= 100000, "--rdf-bins: expected 1..100000, got " << opt.rdf_bins);
  NOETHER_REQUIRE(opt.fit_from >= 0 && opt.fit_from < 1, "--fit-from: expected a fraction in [0, 1), got " << opt.fit_from);
  TrajectoryAnalysis a;
  a.B = B, a.T = T, a.N = N, a.D = D, a.frames_used = T - f0;
  a.times = t.times;
  for (int s : t.species) a.S = std::max(a.S, s + 1);
  const std::size_t frame = std::size_t(N) * D;
  std::vector<double> used_T, used_P;  // every (trajectory, used frame) value
  // Temperature: K from the velocities and masses (the run's kinetic energies when velocities are absent).
  const bool have_K = !t.vel.empty() || (!t.frames.empty() && t.frames[0].kinetic.size() == std::size_t(B));
  std::vector<double> K(std::size_t(B) * T, 0.0);  // (B, T)
  if (have_K) {
    for (int b = 0; b < B; ++b)
      for (int f = 0; f < T; ++f) {
        double k = 0;
        if (!t.vel.empty()) {
          const double* v = t.vel.data() + (std::size_t(b) * T + f) * frame;
          for (int i = 0; i < N; ++i) {
            double v2 = 0;
            for (int c = 0; c < D; ++c) v2 += v[i * D + c] * v[i * D + c];
            k += 0.5 * t.mass[std::size_t(b) * N + i] * v2;
          }
        } else {
          k = t.frames[f].kinetic[b];
        }
        K[std::size_t(b) * T + f] = k;
      }
    a.temperature.assign(T, 0.0);
    for (int b = 0; b < B; ++b)
      for (int f = 0; f < T; ++f) {
        const double x = kinetic_temperature(K[std::size_t(b) * T + f], N, D);
        a.temperature[f] += x / B;
        if (f >= f0) used_T.push_back(x);
      }
    mean_and_std(used_T, a.temperature_mean, a.temperature_std);
  }
  const double vol = t.box.volume(D);
  if (have_K && t.virial.size() == std::size_t(B) * T && vol > 0) {
    a.pressure.assign(T, 0.0);
    for (int b = 0; b < B; ++b)
      for (int f = 0; f < T; ++f) {
        const double p = virial_pressure(K[std::size_t(b) * T + f], t.virial[std::size_t(b) * T + f], D, vol);
        a.pressure[f] += p / B;
        if (f >= f0) used_P.push_back(p);
      }
    mean_and_std(used_P, a.pressure_mean, a.pressure_std);
  }
  const bool have_U = !t.frames.empty() && t.frames[0].potential.size() == std::size_t(B);
  if (have_K && have_U) {
    a.energy.assign(T, 0.0);
    for (int b = 0; b < B; ++b) {
      const double H0 = K[std::size_t(b) * T + f0] + t.frames[f0].potential[b];
      for (int f = 0; f < T; ++f) {
        const double H = K[std::size_t(b) * T + f] + t.frames[f].potential[b];
        a.energy[f] += H / B;
        if (f >= f0 && H0 != 0) a.energy_drift = std::max(a.energy_drift, std::fabs(H - H0) / std::fabs(H0));
      }
    }
  }
  // The used frames (B, T − f0, N, D) contiguously, for the MSD and g(r) alike: the trajectory's own arrays when no
  // frame is skipped, else one copy.
  const int Tu = T - f0;
  const bool have_images = t.images.size() == t.pos.size();
  std::vector<double> pos_copy;
  std::vector<int> img_copy;
  const double* used_pos = t.pos.data();
  const int* used_img = have_images ? t.images.data() : nullptr;
  if (f0 > 0) {
    pos_copy.resize(std::size_t(B) * Tu * frame);
    if (have_images) img_copy.resize(pos_copy.size());
    for (int b = 0; b < B; ++b) {
      const std::size_t src = (std::size_t(b) * T + f0) * frame, dst = std::size_t(b) * Tu * frame;
      std::copy_n(t.pos.begin() + src, std::size_t(Tu) * frame, pos_copy.begin() + dst);
      if (have_images) std::copy_n(t.images.begin() + src, std::size_t(Tu) * frame, img_copy.begin() + dst);
    }
    used_pos = pos_copy.data();
    used_img = have_images ? img_copy.data() : nullptr;
  }
  // MSD from the first used frame: a periodic box needs image counters to unwrap.
  if (t.box.any_periodic(D) && !have_images) {
    a.msd_note = "no MSD: the periodic trajectory has no 'images' key to unwrap its positions";
  } else {
    const auto m = mean_squared_displacement(used_pos, used_img, B, Tu, N, D, t.box);
    a.msd.assign(T, 0.0);
    for (int b = 0; b < B; ++b)
      for (int f = 0; f < Tu; ++f) a.msd[f0 + f] += m[std::size_t(b) * Tu + f] / B;
    std::vector<double> tt(t.times.begin() + f0, t.times.end()), mm(a.msd.begin() + f0, a.msd.end());
    for (double& x : tt) x -= t.times[f0];
    if (Tu >= 3) a.diffusion = diffusion_coefficient(tt.data(), mm.data(), Tu, D, opt.fit_from);
  }
  // g(r) per species pair over every used frame of every trajectory.
  if (!t.box.present || vol <= 0) {
    a.rdf_note = "no g(r): the trajectory has no box (its volume normalises g)";
    return a;
  }
  double r_max = opt.rdf_r_max;
  double half_edge = 1e300;
  for (int c = 0; c < D; ++c)
    if (t.box.periodic[c]) half_edge = std::min(half_edge, 0.5 * t.box.L[c]);
  if (r_max <= 0) r_max = std::min(5.0 * std::pow(vol / N, 1.0 / D), half_edge < 1e300 ? half_edge : 1e300);
  NOETHER_REQUIRE(r_max <= half_edge, "--r-max: " << r_max << " is beyond half the shortest periodic edge (" << half_edge
                                                  << "), where the minimum image stops being the only image");
  a.rdf_bins = opt.rdf_bins, a.rdf_r_max = r_max;
  const int F = B * Tu, S = a.S;
  a.rdf.assign(std::size_t(S) * S * a.rdf_bins, 0.0);
  for (int x = 0; x < S; ++x)
    for (int y = x; y < S; ++y) {
      const auto g = radial_distribution(used_pos, F, N, D, t.box, t.species.empty() ? nullptr : t.species.data(),
                                         x, y, r_max, a.rdf_bins);
      std::copy(g.begin(), g.end(), a.rdf.begin() + (std::size_t(x) * S + y) * a.rdf_bins);
      std::copy(g.begin(), g.end(), a.rdf.begin() + (std::size_t(y) * S + x) * a.rdf_bins);  // g_ab = g_ba
    }
  a.rdf_r.resize(a.rdf_bins);
  for (int k = 0; k < a.rdf_bins; ++k) a.rdf_r[k] = (k + 0.5) * r_max / a.rdf_bins;
  return a;
}

double rdf_relative_deviation(const double* g_a, const double* g_b, const double* r, int bins, double r_limit) {
  double peak = 0, dev = 0;
  for (int k = 0; k < bins; ++k) {
    if (r_limit > 0 && r[k] > r_limit) continue;
    peak = std::max(peak, g_a[k]);
    dev = std::max(dev, std::fabs(g_a[k] - g_b[k]));
  }
  return peak > 0 ? dev / peak : 0.0;
}

}  // namespace noether
