// support/analytic_pair_model.hpp — a three-parameter pair model for the MCLNN derivative tests
// (mclnn/test_verlet_adjoint.cpp, mclnn/test_verlet_tangent.cpp): V(r; α, k, r0) = α/r + ½k(r − r0)², θ = (α, k, r0),
// with the pair-model interface of mclnn/verlet_adjoint.hpp (eval, jets, param_grad, parameter_count), so the
// adjoint and the tangents are checked independently of the MLP.
#pragma once
#include <cmath>

#include "noether/physics/pair_jet.hpp"

namespace noether_test {

struct AnalyticPairModel {
  double theta[3];
  int parameter_count() const { return 3; }
  /// V, V′, V″ at r.
  noether::PairJet<double> jets(double r) const {
    const double a = theta[0], k = theta[1], x = r - theta[2];
    return {a / r + 0.5 * k * x * x, -a / (r * r) + k * x, 2 * a / (r * r * r) + k};
  }
  /// The pair-law interface: V and f_over_r = −V′/r at r²; coincident particles (r² = 0) exert no force
  /// (physics/pair_laws.hpp).
  void eval(double r2, double, double, double& V, double& f_over_r) const {
    if (r2 == 0) {
      V = 0, f_over_r = 0;
      return;
    }
    const double r = std::sqrt(r2);
    const auto j = jets(r);
    V = j.V;
    f_over_r = -j.dV / r;
  }
  /// g += wV ∂V/∂θ + wdV ∂V′/∂θ
  void param_grad(double r, double wV, double wdV, double* g) const {
    const double k = theta[1], x = r - theta[2];
    g[0] += wV / r + wdV * (-1 / (r * r));
    g[1] += wV * 0.5 * x * x + wdV * x;
    g[2] += wV * (-k * x) + wdV * (-k);
  }
};

}  // namespace noether_test
