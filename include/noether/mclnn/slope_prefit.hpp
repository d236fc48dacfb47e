// mclnn/slope_prefit.hpp — fitting the learned pair MLP's dV/dr to a given force law g(r) on a fixed, weighted set
// of distances (step 3 of the force-matching start, mclnn/force_matching.hpp): the loss
//   L(θ) = Σ_k w_k (V′_θ(r_k) − g_k)² / Σ_k w_k g_k²
// minimised by Levenberg–Marquardt in float64: residuals ρ_k = √w_k (V′_θ(r_k) − g_k), Jacobian rows
// J_k = √w_k ∂V′_θ(r_k)/∂θ (PairMlp::param_grad with c = 1: exact reverse mode), and per iteration
//   (JᵀJ + μ diag(JᵀJ) + μ·1e-9 τ I) δ = −Jᵀρ,   τ = trace(JᵀJ)/P,
// a step accepted when it lowers L (μ ← μ/3), else μ ← 2μ and retried. Single-threaded, fixed order:
// bitwise reproducible. The scaling (physics/pair_mlp.hpp) is fixed; only θ moves.
// With an active cutoff (bulk data, mclnn/bulk_force_match.hpp) the fitted slope is the smoothed one of
// mclnn/cutoff_jet.hpp instead, V′_θ → V_c′ = S′V_θ + S V′_θ (switch), V′_θ − V′_θ(r_c) (shifted force), 0 past r_c,
// with the Jacobian rows ∂V_c′(r_k)/∂θ of CutoffJet::param_grad: in the switching region the fit then sets the level
// of V_θ too (docs/BULK_TRAINING.md, "The force-matching start").
#pragma once
#include <cstddef>
#include <vector>

#include "noether/mclnn/cutoff_jet.hpp"
#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// L(θ) of the file header over n points r, w, g (n each; w_k >= 0, Σ w_k g_k² > 0); grad (P), when non-null,
/// receives ∂L/∂θ = 2 Σ_k w_k (V′_θ(r_k) − g_k) ∂V′_θ(r_k)/∂θ / Σ_k w_k g_k². params is (shape.parameter_count()).
/// An active `cutoff` puts the smoothed V_c′ in place of V′_θ (file header).
double slope_prefit_loss(const MlpShape& shape, const double* params, const PairScaling& scaling, const double* r,
                         const double* w, const double* g, std::size_t n, double* grad, const CutoffSpec& cutoff = {});

struct SlopePrefitOptions {
  int iterations = 1000;     ///< accepted-or-rejected LM iterations at most (measured: 200 left the double well at 3.9%, 1000 at 1.3%)
  double rel_tol = 1e-10;    ///< stop when an accepted step lowers L by less than rel_tol·L
  CutoffSpec cutoff;         ///< active: fit the smoothed slope V_c′ (file header); inactive (default): V′_θ
};

struct SlopePrefitResult {
  double initial_loss = 0, loss = 0;  ///< L before and after
  int iterations = 0;
};

/// Minimise L over params (in place, from their current values) by Levenberg–Marquardt.
SlopePrefitResult prefit_pair_mlp_slope(const MlpShape& shape, std::vector<double>& params, const PairScaling& scaling,
                                        const double* r, const double* w, const double* g, std::size_t n,
                                        const SlopePrefitOptions& o = {});

}  // namespace noether
