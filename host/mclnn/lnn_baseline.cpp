// mclnn/lnn_baseline.cpp — the baseline LNN (mclnn/lnn_baseline.hpp): accelerations −M⁻¹∇V_θ, the acceleration loss and
// its double-backprop gradient, training with Adam on sampled frames, and the velocity-Verlet rollout.
// Deterministic: every random draw comes from SplitMix64 seeded by the options; loops are sequential.
#include "noether/mclnn/lnn_baseline.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "noether/nn/adam.hpp"
#include "noether/core/error.hpp"
#include "noether/nn/mlp.hpp"
#include "noether/nn/mlp_init.hpp"
#include "noether/io/npz.hpp"
#include "noether/physics/observables.hpp"

namespace noether {
namespace {

using json = nlohmann::json;

/// Runs Eigen's products (inside nn/mlp.hpp's CPU path) on one thread while alive, then back to Eigen's
/// default (OpenMP's thread count). The LNN's products are small (batch 256 × width 32): measured on
/// 2 cores, OpenMP-parallel products made training 15× slower (24 s vs 1.6 s for 100 epochs on 9,000
/// samples), far worse on a loaded machine.
struct SingleThreadedEigen {
  SingleThreadedEigen() { Eigen::setNbThreads(1); }
  ~SingleThreadedEigen() { Eigen::setNbThreads(0); }
};

/// Per-coordinate input shift and scale, and output scale and shift of a model (identity when absent).
struct Scales {
  std::vector<double> in_shift, in_scale;  // (F)
  double out_scale = 1, out_shift = 0;
};

Scales scales_of(const ModelFile& m) {
  const int F = m.shape.in();
  Scales s;
  s.in_shift = m.input_scaling.identity() ? std::vector<double>(F, 0.0) : m.input_scaling.shift;
  s.in_scale = m.input_scaling.identity() ? std::vector<double>(F, 1.0) : m.input_scaling.scale;
  if (!m.output_scaling.identity()) s.out_shift = m.output_scaling.shift[0], s.out_scale = m.output_scaling.scale[0];
  return s;
}

void check_model(const ModelFile& m, int N, int D) {
  NOETHER_REQUIRE(m.model == "lnn", "LNN baseline: model kind is '" << m.model << "', expected 'lnn'");
  NOETHER_REQUIRE(m.shape.out() == 1, "LNN baseline: V_θ must output a scalar, got width " << m.shape.out());
  NOETHER_REQUIRE(m.params.size() == m.shape.parameter_count(), "LNN baseline: parameter count mismatch");
  NOETHER_REQUIRE(m.shape.in() == N * D, "the LNN baseline learns V of all N·D coordinates and cannot run other particle "
                                         "counts: the model takes "
                                             << m.shape.in() << " coordinates, asked for N = " << N << ", D = " << D
                                             << " (" << N * D << ")");
}

/// x (n, F) = (q − s_in)/σ_in.
std::vector<double> scaled_inputs(const Scales& s, const double* q, int n, int F) {
  std::vector<double> x(std::size_t(n) * F);
  for (int r = 0; r < n; ++r)
    for (int k = 0; k < F; ++k) x[std::size_t(r) * F + k] = (q[std::size_t(r) * F + k] - s.in_shift[k]) / s.in_scale[k];
  return x;
}

/// Frames (b, t) used as samples.
struct Frame {
  int b, t;
};

/// Gather q (n, F), mass (n, N), q̈ (n, F) of the given frames.
void gather(const TrajectoryData& d, const std::vector<double>& acc, const std::vector<Frame>& fr, std::vector<double>& q,
            std::vector<double>& m, std::vector<double>& a) {
  const int F = d.N * d.D;
  q.resize(fr.size() * F), a.resize(fr.size() * F), m.resize(fr.size() * d.N);
  for (std::size_t r = 0; r < fr.size(); ++r) {
    const std::size_t o = (std::size_t(fr[r].b) * d.T + fr[r].t) * F;
    std::copy(d.q(fr[r].b, fr[r].t), d.q(fr[r].b, fr[r].t) + F, q.begin() + r * F);
    std::copy(acc.begin() + o, acc.begin() + o + F, a.begin() + r * F);
    std::copy(d.m(fr[r].b), d.m(fr[r].b) + d.N, m.begin() + r * d.N);
  }
}

/// Frames of the given trajectories: all of them, or `limit` drawn without replacement (seeded).
std::vector<Frame> draw_frames(const TrajectoryData& d, const std::vector<int>& traj, int limit, SplitMix64& rng) {
  std::vector<Frame> fr;
  for (int b : traj)
    for (int t = 0; t < d.T; ++t) fr.push_back({b, t});
  if (limit > 0 && int(fr.size()) > limit) {
    shuffle(fr, rng);
    fr.resize(std::size_t(limit));
  }
  return fr;
}

}  // namespace

std::vector<double> load_trajectory_accelerations(const std::string& path, const TrajectoryData& d) {
  const NpzArchive a = read_npz(path);
  const auto it = a.find("accelerations");
  NOETHER_REQUIRE(it != a.end(), path << ": missing key 'accelerations' (B, T, N, D) = (" << d.B << ", " << d.T << ", "
                                      << d.N << ", " << d.D
                                      << "); the LNN baseline trains on accelerations (noether simulate writes them)");
  const std::vector<std::size_t> want = {std::size_t(d.B), std::size_t(d.T), std::size_t(d.N), std::size_t(d.D)};
  NOETHER_REQUIRE(it->second.shape == want, path << ": key 'accelerations' must have the shape of 'positions' ("
                                                 << d.B << ", " << d.T << ", " << d.N << ", " << d.D << ")");
  for (std::size_t k = 0; k < it->second.data.size(); ++k)
    NOETHER_REQUIRE(std::isfinite(it->second.data[k]), path << ": key 'accelerations' is not finite at flat index " << k);
  return it->second.data;
}

void lnn_accelerations(const ModelFile& model, const double* q, const double* mass, int n, int N, int D, double* V,
                       double* a) {
  check_model(model, N, D);
  const int F = N * D;
  const Scales s = scales_of(model);
  const std::vector<double> x = scaled_inputs(s, q, n, F);
  std::vector<double> f(n), G(std::size_t(n) * F);
  MlpTape<double> tape;
  mlp_input_gradient<double>(model.shape, model.params.data(), model.params.size(), x.data(), n, f.data(), G.data(),
                             tape);
  for (int r = 0; r < n; ++r) {
    if (V) V[r] = s.out_scale * f[r] + s.out_shift;
    if (a)
      for (int k = 0; k < F; ++k)
        a[std::size_t(r) * F + k] = -s.out_scale / (mass[std::size_t(r) * N + k / D] * s.in_scale[k]) * G[std::size_t(r) * F + k];
  }
}

double lnn_loss_and_grad(const ModelFile& model, const double* q, const double* mass, const double* acc_true, int n,
                         int N, int D, std::vector<double>* grad) {
  check_model(model, N, D);
  NOETHER_REQUIRE(n >= 1, "LNN loss: needs at least one sample");
  const int F = N * D;
  const Scales s = scales_of(model);
  const std::vector<double> x = scaled_inputs(s, q, n, F);
  std::vector<double> G(std::size_t(n) * F), dG(std::size_t(n) * F);
  MlpTape<double> tape;
  mlp_input_gradient<double>(model.shape, model.params.data(), model.params.size(), x.data(), n, nullptr, G.data(),
                             tape);
  const double w = 1.0 / (double(n) * F);
  double loss = 0;
  for (int r = 0; r < n; ++r)
    for (int k = 0; k < F; ++k) {
      const std::size_t i = std::size_t(r) * F + k;
      const double c = -s.out_scale / (mass[std::size_t(r) * N + k / D] * s.in_scale[k]);  // a = c · G
      const double e = c * G[i] - acc_true[i];
      loss += w * e * e;
      dG[i] = 2 * w * e * c;
    }
  if (grad) {
    grad->assign(model.params.size(), 0.0);
    mlp_input_gradient_backward<double>(model.shape, model.params.data(), model.params.size(), tape, dG.data(), nullptr,
                                        grad->data(), nullptr);
  }
  return loss;
}

LnnTrainResult train_lnn(const TrajectoryData& data, const std::vector<double>& acc, const LnnTrainOptions& o,
                         const std::function<void(const LnnEpochReport&)>& on_epoch) {
  NOETHER_REQUIRE(!o.hidden.empty(), "train lnn: hidden widths must not be empty");
  for (int w : o.hidden) NOETHER_REQUIRE(w >= 1, "train lnn: hidden widths must be >= 1, got " << w);
  NOETHER_REQUIRE(o.samples >= 1, "train lnn: samples must be >= 1, got " << o.samples);
  NOETHER_REQUIRE(o.epochs >= 1, "train lnn: epochs must be >= 1, got " << o.epochs);
  NOETHER_REQUIRE(o.batch_size >= 0, "train lnn: batch_size must be >= 0, got " << o.batch_size);
  NOETHER_REQUIRE(o.lr > 0 && o.lr_final >= 0, "train lnn: lr must be > 0 and lr_final >= 0");
  const SingleThreadedEigen one_thread;
  const int N = data.N, D = data.D, F = N * D;
  NOETHER_REQUIRE(acc.size() == data.pos.size(), data.source << ": accelerations have " << acc.size()
                                                             << " values, expected (B, T, N, D) = " << data.pos.size());

  std::vector<int> train_traj, val_traj;
  split_trajectories(data.B, o.val_fraction, o.seed, train_traj, val_traj);
  SplitMix64 rng{o.seed * 0x9E3779B97F4A7C15ULL + 3};
  const int val_limit = std::max(1, int(std::ceil(o.samples * o.val_fraction)));
  const std::vector<Frame> train_fr = draw_frames(data, train_traj, o.samples, rng);
  const std::vector<Frame> val_fr = draw_frames(data, val_traj, val_limit, rng);
  std::vector<double> q, m, a, vq, vm, va;
  gather(data, acc, train_fr, q, m, a);
  gather(data, acc, val_fr, vq, vm, va);
  const int n = int(train_fr.size()), nv = int(val_fr.size());

  // Scaling: x = (q − mean)/σ with one pooled σ (the RMS deviation of all coordinates), so that x is O(1)
  // and isotropic; the output is multiplied by F_rms·σ (F_rms the RMS force m|a| per particle), so that a
  // unit slope of the network is a typical force.
  ModelFile model;
  model.model = "lnn";
  model.shape.widths = {F};
  for (int w : o.hidden) model.shape.widths.push_back(w);
  model.shape.widths.push_back(1);
  model.shape.activation = o.activation;
  std::vector<double> mean(F, 0.0);
  for (int r = 0; r < n; ++r)
    for (int k = 0; k < F; ++k) mean[k] += q[std::size_t(r) * F + k] / n;
  double var = 0, f2 = 0;
  for (int r = 0; r < n; ++r)
    for (int k = 0; k < F; ++k) {
      const double dq = q[std::size_t(r) * F + k] - mean[k];
      const double fk = m[std::size_t(r) * N + k / D] * a[std::size_t(r) * F + k];
      var += dq * dq / (double(n) * F), f2 += fk * fk / (double(n) * N);
    }
  const double sigma = var > 0 ? std::sqrt(var) : 1.0;
  const double Frms = f2 > 0 ? std::sqrt(f2) : 1.0;
  model.input_scaling = {mean, std::vector<double>(F, sigma)};
  model.output_scaling = {{0.0}, {Frms * sigma}};
  glorot_uniform_init(model.shape, o.seed, model.params);

  LnnTrainResult res;
  res.train_samples = n, res.val_samples = nv;
  res.initial_train_loss = lnn_loss_and_grad(model, q.data(), m.data(), a.data(), n, N, D, nullptr);

  const int nb = o.batch_size == 0 ? n : std::min(o.batch_size, n);
  const long steps_per_epoch = (long(n) + nb - 1) / nb;
  AdamOptions ao;
  ao.weight_decay = o.weight_decay;
  ao.schedule.kind = LrScheduleKind::Cosine;
  ao.schedule.lr = o.lr;
  ao.schedule.min_lr = o.lr_final;
  ao.schedule.decay_steps = std::max(1L, steps_per_epoch * o.epochs);
  Adam adam(model.params.size(), ao);

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<int> order(n);
  for (int r = 0; r < n; ++r) order[r] = r;
  std::vector<double> bq, bm, ba, grad;
  int epochs = o.epochs;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const double lr = ao.schedule.at(adam.steps());
    shuffle(order, rng);
    double sum = 0;
    for (int start = 0; start < n; start += nb) {
      const int k = std::min(nb, n - start);
      bq.resize(std::size_t(k) * F), ba.resize(std::size_t(k) * F), bm.resize(std::size_t(k) * N);
      for (int r = 0; r < k; ++r) {
        const int i = order[start + r];
        std::copy_n(q.begin() + std::size_t(i) * F, F, bq.begin() + std::size_t(r) * F);
        std::copy_n(a.begin() + std::size_t(i) * F, F, ba.begin() + std::size_t(r) * F);
        std::copy_n(m.begin() + std::size_t(i) * N, N, bm.begin() + std::size_t(r) * N);
      }
      sum += k * lnn_loss_and_grad(model, bq.data(), bm.data(), ba.data(), k, N, D, &grad);
      adam.step(model.params.data(), grad.data());
    }
    res.train_loss = sum / n;  // during the epoch (before each step)
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (o.time_budget_s > 0 && secs > o.time_budget_s && epoch + 1 < epochs) {
      res.stopped_by_time_budget = true;
      epochs = epoch + 1;
    }
    if (on_epoch) {
      const double vl = nv > 0 ? lnn_loss_and_grad(model, vq.data(), vm.data(), va.data(), nv, N, D, nullptr) : 0.0;
      on_epoch({epoch + 1, epochs, res.train_loss, vl, lr, secs});
    }
  }
  res.epochs = epochs;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.train_loss = lnn_loss_and_grad(model, q.data(), m.data(), a.data(), n, N, D, nullptr);
  res.val_loss = nv > 0 ? lnn_loss_and_grad(model, vq.data(), vm.data(), va.data(), nv, N, D, nullptr) : 0.0;

