// nn/mlp_layout.hpp — the shape of an MLP and where each layer's parameters sit in ONE flat buffer.
//
// widths = [d_0 (input), d_1, …, d_L (output)]: L affine layers z_l = W_l h_{l−1} + b_l with
// W_l of shape (d_l × d_{l−1}) stored row-major, the activation between layers and none after the last.
// Flat layout (the order of the model file's "layers" and of the optimizer's buffer):
//   [W_1 (d_1·d_0), b_1 (d_1), W_2 (d_2·d_1), b_2 (d_2), …, W_L, b_L]
#pragma once
#include <cstddef>
#include <vector>

#include "noether/nn/activations.hpp"
#include "noether/core/error.hpp"

namespace noether {

struct MlpShape {
  std::vector<int> widths;                     ///< [in, hidden…, out], every entry >= 1, size >= 2
  Activation activation = Activation::Squareplus;

  int layers() const { return int(widths.size()) - 1; }
  int in() const { return widths.front(); }
  int out() const { return widths.back(); }
  /// Offset of W_l (l = 1…L) in the flat buffer; b_l follows it at weight_offset(l) + d_l·d_{l−1}.
  std::size_t weight_offset(int l) const {
    std::size_t o = 0;
    for (int k = 1; k < l; ++k) o += std::size_t(widths[k]) * (widths[k - 1] + 1);
    return o;
  }
  std::size_t bias_offset(int l) const { return weight_offset(l) + std::size_t(widths[l]) * widths[l - 1]; }
  /// Total number of parameters.
  std::size_t parameter_count() const { return weight_offset(layers() + 1); }
  /// Widest layer (sizes per-thread scratch).
  int max_width() const {
    int w = 0;
    for (int x : widths) w = x > w ? x : w;
    return w;
  }
  /// Throws noether::Error unless widths has >= 2 entries, all >= 1.
  void validate(const char* what = "MLP") const {
    NOETHER_REQUIRE(widths.size() >= 2, what << ": needs at least an input and an output width, got "
                                             << widths.size() << " widths");
    for (std::size_t k = 0; k < widths.size(); ++k)
      NOETHER_REQUIRE(widths[k] >= 1, what << ": width " << k << " must be >= 1, got " << widths[k]);
  }
};

}  // namespace noether
