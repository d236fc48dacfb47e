// physics/pair_mlp.hpp — the learned pair potential V_θ(r) as a host/device pair-law evaluator: forward jets
// (V, V′, V″) and reverse-mode parameter gradients of V and V′ for one pair.
//
// A scalar-in, scalar-out MLP (nn/mlp_layout.hpp) with an optional input transform g and affine input/output scaling
//   x = (g(r) − in_shift) / in_scale,   V(r) = out_scale · MLP(x) + out_shift,   g(r) = r  or  g(r) = log r
// evaluated with forward jets (docs/TRAINING.md): carry (h, ∂h/∂r, ∂²h/∂r²) through every layer,
//   z = W h + b,  z_r = W h_r,  z_rr = W h_rr;   a = σ(z),  a_r = σ′(z) z_r,  a_rr = σ″(z) z_r² + σ′(z) z_rr,
// starting from the input jet (x, g′(r)/in_scale, g″(r)/in_scale) — (x, 1/in_scale, 0) for g = r and
// (x, 1/(r·in_scale), −1/(r²·in_scale)) for g = log r — so one pass yields V, V′ = dV/dr and V″ = d²V/dr².
// The log input spreads a steep wall at short r over as much of the network's input as the slow tail at long r.
// The scaling constants are fixed (not parameters θ); θ is the flat buffer of nn/mlp_layout.hpp.
//
// PairMlp has the same eval(r2, mi, mj, V, f_over_r) as the analytic laws of physics/pair_laws.hpp
// (f_over_r = −V′(r)/r), so accelerations_cpu and the CUDA all-pairs kernel take it unchanged.
// It holds a POINTER to the flat parameter buffer: host memory for CPU loops, device memory
// (or shared memory staged by the kernel, kernels/physics/law_staging.cuh) on the GPU. Widths are stored inline.
//
// Beyond the trained range the law follows its tail (physics/pair_tail.hpp; `tail`, by value, none by default):
// jets, value_and_slope, eval and eval_block return the tailed law, network_jets / network_slope / slope_lanes the raw
// network (network_jets and param_grad in lanes, for training: physics/pair_mlp_lanes.hpp).
// With the tail 'none' (the default) every result is the raw network's, bit for bit. param_grad (training) is the
// raw network's gradient.
//
// MaxWidth bounds every width; it sizes per-call scratch arrays (registers / local memory on a GPU).
// with_pair_mlp picks MaxWidth ∈ {16, 32, 64} from a runtime shape; wider MLPs are refused.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "noether/nn/activations.hpp"
#include "noether/core/error.hpp"
#include "noether/core/hostdev.hpp"
#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/lanes_math.hpp"
#include "noether/physics/pair_jet.hpp"
#include "noether/physics/pair_tail.hpp"

namespace noether {

/// Most affine layers a PairMlp may have (hidden layers + 1).
constexpr int kPairMlpMaxLayers = 8;
/// Widest layer any PairMlp instantiation supports (with_pair_mlp dispatches to 16, 32 or 64).
constexpr int kPairMlpMaxWidth = 64;

/// What the network sees of the distance before the affine input map: g(r) = r (None) or g(r) = log r (Log).
enum class InputTransform : int { None = 0, Log = 1 };

/// The transform names as files and flags spell them, in InputTransform order: none, log.
inline const std::vector<std::string>& input_transform_names() {
  static const std::vector<std::string> names{"none", "log"};
  return names;
}
inline const char* input_transform_name(InputTransform t) { return input_transform_names()[int(t)].c_str(); }
/// False for a name that is not a transform.
inline bool parse_input_transform(const std::string& name, InputTransform& out) {
  for (std::size_t k = 0; k < input_transform_names().size(); ++k)
    if (input_transform_names()[k] == name) {
      out = InputTransform(k);
      return true;
    }
  return false;
}

/// Affine maps around a scalar MLP: x = (g(r) − in_shift)/in_scale, V = out_scale·y + out_shift, g by `input`.
struct PairScaling {
  double in_shift = 0.0, in_scale = 1.0, out_scale = 1.0, out_shift = 0.0;
  InputTransform input = InputTransform::None;
};

/// Learned pair potential; MaxWidth bounds every width.
template <typename T, int MaxWidth = 32>
struct PairMlp {
  static constexpr int kMaxWidth = MaxWidth;
  static constexpr bool kMassIndependent = true;  ///< V(r) alone (physics/forces_symmetric.hpp)
  const T* params = nullptr;                    ///< flat buffer, nn/mlp_layout.hpp order
  int widths[kPairMlpMaxLayers + 1] = {};       ///< [1, hidden…, 1]
  int n_layers = 0;                             ///< number of affine layers L
  Activation act = Activation::Squareplus;
  T in_shift = T(0), inv_in_scale = T(1), out_scale = T(1), out_shift = T(0);
  bool log_input = false;                       ///< g(r) = log r (InputTransform::Log) instead of r
  PairTail<T> tail;                             ///< beyond the trained range (physics/pair_tail.hpp); none by default

