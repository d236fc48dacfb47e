// run/pixel.cpp — the pixel pendulum experiment of `noether run` (run/pixel.hpp): data (one data set, drawn
// from data_seed), then per seed the baseline and the HNN trained with that seed, their final train / test
// losses (L of pixel/model.hpp over the full sets), latent rollouts from every test trial and the energy MSE
// (pixel/eval.hpp). Outputs:
//   DIR/pixel_pendulum.npz  the data set (save_data)
//   DIR/metrics.json        {"task", "config", "seeds", "training", "data", "evaluation", "models": {"hnn"|"baseline":
//                           {"train_loss"|"test_loss"|"energy_mse": {"mean","stderr","per_seed"}, "test_terms",
//                           "seconds"}}, "published": {…}}   (std error = sample std (n − 1) / √n; 0 for one seed)
//   DIR/summary.md          the table beside the published row, the HNN / baseline energy-MSE ratio
//   DIR/rollouts.npz        first seed: frames, latents, energies and the learned H on a grid (plot_pixel.py)
//   DIR/*.png               scripts/plot_pixel.py (pixel_strip.png, latent_phase.png, energy.png)
#include "run/pixel.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "noether/io/json_config.hpp"
#include "noether/physics/cuda.hpp"
#include "noether/io/json_file.hpp"
#include "noether/io/npz.hpp"
#include "noether/pixel/eval.hpp"
#include "run/pixel_config.hpp"
#include "run/plot_script.hpp"
#include "run/seed_stats.hpp"
#include "run/progress.hpp"

