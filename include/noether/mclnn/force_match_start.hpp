// mclnn/force_match_start.hpp — the force-matching start of `noether train` (issue 16; docs/TRAINING.md): the model's
// parameters set, before the trajectory loss, by
//   1.–2. dV/dr by linear least squares on a cubic B-spline basis over the training distances, from Newton's law
//      with the accelerations taken from the positions (the path-integrated form of mclnn/force_matching.hpp),
//   3. the MLP's dV/dr fitted to that spline g(r) on n points r_k uniform over the input-scaling range [min, upper]
//      by Levenberg–Marquardt (mclnn/slope_prefit.hpp) with weights
//        w_k = (ρ(r_k)·(upper − min) + 0.1) / (1 + g(r_k)²/G²),   G² = Σ_{p05≤r_k≤p95} w⁰_k g_k² / Σ w⁰_k (w⁰ the numerator),
//      ρ the training-distance density (histogram): the fit follows the data, with a floor so sparsely visited
//      distances still count, and a force far above the typical G (a steep wall below p05) is fitted in relative
//      rather than absolute terms, so that it cannot swamp the rest (soft sphere r⁻¹²: 291% → 2.2% dV/dr error).
// With the network's log input (model.input_transform log) the points r_k are evenly spaced in log r instead, and the
// numerator of w_k is ρ(r_k)·r_k·log(upper/min) + 0.1 (the data's share per step in log r); the spline's knots are in
// log r only with fm.log_knots (mclnn/force_matching.hpp; not the default: docs/EXPERIMENTS.md).
// The trajectory loss (mclnn/train.hpp) then trains from these parameters: it stays what is finally optimised.
#pragma once
#include <vector>

#include "noether/io/model_file.hpp"
#include "noether/mclnn/dataset.hpp"
#include "noether/mclnn/force_matching.hpp"
#include "noether/mclnn/slope_prefit.hpp"

namespace noether {

struct ForceMatchStartReport {
  int stencil = 0, intervals = 0, points = 0, iterations = 0;
  long rows = 0;
  double fit_rel_residual = 0;   ///< RMS force residual / RMS force of the least-squares fit
  double prefit_loss = 0;        ///< L(θ) of mclnn/slope_prefit.hpp after the fit (relative weighted L2², spline vs MLP)
  double seconds = 0;
};

/// Overwrite model.params (shape and scaling already set) with the force-matching start over the training
/// trajectories; `range` and `hist` are their distance range and histogram (mclnn/dataset.hpp). Throws
/// noether::Error (force_match's) for data the stencil cannot use (fewer than 3 frames).
ForceMatchStartReport force_match_start(ModelFile& model, const TrajectoryData& data, const std::vector<int>& trajectories,
                                        const DistanceRange& range, const DistanceHistogram& hist,
                                        const ForceMatchOptions& fm = {}, int points = 256,
                                        const SlopePrefitOptions& lm = {});

}  // namespace noether
