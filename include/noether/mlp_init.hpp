// mlp_init.hpp — seeded, library-independent initialisation of an MLP's flat parameter buffer.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "noether/dataset.hpp"
#include "noether/mlp_layout.hpp"

namespace noether {

/// Glorot-uniform weights W_l[o,i] ~ U(±√(6/(d_{l−1}+d_l))), zero biases, drawn in layout order from
/// SplitMix64(seed); p is resized to shape.parameter_count().
inline void glorot_uniform_init(const MlpShape& shape, std::uint64_t seed, std::vector<double>& p) {
  p.assign(shape.parameter_count(), 0.0);
  SplitMix64 rng{seed};
  for (int l = 1; l <= shape.layers(); ++l) {
    const int in = shape.widths[l - 1], out = shape.widths[l];
    const double a = std::sqrt(6.0 / double(in + out));
    double* W = p.data() + shape.weight_offset(l);
    for (int k = 0; k < in * out; ++k) W[k] = a * (2 * rng.uniform() - 1);
  }
}

}  // namespace noether
