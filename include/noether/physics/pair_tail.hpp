// physics/pair_tail.hpp — what a learned pair law is beyond the distances it was trained on: the support [lo, hi]
// that a model records (docs/MODEL_FORMAT.md), and the tail policy applied beyond it, as a host/device piece of the
// learned evaluators (PairMlp and PairTable carry a PairTail<T> and apply it in jets / value_and_slope / eval).
//
// With V_n, V_n′, V_n″ the raw law (the network, or the table built from it) and r_hi the last supported distance:
//
//   none   the raw law everywhere (what a model file without "tail" means: old files keep their numbers bit for bit).
//   zero   short-range: switched off over [r_on, r_hi] with the engine's C² switch (physics/cutoff.hpp, switch_poly),
//            x = (r − r_on)/w,  w = r_hi − r_on,  S = 1 − 10x³ + 15x⁴ − 6x⁵,  S′ = dS/dx = −30x²(1 − x)²,
//            S″ = d²S/dx² = −60x(1 − x)(1 − 2x),
//            V = S V_n,   V′ = S V_n′ + (S′/w) V_n,   V″ = S V_n″ + 2 (S′/w) V_n′ + (S″/w²) V_n      (r_on < r < r_hi)
//          and V = V′ = V″ = 0 for r ≥ r_hi. S, S′, S″ are 1, 0, 0 at x = 0 and 0, 0, 0 at x = 1: C² at both ends.
//   power  long-range: for r > r_hi
//            V = C + A r^(−n),   V′ = −n A r^(−n−1),   V″ = n (n + 1) A r^(−n−2),
//          with C, A and n matched to the raw law's value, slope and curvature at r_hi (V_h, D_h = V′, E_h = V″):
//            V″/V′ = −(n + 1)/r  ⇒  n = −r_hi E_h / D_h − 1,   A = −D_h r_hi^(n+1) / n,   C = V_h − A r_hi^(−n).
//          A learned V is known only up to an additive constant (the trajectory loss sees forces), so the tail may
//          not assume V(∞) = 0: the constant C carries the network's own offset, and the force beyond r_hi,
//          −V′ = n A r^(−n−1), does not depend on it. The match needs D_h ≠ 0 and n > 0 (a force that decays);
//          power_tail throws otherwise (the error names the values and suggests "zero" or "none"). V, V′ and V″
//          are continuous at r_hi (C²).
//   power with a given exponent n (a long-range law whose far field is known: n = 1 for gravity and Coulomb, 6 for
//          dispersion): P = C + A r^(−n) with A fitted to the raw slope by least squares on M = 64 even points r_k of
//          the window [r_on, r_hi] (default: the outer half of the support), and C to the raw value,
//            A = −Σ_k D_k g_k / Σ_k g_k²,  g_k = n r_k^(−n−1),     C = mean_k (V_k − A r_k^(−n)),
//          and the raw law blended into P over the window with the zero tail's switch S(x):
//            V = P + S (V_n − P),   V′ = P′ + S (V_n′ − P′) + (S′/w)(V_n − P),
//            V″ = P″ + S (V_n″ − P″) + 2 (S′/w)(V_n′ − P′) + (S″/w²)(V_n − P)          (r_on < r < r_hi),
//          V = P beyond r_hi: C² everywhere, and the far field fitted over a window rather than read off the edge of
//          the support, where a network's slope is least determined.
//
// Below the support (r < lo) every policy keeps the raw law; pair visits there are counted and reported
// (physics/support_visits.hpp). The tail is a property of the law's evaluation, not of training: the parameter
// gradients of PairMlp (param_grad) are the raw network's.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/hostdev.hpp"
#include "noether/physics/cutoff.hpp"
#include "noether/physics/pair_jet.hpp"

