// support/pair_law_specs.hpp — learned pair-law specs with deterministic parameters for tests of species-pair laws
// (physics/bulk.hpp, the GPU bulk path).
#pragma once
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "noether/physics/pair_laws.hpp"

namespace noether::test {

/// A pair MLP law of `widths` (squareplus) with parameters 0.3 sin(1.7 p + 0.9 k) and a scaling of its own (seeded by
/// k); the training support, the log input and the tail as given.
inline PairLawSpec mlp_law(std::vector<int> widths, int k, PairSupport support = {}, bool log_input = false,
                           PairTailSpec tail = {}) {
  auto L = std::make_shared<LearnedPotential>();
  L->shape.widths = std::move(widths);
  L->shape.activation = Activation::Squareplus;
  L->params.resize(L->shape.parameter_count());
  for (std::size_t p = 0; p < L->params.size(); ++p) L->params[p] = 0.3 * std::sin(1.7 * double(p) + 0.9 * k);
  L->scaling = {0.5 * k, 1.0 + 0.25 * k, 0.8 + 0.1 * k, 0.05 * k,
                log_input ? InputTransform::Log : InputTransform::None};
  L->support = support;
  L->tail = tail;
  PairLawSpec s;
  s.kind = PotentialKind::Learned;
  s.learned = L;
  return s;
}

}  // namespace noether::test
