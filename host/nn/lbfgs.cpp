// nn/lbfgs.cpp — lbfgs_minimize on LBFGSpp (formulas and contract in nn/lbfgs.hpp).
#include "noether/nn/lbfgs.hpp"

#include <Eigen/Core>
#include <LBFGS.h>
#include <cmath>
#include <exception>
#include <limits>

#include "noether/core/error.hpp"

namespace noether {

namespace {

/// LBFGSpp's objective: f through std::vector, a failed or non-finite evaluation as +∞, the best point kept.
struct TrackedObjective {
  const LossAndGradient& f;
  double unit = 1.0;  ///< LBFGSpp sees f/unit (unit = the starting loss: its "past" test is absolute below 1)
  std::vector<double> x, g;
  std::vector<double> best_x;
  double best = std::numeric_limits<double>::infinity();
  long evaluations = 0;

  double operator()(const Eigen::VectorXd& xe, Eigen::VectorXd& ge) {
    x.assign(xe.data(), xe.data() + xe.size());
    g.assign(x.size(), 0.0);
    double v;
    try {
      v = f(x, g);
    } catch (const std::exception&) {
      v = std::numeric_limits<double>::infinity();
    }
    ++evaluations;
    bool finite = std::isfinite(v);
    for (std::size_t i = 0; finite && i < g.size(); ++i) finite = std::isfinite(g[i]);
    if (!finite) {  // +∞ with a zero gradient: the backtracking shrinks the step
      ge.setZero();
      return std::numeric_limits<double>::infinity();
    }
    ge = Eigen::Map<const Eigen::VectorXd>(g.data(), Eigen::Index(g.size())) / unit;
    if (v < best) best = v, best_x = x;
    return v / unit;
  }
};

}  // namespace

LbfgsResult lbfgs_minimize(std::vector<double>& x, const LossAndGradient& f, const LbfgsOptions& o) {
  NOETHER_REQUIRE(o.iterations >= 0 && o.memory >= 1 && o.past >= 1 && o.rel_tol >= 0 && o.max_linesearch >= 1,
                  "L-BFGS: iterations >= 0, memory >= 1, past >= 1, rel_tol >= 0 and max_linesearch >= 1 expected");
  LbfgsResult r;
  TrackedObjective obj{f};
  Eigen::VectorXd xe = Eigen::Map<const Eigen::VectorXd>(x.data(), Eigen::Index(x.size())), ge(xe.size());
  r.initial_loss = obj(xe, ge);
  NOETHER_REQUIRE(std::isfinite(r.initial_loss), "L-BFGS: the loss at the starting point is not finite");
  r.loss = r.initial_loss;
  if (r.initial_loss > 0) obj.unit = r.initial_loss;
  if (o.iterations == 0) {
    r.evaluations = obj.evaluations, r.stop = "iterations";
    return r;
  }
  LBFGSpp::LBFGSParam<double> p;
  p.m = o.memory;
  p.epsilon = 0, p.epsilon_rel = 0;  // no gradient-norm test: the scale of a loss is the data's
  p.past = o.past;
  p.delta = o.rel_tol;
  p.max_iterations = o.iterations;
  p.max_linesearch = o.max_linesearch;
  p.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_WOLFE;
  LBFGSpp::LBFGSSolver<double> solver(p);
  double fx = 0;
  try {
    r.iterations = solver.minimize(obj, xe, fx);
    r.stop = r.iterations >= o.iterations ? "iterations" : "converged";
  } catch (const std::exception&) {  // the line search found no decrease (or left its step bounds): keep the best
    r.stop = "line search";
    r.iterations = -1;  // not reported by LBFGSpp on a throw
  }
  if (!obj.best_x.empty()) x = obj.best_x;
  r.loss = obj.best;
  r.evaluations = obj.evaluations;
  return r;
}

}  // namespace noether
