// mclnn/slope_prefit.cpp — Levenberg–Marquardt fit of the pair MLP's dV/dr to a target law (formulas in
// mclnn/slope_prefit.hpp). Plain loops and one Eigen LDLT per iteration: no threads, the same bits every run.
#include "noether/mclnn/slope_prefit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "noether/core/error.hpp"

namespace noether {
namespace {

double weighted_norm(const double* w, const double* g, std::size_t n) {
  double s = 0;
  for (std::size_t k = 0; k < n; ++k) s += w[k] * g[k] * g[k];
  return s;
}

/// The fitted slope of the raw network: V′_θ(r) and c ∂V′_θ(r)/∂θ.
template <typename Mlp>
struct RawSlope {
  const Mlp& mlp;
  double slope(double r) const { return mlp.network_slope(r).dV; }
  void grad(double r, double c, double* g) const { mlp.param_grad(r, 0.0, c, g); }
};

/// The fitted slope through the cutoff (mclnn/cutoff_jet.hpp): V_c′(r) and c ∂V_c′(r)/∂θ.
template <typename Mlp>
struct SmoothedSlope {
  CutoffJet<double, Mlp> jet;
  double slope(double r) const { return jet.jets(r).dV; }
  void grad(double r, double c, double* g) const { jet.param_grad(r, 0.0, c, g); }
};

/// fn(law) with law the raw slope (inactive cutoff: the open-space arithmetic unchanged) or the smoothed one.
template <typename Fn>
double with_slope_law(const MlpShape& shape, const double* p, const PairScaling& sc, const CutoffSpec& cutoff, Fn&& fn) {
  return with_pair_mlp<double>(shape, p, sc, [&](const auto& mlp) {
    using Mlp = std::decay_t<decltype(mlp)>;
    if (cutoff.active()) return fn(SmoothedSlope<Mlp>{CutoffJet<double, Mlp>(mlp, cutoff)});
    return fn(RawSlope<Mlp>{mlp});
  });
}

/// Σ_k w_k (V′_θ(r_k) − g_k)² (unnormalised).
double residual_sum(const MlpShape& shape, const double* p, const PairScaling& sc, const CutoffSpec& cutoff,
                    const double* r, const double* w, const double* g, std::size_t n) {
  return with_slope_law(shape, p, sc, cutoff, [&](const auto& law) {
    double s = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double e = law.slope(r[k]) - g[k];
      s += w[k] * e * e;
    }
    return s;
  });
}

}  // namespace

double slope_prefit_loss(const MlpShape& shape, const double* params, const PairScaling& sc, const double* r,
                         const double* w, const double* g, std::size_t n, double* grad, const CutoffSpec& cutoff) {
  const double norm = weighted_norm(w, g, n);
  NOETHER_REQUIRE(norm > 0 && std::isfinite(norm), "slope prefit: the target law is zero (Σ w g² = " << norm << ")");
  const std::size_t P = std::size_t(shape.parameter_count());
  return with_slope_law(shape, params, sc, cutoff, [&](const auto& law) {
    double s = 0;
    if (grad) std::fill(grad, grad + P, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
      const double e = law.slope(r[k]) - g[k];
      s += w[k] * e * e;
      if (grad) law.grad(r[k], 2 * w[k] * e / norm, grad);
    }
    return s / norm;
  });
}

SlopePrefitResult prefit_pair_mlp_slope(const MlpShape& shape, std::vector<double>& params, const PairScaling& sc,
                                        const double* r, const double* w, const double* g, std::size_t n,
                                        const SlopePrefitOptions& o) {
  const double norm = weighted_norm(w, g, n);
  NOETHER_REQUIRE(norm > 0 && std::isfinite(norm), "slope prefit: the target law is zero (Σ w g² = " << norm << ")");
  NOETHER_REQUIRE(o.iterations >= 0, "slope prefit: iterations must be >= 0");
  const int P = shape.parameter_count();
  NOETHER_REQUIRE(int(params.size()) == P, "slope prefit: expected " << P << " parameters, got " << params.size());
  SlopePrefitResult res;
  double S = residual_sum(shape, params.data(), sc, o.cutoff, r, w, g, n);
  res.initial_loss = S / norm;
  Eigen::MatrixXd JtJ(P, P);
  Eigen::VectorXd Jtr(P);
  std::vector<double> row(P), trial(P);
  double mu = 1e-3;
  bool fresh = true;  // JᵀJ and Jᵀρ belong to the current params
  for (int it = 0; it < o.iterations; ++it) {
    res.iterations = it + 1;
    if (fresh) {
      JtJ.setZero(), Jtr.setZero();
      with_slope_law(shape, params.data(), sc, o.cutoff, [&](const auto& law) {
        for (std::size_t k = 0; k < n; ++k) {
          if (w[k] == 0) continue;
          std::fill(row.begin(), row.end(), 0.0);
          law.grad(r[k], 1.0, row.data());  // ∂V′(r_k)/∂θ
          const double e = law.slope(r[k]) - g[k];
          for (int a = 0; a < P; ++a) {
            const double ja = w[k] * row[a];
            Jtr[a] += ja * e;
            for (int b = a; b < P; ++b) JtJ(a, b) += ja * row[b];
          }
        }
        return 0.0;
      });
      for (int a = 0; a < P; ++a)
        for (int b = 0; b < a; ++b) JtJ(a, b) = JtJ(b, a);
      fresh = false;
    }
    const double tau = std::max(JtJ.trace() / P, 1e-300);
    Eigen::MatrixXd A = JtJ;
    for (int a = 0; a < P; ++a) A(a, a) += mu * (JtJ(a, a) + 1e-9 * tau);
    const Eigen::VectorXd delta = A.ldlt().solve(-Jtr);
    for (int a = 0; a < P; ++a) trial[a] = params[a] + delta[a];
    const double St = delta.allFinite() ? residual_sum(shape, trial.data(), sc, o.cutoff, r, w, g, n) : INFINITY;
    if (std::isfinite(St) && St < S) {
      const bool small = S - St < o.rel_tol * S;
      params = trial, S = St, fresh = true;
      mu = std::max(mu / 3, 1e-12);
      if (small) break;
    } else {
      mu *= 2;
      if (mu > 1e12) break;
    }
  }
  res.loss = S / norm;
  return res;
}

}  // namespace noether
