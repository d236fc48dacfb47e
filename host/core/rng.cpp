// core/rng.cpp — standard normal draws (core/rng.hpp).
#include "noether/core/rng.hpp"

#include <cmath>

namespace noether {

double standard_normal(SplitMix64& rng) {
  const double u1 = 1.0 - rng.uniform();  // (0, 1]: log finite
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace noether
