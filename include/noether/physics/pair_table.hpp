// physics/pair_table.hpp — a tabulated pair potential: piecewise quintic Hermite interpolation of V(r) from
// V, V′, V″ at uniform knots (the model-compression trick of DeePMD-kit), as a host/device pair-law
// evaluator with the same interface as the analytic laws and the pair MLP (physics/pair_laws.hpp).
//
// Knots r_k = r_min + k·h, k = 0 … n (n = intervals, h = (r_max − r_min)/n). On interval k, with
// t = (r − r_k)/h ∈ [0, 1], V is the quintic p(t) = c0 + c1 t + c2 t² + c3 t³ + c4 t⁴ + c5 t⁵ matching
// (V, h V′, h² V″) at both ends (v0, d0, s0 at t = 0; v1, d1, s1 at t = 1):
//   c0 = v0,  c1 = d0,  c2 = s0/2,
//   A = v1 − (c0 + c1 + c2),  B = d1 − (c1 + 2 c2),  C = s1 − 2 c2,
//   c3 = 10A − 4B + C/2,  c4 = −15A + 7B − C,  c5 = 6A − 3B + C/2.
// V, V′ and V″ are continuous across knots (they equal the knot values from both sides): the table
// is C² on [r_min, r_max]. Evaluation is Horner: V = p(t), V′ = p′(t)/h, V″ = p″(t)/h².
// Coefficients are computed in float64 (pair_table_coefficients) and converted to T once.
//
// Extrapolation (outside [r_min, r_max], where a trained MLP saw no data): the quadratic Taylor
// polynomial of V at the nearest end,
//   V(r) = V_e + V′_e (r − r_e) + ½ V″_e (r − r_e)²,   r_e = r_min (r < r_min) or r_max (r > r_max),
// so V, V′, V″ stay continuous at both ends (C² everywhere), the force is linear in r out there
// (exact for a harmonic spring), and no MLP is evaluated. Caveat (docs/TABLES.md): with V′_e < 0 and
// V″_e > 0 at r_min the extrapolated force turns attractive below r_min − |V′_e|/V″_e.
// r = 0 gives f_over_r = 0 (no direction), like the other laws.
//
// Beyond the trained range the law follows the tail it inherited from the model or was given at tabulation
// (physics/pair_tail.hpp; PairTableData::tail, none by default): jets / value_and_slope / eval return the tailed law
// (the tail replaces the Taylor extrapolation where it acts), table_jets / table_slope the raw table.
//
// PairTable<T> holds a POINTER to the 6·n coefficients (host memory for CPU loops, device memory on a
// GPU, read through the read-only data cache; no shared-memory staging) and the end jets by value.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "noether/core/error.hpp"
#include "noether/core/hostdev.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/physics/pair_tail.hpp"

namespace noether {

/// Most intervals a table may have (65,536: 3 MiB of float64 coefficients); build_pair_table refuses more.
constexpr int kPairTableMaxIntervals = 1 << 16;

namespace detail {
/// A load through the read-only data cache on the device, a plain load on the host.
template <typename T>
NOETHER_HOSTDEV T ldg_(const T* p) {
#if defined(__CUDA_ARCH__)
  return __ldg(p);
#else
  return *p;
#endif
}
}  // namespace detail

/// A table as stored (float64): the jets at knots r_k = r_min + k·h, and the derived coefficients.
struct PairTableData {
  double r_min = 0.0, r_max = 1.0;
  std::vector<double> V, dV, d2V;  ///< V(r_k), V′(r_k), V″(r_k), k = 0 … n (knots = n + 1 >= 2)
  std::vector<double> coef;        ///< 6 per interval, [c0 … c5] of interval k at 6k (pair_table_coefficients)
  double tolerance = 0.0;          ///< the builder's target for max|ΔV′| / max|V′| (0 = unknown)
  double max_rel_error_dVdr = 0.0; ///< the builder's measured max|ΔV′| / max|V′| (0 = unknown)
  std::string source_json;         ///< "source" object as JSON text (free-form provenance; "" = none)
  PairSupport support;             ///< the training support inherited from the model (unknown: lo = hi = 0)
  PairTailSpec tail;               ///< the law beyond the support (physics/pair_tail.hpp; none by default)

