// io/model_eval.cpp — evaluate a scalar pair model file at many distances (formulas in the header).
#include "noether/io/model_eval.hpp"

#include <cfloat>
#include <cmath>

#include "noether/core/error.hpp"

namespace noether {

namespace {

template <int MaxWidth>
std::vector<PairJet<double>> jets_with(const ModelFile& m, const std::vector<double>& r) {
  const PairMlp<double, MaxWidth> mlp = make_pair_mlp<double, MaxWidth>(m.shape, m.params.data(), pair_scaling(m));
  std::vector<PairJet<double>> out(r.size());
  for (std::size_t k = 0; k < r.size(); ++k) out[k] = mlp.network_jets(r[k]);
  return out;
}

}  // namespace

std::vector<PairJet<double>> pair_model_jets_generic(const ModelFile& m, const std::vector<double>& r) {
  const PairScaling sc = pair_scaling(m);  // checks input and output widths are 1
  NOETHER_REQUIRE(m.params.size() == m.shape.parameter_count(), "pair model: parameter count does not match the widths");
  const int L = m.shape.layers(), W = m.shape.max_width();
  std::vector<double> h(W), hr(W), hrr(W), z(W), zr(W), zrr(W);
  std::vector<PairJet<double>> out(r.size());
  for (std::size_t k = 0; k < r.size(); ++k) {
    if (sc.input == InputTransform::Log) {  // x = (log r − shift)/scale: x_r = 1/(r·scale), x_rr = −1/(r²·scale)
      const double rc = r[k] < DBL_MIN ? DBL_MIN : r[k];  // as PairMlp::input_jet: r = 0 at the smallest normal
      h[0] = (std::log(rc) - sc.in_shift) / sc.in_scale;
      hr[0] = 1.0 / (rc * sc.in_scale);
      hrr[0] = -hr[0] / rc;
    } else {
      h[0] = (r[k] - sc.in_shift) / sc.in_scale;
      hr[0] = 1.0 / sc.in_scale;
      hrr[0] = 0.0;
    }
    for (int l = 1; l <= L; ++l) {
      const int din = m.shape.widths[l - 1], dout = m.shape.widths[l];
      const double* Wl = m.params.data() + m.shape.weight_offset(l);
      const double* b = m.params.data() + m.shape.bias_offset(l);
      for (int o = 0; o < dout; ++o) {
        double s = b[o], sr = 0.0, srr = 0.0;
        for (int i = 0; i < din; ++i) {
          const double w = Wl[std::size_t(o) * din + i];
          s += w * h[i], sr += w * hr[i], srr += w * hrr[i];
        }
        z[o] = s, zr[o] = sr, zrr[o] = srr;
      }
      for (int o = 0; o < dout; ++o) {
        if (l == L) {
          h[o] = z[o], hr[o] = zr[o], hrr[o] = zrr[o];
        } else {
          const ActivationJet<double> a = activation_jet<double>(m.shape.activation, z[o]);
          h[o] = a.s0, hr[o] = a.s1 * zr[o], hrr[o] = a.s2 * zr[o] * zr[o] + a.s1 * zrr[o];
        }
      }
    }
    out[k] = {sc.out_scale * h[0] + sc.out_shift, sc.out_scale * hr[0], sc.out_scale * hrr[0]};
  }
  return out;
}

std::vector<PairJet<double>> pair_model_network_jets(const ModelFile& m, const std::vector<double>& r) {
  pair_scaling(m);  // a clear error for non-scalar models before any dispatch
  if (m.shape.layers() <= kPairMlpMaxLayers) {
    const int w = m.shape.max_width();
    if (w <= 8) return jets_with<8>(m, r);
    if (w <= 32) return jets_with<32>(m, r);
    if (w <= 128) return jets_with<128>(m, r);
    if (w <= 512) return jets_with<512>(m, r);
  }
  return pair_model_jets_generic(m, r);
}

}  // namespace noether

namespace noether {

std::vector<PairJet<double>> pair_model_jets(const ModelFile& m, const std::vector<double>& r) {
  std::vector<PairJet<double>> out = pair_model_network_jets(m, r);
  if (m.tail.policy == TailPolicy::None) return out;
  const PairTail<double> tail = make_pair_tail<double>(model_tail(m));
  for (std::size_t k = 0; k < r.size(); ++k)
    if (tail.acts(r[k])) out[k] = tail.jets(r[k], out[k]);
  return out;
}

}  // namespace noether
