// physics/test_box.cpp — the periodic box (physics/box.hpp): minimum-image distances per axis (open axes untouched)
// and wrapping with image counters from which the unwrapped positions are recovered exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "noether/physics/box.hpp"

using namespace noether;

TEST(Box, MinimumImagePerAxis) {
  Box b;
  b.present = true;
  b.L[0] = 10, b.L[1] = 4, b.L[2] = 7;
  b.periodic[0] = true, b.periodic[1] = true, b.periodic[2] = false;  // a slab: z open
  const PeriodicAxes<double> ax(b);
  EXPECT_DOUBLE_EQ(ax.min_image(9.0, 0), -1.0);
  EXPECT_DOUBLE_EQ(ax.min_image(-9.0, 0), 1.0);
  EXPECT_DOUBLE_EQ(ax.min_image(4.0, 0), 4.0);
  EXPECT_DOUBLE_EQ(ax.min_image(23.5, 0), 3.5);   // any number of boxes away
  EXPECT_DOUBLE_EQ(ax.min_image(3.0, 1), -1.0);
  EXPECT_DOUBLE_EQ(ax.min_image(6.5, 2), 6.5);    // open axis: the plain difference
  for (double d = -30; d <= 30; d += 0.37) {      // |d| <= L/2 after, and differs by a whole number of boxes
    const double m = ax.min_image(d, 0);
    EXPECT_LE(std::abs(m), 5.0 + 1e-12);
    const double k = (d - m) / 10.0;
    EXPECT_NEAR(k, std::round(k), 1e-12);
  }
  const PeriodicAxes<double> open(Box{});
  EXPECT_DOUBLE_EQ(open.min_image(123.0, 0), 123.0);
}

TEST(Box, WrapKeepsUnwrappedPositionsRecoverable) {
  const double L = 3.0;
  for (double x0 : {-7.25, -3.0, -0.1, 0.0, 1.5, 2.999, 3.0, 9.5, 1e3 + 0.25}) {
    double x = x0;
    int n = 0;
    wrap_coordinate(x, n, L, 1.0 / L);
    EXPECT_GE(x, 0.0) << x0;
    EXPECT_LT(x, L) << x0;
    EXPECT_NEAR(x + n * L, x0, 1e-12) << x0;
  }
  double x = 1.0;  // inside: untouched, bit for bit
  int n = 5;
  wrap_coordinate(x, n, L, 1.0 / L);
  EXPECT_EQ(x, 1.0);
  EXPECT_EQ(n, 5);
  double y = -1e-17;  // round-off would land on L: still inside [0, L)
  int m = 0;
  wrap_coordinate(y, m, 1.0, 1.0);
  EXPECT_GE(y, 0.0);
  EXPECT_LT(y, 1.0);
}
