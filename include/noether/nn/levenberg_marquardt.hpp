// nn/levenberg_marquardt.hpp — Levenberg–Marquardt over one flat float64 parameter buffer, for a nonlinear least-
// squares loss F(x) = Σ_k w_k |e_k(x)|² given through its normal equations (Eigen behind this interface: it never
// reaches a public header).
//
// Each iteration solves the damped Gauss–Newton system (Marquardt's scaling by the diagonal)
//   (A + λ diag(A)) δ = −b,   A = Σ w Jᵀ J,   b = Σ w Jᵀ e        (J = ∂e/∂x)
// by a Cholesky factorisation (Eigen's LLT), and takes x + δ when F falls. The gain ratio
//   ρ = (F(x) − F(x + δ)) / (F(x) − m(δ)),   m(δ) = F(x) + 2 bᵀδ + δᵀ A δ   (the Gauss–Newton model)
// sets the damping (Nielsen's rule, Madsen, Nielsen & Tingleff, "Methods for non-linear least squares problems",
// 2004, Alg. 3.16): accepted, λ ← λ · max(1/3, 1 − (2ρ − 1)³) and ν = 2; rejected, λ ← λ ν and ν ← 2ν.
// Near the minimum the steps are Gauss–Newton's, whose curvature model resolves directions whose curvature is
// 10⁻⁸ of the largest (where first-order methods, Adam and L-BFGS alike, crawl): docs/TRAINING.md "The
// Levenberg–Marquardt polish".
//
// Why the normal equations and not a QR of J (MINPACK, Eigen's unsupported LevenbergMarquardt): the caller
// accumulates A and b segment by segment, so memory is P² whatever the number of residuals, and the sums can be
// made bitwise independent of the thread count; the price, cond(A) = cond(J)², is paid back by the damping.
//
// Robust to a loss that cannot be evaluated at a trial point (loss throws, or returns a non-finite value: an
// unstable rollout): the trial is rejected and λ raised. Deterministic: same callbacks, same bits.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace noether {

struct LmOptions {
  int iterations = 40;     ///< most iterations (linear solves); each costs one loss evaluation, and one normal-
                           ///< equations evaluation after every accepted step
  double lambda0 = 1e-3;   ///< the starting damping λ (relative to diag(A))
  int past = 5;            ///< stop when F fell by less than rel_tol × F over the last `past` accepted steps …
  double rel_tol = 1e-4;
  double lambda_max = 1e12;  ///< … or when λ exceeds this (no step lowers F: a minimum to round-off)
};

struct LmResult {
  int iterations = 0;       ///< linear solves done
  int accepted = 0;         ///< steps taken
  long loss_evaluations = 0, system_evaluations = 0;
  double initial_loss = 0;  ///< F at the start
  double loss = 0;          ///< F at the returned point
  double lambda = 0;        ///< the damping at the end
  std::string stop;         ///< "iterations" | "converged" (rel_tol over past) | "stalled" (lambda_max) |
                            ///< "system: <message>" (the normal equations at an accepted point threw)
};

/// Normal equations at x: writes A (P × P, row-major, symmetric) and b (P), returns F(x) as it computes it.
using NormalEquations = std::function<double(const std::vector<double>& x, std::vector<double>& A, std::vector<double>& b)>;
/// F(x) alone (the loss the steps are judged by).
using LeastSquaresLoss = std::function<double(const std::vector<double>& x)>;

/// Minimise F from x by Levenberg–Marquardt (file header); x is overwritten with the best point. Throws
/// noether::Error when F(x) at the start is not finite or the options are out of range; an exception from `system`
/// ends the iterations at the last accepted point, the start included (LmResult::stop "system: <message>").
LmResult levenberg_marquardt(std::vector<double>& x, const NormalEquations& system, const LeastSquaresLoss& loss,
                             const LmOptions& o = {});

}  // namespace noether
