// physics/test_rdf.cpp — the radial distribution function (physics/bulk_observables.hpp: radial_distribution, cells and all pairs), MSD and the diffusion coefficient: an ideal gas has
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

namespace {

/// F frames of N uniform points in a box of edges L (periodic per `per`), species 0/1/2 cycling; some coordinates on
/// periodic axes left outside [0, L) (unwrapped input) to exercise the binning's wrap.
std::vector<double> random_frames(int F, int N, int D, const double* L, const bool* per, unsigned seed) {
  std::vector<double> pos;
  unsigned x = seed;
  for (int k = 0; k < F * N * D; ++k) {
    x = x * 1664525u + 1013904223u;
    const int c = k % D;
    double v = L[c] * double(x >> 8) / double(1u << 24);
    if (per[c] && k % 17 == 0) v += L[c] * (k % 3 == 0 ? -1.0 : 2.0);
    pos.push_back(v);
  }
  return pos;
}

}  // namespace

// The cell path visits exactly the pairs of the all-pairs path with the same distance, so the histograms are equal
// bit for bit: periodic cube, a slab (open z), 2-D, species pairs, unwrapped coordinates, several thread counts.
TEST(Rdf, CellPathEqualsAllPairsBitwise) {
  struct Case { int D; double L[3]; bool per[3]; double r_max; };
  const Case cases[] = {{3, {9.0, 10.0, 11.0}, {true, true, true}, 3.0},
                        {3, {9.0, 9.5, 12.0}, {true, true, false}, 2.9},
                        {2, {14.0, 13.0, 0.0}, {true, true, false}, 4.0},
                        {3, {7.0, 7.0, 7.0}, {true, true, true}, 3.5}};  // 2 cells per axis: the all-pairs fallback
  for (const Case& cs : cases) {
    Box box;
    box.present = true;
    for (int c = 0; c < cs.D; ++c) box.L[c] = cs.L[c], box.periodic[c] = cs.per[c];
    const int N = 600, F = 3;
    const auto pos = random_frames(F, N, cs.D, cs.L, cs.per, 77u + unsigned(cs.D));
    std::vector<int> sp(N);
    for (int i = 0; i < N; ++i) sp[i] = i % 3;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        const auto ref = radial_distribution_all_pairs(pos.data(), F, N, cs.D, box, sp.data(), a, b, cs.r_max, 57);
        const auto g = radial_distribution(pos.data(), F, N, cs.D, box, sp.data(), a, b, cs.r_max, 57);
        ASSERT_EQ(g.size(), ref.size());
        double sum = 0;
        for (std::size_t k = 0; k < g.size(); ++k) EXPECT_EQ(g[k], ref[k]) << "D " << cs.D << " pair " << a << b << " bin " << k;
        for (double v : g) sum += v;
        EXPECT_GT(sum, 0.0);
      }
  }
}

// A box ~10¹³ times the volume of r_max³ (a huge box, a small --r-max): the grid is capped at O(N) cells, so this takes
// no memory to speak of, and the counts are still those of all pairs.
TEST(Rdf, HugeBoxAgainstRMaxKeepsTheGridSmall) {
  Box box;
  box.present = true;
  const double L[3] = {3e4, 2e4, 1e4};
  for (int c = 0; c < 3; ++c) box.L[c] = L[c], box.periodic[c] = true;
  const double cluster[3] = {6.0, 6.0, 6.0};  // the particles in a corner, with images across the faces
  const bool per[3] = {false, false, false};
  std::vector<double> pos = random_frames(2, 400, 3, cluster, per, 5u);
  for (std::size_t k = 0; k < pos.size(); k += 7) pos[k] = -pos[k];  // some across the periodic faces
  const auto ref = radial_distribution_all_pairs(pos.data(), 2, 400, 3, box, nullptr, 0, 0, 0.5, 20);
  const auto g = radial_distribution(pos.data(), 2, 400, 3, box, nullptr, 0, 0, 0.5, 20);
  EXPECT_EQ(g, ref);
  double sum = 0;
  for (double v : g) sum += v;
  EXPECT_GT(sum, 0.0);
}

TEST(Rdf, MeanSquaredDisplacementUnwrapsImages) {
  Box box;
  box.present = true;
  box.L[0] = 4, box.L[1] = 5, box.periodic[0] = true, box.periodic[1] = false;
  // One particle of a 2-particle system crosses the x face: wrapped 3.9 -> 0.1 with image +1 (moved 0.2).
  const std::vector<double> pos = {3.9, 1.0, 2.0, 2.0,    // frame 0
                                   0.1, 1.0, 2.0, 2.5};   // frame 1 (particle 1 moved 0.5 along open y)
  const std::vector<int> images = {0, 0, 0, 0, 1, 0, 0, 0};
  const auto msd = mean_squared_displacement(pos.data(), images.data(), 1, 2, 2, 2, box);
  EXPECT_EQ(msd[0], 0.0);
  EXPECT_NEAR(msd[1], (0.2 * 0.2 + 0.5 * 0.5) / 2, 1e-15);
}

TEST(Rdf, DiffusionCoefficientOfALinearMsd) {
  // MSD = 6 D t + 0.3 in 3-D with D = 0.07, plus a ballistic start before t = 1 that the fit (t >= 0.5 t_last) skips.
  std::vector<double> t, m;
  for (int f = 0; f <= 40; ++f) {
    t.push_back(0.25 * f);
    m.push_back(t.back() < 1 ? t.back() * t.back() : 6 * 0.07 * t.back() + 0.3);
  }
  EXPECT_NEAR(diffusion_coefficient(t.data(), m.data(), int(t.size()), 3), 0.07, 1e-12);
  EXPECT_THROW(diffusion_coefficient(t.data(), m.data(), 1, 3), Error);
}
