// mclnn/train.cpp — the MCLNN training loop (mclnn/train.hpp): segments → Verlet adjoint → Adam.
//
// Device: with MclnnTrainOptions::cuda the batch loss and gradient come from cuda_mclnn_loss_and_grad (the
// batch's segments gathered into contiguous host arrays, one call per mini-batch, one workspace per run);
// everything else (shuffles, Adam, validation bookkeeping, checkpoints) is the same host code.
//
// Stopping: at the epoch cap `epochs`, or (patience > 0) on a validation-loss plateau with the best
// validation parameters restored, or (time_budget_s > 0, explicit only) past a wall-clock budget; the
// first two depend on the data and options only, so the same command gives the same model on any machine.
//
// Determinism: every random draw comes from SplitMix64 seeded by the options; a mini-batch's gradient
// is accumulated in kLanes fixed lanes (segment k of the batch goes to lane k mod kLanes, in order) that
// are then summed in lane order, so the result is bitwise the same for any number of threads, and a
// run resumed from a checkpoint continues exactly as the uninterrupted run.
#include "noether/mclnn/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "noether/nn/adam.hpp"
#include "noether/nn/lbfgs.hpp"
#include "noether/nn/levenberg_marquardt.hpp"
#include "noether/mclnn/cuda.hpp"
#include "noether/mclnn/force_match_start.hpp"
#include "noether/core/error.hpp"
#include "noether/io/json_config.hpp"
#include "noether/io/json_file.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/physics/forces.hpp"
#include "noether/physics/pair_mlp.hpp"
#include "noether/mclnn/verlet_adjoint.hpp"
#include "noether/mclnn/verlet_adjoint_lanes.hpp"
#include "noether/mclnn/verlet_tangent.hpp"
#include "noether/mclnn/verlet_tangent_lanes.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace noether {
namespace {

using json = nlohmann::json;
constexpr int kLanes = 16;

/// The GPU twin of batch_loss_grad: the segments gathered into q0, v0 (n, N, D), mass (n, N) and target
/// (n, horizon, N, D), then one cuda_mclnn_loss_and_grad call (grad, when non-null, is overwritten).
double batch_loss_grad_cuda(const ModelFile& model, const TrajectoryData& d, const Segment* segs, int n, int stride,
                            int horizon, std::vector<double>* grad, CudaMclnnWorkspace& ws) {
  const std::size_t f = std::size_t(d.N) * d.D;
  std::vector<double> q0(std::size_t(n) * f), v0(q0.size()), mass(std::size_t(n) * d.N),
      target(std::size_t(n) * horizon * f);
  for (int k = 0; k < n; ++k) {
    const Segment& s = segs[k];
    std::copy(d.q(s.b, s.t), d.q(s.b, s.t) + f, q0.begin() + std::ptrdiff_t(k * f));
    std::copy(d.v(s.b, s.t), d.v(s.b, s.t) + f, v0.begin() + std::ptrdiff_t(k * f));
    std::copy(d.m(s.b), d.m(s.b) + d.N, mass.begin() + std::ptrdiff_t(std::size_t(k) * d.N));
    const double* t1 = d.q(s.b, s.t + 1);  // frames t+1 … t+horizon are contiguous
    std::copy(t1, t1 + horizon * f, target.begin() + std::ptrdiff_t(std::size_t(k) * horizon * f));
  }
  MclnnSegmentBatch<double> batch;
  batch.q0 = q0.data(), batch.v0 = v0.data(), batch.mass = mass.data(), batch.target = target.data();
  batch.B = n, batch.N = d.N, batch.D = d.D;
  batch.dt = d.frame_dt / stride, batch.stride = stride, batch.horizon = horizon;
  if (grad) grad->assign(model.params.size(), 0.0);
  if (n == 0) return 0.0;  // as the CPU path: no segments, zero loss and gradient
  try {
    return cuda_mclnn_loss_and_grad<double>(model.shape, pair_scaling(model), model.params.data(), batch,
                                            grad ? grad->data() : nullptr, &ws);
  } catch (const Error& e) {
    if (std::strstr(e.what(), "not finite")) NOETHER_FAIL(e.what() << " — lower the learning rate or raise the stride");
    throw;
  }
}

#if defined(__AVX512F__)
/// Lane l of `lanes` ← segment segs[base + l] of `d` with weight 1 while base + l < end; past `end` a padding lane
/// repeating segs[base] with weight 0 (its rollout stays finite, and its results are not added).
template <typename Lanes>
void fill_segment_lanes(Lanes& lanes, const TrajectoryData& d, const Segment* segs, int base, int end) {
  for (int l = 0; l < Lanes::K; ++l) {
    const bool active = base + l < end;
    const Segment& s = segs[active ? base + l : base];
    lanes.q0[l] = d.q(s.b, s.t), lanes.v0[l] = d.v(s.b, s.t), lanes.mass[l] = d.m(s.b);
    lanes.target[l] = d.q(s.b, s.t + 1);
    lanes.weight[l] = active ? 1.0 : 0.0;
  }
}

/// batch_loss_grad's lanes with the SIMD lanes of the pair MLP as the lanes (mclnn/verlet_adjoint_lanes.hpp): lanes
/// g·K … g·K + K − 1 (K = kBlock) are the group g, run as one SIMD call per K segments, so every lane adds the same
/// segments in the same order, each segment's loss and gradient those of segment_loss_and_grad_cpu to round-off
/// (mclnn/verlet_adjoint_lanes.hpp). lane_loss and lane_grad (kLanes × P, zero) receive the lanes' sums; an error
/// (the last one raised) is left in `error`.
template <typename Mlp>
void batch_lanes_simd(const Mlp& mlp, const TrajectoryData& d, const Segment* segs, int n, int stride, int horizon,
                      double dt, bool with_grad, bool threaded, std::vector<double>& lane_loss,
                      std::vector<std::vector<double>>& lane_grad, std::string& error) {
  constexpr int K = Mlp::kBlock;
  static_assert(kLanes % K == 0, "the batch's lanes must be whole SIMD groups");
  using Lanes = typename Mlp::Lanes;
  NOETHER_REQUIRE(mlp.tail.mode == 0, "batch_lanes_simd: training evaluates the raw network (no tail)");
  const std::size_t P = std::size_t(mlp.parameter_count());
#pragma omp parallel for schedule(static, 1) if (threaded)
  for (int g = 0; g < kLanes / K; ++g) {
    try {
      std::vector<Lanes> grad(with_grad ? P : 0, Lanes{});
      for (int base = g * K; base < n; base += kLanes) {
        SegmentLanes<double, Mlp::kMaxWidth> lanes;
        fill_segment_lanes(lanes, d, segs, base, n);
        const Lanes loss = segment_lanes_loss_and_grad(mlp, lanes, d.N, d.D, dt, stride, horizon,
                                                       with_grad ? grad.data() : nullptr);
        for (int l = 0; l < K && base + l < n; ++l) lane_loss[g * K + l] += loss[l];
      }
      if (with_grad)
        for (int l = 0; l < K; ++l)
          for (std::size_t k = 0; k < P; ++k) lane_grad[g * K + l][k] = grad[k][l];
    } catch (const std::exception& e) {
#pragma omp critical
      error = e.what();
    }
  }
}
#endif

/// Σ over `segs` of the segment loss, and (grad non-null) Σ of its gradients, accumulated in lanes; on the
/// GPU when `ws` is non-null.
double batch_loss_grad(const ModelFile& model, const TrajectoryData& d, const Segment* segs, int n, int stride,
                       int horizon, std::vector<double>* grad, CudaMclnnWorkspace* ws = nullptr) {
  if (ws) return batch_loss_grad_cuda(model, d, segs, n, stride, horizon, grad, *ws);
  const std::size_t P = model.params.size();
  std::vector<double> lane_loss(kLanes, 0.0);
  std::vector<std::vector<double>> lane_grad(grad ? kLanes : 0, std::vector<double>(P, 0.0));
  const double dt = d.frame_dt / stride;
  std::string error;
  // Threads only for batches of more than kParallelPairs pair evaluations (ordered pairs × (forward + reverse
  // passes)), the all-pairs loop's rule (physics/forces.hpp): the paper's batches (64 segments of 3 particles,
  // ~8,000) are one region per Adam step of ~3 ms, and on the shared 2-core machine two threads made the
  // epoch 2.4–5× SLOWER than one (docs/PERFORMANCE.md). The lanes, not the threads, fix the summation order: the
  // result is bitwise the same either way. AVX-512 builds run the lanes as SIMD lanes, kBlock segments per call
  // (batch_lanes_simd): the same lane sums as the one-segment loop of the other builds to round-off.
  const long long pair_evals = (long long)n * d.N * (d.N - 1) * (2LL * stride * horizon + 1);
  with_pair_mlp<double>(model.shape, model.params.data(), pair_scaling(model), [&](const auto& mlp) {
#if defined(__AVX512F__)
    batch_lanes_simd(mlp, d, segs, n, stride, horizon, dt, grad != nullptr, pair_evals > kParallelPairs, lane_loss,
                     lane_grad, error);
#else
#pragma omp parallel for schedule(static, 1) if (pair_evals > kParallelPairs)
    for (int lane = 0; lane < kLanes; ++lane) {
      try {
        for (int k = lane; k < n; k += kLanes) {
          const Segment& s = segs[k];
          lane_loss[lane] += segment_loss_and_grad_cpu<double>(
              mlp, d.q(s.b, s.t), d.v(s.b, s.t), d.m(s.b), d.N, d.D, dt, stride, horizon, d.q(s.b, s.t + 1), 1.0,
              grad ? lane_grad[lane].data() : nullptr);
        }
      } catch (const std::exception& e) {
#pragma omp critical
        error = e.what();
      }
    }
#endif
  });
  NOETHER_REQUIRE(error.empty(), error << " — lower the learning rate or raise the stride");
  double loss = 0;
  for (int l = 0; l < kLanes; ++l) loss += lane_loss[l];
  if (grad) {
    grad->assign(P, 0.0);
    for (int l = 0; l < kLanes; ++l)
      for (std::size_t k = 0; k < P; ++k) (*grad)[k] += lane_grad[l][k];
  }
  return loss;
}

/// The Levenberg–Marquardt normal equations of the mean segment loss F = (1/n) Σ_s (1/(horizon·N)) |e_s|² over `segs`
/// (mclnn/verlet_tangent.hpp): A (P × P, symmetric) = Σ_s w J_sᵀ J_s and b (P) = Σ_s w J_sᵀ e_s with
/// w = 1/(n·horizon·N); returns F. On the CPU, in kGnChunks fixed chunks of consecutive segments (chunk c holds
/// segments [c·n/kGnChunks, (c+1)·n/kGnChunks), each adding its segments in order; the chunks summed in order): bitwise
/// the same for any number of threads. AVX-512 builds compute the residuals and Jacobians of kBlock segments of a
/// chunk at once in SIMD lanes (mclnn/verlet_tangent_lanes.hpp; the same to round-off).
constexpr int kGnChunks = 8;
double gauss_newton_system(const ModelFile& model, const TrajectoryData& d, const std::vector<Segment>& segs,
                           int stride, int horizon, std::vector<double>& A, std::vector<double>& b) {
  const int n = int(segs.size());
  const int P = int(model.params.size());
  const std::size_t f = std::size_t(d.N) * d.D, R = f * horizon;
  const double w = 1.0 / (double(n) * horizon * d.N), dt = d.frame_dt / stride;
  std::vector<std::vector<double>> chunk_A(kGnChunks, std::vector<double>(std::size_t(P) * P, 0.0)),
      chunk_b(kGnChunks, std::vector<double>(P, 0.0));
  std::vector<double> chunk_loss(kGnChunks, 0.0);
  std::string error;
  // one segment's rows into the chunk's lower triangle of w Jᵀ J and w Jᵀ e (J: R × P, row-major)
  auto accumulate = [&](int c, const double* e, const double* J) {
    double* Ac = chunk_A[c].data();
    double* bc = chunk_b[c].data();
    for (std::size_t row = 0; row < R; ++row) {
      const double* Jr = J + row * P;
      for (int a = 0; a < P; ++a) {
        const double wa = w * Jr[a];
        bc[a] += wa * e[row];
        double* Aa = Ac + std::size_t(a) * P;
        for (int k = 0; k <= a; ++k) Aa[k] += wa * Jr[k];
      }
    }
  };
  const long long pair_evals = (long long)n * d.N * (d.N - 1) * (long long)stride * horizon;
  with_pair_mlp<double>(model.shape, model.params.data(), pair_scaling(model), [&](const auto& mlp) {
#pragma omp parallel for schedule(static, 1) if (pair_evals > kParallelPairs / 16)
    for (int c = 0; c < kGnChunks; ++c) {
      const int first = int((long long)n * c / kGnChunks), last = int((long long)n * (c + 1) / kGnChunks);
      try {
        std::vector<double> e(R), J(R * P);
#if defined(__AVX512F__)
        using Mlp = std::decay_t<decltype(mlp)>;
        using Lanes = typename Mlp::Lanes;
        constexpr int K = Mlp::kBlock;
        std::vector<Lanes> el(R), Jl(R * P);
        for (int base = first; base < last; base += K) {
          SegmentLanes<double, Mlp::kMaxWidth> lanes;
          fill_segment_lanes(lanes, d, segs.data(), base, last);
          const Lanes loss = segment_lanes_residuals_and_jacobian(mlp, lanes, d.N, d.D, dt, stride, horizon, el.data(),
                                                                  Jl.data());
          for (int l = 0; l < K && base + l < last; ++l) {
            chunk_loss[c] += loss[l];
            for (std::size_t k = 0; k < R; ++k) e[k] = el[k][l];
            for (std::size_t k = 0; k < R * P; ++k) J[k] = Jl[k][l];
            accumulate(c, e.data(), J.data());
          }
        }
#else
        for (int k = first; k < last; ++k) {
          const Segment& s = segs[k];
          chunk_loss[c] += segment_residuals_and_jacobian_cpu<double>(mlp, d.q(s.b, s.t), d.v(s.b, s.t), d.m(s.b), d.N,
                                                                      d.D, dt, stride, horizon, d.q(s.b, s.t + 1),
                                                                      e.data(), J.data());
          accumulate(c, e.data(), J.data());
        }
#endif
      } catch (const std::exception& ex) {
#pragma omp critical
        error = ex.what();
      }
    }
  });
  NOETHER_REQUIRE(error.empty(), error);
  A.assign(std::size_t(P) * P, 0.0);
  b.assign(P, 0.0);
  double loss = 0;
  for (int c = 0; c < kGnChunks; ++c) {
    loss += chunk_loss[c];
    for (std::size_t k = 0; k < A.size(); ++k) A[k] += chunk_A[c][k];
    for (int k = 0; k < P; ++k) b[k] += chunk_b[c][k];
  }
  for (int a = 0; a < P; ++a)
    for (int k = a + 1; k < P; ++k) A[std::size_t(a) * P + k] = A[std::size_t(k) * P + a];
  return n > 0 ? loss / n : 0.0;
}

json options_json(const MclnnTrainOptions& o) {
  json j = {{"hidden", o.hidden},             {"activation", activation_name(o.activation)},
            {"stride", o.stride},             {"horizon", o.horizon},
            {"epochs", o.epochs},             {"batch_size", o.batch_size},
            {"lr", o.lr},                     {"lr_final", o.lr_final},
            {"weight_decay", o.weight_decay}, {"clip_norm", o.clip_norm},
            {"val_fraction", o.val_fraction}, {"seed", o.seed},
            {"patience", o.patience},         {"min_delta", o.min_delta},
            {"init", mclnn_init_name(o.init)}};
  // the input transform only when it is not none: checkpoints written before it existed still resume with none
  if (o.input_transform != InputTransform::None) j["input_transform"] = input_transform_name(o.input_transform);
  if (o.polish > 0) j["polish"] = o.polish;  // likewise: checkpoints without it still resume with 0
  if (o.polish > 0 && o.polish_method != PolishMethod::Lbfgs) j["polish_method"] = polish_method_name(o.polish_method);
  return j;
}

/// Mean loss over `segments` on the CPU (ws null) or the GPU.
double mean_loss(const ModelFile& model, const TrajectoryData& data, const std::vector<Segment>& segments, int stride,
                 int horizon, CudaMclnnWorkspace* ws) {
  if (segments.empty()) return 0.0;
  return batch_loss_grad(model, data, segments.data(), int(segments.size()), stride, horizon, nullptr, ws) /
         double(segments.size());
}

}  // namespace

