// mclnn/bulk_force_match.cpp — unwrapping, the per-species-pair least-squares force match and the smoothed-slope
// pre-fit of every pair network (formulas in mclnn/bulk_force_match.hpp). Single-threaded, fixed order.
#include "noether/mclnn/bulk_force_match.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "noether/core/error.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"

namespace noether {

void unwrap_bulk_trajectory(const BulkTrajectoryData& data, int b, std::vector<double>& u) {
  const TrajectoryData& t = data.traj;
  const PeriodicAxes<double> ax(data.box);
  const std::size_t f = std::size_t(t.N) * t.D;
  u.resize(std::size_t(t.T) * f);
  std::copy(t.q(b, 0), t.q(b, 0) + f, u.begin());
  for (int s = 1; s < t.T; ++s) {
    const double *q = t.q(b, s), *qp = t.q(b, s - 1);
    double* us = u.data() + std::size_t(s) * f;
    const double* up = us - f;
    for (std::size_t k = 0; k < f; ++k) us[k] = up[k] + ax.min_image(q[k] - qp[k], int(k % std::size_t(t.D)));
  }
}

namespace {

/// The range [lo_p, hi_p] of pair p's basis before the extension below: [r_min,p, r_c,p] (mclnn/bulk_train.cpp's
/// scaling range), the smallest r_min of the pairs for a pair without distances.
void pair_span(const std::vector<CutoffSpec>& cut, const std::vector<DistanceRange>& ranges, int p, double& lo,
               double& hi) {
  double gmin = INFINITY, gmax = 0;
  for (const DistanceRange& r : ranges)
    if (r.max > 0) gmin = std::min(gmin, r.min), gmax = std::max(gmax, r.max);
  lo = ranges[p].max > 0 ? ranges[p].min : gmin;
  hi = cut[p].active() ? cut[p].cutoff : (ranges[p].max > 0 ? ranges[p].max : gmax);
}

}  // namespace

BulkForceMatch bulk_force_match(const BulkTrajectoryData& data, const std::vector<int>& trajectories,
                                const std::vector<CutoffSpec>& cut, const std::vector<DistanceRange>& ranges,
                                const ForceMatchOptions& o) {
  const TrajectoryData& d = data.traj;
  const int points = force_match_stencil(d.T, o.stencil);  // the error for < 3 frames names --init random
  const int P = species_pair_count(data.S), N = d.N, D = d.D, half = points / 2;
  NOETHER_REQUIRE(!trajectories.empty(), d.source << ": force matching: no trajectories");
  NOETHER_REQUIRE(int(cut.size()) == P && int(ranges.size()) == P,
                  "bulk force matching: expected " << P << " cutoffs and distance ranges (one per species pair)");
  NOETHER_REQUIRE(o.intervals >= 1 && o.intervals <= 10000,
                  "force matching: intervals must be in [1, 10000], got " << o.intervals);
  NOETHER_REQUIRE(d.frame_dt > 0, d.source << ": force matching: the frame spacing must be > 0");
  const PeriodicAxes<double> ax(data.box);
  double rc_max = 0;
  for (const CutoffSpec& c : cut) rc_max = c.active() ? std::max(rc_max, c.cutoff) : INFINITY;
  for (int c = 0; c < D; ++c)
    NOETHER_REQUIRE(ax.L[c] == 0 || ax.L[c] >= 2 * rc_max,
                    d.source << ": force matching: box length " << c << " is " << ax.L[c]
                             << ", shorter than twice the cutoff " << rc_max << " (the minimum image needs L >= 2 r_c)");
  const int* sp = data.species_ptr();
  const bool path = o.path && points == 5;
  std::vector<double> nodes, W, L;
  force_match_nodes(path, nodes, W, L);
  const int G = int(nodes.size());
  const std::size_t f = std::size_t(N) * D;
  std::vector<double> lo(P), hi(P), closest(P);
  for (int p = 0; p < P; ++p) pair_span(cut, ranges, p, lo[p], hi[p]), closest[p] = lo[p];
  for (int p = 0; p < P; ++p)
    NOETHER_REQUIRE(std::isfinite(lo[p]) && std::isfinite(hi[p]) && hi[p] > lo[p] && lo[p] >= 0,
                    d.source << ": force matching: species pair " << p << " has no usable distance range [" << lo[p]
                             << ", " << hi[p] << "]");

  std::vector<double> u, qg(std::size_t(G) * f);
  const auto node_positions = [&](const double* q) { force_match_node_positions(q, f, L, G, qg.data()); };
  // fn(g, i, j, p, r, dvec) for every pair i < j of node g with r < hi_p (minimum image; O(N²)).
  const auto scan = [&](auto&& fn) {
    double dv[3] = {0, 0, 0};
    for (int g = 0; g < G; ++g) {
      const double* y = qg.data() + std::size_t(g) * f;
      for (int i = 0; i < N; ++i)
        for (int j = i + 1; j < N; ++j) {
          const int p = sp ? species_pair_index(sp[i], sp[j], data.S) : 0;
          double r2 = 0;
          for (int c = 0; c < D; ++c) dv[c] = ax.min_image(y[i * D + c] - y[j * D + c], c), r2 += dv[c] * dv[c];
          const double r = std::sqrt(r2);
          if (r < hi[p]) fn(g, i, j, p, r, dv);
        }
    }
  };
  // Pass 1: the closest approach of every pair over the nodes (the basis extends below r_min,p to it).
  for (int b : trajectories) {
    unwrap_bulk_trajectory(data, b, u);
    for (int t = half; t < d.T - half; ++t) {
      node_positions(u.data() + std::size_t(t) * f);
      scan([&](int, int, int, int p, double r, const double*) { closest[p] = std::min(closest[p], r); });
    }
  }
  std::vector<SplineBasis> bases(P);
  for (int p = 0; p < P; ++p) {
    SplineBasis& bs = bases[p];
    bs.h = (hi[p] - lo[p]) / o.intervals;
    const int below = std::min(o.intervals / 4, int(std::ceil((lo[p] - closest[p]) / bs.h - 1e-9)));
    bs.lo = lo[p] - below * bs.h;
    bs.intervals = below + o.intervals;
  }
  // Pass 2: the equations, one particle at a time (its terms over every node, in the scan's order).
  ForceMatchProblem problem(bases);
  BulkForceMatch out;
  out.density.resize(P);
  for (int p = 0; p < P; ++p) out.density[p].assign(bases[p].intervals, 0.0);
  std::vector<std::vector<ForcePairTerm>> terms(N);
  std::vector<double> acc(f), force(D);
  for (int b : trajectories) {
    unwrap_bulk_trajectory(data, b, u);
    const double* m = d.m(b);
    for (int t = half; t < d.T - half; ++t) {
      const double* q = u.data() + std::size_t(t) * f;
      // Target: the 3-point second difference (with the path, exactly the hat-weighted mean of a), else the stencil.
      stencil_acceleration(q, f, f, path ? 3 : points, d.frame_dt, acc.data());
      node_positions(q);
      for (auto& v : terms) v.clear();
      scan([&](int g, int i, int j, int p, double r, const double* dv) {
        ForcePairTerm a, c;
        a.kind = c.kind = p, a.r = c.r = r;
        for (int k = 0; k < D; ++k) a.u[k] = r > 0 ? W[g] * dv[k] / r : 0.0, c.u[k] = -a.u[k];
        terms[i].push_back(a), terms[j].push_back(c);
        const int bin = int(std::floor((r - bases[p].lo) / bases[p].h));
        if (bin >= 0 && bin < bases[p].intervals) out.density[p][bin] += W[g];
      });
      for (int i = 0; i < N; ++i) {
        for (int k = 0; k < D; ++k) force[k] = m[i] * acc[std::size_t(i) * D + k];
        problem.add_particle(force.data(), D, terms[i].data(), int(terms[i].size()));
      }
    }
  }
  for (int p = 0; p < P; ++p) {
    double total = 0;
    for (double c : out.density[p]) total += c;
    if (total > 0)
      for (double& c : out.density[p]) c /= total * bases[p].h;
  }
  out.fit = problem.solve(o.smoothness, o.ridge);
  out.fit.stencil = points;
  return out;
}

BulkForceMatchStartReport bulk_force_match_start(const MlpShape& shape, std::vector<double>& params,
                                                 const std::vector<PairScaling>& scalings,
                                                 const std::vector<CutoffSpec>& cutoffs,
                                                 const std::vector<DistanceRange>& ranges,
                                                 const BulkTrajectoryData& data, const std::vector<int>& trajectories,
                                                 const ForceMatchOptions& fm, int points, const SlopePrefitOptions& lm) {
  NOETHER_REQUIRE(points >= 2, "force-matching start: points must be >= 2, got " << points);
  const auto t0 = std::chrono::steady_clock::now();
  const int P = species_pair_count(data.S);
  const std::size_t n = std::size_t(shape.parameter_count());
  NOETHER_REQUIRE(params.size() == n * P && int(scalings.size()) == P,
                  "force-matching start: expected " << P << " pair networks of " << n << " parameters");
  const BulkForceMatch s = bulk_force_match(data, trajectories, cutoffs, ranges, fm);
  BulkForceMatchStartReport rep;
  rep.stencil = s.fit.stencil, rep.intervals = fm.intervals, rep.rows = s.fit.rows, rep.points = points;
  rep.fit_rel_residual = s.fit.rms_force > 0 ? s.fit.rms_residual / s.fit.rms_force : 0.0;
  rep.iterations.assign(P, 0), rep.prefit_loss.assign(P, 0.0);
  std::vector<double> r(points), w(points), g(points), theta(n);
  for (int p = 0; p < P; ++p) {
    if (!(ranges[p].max > 0)) continue;  // no distances below the cutoff: nothing to fit, keep the start
    double lo, hi;
    pair_span(cutoffs, ranges, p, lo, hi);
    const SplineBasis& bs = s.fit.bases[p];
    const double span = hi - lo;
    double gw = 0, ww = 0;  // G² = the weighted mean of g² over [p05, p95]
    for (int k = 0; k < points; ++k) {
      r[k] = lo + span * k / (points - 1);
      const int bin = std::min(bs.intervals - 1, std::max(0, int(std::floor((r[k] - bs.lo) / bs.h))));
      w[k] = s.density[p][bin] * span + 0.1;
      g[k] = s.fit.dV(p, r[k]);
      if (r[k] >= ranges[p].p05 && r[k] <= ranges[p].p95) gw += w[k] * g[k] * g[k], ww += w[k];
    }
    const double G2 = ww > 0 && gw > 0 ? gw / ww : 0.0;
    if (G2 > 0)
      for (int k = 0; k < points; ++k) w[k] /= 1 + g[k] * g[k] / G2;
    double norm = 0;
    for (int k = 0; k < points; ++k) norm += w[k] * g[k] * g[k];
    if (!(norm > 0)) continue;  // a zero law: keep the start
    std::copy(params.begin() + std::ptrdiff_t(p * n), params.begin() + std::ptrdiff_t((p + 1) * n), theta.begin());
    SlopePrefitOptions o = lm;
    o.cutoff = cutoffs[p];  // fit the smoothed slope V_c′ (mclnn/slope_prefit.hpp)
    const SlopePrefitResult res =
        prefit_pair_mlp_slope(shape, theta, scalings[p], r.data(), w.data(), g.data(), std::size_t(points), o);
    std::copy(theta.begin(), theta.end(), params.begin() + std::ptrdiff_t(p * n));
    rep.iterations[p] = res.iterations, rep.prefit_loss[p] = res.loss;
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace noether
