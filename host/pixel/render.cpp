// pixel/render.cpp — the pendulum renderer of pixel/render.hpp: an anti-aliased rod (a capsule) on a
// black side × side frame, each pixel's value = intensity × covered fraction of its square, estimated by
// supersample² midpoint samples (box filter). Geometry and conventions in the header.
#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/pixel/render.hpp"

namespace noether {

namespace {

/// Squared distance from (x, y) to the segment a + t (b − a), t ∈ [0, 1]; len2 = |b − a|² > 0.
inline double dist2_to_segment(double x, double y, double ax, double ay, double dx, double dy, double len2) {
  double t = ((x - ax) * dx + (y - ay) * dy) / len2;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = x - (ax + t * dx), ey = y - (ay + t * dy);
  return ex * ex + ey * ey;
}

}  // namespace

void render_pendulum(const PendulumRenderer& r, double theta, float* image) {
  NOETHER_REQUIRE(r.side >= 8 && r.side <= 1024, "pendulum renderer: side must be in [8, 1024], got " << r.side);
  NOETHER_REQUIRE(r.supersample >= 1 && r.supersample <= 64,
                  "pendulum renderer: supersample must be in [1, 64], got " << r.supersample);
  NOETHER_REQUIRE(std::isfinite(theta), "pendulum renderer: angle must be finite, got " << theta);
  const int S = r.side, n = r.supersample;
  std::fill(image, image + std::size_t(S) * S, 0.0f);
  // Rod: pivot (ax, ay) to bob (ax + L sin θ, ay + L cos θ) in image coordinates (x right, y down).
  const double ax = r.pivot_x(), ay = r.pivot_y(), L = r.rod_length(), w = r.half_width();
  const double dx = L * std::sin(theta), dy = L * std::cos(theta), len2 = L * L, w2 = w * w;
  // Only pixels within the capsule's bounding box can be covered.
  const int c0 = std::max(0, int(std::floor(std::min(ax, ax + dx) - w))), c1 = std::min(S - 1, int(std::floor(std::max(ax, ax + dx) + w)));
  const int r0 = std::max(0, int(std::floor(std::min(ay, ay + dy) - w))), r1 = std::min(S - 1, int(std::floor(std::max(ay, ay + dy) + w)));
  const double inv_n = 1.0 / n, weight = r.intensity / double(n * n);
  for (int row = r0; row <= r1; ++row)
    for (int col = c0; col <= c1; ++col) {
      int covered = 0;
      for (int i = 0; i < n; ++i) {
        const double y = row + (i + 0.5) * inv_n;
        for (int j = 0; j < n; ++j) {
          const double x = col + (j + 0.5) * inv_n;
          covered += dist2_to_segment(x, y, ax, ay, dx, dy, len2) <= w2;
        }
      }
      image[std::size_t(row) * S + col] = float(weight * covered);
    }
}

}  // namespace noether
