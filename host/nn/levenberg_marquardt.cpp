// nn/levenberg_marquardt.cpp — levenberg_marquardt on Eigen's Cholesky (formulas and contract in
// nn/levenberg_marquardt.hpp).
#include "noether/nn/levenberg_marquardt.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "noether/core/error.hpp"

namespace noether {

LmResult levenberg_marquardt(std::vector<double>& x, const NormalEquations& system, const LeastSquaresLoss& loss,
                             const LmOptions& o) {
  NOETHER_REQUIRE(o.iterations >= 1 && o.lambda0 > 0 && o.past >= 1 && o.rel_tol >= 0 && o.lambda_max > o.lambda0,
                  "levenberg_marquardt: options out of range (iterations >= 1, lambda0 > 0, past >= 1, rel_tol >= 0, "
                  "lambda_max > lambda0)");
  const int P = int(x.size());
  auto safe_loss = [&](const std::vector<double>& p) {
    try {
      const double v = loss(p);
      return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
    } catch (const std::exception&) {
      return std::numeric_limits<double>::infinity();
    }
  };
  LmResult r;
  double F = loss(x);
  ++r.loss_evaluations;
  NOETHER_REQUIRE(std::isfinite(F), "levenberg_marquardt: the loss at the starting point is not finite (" << F << ")");
  r.initial_loss = r.loss = F;
  std::vector<double> Av, bv, trial(x.size());
  try {
    system(x, Av, bv);
  } catch (const std::exception& e) {  // e.g. a time budget spent before the first step
    r.stop = std::string("system: ") + e.what();
    return r;
  }
  ++r.system_evaluations;
  NOETHER_REQUIRE(Av.size() == std::size_t(P) * P && bv.size() == std::size_t(P),
                  "levenberg_marquardt: the normal equations have the wrong size");
  double lambda = o.lambda0, nu = 2;
  std::vector<double> history{F};  // F after each accepted step
  r.stop = "iterations";
  for (int it = 0; it < o.iterations; ++it) {
    ++r.iterations;
    const Eigen::Map<const Eigen::MatrixXd> A(Av.data(), P, P);  // symmetric: row- and column-major alike
    const Eigen::Map<const Eigen::VectorXd> b(bv.data(), P);
    const Eigen::VectorXd diag = A.diagonal();
    const double floor = std::max(diag.maxCoeff(), 1e-300) * 1e-12;  // dead parameters still get a damping
    Eigen::MatrixXd M = A;
    for (int k = 0; k < P; ++k) M(k, k) += lambda * std::max(diag(k), floor);
    const Eigen::LLT<Eigen::MatrixXd> llt(M);
    bool accepted = false;
    if (llt.info() == Eigen::Success) {
      const Eigen::VectorXd delta = llt.solve(-b);
      for (int k = 0; k < P; ++k) trial[k] = x[k] + delta(k);
      const double predicted = -(2 * b.dot(delta) + delta.dot(A * delta));  // F(x) − m(δ)
      const double Ft = safe_loss(trial);
      ++r.loss_evaluations;
      if (Ft < F && predicted > 0) {
        const double rho = (F - Ft) / predicted;
        lambda *= std::max(1.0 / 3.0, 1 - std::pow(2 * rho - 1, 3));
        nu = 2;
        x = trial, F = Ft, accepted = true;
        ++r.accepted;
        history.push_back(F);
      }
    }
    if (!accepted) {
      lambda *= nu, nu *= 2;
      if (lambda > o.lambda_max) {
        r.stop = "stalled";
        break;
      }
      continue;
    }
    if (int(history.size()) > o.past && history[history.size() - 1 - o.past] - F <= o.rel_tol * F) {
      r.stop = "converged";
      break;
    }
    if (it + 1 < o.iterations) {
      try {
        system(x, Av, bv);
      } catch (const std::exception& e) {  // e.g. a time budget: stop at the accepted point
        r.stop = std::string("system: ") + e.what();
        break;
      }
      ++r.system_evaluations;
    }
  }
  r.loss = F;
  r.lambda = lambda;
  return r;
}

}  // namespace noether