  /// Number of parameters P = Σ_l d_l (d_{l−1} + 1) (the length of params).
  NOETHER_HOSTDEV int parameter_count() const {
    int n = 0;
    for (int l = 1; l <= n_layers; ++l) n += widths[l] * (widths[l - 1] + 1);
    return n;
  }

  /// The input jet (x, ∂x/∂r, ∂²x/∂r²) of x = (g(r) − in_shift)·inv_in_scale:
  ///   g = r:      (x, inv_in_scale, 0)
  ///   g = log r:  (x, inv_in_scale/r, −(inv_in_scale/r)/r)
  /// r below the smallest positive normal T (r = 0: coincident particles) is evaluated there for the log, so the result
  /// is finite where it is ever used (eval returns no force at r = 0); a NaN r stays NaN. The constant is written out
  /// (std::numeric_limits is not constexpr in device code without --expt-relaxed-constexpr).
  NOETHER_HOSTDEV void input_jet(T r, T& x, T& xr, T& xrr) const {
    if (log_input) {
      using std::log;
      const T tiny = T(sizeof(T) == 8 ? 2.2250738585072014e-308 : 1.17549435e-38);  // the smallest normal T
      const T rc = r < tiny ? tiny : r;  // a NaN r stays NaN
      const T u = T(1) / rc;
      x = (log(rc) - in_shift) * inv_in_scale;
      xr = inv_in_scale * u;
      xrr = -xr * u;
    } else {
      x = (r - in_shift) * inv_in_scale;
      xr = inv_in_scale;
      xrr = T(0);
    }
  }

  /// V, V′ and V″ of the law at distance r: the network's (network_jets), or its tail where the tail acts.
  NOETHER_HOSTDEV PairJet<T> jets(T r) const {
    if (tail.acts(r)) return tail.jets(r, tail.needs_raw(r) ? network_jets(r) : PairJet<T>{T(0), T(0), T(0)});
    return network_jets(r);
  }

  /// V and V′ of the law at r (the force path): network_slope, or the tail where it acts.
  NOETHER_HOSTDEV PairSlope<T> value_and_slope(T r) const {
    if (tail.acts(r)) return tail.slope(r, tail.needs_raw(r) ? network_slope(r) : PairSlope<T>{T(0), T(0)});
    return network_slope(r);
  }

