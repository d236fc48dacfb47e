// mclnn/cutoff_jet.hpp — the engine's cutoff smoothing (physics/cutoff.hpp) applied to a trainable pair model, as the
// MCLNN adjoint needs it: second-order jets (V_c, V_c′, V_c″) and parameter gradients of V_c and V_c′.
//
// The model provides jets(r) -> PairJet (V, V′, V″) and param_grad(r, wV, wdV, g): g += wV ∂V/∂θ + wdV ∂V′/∂θ
// (PairMlp does, physics/pair_mlp.hpp). CutoffJet<T, Model> has the same interface for V_c, zero for r ≥ r_c:
//
//   "switch" (C², physics/cutoff.hpp's switch_poly), over [r_on, r_c]; x = (r − r_on)/w, w = r_c − r_on:
//       S = 1 − 10x³ + 15x⁴ − 6x⁵,  S′ = dS/dr = −30x²(1 − x)²/w,  S″ = d²S/dr² = −60x(1 − x)(1 − 2x)/w²
//       V_c = S V,   V_c′ = S′V + S V′,   V_c″ = S″V + 2S′V′ + S V″
//       wV ∂V_c/∂θ + wdV ∂V_c′/∂θ = (wV S + wdV S′) ∂V/∂θ + (wdV S) ∂V′/∂θ
//   "shifted_force" (C¹):  V_c = V(r) − V(r_c) − (r − r_c) V′(r_c),  V_c′ = V′(r) − V′(r_c),  V_c″ = V″(r)
//       wV ∂V_c/∂θ + wdV ∂V_c′/∂θ = [wV ∂V + wdV ∂V′](r) − [wV ∂V + (wV (r − r_c) + wdV) ∂V′](r_c)
//   "none":  V_c = V for r < r_c (truncation; the loss is then only piecewise smooth in the positions).
// A spec with cutoff = 0 is the model unchanged. V_c and V_c′ equal CutoffLaw<T, Model>::eval's V and −r·f_over_r
// to rounding (tested in tests/mclnn/test_bulk_adjoint.cpp).
#pragma once
#include <cmath>

#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

template <typename T, typename Model>
struct CutoffJet {
  Model model;
  T rc = 0;                       ///< 0: no cutoff
  T ron = 0, inv_w = 0;           ///< switch: r_on and 1/(r_c − r_on)
  T V_rc = 0, dV_rc = 0;          ///< shifted force: V(r_c), V′(r_c)
  Smoothing mode = Smoothing::None;

  CutoffJet() = default;
  CutoffJet(const Model& m, const CutoffSpec& c) : model(m) {
    if (!c.active()) return;
    rc = T(c.cutoff), mode = c.smoothing;
    NOETHER_REQUIRE(mode != Smoothing::Switch || (c.r_on > 0 && c.r_on < c.cutoff),
                    "cutoff: smoothing \"switch\" needs 0 < r_on < cutoff, got r_on = " << c.r_on
                                                                                        << ", cutoff = " << c.cutoff);
    if (mode == Smoothing::Switch) ron = T(c.r_on), inv_w = T(1) / (rc - ron);
    if (mode == Smoothing::ShiftedForce) {
      const PairJet<T> j = model.jets(rc);
      V_rc = j.V, dV_rc = j.dV;
    }
  }

  /// V_c, V_c′, V_c″ at r (file header).
  PairJet<T> jets(T r) const {
    if (rc > T(0) && r >= rc) return PairJet<T>{T(0), T(0), T(0)};
    PairJet<T> j = model.jets(r);
    if (mode == Smoothing::Switch && r > ron) {
      T S, S1, S2;
      switch_terms(r, S, S1, S2);
      return PairJet<T>{S * j.V, S1 * j.V + S * j.dV, S2 * j.V + T(2) * S1 * j.dV + S * j.d2V};
    }
    if (mode == Smoothing::ShiftedForce) return PairJet<T>{j.V - V_rc - (r - rc) * dV_rc, j.dV - dV_rc, j.d2V};
    return j;
  }

  /// g += wV ∂V_c(r)/∂θ + wdV ∂V_c′(r)/∂θ (file header).
  template <typename G>
  void param_grad(T r, T wV, T wdV, G* g) const {
    if (rc > T(0) && r >= rc) return;
    if (mode == Smoothing::Switch && r > ron) {
      T S, S1, S2;
      switch_terms(r, S, S1, S2);
      model.param_grad(r, wV * S + wdV * S1, wdV * S, g);
      return;
    }
    model.param_grad(r, wV, wdV, g);
    if (mode == Smoothing::ShiftedForce) model.param_grad(rc, -wV, -(wV * (r - rc) + wdV), g);
  }

 private:
  /// S, dS/dr, d²S/dr² of the switch at r in (r_on, r_c).
  void switch_terms(T r, T& S, T& S1, T& S2) const {
    const T x = (r - ron) * inv_w;
    T dSdx;
    switch_poly(x, S, dSdx);  // the engine's polynomial
    S1 = dSdx * inv_w;
    S2 = T(-60) * x * (T(1) - x) * (T(1) - T(2) * x) * inv_w * inv_w;
  }
};

}  // namespace noether