  int intervals() const { return int(V.size()) - 1; }
  double h() const { return (r_max - r_min) / double(intervals()); }
};

/// The quintic Hermite coefficients (file header) of every interval, in float64: 6·n values.
inline std::vector<double> pair_table_coefficients(double h, const std::vector<double>& V, const std::vector<double>& dV,
                                                   const std::vector<double>& d2V) {
  const std::size_t n = V.size() - 1;
  std::vector<double> c(6 * n);
  for (std::size_t k = 0; k < n; ++k) {
    const double v0 = V[k], d0 = h * dV[k], s0 = h * h * d2V[k];
    const double v1 = V[k + 1], d1 = h * dV[k + 1], s1 = h * h * d2V[k + 1];
    const double c2 = 0.5 * s0;
    const double A = v1 - (v0 + d0 + c2), B = d1 - (d0 + 2 * c2), C = s1 - 2 * c2;
    double* ck = c.data() + 6 * k;
    ck[0] = v0, ck[1] = d0, ck[2] = c2;
    ck[3] = 10 * A - 4 * B + 0.5 * C;
    ck[4] = -15 * A + 7 * B - C;
    ck[5] = 6 * A - 3 * B + 0.5 * C;
  }
  return c;
}

/// Validate knot jets and fill coef; throws noether::Error (prefixed with `where`) on bad input:
/// r_max <= r_min or non-finite, fewer than 2 knots, more than kPairTableMaxIntervals intervals,
/// lengths that differ, non-finite values.
inline void finalize_pair_table(PairTableData& t, const std::string& where = "pair table") {
  NOETHER_REQUIRE(std::isfinite(t.r_min) && std::isfinite(t.r_max) && t.r_max > t.r_min,
                  where << ": r_max must be > r_min (both finite), got r_min = " << t.r_min << ", r_max = " << t.r_max);
  NOETHER_REQUIRE(t.V.size() >= 2, where << ": at least 2 knots are needed, got " << t.V.size());
  NOETHER_REQUIRE(t.V.size() - 1 <= std::size_t(kPairTableMaxIntervals),
                  where << ": at most " << kPairTableMaxIntervals + 1 << " knots, got " << t.V.size());
  NOETHER_REQUIRE(t.dV.size() == t.V.size() && t.d2V.size() == t.V.size(),
                  where << ": V, dVdr and d2Vdr2 must have the same length, got " << t.V.size() << ", " << t.dV.size()
                        << " and " << t.d2V.size());
  for (const auto* v : {&t.V, &t.dV, &t.d2V})
    for (std::size_t k = 0; k < v->size(); ++k)
      NOETHER_REQUIRE(std::isfinite((*v)[k]), where << ": non-finite knot value at index " << k);
  t.coef = pair_table_coefficients(t.h(), t.V, t.dV, t.d2V);
}

/// Tabulated pair potential (file header). coef: 6·n values in T (host or device memory).
template <typename T>
struct PairTable {
  static constexpr bool kMassIndependent = true;  ///< V(r) alone (physics/forces_symmetric.hpp)
  const T* coef = nullptr;
  int n = 0;                          ///< intervals
  T r_min = T(0), r_max = T(1), inv_h = T(1);
  T V_lo = T(0), dV_lo = T(0), d2V_lo = T(0);  ///< jets at r_min (extrapolation below)
  T V_hi = T(0), dV_hi = T(0), d2V_hi = T(0);  ///< jets at r_max (extrapolation above)
  PairTail<T> tail;                   ///< beyond the trained range (physics/pair_tail.hpp); none by default

  /// V, V′, V″ of the law at r: the table's (table_jets), or its tail where the tail acts.
  NOETHER_HOSTDEV PairJet<T> jets(T r) const {
    if (tail.acts(r)) return tail.jets(r, tail.needs_raw(r) ? table_jets(r) : PairJet<T>{T(0), T(0), T(0)});
    return table_jets(r);
  }

  /// V and V′ of the law at r (the force path): table_slope, or the tail where it acts.
  NOETHER_HOSTDEV PairSlope<T> value_and_slope(T r) const {
    if (tail.acts(r)) return tail.slope(r, tail.needs_raw(r) ? table_slope(r) : PairSlope<T>{T(0), T(0)});
    return table_slope(r);
  }

