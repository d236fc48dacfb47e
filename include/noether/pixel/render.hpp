// pixel/render.hpp — the pixel pendulum's frames: an anti-aliased rod (a capsule) on a black side × side
// image, each pixel's value = intensity × covered fraction of its square (geometry and conventions in the
// header of pixel/data.hpp).
#pragma once

namespace noether {

/// Renderer settings (frame geometry: pixel/data.hpp).
struct PendulumRenderer {
  int side = 28;            ///< image side, pixels (>= 8)
  int supersample = 8;      ///< midpoint samples per pixel and axis (>= 1)
  double intensity = 0.5;   ///< value of a fully covered pixel
  /// Pivot, rod length and half-width in pixels (the file header's values scaled by side / 28).
  double pivot_x() const { return 0.5 * side; }
  double pivot_y() const { return 5.0 * side / 28.0; }
  double rod_length() const { return 18.0 * side / 28.0; }
  double half_width() const { return 1.8 * side / 28.0; }
};

/// Render the pendulum at angle theta: image (side, side) row-major, overwritten. Throws noether::Error on
/// bad settings.
void render_pendulum(const PendulumRenderer& r, double theta, float* image);

}  // namespace noether