namespace noether {

/// The distances a learned law was trained on: [lo, hi] (both 0: unknown, e.g. a hand-written model).
struct PairSupport {
  double lo = 0.0, hi = 0.0;
  bool known() const { return hi > lo; }
};

enum class TailPolicy { None = 0, Zero = 1, Power = 2 };

/// The policy names as files and flags spell them, in TailPolicy order: none, zero, power.
inline const std::vector<std::string>& tail_policy_names() {
  static const std::vector<std::string> names{"none", "zero", "power"};
  return names;
}
inline const char* tail_policy_name(TailPolicy p) { return tail_policy_names()[int(p)].c_str(); }
/// False for a name that is not a policy.
inline bool parse_tail_policy(const std::string& name, TailPolicy& out) {
  for (int k = 0; k < 3; ++k)
    if (tail_policy_names()[k] == name) {
      out = TailPolicy(k);
      return true;
    }
  return false;
}

/// A resolved tail in float64 (the host form): the policy, its distances and the matched power law.
struct PairTailSpec {
  TailPolicy policy = TailPolicy::None;
  double r_on = 0.0;  ///< zero: start of the switch (< r_hi)
  double r_hi = 0.0;  ///< zero: where V reaches 0; power: the matching distance
  double A = 0.0, n = 0.0, C = 0.0;  ///< power: V = C + A r^(−n) beyond r_hi
  bool fitted = false;  ///< power with a given exponent: A, C fitted over [r_on, r_hi] and blended there (file comment)
};

/// The default start of the zero switch: the last tenth of the support, r_on = hi − (hi − lo)/10.
inline double default_zero_tail_r_on(const PairSupport& s) { return s.hi - 0.1 * (s.hi - s.lo); }

/// The zero tail over [r_on, r_hi]; throws noether::Error (prefixed with `where`) unless 0 ≤ r_on < r_hi, finite.
inline PairTailSpec zero_tail(double r_on, double r_hi, const std::string& where = "tail") {
  NOETHER_REQUIRE(std::isfinite(r_on) && std::isfinite(r_hi) && r_on >= 0 && r_on < r_hi,
                  where << ": policy 'zero' needs 0 <= r_on < r_hi, got r_on = " << r_on << ", r_hi = " << r_hi);
  PairTailSpec t;
  t.policy = TailPolicy::Zero, t.r_on = r_on, t.r_hi = r_hi;
  return t;
}

/// The power tail matched to V = V_h, V′ = D_h, V″ = E_h at r_hi (file comment); throws noether::Error (prefixed with
/// `where`) when the match is impossible (D_h = 0, or n ≤ 0: a force that does not decay) or not finite.
inline PairTailSpec power_tail(double r_hi, double V_h, double D_h, double E_h, const std::string& where = "tail") {
  NOETHER_REQUIRE(std::isfinite(r_hi) && r_hi > 0, where << ": policy 'power' needs r_hi > 0, got " << r_hi);
  const double n = D_h != 0.0 ? -r_hi * E_h / D_h - 1.0 : 0.0;
  NOETHER_REQUIRE(std::isfinite(n) && n > 0 && std::isfinite(V_h),
                  where << ": policy 'power' cannot match V = C + A r^-n to the law at r_hi = " << r_hi << " (V = " << V_h
                        << ", dV/dr = " << D_h << ", d2V/dr2 = " << E_h
                        << "): a decaying power law needs -r V''/V' > 1 there (n = " << n << "); use policy 'zero' "
                           "(short-range) or 'none'");
  const double A = -D_h * std::pow(r_hi, n + 1.0) / n;
  NOETHER_REQUIRE(std::isfinite(A), where << ": policy 'power': A = -V' r_hi^(n+1)/n overflows (n = " << n << ")");
  PairTailSpec t;
  t.policy = TailPolicy::Power, t.r_hi = r_hi, t.A = A, t.n = n, t.C = V_h - A * std::pow(r_hi, -n);
  return t;
}

/// The default start of a fitted power tail's window: the outer half of the support, lo + (hi − lo)/2.
inline double default_power_fit_r_on(const PairSupport& s) { return s.lo + 0.5 * (s.hi - s.lo); }

/// The power tail of exponent n fitted to a raw law with jets raw(r) over [r_on, r_hi] (file comment); throws
/// noether::Error (prefixed with `where`) unless 0 < r_on < r_hi, n > 0 and the fit is finite and non-zero.
template <class RawJets>
PairTailSpec fitted_power_tail(double r_on, double r_hi, double n, RawJets&& raw, const std::string& where = "tail") {
  NOETHER_REQUIRE(std::isfinite(n) && n > 0, where << ": policy 'power' with exponent n needs n > 0, got " << n);
  NOETHER_REQUIRE(std::isfinite(r_on) && std::isfinite(r_hi) && r_on > 0 && r_on < r_hi,
                  where << ": policy 'power' with exponent n fits over [r_on, r_hi] and needs 0 < r_on < r_hi, got r_on = "
                        << r_on << ", r_hi = " << r_hi);
  constexpr int M = 64;
  double sdg = 0, sgg = 0;
  std::vector<double> r(M), V(M);
  for (int k = 0; k < M; ++k) {
    r[k] = r_on + (r_hi - r_on) * k / (M - 1);
    const PairJet<double> j = raw(r[k]);
    const double g = n * std::pow(r[k], -n - 1);
    sdg += j.dV * g, sgg += g * g;
    V[k] = j.V;
  }
  const double A = -sdg / sgg;
  double C = 0;
  for (int k = 0; k < M; ++k) C += (V[k] - A * std::pow(r[k], -n)) / M;
  NOETHER_REQUIRE(std::isfinite(A) && std::isfinite(C) && A != 0,
                  where << ": policy 'power' with exponent n = " << n << ": the fit over [" << r_on << ", " << r_hi
                        << "] gives A = " << A << ", C = " << C << "; use policy 'zero' or 'none'");
  PairTailSpec t;
  t.policy = TailPolicy::Power, t.r_on = r_on, t.r_hi = r_hi, t.A = A, t.n = n, t.C = C, t.fitted = true;
  return t;
}

/// Resolve `policy` for a raw law with jets raw(r) (float64): none; zero over [r_on, r_hi]; power matched to raw(r_hi),
/// or, with an exponent fixed_n > 0, fitted over [r_on, r_hi]. Errors (prefixed with `where`) as zero_tail, power_tail
/// and fitted_power_tail.
template <class RawJets>
PairTailSpec resolve_tail(TailPolicy policy, double r_on, double r_hi, RawJets&& raw, const std::string& where = "tail",
                          double fixed_n = 0.0) {
  if (policy == TailPolicy::Zero) return zero_tail(r_on, r_hi, where);
  if (policy == TailPolicy::Power && fixed_n > 0) return fitted_power_tail(r_on, r_hi, fixed_n, raw, where);
  if (policy == TailPolicy::Power) {
    NOETHER_REQUIRE(std::isfinite(r_hi) && r_hi > 0, where << ": policy 'power' needs r_hi > 0, got " << r_hi);
    const PairJet<double> j = raw(r_hi);
    return power_tail(r_hi, j.V, j.dV, j.d2V, where);
  }
  return PairTailSpec{};
}

/// The tail in precision T as the evaluators carry it (by value: it travels to the GPU with the law).
template <typename T>
struct PairTail {
  int mode = 0;             ///< TailPolicy as int (0 none: acts nowhere, 1 zero, 2 power); 3 = power fitted and blended
  T start = T(0);           ///< the tail acts for r > start: r_on (zero, fitted power) or r_hi (power)
  T r_hi = T(0), inv_w = T(0), A = T(0), n = T(0), C = T(0);