  /// V, V′, V″ of the raw table at r (any r >= 0; quadratic Taylor extrapolation outside [r_min, r_max]).
  NOETHER_HOSTDEV PairJet<T> table_jets(T r) const {
    if (r < r_min) {
      const T x = r - r_min;
      return PairJet<T>{V_lo + x * (dV_lo + T(0.5) * d2V_lo * x), dV_lo + d2V_lo * x, d2V_lo};
    }
    if (r > r_max) {
      const T x = r - r_max;
      return PairJet<T>{V_hi + x * (dV_hi + T(0.5) * d2V_hi * x), dV_hi + d2V_hi * x, d2V_hi};
    }
    const T s = (r - r_min) * inv_h;                 // [2]
    // r = r_max lands in the last interval (t = 1); a NaN r (a blown-up state) reads interval n − 1 and
    // returns NaN instead of indexing out of bounds (no float→int conversion of NaN).
    int k = s < T(n - 1) ? int(s) : n - 1;
    k = k > 0 ? k : 0;
    const T t = s - T(k);                            // [1]
    const T* c = coef + 6 * k;
    const T c0 = detail::ldg_(c), c1 = detail::ldg_(c + 1), c2 = detail::ldg_(c + 2);
    const T c3 = detail::ldg_(c + 3), c4 = detail::ldg_(c + 4), c5 = detail::ldg_(c + 5);
    const T V = c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * c5))));
    const T dVdt = c1 + t * (T(2) * c2 + t * (T(3) * c3 + t * (T(4) * c4 + t * (T(5) * c5))));
    const T d2Vdt2 = T(2) * c2 + t * (T(6) * c3 + t * (T(12) * c4 + t * (T(20) * c5)));
    return PairJet<T>{V, dVdt * inv_h, d2Vdt2 * inv_h * inv_h};
  }

  /// V and V′ of the raw table (the force path). FLOPs inside the table: 3 (t) + 10 (V, Horner FMAs) + 9 (p′) + 1 = 23.
  NOETHER_HOSTDEV PairSlope<T> table_slope(T r) const {
    if (r < r_min) {
      const T x = r - r_min;
      return PairSlope<T>{V_lo + x * (dV_lo + T(0.5) * d2V_lo * x), dV_lo + d2V_lo * x};
    }
    if (r > r_max) {
      const T x = r - r_max;
      return PairSlope<T>{V_hi + x * (dV_hi + T(0.5) * d2V_hi * x), dV_hi + d2V_hi * x};
    }
    const T s = (r - r_min) * inv_h;
    int k = s < T(n - 1) ? int(s) : n - 1;  // as in jets(): NaN-safe
    k = k > 0 ? k : 0;
    const T t = s - T(k);
    const T* c = coef + 6 * k;
    const T c0 = detail::ldg_(c), c1 = detail::ldg_(c + 1), c2 = detail::ldg_(c + 2);
    const T c3 = detail::ldg_(c + 3), c4 = detail::ldg_(c + 4), c5 = detail::ldg_(c + 5);
    const T V = c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * c5))));
    const T dVdt = c1 + t * (T(2) * c2 + t * (T(3) * c3 + t * (T(4) * c4 + t * (T(5) * c5))));
    return PairSlope<T>{V, dVdt * inv_h};
  }

  /// Pair-law interface: V(r) and f_over_r = −V′(r)/r (0 at r = 0).
  NOETHER_HOSTDEV void eval(T r2, T /*mi*/, T /*mj*/, T& V, T& f_over_r) const {
    using std::sqrt;
    const T r = sqrt(r2);
    const PairSlope<T> j = value_and_slope(r);
    V = j.V;
    f_over_r = r > T(0) ? -j.dV / r : T(0);
  }
};

/// The PairTable<T> of `t` over `coef` (6·t.intervals() values in T, host or device memory).
template <typename T>
PairTable<T> make_pair_table(const PairTableData& t, const T* coef) {
  NOETHER_REQUIRE(t.V.size() >= 2 && t.dV.size() == t.V.size() && t.d2V.size() == t.V.size(),
                  "pair table: inconsistent knot arrays (use finalize_pair_table)");
  PairTable<T> p;
  p.coef = coef;
  p.n = t.intervals();
  p.r_min = T(t.r_min), p.r_max = T(t.r_max), p.inv_h = T(1.0 / t.h());
  const std::size_t e = t.V.size() - 1;
  p.V_lo = T(t.V[0]), p.dV_lo = T(t.dV[0]), p.d2V_lo = T(t.d2V[0]);
  p.V_hi = T(t.V[e]), p.dV_hi = T(t.dV[e]), p.d2V_hi = T(t.d2V[e]);
  p.tail = make_pair_tail<T>(t.tail);
  return p;
}

}  // namespace noether
