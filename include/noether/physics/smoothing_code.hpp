// physics/smoothing_code.hpp — a cutoff's smoothing as the number trajectory files store in their key 'smoothing'
// (docs/FORMATS.md): 0 = switch, 1 = shifted_force, 2 = none. Written by io/trajectory.cpp, read by bulk training.
#pragma once
#include "noether/physics/cutoff.hpp"

namespace noether {

/// The stored code of s: 0 switch, 1 shifted_force, 2 none.
inline double smoothing_code(Smoothing s) {
  return s == Smoothing::Switch ? 0.0 : s == Smoothing::ShiftedForce ? 1.0 : 2.0;
}

/// The smoothing of a stored code; false (s untouched) for any number other than 0, 1 or 2.
inline bool smoothing_from_code(double code, Smoothing& s) {
  if (code == 0) s = Smoothing::Switch;
  else if (code == 1) s = Smoothing::ShiftedForce;
  else if (code == 2) s = Smoothing::None;
  else return false;
  return true;
}

}  // namespace noether
