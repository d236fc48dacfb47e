// nn/adam.hpp — Adam / AdamW over one flat float64 parameter buffer, with global-norm gradient
// clipping and a learning-rate schedule (docs/OPTIMIZER.md). Deterministic: plain sequential loops.
//
// Step t = 1, 2, … with gradient g (s = t − 1 steps done before it):
//   η_t = schedule(s)                                              (learning_rate below)
//   clip:        if c > 0 and ‖g‖₂ > c:  g ← g · c/‖g‖₂             (global L2 norm over the buffer)
//   L2 (coupled, WeightDecay::L2 only):  g ← g + λ θ                (after clipping)
//   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²
//   m̂ = m / (1 − β₁ᵗ),       v̂ = v / (1 − β₂ᵗ)
//   decoupled (WeightDecay::Decoupled, AdamW, default):  θ ← θ − η_t λ θ
//   θ ← θ − η_t m̂ / (√v̂ + ε)
// Decoupled decay follows Loshchilov & Hutter (and PyTorch's AdamW: the decay is scaled by the
// scheduled η_t); coupled L2 matches PyTorch's Adam(weight_decay=λ), as used by the HNN paper.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace noether {

enum class WeightDecay { Decoupled, L2 };
enum class LrScheduleKind { Constant, Cosine, Exponential, Step };

/// Learning rate after s completed steps, u = s − warmup_steps:
///   warmup (s < warmup_steps):  η_sched(0) · (s + 1)/warmup_steps   (linear, never 0)
///   constant:     η
///   cosine:       η_min + (η − η_min) · ½ (1 + cos(π · min(u, decay_steps)/decay_steps))
///   exponential:  max(η_min, η · γ^(u/decay_steps))
///   step:         max(η_min, η · γ^⌊u/decay_steps⌋)
struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::Constant;
  double lr = 1e-3;         ///< η, the peak / initial rate
  double min_lr = 0.0;      ///< η_min: cosine floor; lower bound of exponential and step
  double gamma = 0.1;       ///< γ in (0, 1]: factor per decay_steps (exponential, step)
  long decay_steps = 1000;  ///< cosine: length of the decay; exponential/step: steps per factor γ
  long warmup_steps = 0;    ///< linear warmup length (0 = none)

  /// Throws noether::Error naming the field unless the values are usable.
  void validate() const;
  /// η after s completed steps (formulas above).
  double at(long s) const;
};

struct AdamOptions {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;                    ///< λ >= 0
  WeightDecay decay_mode = WeightDecay::Decoupled;
  double clip_norm = 0.0;                       ///< c: clip the gradient's global L2 norm to c; 0 = off
  LrSchedule schedule;

  void validate() const;
};

/// What one step did (for logs).
struct AdamStepInfo {
  long step;         ///< t, 1-based
  double lr;         ///< η_t used
  double grad_norm;  ///< ‖g‖₂ before clipping
  bool clipped;      ///< whether the gradient was rescaled
};

/// Adam state for one flat buffer of n parameters: moments m, v and the step count.
class Adam {
 public:
  Adam(std::size_t n, const AdamOptions& options);

  /// One update of params[0..n) with gradient grad[0..n) (formulas in the file header).
  AdamStepInfo step(double* params, const double* grad);
  AdamStepInfo step(std::vector<double>& params, const std::vector<double>& grad);

  long steps() const { return t_; }
  std::size_t size() const { return m_.size(); }
  const AdamOptions& options() const { return opt_; }
  const std::vector<double>& first_moment() const { return m_; }
  const std::vector<double>& second_moment() const { return v_; }
  /// Restore from a checkpoint (steps done, m, v); continuing is then bit-identical.
  void restore(long steps, std::vector<double> m, std::vector<double> v);

 private:
  AdamOptions opt_;
  long t_ = 0;
  std::vector<double> m_, v_;
};

}  // namespace noether