  /// Forward jets of the raw network at distance r: V, V′ and V″ (formulas in the file header).
  NOETHER_HOSTDEV PairJet<T> network_jets(T r) const {
    T h[MaxWidth], hr[MaxWidth], hrr[MaxWidth];
    T z[MaxWidth], zr[MaxWidth], zrr[MaxWidth];
    input_jet(r, h[0], hr[0], hrr[0]);
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

  /// V and V′ only: the jets of the file header truncated after first order (the force path).
  /// FLOPs (FMA = 2, sqrt and divide = 1 each), counted from this code:
  ///   input                      x = (r − in_shift)·inv_in_scale                         2
  ///                              (log input: + log [1] + 1/r [1] + x_r [1]; the log counted as 1)
  ///   layer l (d_{l−1} → d_l)    z: d_l·d_{l−1} FMAs, z_r: d_l·d_{l−1} FMAs               4·d_l·d_{l−1}
  ///   hidden unit (squareplus)   s = √(z²+4) [3], 1/s [1], σ = ½(z+s) [2],
  ///                              σ′ = ½(1 + z/s) [3], h_r = σ′ z_r [1]                    10
  ///   output                     V = out_scale·z + out_shift [2], V′ = out_scale·z_r [1]  3
  /// pair_mlp_slope_flops(shape) returns this sum for the distance input (the log input's 3 more are not in it).
  /// The raw network (no tail).
  NOETHER_HOSTDEV PairSlope<T> network_slope(T r) const {
    T h[MaxWidth], hr[MaxWidth], z[MaxWidth], zr[MaxWidth];
    T hrr0;  // unused: dead code when inlined
    input_jet(r, h[0], hr[0], hrr0);
    const T* p = params;
    for (int l = 1; l <= n_layers; ++l) {
      const int din = widths[l - 1], dout = widths[l];
      const T* W = p;
      const T* b = p + dout * din;
      for (int o = 0; o < dout; ++o) {
        T s = b[o], sr = T(0);
        for (int i = 0; i < din; ++i) {
          const T w = W[o * din + i];
          s += w * h[i];    // [2]
          sr += w * hr[i];  // [2]
        }
        z[o] = s, zr[o] = sr;
      }
      p = b + dout;
      if (l < n_layers) {
        for (int o = 0; o < dout; ++o) {
          const ActivationJet<T> a = activation_jet<T>(act, z[o]);  // σ″, σ‴ unused: dead code when inlined
          h[o] = a.s0;
          hr[o] = a.s1 * zr[o];
        }
      }
    }
    return PairSlope<T>{out_scale * z[0] + out_shift, out_scale * zr[0]};
  }

  /// Pair-law interface: V(r) and f_over_r = −V′(r)/r (0 at r = 0, where no direction exists).
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    using std::sqrt;
    const T r = sqrt(r2);                        // [1]
    const PairSlope<T> j = value_and_slope(r);   // [pair_mlp_slope_flops]
    V = j.V;
    f_over_r = r > T(0) ? -j.dV / r : T(0);      // [1 div]
  }

#if !defined(__CUDACC__) && defined(__AVX512F__)
  // The block path needs 64-byte SIMD registers: with narrower ones (portable SSE2, AVX2) GCC 12 lowers the
  // 64-byte lane vectors through memory and the block path measured 2–3× SLOWER than the one-pair path, so
  // those builds have no eval_block and forces.hpp takes the one-pair path.
  /// Pairs per eval_block call: 64 bytes of lanes (8 doubles, 16 floats; at most physics/forces.hpp kPairBlock).
  static constexpr int kBlock = int(64 / sizeof(T));
  /// kBlock lanes of T (GCC/Clang vector extension): one zmm register.
  typedef T Lanes __attribute__((vector_size(sizeof(T) * kBlock)));

  /// σ, σ′, σ″ of every lane of z: activation_jet per lane, squareplus written out in lanes (the same expressions) so
  /// that it vectorises. Used by slope_lanes and the training lanes (physics/pair_mlp_lanes.hpp). By reference: -Wpsabi.
  static void activation_lanes(Activation act, const Lanes& z, Lanes& s0, Lanes& s1, Lanes& s2) {
    if (act == Activation::Squareplus) {
      const Lanes q = z * z + T(4);
      Lanes s, inv;
      if constexpr (sizeof(T) == 4) {  // float32: 1/√q from vrsqrt14ps + one Newton step (≤ ~1 ulp), √q = q · (1/√q);
        inv = detail::inv_sqrt_(q);    // the divider and the square root were this loop's bound (docs/PERFORMANCE.md)
        s = q * inv;
      } else {
        s = detail::sqrt_(q);
        inv = T(1) / s;
      }
      const Lanes inv3 = inv * inv * inv;
      s0 = T(0.5) * (z + s);
      s1 = T(0.5) * (T(1) + z * inv);
      s2 = T(2) * inv3;
    } else {
      for (int k = 0; k < kBlock; ++k) {
        const ActivationJet<T> a = activation_jet<T>(act, z[k]);
        s0[k] = a.s0, s1[k] = a.s1, s2[k] = a.s2;
      }
    }
  }

  /// eval() of kBlock pairs at once (r2, V, f_over_r: kBlock values each), host only: slope_lanes on r = √r²,
  /// then f_over_r = −V′/r per lane (0 at r = 0) and the tail's one-pair path for lanes where the tail acts.
  void eval_block(const T* r2, T* V, T* f_over_r) const {
    constexpr int K = kBlock;
    Lanes r2l, r, Vl, dV;
    for (int k = 0; k < K; ++k) r2l[k] = r2[k];
    r = detail::sqrt_(r2l);  // one vsqrtp[sd], IEEE as std::sqrt (physics/lanes_math.hpp)
    slope_lanes(r, Vl, dV);
    for (int k = 0; k < K; ++k) {
      V[k] = Vl[k];
      f_over_r[k] = r[k] > T(0) ? -dV[k] / r[k] : T(0);
    }
    if (tail.mode != 0)  // lanes beyond the trained range: the one-pair path, which applies the tail
      for (int k = 0; k < K; ++k)
        if (tail.acts(r[k])) eval(r2[k], T(1), T(1), V[k], f_over_r[k]);
  }