AffineScaling pair_input_scaling(const DistanceRange& range, InputTransform input) {
  if (input == InputTransform::Log) {
    NOETHER_REQUIRE(range.min > 0, "the log input needs pair distances > 0, the smallest training distance is "
                                       << range.min << " (coincident particles); use the input transform none");
    const double lo = std::log(range.min), hi = std::log(std::max(range.upper, range.min));
    return {{0.5 * (hi + lo)}, {std::max(0.5 * (hi - lo), 1e-3)}};
  }
  const double half = std::max(0.5 * (range.upper - range.min), 1e-3 * std::max(range.upper, 1e-12));
  return {{0.5 * (range.upper + range.min)}, {half}};
}

const char* polish_method_name(PolishMethod m) {
  return m == PolishMethod::Lm ? "lm" : m == PolishMethod::Auto ? "auto" : "lbfgs";
}

bool parse_polish_method(const std::string& name, PolishMethod& out) {
  if (name == "lbfgs") return out = PolishMethod::Lbfgs, true;
  if (name == "lm") return out = PolishMethod::Lm, true;
  if (name == "auto") return out = PolishMethod::Auto, true;
  return false;
}

const char* mclnn_init_name(MclnnInit i) { return i == MclnnInit::ForceMatch ? "force-match" : "random"; }

