// mclnn/euler_lagrange.cpp — the general Euler–Lagrange accelerations (mclnn/euler_lagrange.hpp): Eigen solve of
// (∇_q̇q̇ L) q̈ = ∇_q L − (∇_q̇q L) q̇, and finite-difference derivatives of a scalar L.
#include "noether/mclnn/euler_lagrange.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "noether/core/error.hpp"

namespace noether {

void euler_lagrange_accelerations(const LagrangianDerivatives& L, const double* q, const double* qdot, double* qddot) {
  const int n = L.n;
  NOETHER_REQUIRE(n >= 1 && L.grad_q && L.hess_qdot && L.hess_qdot_q,
                  "euler_lagrange_accelerations: n must be >= 1 and all three derivative callables given");
  Eigen::VectorXd g(n), v = Eigen::Map<const Eigen::VectorXd>(qdot, n);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Hvv(n, n), Hvq(n, n);
  L.grad_q(q, qdot, g.data());
  L.hess_qdot(q, qdot, Hvv.data());
  L.hess_qdot_q(q, qdot, Hvq.data());
  const Eigen::VectorXd rhs = g - Hvq * v;
  Eigen::FullPivLU<Eigen::MatrixXd> lu(Hvv);
  lu.setThreshold(1e-12);
  NOETHER_REQUIRE(lu.isInvertible(), "euler_lagrange_accelerations: ∇_q̇q̇ L is singular (rank " << lu.rank() << " of "
                                                                                                 << n << ")");
  const Eigen::VectorXd a = lu.solve(rhs);
  for (int i = 0; i < n; ++i) {
    NOETHER_REQUIRE(std::isfinite(a[i]), "euler_lagrange_accelerations: q̈[" << i << "] is not finite");
    qddot[i] = a[i];
  }
}

LagrangianDerivatives finite_difference_derivatives(const LagrangianFn& L, int n, double h) {
  NOETHER_REQUIRE(n >= 1 && h > 0, "finite_difference_derivatives: needs n >= 1 and h > 0, got " << n << ", " << h);
  LagrangianDerivatives d;
  d.n = n;
  d.grad_q = [L, n, h](const double* q, const double* v, double* g) {
    std::vector<double> x(q, q + n);
    for (int i = 0; i < n; ++i) {
      x[i] = q[i] + h;
      const double p = L(x.data(), v);
      x[i] = q[i] - h;
      const double m = L(x.data(), v);
      x[i] = q[i];
      g[i] = (p - m) / (2 * h);
    }
  };
  d.hess_qdot = [L, n, h](const double* q, const double* v, double* H) {
    std::vector<double> y(v, v + n);
    const double L0 = L(q, v);
    for (int i = 0; i < n; ++i)
      for (int j = i; j < n; ++j) {
        double s;
        if (i == j) {
          y[i] = v[i] + h;
          const double p = L(q, y.data());
          y[i] = v[i] - h;
          const double m = L(q, y.data());
          s = (p - 2 * L0 + m) / (h * h);
        } else {
          double f[4];
          const int si[4] = {1, 1, -1, -1}, sj[4] = {1, -1, 1, -1};
          for (int c = 0; c < 4; ++c) {
            y[i] = v[i] + si[c] * h, y[j] = v[j] + sj[c] * h;
            f[c] = L(q, y.data());
          }
          s = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h);
        }
        y[i] = v[i], y[j] = v[j];
        H[i * n + j] = H[j * n + i] = s;
      }
  };
  d.hess_qdot_q = [L, n, h](const double* q, const double* v, double* H) {
    std::vector<double> x(q, q + n), y(v, v + n);
    for (int i = 0; i < n; ++i)      // q̇_i
      for (int j = 0; j < n; ++j) {  // q_j
        double f[4];
        const int si[4] = {1, 1, -1, -1}, sj[4] = {1, -1, 1, -1};
        for (int c = 0; c < 4; ++c) {
          y[i] = v[i] + si[c] * h, x[j] = q[j] + sj[c] * h;
          f[c] = L(x.data(), y.data());
        }
        y[i] = v[i], x[j] = q[j];
        H[i * n + j] = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h);
      }
  };
  return d;
}

}  // namespace noether
