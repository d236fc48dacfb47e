// mclnn/bulk_train.cpp — the bulk MCLNN training loop (mclnn/bulk_train.hpp).
//
// Scaling per species pair p: the network sees x = (r − c_p)/h_p with [c_p − h_p, c_p + h_p] = [r_min,p, r_c,p]
// (the pair's closest training approach to the cutoff: the whole range where V_c is non-zero), and its output is
// multiplied by F·h_p, F the RMS force m|a| of the data (as the open-space trainer, docs/TRAINING.md).
// Determinism: the batch gradient is summed in kLanes fixed lanes (segment k to lane k mod kLanes), then in lane
// order, so the result does not depend on the thread count.
#include "noether/mclnn/bulk_train.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "noether/core/error.hpp"
#include "noether/core/rng.hpp"
#include "noether/mclnn/bulk_adjoint.hpp"
#include "noether/nn/adam.hpp"
#include "noether/nn/mlp_init.hpp"

namespace noether {
namespace {

constexpr int kLanes = 16;

/// Σ over segs of the segment loss and (grad non-null) of its gradient (overwritten).
double batch_loss_grad(const BulkPairModel& m, const BulkTrajectoryData& data, const Segment* segs, int n, int stride,
                       int horizon, double skin, std::vector<double>* grad) {
  const TrajectoryData& d = data.traj;
  const std::size_t P = m.params.size();
  std::vector<double> lane_loss(kLanes, 0.0);
  std::vector<std::vector<double>> lane_grad(grad ? kLanes : 0, std::vector<double>(P, 0.0));
  const double dt = d.frame_dt / stride;
  std::string error;
  with_bulk_pair_mlps<double>(m.shape, m.params.data(), m.S, m.scalings, m.cutoffs(), [&](const auto& models) {
#pragma omp parallel for schedule(static, 1)
    for (int lane = 0; lane < kLanes; ++lane) {
      try {
        for (int k = lane; k < n; k += kLanes) {
          const Segment& s = segs[k];
          lane_loss[lane] += bulk_segment_loss_and_grad_cpu<double>(
              models, data.box, data.species_ptr(), skin, d.q(s.b, s.t), d.v(s.b, s.t), d.m(s.b), d.N, d.D, dt,
              stride, horizon, d.q(s.b, s.t + 1), 1.0, grad ? lane_grad[lane].data() : nullptr);
        }
      } catch (const std::exception& e) {
#pragma omp critical
        error = e.what();
      }
    }
    return 0;
  });
  NOETHER_REQUIRE(error.empty(), error);
  double loss = 0;
  for (int l = 0; l < kLanes; ++l) loss += lane_loss[l];
  if (grad) {
    grad->assign(P, 0.0);
    for (int l = 0; l < kLanes; ++l)
      for (std::size_t k = 0; k < P; ++k) (*grad)[k] += lane_grad[l][k];
  }
  return loss;
}

}  // namespace

double bulk_mclnn_loss(const BulkPairModel& model, const BulkTrajectoryData& data, const std::vector<Segment>& segments,
                       int stride, int horizon, double skin) {
  if (segments.empty()) return 0.0;
  return batch_loss_grad(model, data, segments.data(), int(segments.size()), stride, horizon, skin, nullptr) /
         double(segments.size());
}

BulkTrainResult train_bulk_mclnn(const BulkTrajectoryData& data, const BulkTrainOptions& o) {
  const TrajectoryData& d = data.traj;
  NOETHER_REQUIRE(o.stride >= 1 && o.horizon >= 1 && o.epochs >= 1 && o.batch_size >= 0,
                  "bulk train: expected stride, horizon, epochs >= 1 and batch_size >= 0");
  NOETHER_REQUIRE(o.horizon < d.T, "bulk train: horizon " << o.horizon << " needs trajectories of more than "
                                                          << o.horizon << " frames; " << d.source << " has " << d.T);
  // Cutoffs: the option for every pair, else the data's per species pair, else none.
  const int P = species_pair_count(data.S);
  std::vector<CutoffSpec> cut(P, o.cutoff);
  if (!o.cutoff.active() && !data.pair_cutoffs.empty())
    for (int a = 0; a < data.S; ++a)
      for (int b = a; b < data.S; ++b) cut[species_pair_index(a, b, data.S)] = data.pair_cutoffs[a * data.S + b];
  double rc_max = 0;
  for (const CutoffSpec& c : cut) rc_max = c.active() ? std::max(rc_max, c.cutoff) : INFINITY;
  for (const CutoffSpec& c : cut)
    NOETHER_REQUIRE(c.active() || !data.box.any_periodic(d.D),
                    "bulk train: " << d.source << " has a periodic box but no cutoff for every species pair (keys "
                                   << "'cutoff' in the file); give one (option 'cutoff', flag --cutoff)");
  std::vector<int> train_traj, val_traj;
  split_trajectories(d.B, o.val_fraction, o.seed, train_traj, val_traj);
  const std::vector<Segment> train_segs = make_segments(d, train_traj, o.horizon);
  const std::vector<Segment> val_segs = make_segments(d, val_traj, o.horizon);

  BulkTrainResult res;
  BulkPairModel& m = res.model;
  m.S = data.S, m.pair_cutoffs = cut;
  m.shape.widths = {1};
  for (int w : o.hidden) m.shape.widths.push_back(w);
  m.shape.widths.push_back(1);
  m.shape.activation = o.activation;
  m.ranges = species_pair_distance_ranges(data, train_traj, std::isfinite(rc_max) ? rc_max : 0.0);
  const double F = force_scale(d, train_traj);
  double global_min = INFINITY, global_max = 0;
  for (const DistanceRange& r : m.ranges)
    if (r.max > 0) global_min = std::min(global_min, r.min), global_max = std::max(global_max, r.max);
  NOETHER_REQUIRE(global_max > 0, "bulk train: " << d.source << " has no pair closer than the cutoff " << rc_max);
  const std::size_t n = m.shape.parameter_count();
  m.params.assign(n * P, 0.0);
  for (int p = 0; p < P; ++p) {
    const double lo = m.ranges[p].max > 0 ? m.ranges[p].min : global_min;
    const double hi = cut[p].active() ? cut[p].cutoff : (m.ranges[p].max > 0 ? m.ranges[p].max : global_max);
    const double half = std::max(0.5 * (hi - lo), 1e-3 * hi);
    m.scalings.push_back(PairScaling{0.5 * (hi + lo), half, F > 0 ? F * half : 1.0, 0.0});
    std::vector<double> w;
    glorot_uniform_init(m.shape, o.seed + std::uint64_t(p), w);  // a different stream per species pair
    std::copy(w.begin(), w.end(), m.params.begin() + std::ptrdiff_t(p * n));
  }
  res.init = MclnnInit::Random;
  if (o.init == MclnnInit::ForceMatch) {
    if (d.T < 3) {
      res.init_note = "the force-matching start needs at least 3 frames per trajectory (the acceleration stencil), " +
                      d.source + " has " + std::to_string(d.T) + ": started from random parameters";
    } else {
      res.start = bulk_force_match_start(m.shape, m.params, m.scalings, m.pair_cutoffs, m.ranges, data, train_traj,
                                         o.force_match, o.prefit_points, o.prefit);
      res.init = MclnnInit::ForceMatch;
    }
  }
  res.initial_val_loss = bulk_mclnn_loss(m, data, val_segs, o.stride, o.horizon, o.skin);

  const int nb = o.batch_size == 0 ? int(train_segs.size()) : std::min<int>(o.batch_size, int(train_segs.size()));
  NOETHER_REQUIRE(nb > 0, "bulk train: " << d.source << " gives no training segments");
  const long steps_per_epoch = (long(train_segs.size()) + nb - 1) / nb;
  AdamOptions ao;
  ao.schedule.kind = LrScheduleKind::Cosine;
  ao.schedule.lr = o.lr;
  ao.schedule.min_lr = o.lr_final;
  ao.schedule.decay_steps = std::max(1L, steps_per_epoch * o.epochs);
  Adam adam(m.params.size(), ao);
  SplitMix64 rng{o.seed * 0x2545F4914F6CDD1DULL + 1};
  std::vector<Segment> order = train_segs;
  std::vector<double> grad;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    shuffle(order, rng);
    double sum = 0;
    for (int start = 0; start < int(order.size()); start += nb) {
      const int k = std::min(nb, int(order.size()) - start);
      sum += batch_loss_grad(m, data, order.data() + start, k, o.stride, o.horizon, o.skin, &grad);
      for (double& g : grad) g /= double(k);
      adam.step(m.params.data(), grad.data());
    }
    res.train_loss.push_back(sum / double(order.size()));
    res.val_loss.push_back(bulk_mclnn_loss(m, data, val_segs, o.stride, o.horizon, o.skin));
  }
  return res;
}

}  // namespace noether
