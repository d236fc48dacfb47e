// support/run_metrics_util.hpp — the shape check of an HNN-style `noether run` metrics.json shared by the HNN and
// pixel-pendulum run tests: models.{hnn, baseline}.{train_loss, test_loss, energy_mse} as mean ± std error
// over two seeds.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

namespace noether_test {

/// For both models and every loss: two per-seed values, mean = their average, stderr = |a − b|/2 (n = 2:
/// s/√2), positive means and seconds.
inline void expect_two_seed_models(const nlohmann::json& m) {
  for (const char* model : {"hnn", "baseline"}) {
    const auto& mm = m.at("models").at(model);
    for (const char* k : {"train_loss", "test_loss", "energy_mse"}) {
      const auto& s = mm.at(k);
      const double mean = s.at("mean").get<double>(), se = s.at("stderr").get<double>();
      const auto v = s.at("per_seed").get<std::vector<double>>();
      ASSERT_EQ(v.size(), 2u) << model << " " << k;
      EXPECT_GT(mean, 0.0) << model << " " << k;
      EXPECT_NEAR(mean, 0.5 * (v[0] + v[1]), 1e-12 * mean);
      EXPECT_NEAR(se, 0.5 * std::abs(v[0] - v[1]), 1e-12 * mean);
    }
    EXPECT_GT(mm.at("seconds").get<double>(), 0.0);
  }
}

}  // namespace noether_test
