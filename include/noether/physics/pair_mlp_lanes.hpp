// physics/pair_mlp_lanes.hpp — the pair MLP's second-order jets and parameter gradient (PairMlp::network_jets and
// PairMlp::param_grad of physics/pair_mlp.hpp) for PairMlp::kBlock independent distances at once, one per SIMD lane
// (AVX-512 host builds only, like PairMlp::eval_block). MCLNN training runs kBlock trajectory segments side by side
// through them (mclnn/verlet_adjoint_lanes.hpp).
//
// Per lane the operations are network_jets' and param_grad's, in their order (each sum over a layer's inputs
// i = 0..d−1 in order, the same expressions), with every term of a sum fused into an FMA; GCC vectorises the one-pair
// functions' longer sums as a multiply and then in-order adds, so the two agree to round-off (1e-12 relative,
// PairMlpLanes.* tests), not bitwise. Formulas (docs/TRAINING.md, pair_mlp.hpp):
//   forward jets   z = W h + b,  z_r = W h_r,  z_rr = W h_rr;
//                  h = σ(z),  h_r = σ′(z) z_r,  h_rr = σ″(z) z_r² + σ′(z) z_rr
//   reverse        g += w ∂V/∂θ + c ∂V′/∂θ:   ∂W_l[o,i] = ẑ[o] h[i] + ẑ_r[o] h_r[i],  ∂b_l[o] = ẑ[o],
//                  ĥ = W_lᵀ ẑ,  ĥ_r = W_lᵀ ẑ_r,  ẑ_{l−1} = σ′ ĥ + σ″ z_r ĥ_r,  ẑ_{l−1,r} = σ′ ĥ_r
// One difference in the work: the forward (z, z_r) of every hidden layer is kept from the jets in a PairMlpLanesTape
// and reused by the gradient (param_grad recomputes it with the same sums).
#pragma once
#if !defined(__CUDACC__) && defined(__AVX512F__)
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// The forward values param_grad needs, of kBlock lanes: the input jet (x, x_r) and each hidden layer's (z, z_r).
template <typename T, int MaxWidth>
struct PairMlpLanesTape {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  Lanes x, xr;
  Lanes z[kPairMlpMaxLayers - 1][MaxWidth], zr[kPairMlpMaxLayers - 1][MaxWidth];
};

/// network_jets of every lane of r (V, V′, V″ written; the raw network, no tail), keeping the forward in `tape` for
/// pair_mlp_param_grad_lanes; V and V′ bitwise those of PairMlp::slope_lanes. By reference: -Wpsabi.
template <typename T, int MaxWidth>
void pair_mlp_jets_lanes(const PairMlp<T, MaxWidth>& mlp, const typename PairMlp<T, MaxWidth>::Lanes& r,
                         PairMlpLanesTape<T, MaxWidth>& tape, typename PairMlp<T, MaxWidth>::Lanes& V,
                         typename PairMlp<T, MaxWidth>::Lanes& dV, typename PairMlp<T, MaxWidth>::Lanes& d2V) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  constexpr int K = PairMlp<T, MaxWidth>::kBlock;
  Lanes h[MaxWidth], hr[MaxWidth], hrr[MaxWidth];
  if (mlp.log_input) {  // input_jet per lane (log has no lane form here)
    for (int k = 0; k < K; ++k) {
      T x, xr, xrr;
      mlp.input_jet(r[k], x, xr, xrr);
      h[0][k] = x, hr[0][k] = xr, hrr[0][k] = xrr;
    }
  } else {
    h[0] = (r - mlp.in_shift) * mlp.inv_in_scale;
    hr[0] = detail::lanes_of(mlp.inv_in_scale), hrr[0] = Lanes{};
  }
  tape.x = h[0], tape.xr = hr[0];
  const T* p = mlp.params;
  for (int l = 1; l <= mlp.n_layers; ++l) {
    const int din = mlp.widths[l - 1], dout = mlp.widths[l];
    const T* W = p;
    const T* b = p + dout * din;
    Lanes z[MaxWidth], zr[MaxWidth], zrr[MaxWidth];
    for (int o = 0; o < dout; ++o) {
      Lanes s = detail::lanes_of(b[o]), sr = {}, srr = {};  // a broadcast (physics/lanes_math.hpp)
      const T* w = W + o * din;
      for (int i = 0; i < din; ++i) {
        s += w[i] * h[i];
        sr += w[i] * hr[i];
        srr += w[i] * hrr[i];
      }
      z[o] = s, zr[o] = sr, zrr[o] = srr;
    }
    p = b + dout;
    if (l < mlp.n_layers) {
      for (int o = 0; o < dout; ++o) {
        tape.z[l - 1][o] = z[o], tape.zr[l - 1][o] = zr[o];
        Lanes s0, s1, s2;
        mlp.activation_lanes(mlp.act, z[o], s0, s1, s2);
        h[o] = s0;
        hr[o] = s1 * zr[o];
        hrr[o] = s2 * zr[o] * zr[o] + s1 * zrr[o];
      }
    } else {
      V = mlp.out_scale * z[0] + mlp.out_shift;
      dV = mlp.out_scale * zr[0];
      d2V = mlp.out_scale * zrr[0];
    }
  }
}

