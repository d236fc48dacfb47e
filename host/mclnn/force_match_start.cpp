// mclnn/force_match_start.cpp — force matching then the dV/dr pre-fit of the MLP (mclnn/force_match_start.hpp).
#include "noether/mclnn/force_match_start.hpp"

#include <chrono>
#include <cmath>

#include "noether/core/error.hpp"

namespace noether {

ForceMatchStartReport force_match_start(ModelFile& model, const TrajectoryData& data, const std::vector<int>& trajectories,
                                        const DistanceRange& range, const DistanceHistogram& hist,
                                        const ForceMatchOptions& fm, int points, const SlopePrefitOptions& lm) {
  NOETHER_REQUIRE(points >= 2, "force-matching start: points must be >= 2, got " << points);
  const auto t0 = std::chrono::steady_clock::now();
  ForceMatchStartReport rep;
  // The network's log input gets pre-fit points evenly spaced in log r (as its input sees r). The spline's knots stay
  // evenly spaced in r unless fm.log_knots: knots in log r fit steep walls better (the soft sphere's start 2.2% → 0.65%)
  // but, measured on the zoo, the trajectory loss then ended worse more often (docs/EXPERIMENTS.md).
  const bool log_r = model.input_transform == InputTransform::Log;
  const ForceMatchSolution s = force_match(data, trajectories, range.min, range.upper, fm);
  rep.stencil = s.stencil, rep.intervals = s.basis.intervals, rep.rows = s.rows;
  rep.fit_rel_residual = s.rms_force > 0 ? s.rms_residual / s.rms_force : 0.0;
  std::vector<double> r(points), w(points), g(points);
  const double span = range.upper - range.min;
  const double lspan = log_r ? std::log(range.upper / range.min) : 0.0;
  double gw = 0, ww = 0;  // G² = the weighted mean of g² over the central 90% [p05, p95]
  for (int k = 0; k < points; ++k) {
    // weight = the data's share near the point (histogram density × the point's spacing in r) + a floor
    if (log_r) {
      r[k] = range.min * std::exp(lspan * k / (points - 1));
      w[k] = hist.density(r[k]) * r[k] * lspan + 0.1;
    } else {
      r[k] = range.min + span * k / (points - 1);
      w[k] = hist.density(r[k]) * span + 0.1;
    }
    g[k] = s.dV(0, r[k]);
    if (r[k] >= range.p05 && r[k] <= range.p95) gw += w[k] * g[k] * g[k], ww += w[k];
  }
  const double G2 = ww > 0 && gw > 0 ? gw / ww : 0.0;
  if (G2 > 0)
    for (int k = 0; k < points; ++k) w[k] /= 1 + g[k] * g[k] / G2;
  const SlopePrefitResult p = prefit_pair_mlp_slope(model.shape, model.params, pair_scaling(model), r.data(), w.data(),
                                                    g.data(), std::size_t(points), lm);
  rep.points = points, rep.iterations = p.iterations, rep.prefit_loss = p.loss;
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace noether
