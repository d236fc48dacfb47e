// physics/pair_jet.hpp — the value and derivatives of a pair potential at one distance, as the learned laws
// (physics/pair_mlp.hpp, physics/pair_table.hpp) and their tails (physics/pair_tail.hpp) return them.
#pragma once

namespace noether {

/// V, V′ = dV/dr, V″ = d²V/dr² of a pair potential at one distance.
template <typename T>
struct PairJet {
  T V, dV, d2V;
};

/// V and V′ of a pair potential at one distance (the force path: no second derivative).
template <typename T>
struct PairSlope {
  T V, dV;
};

}  // namespace noether