  /// True where the tail replaces or modifies the raw law.
  NOETHER_HOSTDEV bool acts(T r) const { return mode != 0 && r > start; }
  /// True where the tail needs the raw law's values (zero, inside the switch).
  NOETHER_HOSTDEV bool needs_raw(T r) const { return (mode == 1 || mode == 3) && r < r_hi; }

  /// V, V′, V″ where acts(r); raw: the raw law's jets at r (read only where needs_raw(r)).
  NOETHER_HOSTDEV PairJet<T> jets(T r, const PairJet<T>& raw) const {
    if (mode == 1) {
      if (!(r < r_hi)) return PairJet<T>{T(0), T(0), T(0)};
      const T x = (r - start) * inv_w;
      T S, dS;
      switch_poly(x, S, dS);
      const T d2S = T(-60) * x * (T(1) - x) * (T(1) - T(2) * x);
      const T S1 = dS * inv_w, S2 = d2S * inv_w * inv_w;
      return PairJet<T>{S * raw.V, S * raw.dV + S1 * raw.V, S * raw.d2V + T(2) * S1 * raw.dV + S2 * raw.V};
    }
    if (mode == 3) {  // P + S (raw − P) inside the window, P beyond
      using std::pow;
      const T inv_r = T(1) / r, Pn = A * pow(r, -n);
      const T P0 = C + Pn, P1 = -n * Pn * inv_r, P2 = n * (n + T(1)) * Pn * inv_r * inv_r;
      if (!(r < r_hi)) return PairJet<T>{P0, P1, P2};
      const T x = (r - start) * inv_w;
      T S, dS;
      switch_poly(x, S, dS);
      const T d2S = T(-60) * x * (T(1) - x) * (T(1) - T(2) * x);
      const T S1 = dS * inv_w, S2 = d2S * inv_w * inv_w;
      const T D0 = raw.V - P0, D1 = raw.dV - P1, D2 = raw.d2V - P2;
      return PairJet<T>{P0 + S * D0, P1 + S * D1 + S1 * D0, P2 + S * D2 + T(2) * S1 * D1 + S2 * D0};
    }
    using std::pow;
    const T P = A * pow(r, -n);  // the power part; V = C + P
    const T inv_r = T(1) / r;
    return PairJet<T>{C + P, -n * P * inv_r, n * (n + T(1)) * P * inv_r * inv_r};
  }