bool parse_mclnn_init(const std::string& name, MclnnInit& out) {
  if (name == "random") return out = MclnnInit::Random, true;
  if (name == "force-match") return out = MclnnInit::ForceMatch, true;
  return false;
}

double mclnn_loss(const ModelFile& model, const TrajectoryData& data, const std::vector<Segment>& segments, int stride,
                  int horizon) {
  return mean_loss(model, data, segments, stride, horizon, nullptr);
}

MclnnCheckpoint load_mclnn_checkpoint(const std::string& path, const MclnnTrainOptions& o, std::size_t param_count,
                                      long steps_per_epoch) {
  const json ckpt = cfg::read_json_file(path, "checkpoint");
  NOETHER_REQUIRE(ckpt.is_object() && ckpt.contains("format") && ckpt.at("format") == "noether-checkpoint",
                  path << ": format: expected \"noether-checkpoint\" (a checkpoint written by noether train --checkpoint)");
  NOETHER_REQUIRE(ckpt.contains("options"), path << ": options: missing (a checkpoint written by noether train has it)");
  NOETHER_REQUIRE(ckpt.at("options") == options_json(o), path << ": written with other training options ("
                                                               << cfg::brief(ckpt.at("options")) << "); resume needs the same");
  // Fields are read through cfg:: (errors name the file and key, integers range-checked): a negative or absurd
  // epoch counter would replay that many shuffles.
  const cfg::Ctx cctx{path, ""};
  for (const char* k : {"epochs", "epoch", "params", "rng", "adam_t", "adam_m", "adam_v"})
    NOETHER_REQUIRE(ckpt.contains(k), cctx.sub(k).where() << ": missing (a checkpoint written by noether train has it)");
  MclnnCheckpoint c;
  c.epochs = int(cfg::get_int(ckpt, cctx, "epochs", 0, 1, 100000000));
  c.epoch = int(cfg::get_int(ckpt, cctx, "epoch", 0, 0, c.epochs));
  c.params = cfg::number_list(ckpt.at("params"), cctx.sub("params"));
  NOETHER_REQUIRE(c.params.size() == param_count, cctx.sub("params").where() << ": parameter count mismatch ("
                                                                              << c.params.size() << ", expected "
                                                                              << param_count << ")");
  c.rng = cfg::get_uint64(ckpt, cctx, "rng", 0);
  c.adam_t = long(cfg::get_int(ckpt, cctx, "adam_t", 0, 0, std::max(1L, steps_per_epoch) * long(c.epochs)));
  c.adam_m = cfg::number_list(ckpt.at("adam_m"), cctx.sub("adam_m"));
  c.adam_v = cfg::number_list(ckpt.at("adam_v"), cctx.sub("adam_v"));
  NOETHER_REQUIRE(c.adam_m.size() == param_count && c.adam_v.size() == param_count,
                  cctx.sub("adam_m").where() << ": expected " << param_count << " values in adam_m and adam_v");
  if (o.patience > 0 && c.epoch > 0) {
    NOETHER_REQUIRE(ckpt.contains("best") && ckpt.at("best").is_object(),
                    cctx.sub("best").where() << ": missing (a checkpoint written with patience has it)");
    const json& b = ckpt.at("best");
    const cfg::Ctx bctx = cctx.sub("best");
    c.has_best = true;
    c.best_epoch = int(cfg::get_int(b, bctx, "epoch", 0, 0, c.epoch));  // 0: the force-matching start
    c.ref_epoch = int(cfg::get_int(b, bctx, "ref_epoch", 0, 1, c.epoch));
    c.best_val_loss = cfg::get_number(b, bctx, "val_loss", 0.0);
    c.ref_val_loss = cfg::get_number(b, bctx, "ref_val_loss", 0.0);
    NOETHER_REQUIRE(b.contains("params"), bctx.sub("params").where() << ": missing");
    c.best_params = cfg::number_list(b.at("params"), bctx.sub("params"));
    NOETHER_REQUIRE(c.best_params.size() == param_count,
                    bctx.sub("params").where() << ": expected " << param_count << " values");
  }
  if (ckpt.contains("stop_reason"))
    c.stop_reason = cfg::get_choice(ckpt, cctx, "stop_reason", "plateau", {"plateau", "time_budget"});
  return c;
}

