// run/seed_stats.hpp — the per-seed statistics and number formats shared by the HNN and pixel-pendulum
// `noether run` experiments: mean ± standard error over seeds, their metrics.json form, and the
// summary tables' number formats.
#pragma once
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace noether {

/// Mean and standard error of per-seed values: stderr = sample standard deviation (n − 1) / √n, 0 for n < 2.
struct SeedStat {
  double mean = 0, stderr_ = 0;
};

inline SeedStat seed_stat(const std::vector<double>& v) {
  SeedStat s;
  for (double x : v) s.mean += x / double(v.size());
  if (v.size() < 2) return s;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stderr_ = std::sqrt(ss / double(v.size() - 1)) / std::sqrt(double(v.size()));
  return s;
}

/// {"mean", "stderr", "per_seed"} of metrics.json.
inline nlohmann::json seed_stat_json(const std::vector<double>& v) {
  const SeedStat s = seed_stat(v);
  return {{"mean", s.mean}, {"stderr", s.stderr_}, {"per_seed", v}};
}

/// "%.3e" (tables).
inline std::string fmt_sci(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3e", x);
  return b;
}

/// "%.1f" (seconds).
inline std::string fmt_secs(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", x);
  return b;
}

/// "mean ± stderr" in fmt_sci.
inline std::string fmt_mean_stderr(const std::vector<double>& v) {
  const SeedStat s = seed_stat(v);
  return fmt_sci(s.mean) + " ± " + fmt_sci(s.stderr_);
}

}  // namespace noether