  /// V and V′ where acts(r) (the force path); raw as for jets.
  NOETHER_HOSTDEV PairSlope<T> slope(T r, const PairSlope<T>& raw) const {
    if (mode == 1) {
      if (!(r < r_hi)) return PairSlope<T>{T(0), T(0)};
      T S, dS;
      switch_poly((r - start) * inv_w, S, dS);
      return PairSlope<T>{S * raw.V, S * raw.dV + dS * inv_w * raw.V};
    }
    if (mode == 3) {
      using std::pow;
      const T Pn = A * pow(r, -n);
      const T P0 = C + Pn, P1 = -n * Pn / r;
      if (!(r < r_hi)) return PairSlope<T>{P0, P1};
      T S, dS;
      switch_poly((r - start) * inv_w, S, dS);
      return PairSlope<T>{P0 + S * (raw.V - P0), P1 + S * (raw.dV - P1) + dS * inv_w * (raw.V - P0)};
    }
    using std::pow;
    const T P = A * pow(r, -n);
    return PairSlope<T>{C + P, -n * P / r};
  }
};

/// The PairTail<T> of a resolved spec.
template <typename T>
PairTail<T> make_pair_tail(const PairTailSpec& s) {
  PairTail<T> t;
  t.mode = int(s.policy);
  if (s.policy == TailPolicy::Zero) {
    t.start = T(s.r_on), t.r_hi = T(s.r_hi), t.inv_w = T(1.0 / (s.r_hi - s.r_on));
  } else if (s.policy == TailPolicy::Power && s.fitted) {
    t.mode = 3;
    t.start = T(s.r_on), t.r_hi = T(s.r_hi), t.inv_w = T(1.0 / (s.r_hi - s.r_on)), t.A = T(s.A), t.n = T(s.n),
    t.C = T(s.C);
  } else if (s.policy == TailPolicy::Power) {
    t.start = T(s.r_hi), t.r_hi = T(s.r_hi), t.A = T(s.A), t.n = T(s.n), t.C = T(s.C);
  }
  return t;
}

}  // namespace noether
