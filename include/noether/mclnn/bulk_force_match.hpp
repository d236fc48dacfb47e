// mclnn/bulk_force_match.hpp — the force-matching start of bulk MCLNN training (docs/BULK_TRAINING.md, "The
// force-matching start"): the open-space start (mclnn/force_match_start.hpp) for periodic boxes, cutoffs and one pair
// law per unordered species pair p.
//
//   1. Unwrapped positions. Bulk files store wrapped positions (with `images`); per trajectory
//        u_0 = q_0,   u_t = u_{t−1} + mi(q_t − q_{t−1})   (mi = the minimum image on every periodic axis),
//      equal to positions + images·box whenever no particle moves half a box between two frames, and independent of
//      whether the file's positions are wrapped. Accelerations come only from u (never from wrapped q).
//   2. Linear least squares (ForceMatchProblem, mclnn/force_matching.hpp) of the SMOOTHED force law of each pair,
//        m_i (u_{t+1} − 2u_t + u_{t−1})_i / Δ² = −Σ_g W_g Σ_{j: r̃_ij < r_c,p} g_p(r̃_ij(σ_g)) ũ_ij(σ_g),
//      the path form of the open-space start (5 frames; 3-point stencil for trajectories of 3–4 frames, an error below
//      3), with r̃_ij, ũ_ij from the minimum image mi(ũ_i − ũ_j) of the interpolated unwrapped positions and
//      p = species_pair_index(s_i, s_j). g_p = V_c,p′ is what the data obey: for a switch, S′V + S V′ in [r_on, r_c].
//      One cubic B-spline basis per species pair with `intervals` intervals over [r_min,p, r_c,p] (the pair network's
//      input range; extended below r_min,p, at most intervals/4, to the closest interpolated approach); the basis
//      ends at r_c,p, where the smoothed law is 0. Pairs are found by an O(N²) minimum-image scan per node.
//   3. Each pair network is pre-fitted (mclnn/slope_prefit.hpp with the pair's cutoff) so that its SMOOTHED slope
//      V_c′ = CutoffJet(V_θ)′ matches g_p on `points` points uniform over [r_min,p, r_c,p], weights as in open space
//        w_k = (ρ_p(r_k)(r_c,p − r_min,p) + 0.1) / (1 + g_k²/G_p²),
//      ρ_p the density of the pair's distances (the terms of step 2), G_p² the weighted mean of g² over [p05, p95].
//      In the switching region this sets V_θ's level as well as its slope (V_c′ = S′V + S V′): fitting g_p there
//      instead of a raw V′ needs no division by S → 0 at r_c.
// Single-threaded, fixed order: bitwise the same for any thread count.
#pragma once
#include <vector>

#include "noether/mclnn/bulk_dataset.hpp"
#include "noether/mclnn/force_matching.hpp"
#include "noether/mclnn/slope_prefit.hpp"
#include "noether/nn/mlp_layout.hpp"
#include "noether/physics/pair_mlp.hpp"

namespace noether {

/// Unwrapped positions u (T, N, D) of trajectory b (step 1 of the file header).
void unwrap_bulk_trajectory(const BulkTrajectoryData& data, int b, std::vector<double>& u);

/// The least-squares fit of step 2: kind p of `fit` is species pair p (species_pair_index order).
struct BulkForceMatch {
  ForceMatchSolution fit;
  std::vector<std::vector<double>> density;  ///< (P, fit.bases[p].intervals): share of pair p's terms per basis interval / h
};

/// Step 2 over the given trajectories. cutoffs (P) are the pairs' cutoffs (inactive: no cutoff, the basis then ends at
/// the pair's largest distance), ranges (P) their distances below r_c (species_pair_distance_ranges). Uses o.stencil,
/// o.path, o.intervals, o.smoothness, o.ridge (o.extend is not used: the basis ends at r_c). Throws noether::Error
/// naming the data for fewer than 3 frames, no trajectories, a periodic axis shorter than 2 r_c or bad options.
BulkForceMatch bulk_force_match(const BulkTrajectoryData& data, const std::vector<int>& trajectories,
                                const std::vector<CutoffSpec>& cutoffs, const std::vector<DistanceRange>& ranges,
                                const ForceMatchOptions& o = {});

struct BulkForceMatchStartReport {
  int stencil = 0, intervals = 0, points = 0;
  long rows = 0;
  double fit_rel_residual = 0;          ///< RMS force residual / RMS force of the least-squares fit
  std::vector<int> iterations;          ///< (P) Levenberg–Marquardt iterations per pair
  std::vector<double> prefit_loss;      ///< (P) L(θ) after the pre-fit per pair (0: the pair had no distances)
  double seconds = 0;
};

/// Steps 1–3: overwrite params (P·shape.parameter_count(), pair p at p·n; the starting values, e.g. Glorot, are where
/// Levenberg–Marquardt begins) with the force-matching start. scalings, cutoffs, ranges are (P) as in BulkPairModel
/// (mclnn/bulk_train.hpp); a pair without distances below its cutoff keeps its parameters. Throws as bulk_force_match.
BulkForceMatchStartReport bulk_force_match_start(const MlpShape& shape, std::vector<double>& params,
                                                 const std::vector<PairScaling>& scalings,
                                                 const std::vector<CutoffSpec>& cutoffs,
                                                 const std::vector<DistanceRange>& ranges,
                                                 const BulkTrajectoryData& data, const std::vector<int>& trajectories,
                                                 const ForceMatchOptions& fm = {}, int points = 256,
                                                 const SlopePrefitOptions& lm = {});

}  // namespace noether
