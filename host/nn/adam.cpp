// nn/adam.cpp — Adam / AdamW step and learning-rate schedules (formulas in include/noether/nn/adam.hpp).
#include "noether/nn/adam.hpp"

#include <algorithm>
#include <cmath>

#include "noether/core/error.hpp"

namespace noether {

void LrSchedule::validate() const {
  NOETHER_REQUIRE(std::isfinite(lr) && lr > 0, "optimizer.lr: expected a finite value > 0, got " << lr);
  NOETHER_REQUIRE(std::isfinite(min_lr) && min_lr >= 0 && min_lr <= lr,
                  "optimizer.min_lr: expected 0 <= min_lr <= lr (" << lr << "), got " << min_lr);
  NOETHER_REQUIRE(warmup_steps >= 0, "optimizer.warmup_steps: expected >= 0, got " << warmup_steps);
  if (kind != LrScheduleKind::Constant)
    NOETHER_REQUIRE(decay_steps >= 1, "optimizer.decay_steps: expected >= 1, got " << decay_steps);
  if (kind == LrScheduleKind::Exponential || kind == LrScheduleKind::Step)
    NOETHER_REQUIRE(gamma > 0 && gamma <= 1, "optimizer.gamma: expected 0 < gamma <= 1, got " << gamma);
}

double LrSchedule::at(long s) const {
  if (s < warmup_steps) {
    LrSchedule peak = *this;
    peak.warmup_steps = 0;
    return peak.at(0) * double(s + 1) / double(warmup_steps);
  }
  const double u = double(s - warmup_steps);
  switch (kind) {
    case LrScheduleKind::Cosine: {
      const double x = std::min(u, double(decay_steps)) / double(decay_steps);
      return min_lr + (lr - min_lr) * 0.5 * (1.0 + std::cos(3.141592653589793 * x));
    }
    case LrScheduleKind::Exponential: return std::max(min_lr, lr * std::pow(gamma, u / double(decay_steps)));
    case LrScheduleKind::Step: return std::max(min_lr, lr * std::pow(gamma, std::floor(u / double(decay_steps))));
    case LrScheduleKind::Constant:
    default: return lr;
  }
}

void AdamOptions::validate() const {
  NOETHER_REQUIRE(beta1 >= 0 && beta1 < 1, "optimizer.beta1: expected 0 <= beta1 < 1, got " << beta1);
  NOETHER_REQUIRE(beta2 >= 0 && beta2 < 1, "optimizer.beta2: expected 0 <= beta2 < 1, got " << beta2);
  NOETHER_REQUIRE(std::isfinite(eps) && eps > 0, "optimizer.eps: expected a finite value > 0, got " << eps);
  NOETHER_REQUIRE(std::isfinite(weight_decay) && weight_decay >= 0,
                  "optimizer.weight_decay: expected a finite value >= 0, got " << weight_decay);
  NOETHER_REQUIRE(std::isfinite(clip_norm) && clip_norm >= 0,
                  "optimizer.clip_norm: expected a finite value >= 0 (0 = no clipping), got " << clip_norm);
  schedule.validate();
}

Adam::Adam(std::size_t n, const AdamOptions& options) : opt_(options), m_(n, 0.0), v_(n, 0.0) { opt_.validate(); }

void Adam::restore(long steps, std::vector<double> m, std::vector<double> v) {
  NOETHER_REQUIRE(steps >= 0, "Adam::restore: step count must be >= 0, got " << steps);
  NOETHER_REQUIRE(m.size() == m_.size() && v.size() == v_.size(),
                  "Adam::restore: moments need " << m_.size() << " entries, got " << m.size() << " and " << v.size());
  t_ = steps, m_ = std::move(m), v_ = std::move(v);
}

AdamStepInfo Adam::step(std::vector<double>& params, const std::vector<double>& grad) {
  NOETHER_REQUIRE(params.size() == m_.size() && grad.size() == m_.size(),
                  "Adam::step: expected " << m_.size() << " parameters and gradients, got " << params.size() << " and "
                                          << grad.size());
  return step(params.data(), grad.data());
}

AdamStepInfo Adam::step(double* params, const double* grad) {
  const std::size_t n = m_.size();
  AdamStepInfo info{t_ + 1, opt_.schedule.at(t_), 0.0, false};
  double sq = 0.0;
  for (std::size_t k = 0; k < n; ++k) sq += grad[k] * grad[k];  // fixed order: deterministic
  info.grad_norm = std::sqrt(sq);
  NOETHER_REQUIRE(std::isfinite(info.grad_norm), "Adam::step " << info.step << ": the gradient is not finite (norm "
                                                               << info.grad_norm << ")");
  double gscale = 1.0;
  if (opt_.clip_norm > 0 && info.grad_norm > opt_.clip_norm) gscale = opt_.clip_norm / info.grad_norm, info.clipped = true;
  t_ = info.step;
  const double b1 = opt_.beta1, b2 = opt_.beta2, eta = info.lr, lambda = opt_.weight_decay;
  const double c1 = 1.0 - std::pow(b1, double(t_)), c2 = 1.0 - std::pow(b2, double(t_));
  const bool l2 = opt_.decay_mode == WeightDecay::L2;
  for (std::size_t k = 0; k < n; ++k) {
    double g = grad[k] * gscale;
    if (l2) g += lambda * params[k];
    m_[k] = b1 * m_[k] + (1.0 - b1) * g;
    v_[k] = b2 * v_[k] + (1.0 - b2) * g * g;
    const double mhat = m_[k] / c1, vhat = v_[k] / c2;
    if (!l2) params[k] -= eta * lambda * params[k];
    params[k] -= eta * mhat / (std::sqrt(vhat) + opt_.eps);
  }
  return info;
}

}  // namespace noether