/// param_grad of every lane, from the forward kept in `tape` by pair_mlp_jets_lanes at the same distances:
///   g[k] (lane l) += w[l] · ∂V(r_l)/∂θ_k + c[l] · ∂V′(r_l)/∂θ_k      g: parameter_count() lane vectors.
/// By reference: -Wpsabi.
template <typename T, int MaxWidth>
void pair_mlp_param_grad_lanes(const PairMlp<T, MaxWidth>& mlp, const PairMlpLanesTape<T, MaxWidth>& tape,
                               const typename PairMlp<T, MaxWidth>::Lanes& w,
                               const typename PairMlp<T, MaxWidth>::Lanes& c,
                               typename PairMlp<T, MaxWidth>::Lanes* g) {
  using Lanes = typename PairMlp<T, MaxWidth>::Lanes;
  const int L = mlp.n_layers;
  int off[kPairMlpMaxLayers + 2];  // off[l]: offset of W_l, l = 1 … L + 1 (the loop writes off[L + 1])
  off[1] = 0;
  for (int l = 1; l <= L; ++l) off[l + 1] = off[l] + mlp.widths[l] * (mlp.widths[l - 1] + 1);
  Lanes dz[MaxWidth], dzr[MaxWidth], dh[MaxWidth], dhr[MaxWidth], s1[MaxWidth], s2z[MaxWidth];
  Lanes h[MaxWidth], hr[MaxWidth];
  dz[0] = w * mlp.out_scale;
  dzr[0] = c * mlp.out_scale;
  for (int l = L; l >= 1; --l) {
    const int din = mlp.widths[l - 1], dout = mlp.widths[l];
    const T* W = mlp.params + off[l];
    Lanes* gW = g + off[l];
    Lanes* gb = gW + dout * din;
    if (l == 1) {
      h[0] = tape.x;
      hr[0] = tape.xr;
    } else {
      for (int i = 0; i < din; ++i) {
        const Lanes zi = tape.z[l - 2][i], zri = tape.zr[l - 2][i];
        Lanes a0, a1, a2;
        mlp.activation_lanes(mlp.act, zi, a0, a1, a2);
        h[i] = a0;
        hr[i] = a1 * zri;
        s1[i] = a1;
        s2z[i] = a2 * zri;
      }
    }
    const Lanes zero = {};
    for (int i = 0; i < din; ++i) dh[i] = zero, dhr[i] = zero;
    for (int o = 0; o < dout; ++o) {
      const Lanes a = dz[o], ar = dzr[o];
      const T* Wo = W + o * din;
      Lanes* gWo = gW + o * din;
      for (int i = 0; i < din; ++i) {
        const T wi = Wo[i];
        gWo[i] += a * h[i] + ar * hr[i];
        dh[i] += wi * a;
        dhr[i] += wi * ar;
      }
      gb[o] += a;
    }
    if (l > 1) {
      for (int i = 0; i < din; ++i) {
        dz[i] = s1[i] * dh[i] + s2z[i] * dhr[i];
        dzr[i] = s1[i] * dhr[i];
      }
    }
  }
}

}  // namespace noether
#endif
