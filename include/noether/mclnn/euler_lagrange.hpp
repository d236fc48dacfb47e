// mclnn/euler_lagrange.hpp — the general Euler–Lagrange accelerations of a Lagrangian L(q, q̇) of n coordinates
// (docs/TRAINING.md), for small systems (an n × n solve per state):
//   q̈ = (∇_q̇q̇ L)⁻¹ [∇_q L − (∇_q̇q L) q̇],   (∇_q̇q L)_{ij} = ∂²L/∂q̇_i ∂q_j.
// This is the path a learned kinetic energy or a full L(q, q̇) needs; for L = Σ ½ m v² − V(q) it reduces to
// the separable shortcut q̈ = −M⁻¹ ∇_q V (tested for an analytic spring potential and for the LNN's V_θ).
// The derivatives come either from callables (analytic) or from central finite differences of L alone.
#pragma once
#include <functional>

namespace noether {

/// A scalar Lagrangian of n coordinates: L(q (n), q̇ (n)).
using LagrangianFn = std::function<double(const double* q, const double* qdot)>;

/// The derivatives the Euler–Lagrange equation needs at one state (q (n), q̇ (n)).
struct LagrangianDerivatives {
  int n = 0;
  std::function<void(const double* q, const double* qdot, double* g)> grad_q;       ///< g (n) = ∇_q L
  std::function<void(const double* q, const double* qdot, double* H)> hess_qdot;    ///< H (n, n) = ∇_q̇q̇ L, row-major
  std::function<void(const double* q, const double* qdot, double* H)> hess_qdot_q;  ///< H (n, n): H_ij = ∂²L/∂q̇_i∂q_j
};

/// q̈ (n) of the formula in the file header; solves with a full-pivot LU (Eigen). Throws noether::Error when
/// ∇_q̇q̇ L is singular (relative to its largest entry) or a result is not finite.
void euler_lagrange_accelerations(const LagrangianDerivatives& L, const double* q, const double* qdot, double* qddot);

/// Derivatives of L by central differences with step h (absolute, per coordinate): gradient O(h²), the
/// Hessians by the 4-point stencil ∂²L/∂x_i∂y_j ≈ [L(+,+) − L(+,−) − L(−,+) + L(−,−)]/(4h²) (the 3-point
/// stencil on the diagonal of ∇_q̇q̇). For float64 and O(1) coordinates h ≈ 1e-3 to 1e-4 is a good choice.
LagrangianDerivatives finite_difference_derivatives(const LagrangianFn& L, int n, double h = 1e-4);

}  // namespace noether