  /// network_slope() of kBlock distances at once (r, V, dV: one lane each; the raw network, no tail), host only:
  /// per lane the same operations in the same order as network_slope (each sum over a layer's inputs i = 0..d−1 in
  /// order, each term fused into an FMA: equal to network_slope to round-off, 1e-12 relative in float64, not
  /// bitwise where GCC vectorises network_slope's sums as a multiply then adds); the lanes make each layer a small
  /// matrix product (four outputs at a time: 4 × 2 independent accumulator chains per lane vector to cover the FMA
  /// latency).
  /// By reference: -Wpsabi.
  void slope_lanes(const Lanes& r, Lanes& V_out, Lanes& dV_out) const {
    constexpr int K = kBlock;
    Lanes h[MaxWidth], hr[MaxWidth];
    if (log_input) {  // input_jet per lane (the same operations: log has no lane form here)
      for (int k = 0; k < K; ++k) {
        T x, xr, xrr;
        input_jet(r[k], x, xr, xrr);
        h[0][k] = x, hr[0][k] = xr;
      }
    } else {
      h[0] = (r - in_shift) * inv_in_scale;
      hr[0] = detail::lanes_of(inv_in_scale);  // broadcasts, not lane-by-lane fills (physics/lanes_math.hpp)
    }
    const T* p = params;
    for (int l = 1; l <= n_layers; ++l) {
      const int din = widths[l - 1], dout = widths[l];
      const T* W = p;
      const T* b = p + dout * din;
      Lanes z[MaxWidth], zr[MaxWidth];
      int o = 0;
      for (; o + 4 <= dout; o += 4) {
        Lanes s0 = detail::lanes_of(b[o]), s1 = detail::lanes_of(b[o + 1]), s2 = detail::lanes_of(b[o + 2]),
              s3 = detail::lanes_of(b[o + 3]);
        Lanes r0 = {}, r1 = {}, r2_ = {}, r3 = {};
        const T *w0 = W + o * din, *w1 = w0 + din, *w2 = w1 + din, *w3 = w2 + din;
        for (int i = 0; i < din; ++i) {
          Lanes hi = h[i], hri = hr[i];
          // Held in registers: without this GCC folds h[i] into each of the eight FMAs as a memory operand, and Zen 4
          // splits every 64-byte load in two; ~10% faster on eval_block in float64 and float32, the same results.
          asm("" : "+v"(hi), "+v"(hri));
          s0 += w0[i] * hi, r0 += w0[i] * hri;
          s1 += w1[i] * hi, r1 += w1[i] * hri;
          s2 += w2[i] * hi, r2_ += w2[i] * hri;
          s3 += w3[i] * hi, r3 += w3[i] * hri;
        }
        z[o] = s0, z[o + 1] = s1, z[o + 2] = s2, z[o + 3] = s3;
        zr[o] = r0, zr[o + 1] = r1, zr[o + 2] = r2_, zr[o + 3] = r3;
      }
      for (; o < dout; ++o) {
        Lanes s0 = detail::lanes_of(b[o]), r0 = {};
        const T* w0 = W + o * din;
        for (int i = 0; i < din; ++i) s0 += w0[i] * h[i], r0 += w0[i] * hr[i];
        z[o] = s0, zr[o] = r0;
      }
      p = b + dout;
      if (l < n_layers) {
        for (int u = 0; u < dout; ++u) {
          Lanes s0, s1, s2;  // σ″ unused here: dead code when inlined
          activation_lanes(act, z[u], s0, s1, s2);
          h[u] = s0;
          hr[u] = s1 * zr[u];
        }
      } else {
        V_out = out_scale * z[0] + out_shift;
        dV_out = out_scale * zr[0];
      }
    }
  }
#endif

