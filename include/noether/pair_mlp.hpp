// pair_mlp.hpp — the learned pair potential V_θ(r) as a host/device pair-law evaluator.
//
// A scalar-in, scalar-out MLP (mlp_layout.hpp) with optional affine input/output scaling
//   x = (r − in_shift) / in_scale,   V(r) = out_scale · MLP(x) + out_shift
// evaluated with forward jets (DESIGN.md §2): carry (h, ∂h/∂r, ∂²h/∂r²) through every layer,
//   z = W h + b,  z_r = W h_r,  z_rr = W h_rr;   a = σ(z),  a_r = σ′(z) z_r,  a_rr = σ″(z) z_r² + σ′(z) z_rr,
// starting from (x, 1/in_scale, 0), so one pass yields V, V′ = dV/dr and V″ = d²V/dr².
//
// PairMlp has the same eval(r2, mi, mj, V, f_over_r) as the analytic laws of pair_laws.hpp
// (f_over_r = −V′(r)/r), so accelerations_cpu and the CUDA all-pairs kernel take it unchanged.
// It holds a POINTER to the flat parameter buffer: host memory for CPU loops, device memory
// (or shared memory staged by the kernel) on the GPU. Widths are stored inline.
#pragma once
#include <cmath>
#include <cstddef>

#include "noether/activations.hpp"
#include "noether/hostdev.hpp"
#include "noether/mlp_layout.hpp"

namespace noether {

/// Most affine layers a PairMlp may have (hidden layers + 1).
constexpr int kPairMlpMaxLayers = 8;

/// Affine maps around a scalar MLP: x = (r − in_shift)/in_scale, V = out_scale·y + out_shift.
struct PairScaling {
  double in_shift = 0.0, in_scale = 1.0, out_scale = 1.0, out_shift = 0.0;
};

/// V, V′, V″ of a pair potential at one distance.
template <typename T>
struct PairJet {
  T V, dV, d2V;
};

/// Learned pair potential; MaxWidth bounds every width (per-thread scratch is 3·MaxWidth values).
template <typename T, int MaxWidth = 32>
struct PairMlp {
  const T* params = nullptr;                    ///< flat buffer, mlp_layout.hpp order
  int widths[kPairMlpMaxLayers + 1] = {};       ///< [1, hidden…, 1]
  int n_layers = 0;                             ///< number of affine layers L
  Activation act = Activation::Squareplus;
  T in_shift = T(0), inv_in_scale = T(1), out_scale = T(1), out_shift = T(0);

  /// Forward jets at distance r (formulas in the file header).
  NOETHER_HOSTDEV PairJet<T> jets(T r) const {
    T h[MaxWidth], hr[MaxWidth], hrr[MaxWidth];
    T z[MaxWidth], zr[MaxWidth], zrr[MaxWidth];
    h[0] = (r - in_shift) * inv_in_scale;
    hr[0] = inv_in_scale;
    hrr[0] = T(0);
    const T* p = params;
    for (int l = 1; l <= n_layers; ++l) {
      const int din = widths[l - 1], dout = widths[l];
      const T* W = p;
      const T* b = p + dout * din;
      for (int o = 0; o < dout; ++o) {
        T s = b[o], sr = T(0), srr = T(0);
        for (int i = 0; i < din; ++i) {
          const T w = W[o * din + i];
          s += w * h[i];
          sr += w * hr[i];
          srr += w * hrr[i];
        }
        z[o] = s, zr[o] = sr, zrr[o] = srr;
      }
      p = b + dout;
      if (l < n_layers) {
        for (int o = 0; o < dout; ++o) {
          const ActivationJet<T> a = activation_jet<T>(act, z[o]);
          h[o] = a.s0;
          hr[o] = a.s1 * zr[o];
          hrr[o] = a.s2 * zr[o] * zr[o] + a.s1 * zrr[o];
        }
      }
    }
    return PairJet<T>{out_scale * z[0] + out_shift, out_scale * zr[0], out_scale * zrr[0]};
  }

  /// Pair-law interface: V(r) and f_over_r = −V′(r)/r (0 at r = 0, where no direction exists).
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    using std::sqrt;
    const T r = sqrt(r2);
    const PairJet<T> j = jets(r);
    V = j.V;
    f_over_r = r > T(0) ? -j.dV / r : T(0);
  }
};

/// Build a PairMlp over `params` (host or device pointer) for `shape`; throws noether::Error when
/// the shape is not scalar-in/scalar-out, has more than kPairMlpMaxLayers layers or a width above
/// MaxWidth, or in_scale is not finite and non-zero.
template <typename T, int MaxWidth = 32>
PairMlp<T, MaxWidth> make_pair_mlp(const MlpShape& shape, const T* params, const PairScaling& scaling = {}) {
  shape.validate("pair MLP");
  NOETHER_REQUIRE(shape.in() == 1 && shape.out() == 1,
                  "pair MLP: input and output widths must be 1, got " << shape.in() << " and " << shape.out());
  NOETHER_REQUIRE(shape.layers() <= kPairMlpMaxLayers,
                  "pair MLP: at most " << kPairMlpMaxLayers << " layers, got " << shape.layers());
  NOETHER_REQUIRE(shape.max_width() <= MaxWidth,
                  "pair MLP: widths up to " << MaxWidth << " are supported, got " << shape.max_width());
  NOETHER_REQUIRE(std::isfinite(scaling.in_scale) && scaling.in_scale != 0.0,
                  "pair MLP: input_scale must be finite and non-zero, got " << scaling.in_scale);
  PairMlp<T, MaxWidth> m;
  m.params = params;
  m.n_layers = shape.layers();
  for (int k = 0; k <= m.n_layers; ++k) m.widths[k] = shape.widths[k];
  m.act = shape.activation;
  m.in_shift = T(scaling.in_shift);
  m.inv_in_scale = T(1.0 / scaling.in_scale);
  m.out_scale = T(scaling.out_scale);
  m.out_shift = T(scaling.out_shift);
  return m;
}

}  // namespace noether
