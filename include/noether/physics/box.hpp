// physics/box.hpp — the simulation box: open space (the default) or an orthorhombic box [0, L_0) x [0, L_1) [x [0, L_2)]
// whose axes are each periodic or open (slabs: periodic in x, y and open in z). Header-only, host/device.
//
// Minimum image on a periodic axis c:   d_c ← d_c − L_c · rint(d_c / L_c)   (|d_c| ≤ L_c / 2 afterwards).
// Wrapping on a periodic axis c:        k = floor(x_c / L_c),  x_c ← x_c − k L_c,  n_c ← n_c + k,
// so that the unwrapped position x_c + n_c L_c is always recoverable from the wrapped one and the image counter n_c.
// Open axes are neither wrapped nor minimum-imaged; their length only bounds where the initial particles may be.
#pragma once
#include <cmath>

#include "noether/core/hostdev.hpp"

namespace noether {

/// An orthorhombic box. present = false is open space: no axis periodic (the lengths are unused).
struct Box {
  bool present = false;
  double L[3] = {0, 0, 0};               ///< edge lengths (> 0 on every axis of the run's dimension D)
  bool periodic[3] = {false, false, false};
  bool any_periodic(int D) const {
    for (int c = 0; c < D; ++c)
      if (present && periodic[c]) return true;
    return false;
  }
  /// Volume L_0 L_1 [L_2] (the area in 2-D); 0 for open space.
  double volume(int D) const {
    if (!present) return 0;
    double v = 1;
    for (int c = 0; c < D; ++c) v *= L[c];
    return v;
  }
};

/// The box in precision T as the inner loops use it: per axis the length and its inverse, 0 on open axes.
template <typename T>
struct PeriodicAxes {
  T L[3] = {0, 0, 0}, inv_L[3] = {0, 0, 0}, half_L[3] = {0, 0, 0};
  PeriodicAxes() = default;
  explicit PeriodicAxes(const Box& b) {
    for (int c = 0; c < 3; ++c)
      if (b.present && b.periodic[c]) L[c] = T(b.L[c]), inv_L[c] = T(1) / T(b.L[c]), half_L[c] = T(0.5) * L[c];
  }
  /// Minimum image of one component on axis c (identity on an open axis), for any d.
  NOETHER_HOSTDEV T min_image(T d, int c) const { return L[c] > T(0) ? d - L[c] * std::rint(d * inv_L[c]) : d; }
  /// The same for |d| < L_c (differences of wrapped positions; the inner loops), branch-free:
  ///   d ← d − L_c ([d > L_c/2] − [d < −L_c/2]);  exact identity on an open axis (L_c = 0).
  NOETHER_HOSTDEV T min_image_wrapped(T d, int c) const {
    return d - L[c] * (T(d > half_L[c]) - T(d < -half_L[c]));
  }
};

/// Wrap x on axis c into [0, L_c) and add the whole box lengths moved to the image counter n (periodic axes only).
template <typename T>
NOETHER_HOSTDEV void wrap_coordinate(T& x, int& n, T L, T inv_L) {
  if (!(L > T(0))) return;
  if (x >= T(0) && x < L) return;  // the common case: no change, no rounding
  const T k = std::floor(x * inv_L);
  x -= k * L;
  n += int(k);
  if (x >= L) x -= L, n += 1;  // round-off of x − kL can land on L
  if (x < T(0)) x += L, n -= 1;
}

}  // namespace noether