namespace noether {

namespace {

using cfg::json;
namespace fs = std::filesystem;

// The reference code's README (github.com/greydanus/hamiltonian-nn): pixel pendulum.
constexpr double kPubTestBaseline = 1.73e-4, kPubTestHnn = 1.85e-4, kPubEnergyBaseline = 9.27e-3, kPubEnergyHnn = 1.53e-4;

struct ModelRuns {
  std::vector<double> train_loss, test_loss, energy_mse, test_ae, test_cc, test_latent;
  double seconds = 0;  ///< training + evaluation, all seeds
};

json model_json(const ModelRuns& r) {
  return {{"train_loss", seed_stat_json(r.train_loss)},
          {"test_loss", seed_stat_json(r.test_loss)},
          {"energy_mse", seed_stat_json(r.energy_mse)},
          {"test_terms", {{"ae", seed_stat_json(r.test_ae)}, {"cc", seed_stat_json(r.test_cc)}, {"latent", seed_stat_json(r.test_latent)}}},
          {"seconds", r.seconds}};
}

/// One trained and evaluated model (what the figures of the first seed need).
struct Evaluated {
  PixelTrainResult train;
  std::vector<float> params;
  PixelRollouts roll;
  std::vector<float> test_latents;  ///< (n_test, 2k) E(x) of every test sample
};

Evaluated train_and_evaluate(HnnModelKind kind, const PixelPendulumData& data, const PixelRunConfig& c,
                             std::uint64_t seed, bool quiet) {
  Evaluated e;
  PixelTrainOptions o = c.train;
  o.seed = seed;
  Progress progress(std::string(kind == HnnModelKind::Hnn ? "hnn" : "baseline") + " seed " + std::to_string(seed));
  if (!quiet)
    o.on_step = [&progress, &o](int step, const PixelLossTerms& t) { progress.update(step, o.steps, "batch loss " + fmt_sci(t.total)); };
  e.train = train_pixel_model(kind, data, o);
  e.params = pixel_params_f32(e.train.model);
  const LatentToCanonical map = fit_latent_to_canonical(e.train.model, e.params, data);
  std::vector<int> test_trials(std::size_t(data.test_trials));
  for (int b = 0; b < data.test_trials; ++b) test_trials[std::size_t(b)] = b;
  e.roll = pixel_rollouts(e.train.model, e.params, map, data, test_trials, c.rollout_frames);
  const int n = data.n_test(), D = data.input_dim(), d = e.train.model.latent_dim();
  std::vector<int> idx(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) idx[std::size_t(i)] = i;
  std::vector<float> X(std::size_t(n) * D);
  data.gather(idx.data(), n, X.data(), nullptr);
  e.test_latents.resize(std::size_t(n) * d);
  pixel_encode<float>(e.train.model, e.params.data(), X.data(), n, e.test_latents.data());
  return e;
}

std::vector<double> to_double(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

/// DIR/rollouts.npz for scripts/plot_pixel.py (first seed).
void write_rollouts(const fs::path& path, const PixelPendulumData& data, const Evaluated& hnn, const Evaluated& base) {
  const std::size_t B = std::size_t(hnn.roll.trials), T = std::size_t(hnn.roll.frames), S = std::size_t(data.side),
                    d = std::size_t(hnn.roll.latent_dim);
  // True frames of the rollouts, rendered from the exact states (the rollouts may run past the recorded frames).
  std::vector<double> true_frames(B * T * S * S);
  std::vector<float> img(S * S);
  for (std::size_t bt = 0; bt < B * T; ++bt) {
    render_pendulum(data.options.renderer, hnn.roll.states_true[2 * bt], img.data());
    std::copy(img.begin(), img.end(), true_frames.begin() + std::ptrdiff_t(bt * S * S));
  }
  // The learned H_θ on a grid over the HNN's test latents (padded by 10%).
  const std::size_t G = 60;
  double lo[2] = {1e300, 1e300}, hi[2] = {-1e300, -1e300};
  for (std::size_t i = 0; i < hnn.test_latents.size(); ++i) {
    const std::size_t c = i % d;
    if (c > 1) continue;
    lo[c] = std::min(lo[c], double(hnn.test_latents[i]));
    hi[c] = std::max(hi[c], double(hnn.test_latents[i]));
  }
  std::vector<double> g0(G), g1(G), grid(G * G * d, 0.0), H(G * G);
  for (int c = 0; c < 2; ++c) {
    const double pad = 0.1 * (hi[c] - lo[c] + 1e-12);
    lo[c] -= pad;
    hi[c] += pad;
  }
  for (std::size_t i = 0; i < G; ++i) {
    g0[i] = lo[0] + (hi[0] - lo[0]) * double(i) / double(G - 1);
    g1[i] = lo[1] + (hi[1] - lo[1]) * double(i) / double(G - 1);
  }
  for (std::size_t i = 0; i < G; ++i)
    for (std::size_t j = 0; j < G; ++j) {
      grid[(i * G + j) * d] = g0[i];
      grid[(i * G + j) * d + 1] = g1[j];
    }
  const std::vector<double> pd(hnn.params.begin(), hnn.params.end());
  pixel_latent_energy<double>(hnn.train.model, pd.data(), grid.data(), int(G * G), H.data());
  auto states = [&](const PixelRollouts& r, int which) {  // (B, T) component `which` of the predicted (q, p)
    std::vector<double> v(B * T);
    for (std::size_t i = 0; i < B * T; ++i) v[i] = r.qp_pred[2 * i + std::size_t(which)];
    return v;
  };
  std::vector<double> true_q(B * T), true_p(B * T);
  for (std::size_t i = 0; i < B * T; ++i) {
    true_q[i] = hnn.roll.states_true[2 * i];
    true_p[i] = 0.25 * hnn.roll.states_true[2 * i + 1];
  }
  const std::size_t nt = hnn.test_latents.size() / d;
  write_npz(path.string(),
            {{"dt", {}, {data.options.physics.dt}, false},
             {"true_frames", {B, T, S, S}, true_frames, true},
             {"hnn_frames", {B, T, S, S}, to_double(hnn.roll.decoded), true},
             {"baseline_frames", {B, T, S, S}, to_double(base.roll.decoded), true},
             {"hnn_z", {B, T, d}, hnn.roll.z, false},
             {"baseline_z", {B, T, d}, base.roll.z, false},
             {"hnn_test_latents", {nt, d}, to_double(hnn.test_latents), false},
             {"baseline_test_latents", {nt, d}, to_double(base.test_latents), false},
             {"test_samples_per_trial", {}, {double(data.samples_per_trial())}, false},
             {"true_q", {B, T}, true_q, false},
             {"true_p", {B, T}, true_p, false},
             {"hnn_q", {B, T}, states(hnn.roll, 0), false},
             {"hnn_p", {B, T}, states(hnn.roll, 1), false},
             {"baseline_q", {B, T}, states(base.roll, 0), false},
             {"baseline_p", {B, T}, states(base.roll, 1), false},
             {"true_H", {B, T}, hnn.roll.H_true, false},
             {"hnn_H", {B, T}, hnn.roll.H_pred, false},
             {"baseline_H", {B, T}, base.roll.H_pred, false},
             {"grid_z0", {G}, g0, false},
             {"grid_z1", {G}, g1, false},
             {"grid_hnn_H", {G, G}, H, false},
             {"hnn_batch_loss", {hnn.train.batch_loss.size()}, hnn.train.batch_loss, false},
             {"baseline_batch_loss", {base.train.batch_loss.size()}, base.train.batch_loss, false}});
}

std::string summary_md(const PixelRunConfig& c, const std::string& config, const ModelRuns& hnn, const ModelRuns& base,
                       const std::string& plot_note) {
  std::ostringstream md;
  md << "# noether run: " << fs::path(config).filename().string() << "\n\n"
     << "Task `hnn_pixel_pendulum` (paper 004 §5, Greydanus et al.): " << c.seeds.size() << " seed(s) [";
  for (std::size_t i = 0; i < c.seeds.size(); ++i) md << (i ? ", " : "") << c.seeds[i];
  md << "], " << c.data.trials << " trials × " << c.data.frames << " frames (data seed " << c.data.seed << "), "
     << c.train.steps << " Adam steps of batch " << c.train.batch << ", lr " << c.train.lr << ", weight decay "
     << c.train.weight_decay << ", trained on " << (c.train.cuda ? cuda_device_description() : std::string("the CPU"))
     << ", energy MSE over " << c.rollout_frames << "-frame latent rollouts from the test trials.\n\n"
     << "Loss L = ae + cc + 0.1·latent (reference `pixelhnn_loss`), final, over the full sets. Ours: mean ± std error "
        "over the seeds. Published: the reference code's README (mean over 5 runs).\n\n"
     << "| model | train loss | test loss | test loss (published) | energy MSE | energy MSE (published) | seconds |\n"
     << "|---|---:|---:|---:|---:|---:|---:|\n"
     << "| baseline | " << fmt_mean_stderr(base.train_loss) << " | " << fmt_mean_stderr(base.test_loss) << " | " << fmt_sci(kPubTestBaseline) << " | "
     << fmt_mean_stderr(base.energy_mse) << " | " << fmt_sci(kPubEnergyBaseline) << " | " << fmt_secs(base.seconds) << " |\n"
     << "| HNN | " << fmt_mean_stderr(hnn.train_loss) << " | " << fmt_mean_stderr(hnn.test_loss) << " | " << fmt_sci(kPubTestHnn) << " | "
     << fmt_mean_stderr(hnn.energy_mse) << " | " << fmt_sci(kPubEnergyHnn) << " | " << fmt_secs(hnn.seconds) << " |\n\n";
  const double ours = seed_stat(hnn.energy_mse).mean / seed_stat(base.energy_mse).mean;
  md << "Energy MSE ratio HNN / baseline (means): **" << fmt_sci(ours) << "** (published "
     << fmt_sci(kPubEnergyHnn / kPubEnergyBaseline) << ").\n\n"
     << "Test loss terms (means): baseline ae " << fmt_sci(seed_stat(base.test_ae).mean) << ", cc " << fmt_sci(seed_stat(base.test_cc).mean)
     << ", latent " << fmt_sci(seed_stat(base.test_latent).mean) << "; HNN ae " << fmt_sci(seed_stat(hnn.test_ae).mean) << ", cc "
     << fmt_sci(seed_stat(hnn.test_cc).mean) << ", latent " << fmt_sci(seed_stat(hnn.test_latent).mean) << ".\n";
  if (plot_note.empty())
    md << "\nFigures: `pixel_strip.png` (true / HNN / baseline frames over time, paper Fig. 4), `latent_phase.png`, "
          "`energy.png`.\n";
  else
    md << "\n" << plot_note << "\n";
  return md.str();
}

}  // namespace

int run_pixel_experiment(const std::string& config, const std::string& out_dir, bool quiet) {
  const PixelRunConfig c = load_pixel_run_config(config);  // every config error before any work
  const fs::path dir(out_dir);
  fs::create_directories(dir);
  auto say = [&](const std::string& s) {
    if (!quiet) std::printf("%s\n", s.c_str()), std::fflush(stdout);
  };
  auto t0 = std::chrono::steady_clock::now();
  const PixelPendulumData data = make_pixel_pendulum_data(c.data);
  const double data_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  say("pixel pendulum: " + std::to_string(data.trials) + " trials × " + std::to_string(data.frames) + " frames of " +
      std::to_string(data.side) + "×" + std::to_string(data.side) + " (" + std::to_string(data.n_train()) + " training, " +
      std::to_string(data.n_test()) + " test samples) in " + fmt_secs(data_seconds) + " s");
  if (c.save_data) write_pixel_pendulum_npz(data, (dir / "pixel_pendulum.npz").string());
  ModelRuns hnn, base;
  for (std::size_t i = 0; i < c.seeds.size(); ++i) {
    const std::uint64_t seed = c.seeds[i];
    Evaluated ev[2];
    for (HnnModelKind kind : {HnnModelKind::Baseline, HnnModelKind::Hnn}) {
      const bool is_hnn = kind == HnnModelKind::Hnn;
      ModelRuns& r = is_hnn ? hnn : base;
      const auto t1 = std::chrono::steady_clock::now();
      Evaluated& e = ev[is_hnn ? 1 : 0];
      e = train_and_evaluate(kind, data, c, seed, quiet);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      const double emse = e.roll.energy_mse();
      r.train_loss.push_back(e.train.train.total);
      r.test_loss.push_back(e.train.test.total);
      r.test_ae.push_back(e.train.test.ae);
      r.test_cc.push_back(e.train.test.cc);
      r.test_latent.push_back(e.train.test.latent);
      r.energy_mse.push_back(emse);
      r.seconds += seconds;
      say("seed " + std::to_string(seed) + " (" + std::to_string(i + 1) + "/" + std::to_string(c.seeds.size()) + ") " +
          (is_hnn ? "hnn" : "baseline") + ": train loss " + fmt_sci(e.train.train.total) + ", test loss " +
          fmt_sci(e.train.test.total) + " (ae " + fmt_sci(e.train.test.ae) + ", cc " + fmt_sci(e.train.test.cc) + ", latent " +
          fmt_sci(e.train.test.latent) + "), energy MSE " + fmt_sci(emse) + " (" + fmt_secs(seconds) + " s)");
    }
    if (i == 0) write_rollouts(dir / "rollouts.npz", data, ev[1], ev[0]);
  }
  json seeds = json::array();
  for (std::uint64_t s : c.seeds) seeds.push_back(s);
  const json metrics = {
      {"task", "hnn_pixel_pendulum"},
      {"config", config},
      {"seeds", seeds},
      {"training",
       {{"steps", c.train.steps}, {"batch", c.train.batch}, {"lr", c.train.lr}, {"weight_decay", c.train.weight_decay},
        {"ae_hidden", c.train.ae_hidden}, {"hidden", c.train.latent_hidden}, {"activation", "tanh (latent), relu (autoencoder)"},
        {"latent_weight", kPixelLatentWeight}, {"precision", "float32 (float64 Adam)"}, {"threads", c.train.threads},
        {"device", c.train.cuda ? cuda_device_description() : std::string("cpu")}}},
      {"data",
       {{"trials", c.data.trials}, {"frames", c.data.frames}, {"data_seed", c.data.seed}, {"side", data.side},
        {"test_trials", data.test_trials}, {"train_samples", data.n_train()}, {"test_samples", data.n_test()},
        {"dt", c.data.physics.dt}, {"seconds", data_seconds}}},
      {"evaluation", {{"rollout_frames", c.rollout_frames}, {"rollout_trials", data.test_trials},
                      {"energy", "H = (3g/16l)(1 - cos q) + p^2, (q, p) = (theta, theta_dot/4), of the re-encoded decoded frames"}}},
      {"models", {{"hnn", model_json(hnn)}, {"baseline", model_json(base)}}},
      {"published",
       {{"source", "HNN reference code README (github.com/greydanus/hamiltonian-nn), mean over 5 runs"},
        {"hnn", {{"test_loss", kPubTestHnn}, {"energy_mse", kPubEnergyHnn}}},
        {"baseline", {{"test_loss", kPubTestBaseline}, {"energy_mse", kPubEnergyBaseline}}}}}};
  write_text_file_atomic((dir / "metrics.json").string(), metrics.dump(2) + "\n");
  const std::string note = run_plot_script("plot_pixel.py", dir.string());
  write_text_file_atomic((dir / "summary.md").string(), summary_md(c, config, hnn, base, note));
  say("wrote " + (dir / "metrics.json").string() + ", " + (dir / "summary.md").string() +
      (note.empty() ? " and the figures" : " (" + note + ")"));
  return 0;
}

}  // namespace noether
