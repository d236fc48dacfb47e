// nn/lbfgs.hpp — L-BFGS over one flat float64 parameter buffer (LBFGSpp, Debian's liblbfgspp-dev, behind this
// interface so that neither it nor Eigen reaches a public header), for a deterministic full-batch loss.
//
// Quasi-Newton: the direction d_k = −H_k g_k with H_k the two-loop product of the last m pairs
//   s_i = x_{i+1} − x_i,  y_i = g_{i+1} − g_i   (Nocedal & Wright, Numerical Optimization, Alg. 7.4),
// and a backtracking line search x_{k+1} = x_k + t d_k, t = 1, ½, ¼, … (the first t = 1/‖g_0‖), accepted under the
// weak Wolfe conditions f(x + t d) ≤ f(x) + 1e-4 t gᵀd and ∇f(x + t d)ᵀd ≥ 0.9 gᵀd (so sᵀy > 0 keeps H positive).
// Where Adam's noise floor stops a small network (the step size, not the loss, limits it), L-BFGS on the same loss
// goes orders of magnitude lower in a few hundred evaluations (docs/OPTIMIZER.md).
//
// Robust to a loss that cannot be evaluated at a trial point (f throws, or returns a non-finite value: an unstable
// rollout): the trial counts as +∞, so the line search shrinks the step. The result is the point with the lowest
// finite loss ever evaluated, also when the line search gives up. Deterministic: same f, same bits.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace noether {

struct LbfgsOptions {
  int iterations = 200;    ///< most L-BFGS iterations (line searches)
  int memory = 10;         ///< m: correction pairs kept
  int past = 20;           ///< stop when f fell by less than rel_tol × f(start) over the last `past` iterations
  double rel_tol = 1e-6;
  int max_linesearch = 30; ///< halvings per line search before it gives up
};

struct LbfgsResult {
  int iterations = 0;       ///< iterations done
  long evaluations = 0;     ///< calls of f
  double initial_loss = 0;  ///< f at the start
  double loss = 0;          ///< f at the returned point (the lowest finite value evaluated)
  std::string stop;         ///< "iterations" | "converged" (rel_tol over past) | "line search" (no decrease found)
                            ///< (iterations = −1 then: LBFGSpp does not report the count when its line search throws)
};

/// f(x, g) returns the loss at x and writes its gradient into g (resized to x.size() by the caller of f).
using LossAndGradient = std::function<double(const std::vector<double>& x, std::vector<double>& g)>;

/// Minimise f from x with L-BFGS (file header); x is overwritten with the best point. Throws noether::Error when
/// f(x) at the start is not finite or the options are out of range.
LbfgsResult lbfgs_minimize(std::vector<double>& x, const LossAndGradient& f, const LbfgsOptions& o = {});

}  // namespace noether