MclnnTrainResult train_mclnn(const TrajectoryData& data, const MclnnTrainOptions& o,
                             const std::function<void(const EpochReport&)>& on_epoch) {
  NOETHER_REQUIRE(!o.hidden.empty(), "train: hidden widths must not be empty");
  for (int w : o.hidden)
    NOETHER_REQUIRE(w >= 1 && w <= kPairMlpMaxWidth, "train: hidden widths must be in [1, " << kPairMlpMaxWidth << "], got " << w);
  NOETHER_REQUIRE(o.stride >= 1, "train: stride must be >= 1, got " << o.stride);
  NOETHER_REQUIRE(o.epochs >= 1, "train: epochs must be >= 1, got " << o.epochs);
  NOETHER_REQUIRE(o.batch_size >= 0, "train: batch_size must be >= 0, got " << o.batch_size);
  NOETHER_REQUIRE(o.lr > 0 && o.lr_final >= 0, "train: lr must be > 0 and lr_final >= 0");
  NOETHER_REQUIRE(o.checkpoint_every >= 1, "train: checkpoint_every must be >= 1");
  NOETHER_REQUIRE(o.polish >= 0, "train: polish (iterations) must be >= 0, got " << o.polish);
  NOETHER_REQUIRE(o.patience >= 0, "train: patience must be >= 0 (0 = off), got " << o.patience);
  NOETHER_REQUIRE(std::isfinite(o.min_delta) && o.min_delta >= 0 && o.min_delta < 1,
                  "train: min_delta must be in [0, 1), got " << o.min_delta);
  NOETHER_REQUIRE(o.time_budget_s >= 0, "train: time_budget_s must be >= 0 (0 = off), got " << o.time_budget_s);
#ifdef _OPENMP
  if (o.threads > 0) omp_set_num_threads(o.threads);
#endif
  // GPU: one workspace (device buffers, stream) for the whole run; null = the CPU path.
  std::unique_ptr<CudaMclnnWorkspace> gpu;
  if (o.cuda) gpu = std::make_unique<CudaMclnnWorkspace>();
  CudaMclnnWorkspace* ws = gpu.get();

  std::vector<int> train_traj, val_traj;
  split_trajectories(data.B, o.val_fraction, o.seed, train_traj, val_traj);
  const std::vector<Segment> train_segs = make_segments(data, train_traj, o.horizon);
  const std::vector<Segment> val_segs = make_segments(data, val_traj, o.horizon);
  NOETHER_REQUIRE(o.patience == 0 || !val_segs.empty(),
                  "train: patience " << o.patience << " stops on the validation loss, but val_fraction " << o.val_fraction
                                     << " leaves no validation trajectories; give val_fraction > 0 (and at least 2 "
                                        "trajectories) or patience 0");

  // Model: widths [1, hidden…, 1]; input scaled to about [−1, 1] over the training distances [min, upper]
  // (upper = max unless an escaping tail stretches the distances far beyond the bulk: mclnn/dataset.hpp),
  // output scaled so that a unit slope of the network is a typical force of the data.
  ModelFile model;
  model.model = "mclnn";
  model.shape.widths = {1};
  for (int w : o.hidden) model.shape.widths.push_back(w);
  model.shape.widths.push_back(1);
  model.shape.activation = o.activation;
  NOETHER_REQUIRE(o.polish == 0 || o.polish_method != PolishMethod::Lm ||
                      model.shape.parameter_count() <= kLmMaxParameters,
                  "train: the Levenberg-Marquardt polish takes at most " << kLmMaxParameters << " parameters (its normal "
                  "equations hold P^2 values per chunk), the hidden widths give " << model.shape.parameter_count()
                  << "; use the polish method lbfgs or narrower hidden layers");
  const DistanceRange range = pair_distance_range(data, train_traj);
  const DistanceHistogram hist = pair_distance_histogram(data, train_traj, 100);
  const double F = force_scale(data, train_traj);
  model.input_transform = o.input_transform;
  NOETHER_REQUIRE(o.input_transform != InputTransform::Log || range.min > 0,
                  data.source << ": two particles coincide (pair distance " << range.min << ") in the training "
                              << "trajectories; the log input (the default of noether train) needs distances > 0: "
                                 "remove those frames or give --input-transform none");
  model.input_scaling = pair_input_scaling(range, o.input_transform);
  // dV/dr = out_scale · dy/dx · ∂x/∂r with ∂x/∂r = 1/scale (g = r: out_scale = F·scale, as before the log input, bit for
  // bit) or 1/(r·scale) at the range's geometric middle r = e^shift (g = log r; written F/(∂x/∂r), the form the zoo
  // tables of docs/EXPERIMENTS.md were measured with).
  const double in_scale = model.input_scaling.scale[0];
  const double out_scale = o.input_transform == InputTransform::Log
                               ? F / (1.0 / (std::exp(model.input_scaling.shift[0]) * in_scale))
                               : F * in_scale;
  model.output_scaling = {{0.0}, {F > 0 ? out_scale : 1.0}};
  glorot_uniform_init(model.shape, o.seed, model.params);
  // The force-matching start (mclnn/force_match_start.hpp) replaces the Glorot parameters; a resumed run takes the
  // checkpoint's parameters instead, so it is skipped there.
  MclnnTrainResult res;
  json init_meta = {{"kind", "random"}};
  bool fitted_start = false;  // the force-matching start ran (not skipped for short data, not a resume)
  if (o.init == MclnnInit::ForceMatch && o.resume.empty()) {
    if (data.T < 3) {
      res.init_note = "the force-matching start needs at least 3 frames per trajectory (the acceleration stencil), "
                      "the data have " + std::to_string(data.T) + "; started from random (Glorot) parameters";
      init_meta["note"] = res.init_note;
    } else {
      const ForceMatchStartReport fm = force_match_start(model, data, train_traj, range, hist);
      fitted_start = true;
      init_meta = {{"kind", "force-match"},       {"stencil", fm.stencil},
                   {"spline_intervals", fm.intervals}, {"equations", fm.rows},
                   {"fit_rel_residual", fm.fit_rel_residual}, {"prefit_points", fm.points},
                   {"prefit_iterations", fm.iterations},     {"prefit_loss", fm.prefit_loss},
                   {"seconds", fm.seconds}};
    }
  } else if (o.init == MclnnInit::ForceMatch) {
    init_meta = {{"kind", "force-match"}, {"note", "resumed: parameters from the checkpoint"}};
  }

  const int nb = o.batch_size == 0 ? int(train_segs.size()) : std::min<int>(o.batch_size, int(train_segs.size()));
  const long steps_per_epoch = (long(train_segs.size()) + nb - 1) / nb;
  // A checkpoint to resume from is read first: it fixes the number of epochs and the state.
  const json fingerprint = options_json(o);
  MclnnCheckpoint ckpt;
  if (!o.resume.empty()) ckpt = load_mclnn_checkpoint(o.resume, o, model.shape.parameter_count(), steps_per_epoch);
  // Epochs: o.epochs, fewer when one measured epoch says they would not fit in the time budget.
  int epochs = o.epochs;
  double epoch_seconds = 0;
  if (o.time_budget_s > 0 && o.resume.empty()) {
    std::vector<double> g;
    // On the GPU the first call pays for the CUDA context and the buffers: keep it out of the timing, and
    // time the epoch in its real mini-batches (per-call latency, not FLOPs, dominates small batches there).
    if (ws && nb > 0) batch_loss_grad(model, data, train_segs.data(), nb, o.stride, o.horizon, &g, ws);
    const auto m0 = std::chrono::steady_clock::now();
    for (int start = 0; start < int(train_segs.size()); start += nb)
      batch_loss_grad(model, data, train_segs.data() + start, std::min(nb, int(train_segs.size()) - start), o.stride,
                      o.horizon, &g, ws);
    mean_loss(model, data, val_segs, o.stride, o.horizon, ws);
    epoch_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
    const double fit = o.time_budget_s / (1.15 * std::max(epoch_seconds, 1e-9));
    if (fit < epochs) epochs = std::max(10, int(fit));
  }
  if (!o.resume.empty()) epochs = ckpt.epochs;
  AdamOptions ao;
  ao.weight_decay = o.weight_decay;
  ao.clip_norm = o.clip_norm;
  ao.schedule.kind = LrScheduleKind::Cosine;  // per Adam step, from lr to lr_final over the whole run
  ao.schedule.lr = o.lr;
  ao.schedule.min_lr = o.lr_final;
  ao.schedule.decay_steps = std::max(1L, steps_per_epoch * epochs);
  Adam adam(model.params.size(), ao);
  SplitMix64 rng{o.seed * 0x2545F4914F6CDD1DULL + 1};
  int first_epoch = 0;
  std::uint64_t saved_rng = 0;
  if (!o.resume.empty()) {
    first_epoch = ckpt.epoch;
    model.params = ckpt.params;
    saved_rng = ckpt.rng;
    adam.restore(ckpt.adam_t, ckpt.adam_m, ckpt.adam_v);
  }
  // Plateau state (patience > 0): the lowest validation loss and its parameters, and the reference of the
  // last improving epoch; restored from the checkpoint so that a resumed run stops where the uninterrupted one does.
  double best_val = INFINITY, ref_val = INFINITY;
  int best_epoch = 0, ref_epoch = 0;
  std::vector<double> best_params;
  if (ckpt.has_best) {
    best_epoch = ckpt.best_epoch, ref_epoch = ckpt.ref_epoch;
    best_val = ckpt.best_val_loss, ref_val = ckpt.ref_val_loss;
    best_params = ckpt.best_params;
  }

  // The force-matching start is a fitted model, so it is a candidate of the plateau rule too (epoch 0): when no
  // epoch of the trajectory loss beats its validation loss (a horizon or rate that damages it), the start is kept.
  // It only sets the best, not the patience reference, so the stopping epochs are those of a run without it.
  if (o.patience > 0 && fitted_start) {
    best_val = mean_loss(model, data, val_segs, o.stride, o.horizon, ws);
    best_epoch = 0, best_params = model.params;
  }

  std::ofstream log;
  if (!o.log_csv.empty()) {
    log.open(o.log_csv, first_epoch > 0 ? std::ios::app : std::ios::trunc);
    NOETHER_REQUIRE(log, o.log_csv << ": cannot open the loss log for writing");
    if (first_epoch == 0) log << "epoch,train_loss,val_loss,lr,seconds\n";
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Segment> order = train_segs;
  if (first_epoch > 0) {  // the shuffles are cumulative: replay them to restore the order
    for (int e = 0; e < first_epoch; ++e) shuffle(order, rng);
    NOETHER_REQUIRE(rng.s == saved_rng, o.resume << ": the checkpoint does not belong to this data set and options");
  }
  std::vector<double> grad;
  if (!o.resume.empty() && !ckpt.stop_reason.empty()) {
    res.stop_reason = ckpt.stop_reason;
    res.stopped_by_time_budget = res.stop_reason == "time_budget";
  }
  for (int epoch = first_epoch; epoch < epochs; ++epoch) {
    const double lr = ao.schedule.at(adam.steps());
    shuffle(order, rng);
    double train_sum = 0;
    for (int start = 0; start < int(order.size()); start += nb) {
      const int n = std::min(nb, int(order.size()) - start);
      train_sum += batch_loss_grad(model, data, order.data() + start, n, o.stride, o.horizon, &grad, ws);
      for (double& g : grad) g /= double(n);
      adam.step(model.params.data(), grad.data());
    }
    res.train_loss = train_sum / double(order.size());  // during the epoch (before each step)
    // The budget is also a hard limit: a machine slower than the timed epoch said stops here.
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (o.time_budget_s > 0 && elapsed + epoch_seconds > o.time_budget_s && epoch + 1 < epochs) {
      res.stopped_by_time_budget = true;
      res.stop_reason = "time_budget";
      epochs = epoch + 1;
    }
    const bool report = epoch + 1 == epochs || log.is_open() || on_epoch || o.patience > 0;
    res.val_loss = report ? mean_loss(model, data, val_segs, o.stride, o.horizon, ws) : 0.0;
    if (o.patience > 0) {
      if (res.val_loss < best_val) best_val = res.val_loss, best_epoch = epoch + 1, best_params = model.params;
      if (ref_epoch == 0 || res.val_loss < ref_val * (1 - o.min_delta)) ref_val = res.val_loss, ref_epoch = epoch + 1;
      if (epoch + 1 - ref_epoch >= o.patience && epoch + 1 < epochs) {
        res.stop_reason = "plateau";
        epochs = epoch + 1;
      }
    }
    const bool last = epoch + 1 == epochs;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (log.is_open()) {
      char line[200];
      std::snprintf(line, sizeof line, "%d,%.9e,%.9e,%.6e,%.3f\n", epoch + 1, res.train_loss, res.val_loss,
                    lr, secs);
      log << line << std::flush;
    }
    if (!o.checkpoint.empty() && ((epoch + 1) % o.checkpoint_every == 0 || last)) {
      json c = {{"format", "noether-checkpoint"}, {"version", 1},   {"options", fingerprint},
                {"data", data.source},            {"epoch", epoch + 1}, {"epochs", epochs}, {"params", model.params},
                {"rng", rng.s},                   {"adam_m", adam.first_moment()},
                {"adam_v", adam.second_moment()}, {"adam_t", adam.steps()}};
      if (!res.stop_reason.empty()) c["stop_reason"] = res.stop_reason;  // a stop before the cap: resume knows why
      if (o.patience > 0)
        c["best"] = {{"epoch", best_epoch}, {"val_loss", best_val}, {"params", best_params},
                     {"ref_epoch", ref_epoch}, {"ref_val_loss", ref_val}};
      write_text_file_atomic(o.checkpoint, c.dump());
    }
    if (on_epoch) on_epoch({epoch + 1, epochs, res.train_loss, res.val_loss, lr, secs});
  }
  res.epochs = epochs;
  if (res.stop_reason.empty()) res.stop_reason = res.stopped_by_time_budget ? "time_budget" : "epochs";
  // The plateau rule keeps the epoch of the lowest validation loss.
  const double last_val_loss = res.val_loss;
  if (o.patience > 0 && !best_params.empty()) {
    model.params = best_params;
    res.val_loss = best_val;
    res.best_epoch = best_epoch;
  }
  // The L-BFGS polish (nn/lbfgs.hpp): the same loss, full batch, from the parameters Adam left; kept when the validation
  // loss is lower after it (or, without validation trajectories, always: it never raises the training loss).
  json polish_meta;
  const double adam_val_loss = res.val_loss;  // of the epoch the plateau rule kept
  if (o.polish > 0) {
    const int n = int(train_segs.size());
    ModelFile trial = model;
    bool out_of_time = false;
    long evaluations = 0;
    // past a time budget, every evaluation after the first (the starting point) fails: the line search gives up,
    // Levenberg–Marquardt stops at its last accepted point
    auto check_time = [&]() {
      if (o.time_budget_s > 0 && evaluations > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > o.time_budget_s) {
        out_of_time = true;
        throw Error("time budget");
      }
    };
    auto progress = [&](double v) {
      ++evaluations;
      if (on_epoch)  // progress (and, from Python, Ctrl-C: its exception is not a std::exception and ends the polish)
        on_epoch({epochs, epochs, v, res.val_loss, 0.0,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), evaluations});
    };
    std::vector<double> x = model.params;
    double loss_before = 0, loss_after = 0;
    long n_evaluations = 0;
    std::string stop;
    const PolishMethod method = o.polish_method != PolishMethod::Auto ? o.polish_method
                                : model.params.size() <= std::size_t(kLmMaxParameters) ? PolishMethod::Lm
                                                                                       : PolishMethod::Lbfgs;
    res.polish_method = polish_method_name(method);
    polish_meta = {{"method", res.polish_method}, {"iterations_max", o.polish}};
    if (method == PolishMethod::Lbfgs) {
      const LossAndGradient f = [&](const std::vector<double>& p, std::vector<double>& g) {
        check_time();
        trial.params = p;
        const double v = batch_loss_grad(trial, data, train_segs.data(), n, o.stride, o.horizon, &g, ws) / n;
        for (double& gi : g) gi /= n;
        progress(v);
        return v;
      };
      LbfgsOptions lo;
      lo.iterations = o.polish;
      const LbfgsResult lr = lbfgs_minimize(x, f, lo);
      loss_before = lr.initial_loss, loss_after = lr.loss, n_evaluations = lr.evaluations, stop = lr.stop;
      if (lr.iterations >= 0) polish_meta["iterations"] = lr.iterations;
    } else {
      // The loss the steps are judged by is the one Adam and L-BFGS see (batch_loss_grad); the normal equations are
      // the Jacobian pass's (mclnn/verlet_tangent.hpp, the same loss to round-off). Always on the CPU.
      const LeastSquaresLoss F = [&](const std::vector<double>& p) {
        check_time();
        trial.params = p;
        const double v = batch_loss_grad(trial, data, train_segs.data(), n, o.stride, o.horizon, nullptr, ws) / n;
        progress(v);
        return v;
      };
      const NormalEquations system = [&](const std::vector<double>& p, std::vector<double>& A, std::vector<double>& b) {
        check_time();
        trial.params = p;
        return gauss_newton_system(trial, data, train_segs, o.stride, o.horizon, A, b);
      };
      LmOptions lmo;
      lmo.iterations = o.polish;
      const LmResult lr = levenberg_marquardt(x, system, F, lmo);
      loss_before = lr.initial_loss, loss_after = lr.loss, n_evaluations = lr.loss_evaluations + lr.system_evaluations;
      stop = lr.stop;  // "system: time budget" becomes "time_budget" below, as L-BFGS's give-up does
      polish_meta["iterations"] = lr.iterations;
      polish_meta["accepted_steps"] = lr.accepted;
      polish_meta["jacobians"] = lr.system_evaluations;
      polish_meta["lambda"] = lr.lambda;
    }
    trial.params = x;
    res.polished = true;
    res.polish_train_before = loss_before, res.polish_train_after = loss_after;
    res.polish_val_before = res.val_loss;
    res.polish_val_after = val_segs.empty() ? 0.0 : mean_loss(trial, data, val_segs, o.stride, o.horizon, ws);
    res.polish_kept = val_segs.empty() ? loss_after < loss_before : res.polish_val_after < res.polish_val_before;
    res.polish_evaluations = n_evaluations;
    res.polish_stop = out_of_time ? "time_budget" : stop;
    if (res.polish_kept) model.params = x, res.val_loss = res.polish_val_after, res.train_loss = loss_after;
    polish_meta["evaluations"] = n_evaluations;
    polish_meta["stop"] = res.polish_stop;
    polish_meta["train_loss"] = {loss_before, loss_after};
    polish_meta["val_loss"] = {res.polish_val_before, res.polish_val_after};
    polish_meta["kept"] = res.polish_kept;
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  json meta = {{"trained_on", data.source},
               {"trajectories", {{"train", train_traj.size()}, {"validation", val_traj.size()}}},
               {"particles", data.N},
               {"dimension", data.D},
               {"frame_dt", data.frame_dt},
               {"dt", data.frame_dt / o.stride},
               {"pair_distance_range",
                {{"min", range.min}, {"max", range.max}, {"p05", range.p05}, {"p95", range.p95}, {"p50", range.p50},
                 {"scaling_upper", range.upper}}},
               {"pair_distance_histogram",
                {{"lo", hist.lo}, {"hi", hist.hi}, {"counts", hist.counts}, {"above", hist.above}, {"total", hist.total}}},
               {"options", fingerprint},
               {"init", init_meta},
               {"device", o.cuda ? "cuda" : "cpu"},
               {"epochs_run", epochs},
               {"epochs_limited_by_time_budget", epochs < o.epochs},
               {"stopped_by_time_budget", res.stopped_by_time_budget},
               {"stop_reason", res.stop_reason},
               {"train_loss", res.train_loss},
               {"val_loss", res.val_loss},
               {"seconds", res.seconds}};
  if (o.time_budget_s > 0) meta["time_budget_s"] = o.time_budget_s;
  if (o.polish > 0) meta["polish"] = polish_meta;  // val_loss and train_loss above: the model's, after it
  if (o.patience > 0) {
    meta["best_epoch"] = res.best_epoch;  // the model holds this epoch's parameters
    meta["best_val_loss"] = adam_val_loss;
    meta["last_val_loss"] = last_val_loss;
  }
  model.metadata = json{{"training", meta}}.dump();
  if (o.tail != TailPolicy::None) {  // the law beyond the support [hist.lo, hist.hi] (physics/pair_tail.hpp)
    model.tail.policy = o.tail;
    model.tail.r_hi = hist.hi;
    if (o.tail == TailPolicy::Zero) model.tail.r_on = default_zero_tail_r_on(PairSupport{hist.lo, hist.hi});
    try {
      model_tail(model);
    } catch (const Error& e) {  // power: V and V' of the same sign at hi; fall back to the short-range tail
      res.tail_note = std::string("tail 'power' impossible (") + e.what() + "); wrote tail 'zero' instead";
      model.tail.policy = TailPolicy::Zero;
      model.tail.r_on = default_zero_tail_r_on(PairSupport{hist.lo, hist.hi});
    }
  }
  res.model = model;
  return res;
}

}  // namespace noether
