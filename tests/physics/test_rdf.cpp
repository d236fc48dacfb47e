// physics/test_rdf.cpp — the radial distribution function (physics/bulk.hpp, radial_distribution): an ideal gas has
// g(r) ≈ 1, an fcc lattice has its first shell (12 neighbors) at a/√2 and nothing below it; species pairs select.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/physics/bulk.hpp"
#include "noether/physics/sampler.hpp"

using namespace noether;

TEST(Rdf, IdealGasIsOne) {
  Box box;
  box.present = true;
  for (int c = 0; c < 3; ++c) box.L[c] = 10, box.periodic[c] = true;
  const int N = 1000, F = 4;
  std::vector<double> pos;
  unsigned x = 9;
  for (int k = 0; k < F * N * 3; ++k) x = x * 1664525u + 1013904223u, pos.push_back(10.0 * double(x >> 8) / double(1u << 24));
  const auto g = radial_distribution(pos.data(), F, N, 3, box, nullptr, 0, 0, 5.0, 10);
  for (int k = 3; k < 10; ++k) EXPECT_NEAR(g[k], 1.0, 0.05) << k;  // small shells are noisy
}

TEST(Rdf, FccFirstShellAndSpecies) {
  FccSamplerSpec f;
  f.cells[0] = f.cells[1] = f.cells[2] = 4, f.density = 1.0;
  const InitialState s = sample_fcc(f);
  const double a = std::cbrt(4.0), nn = a / std::sqrt(2.0);
  const int bins = 100;
  const double rmax = 0.5 * s.box.L[0], dr = rmax / bins;
  const auto g = radial_distribution(s.pos.data(), 1, s.N, 3, s.box, nullptr, 0, 0, rmax, bins);
  const int k = int(nn / dr);
  for (int j = 0; j < k - 1; ++j) EXPECT_EQ(g[j], 0.0) << j;
  double shell = 0;  // 12 neighbors: Σ g (N − 1)/V · shell volume over the peak bins = 12
  for (int j = k - 1; j <= k + 1; ++j) {
    const double lo = j * dr, hi = (j + 1) * dr;
    shell += g[j] * ((s.N - 1) / s.box.volume(3)) * 4.0 / 3.0 * M_PI * (hi * hi * hi - lo * lo * lo);
  }
  EXPECT_NEAR(shell, 12.0, 1e-9);
  std::vector<int> sp(s.N, 0);
  sp[0] = 1;  // one B particle: g_BB has no pairs, g_AB counts only particle 0's neighbors
  EXPECT_EQ(radial_distribution(s.pos.data(), 1, s.N, 3, s.box, sp.data(), 1, 1, rmax, bins)[k], 0.0);
  EXPECT_GT(radial_distribution(s.pos.data(), 1, s.N, 3, s.box, sp.data(), 0, 1, rmax, bins)[k], 1.0);
  Box open;
  EXPECT_THROW(radial_distribution(s.pos.data(), 1, s.N, 3, open, nullptr, 0, 0, 1.0, 10), Error);
}
