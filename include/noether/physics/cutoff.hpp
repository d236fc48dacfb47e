// physics/cutoff.hpp — a cutoff r_c with smoothing for any pair evaluator (physics/pair_laws.hpp), host/device.
//
// CutoffLaw<T, Law> wraps an evaluator Law with potential V(r) (and f_over_r = −V'(r)/r) into V_c(r), zero for r ≥ r_c:
//
//   "switch" (C², as HOOMD's XPLOR smoothing and OpenMM's switching function), over [r_on, r_c]:
//       x = (r − r_on) / (r_c − r_on),   S(x) = 1 − 10 x³ + 15 x⁴ − 6 x⁵   (S = 1 for r ≤ r_on, S = 0 for r ≥ r_c),
//       dS/dr = −30 x² (1 − x)² / (r_c − r_on),
//       V_c = S V,   f_over_r_c = S f_over_r − V (dS/dr) / r.
//     S(0) = 1, S(1) = 0 and S', S'' vanish at both ends, so V_c, the force and its derivative are continuous.
//   "shifted_force" (C¹):   V_c = V(r) − V(r_c) − (r − r_c) V'(r_c),   f_over_r_c = f_over_r + V'(r_c) / r.
//   "none":                 V_c = V for r < r_c (a plain truncation: energy and force jump at r_c; not for NVE).
//
// A spec with cutoff = 0 means no cutoff (the law as it is, every pair interacts).
#pragma once
#include <cmath>

#include "noether/core/hostdev.hpp"

namespace noether {

enum class Smoothing { Switch, ShiftedForce, None };

/// The cutoff part of a pair law's spec (config keys "cutoff", "smoothing", "r_on"; docs/FORMATS.md).
struct CutoffSpec {
  double cutoff = 0.0;   ///< r_c; 0 = no cutoff
  Smoothing smoothing = Smoothing::Switch;
  double r_on = 0.0;     ///< start of the switching region, 0 < r_on < r_c (switch only)
  bool active() const { return cutoff > 0; }
};

/// The name of a smoothing as configs and files spell it: "switch", "shifted_force", "none".
inline const char* smoothing_name(Smoothing s) {
  return s == Smoothing::Switch ? "switch" : s == Smoothing::ShiftedForce ? "shifted_force" : "none";
}

/// The C² switching polynomial S(x) = 1 − 10x³ + 15x⁴ − 6x⁵ and dS/dx = −30 x² (1 − x)² for x in [0, 1].
template <typename T>
NOETHER_HOSTDEV void switch_poly(T x, T& S, T& dS_dx) {
  const T x2 = x * x, omx = T(1) - x;
  S = T(1) + x2 * x * (T(-10) + x * (T(15) - T(6) * x));
  dS_dx = T(-30) * x2 * omx * omx;
}

template <typename T, typename Law>
struct CutoffLaw {
  Law law;
  T rc = 0, rc2 = 0;        ///< rc = 0: no cutoff
  T ron = 0, ron2 = 0, inv_w = 0;  ///< switch: r_on, r_on² and 1 / (r_c − r_on)
  T Vc = 0, dVc = 0;        ///< shifted force: V(r_c) and V'(r_c)
  Smoothing mode = Smoothing::None;

  CutoffLaw() = default;
  /// mi, mj: masses passed to the law when evaluating V(r_c) for the shift (laws of the masses, e.g. gravity).
  CutoffLaw(const Law& l, const CutoffSpec& c, T mi = T(1), T mj = T(1)) : law(l) {
    if (!c.active()) return;
    rc = T(c.cutoff), rc2 = rc * rc, mode = c.smoothing;
    if (mode == Smoothing::Switch) ron = T(c.r_on), ron2 = ron * ron, inv_w = T(1) / (rc - ron);
    if (mode == Smoothing::ShiftedForce) {
      T f;
      law.eval(rc2, mi, mj, Vc, f);
      dVc = -f * rc;
    }
  }
  /// V_c(r) and f_over_r_c = −V_c'(r)/r at r² = r2 (see the file comment).
  NOETHER_HOSTDEV void eval(T r2, T mi, T mj, T& V, T& f_over_r) const {
    if (rc > T(0) && r2 >= rc2) {
      V = T(0), f_over_r = T(0);
      return;
    }
    law.eval(r2, mi, mj, V, f_over_r);
    if (mode == Smoothing::Switch) {
      if (r2 > ron2) {  // S = 1 and dS/dr = 0 below r_on
        const T r = std::sqrt(r2);
        T S, dS;
        switch_poly((r - ron) * inv_w, S, dS);
        f_over_r = S * f_over_r - V * dS * inv_w / r;
        V *= S;
      }
    } else if (mode == Smoothing::ShiftedForce) {
      const T r = std::sqrt(r2);
      V = V - Vc - (r - rc) * dVc;
      f_over_r = r > T(0) ? f_over_r + dVc / r : f_over_r;
    }
  }
};

}  // namespace noether
