// physics/state.cpp — validating an initial state (physics/state.hpp).
#include "noether/physics/state.hpp"

#include <cmath>

#include "noether/core/error.hpp"

namespace noether {

void validate_initial_state(const InitialState& s, const std::string& where) {
  NOETHER_REQUIRE(s.D == 2 || s.D == 3, where << ": particles must live in 2 or 3 dimensions, got D = " << s.D);
  NOETHER_REQUIRE(s.N >= 1, where << ": need at least one particle, got N = " << s.N);
  NOETHER_REQUIRE(s.B >= 1, where << ": need at least one trajectory, got B = " << s.B);
  const std::size_t n = std::size_t(s.B) * s.N * s.D;
  NOETHER_REQUIRE(s.pos.size() == n && s.vel.size() == n && s.mass.size() == std::size_t(s.B) * s.N,
                  where << ": inconsistent array sizes for B=" << s.B << ", N=" << s.N << ", D=" << s.D);
  for (std::size_t k = 0; k < n; ++k) {
    NOETHER_REQUIRE(std::isfinite(s.pos[k]), where << ": 'positions' has a non-finite value at trajectory "
                                                   << k / (s.N * s.D) << ", particle " << (k / s.D) % s.N);
    NOETHER_REQUIRE(std::isfinite(s.vel[k]), where << ": 'velocities' has a non-finite value at trajectory "
                                                   << k / (s.N * s.D) << ", particle " << (k / s.D) % s.N);
  }
  for (std::size_t k = 0; k < s.mass.size(); ++k)
    NOETHER_REQUIRE(std::isfinite(s.mass[k]) && s.mass[k] > 0,
                    where << ": 'masses' must be finite and > 0, got " << s.mass[k] << " at trajectory "
                          << k / s.N << ", particle " << k % s.N);
}

}  // namespace noether
