// physics/ode.hpp — generic explicit integrators for y' = f(t, y): classic RK4 and adaptive Dormand–Prince
// RK45 (the HNN protocol integrates learned fields with tight tolerances). Templated on precision.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "noether/core/error.hpp"

namespace noether {

/// Right-hand side: dydt = f(t, y). y and dydt have the same length.
template <typename T>
using OdeRhs = std::function<void(T t, const std::vector<T>& y, std::vector<T>& dydt)>;

/// One classic Runge–Kutta step of size h:
///   k1 = f(t, y), k2 = f(t+h/2, y+h k1/2), k3 = f(t+h/2, y+h k2/2), k4 = f(t+h, y+h k3),
///   y ← y + h (k1 + 2 k2 + 2 k3 + k4) / 6.   Fourth order.
template <typename T>
void rk4_step(const OdeRhs<T>& f, T t, std::vector<T>& y, T h) {
  const std::size_t n = y.size();
  std::vector<T> k1(n), k2(n), k3(n), k4(n), tmp(n);
  f(t, y, k1);
  for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + T(0.5) * h * k1[i];
  f(t + T(0.5) * h, tmp, k2);
  for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + T(0.5) * h * k2[i];
  f(t + T(0.5) * h, tmp, k3);
  for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + h * k3[i];
  f(t + h, tmp, k4);
  for (std::size_t i = 0; i < n; ++i) y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / T(6);
}

/// Tolerances and limits of the adaptive integrator.
struct Rk45Options {
  double rtol = 1e-9;
  double atol = 1e-9;
  double h_init = 0;       ///< first trial step; 0 = (t1 − t0)/100
  long max_steps = 10000000;  ///< accepted + rejected steps per call before giving up
};

/// Counters of one rk45_integrate call.
struct Rk45Stats {
  long accepted = 0;
  long rejected = 0;
  long rhs_evals = 0;
};

/// Integrate y from t0 to t1 with Dormand–Prince 5(4) (FSAL), error per step
///   err = RMS_i( (y5_i − y4_i) / (atol + rtol · max(|y_i|, |y5_i|)) ),
/// accepting when err ≤ 1 and rescaling h ← h · clamp(0.9 err^{−1/5}, 0.2, 5). The last step is
/// shortened to land exactly on t1. h is the step hint in and out (carry it across calls).
template <typename T>
Rk45Stats rk45_integrate(const OdeRhs<T>& f, T t0, T t1, std::vector<T>& y, const Rk45Options& opt, T& h) {
  // Dormand–Prince tableau.
  static const double c2 = 1. / 5, c3 = 3. / 10, c4 = 4. / 5, c5 = 8. / 9;
  static const double a21 = 1. / 5;
  static const double a31 = 3. / 40, a32 = 9. / 40;
  static const double a41 = 44. / 45, a42 = -56. / 15, a43 = 32. / 9;
  static const double a51 = 19372. / 6561, a52 = -25360. / 2187, a53 = 64448. / 6561, a54 = -212. / 729;
  static const double a61 = 9017. / 3168, a62 = -355. / 33, a63 = 46732. / 5247, a64 = 49. / 176,
                      a65 = -5103. / 18656;
  static const double b1 = 35. / 384, b3 = 500. / 1113, b4 = 125. / 192, b5 = -2187. / 6784, b6 = 11. / 84;
  // Error coefficients e = b(5th) − b*(4th).
  static const double e1 = 71. / 57600, e3 = -71. / 16695, e4 = 71. / 1920, e5 = -17253. / 339200,
                      e6 = 22. / 525, e7 = -1. / 40;
  Rk45Stats st;
  if (t1 == t0) return st;
  NOETHER_REQUIRE(t1 > t0, "rk45_integrate: t1 (" << t1 << ") must be after t0 (" << t0 << ")");
  NOETHER_REQUIRE(opt.rtol > 0 && opt.atol > 0, "rk45: rtol and atol must be > 0");
  const std::size_t n = y.size();
  std::vector<T> k1(n), k2(n), k3(n), k4(n), k5(n), k6(n), k7(n), tmp(n), y5(n);
  if (!(h > 0)) h = opt.h_init > 0 ? T(opt.h_init) : (t1 - t0) / T(100);
  T t = t0;
  f(t, y, k1);
  ++st.rhs_evals;
  while (t < t1) {
    NOETHER_REQUIRE(st.accepted + st.rejected < opt.max_steps,
                    "rk45: more than " << opt.max_steps << " steps between t=" << t0 << " and t=" << t1
                                       << " (stiff or singular system? loosen rtol/atol)");
    const bool last = t + h >= t1;
    const T hs = last ? t1 - t : h;
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + hs * T(a21 * k1[i]);
    f(t + T(c2) * hs, tmp, k2);
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + hs * T(a31 * k1[i] + a32 * k2[i]);
    f(t + T(c3) * hs, tmp, k3);
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + hs * T(a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
    f(t + T(c4) * hs, tmp, k4);
    for (std::size_t i = 0; i < n; ++i)
      tmp[i] = y[i] + hs * T(a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
    f(t + T(c5) * hs, tmp, k5);
    for (std::size_t i = 0; i < n; ++i)
      tmp[i] = y[i] + hs * T(a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
    f(t + hs, tmp, k6);
    for (std::size_t i = 0; i < n; ++i)
      y5[i] = y[i] + hs * T(b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
    f(t + hs, y5, k7);
    st.rhs_evals += 6;
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = hs * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
      const double sc = opt.atol + opt.rtol * std::max(std::abs(double(y[i])), std::abs(double(y5[i])));
      err += (e / sc) * (e / sc);
    }
    err = n ? std::sqrt(err / double(n)) : 0.0;
    NOETHER_REQUIRE(std::isfinite(err), "rk45: non-finite state at t=" << t);
    const double factor = err == 0 ? 5.0 : std::clamp(0.9 * std::pow(err, -0.2), 0.2, 5.0);
    if (err <= 1.0) {
      t = last ? t1 : t + hs;
      y.swap(y5);
      k1.swap(k7);  // FSAL: f(t+h, y5) is the next step's k1
      ++st.accepted;
      if (!last || factor < 1) h = T(hs * factor);  // keep the hint from the unshortened step
    } else {
      h = T(hs * std::max(0.2, factor));
      ++st.rejected;
    }
  }
  return st;
}

/// Integrate an autonomous field x' = field(x) from x0 (dim) with adaptive RK45 (rtol, atol; the step hint
/// carried across the saved times) to times[0 … T−1] (strictly increasing; x(times[0]) = x0) into out (T, dim).
/// Throws noether::Error on no times or times that do not increase.
inline void rk45_path(const std::function<void(const double*, double*)>& field, int dim, const double* x0,
                      const std::vector<double>& times, double rtol, double atol, double* out) {
  NOETHER_REQUIRE(!times.empty(), "rk45_path: no times");
  const OdeRhs<double> rhs = [&field](double, const std::vector<double>& y, std::vector<double>& dy) {
    field(y.data(), dy.data());
  };
  Rk45Options ro;
  ro.rtol = rtol;
  ro.atol = atol;
  std::vector<double> y(x0, x0 + dim);
  double h = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i > 0) {
      NOETHER_REQUIRE(times[i] > times[i - 1],
                      "rk45_path: times must increase, got " << times[i - 1] << " then " << times[i]);
      rk45_integrate(rhs, times[i - 1], times[i], y, ro, h);
    }
    for (int c = 0; c < dim; ++c) out[i * std::size_t(dim) + c] = y[c];
  }
}

}  // namespace noether