  /// Reverse mode over the first-order jets: accumulate, for one pair at distance r,
  ///   g += w · ∂V(r)/∂θ + c · ∂V′(r)/∂θ        (g has parameter_count() entries, nn/mlp_layout.hpp order)
  /// With adjoints ẑ = ∂J/∂z, ẑ_r = ∂J/∂z_r of J = w V + c V′, seeded at the output layer L by
  ///   ẑ_L = w · out_scale,   ẑ_{L,r} = c · out_scale,
  /// every layer l = L … 1 (inputs h = h_{l−1}, h_r = h_{l−1,r}; h_0 = x, h_{0,r} = ∂x/∂r of input_jet) adds
  ///   ∂J/∂W_l[o,i] = ẑ[o] h[i] + ẑ_r[o] h_r[i],    ∂J/∂b_l[o] = ẑ[o],
  /// and, below a hidden layer (h = σ(z), h_r = σ′(z) z_r), passes on
  ///   ĥ = W_lᵀ ẑ,  ĥ_r = W_lᵀ ẑ_r;   ẑ_{l−1} = σ′(z) ĥ + σ″(z) z_r ĥ_r,   ẑ_{l−1,r} = σ′(z) ĥ_r.
  /// The forward is recomputed here, per call, into scratch arrays of this call (the hidden (z, z_r) of
  /// every layer: 2·(L−1)·MaxWidth values); nothing per pair outlives the call. G is the accumulator
  /// type (e.g. double while T = float). Cost ≈ 3× value_and_slope.
  template <typename G>
  NOETHER_HOSTDEV void param_grad(T r, T w, T c, G* g) const {
    T zs[kPairMlpMaxLayers - 1][MaxWidth], zrs[kPairMlpMaxLayers - 1][MaxWidth];  // hidden (z, z_r)
    T h[MaxWidth], hr[MaxWidth];
    int off[kPairMlpMaxLayers + 2];  // off[l]: offset of W_l, l = 1 … L + 1 (the loop writes off[L + 1])
    // Forward through the hidden layers, keeping (z, z_r) of each.
    T x, xr, xrr;
    input_jet(r, x, xr, xrr);
    h[0] = x;
    hr[0] = xr;
    off[1] = 0;
    for (int l = 1; l <= n_layers; ++l) off[l + 1] = off[l] + widths[l] * (widths[l - 1] + 1);
    for (int l = 1; l < n_layers; ++l) {
      const int din = widths[l - 1], dout = widths[l];
      const T* W = params + off[l];
      const T* b = W + dout * din;
      for (int o = 0; o < dout; ++o) {
        T s = b[o], sr = T(0);
        for (int i = 0; i < din; ++i) {
          s += W[o * din + i] * h[i];
          sr += W[o * din + i] * hr[i];
        }
        zs[l - 1][o] = s, zrs[l - 1][o] = sr;
      }
      for (int o = 0; o < dout; ++o) {
        const ActivationJet<T> a = activation_jet<T>(act, zs[l - 1][o]);
        h[o] = a.s0;
        hr[o] = a.s1 * zrs[l - 1][o];
      }
    }
    // Reverse. dz, dzr: adjoints of layer l's (z, z_r); s1, s2z: σ′(z), σ″(z) z_r of layer l − 1.
    T dz[MaxWidth], dzr[MaxWidth], dh[MaxWidth], dhr[MaxWidth], s1[MaxWidth], s2z[MaxWidth];
    dz[0] = w * out_scale;
    dzr[0] = c * out_scale;
    for (int l = n_layers; l >= 1; --l) {
      const int din = widths[l - 1], dout = widths[l];
      const T* W = params + off[l];
      G* gW = g + off[l];
      G* gb = gW + dout * din;
      // Inputs of layer l: h_{l−1}, h_{l−1,r} (recomputed from the stored hidden (z, z_r)).
      if (l == 1) {
        h[0] = x;
        hr[0] = xr;
      } else {
        for (int i = 0; i < din; ++i) {
          const T zi = zs[l - 2][i], zri = zrs[l - 2][i];
          const ActivationJet<T> a = activation_jet<T>(act, zi);
          h[i] = a.s0;
          hr[i] = a.s1 * zri;
          s1[i] = a.s1;
          s2z[i] = a.s2 * zri;
        }
      }
      for (int i = 0; i < din; ++i) dh[i] = T(0), dhr[i] = T(0);
      for (int o = 0; o < dout; ++o) {
        const T a = dz[o], ar = dzr[o];
        for (int i = 0; i < din; ++i) {
          const T wi = W[o * din + i];
          gW[o * din + i] += G(a * h[i] + ar * hr[i]);
          dh[i] += wi * a;
          dhr[i] += wi * ar;
        }
        gb[o] += G(a);
      }
      if (l > 1) {
        for (int i = 0; i < din; ++i) {
          dz[i] = s1[i] * dh[i] + s2z[i] * dhr[i];
          dzr[i] = s1[i] * dhr[i];
        }
      }
    }
  }
};

/// FLOPs of PairMlp::value_and_slope for `shape` with squareplus (the count in its doc comment):
///   2 + Σ_l 4·d_l·d_{l−1} + 10·Σ_hidden d + 3.   [1,16,16,1]: 2 + 4·288 + 320 + 3 = 1477.
inline double pair_mlp_slope_flops(const MlpShape& shape) {
  double f = 2 + 3;
  for (int l = 1; l <= shape.layers(); ++l) f += 4.0 * shape.widths[l] * shape.widths[l - 1];
  for (int l = 1; l < shape.layers(); ++l) f += 10.0 * shape.widths[l];
  return f;
}

/// Throws noether::Error unless `shape` can be a PairMlp of width at most max_width: scalar in and out,
/// at most kPairMlpMaxLayers layers, every width <= max_width, in_scale finite and non-zero.
inline void check_pair_mlp_shape(const MlpShape& shape, const PairScaling& scaling, int max_width = kPairMlpMaxWidth) {
  shape.validate("pair MLP");
  NOETHER_REQUIRE(shape.in() == 1 && shape.out() == 1,
                  "pair MLP: input and output widths must be 1, got " << shape.in() << " and " << shape.out());
  NOETHER_REQUIRE(shape.layers() <= kPairMlpMaxLayers,
                  "pair MLP: at most " << kPairMlpMaxLayers << " layers, got " << shape.layers());
  NOETHER_REQUIRE(shape.max_width() <= max_width,
                  "pair MLP: widths up to " << max_width << " are supported (compiled for 16, 32 and 64), got "
                                            << shape.max_width());
  NOETHER_REQUIRE(std::isfinite(scaling.in_scale) && scaling.in_scale != 0.0,
                  "pair MLP: input_scale must be finite and non-zero, got " << scaling.in_scale);
  NOETHER_REQUIRE(std::isfinite(scaling.in_shift) && std::isfinite(scaling.out_scale) &&
                      std::isfinite(scaling.out_shift),
                  "pair MLP: input_shift, output_scale and output_shift must be finite");
}

/// Build a PairMlp over `params` (host or device pointer, shape.parameter_count() values) for `shape`, with the tail
/// `tail` (physics/pair_tail.hpp; none by default); throws noether::Error when check_pair_mlp_shape(shape, scaling,
/// MaxWidth) fails.
template <typename T, int MaxWidth = 32>
PairMlp<T, MaxWidth> make_pair_mlp(const MlpShape& shape, const T* params, const PairScaling& scaling = {},
                                   const PairTailSpec& tail = {}) {
  check_pair_mlp_shape(shape, scaling, MaxWidth);
  PairMlp<T, MaxWidth> m;
  m.params = params;
  m.n_layers = shape.layers();
  for (int k = 0; k <= m.n_layers; ++k) m.widths[k] = shape.widths[k];
  m.act = shape.activation;
  m.in_shift = T(scaling.in_shift);
  m.inv_in_scale = T(1.0 / scaling.in_scale);
  m.out_scale = T(scaling.out_scale);
  m.out_shift = T(scaling.out_shift);
  m.log_input = scaling.input == InputTransform::Log;
  m.tail = make_pair_tail<T>(tail);
  return m;
}

/// Call fn(mlp) with the PairMlp of `shape` over `params` at the smallest MaxWidth ∈ {16, 32, 64} that
/// holds the widest layer: the one runtime→template switch for learned potentials (CPU and CUDA).
/// Throws noether::Error (check_pair_mlp_shape) for wider or malformed shapes.
/// The tail (physics/pair_tail.hpp) is `tail`; the overload without it is the raw network (training, gradients).
template <typename T, typename Fn>
decltype(auto) with_pair_mlp(const MlpShape& shape, const T* params, const PairScaling& scaling, const PairTailSpec& tail,
                             Fn&& fn) {
  check_pair_mlp_shape(shape, scaling, kPairMlpMaxWidth);
  const int w = shape.max_width();
  if (w <= 16) return fn(make_pair_mlp<T, 16>(shape, params, scaling, tail));
  if (w <= 32) return fn(make_pair_mlp<T, 32>(shape, params, scaling, tail));
  return fn(make_pair_mlp<T, 64>(shape, params, scaling, tail));
}
template <typename T, typename Fn>
decltype(auto) with_pair_mlp(const MlpShape& shape, const T* params, const PairScaling& scaling, Fn&& fn) {
  return with_pair_mlp<T>(shape, params, scaling, PairTailSpec{}, std::forward<Fn>(fn));
}

}  // namespace noether