  const json opts = {{"hidden", o.hidden},   {"activation", activation_name(o.activation)},
                     {"samples", o.samples}, {"epochs", o.epochs},
                     {"batch_size", o.batch_size}, {"lr", o.lr},
                     {"lr_final", o.lr_final}, {"weight_decay", o.weight_decay},
                     {"val_fraction", o.val_fraction}, {"seed", o.seed}};
  const json meta = {{"trained_on", data.source},
                     {"trajectories", {{"train", train_traj.size()}, {"validation", val_traj.size()}}},
                     {"samples", {{"train", n}, {"validation", nv}}},
                     {"particles", N},
                     {"dimension", D},
                     {"loss", "mean squared error of accelerations"},
                     {"options", opts},
                     {"epochs_run", epochs},
                     {"stopped_by_time_budget", res.stopped_by_time_budget},
                     {"initial_train_loss", res.initial_train_loss},
                     {"train_loss", res.train_loss},
                     {"val_loss", res.val_loss},
                     {"seconds", res.seconds}};
  model.metadata = json{{"training", meta}}.dump();
  res.model = model;
  return res;
}

Trajectory lnn_rollout(const ModelFile& model, const InitialState& init, double dt, long stride, int frames,
                       double V_offset) {
  validate_initial_state(init, "LNN rollout: initial state");
  const int B = init.B, N = init.N, D = init.D, F = N * D;
  if (!model.metadata.empty()) {  // the trained N and D, when recorded (N·D alone cannot tell 3×2 from 2×3)
    const json meta = json::parse(model.metadata);
    if (meta.contains("training") && meta["training"].contains("particles") && meta["training"].contains("dimension")) {
      const int mN = meta["training"]["particles"].get<int>(), mD = meta["training"]["dimension"].get<int>();
      NOETHER_REQUIRE(mN == N && mD == D, "the LNN baseline learns V of all N·D coordinates and cannot run other "
                                          "particle counts: trained on "
                                              << mN << " particles in " << mD << "-D, asked for " << N << " in " << D
                                              << "-D");
    }
  }
  check_model(model, N, D);
  NOETHER_REQUIRE(dt > 0 && stride >= 1 && frames >= 1,
                  "LNN rollout: needs dt > 0, stride >= 1 and frames >= 1, got " << dt << ", " << stride << ", " << frames);
  const SingleThreadedEigen one_thread;
  Trajectory tr;
  tr.B = B, tr.T = frames, tr.N = N, tr.D = D;
  tr.mass = init.mass;
  const std::size_t frame = std::size_t(B) * F;
  tr.pos.resize(frame * frames), tr.vel.resize(frame * frames), tr.acc.resize(frame * frames);
  tr.frames.resize(frames);
  std::vector<double> q = init.pos, v = init.vel, a(frame), a_new(frame), V(B);
  lnn_accelerations(model, q.data(), init.mass.data(), B, N, D, V.data(), a.data());
  for (int f = 0; f < frames; ++f) {
    if (f > 0)
      for (long s = 0; s < stride; ++s) {
        for (std::size_t k = 0; k < frame; ++k) q[k] += v[k] * dt + 0.5 * a[k] * dt * dt;
        lnn_accelerations(model, q.data(), init.mass.data(), B, N, D, V.data(), a_new.data());
        for (std::size_t k = 0; k < frame; ++k) v[k] += 0.5 * (a[k] + a_new[k]) * dt, a[k] = a_new[k];
      }
    for (int b = 0; b < B; ++b) {  // (B, T, N, D) layout
      const std::size_t src = std::size_t(b) * F, dst = (std::size_t(b) * frames + f) * F;
      std::copy_n(q.begin() + src, F, tr.pos.begin() + dst);
      std::copy_n(v.begin() + src, F, tr.vel.begin() + dst);
      std::copy_n(a.begin() + src, F, tr.acc.begin() + dst);
    }
    for (std::size_t k = 0; k < frame; ++k)
      NOETHER_REQUIRE(std::isfinite(q[k]) && std::isfinite(v[k]),
                      "LNN rollout: the state became non-finite at frame " << f << " (t = " << f * stride * dt << ")");
    kinematic_observables_cpu(q.data(), v.data(), init.mass.data(), B, N, D, tr.frames[f]);
    tr.frames[f].potential.resize(B);
    for (int b = 0; b < B; ++b) tr.frames[f].potential[b] = V[b] + V_offset;
    tr.times.push_back(double(f) * double(stride) * dt);
  }
  return tr;
}

double lnn_potential_offset(const ModelFile& model, const TrajectoryData& d, const std::vector<double>& U_true) {
  NOETHER_REQUIRE(U_true.size() == std::size_t(d.B) * d.T, "LNN potential offset: U_true must be (B, T) = ("
                                                               << d.B << ", " << d.T << "), got " << U_true.size());
  std::vector<double> m(std::size_t(d.T) * d.N), V(d.T);
  double c = 0;
  for (int b = 0; b < d.B; ++b) {
    for (int t = 0; t < d.T; ++t) std::copy_n(d.m(b), d.N, m.begin() + std::size_t(t) * d.N);
    lnn_accelerations(model, d.q(b, 0), m.data(), d.T, d.N, d.D, V.data(), nullptr);
    for (int t = 0; t < d.T; ++t) c += (U_true[std::size_t(b) * d.T + t] - V[t]) / (double(d.B) * d.T);
  }
  return c;
}

}  // namespace noether
